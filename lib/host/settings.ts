// The service host's settings: what program it runs and how it supervises it. Stored as one JSON
// string in HKLM\SYSTEM\CurrentControlSet\Services\<name>\Parameters, value "scm-native", so they
// live and die with the service and `update` changes them in place. Never holds a password.
import * as path from 'node:path';
import { ScmError } from '../errors/scm-error';
import { callAsync, callSync } from '../native/binding';
import { checkBoolean, checkInteger, checkKnownKeys, checkOptions, checkString, checkStringArray } from '../validation';

/** The registry value (under the service's Parameters key) that holds the settings. */
export const SETTINGS_VALUE = 'scm-native';
export const SETTINGS_VERSION = 1;

/** How the program is started: by node with an IPC channel, directly, through cmd.exe, or by an interpreter. */
export type ProgramKind = 'node' | 'exe' | 'cmd' | 'interpreter';
/** When the program is started again after it exits. */
export type RestartPolicy = 'always' | 'on-failure' | 'never';
/** How a stop is asked for: IPC message (Node), Ctrl+C, Ctrl+Break, or none (terminate at once). */
export type StopMethod = 'ipc' | 'ctrl-c' | 'ctrl-break' | 'kill';
/**
 * The Windows priority class of the program's process (SetPriorityClass). `realtime` needs the
 * "increase scheduling priority" privilege; without it Windows silently gives `high`.
 */
export type PriorityClass = 'idle' | 'below_normal' | 'normal' | 'above_normal' | 'high' | 'realtime';

/** Every priority class, lowest first. */
export const PRIORITY_CLASSES: readonly PriorityClass[] = ['idle', 'below_normal', 'normal', 'above_normal', 'high', 'realtime'];

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
  stderr: 'merge' | 'separate';
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
}

export const DEFAULTS = {
  restart: 'on-failure' as RestartPolicy,
  backoffInitial: 5000,
  backoffLimit: 300000,
  backoffReset: 30000,
  stopTimeout: 10000,
  earlyExitWindow: 10000,
  hookTimeout: 30000,
  priority: 'normal' as PriorityClass,
  log: { timestamps: false, maxSize: 10 * 1024 * 1024, daily: true, keep: 10, stderr: 'merge' as 'merge' | 'separate' },
};

const STDERR_MODES = ['merge', 'separate'] as const;
const KINDS: readonly ProgramKind[] = ['node', 'exe', 'cmd', 'interpreter'];
const RESTARTS: readonly RestartPolicy[] = ['always', 'on-failure', 'never'];
const STOP_METHODS: readonly StopMethod[] = ['ipc', 'ctrl-c', 'ctrl-break', 'kill'];
const KEYS: readonly (keyof HostSettings)[] = [
  'version', 'program', 'args', 'kind', 'interpreter', 'interpreterArgs', 'cwd', 'env', 'restart', 'backoffInitial',
  'backoffLimit', 'backoffReset', 'giveUpExitCode', 'stopMethod', 'stopTimeout', 'killTree', 'earlyExitWindow', 'log',
  'priority', 'pidFile', 'readyTimeout', 'successExitCodes', 'noRestartExitCodes', 'passStartArgs', 'affinity', 'envUnset', 'pathPrepend', 'preStart', 'postStop', 'hookTimeout',
];
const LOG_KEYS: readonly (keyof LogSettings)[] = ['dir', 'timestamps', 'maxSize', 'daily', 'keep', 'stderr'];
const MAX_MS = 0x7fffffff;

function oneOf<T extends string>(value: unknown, what: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') throw new TypeError(`${what} must be one of ${allowed.join(', ')}`);
  if (!allowed.includes(value as T)) throw new RangeError(`${what} must be one of ${allowed.join(', ')}; got '${value}'`);
  return value as T;
}

/** Checks a complete settings object (TypeError / RangeError naming the field). */
export function checkSettings(value: unknown, what = 'settings'): HostSettings {
  const s = checkOptions<HostSettings>(value, what);
  checkKnownKeys(s, what, KEYS);
  const version = checkInteger(s.version, `${what}.version`, 1, SETTINGS_VERSION);
  const log = checkOptions<LogSettings>(s.log, `${what}.log`);
  checkKnownKeys(log, `${what}.log`, LOG_KEYS);
  const env = checkOptions<Record<string, string>>(s.env, `${what}.env`);
  for (const [key, val] of Object.entries(env)) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw new RangeError(`${what}.env has an invalid variable name '${key}'`);
    checkString(val, `${what}.env.${key}`, { allowEmpty: true });
  }
  const kind = oneOf(s.kind, `${what}.kind`, KINDS);
  const interpreter = s.interpreter === null || s.interpreter === undefined ? null : checkString(s.interpreter, `${what}.interpreter`);
  if (kind !== 'exe' && interpreter === null) throw new RangeError(`${what}.interpreter is required for kind '${kind}'`);
  return {
    version,
    program: checkString(s.program, `${what}.program`),
    args: checkStringArray(s.args ?? [], `${what}.args`, (item, label) => checkString(item, label, { allowEmpty: true })),
    kind,
    interpreter,
    interpreterArgs: checkStringArray(s.interpreterArgs ?? [], `${what}.interpreterArgs`),
    cwd: checkString(s.cwd, `${what}.cwd`),
    env: { ...env } as Record<string, string>,
    restart: oneOf(s.restart ?? DEFAULTS.restart, `${what}.restart`, RESTARTS),
    backoffInitial: checkInteger(s.backoffInitial ?? DEFAULTS.backoffInitial, `${what}.backoffInitial`, 0, MAX_MS),
    backoffLimit: checkInteger(s.backoffLimit ?? DEFAULTS.backoffLimit, `${what}.backoffLimit`, 0, MAX_MS),
    backoffReset: checkInteger(s.backoffReset ?? DEFAULTS.backoffReset, `${what}.backoffReset`, 0, MAX_MS),
    giveUpExitCode: s.giveUpExitCode === null || s.giveUpExitCode === undefined ? null
      : checkInteger(s.giveUpExitCode, `${what}.giveUpExitCode`, 1, 0xffffffff),
    stopMethod: oneOf(s.stopMethod ?? defaultStopMethod(kind), `${what}.stopMethod`, STOP_METHODS),
    stopTimeout: checkInteger(s.stopTimeout ?? DEFAULTS.stopTimeout, `${what}.stopTimeout`, 0, MAX_MS),
    killTree: checkBoolean(s.killTree, `${what}.killTree`, true),
    earlyExitWindow: checkInteger(s.earlyExitWindow ?? DEFAULTS.earlyExitWindow, `${what}.earlyExitWindow`, 0, MAX_MS),
    log: {
      dir: checkString(log.dir, `${what}.log.dir`),
      timestamps: checkBoolean(log.timestamps, `${what}.log.timestamps`, DEFAULTS.log.timestamps),
      maxSize: checkInteger(log.maxSize ?? DEFAULTS.log.maxSize, `${what}.log.maxSize`, 0, Number.MAX_SAFE_INTEGER),
      daily: checkBoolean(log.daily, `${what}.log.daily`, DEFAULTS.log.daily),
      keep: checkInteger(log.keep ?? DEFAULTS.log.keep, `${what}.log.keep`, 0, 100000),
      stderr: oneOf(log.stderr ?? DEFAULTS.log.stderr, `${what}.log.stderr`, STDERR_MODES),
    },
    // Settings written before these fields existed read as the defaults.
    priority: oneOf(s.priority ?? DEFAULTS.priority, `${what}.priority`, PRIORITY_CLASSES),
    pidFile: checkPidFile(s.pidFile, `${what}.pidFile`),
    readyTimeout: checkReadyTimeout(s.readyTimeout ?? 0, kind, `${what}.readyTimeout`),
    successExitCodes: checkExitCodes(s.successExitCodes ?? [], `${what}.successExitCodes`),
    noRestartExitCodes: checkExitCodes(s.noRestartExitCodes ?? [], `${what}.noRestartExitCodes`),
    passStartArgs: checkBoolean(s.passStartArgs, `${what}.passStartArgs`, false),
    affinity: checkAffinity(s.affinity, `${what}.affinity`),
    envUnset: checkStringArray(s.envUnset ?? [], `${what}.envUnset`, (item, label) => checkVariableName(item, label)),
    pathPrepend: checkStringArray(s.pathPrepend ?? [], `${what}.pathPrepend`, (item, label) => checkAbsoluteFolder(item, label)),
    preStart: checkHookCommand(s.preStart, `${what}.preStart`),
    postStop: checkHookCommand(s.postStop, `${what}.postStop`),
    hookTimeout: checkInteger(s.hookTimeout ?? DEFAULTS.hookTimeout, `${what}.hookTimeout`, 1, MAX_MS),
  };
}

/** A hook command: [file, ...args] with an absolute file, or null/undefined for none. */
export function checkHookCommand(value: unknown, what: string): string[] | null {
  if (value === null || value === undefined) return null;
  const argv = checkStringArray(value, what, (item, label) => checkString(item, label, { allowEmpty: true }));
  if (argv.length === 0 || !argv[0]) throw new RangeError(`${what} must start with the program to run`);
  if (!path.win32.isAbsolute(argv[0])) throw new RangeError(`${what}[0] must be an absolute path; got '${argv[0]}'`);
  return argv;
}

/** An environment variable name: not empty, no '=' or NUL. */
export function checkVariableName(value: unknown, what: string): string {
  const name = checkString(value, what);
  if (name.includes('=') || name.includes('\0')) throw new RangeError(`${what} is not a valid environment variable name: '${name}'`);
  return name;
}

/** An absolute Windows folder path without ';' (it is joined into PATH). */
export function checkAbsoluteFolder(value: unknown, what: string): string {
  const dir = checkString(value, what);
  if (!path.win32.isAbsolute(dir)) throw new RangeError(`${what} must be an absolute path; got '${dir}'`);
  if (dir.includes(';')) throw new RangeError(`${what} must not contain ';' (PATH's separator); got '${dir}'`);
  return dir;
}

/** Processor numbers 0-63 (one processor group), sorted, without repeats; null/undefined: all. */
export function checkAffinity(value: unknown, what: string): number[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of processor numbers, or null for all`);
  if (value.length === 0) throw new RangeError(`${what} must name at least one processor (null: all)`);
  const cpus = value.map((cpu: unknown, i) => checkInteger(cpu, `${what}[${i}]`, 0, 63));
  return [...new Set(cpus)].sort((a, b) => a - b);
}

/** A list of process exit codes (0 to 0xFFFFFFFF, as Windows reports them), sorted, without repeats. */
export function checkExitCodes(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of exit codes`);
  const codes = value.map((code: unknown, i) => checkInteger(code, `${what}[${i}]`, 0, 0xffffffff));
  if (codes.length > 256) throw new RangeError(`${what} has more than 256 codes`);
  return [...new Set(codes)].sort((a, b) => a - b);
}

/** A ready timeout needs the IPC channel only a Node program has. */
export function checkReadyTimeout(value: unknown, kind: ProgramKind, what: string): number {
  const ms = checkInteger(value, what, 0, MAX_MS);
  if (ms > 0 && kind !== 'node') throw new RangeError(`${what} needs a Node program (the ready message comes over IPC); this one is '${kind}'`);
  return ms;
}

/**
 * Checks a pid file path: null/undefined is none; otherwise an absolute Windows path (the host's
 * working directory is not the installer's, so a relative one would land somewhere unexpected).
 */
export function checkPidFile(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  const file = checkString(value, what);
  if (!path.win32.isAbsolute(file)) throw new RangeError(`${what} must be an absolute path; got '${file}'`);
  return file;
}

/** Node programs are asked over IPC; every other console program with Ctrl+C. */
export function defaultStopMethod(kind: ProgramKind): StopMethod {
  return kind === 'node' ? 'ipc' : 'ctrl-c';
}

export function serializeSettings(settings: HostSettings): string {
  return JSON.stringify(checkSettings(settings));
}

export function parseSettings(text: string, service: string): HostSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`the scm-native settings of service '${service}' are not valid JSON: ${(error as Error).message}`);
  }
  return checkSettings(raw, `settings of '${service}'`);
}

/** Writes the settings of `service` (its Parameters key). */
export async function writeSettings(service: string, settings: HostSettings): Promise<void> {
  const text = serializeSettings(settings);
  await callAsync({ service }, (b) => b.writeServiceParameter(service, SETTINGS_VALUE, text));
}

/** The settings of `service`, or null when it has none (not an scm-native service). */
export async function readSettings(service: string): Promise<HostSettings | null> {
  const text = await callAsync({ service }, (b) => b.readServiceParameter(service, SETTINGS_VALUE));
  return text === null ? null : parseSettings(text, service);
}

/** Synchronous {@link readSettings}. */
export function readSettingsSync(service: string): HostSettings | null {
  const text = callSync({ service }, (b) => b.readServiceParameterSync(service, SETTINGS_VALUE));
  return text === null ? null : parseSettings(text, service);
}

/**
 * The settings of a service scm-native installed; an ScmError ERR_SCM_NOT_HOSTED for any other
 * service.
 */
export async function hostedSettings(service: string): Promise<HostSettings> {
  const settings = await readSettings(service);
  if (!settings) {
    throw new ScmError({ code: 'ERR_SCM_NOT_HOSTED', service, detail: `service '${service}' was not installed by scm-native (no settings under its Parameters key)` });
  }
  return settings;
}

/** The command line the program is started with (plus the start's arguments, when passed on). */
export function programCommand(settings: HostSettings, startArgs: readonly string[] = []): { file: string; args: string[] } {
  const args = [...settings.args, ...startArgs];
  switch (settings.kind) {
    case 'exe': return { file: settings.program, args };
    case 'cmd': return { file: settings.interpreter as string, args: ['/d', '/s', '/c', cmdLine(settings.program, args)] };
    default: return { file: settings.interpreter as string, args: [...settings.interpreterArgs, settings.program, ...args] };
  }
}

/**
 * What follows `cmd.exe /d /s /c`: with /s, cmd strips the outer quotes and runs the rest, so the
 * script and each argument are quoted for cmd's own parser (`"` doubled; `%` cannot be escaped
 * inside quotes and is expanded by cmd, as in any batch call).
 */
export function cmdLine(script: string, args: readonly string[]): string {
  const quote = (s: string) => (s !== '' && !/[\s"&|<>^(),;=!]/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
  return `"${[`"${script}"`, ...args.map(quote)].join(' ')}"`;
}
