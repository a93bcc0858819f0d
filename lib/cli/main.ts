// `scm-native <command>`: run any program as a Windows service (see docs/service-host.md).
// Exit code 0 only on success, 1 on a failure, 2 on a usage mistake; every error is one line
// (--verbose adds the stack). Passwords are never printed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCommandLine, quoteCommandLine } from '../command-line';
import { errorMessage, oneLine } from '../text';
import { startService, stopService } from '../services/control';
import { getDependentServiceStatus, getMultipleServiceStatus, getServiceStatus } from '../services/query';
import type { ServiceState } from '../services/tokens';
import { runHost } from '../host/host';
import type { LogFollower } from '../host/log-follower';
import {
  getProgramServiceStatus, installProgramService, listProgramServices, removeProgramService, updateProgramService,
} from '../host/manage';
import { followProgramServiceLog, programServiceLogFile, rotateProgramServiceLog } from '../host/service-logs';
import type { ProgramServiceOptions, ProgramServiceStatus } from '../host/manage';
import { PRIORITY_CLASSES, readSettings } from '../host/settings';
import type { HostSettings, PriorityClass } from '../host/settings';
import { parseArgs, parseCount, parseDuration, parseExitCodes, parseSize, UsageError } from './args';
import type { OptionSpec, ParsedArgs } from './args';
import { humanDuration, paint, stateColour, table, withProgress } from './output';
import { SERVICES_COMMANDS, worstCode } from './services-commands';
import type { Io } from './output';
import { watchCommand } from './watch';

const COMMON: Record<string, OptionSpec> = {
  verbose: { type: 'boolean', help: 'print the stack of an error' },
  color: { type: 'boolean', help: 'colour output (default: only on a terminal; NO_COLOR disables)' },
  help: { type: 'boolean', alias: 'h', help: 'show help' },
};

/** The options of install and update (exported, with {@link serviceOptions}, for the unit tests). */
export const SERVICE_OPTIONS: Record<string, OptionSpec> = {
  'display-name': { type: 'string', value: 'text', help: 'name shown in the Services console' },
  description: { type: 'string', value: 'text', help: 'service description' },
  startup: { type: 'string', value: 'manual|auto|delayed|disabled', help: 'how the service starts (default manual)' },
  username: { type: 'string', value: 'account', help: 'run as this account (DOMAIN\\user, .\\user, NT AUTHORITY\\LocalService, DOMAIN\\gmsa$)' },
  password: { type: 'string', value: 'secret', help: "the account's password (never stored or printed; prefer --password-stdin)" },
  'password-stdin': { type: 'boolean', help: "read the account's password from the first line of stdin" },
  'virtual-account': { type: 'boolean', help: 'run as NT SERVICE\\<name>' },
  cwd: { type: 'string', value: 'dir', help: "working directory (default: the program's folder)" },
  env: { type: 'list', value: 'KEY=VALUE', help: 'environment variable for the program (repeatable)' },
  'pre-start': { type: 'string', value: 'command line', help: "run before the program's first start; a failure fails the start ('' removes it)" },
  'post-stop': { type: 'string', value: 'command line', help: "run once the program has stopped for good ('' removes it)" },
  'hook-timeout': { type: 'string', value: 'duration', help: 'how long a pre-start or post-stop command may run (default 30s)' },
  'env-unset': { type: 'list', value: 'KEY', help: "a variable of the system's environment the program does not get (repeatable)" },
  'path-prepend': { type: 'list', value: 'dir', help: "a folder put before the program's PATH (repeatable, in order)" },
  depends: { type: 'list', value: 'service', help: 'service that must run first (repeatable, or comma-separated)' },
  interpreter: { type: 'string', value: 'exe', help: 'program that runs the file (needed for other than .js/.mjs/.cjs/.exe/.cmd/.bat)' },
  'interpreter-arg': { type: 'list', value: 'arg', help: 'argument for the interpreter, before the file (repeatable)' },
  'log-dir': { type: 'string', value: 'dir', help: 'log folder (default %ProgramData%\\scm-native\\logs)' },
  'log-timestamps': { type: 'boolean', help: 'prefix every log line with its time' },
  'log-max-size': { type: 'string', value: 'size', help: 'rotate the log at this size (default 10M; 0: never)' },
  'log-daily': { type: 'boolean', help: 'rotate the log every day (default on; --no-log-daily)' },
  'log-stderr': { type: 'string', value: 'merge|separate', help: "the program's stderr with stdout in <name>.log (default), or in <name>.err.log" },
  'log-keep': { type: 'string', value: 'n', help: 'rotated logs kept (default 10; 0: all)' },
  restart: { type: 'string', value: 'always|on-failure|never', help: 'when to restart the program (default on-failure)' },
  backoff: { type: 'string', value: 'duration', help: 'first restart delay, doubling each time (default 5s)' },
  'backoff-limit': { type: 'string', value: 'duration', help: 'give up once the delays add up past this (default 300s)' },
  'backoff-reset': { type: 'string', value: 'duration', help: 'a run this long resets the backoff (default 30s)' },
  'give-up-code': { type: 'string', value: 'n', help: "service exit code when giving up (default: the program's last exit code)" },
  'success-codes': { type: 'string', value: 'n,n...', help: 'exit codes that count as success besides 0 (no restart on-failure); "" clears' },
  'no-restart-codes': { type: 'string', value: 'n,n...', help: 'exit codes after which the program is never restarted; "" clears' },
  'stop-method': { type: 'string', value: 'ipc|ctrl-c|ctrl-break|kill', help: 'how a stop is asked for (default ipc for Node, ctrl-c otherwise)' },
  'stop-timeout': { type: 'string', value: 'duration', help: 'then the process tree is terminated (default 10s)' },
  affinity: { type: 'string', value: 'n,n...|all', help: 'the processors the program may run on, such as 0,1 (default all)' },
  'pass-start-args': { type: 'boolean', help: "append the service start's arguments (sc start <name> a b) to the program's (--no-pass-start-args: not; the default)" },
  'kill-tree': { type: 'boolean', help: "keep the program's processes in a job and end them all (default on; --no-kill-tree)" },
  'early-exit': { type: 'string', value: 'duration', help: 'a failure this soon reports the last stderr lines (default 10s)' },
  'ready-timeout': { type: 'string', value: 'duration', help: "stay START_PENDING until the program calls notifyServiceReady(), failing the start after this long (Node programs; default 0: running at once)" },
  recovery: { type: 'string', value: 'restart:<delay>[:<count>]|none', help: 'Windows recovery once the host gives up' },
  priority: { type: 'string', value: 'idle|below_normal|normal|above_normal|high|realtime', help: "the program's priority class (default normal; realtime needs the privilege, else high)" },
  'pid-file': { type: 'string', value: 'path', help: "file holding the program's pid while it runs (default none)" },
  'no-pid-file': { type: 'boolean', help: 'no pid file (update: remove it)' },
};

interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  install: {
    summary: 'install a program as a service',
    usage: 'install <name> [options] -- <program> [args...]',
    options: { ...SERVICE_OPTIONS, start: { type: 'boolean', help: 'start the service once installed' } },
    run: cmdInstall,
  },
  update: {
    summary: "change an installed service's settings",
    usage: 'update <name> [options] [-- <program> [args...]]   |   update <name> --args -- [args...]',
    options: { ...SERVICE_OPTIONS, args: { type: 'boolean', help: 'what follows -- replaces only the arguments' } },
    run: cmdUpdate,
  },
  remove: {
    summary: 'stop and delete a service (logs are kept)',
    usage: 'remove <name> [--force]',
    options: { force: { type: 'boolean', help: 'also a service that scm-native did not install' } },
    run: cmdRemove,
  },
  start: {
    summary: 'start a service and wait until it runs',
    usage: 'start <name> [--no-wait]',
    options: { wait: { type: 'boolean', help: 'wait for running (default on)' } },
    run: cmdStart,
  },
  stop: {
    summary: 'stop a service and wait until it has stopped',
    usage: 'stop <name> [--no-wait] [--dependents]',
    options: {
      wait: { type: 'boolean', help: 'wait for stopped (default on)' },
      dependents: { type: 'boolean', help: 'stop the running services that depend on it first' },
    },
    run: cmdStop,
  },
  restart: {
    summary: 'stop, then start a service',
    usage: 'restart <name> [--dependents]',
    options: { dependents: { type: 'boolean', help: 'stop the running services that depend on it first, and start them again after' } },
    run: cmdRestart,
  },
  status: {
    summary: 'state, program pid, restarts, last exit, uptime',
    usage: 'status [name] [--json]',
    options: { json: { type: 'boolean', help: 'machine-readable output' } },
    run: cmdStatus,
  },
  list: {
    summary: 'list the services installed by scm-native',
    usage: 'list [--state <state>] [--filter <pattern>] [--all] [--json]',
    options: {
      state: { type: 'string', value: 'state', help: 'only services in this state (running, stopped, ...)' },
      filter: { type: 'string', value: 'pattern', help: 'only names matching this pattern (* and ? wildcards)' },
      all: { type: 'boolean', help: 'every Win32 service, not only those installed by scm-native' },
      json: { type: 'boolean', help: 'machine-readable output' },
    },
    run: cmdList,
  },
  logs: {
    summary: "print a service's log",
    usage: 'logs <name> [--lines <n>] [--follow] [--stderr]',
    options: {
      lines: { type: 'string', value: 'n', help: 'how many of the last lines (default 50)' },
      stderr: { type: 'boolean', help: 'the separate stderr log (installed with --log-stderr separate)' },
      follow: { type: 'boolean', alias: 'f', help: 'keep printing new lines (Ctrl+C ends)' },
    },
    run: cmdLogs,
  },
  rotate: {
    summary: "start a new log file now (a running service's host rotates between two lines)",
    usage: 'rotate <name>',
    options: {},
    run: cmdRotate,
  },
  ...SERVICES_COMMANDS,
  watch: watchCommand,
  debug: {
    summary: 'run the service in the foreground: output here, Ctrl+C stops',
    usage: 'debug <name>',
    options: {},
    run: cmdDebug,
  },
};

export { worstCode };

function one(args: ParsedArgs, command: string, what = 'name'): string {
  if (args.positionals.length === 0) throw new UsageError(`missing <${what}>`, command);
  if (args.positionals.length > 1) throw new UsageError(`too many arguments (put the program and its arguments after '--')`, command);
  return args.positionals[0] as string;
}

const str = (args: ParsedArgs, key: string) => args.options[key] as string | undefined;
const bool = (args: ParsedArgs, key: string) => args.options[key] as boolean | undefined;
const list = (args: ParsedArgs, key: string) => args.options[key] as string[] | undefined;

async function readPasswordFromStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    if (Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** The options of install/update from the command line (exported for the unit tests). */
export async function serviceOptions(args: ParsedArgs, io: Io, command: string): Promise<ProgramServiceOptions> {
  const o: ProgramServiceOptions = {};
  const s = (key: string) => str(args, key);
  if (s('display-name') !== undefined) o.displayName = s('display-name') as string;
  if (s('description') !== undefined) o.description = s('description') as string;
  if (s('startup') !== undefined) {
    const v = s('startup') as string;
    if (!['manual', 'auto', 'delayed', 'disabled'].includes(v)) throw new UsageError('--startup must be manual, auto, delayed or disabled', command);
    o.startup = v as ProgramServiceOptions['startup'];
  }
  if (s('username') !== undefined) o.username = s('username') as string;
  if (s('password') !== undefined && bool(args, 'password-stdin')) throw new UsageError('give --password or --password-stdin, not both', command);
  if (s('password') !== undefined) o.password = s('password') as string;
  if (bool(args, 'password-stdin')) o.password = await readPasswordFromStdin(io);
  if (bool(args, 'virtual-account')) o.virtualAccount = true;
  if (s('cwd') !== undefined) o.cwd = s('cwd') as string;
  for (const [flag, key] of [['pre-start', 'preStart'], ['post-stop', 'postStop']] as const) {
    const text = s(flag);
    if (text === undefined) continue;
    const argv = text.trim() === '' ? null : parseCommandLine(text);
    if (argv && argv.length > 0) argv[0] = path.resolve(argv[0] as string);
    o[key] = argv;
  }
  if (s('hook-timeout') !== undefined) o.hookTimeout = parseDuration(s('hook-timeout') as string, '--hook-timeout');
  const unset = list(args, 'env-unset');
  if (unset) o.envUnset = unset;
  const prepend = list(args, 'path-prepend');
  if (prepend) o.pathPrepend = prepend.map((dir) => path.resolve(dir));
  const env = list(args, 'env');
  if (env) {
    o.env = {};
    for (const pair of env) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError('--env takes KEY=VALUE', command);
      o.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  const depends = list(args, 'depends');
  if (depends) o.dependencies = depends.flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean);
  if (s('interpreter') !== undefined) o.interpreter = s('interpreter') as string;
  if (list(args, 'interpreter-arg')) o.interpreterArgs = list(args, 'interpreter-arg') as string[];
  if (s('log-dir') !== undefined) o.logDir = s('log-dir') as string;
  if (bool(args, 'log-timestamps') !== undefined) o.logTimestamps = bool(args, 'log-timestamps') as boolean;
  if (s('log-max-size') !== undefined) o.logMaxSize = parseSize(s('log-max-size') as string, '--log-max-size');
  if (bool(args, 'log-daily') !== undefined) o.logDaily = bool(args, 'log-daily') as boolean;
  if (s('log-stderr') !== undefined) {
    const mode = s('log-stderr') as string;
    if (mode !== 'merge' && mode !== 'separate') throw new UsageError('--log-stderr must be merge or separate', command);
    o.logStderr = mode;
  }
  if (s('log-keep') !== undefined) o.logKeep = parseCount(s('log-keep') as string, '--log-keep', 100000);
  if (s('restart') !== undefined) {
    const v = s('restart') as string;
    if (!['always', 'on-failure', 'never'].includes(v)) throw new UsageError('--restart must be always, on-failure or never', command);
    o.restart = v as ProgramServiceOptions['restart'];
  }
  if (s('backoff') !== undefined) o.backoffInitial = parseDuration(s('backoff') as string, '--backoff');
  if (s('backoff-limit') !== undefined) o.backoffLimit = parseDuration(s('backoff-limit') as string, '--backoff-limit');
  if (s('backoff-reset') !== undefined) o.backoffReset = parseDuration(s('backoff-reset') as string, '--backoff-reset');
  if (s('give-up-code') !== undefined) {
    const n = parseCount(s('give-up-code') as string, '--give-up-code', 0xffffffff);
    if (n === 0) throw new UsageError('--give-up-code must not be 0', command);
    o.giveUpExitCode = n;
  }
  if (s('stop-method') !== undefined) {
    const v = s('stop-method') as string;
    if (!['ipc', 'ctrl-c', 'ctrl-break', 'kill'].includes(v)) throw new UsageError('--stop-method must be ipc, ctrl-c, ctrl-break or kill', command);
    o.stopMethod = v as ProgramServiceOptions['stopMethod'];
  }
  if (s('stop-timeout') !== undefined) o.stopTimeout = parseDuration(s('stop-timeout') as string, '--stop-timeout');
  if (bool(args, 'kill-tree') !== undefined) o.killTree = bool(args, 'kill-tree') as boolean;
  if (s('affinity') !== undefined) o.affinity = parseAffinity(s('affinity') as string);
  if (bool(args, 'pass-start-args') !== undefined) o.passStartArgs = bool(args, 'pass-start-args') as boolean;
  if (s('success-codes') !== undefined) o.successExitCodes = parseExitCodes(s('success-codes') as string, '--success-codes');
  if (s('no-restart-codes') !== undefined) o.noRestartExitCodes = parseExitCodes(s('no-restart-codes') as string, '--no-restart-codes');
  if (s('early-exit') !== undefined) o.earlyExitWindow = parseDuration(s('early-exit') as string, '--early-exit');
  if (s('ready-timeout') !== undefined) o.readyTimeout = parseDuration(s('ready-timeout') as string, '--ready-timeout');
  if (s('priority') !== undefined) {
    // Hyphens too, like the other options' values (below-normal).
    const v = (s('priority') as string).replace(/-/g, '_');
    if (!(PRIORITY_CLASSES as readonly string[]).includes(v)) throw new UsageError(`--priority must be ${PRIORITY_CLASSES.join(', ')}`, command);
    o.priority = v as PriorityClass;
  }
  if (s('pid-file') !== undefined && bool(args, 'no-pid-file')) throw new UsageError('give --pid-file or --no-pid-file, not both', command);
  // A relative path is taken from here, as --cwd and --log-dir are: the host's folder is another.
  if (s('pid-file') !== undefined) o.pidFile = s('pid-file') === '' ? null : path.resolve(s('pid-file') as string);
  if (bool(args, 'no-pid-file')) o.pidFile = null;
  if (s('recovery') !== undefined) {
    const v = s('recovery') as string;
    if (v === 'none') o.recovery = null;
    else {
      const m = /^restart(?::([^:]+))?(?::(\d+))?$/.exec(v);
      if (!m) throw new UsageError('--recovery must be restart[:<delay>[:<count>]] or none', command);
      o.recovery = { delay: m[1] ? parseDuration(m[1], '--recovery delay') : 60000, ...(m[2] ? { count: Number(m[2]) } : {}) };
    }
  }
  return o;
}

function describeProgram(s: HostSettings): string {
  return quoteCommandLine([s.program, ...s.args]);
}

async function cmdInstall(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'install');
  if (!args.rest || args.rest.length === 0) throw new UsageError("missing the program: install <name> [options] -- <program> [args...]", 'install');
  const [program, ...programArgs] = args.rest as [string, ...string[]];
  const options = await serviceOptions(args, io, 'install');
  const result = await installProgramService(name, program, programArgs, options);
  io.stdout.write(`${paint(io, 'green', 'installed')} ${name}: ${describeProgram(result.settings)} (${result.settings.kind})\n`);
  io.stdout.write(`  log: ${result.settings.log.dir}\n`);
  if (result.logonRightGranted) io.stdout.write(`  granted ${options.username} the "Log on as a service" right\n`);
  for (const warning of result.warnings) io.stderr.write(`scm-native: warning: ${warning}\n`);
  if (bool(args, 'start')) return startAndWait(name, io);
  return 0;
}

async function cmdUpdate(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'update');
  const options = await serviceOptions(args, io, 'update');
  const change: { program?: string; args?: string[] } = {};
  if (bool(args, 'args')) {
    if (args.rest === null) throw new UsageError("--args needs the new arguments after '--'", 'update');
    change.args = args.rest;
  } else if (args.rest !== null) {
    if (args.rest.length === 0) throw new UsageError("give the program after '--' (or use --args to change only the arguments)", 'update');
    const [program, ...rest] = args.rest as [string, ...string[]];
    change.program = program;
    change.args = rest;
  }
  const settings = await updateProgramService(name, change, options);
  io.stdout.write(`${paint(io, 'green', 'updated')} ${name}: ${describeProgram(settings)}\n`);
  const status = await getServiceStatus(name);
  if (status.state !== 'stopped') io.stdout.write(`  the service is ${status.state}: restart it to apply the changes (scm-native restart ${name})\n`);
  return 0;
}

async function cmdRemove(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'remove');
  await withProgress(io, `Removing ${name}`, removeProgramService(name, { force: bool(args, 'force') === true }));
  io.stdout.write(`${paint(io, 'green', 'removed')} ${name}\n`);
  return 0;
}

/** `--affinity 0,2-3` -> [0, 2, 3]; `all` or '' -> null. */
function parseAffinity(text: string): number[] | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'all') return null;
  const cpus: number[] = [];
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m && m[2] !== undefined ? Number(m[2]) : from;
    if (!(from >= 0 && to >= from && to <= 63)) throw new UsageError(`--affinity must be processor numbers 0-63 and ranges, such as 0,2-3, or all; got '${part.trim()}'`);
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The exit code of a hosted service whose program never reported ready (also a 1053 of the SCM's). */
const ERROR_SERVICE_REQUEST_TIMEOUT = 1053;

async function startAndWait(name: string, io: Io, wait = true): Promise<number> {
  const settings = await readSettings(name).catch(() => null);
  // A program that reports ready may take its whole ready timeout, and a failed one its stop.
  const timeout = Math.max(30000, settings && settings.readyTimeout > 0 ? settings.readyTimeout + settings.stopTimeout + 15000 : 0);
  const ok = await withProgress(io, `Starting ${name}`, startService(name, { wait: wait ? timeout : 0 }), (running) => (running ? 'running' : 'not running'));
  if (!wait) return 0;
  const status = await getServiceStatus(name);
  if (!ok || status.state !== 'running') {
    let detail = `state ${status.state}`;
    if (status.exitCode === 1066) detail += `, service exit code ${status.serviceCode}`;
    else if (status.exitCode) detail += `, exit code ${status.exitCode}`;
    if (status.exitCode === ERROR_SERVICE_REQUEST_TIMEOUT && settings && settings.readyTimeout > 0) {
      detail += `: the program did not report ready within ${humanDuration(settings.readyTimeout)}`;
    }
    io.stderr.write(`scm-native: error: ${name} did not start (${detail})${settings ? `; see scm-native status ${name} and ${settings.log.dir}` : ''}\n`);
    return 1;
  }
  io.stdout.write(`${paint(io, 'green', 'running')} ${name} (pid ${status.pid})\n`);
  return 0;
}

async function cmdStart(args: ParsedArgs, io: Io): Promise<number> {
  return startAndWait(one(args, 'start'), io, bool(args, 'wait') !== false);
}

/** The stop timeout of a service scm-native hosts, plus a margin; 25 s for others. */
async function stopWaitOf(name: string): Promise<number> {
  const settings = await readSettings(name).catch(() => null);
  return (settings?.stopTimeout ?? 10000) + 15000;
}

/**
 * Stops `name`; with `dependents`, its running dependents first (listed on stdout). Returns the
 * exit code and the dependents that were stopped, in stop order.
 */
async function stopAndWait(name: string, io: Io, wait = true, dependents = false): Promise<{ code: number; stopped: string[] }> {
  const others = dependents ? (await getDependentServiceStatus(name, { state: 'active' })).map((s) => s.name) : [];
  let timeout = await stopWaitOf(name);
  for (const other of others) timeout += await stopWaitOf(other);
  if (others.length) io.stdout.write(`stopping what depends on ${name} first: ${others.join(', ')}\n`);
  const stopped = await withProgress(io, `Stopping ${name}`, stopService(name, { wait: wait ? timeout : 0, stopDependents: others.length > 0 }), (s) => (s ? 'stopped' : 'still stopping'));
  if (!wait) return { code: 0, stopped: others };
  if (!stopped) {
    io.stderr.write(`scm-native: error: ${name}${others.length ? ' (or a service that depends on it)' : ''} did not stop within ${humanDuration(timeout)}\n`);
    return { code: 1, stopped: others };
  }
  io.stdout.write(`${paint(io, 'gray', 'stopped')} ${name}\n`);
  return { code: 0, stopped: others };
}

async function cmdStop(args: ParsedArgs, io: Io): Promise<number> {
  const wait = bool(args, 'wait') !== false;
  const dependents = bool(args, 'dependents') === true;
  if (dependents && !wait) throw new UsageError('--dependents needs the wait: the dependents must have stopped before the service can stop', 'stop');
  return (await stopAndWait(one(args, 'stop'), io, wait, dependents)).code;
}

async function cmdRestart(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'restart');
  const { code, stopped } = await stopAndWait(name, io, true, bool(args, 'dependents') === true);
  if (code !== 0) return code;
  const started = await startAndWait(name, io);
  if (started !== 0) return started;
  // Again in start order: each after what it depends on.
  for (const other of [...stopped].reverse()) {
    const again = await startAndWait(other, io);
    if (again !== 0) return again;
  }
  return 0;
}

function lastExitText(s: ProgramServiceStatus): string {
  if (!s.lastExit) return '-';
  const ago = humanDuration(Math.max(0, Date.now() - Date.parse(s.lastExit.at)));
  return `${s.lastExit.code === null ? 'none' : s.lastExit.code} (${ago} ago)`;
}

async function cmdStatus(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 1) throw new UsageError('too many arguments', 'status');
  const json = bool(args, 'json') === true;
  if (args.positionals.length === 0) {
    const services = await listProgramServices();
    const statuses = await Promise.all(services.map((s) => getProgramServiceStatus(s.name)));
    if (json) {
      io.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
      return 0;
    }
    if (statuses.length === 0) {
      io.stdout.write('no services installed by scm-native\n');
      return 0;
    }
    io.stdout.write(`${table(['NAME', 'STATE', 'PID', 'PROGRAM PID', 'RESTARTS', 'UPTIME', 'LAST EXIT'], statuses.map((s) => {
      const state = s.hostState === 'backoff' ? 'backoff' : String(s.state);
      return [s.name, paint(io, stateColour(state), state), s.hostPid === null ? '-' : String(s.hostPid), s.programPid === null ? '-' : String(s.programPid),
        String(s.restarts), s.uptime === null ? '-' : humanDuration(s.uptime), lastExitText(s)];
    }))}\n`);
    return 0;
  }
  const s = await getProgramServiceStatus(args.positionals[0] as string);
  if (json) {
    io.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
    return 0;
  }
  const state = s.hostState === 'backoff' ? `${s.state} (waiting to restart the program)` : String(s.state);
  const rows: [string, string][] = [
    ['Service', s.displayName === s.name ? s.name : `${s.name} (${s.displayName})`],
    ['State', paint(io, stateColour(s.hostState === 'backoff' ? 'backoff' : String(s.state)), state)],
    ['Program', describeProgram({ program: s.program, args: s.args } as HostSettings)],
    ['Host PID', s.hostPid === null ? '-' : String(s.hostPid)],
    ['Program PID', s.programPid === null ? '-' : String(s.programPid)],
    ['Uptime', s.uptime === null ? '-' : humanDuration(s.uptime)],
    ['Restarts', String(s.restarts)],
    ['Priority', s.priority],
    ['Pid file', s.pidFile ?? '-'],
    ...(s.successExitCodes.length ? [['Success codes', `0, ${s.successExitCodes.join(', ')}`] as [string, string]] : []),
    ...(s.noRestartExitCodes.length ? [['No restart on', s.noRestartExitCodes.join(', ')] as [string, string]] : []),
    ['Affinity', s.affinity === null ? 'all processors' : s.affinity.join(', ')],
    ['Ready timeout', s.readyTimeout === 0 ? '- (running once started)' : humanDuration(s.readyTimeout)],
    ['Last exit', s.lastExit ? `${lastExitText(s)} after ${humanDuration(s.lastExit.runtimeMs)}${s.lastExit.error ? `: ${s.lastExit.error}` : ''}` : '-'],
  ];
  if (s.nextRestartAt) rows.push(['Next restart', `in ${humanDuration(Math.max(0, Date.parse(s.nextRestartAt) - Date.now()))}`]);
  if (s.state === 'stopped' && s.exitCode !== 0) rows.push(['Exit code', s.exitCode === 1066 ? `service-specific ${s.serviceCode}` : String(s.exitCode)]);
  rows.push(['Startup', String(s.startType ?? '-')], ['Account', s.account ?? '-'], ['Log', s.logFile]);
  if (s.stderrLogFile) rows.push(['Stderr log', s.stderrLogFile]);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  if (s.lastStderr.length) {
    io.stdout.write(`Last stderr lines (the program failed early):\n`);
    for (const line of s.lastStderr) io.stdout.write(`  ${paint(io, 'red', '|')} ${line}\n`);
  }
  return 0;
}

const STATES: readonly ServiceState[] = ['stopped', 'start_pending', 'stop_pending', 'running', 'continue_pending', 'pause_pending', 'paused'];

async function cmdList(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('list takes no arguments (use --filter)', 'list');
  const state = str(args, 'state');
  if (state !== undefined && !STATES.includes(state as ServiceState)) throw new UsageError(`--state must be one of ${STATES.join(', ')}`, 'list');
  const filter = str(args, 'filter');
  const json = bool(args, 'json') === true;
  if (bool(args, 'all')) {
    const re = filter === undefined ? null : new RegExp(`^${filter.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    const all = (await getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'] }))
      .filter((s) => (state === undefined || s.state === state) && (!re || re.test(s.name) || re.test(s.displayName)))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (json) io.stdout.write(`${JSON.stringify(all.map((s) => ({ name: s.name, displayName: s.displayName, state: s.state, pid: s.pid > 0 ? s.pid : null })), null, 2)}\n`);
    else io.stdout.write(`${table(['NAME', 'STATE', 'PID', 'DISPLAY NAME'], all.map((s) => [s.name, paint(io, stateColour(String(s.state)), String(s.state)), s.pid > 0 ? String(s.pid) : '-', s.displayName]))}\n`);
    return 0;
  }
  const services = await listProgramServices({ ...(state ? { state: state as ServiceState } : {}), ...(filter !== undefined ? { filter } : {}) });
  if (json) {
    io.stdout.write(`${JSON.stringify(services, null, 2)}\n`);
    return 0;
  }
  if (services.length === 0) {
    io.stdout.write('no services installed by scm-native match\n');
    return 0;
  }
  io.stdout.write(`${table(['NAME', 'STATE', 'PID', 'PROGRAM'], services.map((s) => [s.name, paint(io, stateColour(String(s.state)), String(s.state)), s.pid === null ? '-' : String(s.pid), s.program]))}\n`);
  return 0;
}

async function cmdLogs(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'logs');
  const count = str(args, 'lines') === undefined ? 50 : parseCount(str(args, 'lines') as string, '--lines');
  const which = bool(args, 'stderr') === true ? { stderr: true } : {};
  const file = await programServiceLogFile(name, which);
  const { lines, follower } = await followProgramServiceLog(name, count, which);
  if (lines.length === 0 && !fs.existsSync(file)) io.stderr.write(`(no log yet: ${file})\n`);
  for (const line of lines) io.stdout.write(`${line}\n`);
  if (!bool(args, 'follow')) return 0;
  await followLog(follower, io);
  return 0;
}

/** Prints the lines appended to the service's log, following it across rotations, until Ctrl+C. */
async function followLog(follower: LogFollower, io: Io): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        const text = follower.poll();
        if (text) io.stdout.write(text);
      } catch (error) {
        stop();
        reject(error);
      }
    }, 250);
    const stop = () => {
      clearInterval(timer);
      process.removeListener('SIGINT', onInterrupt);
    };
    const onInterrupt = () => {
      stop();
      resolve();
    };
    process.on('SIGINT', onInterrupt);
  });
}

async function cmdRotate(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'rotate');
  await rotateProgramServiceLog(name);
  io.stdout.write(`asked ${name} to rotate its log: ${await programServiceLogFile(name)} starts anew\n`);
  return 0;
}

async function cmdDebug(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'debug');
  const status = await getServiceStatus(name);
  if (status.state !== 'stopped') throw new UsageError(`service '${name}' is ${status.state}: stop it before debugging it (scm-native stop ${name})`, 'debug');
  io.stderr.write(`running ${name} in the foreground; Ctrl+C stops it\n`);
  const outcome = await runHost(name, { debug: true });
  return outcome && outcome.serviceCode !== 0 ? 1 : 0;
}

function optionHelp(options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([name, spec]) => [`  ${spec.alias ? `-${spec.alias}, ` : ''}--${name}${spec.value ? ` <${spec.value}>` : ''}`, spec.help]);
  const width = Math.max(...rows.map(([a]) => (a as string).length));
  return rows.map(([a, b]) => `${(a as string).padEnd(width)}  ${b}`).join('\n');
}

function help(command?: string): string {
  if (command && COMMANDS[command]) {
    const c = COMMANDS[command] as Command;
    return `usage: scm-native ${c.usage}\n\n${c.summary}\n${Object.keys(c.options).length ? `\n${optionHelp(c.options)}\n` : ''}\n${optionHelp(COMMON)}\n`;
  }
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)}  ${c.summary}`);
  return `usage: scm-native <command> [options]\n\nRun any program as a Windows service.\n\n${rows.join('\n')}\n\n` +
    `scm-native help <command> shows a command's options. Durations: 500ms, 5s, 2m, 1h. Sizes: 512K, 10M.\n`;
}

function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, color: false };
}

/**
 * Runs the CLI with `argv` (without node and the script) and resolves with the exit code.
 * Output goes to `io` (process streams by default).
 */
export async function runCli(argv: readonly string[], ioOverride?: Partial<Io>): Promise<number> {
  const io: Io = { ...defaultIo(), ...ioOverride };
  const [command, ...rest] = argv;
  const dashdash = argv.indexOf('--');
  const verbose = (dashdash < 0 ? argv : argv.slice(0, dashdash)).includes('--verbose');
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(help(rest[0]));
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === 'version') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      io.stdout.write(`${(require('../../package.json') as { version: string }).version}\n`);
      return 0;
    }
    const spec = COMMANDS[command];
    if (!spec) throw new UsageError(`unknown command '${command}'`);
    const args = parseArgs(rest, { ...spec.options, ...COMMON }, command);
    if (args.options.help) {
      io.stdout.write(help(command));
      return 0;
    }
    const colorOption = args.options.color as boolean | undefined;
    io.color = colorOption ?? ioOverride?.color ?? (Boolean(io.stdout.isTTY) && !process.env.NO_COLOR);
    if (command !== 'install' && command !== 'update' && args.rest !== null) {
      throw new UsageError(`'${command}' takes nothing after '--'`, command);
    }
    return await spec.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      const hint = error.command ? `usage: scm-native ${COMMANDS[error.command]?.usage ?? error.command}` : 'see scm-native help';
      io.stderr.write(`scm-native: ${oneLine(error.message)} (${hint})\n`);
      return 2;
    }
    io.stderr.write(`scm-native: error: ${oneLine(errorMessage(error))}\n`);
    if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

/** The `scm-native` executable. */
export function main(): void {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error) => {
    process.stderr.write(`scm-native: error: ${oneLine(String(error))}\n`);
    process.exitCode = 1;
  });
}
