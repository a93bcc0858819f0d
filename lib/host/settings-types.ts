// The shapes of the service host's settings as stored in the registry (settings.ts reads and
// writes them): types only, so the setting rows, the checks and the host can share them without
// importing each other.

/** How the program is started: by node with an IPC channel, directly, through cmd.exe, or by an interpreter. */
export type ProgramKind = 'node' | 'exe' | 'cmd' | 'interpreter';
/** When the program is started again after it exits. */
export type RestartPolicy = 'always' | 'on-failure' | 'never';
export const RESTART_POLICIES: readonly RestartPolicy[] = ['always', 'on-failure', 'never'];
/**
 * How a stop is asked for: IPC message (Node), Ctrl+C, Ctrl+Break, the stop command
 * (`stopCommand`, such as `nginx -s quit`), or none (terminate at once).
 */
export type StopMethod = 'ipc' | 'ctrl-c' | 'ctrl-break' | 'command' | 'kill';
export const STOP_METHODS: readonly StopMethod[] = ['ipc', 'ctrl-c', 'ctrl-break', 'command', 'kill'];
/**
 * The Windows priority class of the program's process (SetPriorityClass). `realtime` needs the
 * "increase scheduling priority" privilege; without it Windows silently gives `high`.
 */
export type PriorityClass = 'idle' | 'below_normal' | 'normal' | 'above_normal' | 'high' | 'realtime';

/** Every priority class, lowest first. */
export const PRIORITY_CLASSES: readonly PriorityClass[] = ['idle', 'below_normal', 'normal', 'above_normal', 'high', 'realtime'];

/** Where the program's stderr goes: with stdout in `<name>.log`, or in `<name>.err.log`. */
export type StderrMode = 'merge' | 'separate';
export const STDERR_MODES: readonly StderrMode[] = ['merge', 'separate'];

export interface LogSettings {
  /** Folder of `<name>.log` and its rotated files. */
  dir: string;
  /** Prefix every line with an ISO-8601 UTC time stamp. */
  timestamps: boolean;
  /** Rotate before a line would make the file larger than this (bytes); 0: never by size. */
  maxSize: number;
  /** Rotate when the local date changes. */
  daily: boolean;
  /** Rotated files kept (the oldest beyond this are deleted); 0 keeps all. */
  keep: number;
  /** `merge`: stderr in `<name>.log` with stdout; `separate`: in `<name>.err.log`, rotated alike. */
  stderr: StderrMode;
  /** Compress rotated files with gzip (`<rotated>.log.gz`), in the background. */
  compress: boolean;
  /** Rotate the log at each start of the service, so each start begins a new file. */
  rotateOnStart: boolean;
  /**
   * The program writes its log file itself, through an append-only handle the host gives it as
   * stdout (and stderr), as NSSM does: the host copies nothing, so output is as fast as the disk,
   * but it adds nothing per line either (no timestamps) and rotates by size or day only when the
   * program (re)starts.
   */
  direct: boolean;
}

export interface HostSettings {
  version: number;
  /** Absolute path of the program (a script for `node`, `cmd` and `interpreter`). */
  program: string;
  args: string[];
  kind: ProgramKind;
  /** What is executed: node.exe, cmd.exe, the interpreter; null for `exe`. */
  interpreter: string | null;
  /** Arguments given to the interpreter before the program. */
  interpreterArgs: string[];
  /** Working directory of the program. */
  cwd: string;
  /** Environment variables added to (or replacing) the host's. */
  env: Record<string, string>;
  /** Variables of the host's environment the program does not get. */
  envUnset: string[];
  /** Absolute folders put before PATH, in this order. */
  pathPrepend: string[];
  restart: RestartPolicy;
  /** First wait before a restart (ms); doubles after each failure. */
  backoffInitial: number;
  /** Give up once the waits so far add up to more than this (ms). */
  backoffLimit: number;
  /** A run at least this long (ms) resets the backoff. */
  backoffReset: number;
  /** Service-specific exit code when giving up; null: the program's last exit code. */
  giveUpExitCode: number | null;
  /** Exit codes that count as success besides 0 (no restart under `on-failure`, no error). */
  successExitCodes: number[];
  /** Exit codes after which the program is never restarted, whatever `restart` says. */
  noRestartExitCodes: number[];
  /** Command ([file, ...args]) run before the program's first start; non-zero fails the start. */
  preStart: string[] | null;
  /** Command run once the program has stopped for good, before the service reports STOPPED. */
  postStop: string[] | null;
  /** Command run once the service is RUNNING (after readiness); a failure is logged only. */
  postStart: string[] | null;
  /** Command run when the service is told to stop, before the program is asked to. */
  preStop: string[] | null;
  /** The command stop method `command` runs to ask the program to stop; null: none. */
  stopCommand: string[] | null;
  /** Absolute path of a file of NAME=VALUE lines added to the environment at each start; null: none. */
  envFile: string | null;
  /** How long (ms) a hook may run before it is terminated. */
  hookTimeout: number;
  /** The processors (0-63) the program may run on; null: all. */
  affinity: number[] | null;
  /** Append the arguments of the service's start (StartService, `sc start <name> a b`) to the program's. */
  passStartArgs: boolean;
  stopMethod: StopMethod;
  /** How long a stop waits for the program before terminating its process tree (ms). */
  stopTimeout: number;
  /** Keep the program's process tree in a kill-on-close job object. */
  killTree: boolean;
  /**
   * Whether the host's job allows breakaway (JOB_OBJECT_LIMIT_BREAKAWAY_OK): a process of the
   * program may then leave it, and so outlive the host. Only with killTree.
   */
  allowJobBreakaway: boolean;
  /** A run shorter than this (ms) that fails puts the last lines of stderr in the log, event log and status. */
  earlyExitWindow: number;
  log: LogSettings;
  /** Priority class the host gives the program's process at each start. Default `normal`. */
  priority: PriorityClass;
  /** Absolute path of a file that holds the program's pid while it runs; null: none. */
  pidFile: string | null;
  /**
   * How long (ms) the service stays START_PENDING waiting for the program's ready message
   * (`notifyServiceReady()`, Node programs only); 0: RUNNING as soon as the program is started.
   */
  readyTimeout: number;
  /**
   * Run with a privileged account although someone other than SYSTEM, Administrators and the
   * service's account can change the program or its folders (install then warns instead of failing).
   */
  allowInsecureLocation: boolean;
  /**
   * Accounts and groups (names or SID strings, as given) granted start, stop, pause/continue and
   * user-defined controls of the service in its security descriptor, besides Administrators and
   * SYSTEM. The descriptor lives in the SCM; it is kept here so that drift and status can show it.
   */
  allowControl: string[];
  /**
   * The health probe (health-target.ts): `http://`/`https://` URL (GET), `tcp://host:port`
   * (connect), or a command [absolute program, ...args] whose exit code 0 means healthy; null: none.
   */
  healthCheck: string | string[] | null;
  /** Time (ms) from the end of one probe to the start of the next. */
  healthInterval: number;
  /** A probe that takes longer (ms) fails. */
  healthTimeout: number;
  /** Consecutive failed probes that restart the program. */
  healthRetries: number;
  /** Failed probes this soon (ms) after the program started, or reported ready, do not count. */
  healthGrace: number;
  /** HTTP status codes that mean healthy: `from-to`. */
  healthStatus: string;
  /** https probes accept any server certificate. */
  healthInsecure: boolean;
  /** Restart the program when the private memory of its processes stays above this (bytes); 0: no limit. */
  memoryLimit: number;
  /** How long (ms) the memory must stay above {@link memoryLimit}. */
  memoryLimitFor: number;
  /**
   * The shared host this service runs in (SERVICE_WIN32_SHARE_PROCESS: one host process for every
   * service of the group, docs/service-host.md); null: a host process of its own (the default).
   */
  hostGroup: string | null;
}
