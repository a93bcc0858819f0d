// Command-defined services (issue 15): a service that is not an SCM registration but a set of
// commands, after simplevisor's Service (control/start/stop/status/restart/pattern/daemon/path)
// and COMAR's service API (pid files, makepid, detach, nice, stop by scanning the process table,
// signalno). The rules are here; running programs, reading the process table and pid files are
// the CommandSystem's (command-system.ts), so every rule is unit-testable anywhere.
import { ScmError } from '../errors/scm-error';
import { parseCommandLine } from '../command-line';
import type { ProcessEntry } from '../process-table';
import type { PriorityClass } from '../host/settings-types';
import type { CommandRun } from './command-run';
import { splitCommand } from './command-split';
import type { LsbCode } from './lsb';
import { LSB_MEANINGS } from './lsb';

/** How a process is asked to stop (COMAR's `signalno`): Ctrl+C, Ctrl+Break, or TerminateProcess. */
export type StopSignal = 'terminate' | 'ctrl-c' | 'ctrl-break';
export const STOP_SIGNALS: readonly StopSignal[] = ['terminate', 'ctrl-c', 'ctrl-break'];

/** Priority classes for a detached start (COMAR's `nice`), as the host's `priority` setting names them. */
export const PRIORITY_CLASSES: readonly PriorityClass[] = ['idle', 'below_normal', 'normal', 'above_normal', 'high', 'realtime'];

/** A command: a string (split on white space, `%XX`-decoded) or a list (taken as it is). */
export type CommandText = string | readonly string[];

/** The fields that make a {@link Service} command-defined (simplevisor's and COMAR's). */
export interface CommandDeclaration {
  /** Prefix: start/stop/status/restart run `<control> start|stop|status|restart`. */
  control?: CommandText;
  /** The start command (required without `control`). */
  start?: CommandText;
  /** The stop command; without it (and without control): by pid file, else by the process table. */
  stop?: CommandText;
  /** The status command (exit 0 running, 3 stopped); without it: by pid file, else by the process table. */
  status?: CommandText;
  /** `stop+start`, or a restart command; unset: `<control> restart`, else stop then start. */
  restart?: CommandText;
  /** Regular expression (JavaScript syntax) over running processes' command lines. */
  pattern?: string;
  /** Pid file of a foreground start command that scm-native starts detached (simplevisor-loop). */
  daemon?: string;
  /** `;`-separated folders searched for the commands' programs, before PATH. */
  path?: string;
  /** COMAR: the pid file the start command's program writes (start skipped while it names a live process). */
  pidFile?: string;
  /** COMAR: scm-native writes `pidFile` itself with the started process's pid (implies `detach`). */
  makepid?: boolean;
  /** COMAR: the start command is a foreground program, started and not waited for. */
  detach?: boolean;
  /** COMAR's `nice`: the priority class of a detached start. */
  priority?: PriorityClass;
  /** COMAR's `signalno`: how a process found by pid file or process table is stopped (default terminate). */
  stopSignal?: StopSignal;
  /** Folder that relative program paths (`bin\\run.cmd`) and pid files are taken from (default: the current folder). */
  baseDir?: string;
}

/** The names of {@link CommandDeclaration}'s fields (baseDir aside): any of them makes a command service. */
export const COMMAND_FIELDS = [
  'control', 'start', 'stop', 'status', 'restart', 'pattern', 'daemon', 'path', 'pidFile', 'makepid', 'detach', 'priority', 'stopSignal',
] as const;

/** A declaration's commands with simplevisor's and COMAR's defaults applied. */
export interface CommandPlan {
  start: string[];
  /** null: by pid file, else by the process table. */
  stop: string[] | null;
  /** null: by pid file, else by the process table. */
  status: string[] | null;
  restart: string[] | 'stop+start';
  /** Whether `restart` came from the declaration or control (not the stop+start default). */
  restartDeclared: boolean;
  pidFile: string | null;
  makepid: boolean;
  detach: boolean;
  /** What finds the service in the process table: the pattern, else the start command. */
  pattern: RegExp | null;
  folders: string[];
  priority: PriorityClass | null;
  stopSignal: StopSignal;
}

/** Whether a declaration has any command field. */
export function isCommandDeclaration(d: object): boolean {
  return COMMAND_FIELDS.some((field) => (d as Record<string, unknown>)[field] !== undefined);
}

/**
 * simplevisor's and COMAR's rules as one plan. With `control`, each command defaults to
 * `<control> <action>` (an explicit command wins); without it `start` is required. `restart`:
 * unset is `<control> restart` with control, else stop then start; `stop+start` is stop then
 * start; anything else is the command. `daemon: F` is `pidFile: F, makepid, detach`.
 * @throws RangeError/TypeError for a declaration that cannot work, naming the field.
 */
export function commandPlan(d: CommandDeclaration, what = 'declaration'): CommandPlan {
  const cmd = (field: keyof CommandDeclaration) => (d[field] === undefined ? null : splitCommand(d[field], `${what}.${field}`));
  const control = cmd('control');
  const start = cmd('start') ?? (control ? [...control, 'start'] : null);
  if (!start) throw new RangeError(`${what} needs "start" or "control" (a command service must say how it starts)`);
  let restart: string[] | 'stop+start';
  let restartDeclared = true;
  if (d.restart === 'stop+start') restart = 'stop+start';
  else if (d.restart !== undefined) restart = cmd('restart') as string[];
  else if (control) restart = [...control, 'restart'];
  else {
    restart = 'stop+start';
    restartDeclared = false;
  }
  for (const field of ['daemon', 'pidFile', 'path', 'pattern'] as const) {
    const v = d[field];
    if (v !== undefined && (typeof v !== 'string' || v === '' || v.includes('\0'))) throw new TypeError(`${what}.${field} must be a non-empty string`);
  }
  for (const field of ['makepid', 'detach'] as const) {
    if (d[field] !== undefined && typeof d[field] !== 'boolean') throw new TypeError(`${what}.${field} must be true or false`);
  }
  let pidFile = d.pidFile ?? null;
  let makepid = d.makepid ?? false;
  let detach = d.detach ?? false;
  if (d.daemon !== undefined) {
    if (control) throw new RangeError(`${what}.daemon cannot be used with "control" (simplevisor ignores it there: the control script daemonizes)`);
    if (d.stop !== undefined || d.status !== undefined) throw new RangeError(`${what}.daemon sets stop and status (by its pid file): remove "stop"/"status" or "daemon"`);
    if (d.pidFile !== undefined) throw new RangeError(`${what}.daemon already names the pid file: give "daemon" or "pidFile", not both`);
    pidFile = d.daemon;
    makepid = true;
    detach = true;
  }
  if (makepid) {
    if (pidFile === null) throw new RangeError(`${what}.makepid needs "pidFile" (the file to write)`);
    detach = true;
  }
  if (d.priority !== undefined) {
    if (!PRIORITY_CLASSES.includes(d.priority)) throw new RangeError(`${what}.priority must be one of ${PRIORITY_CLASSES.join(', ')}, got '${String(d.priority)}'`);
    if (!detach) throw new RangeError(`${what}.priority needs "detach" or "daemon" (it is set on the process scm-native starts and keeps)`);
  }
  if (d.stopSignal !== undefined && !STOP_SIGNALS.includes(d.stopSignal)) {
    throw new RangeError(`${what}.stopSignal must be one of ${STOP_SIGNALS.join(', ')}, got '${String(d.stopSignal)}'`);
  }
  let pattern: RegExp | null = null;
  if (d.pattern !== undefined) {
    try {
      pattern = new RegExp(d.pattern);
    } catch (error) {
      throw new RangeError(`${what}.pattern is not a valid regular expression: ${(error as Error).message}`);
    }
  }
  return {
    start, stop: cmd('stop') ?? (control ? [...control, 'stop'] : null), status: cmd('status') ?? (control ? [...control, 'status'] : null),
    restart, restartDeclared, pidFile, makepid, detach, pattern, folders: (d.path ?? '').split(';').map((f) => f.trim()).filter(Boolean),
    priority: d.priority ?? null, stopSignal: d.stopSignal ?? 'terminate',
  };
}

/** An LSB verdict of a status command's exit code: 0 running, 3 stopped, 1 and 2 dead, else 4. */
export function lsbFromStatusExit(exitCode: number | null): { code: LsbCode; detail: string } {
  if (exitCode === 0) return { code: 0, detail: 'running (status command exited 0)' };
  if (exitCode === 3) return { code: 3, detail: 'stopped (status command exited 3)' };
  if (exitCode === 1) return { code: 1, detail: 'dead (status command exited 1: dead, pid file left)' };
  if (exitCode === 2) return { code: 1, detail: 'dead (status command exited 2: dead, lock file left)' };
  if (exitCode === null) return { code: 4, detail: 'the status command did not end by itself' };
  return { code: 4, detail: `status command exited ${exitCode} (dirty/zombie/hung state)` };
}

/** What a command service needs from the machine (command-system.ts; fakes in unit tests). */
export interface CommandSystem {
  /** Runs a command to its end (rejects with signal.reason at the deadline); the run is recorded. */
  run(argv: readonly string[], folders: readonly string[], signal: AbortSignal, record: (run: CommandRun) => void): Promise<CommandRun>;
  /** Starts a foreground program, not waited for; resolves once it is running. */
  startDetached(argv: readonly string[], folders: readonly string[]): Promise<{ pid: number; exitWithin(ms: number): Promise<number | null> }>;
  /** The program argv[0] names (for matching the start command in the process table), null when not found. */
  resolve(argv0: string, folders: readonly string[]): string | null;
  processes(): Promise<ProcessEntry[]>;
  /** TerminateProcess; false when no such process (gone, or another creation time). */
  terminate(pid: number, createdMs: number | null): boolean;
  /** Sends Ctrl+C or Ctrl+Break to the console of `pid`; rejects with why it could not. */
  sendCtrl(pid: number, signal: 'ctrl-c' | 'ctrl-break'): Promise<void>;
  setPriority(pid: number, priority: PriorityClass): void;
  isAlive(pid: number): boolean;
  /** The pid a pid file holds: null when there is no file; NaN when it holds no pid. */
  readPidFile(file: string): number | null;
  writePidFile(file: string, pid: number): void;
  removePidFile(file: string): void;
  /** The process running this code (never matched). */
  selfPid: number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** A command service's status (the fields of Service's LsbStatus it fills). */
export interface CommandStatus {
  code: LsbCode;
  meaning: string;
  state: 'running' | 'stopped' | null;
  pid: number | null;
  detail: string;
  /** Every pid found (process table), or the pid file's. */
  pids: number[];
  /** Set when the status could not be judged at all (a status command not found). */
  unavailable?: string;
}

function status(code: LsbCode, detail: string, pids: number[] = [], unavailable?: string): CommandStatus {
  const state = code === 0 ? 'running' : code === 3 || code === 1 ? 'stopped' : null;
  return { code, meaning: LSB_MEANINGS[code], state, pid: pids[0] ?? null, detail, pids, ...(unavailable ? { unavailable } : {}) };
}

/** How long a detached start is watched for an immediate exit (a wrong argument, a missing file). */
export const DETACHED_SETTLE_MS = 500;

/** The commands of one service, run by its rules. Every method records the commands it ran in `log`. */
export class CommandService {
  constructor(readonly name: string, readonly plan: CommandPlan, private readonly sys: CommandSystem) {}

  private failed(detail: string): ScmError {
    return new ScmError({ code: 'ERR_SCM_COMMAND_FAILED', service: this.name, detail });
  }

  private async runChecked(what: string, argv: readonly string[], signal: AbortSignal, log: CommandRun[]): Promise<CommandRun> {
    const run = await this.sys.run(argv, this.plan.folders, signal, (r) => log.push(r));
    if (run.exitCode !== 0) {
      const tail = (run.stderr.trim() || run.stdout.trim()).split(/\r?\n/).slice(-3).join(' | ');
      throw this.failed(`${what} command exited ${run.exitCode}${tail ? `: ${tail}` : ''}`);
    }
    return run;
  }

  /** The processes that are this service: the pattern over command lines, else the start command. */
  async matches(): Promise<ProcessEntry[]> {
    const table = await this.sys.processes();
    const mine = (p: ProcessEntry) => p.pid !== this.sys.selfPid && p.commandLine !== null;
    const { pattern } = this.plan;
    if (pattern) return table.filter((p) => mine(p) && pattern.test(p.commandLine as string));
    const [program, ...args] = this.plan.start;
    const resolved = this.sys.resolve(program as string, this.plan.folders)?.toLowerCase() ?? null;
    return table.filter((p) => {
      if (!mine(p) || resolved === null || p.image?.toLowerCase() !== resolved) return false;
      const argv = parseCommandLine(p.commandLine as string);
      return argv.length === args.length + 1 && argv.slice(1).every((a, i) => a === args[i]);
    });
  }

  private pidFileState(): { pid: number | null; alive: boolean; present: boolean } {
    const file = this.plan.pidFile as string;
    const pid = this.sys.readPidFile(file);
    if (pid === null) return { pid: null, alive: false, present: false };
    if (!Number.isInteger(pid) || pid <= 0) return { pid: null, alive: false, present: true };
    return { pid, alive: this.sys.isAlive(pid), present: true };
  }

  /**
   * The LSB status: the status command's exit code; else COMAR's isServiceRunning over the pid
   * file (live pid 0, dead pid with its file 1, no file 3); else the process table (found 0, not 3).
   */
  async status(signal: AbortSignal, log: CommandRun[]): Promise<CommandStatus> {
    const { plan } = this;
    if (plan.status) {
      let run: CommandRun;
      try {
        run = await this.sys.run(plan.status, plan.folders, signal, (r) => log.push(r));
      } catch (error) {
        if (signal.aborted || !(error instanceof ScmError)) throw error;
        return status(4, `status unavailable: ${error.message}`, [], error.message);
      }
      const v = lsbFromStatusExit(run.exitCode);
      return status(v.code, v.detail);
    }
    if (plan.pidFile) {
      const f = this.pidFileState();
      if (!f.present) return status(3, `not running (no pid file ${plan.pidFile})`);
      if (f.pid === null) return status(1, `dead: the pid file ${plan.pidFile} holds no pid`);
      if (f.alive) return status(0, `running (pid ${f.pid} from ${plan.pidFile})`, [f.pid]);
      return status(1, `dead: the pid file ${plan.pidFile} names process ${f.pid}, which is gone`, [f.pid]);
    }
    const found = await this.matches();
    if (found.length === 0) return status(3, `not running (no process matches ${plan.pattern ? `/${plan.pattern.source}/` : 'the start command'})`);
    return status(0, `running (pid ${found.map((p) => p.pid).join(', ')})`, found.map((p) => p.pid));
  }

  /**
   * Starts the service: with a pid file naming a live process, nothing (COMAR: not started
   * again); detached (daemon, makepid, detach), the program is started and kept, its pid written
   * when scm-native makes the pid file, and an exit within 0.5 s is a failure; otherwise the
   * start command must exit 0.
   */
  async start(signal: AbortSignal, log: CommandRun[]): Promise<void> {
    const { plan } = this;
    if (plan.pidFile) {
      const f = this.pidFileState();
      if (f.alive) return;
    }
    if (!plan.detach) {
      await this.runChecked('start', plan.start, signal, log);
      return;
    }
    const started = Date.now();
    const child = await this.sys.startDetached(plan.start, plan.folders);
    const run: CommandRun = { argv: [...plan.start], program: this.sys.resolve(plan.start[0] as string, plan.folders), exitCode: null, stdout: '', stderr: '', ms: 0 };
    log.push(run);
    if (plan.priority) this.sys.setPriority(child.pid, plan.priority);
    if (plan.makepid) this.sys.writePidFile(plan.pidFile as string, child.pid);
    const exit = await child.exitWithin(DETACHED_SETTLE_MS);
    run.ms = Date.now() - started;
    if (exit !== null) {
      run.exitCode = exit;
      if (plan.makepid) this.sys.removePidFile(plan.pidFile as string);
      throw this.failed(`start: ${plan.start[0]} exited at once with code ${exit} (detached programs must keep running)`);
    }
    run.error = `detached: running as pid ${child.pid} (output not kept)`;
  }

  /** Ends processes: terminate, or Ctrl+C/Ctrl+Break then a wait; resolves once all are gone. */
  private async end(targets: readonly { pid: number; createdMs: number | null }[], signal: AbortSignal): Promise<void> {
    for (const t of targets) {
      if (this.plan.stopSignal === 'terminate') this.sys.terminate(t.pid, t.createdMs);
      else if (this.sys.isAlive(t.pid)) await this.sys.sendCtrl(t.pid, this.plan.stopSignal);
    }
    while (targets.some((t) => this.sys.isAlive(t.pid))) await this.sys.sleep(50, signal);
  }

  /**
   * Stops the service: the stop command (must exit 0); else the pid file's process (then the
   * pid file is removed, also when it named a dead process); else every process the process
   * table matches (and no other).
   */
  async stop(signal: AbortSignal, log: CommandRun[]): Promise<void> {
    const { plan } = this;
    if (plan.stop) {
      await this.runChecked('stop', plan.stop, signal, log);
      return;
    }
    if (plan.pidFile) {
      const f = this.pidFileState();
      if (f.pid !== null && f.alive) await this.end([{ pid: f.pid, createdMs: null }], signal);
      if (f.present) this.sys.removePidFile(plan.pidFile);
      return;
    }
    const found = await this.matches();
    await this.end(found.map((p) => ({ pid: p.pid, createdMs: p.createdMs })), signal);
  }

  /** The declared restart: stop then start, or the restart command (control's or its own), which must exit 0. */
  async restart(signal: AbortSignal, log: CommandRun[], mode: 'declared' | 'stop+start' | 'command'): Promise<void> {
    const { restart } = this.plan;
    const stopStart = mode === 'stop+start' || (mode === 'declared' && restart === 'stop+start');
    if (stopStart) {
      await this.stop(signal, log);
      await this.start(signal, log);
      return;
    }
    if (restart === 'stop+start') throw new RangeError(`service '${this.name}' declares no restart command (its restart is stop then start)`);
    await this.runChecked('restart', restart, signal, log);
  }
}
