// A declared service (simplevisor's Service abstraction over the SCM): start, stop, restart, an
// LSB status, and check/adjust against an expected state. Every command is bounded by a timeout;
// start/stop/restart on one service never interleave, in one process or across processes.
import { ScmError } from '../errors/scm-error';
import { startService, stopService } from '../services/control';
import { getServiceStatus } from '../services/query';
import type { ServiceStatus } from '../services/status-record';
import type { ServiceState } from '../services/tokens';
import { checkOptions, checkOptionalString, checkServiceName, checkSignal, checkTimeout } from '../validation';
import { lockDirFor, lockKey, serialized } from './lock';
import { processAlive } from '../process-alive';
import { LSB_MEANINGS, lsbFromError, lsbFromStatus } from './lsb';
import type { LsbCode } from './lsb';
import { CommandService, commandPlan, isCommandDeclaration } from './command-service';
import type { CommandDeclaration, CommandStatus, CommandSystem } from './command-service';
import type { CommandRun } from './command-run';
import { machineCommandSystem } from './command-system';

export type ExpectedState = 'running' | 'stopped';
export type RestartMode = 'stop+start' | 'native';

/**
 * What declares a {@link Service}: an SCM service by name, or, with any command field (`control`,
 * `start`, `stop`, `status`, `restart`, `pattern`, `daemon`, `path`, `pidFile`, `makepid`,
 * `detach`, `priority`, `stopSignal`), a command-defined service (simplevisor's and COMAR's).
 */
export interface ServiceDeclaration extends CommandDeclaration {
  /** The service's internal (key) name. */
  name: string;
  /** The state {@link Service.check} compares with (default `running`, as simplevisor). */
  expected?: ExpectedState;
  /** Milliseconds any one command may take, waiting for the lock included (default 60000). */
  timeout?: number;
  /** Remote machine; local when omitted. */
  system?: string;
  /** Folder of the cross-process lock files (default: SCM_NATIVE_LOCK_DIR, %ProgramData%\scm-native\locks). */
  lockDir?: string;
}

/** Options of each command. */
export interface CommandOptions {
  /** Cancels the command (it rejects with the signal's reason). */
  signal?: AbortSignal;
}

/** {@link Service.status}: the LSB code, the SCM state and a one-line detail. */
export interface LsbStatus {
  name: string;
  /** 0 running, 1 dead (a recorded pid that is gone, or stopped after a failure), 3 not running, 4 unknown. */
  code: LsbCode;
  /** `running`, `dead`, `not running` or `unknown`. */
  meaning: string;
  /** The SCM state, null when the status could not be read (code 4). */
  state: ServiceState | number | null;
  /** The service's process id, null when none. */
  pid: number | null;
  detail: string;
  /** The SCM status record (null when unavailable). */
  status: ServiceStatus | null;
  /** Why the status could not be read (code 4 only). */
  error?: ScmError;
  /** Command services: every command the call ran, with its exit code, stdout and stderr. */
  output?: CommandRun[];
}

/** What {@link Service.adjust} does (or did) to reach the expected state. */
export type AdjustAction = 'none' | 'start' | 'stop' | 'restart';

/** {@link Service.check}: the status compared with the expected state. */
export interface CheckResult extends LsbStatus {
  expected: ExpectedState;
  /** Whether the service is in the expected state. */
  ok: boolean;
  /** What adjust() would do: `none` when ok, or when nothing can be done (see `reason`). */
  action: AdjustAction;
  /** Why action is `none` although ok is false (not installed, no access, paused...). */
  reason?: string;
}

/** {@link Service.adjust}: the check before, what was done, and the status after. */
export interface AdjustResult extends CheckResult {
  /** Whether an action ran. */
  done: boolean;
  /** The status after the action (the check's status when nothing ran). */
  after: LsbStatus;
}

/**
 * The SCM calls a Service makes: the SCM's by default; another (a fake in tests, a remote agent)
 * can be passed as the constructor's second argument.
 */
export interface ServiceBackend {
  queryStatus(name: string, system: string | null, signal: AbortSignal): Promise<ServiceStatus>;
  start(name: string, system: string | null, waitMs: number, signal: AbortSignal): Promise<boolean>;
  stop(name: string, system: string | null, waitMs: number, signal: AbortSignal): Promise<boolean>;
  isAlive(pid: number): boolean;
}

const sys = (system: string | null) => (system ? { system } : {});

const SCM_BACKEND: ServiceBackend = {
  queryStatus: (name, system) => getServiceStatus(name, sys(system)),
  start: (name, system, wait, signal) => startService(name, { ...sys(system), wait, signal }),
  stop: (name, system, wait, signal) => stopService(name, { ...sys(system), wait, signal }),
  isAlive: processAlive,
};

/** The default per-command timeout: 60 s, as simplevisor. */
export const DEFAULT_TIMEOUT_MS = 60000;

/** A command's deadline: an AbortSignal that aborts with an ERR_SCM_TIMEOUT ScmError. */
class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly end: number;

  constructor(readonly ms: number, name: string, command: string, system: string | null, outer?: AbortSignal) {
    this.end = Date.now() + ms;
    this.timer = setTimeout(() => this.controller.abort(timeoutError(name, command, ms, system)), ms);
    this.signal = outer ? AbortSignal.any([this.controller.signal, outer]) : this.controller.signal;
  }

  remaining(): number {
    return Math.max(0, this.end - Date.now());
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

function timeoutError(name: string, command: string, ms: number, system: string | null): ScmError {
  return new ScmError({ code: 'ERR_SCM_TIMEOUT', service: name, ...sys(system), detail: `${command} did not finish within ${ms} ms` });
}

/** Runs `work` until it settles or the signal aborts (then rejects with the reason). */
function bounded<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A declared Windows service, after simplevisor's Service: `start()`, `stop()`, `restart()`,
 * `status()` (an LSB code), `check()` against the expected state and `adjust()` to reach it.
 * Every command rejects with an ScmError `ERR_SCM_TIMEOUT` after `timeout` ms (cancelling the
 * underlying wait); start, stop and restart of one service run one at a time, in this process (a
 * queue per name) and across processes (a lock file per name, stale when its process is gone).
 */
export class Service {
  readonly name: string;
  readonly expected: ExpectedState;
  readonly timeout: number;
  readonly system: string | null;
  readonly lockDir: string;
  /** @internal */
  private readonly backend: ServiceBackend;
  /** The commands of a command-defined service, null for an SCM service. @internal */
  private readonly commands: CommandService | null;

  /**
   * `backend` replaces the SCM calls of an SCM service; `commandSystem` the machine (programs,
   * process table, pid files) of a command service (tests give fakes).
   */
  constructor(declaration: ServiceDeclaration, backend: ServiceBackend = SCM_BACKEND, commandSystem?: CommandSystem) {
    const d = checkOptions<ServiceDeclaration>(declaration, 'declaration');
    this.name = checkServiceName(d.name, 'declaration.name');
    const expected = d.expected ?? 'running';
    if (expected !== 'running' && expected !== 'stopped') {
      throw new RangeError(`declaration.expected must be 'running' or 'stopped', got ${typeof expected === 'string' ? `'${expected}'` : typeof expected}`);
    }
    this.expected = expected;
    this.timeout = d.timeout === undefined ? DEFAULT_TIMEOUT_MS : checkTimeout(d.timeout, 'declaration.timeout');
    this.system = checkOptionalString(d.system, 'declaration.system');
    this.lockDir = lockDirFor(checkOptionalString(d.lockDir, 'declaration.lockDir'));
    this.backend = backend;
    if (isCommandDeclaration(d)) {
      if (this.system !== null) throw new RangeError('declaration.system cannot be used with commands (commands run on this machine)');
      const baseDir = checkOptionalString(d.baseDir, 'declaration.baseDir') ?? process.cwd();
      this.commands = new CommandService(this.name, commandPlan(d, 'declaration'), commandSystem ?? machineCommandSystem(baseDir));
    } else {
      this.commands = null;
    }
  }

  /** Whether this is a command-defined service (not an SCM registration). */
  get commandDefined(): boolean {
    return this.commands !== null;
  }

  private async command<T>(command: string, options: CommandOptions | undefined, lock: boolean, fn: (deadline: Deadline, log: CommandRun[]) => Promise<T>): Promise<T> {
    const outer = checkSignal(checkOptions<CommandOptions>(options).signal);
    const deadline = new Deadline(this.timeout, this.name, command, this.system, outer);
    const log: CommandRun[] = [];
    try {
      const run = () => bounded(fn(deadline, log), deadline.signal);
      const result = await (lock ? serialized(lockKey(this.name, this.system), this.lockDir, deadline.signal, run) : run());
      if (this.commands && typeof result === 'object' && result !== null) (result as { output?: CommandRun[] }).output = log;
      return result;
    } catch (error) {
      // A command service's failure keeps what its commands wrote (a timeout's cut command included).
      if (this.commands && error instanceof ScmError) Object.defineProperty(error, 'output', { value: log, enumerable: false, configurable: true });
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  private fromCommands(s: CommandStatus): LsbStatus {
    return { name: this.name, code: s.code, meaning: s.meaning, state: s.state, pid: s.pid, detail: s.detail, status: null };
  }

  private async readStatus(signal: AbortSignal, log: CommandRun[] = []): Promise<LsbStatus> {
    if (this.commands) return this.fromCommands(await this.commands.status(signal, log));
    let status: ServiceStatus;
    try {
      status = await this.backend.queryStatus(this.name, this.system, signal);
    } catch (error) {
      const verdict = lsbFromError(error);
      return { name: this.name, code: verdict.code, meaning: LSB_MEANINGS[verdict.code], state: null, pid: null, detail: verdict.detail, status: null, error: error as ScmError };
    }
    // A pid is another machine's when the service is: this machine's process table says nothing
    // of it (Windows' SCM marks a service whose process died stopped; only Wine keeps it RUNNING).
    const verdict = lsbFromStatus(status, (pid) => this.system !== null || this.backend.isAlive(pid));
    return {
      name: this.name, code: verdict.code, meaning: LSB_MEANINGS[verdict.code], state: status.state,
      pid: status.pid > 0 ? status.pid : null, detail: verdict.detail, status,
    };
  }

  private failed(command: string, after: LsbStatus): ScmError {
    return new ScmError({ code: 'ERR_SCM_COMMAND_FAILED', service: this.name, ...sys(this.system), detail: `${command}: the service is ${after.detail}` });
  }

  private async doStart(deadline: Deadline, log: CommandRun[] = []): Promise<LsbStatus> {
    if (this.commands) {
      await this.commands.start(deadline.signal, log);
      return this.readStatus(deadline.signal, log);
    }
    const running = await this.backend.start(this.name, this.system, deadline.remaining(), deadline.signal);
    const after = await this.readStatus(deadline.signal);
    if (running && after.state === 'running') return after;
    if (after.state === 'start_pending' || (running && after.state !== 'stopped')) throw timeoutError(this.name, 'start', deadline.ms, this.system);
    throw this.failed('start', after);
  }

  private async doStop(deadline: Deadline, log: CommandRun[] = []): Promise<LsbStatus> {
    if (this.commands) {
      await this.commands.stop(deadline.signal, log);
      return this.readStatus(deadline.signal, log);
    }
    const stopped = await this.backend.stop(this.name, this.system, deadline.remaining(), deadline.signal);
    const after = await this.readStatus(deadline.signal);
    if (stopped || after.state === 'stopped') return after;
    throw timeoutError(this.name, 'stop', deadline.ms, this.system);
  }

  /** Starts the service and waits until it runs. Resolves with the status after. */
  start(options?: CommandOptions): Promise<LsbStatus> {
    return this.command('start', options, true, (d, log) => this.doStart(d, log));
  }

  /** Stops the service and waits until it has stopped. Resolves with the status after. */
  stop(options?: CommandOptions): Promise<LsbStatus> {
    return this.command('stop', options, true, (d, log) => this.doStop(d, log));
  }

  /**
   * Restarts the service. The SCM has no restart control, so both modes stop then start, within
   * one timeout: `stop+start` (default) as two locked steps (another caller may act between them),
   * `native` as one locked step (nothing interleaves between the stop and the start).
   *
   * A command service follows its declaration without a mode (simplevisor: `<control> restart`,
   * the `restart` command, or stop then start); `stop+start` stops then starts; `native` runs the
   * declared restart command (a RangeError when there is none). One locked step in every case.
   */
  restart(options?: CommandOptions & { mode?: RestartMode }): Promise<LsbStatus> {
    const given = checkOptions<{ mode?: RestartMode }>(options).mode;
    const mode = given ?? 'stop+start';
    if (mode !== 'stop+start' && mode !== 'native') throw new RangeError(`options.mode must be 'stop+start' or 'native', got '${String(mode)}'`);
    const commands = this.commands;
    if (commands) {
      if (mode === 'native' && commands.plan.restart === 'stop+start') throw new RangeError(`options.mode 'native' needs a restart command: service '${this.name}' declares none (its restart is stop then start)`);
      const how = given === undefined ? 'declared' : mode === 'native' ? 'command' : 'stop+start';
      return this.command('restart', options, true, async (d, log) => {
        await commands.restart(d.signal, log, how);
        return this.readStatus(d.signal, log);
      });
    }
    if (mode === 'native') {
      return this.command('restart', options, true, async (d) => {
        await this.doStop(d);
        return this.doStart(d);
      });
    }
    return this.command('restart', options, false, async (d) => {
      const key = lockKey(this.name, this.system);
      await serialized(key, this.lockDir, d.signal, () => this.doStop(d));
      return serialized(key, this.lockDir, d.signal, () => this.doStart(d));
    });
  }

  /** The LSB status: 0 running, 1 dead, 3 not running, 4 unknown (never rejects for a missing service). */
  status(options?: CommandOptions): Promise<LsbStatus> {
    return this.command('status', options, false, (d, log) => this.readStatus(d.signal, log));
  }

  /** The status compared with `expected`, and what {@link adjust} would do. */
  check(options?: CommandOptions): Promise<CheckResult> {
    return this.command('check', options, false, async (d, log) => this.judge(await this.readStatus(d.signal, log)));
  }

  private judge(s: LsbStatus): CheckResult {
    const base = { ...s, expected: this.expected };
    if (this.commands) return judgeCommand(base, this.expected);
    if (s.state === null) return { ...base, ok: false, action: 'none', reason: `cannot adjust: ${s.detail}` };
    const activeDead = s.code === 1 && s.state !== 'stopped';
    if (this.expected === 'running') {
      if (s.code === 0) return { ...base, ok: true, action: 'none' };
      if (activeDead) return { ...base, ok: false, action: 'restart' };
      if (s.state === 'paused' || s.state === 'pause_pending') return { ...base, ok: false, action: 'none', reason: 'the service is paused: continue it (continueService)' };
      return { ...base, ok: false, action: 'start' };
    }
    if (s.state === 'stopped') return { ...base, ok: true, action: 'none' };
    return { ...base, ok: false, action: 'stop' };
  }

  /** Does what {@link check} says: starts, stops or restarts the service toward `expected`. */
  adjust(options?: CommandOptions): Promise<AdjustResult> {
    return this.command('adjust', options, true, async (d, log) => {
      const checked = this.judge(await this.readStatus(d.signal, log));
      if (checked.action === 'none') return { ...checked, done: false, after: checked };
      let after: LsbStatus;
      if (checked.action === 'start') after = await this.doStart(d, log);
      else if (checked.action === 'stop') after = await this.doStop(d, log);
      else if (this.commands) {
        // simplevisor: a status other than 0 or 3 is restarted, the declared way.
        await this.commands.restart(d.signal, log, 'declared');
        after = await this.readStatus(d.signal, log);
      } else {
        await this.doStop(d);
        after = await this.doStart(d);
      }
      return { ...checked, done: true, after };
    });
  }
}

/**
 * simplevisor's adjust for a command service: expected running, 0 is ok, 3 starts, anything else
 * (1 dead, 4 a dirty/zombie/hung state) restarts; expected stopped, 3 is ok and anything else
 * stops (a dead daemon's stop removes its pid file). A status that could not be read at all (a
 * status command not found) is left alone with the reason.
 */
function judgeCommand(base: LsbStatus & { expected: ExpectedState }, expected: ExpectedState): CheckResult {
  if (base.code === 4 && base.detail.startsWith('status unavailable')) return { ...base, ok: false, action: 'none', reason: `cannot adjust: ${base.detail}` };
  if (expected === 'running') {
    if (base.code === 0) return { ...base, ok: true, action: 'none' };
    return { ...base, ok: false, action: base.code === 3 ? 'start' : 'restart' };
  }
  if (base.code === 3) return { ...base, ok: true, action: 'none' };
  return { ...base, ok: false, action: 'stop' };
}
