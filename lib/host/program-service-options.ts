// What installProgramService and updateProgramService take: the SCM's part (name, account,
// startup, dependencies, recovery) and the host settings' part, whose names, checks, CLI flags
// and services-file fields come from the rows of setting-fields.ts.
import type { PriorityClass, RestartPolicy, StderrMode, StopMethod } from './settings-types';

/** How the service starts with Windows. */
export type Startup = 'manual' | 'auto' | 'delayed' | 'disabled';

/** Every startup, in the order help texts list them. */
export const STARTUPS: readonly Startup[] = ['manual', 'auto', 'delayed', 'disabled'];

/** Options of {@link installProgramService} and {@link updateProgramService} (all optional). */
export interface ProgramServiceOptions {
  displayName?: string;
  description?: string;
  /** Default `manual`. */
  startup?: Startup;
  /** Account (`.\\user`, `DOMAIN\\user`, `NT AUTHORITY\\LocalService`, a managed `DOMAIN\\gmsa$`); LocalSystem when omitted. */
  username?: string;
  /** Password of `username`. Never stored by scm-native, never printed. */
  password?: string;
  /** Run as the virtual account `NT SERVICE\\<name>` (no password). */
  virtualAccount?: boolean;
  /** Working directory; default: the program's folder. */
  cwd?: string;
  /** Environment variables for the program. Replaces the whole set on update. */
  env?: Record<string, string>;
  /** Services that must be running first. */
  dependencies?: string[];
  /** Executable that runs the program (required for files other than .js/.mjs/.cjs/.exe/.cmd/.bat). */
  interpreter?: string;
  interpreterArgs?: string[];
  /** Log folder; default `%ProgramData%\\scm-native\\logs`. */
  logDir?: string;
  logTimestamps?: boolean;
  /** Rotate at this size (bytes); 0: never. Default 10 MiB. */
  logMaxSize?: number;
  /** Rotate daily. Default true. */
  logDaily?: boolean;
  /** Rotated files kept; 0 keeps all. Default 10. */
  logKeep?: number;
  /** `separate`: the program's stderr in `<name>.err.log` (rotated alike); default `merge`. */
  logStderr?: StderrMode;
  /** Compress rotated log files with gzip (`.log.gz`, in the background; the newest rotated file stays plain until the next rotation). Default false. */
  logCompress?: boolean;
  /** Start a new log file at each start of the service (the previous one is rotated; program restarts keep the file). Default false. */
  logRotateOnStart?: boolean;
  /**
   * The program writes its log file itself (an append-only handle as its stdout and stderr, as
   * NSSM does): the fastest output, but no timestamps, and rotation by size or day only when the
   * program (re)starts; `scm-native rotate` is refused. Default false (the host copies the output).
   */
  logDirect?: boolean;
  /** Default `on-failure`. */
  restart?: RestartPolicy;
  /** First restart delay (ms), doubling. Default 5000. */
  backoffInitial?: number;
  /** Give up when the waits add up past this (ms). Default 300000. */
  backoffLimit?: number;
  /** A run this long (ms) resets the backoff. Default 30000. */
  backoffReset?: number;
  /** Service-specific exit code when giving up; default: the program's last exit code. */
  giveUpExitCode?: number | null;
  /**
   * Exit codes that count as success besides 0: under `restart: 'on-failure'` the service then
   * stops cleanly instead of restarting the program. Default none.
   */
  successExitCodes?: number[];
  /**
   * Exit codes after which the program is never restarted (a configuration error a restart
   * cannot cure): the service stops, with the code as its service-specific exit code unless it is
   * a success code. Default none.
   */
  noRestartExitCodes?: number[];
  /**
   * Append the arguments given to the service's start (`startService(name, { args })`,
   * `sc start <name> a b`) to the program's, for every run until the service stops. Default false.
   */
  passStartArgs?: boolean;
  /**
   * The processors (0-63, in the program's processor group) the program may run on, set right
   * after each start (SetProcessAffinityMask); null or [] on update: all again. Default: all.
   */
  affinity?: number[] | null;
  /**
   * A command ([file, ...args], the file an absolute path; a `.cmd`/`.bat` runs through cmd.exe)
   * the host runs before the program's first start, with its working directory and environment;
   * a non-zero exit or the hook timeout fails the service's start. null removes it. Default none.
   */
  preStart?: string[] | null;
  /** A command run once the program has stopped for good, before the service reports STOPPED. */
  postStop?: string[] | null;
  /**
   * A command run once the service is RUNNING (after the ready message with `readyTimeout`), with
   * the program's working directory and environment. A failure is logged (and reported in the
   * event log); the program keeps running. null removes it. Default none.
   */
  postStart?: string[] | null;
  /**
   * A command run when the service is told to stop, before the program is asked to (a restart of
   * the program does not run it). It may take up to the hook timeout; a failure is logged and the
   * stop goes on. null removes it. Default none.
   */
  preStop?: string[] | null;
  /**
   * With `stopMethod: 'command'`: the command ([file, ...args], the file an absolute path) that
   * asks the program to stop, such as `nginx -s quit` or `pg_ctl stop -D <dir> -m fast`. It runs
   * with the program's working directory and environment; the program then has the rest of the
   * stop timeout to exit before its process tree is terminated, whatever the command did. null
   * removes it. Default none.
   */
  stopCommand?: string[] | null;
  /**
   * Absolute path of an environment file (`NAME=VALUE` lines, `#` comments) read at each start of
   * the program: its variables come after the system's and before `env`. Checked for writers as the
   * program is. null or '' removes it on update. Default none.
   */
  envFile?: string | null;
  /** How long (ms) a hook may run before it is terminated. Default 30000. */
  hookTimeout?: number;
  /** Variables of the host's (the system's) environment the program does not get. Default none. */
  envUnset?: string[];
  /** Absolute folders put before the program's PATH, in this order. Default none. */
  pathPrepend?: string[];
  /** Default: `ipc` for Node programs, `ctrl-c` for others. `command` needs `stopCommand`. */
  stopMethod?: StopMethod;
  /** Default 10000 ms. */
  stopTimeout?: number;
  /** Keep the program's process tree in a kill-on-close job (default true). */
  killTree?: boolean;
  /**
   * Let the program's processes break away from the host's job (default false): with it, a child
   * started with CREATE_BREAKAWAY_FROM_JOB, or by a process in a job of its own that allows
   * breakaway silently (libuv's, Node's spawn), escapes the kill-on-close tree.
   */
  allowJobBreakaway?: boolean;
  /** A failure this soon after start (ms) reports the last stderr lines. Default 10000. */
  earlyExitWindow?: number;
  /**
   * Priority class of the program's process, set by the host right after each start. Default
   * `normal`. `realtime` without the privilege becomes `high` (Windows decides, silently).
   */
  priority?: PriorityClass;
  /**
   * Absolute path of a file the host keeps the program's pid in (decimal + newline) while it
   * runs; null or '' removes it on update. Default: none.
   */
  pidFile?: string | null;
  /**
   * Wait up to this long (ms) for the program's ready message before the service reports RUNNING
   * (it stays START_PENDING, so `startService` with a wait, `scm-native start` and dependent
   * services go on only once the program is ready); no message in time fails the start with
   * ERROR_SERVICE_REQUEST_TIMEOUT. The program calls `notifyServiceReady()`. Node programs only.
   * Default 0: RUNNING as soon as the program is started.
   */
  readyTimeout?: number;
  /**
   * Install (or update) although someone other than SYSTEM, Administrators and the service's own
   * account can change the program, its interpreter, working folder, hooks, PATH folders, log or
   * pid-file folder: for LocalSystem, LocalService and NetworkService that is an error
   * (ERR_SCM_INSECURE_LOCATION) unless this is true; for other accounts a warning. Default false.
   */
  allowInsecureLocation?: boolean;
  /**
   * Accounts or groups (`Backup Operators`, `DOMAIN\\ops`, or a SID string `S-1-5-32-551`) that
   * may start, stop, pause/continue and send user-defined controls (`scm-native rotate`) to the
   * service. Everyone else but Administrators and SYSTEM may only query it. Each name is resolved
   * to a SID at install and update; an unknown name is an error. Default none.
   */
  allowControl?: string[];
  /**
   * Probe the running program every `healthInterval` once it is ready, and restart it (graceful
   * stop, then a restart with the usual backoff) after `healthRetries` failed probes in a row:
   * `http://host:port/path` or `https://...` (a GET; healthy: a status in `healthStatus`),
   * `tcp://host:port` (healthy: the connection is accepted), or a command as
   * [absolute program, ...args] (healthy: exit code 0; run without a shell, .cmd/.bat through
   * cmd.exe with its arguments checked). null or '' removes it on update. Default: none.
   */
  healthCheck?: string | string[] | null;
  /** Time (ms) from the end of one probe to the start of the next. Default 30000. */
  healthInterval?: number;
  /** A probe that takes longer (ms) fails (the command is terminated). Default 5000. */
  healthTimeout?: number;
  /** Consecutive failed probes that restart the program, 1 to 1000. Default 3. */
  healthRetries?: number;
  /** Failed probes this soon (ms) after the program started, or reported ready, do not count. Default 0. */
  healthGrace?: number;
  /** HTTP status codes that mean healthy, `from-to` or one code (100-599). Default `200-399`. */
  healthStatus?: string;
  /**
   * https probes accept any server certificate (a self-signed one on localhost). Default false:
   * the certificate is verified against the system's and Node's trusted roots.
   */
  healthInsecure?: boolean;
  /**
   * Restart the program (gracefully, with the usual backoff) when the private memory (commit
   * charge) of all its processes stays above this many bytes for `memoryLimitFor`. Default 0: no limit.
   */
  memoryLimit?: number;
  /** How long (ms) the memory must stay above `memoryLimit` before the restart. Default 60000. */
  memoryLimitFor?: number;
  /**
   * Run in the shared host process of this group (SERVICE_WIN32_SHARE_PROCESS) with the other
   * services of the group, instead of a host process of its own: one node.exe for all of them.
   * Each keeps its own program, job object, log, backoff, settings and status. A name of 1-64
   * letters, digits, '-', '_' or '.', compared case-blind. Every service of a group must run as
   * the same account. null or '' (update) takes the service out of its group. Default: none.
   */
  hostGroup?: string | null;
  /**
   * The services file that declares the service (what `apply` passes): whoever can change it can
   * change the service, so it is checked as the program is. Not stored.
   */
  servicesFile?: string;
  /**
   * Windows recovery once the host gives up (or the service fails otherwise): restart the
   * service after `delay` ms, up to `count` times in `resetPeriod` seconds. Sets the SCM's
   * failure actions with the non-crash flag. Not applied by Wine.
   */
  recovery?: { delay: number; count?: number; resetPeriod?: number } | null;
}
