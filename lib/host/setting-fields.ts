// The service host's settings, one row each: where the setting lives in the registry JSON
// (HostSettings), its library option, its services-file field, its CLI flag and help, its kind and
// its default. Everything else is derived from these rows: the library's checks (setting-checks.ts),
// install's defaults and update's changes (manage.ts), the CLI flags and their help
// (cli/service-options.ts), the services-file reader (declarative/hosted-entry.ts), the drift check
// and the repair (declarative/hosted-drift.ts). Adding a setting is adding a row here, its field in
// HostSettings and ProgramServiceOptions (the compiler insists), and the host code that uses it.
//
// Canonical names: a setting is named by its library option (`giveUpExitCode`); the CLI and the
// services file keep their shorter public spellings (`--give-up-code`, `giveUpCode`), listed in
// docs/settings.md, which scripts/settings-doc.js writes from these rows.
import * as path from 'node:path';
import { dataRoot } from '../security/data-folders';
import type { ProgramServiceOptions } from './program-service-options';
import { PRIORITY_CLASSES, RESTART_POLICIES, STDERR_MODES, STOP_METHODS } from './settings-types';
import type { HostSettings, LogSettings, ProgramKind } from './settings-types';

/** The longest time a setting takes: 2^31-1 ms, as Win32 waits and Node timers. */
export const MAX_MS = 0x7fffffff;

/**
 * What a setting's value is. Each kind has one check (setting-checks.ts), one way to be written on
 * the command line and one in the services file; `min`/`max` and friends refine it per row.
 */
export type SettingKind =
  /** Milliseconds from `min`; the services file refuses 0 unless `zeroInFile`. */
  | { type: 'duration'; min: 0 | 1; zeroInFile: boolean }
  /** Bytes. */
  | { type: 'size' }
  /** A whole number from `min` (default 0) to `max`. */
  | { type: 'count'; min?: 1; max: number }
  /** A service-specific exit code (1 to 0xFFFFFFFF), or null. */
  | { type: 'exit-code' }
  /** Process exit codes (0 to 0xFFFFFFFF), sorted, without repeats. */
  | { type: 'exit-codes' }
  /** One of `values`; `underscores`: the CLI takes `-` for `_` (below-normal). */
  | { type: 'choice'; values: readonly string[]; underscores?: boolean }
  | { type: 'boolean' }
  /** An absolute file path, or null for none; `noFlagHelp`: the CLI's `--no-<flag>`. */
  | { type: 'file'; noFlagHelp: string }
  /** A folder, made absolute; `mustExist` names it in the error when it does not exist. */
  | { type: 'folder'; mustExist?: string }
  /** Absolute folders without ';', in order. */
  | { type: 'folders' }
  /** Environment variable names. */
  | { type: 'variable-names' }
  /** A command: [absolute program, ...args], or null for none. */
  | { type: 'command' }
  /** Processor numbers 0-63, or null for all. */
  | { type: 'processors' }
  /** Environment variables: NAME -> value. */
  | { type: 'environment' }
  /** Arguments (strings, not empty). */
  | { type: 'arguments' }
  /** Account or group names (or SID strings), resolved to SIDs where they are used. */
  | { type: 'accounts' }
  /** A health probe (health-target.ts): an http(s):// or tcp:// URL, a command [absolute program, ...args], or null for none. */
  | { type: 'health-check' }
  /** HTTP status codes `from-to` (100-599), as a string: `200-399`. */
  | { type: 'status-range' }
  /** A name (letters, digits, '-', '_', '.'), compared case-blind, or null for none; `noFlagHelp`: the CLI's `--no-<flag>`. */
  | { type: 'name'; noFlagHelp: string };

/** The program part of the settings that some defaults depend on. */
export interface ProgramPart {
  program: string;
  kind: ProgramKind;
}

/** The library options that are host settings (the rest are the SCM's: account, startup...). */
export type HostedOptionName = Exclude<keyof ProgramServiceOptions,
  'displayName' | 'description' | 'startup' | 'username' | 'password' | 'virtualAccount' | 'dependencies' | 'interpreter' | 'recovery' | 'servicesFile'>;

/** A stored setting outside the program part (program, args, kind, interpreter): `stopTimeout`, `log.maxSize`. */
export type StoredKey = Exclude<keyof HostSettings, 'version' | 'program' | 'args' | 'kind' | 'interpreter' | 'log'> | `log.${keyof LogSettings}`;

/**
 * The help section a setting is listed under (`install --help` groups its flags by these, in this
 * order; docs/settings.md too).
 */
export const SETTING_GROUPS = ['program', 'environment', 'restart', 'stop', 'logs', 'hooks', 'readiness', 'health', 'account'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** One setting of the service host. */
export interface SettingField {
  /** Its place in HostSettings, the registry JSON: `stopTimeout`, `log.maxSize`. */
  readonly key: StoredKey;
  /** Its library option (ProgramServiceOptions), the setting's canonical name. */
  readonly option: HostedOptionName;
  /** Its services-file field (`log.maxSize`: field `maxSize` of the table `log`). */
  readonly field: string;
  /** Its CLI flag, without the dashes. */
  readonly flag: string;
  /** Where help lists it. */
  readonly group: SettingGroup;
  /** The flag's placeholder in help, when the kind's is not apt. */
  readonly value?: string;
  /** The flag's help (the CLI's one line). */
  readonly help: string;
  readonly kind: SettingKind;
  /** The value install writes when the option is not given, and settings stored before the setting existed read as. */
  readonly defaultValue: (program: ProgramPart) => unknown;
  /** The default in words, where it depends on the program or the machine (docs/settings.md). */
  readonly defaultText?: string;
  /** The registry has no default for it: stored settings must hold it. */
  readonly required?: true;
}

/** Where logs go unless told: `%ProgramData%\scm-native\logs`. */
export function defaultLogDir(): string {
  return path.join(dataRoot(), 'logs');
}

/** Node programs are asked to stop over IPC; every other console program with Ctrl+C. */
export function defaultStopMethod(kind: ProgramKind): 'ipc' | 'ctrl-c' {
  return kind === 'node' ? 'ipc' : 'ctrl-c';
}

/** How long a stop waits for the program before ending its process tree, unless told. */
export const DEFAULT_STOP_TIMEOUT_MS = 10000;

const always = (value: unknown) => () => value;
const ms = (min: 0 | 1, zeroInFile: boolean): SettingKind => ({ type: 'duration', min, zeroInFile });

const ROWS = [
  { key: 'interpreterArgs', option: 'interpreterArgs', group: 'program', field: 'interpreterArgs', flag: 'interpreter-arg', value: 'arg',
    help: 'argument for the interpreter, before the file (repeatable)', kind: { type: 'arguments' }, defaultValue: always([]) },
  { key: 'cwd', option: 'cwd', group: 'program', field: 'cwd', flag: 'cwd', help: "working directory (default: the program's folder)",
    kind: { type: 'folder', mustExist: 'working directory' }, defaultValue: (p) => path.dirname(p.program), defaultText: "the program's folder", required: true },
  { key: 'env', option: 'env', group: 'environment', field: 'env', flag: 'env', help: 'environment variable for the program (repeatable)',
    kind: { type: 'environment' }, defaultValue: always({}) },
  { key: 'restart', option: 'restart', group: 'restart', field: 'restart', flag: 'restart', help: 'when to restart the program (default on-failure)',
    kind: { type: 'choice', values: RESTART_POLICIES }, defaultValue: always('on-failure') },
  { key: 'backoffInitial', option: 'backoffInitial', group: 'restart', field: 'backoff', flag: 'backoff', help: 'first restart delay, doubling each time (default 5s)',
    kind: ms(0, false), defaultValue: always(5000) },
  { key: 'backoffLimit', option: 'backoffLimit', group: 'restart', field: 'backoffLimit', flag: 'backoff-limit', help: 'give up once the delays add up past this (default 300s)',
    kind: ms(0, false), defaultValue: always(300000) },
  { key: 'backoffReset', option: 'backoffReset', group: 'restart', field: 'backoffReset', flag: 'backoff-reset', help: 'a run this long resets the backoff (default 30s)',
    kind: ms(0, false), defaultValue: always(30000) },
  { key: 'giveUpExitCode', option: 'giveUpExitCode', group: 'restart', field: 'giveUpCode', flag: 'give-up-code',
    help: "service exit code when giving up (default: the program's last exit code)", kind: { type: 'exit-code' }, defaultValue: always(null) },
  { key: 'stopMethod', option: 'stopMethod', group: 'stop', field: 'stopMethod', flag: 'stop-method', help: 'how a stop is asked for (default ipc for Node, ctrl-c otherwise)',
    kind: { type: 'choice', values: STOP_METHODS }, defaultValue: (p) => defaultStopMethod(p.kind), defaultText: 'ipc for Node programs, ctrl-c for others' },
  { key: 'stopCommand', option: 'stopCommand', group: 'stop', field: 'stopCommand', flag: 'stop-command',
    help: "with --stop-method command: run to ask the program to stop, such as 'nginx -s quit' ('' removes it)", kind: { type: 'command' }, defaultValue: always(null) },
  { key: 'stopTimeout', option: 'stopTimeout', group: 'stop', field: 'stopTimeout', flag: 'stop-timeout', help: 'then the process tree is terminated (default 10s)',
    kind: ms(0, true), defaultValue: always(DEFAULT_STOP_TIMEOUT_MS) },
  { key: 'killTree', option: 'killTree', group: 'stop', field: 'killTree', flag: 'kill-tree',
    help: "keep the program's processes in a job and end them all (default on; --no-kill-tree)", kind: { type: 'boolean' }, defaultValue: always(true) },
  { key: 'allowJobBreakaway', option: 'allowJobBreakaway', group: 'stop', field: 'allowJobBreakaway', flag: 'allow-job-breakaway',
    help: "let the program's processes leave the job (CREATE_BREAKAWAY_FROM_JOB, or a job of their own that allows it), so they may outlive the service (default off)",
    kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'earlyExitWindow', option: 'earlyExitWindow', group: 'restart', field: 'earlyExit', flag: 'early-exit', help: 'a failure this soon reports the last stderr lines (default 10s)',
    kind: ms(0, true), defaultValue: always(10000) },
  { key: 'log.dir', option: 'logDir', group: 'logs', field: 'log.dir', flag: 'log-dir', help: 'log folder (default %ProgramData%\\scm-native\\logs)',
    kind: { type: 'folder' }, defaultValue: () => defaultLogDir(), defaultText: '%ProgramData%\\scm-native\\logs', required: true },
  { key: 'log.timestamps', option: 'logTimestamps', group: 'logs', field: 'log.timestamps', flag: 'log-timestamps', help: 'prefix every log line with its time',
    kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'log.maxSize', option: 'logMaxSize', group: 'logs', field: 'log.maxSize', flag: 'log-max-size', help: 'rotate the log at this size (default 10M; 0: never)',
    kind: { type: 'size' }, defaultValue: always(10 * 1024 * 1024) },
  { key: 'log.daily', option: 'logDaily', group: 'logs', field: 'log.daily', flag: 'log-daily', help: 'rotate the log every day (default on; --no-log-daily)',
    kind: { type: 'boolean' }, defaultValue: always(true) },
  { key: 'log.keep', option: 'logKeep', group: 'logs', field: 'log.keep', flag: 'log-keep', help: 'rotated logs kept (default 10; 0: all)',
    kind: { type: 'count', max: 100000 }, defaultValue: always(10) },
  { key: 'log.stderr', option: 'logStderr', group: 'logs', field: 'log.stderr', flag: 'log-stderr',
    help: "the program's stderr with stdout in <name>.log (default), or in <name>.err.log", kind: { type: 'choice', values: STDERR_MODES }, defaultValue: always('merge') },
  { key: 'log.compress', option: 'logCompress', group: 'logs', field: 'log.compress', flag: 'log-compress',
    help: 'gzip rotated logs in the background (the newest stays plain until the next rotation; default off)', kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'log.rotateOnStart', option: 'logRotateOnStart', group: 'logs', field: 'log.rotateOnStart', flag: 'log-rotate-on-start',
    help: 'start a new log file at each start of the service (program restarts keep the file; default off)', kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'log.direct', option: 'logDirect', group: 'logs', field: 'log.direct', flag: 'log-direct',
    help: 'the program writes its log file itself, as NSSM does: fastest, but no timestamps, and rotation by size or day only at its (re)start (default off)',
    kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'priority', option: 'priority', group: 'program', field: 'priority', flag: 'priority',
    help: "the program's priority class (default normal; realtime needs the privilege, else high)",
    kind: { type: 'choice', values: PRIORITY_CLASSES, underscores: true }, defaultValue: always('normal') },
  { key: 'pidFile', option: 'pidFile', group: 'program', field: 'pidFile', flag: 'pid-file', help: "file holding the program's pid while it runs (default none)",
    kind: { type: 'file', noFlagHelp: 'no pid file (update: remove it)' }, defaultValue: always(null) },
  { key: 'readyTimeout', option: 'readyTimeout', group: 'readiness', field: 'readyTimeout', flag: 'ready-timeout',
    help: 'stay START_PENDING until the program calls notifyServiceReady(), failing the start after this long (Node programs; default 0: running at once)',
    kind: ms(0, true), defaultValue: always(0) },
  { key: 'successExitCodes', option: 'successExitCodes', group: 'restart', field: 'successCodes', flag: 'success-codes',
    help: 'exit codes that count as success besides 0 (no restart on-failure); "" clears', kind: { type: 'exit-codes' }, defaultValue: always([]) },
  { key: 'noRestartExitCodes', option: 'noRestartExitCodes', group: 'restart', field: 'noRestartCodes', flag: 'no-restart-codes',
    help: 'exit codes after which the program is never restarted; "" clears', kind: { type: 'exit-codes' }, defaultValue: always([]) },
  { key: 'passStartArgs', option: 'passStartArgs', group: 'program', field: 'passStartArgs', flag: 'pass-start-args',
    help: "append the service start's arguments (sc start <name> a b) to the program's, never a .cmd/.bat program's (--no-pass-start-args: not; the default)",
    kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'affinity', option: 'affinity', group: 'program', field: 'affinity', flag: 'affinity', help: 'the processors the program may run on, such as 0,1 (default all)',
    kind: { type: 'processors' }, defaultValue: always(null) },
  { key: 'envUnset', option: 'envUnset', group: 'environment', field: 'envUnset', flag: 'env-unset',
    help: "a variable of the system's environment the program does not get (repeatable)", kind: { type: 'variable-names' }, defaultValue: always([]) },
  { key: 'pathPrepend', option: 'pathPrepend', group: 'environment', field: 'pathPrepend', flag: 'path-prepend', help: "a folder put before the program's PATH (repeatable, in order)",
    kind: { type: 'folders' }, defaultValue: always([]) },
  { key: 'envFile', option: 'envFile', group: 'environment', field: 'envFile', flag: 'env-file',
    help: 'file of NAME=VALUE lines for the environment, read at each start (default none)',
    kind: { type: 'file', noFlagHelp: 'no environment file (update: remove it)' }, defaultValue: always(null) },
  { key: 'preStart', option: 'preStart', group: 'hooks', field: 'preStart', flag: 'pre-start',
    help: "run before the program's first start; a failure fails the start ('' removes it)", kind: { type: 'command' }, defaultValue: always(null) },
  { key: 'postStart', option: 'postStart', group: 'hooks', field: 'postStart', flag: 'post-start',
    help: "run once the service is running (after readiness); a failure is logged only ('' removes it)", kind: { type: 'command' }, defaultValue: always(null) },
  { key: 'preStop', option: 'preStop', group: 'hooks', field: 'preStop', flag: 'pre-stop',
    help: "run when the service is told to stop, before the program is asked to ('' removes it)", kind: { type: 'command' }, defaultValue: always(null) },
  { key: 'postStop', option: 'postStop', group: 'hooks', field: 'postStop', flag: 'post-stop', help: "run once the program has stopped for good ('' removes it)",
    kind: { type: 'command' }, defaultValue: always(null) },
  { key: 'hookTimeout', option: 'hookTimeout', group: 'hooks', field: 'hookTimeout', flag: 'hook-timeout', help: 'how long a hook command (pre-start, post-start, pre-stop, post-stop) may run (default 30s)',
    kind: ms(1, false), defaultValue: always(30000) },
  { key: 'allowInsecureLocation', option: 'allowInsecureLocation', group: 'account', field: 'allowInsecureLocation', flag: 'allow-insecure-location',
    help: 'run as LocalSystem, LocalService or NetworkService although others can change the program or its folders (a warning, not an error)',
    kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'allowControl', option: 'allowControl', group: 'account', field: 'allowControl', flag: 'allow-control', value: 'group',
    help: 'an account or group that may start, stop and send controls to the service besides Administrators (repeatable; others may only query it)',
    kind: { type: 'accounts' }, defaultValue: always([]) },
  { key: 'healthCheck', option: 'healthCheck', group: 'health', field: 'healthCheck', flag: 'health-check', value: 'url|command',
    help: "probe the running program: http(s)://host:port/path (GET), tcp://host:port (connect) or a command (exit code 0: healthy); '' removes it",
    kind: { type: 'health-check' }, defaultValue: always(null) },
  { key: 'healthInterval', option: 'healthInterval', group: 'health', field: 'healthInterval', flag: 'health-interval',
    help: 'time from the end of one probe to the next (default 30s)', kind: ms(1, false), defaultValue: always(30000) },
  { key: 'healthTimeout', option: 'healthTimeout', group: 'health', field: 'healthTimeout', flag: 'health-timeout',
    help: 'a probe that takes longer fails (default 5s)', kind: ms(1, false), defaultValue: always(5000) },
  { key: 'healthRetries', option: 'healthRetries', group: 'health', field: 'healthRetries', flag: 'health-retries',
    help: 'consecutive failed probes that restart the program (default 3)', kind: { type: 'count', min: 1, max: 1000 }, defaultValue: always(3) },
  { key: 'healthGrace', option: 'healthGrace', group: 'health', field: 'healthGrace', flag: 'health-grace',
    help: 'failed probes this soon after the program started (or reported ready) do not count (default 0)', kind: ms(0, true), defaultValue: always(0) },
  { key: 'healthStatus', option: 'healthStatus', group: 'health', field: 'healthStatus', flag: 'health-status', value: 'from-to',
    help: 'HTTP status codes that mean healthy (default 200-399)', kind: { type: 'status-range' }, defaultValue: always('200-399') },
  { key: 'healthInsecure', option: 'healthInsecure', group: 'health', field: 'healthInsecure', flag: 'health-insecure',
    help: "https probes accept any certificate, as a self-signed one on localhost (default off: verified)", kind: { type: 'boolean' }, defaultValue: always(false) },
  { key: 'memoryLimit', option: 'memoryLimit', group: 'health', field: 'memoryLimit', flag: 'memory-limit',
    help: "restart the program when the private memory of all its processes stays above this (default 0: no limit)", kind: { type: 'size' }, defaultValue: always(0) },
  { key: 'memoryLimitFor', option: 'memoryLimitFor', group: 'health', field: 'memoryLimitFor', flag: 'memory-limit-for',
    help: 'how long the memory must stay above the limit (default 60s)', kind: ms(1, false), defaultValue: always(60000) },
  { key: 'hostGroup', option: 'hostGroup', group: 'account', field: 'hostGroup', flag: 'host-group', value: 'name',
    help: 'share one host process with the other services of this group (SERVICE_WIN32_SHARE_PROCESS; same account for all; default: a host of its own)',
    kind: { type: 'name', noFlagHelp: 'a host process of its own (update: leave the group)' }, defaultValue: always(null) },
] as const satisfies readonly SettingField[];

/** Every host setting, in the order the registry JSON holds them. */
export const SETTING_FIELDS: readonly SettingField[] = ROWS;

/** The setting at `key` (`log.maxSize` is in the nested `log`). */
export function settingAt(settings: object, key: string): unknown {
  let value: unknown = settings;
  for (const part of key.split('.')) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[part];
  return value;
}

/** Sets the setting at `key`, creating the nested table on the way. */
export function setSettingAt(settings: object, key: string, value: unknown): void {
  const parts = key.split('.');
  let table = settings as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (typeof table[part] !== 'object' || table[part] === null) table[part] = {};
    table = table[part] as Record<string, unknown>;
  }
  table[parts[parts.length - 1] as string] = value;
}

// Compile-time proof that the rows cover both shapes: every hosted option and every stored
// setting outside the program part has a row (a row naming anything else fails `satisfies`).
type Missing<All, Covered> = [Exclude<All, Covered>] extends [never] ? true : Exclude<All, Covered>;
/** @internal */
export const EVERY_OPTION_HAS_A_ROW: Missing<HostedOptionName, (typeof ROWS)[number]['option']> = true;
/** @internal */
export const EVERY_STORED_KEY_HAS_A_ROW: Missing<StoredKey, (typeof ROWS)[number]['key']> = true;
