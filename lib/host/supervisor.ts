// Supervision of one program: start it, restart it after failures with a doubling backoff, give
// up when the waits add up past a limit, stop it gracefully with a deadline. Pure logic: the
// clock and the program are injected, so the policy is unit-tested with a fake clock on any
// platform; lib/host/program.ts supplies the real child process.
import { errorMessage } from '../text';
import type { RestartPolicy } from './settings';

/** Time and timers (the real one is {@link systemClock}). */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** How a run of the program ended. `code` is null when it could not be started at all. */
export interface ProgramExit {
  code: number | null;
  /** Why it could not start, or other detail. */
  error?: string;
}

/** A started program, as the supervisor sees it. */
export interface RunningProgram {
  readonly pid: number | undefined;
  /** Settles once the program (and, with a job, what it left behind) is gone. Never rejects. */
  readonly exited: Promise<ProgramExit>;
  /** Asks the program to stop (IPC message, console control event...). */
  requestStop(): void;
  /** Terminates the program (its whole tree with a job). */
  kill(): void;
}

export type Launcher = (run: number) => RunningProgram;

export interface SupervisorOptions {
  restart: RestartPolicy;
  backoffInitial: number;
  backoffLimit: number;
  backoffReset: number;
  stopTimeout: number;
  giveUpExitCode: number | null;
  /** Exit codes that count as success besides 0. Default none. */
  successExitCodes?: readonly number[];
  /** Exit codes after which the program is not restarted, whatever `restart` says. Default none. */
  noRestartExitCodes?: readonly number[];
}

/** Whether a run ended in success: exit code 0 or one of `successExitCodes`. */
export function exitSucceeded(exit: ProgramExit, successExitCodes: readonly number[] = []): boolean {
  return exit.code === 0 || (exit.code !== null && successExitCodes.includes(exit.code));
}

export type SupervisorState = 'idle' | 'running' | 'backoff' | 'stopping' | 'finished';

/** Why supervision ended, and the service-specific exit code to report (0: none). */
export interface SupervisorOutcome {
  reason: 'stopped' | 'exited' | 'failed' | 'gave-up';
  serviceCode: number;
  lastExit: ProgramExit | null;
}

/**
 * Why the running program is restarted through {@link Supervisor.restart}, for the log and the
 * event log: `text` completes "restarting the program: ..." (`the program asked to be restarted`,
 * `the health check failed 3 times in a row: ...`); `severity` is the event log type: 'information'
 * for a restart that is part of normal operation, 'warning' for one because something is wrong.
 */
export interface RestartReason {
  text: string;
  severity: 'information' | 'warning';
}

/** The reason of a restart the program asked for (`requestProgramRestart()`). */
export const PROGRAM_ASKED_RESTART: RestartReason = { text: 'the program asked to be restarted', severity: 'information' };

export type SupervisorEvent =
  | { type: 'started'; run: number; pid: number | undefined }
  | { type: 'exited'; run: number; exit: ProgramExit; runtimeMs: number; stopping: boolean }
  /** A restart after the program exited by itself (`exit`, after `runtimeMs`), once `delayMs` has passed. */
  | { type: 'backoff'; delayMs: number; cumulativeMs: number; restarts: number; exit: ProgramExit; runtimeMs: number }
  | { type: 'give-up'; cumulativeMs: number; serviceCode: number }
  | { type: 'stop-requested'; state: SupervisorState }
  | { type: 'restart-requested'; reason: RestartReason }
  | { type: 'recycle'; why: string }
  | { type: 'stop-timeout'; pid: number | undefined }
  | { type: 'finished'; outcome: SupervisorOutcome };

/**
 * The restart policy, after the Zope Windows service recipe: on a failed exit wait `backoffInitial`,
 * doubling each time; a run that lasted `backoffReset` resets it; once the waits so far add up to
 * more than `backoffLimit`, the next failure gives up. Exit code 0 (or one of `successExitCodes`)
 * ends supervision (unless `restart: 'always'`); `restart: 'never'` ends it on any exit, and so
 * does an exit code in `noRestartExitCodes` (a failure unless it is also a success code).
 */
export class Supervisor {
  private state: SupervisorState = 'idle';
  private runCount = 0;
  private restartCount = 0;
  private interval: number;
  private cumulative = 0;
  private current: RunningProgram | null = null;
  private runStartedAt = 0;
  private timer: unknown = null;
  private stopTimer: unknown = null;
  private lastExitValue: ProgramExit | null = null;
  /** The program is being stopped to be started again at once (a restart it asked for). */
  private restarting = false;
  /** The program is being stopped because the host found it unwell: its exit counts as a failure. */
  private recycling = false;
  private resolveFinished!: (outcome: SupervisorOutcome) => void;
  /** Settles when supervision ends, however it ends. */
  readonly finished: Promise<SupervisorOutcome>;

  constructor(
    private readonly options: SupervisorOptions,
    private readonly launch: Launcher,
    private readonly onEvent: (event: SupervisorEvent) => void = () => {},
    private readonly clock: Clock = systemClock,
  ) {
    this.interval = options.backoffInitial;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  get currentState(): SupervisorState {
    return this.state;
  }

  /** Times the program was started again after exiting. */
  get restarts(): number {
    return this.restartCount;
  }

  get pid(): number | undefined {
    return this.current?.pid;
  }

  get lastExit(): ProgramExit | null {
    return this.lastExitValue;
  }

  /** When the current run started (clock time), or 0. */
  get runStarted(): number {
    return this.current ? this.runStartedAt : 0;
  }

  /** Starts the first run. */
  start(): void {
    if (this.state !== 'idle') throw new Error('the supervisor was already started');
    this.spawn();
  }

  /**
   * Stops supervision: cancels a pending restart at once, or asks the program to stop and
   * terminates it after `stopTimeout`. Resolves with the outcome (also when already finished).
   */
  stop(): Promise<SupervisorOutcome> {
    const state = this.state;
    if (state === 'stopping' && (this.restarting || this.recycling)) {
      // A stop during a requested restart: the program is on its way out already; it stays out.
      this.restarting = false;
      this.recycling = false;
      this.onEvent({ type: 'stop-requested', state });
      return this.finished;
    }
    if (state === 'finished' || state === 'stopping') return this.finished;
    this.onEvent({ type: 'stop-requested', state });
    if (state === 'idle' || state === 'backoff') {
      this.cancelTimer();
      this.finish({ reason: 'stopped', serviceCode: 0, lastExit: this.lastExitValue });
      return this.finished;
    }
    this.stopProgram();
    return this.finished;
  }

  /**
   * Restarts the running program at once (it asked for it, or the host decided so, `reason` says
   * which): stops it as {@link stop} does, then starts it again without a backoff. Returns false,
   * doing nothing, unless the program is running (during a backoff, a stop or a restart already
   * under way there is nothing to do).
   */
  restart(reason: RestartReason = PROGRAM_ASKED_RESTART): boolean {
    if (this.state !== 'running') return false;
    this.onEvent({ type: 'restart-requested', reason });
    this.restarting = true;
    this.stopProgram();
    return true;
  }

  /**
   * Restarts the running program because the host found it unwell (`why`: failed health checks,
   * memory over its limit): stops it as {@link stop} does, then handles its exit as a failed one,
   * whatever its exit code and the restart policy: a restart after the backoff's delay, which
   * counts toward `backoffLimit` (the service gives up on a program that stays unwell). Returns
   * false, doing nothing, unless the program is running.
   */
  recycle(why: string): boolean {
    if (this.state !== 'running') return false;
    this.onEvent({ type: 'recycle', why });
    this.recycling = true;
    this.stopProgram();
    return true;
  }

  /** Asks the current program to exit, and terminates it after `stopTimeout`. */
  private stopProgram(): void {
    this.state = 'stopping';
    const program = this.current as RunningProgram;
    try {
      program.requestStop();
    } catch {
      // a program that cannot be asked is terminated at the deadline
    }
    this.stopTimer = this.clock.setTimeout(() => {
      this.stopTimer = null;
      if (this.current !== program) return;
      this.onEvent({ type: 'stop-timeout', pid: program.pid });
      program.kill();
    }, this.options.stopTimeout);
  }

  private spawn(): void {
    this.runCount += 1;
    const run = this.runCount;
    let program: RunningProgram;
    try {
      program = this.launch(run);
    } catch (error) {
      program = failedProgram(error);
    }
    this.current = program;
    this.runStartedAt = this.clock.now();
    this.state = 'running';
    this.onEvent({ type: 'started', run, pid: program.pid });
    program.exited.then((exit) => this.onExit(program, run, exit), (error) => this.onExit(program, run, { code: null, error: String(error) }));
  }

  private onExit(program: RunningProgram, run: number, exit: ProgramExit): void {
    if (this.current !== program) return;
    this.current = null;
    this.lastExitValue = exit;
    const runtimeMs = this.clock.now() - this.runStartedAt;
    const stopping = this.state === 'stopping';
    if (this.stopTimer !== null) {
      this.clock.clearTimeout(this.stopTimer);
      this.stopTimer = null;
    }
    this.onEvent({ type: 'exited', run, exit, runtimeMs, stopping });
    if (stopping && this.restarting) {
      // The restart the program asked for: no backoff, and a fresh backoff for what follows.
      this.restarting = false;
      this.interval = this.options.backoffInitial;
      this.cumulative = 0;
      this.restartCount += 1;
      this.spawn();
      return;
    }
    const recycled = stopping && this.recycling;
    this.recycling = false;
    if (stopping && !recycled) {
      this.finish({ reason: 'stopped', serviceCode: 0, lastExit: exit });
      return;
    }
    if (!recycled) {
      const failed = !exitSucceeded(exit, this.options.successExitCodes);
      const prevented = exit.code !== null && (this.options.noRestartExitCodes ?? []).includes(exit.code);
      const restart = !prevented && (this.options.restart === 'always' || (this.options.restart === 'on-failure' && failed));
      if (!restart) {
        this.finish(failed ? { reason: 'failed', serviceCode: exitCodeOf(exit), lastExit: exit } : { reason: 'exited', serviceCode: 0, lastExit: exit });
        return;
      }
    }
    if (runtimeMs >= this.options.backoffReset) {
      this.interval = this.options.backoffInitial;
      this.cumulative = 0;
    }
    if (this.cumulative > this.options.backoffLimit) {
      const serviceCode = this.options.giveUpExitCode ?? exitCodeOf(exit);
      this.onEvent({ type: 'give-up', cumulativeMs: this.cumulative, serviceCode });
      this.finish({ reason: 'gave-up', serviceCode, lastExit: exit });
      return;
    }
    const delay = this.interval;
    this.cumulative += delay;
    this.interval = Math.min(this.interval * 2, 0x7fffffff);
    this.state = 'backoff';
    this.onEvent({ type: 'backoff', delayMs: delay, cumulativeMs: this.cumulative, restarts: this.restartCount, exit, runtimeMs });
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.state !== 'backoff') return;
      this.restartCount += 1;
      this.spawn();
    }, delay);
  }

  private cancelTimer(): void {
    if (this.timer !== null) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private finish(outcome: SupervisorOutcome): void {
    if (this.state === 'finished') return;
    this.state = 'finished';
    this.cancelTimer();
    this.onEvent({ type: 'finished', outcome });
    this.resolveFinished(outcome);
  }
}

/** The service-specific exit code for a failed run: its exit code, or 1 when it has none. */
function exitCodeOf(exit: ProgramExit): number {
  if (exit.code === null || exit.code === 0) return 1;
  return exit.code >>> 0 || 1;
}

function failedProgram(error: unknown): RunningProgram {
  return {
    pid: undefined,
    exited: Promise.resolve({ code: null, error: errorMessage(error) }),
    requestStop() {},
    kill() {},
  };
}
