// One run of the service host, from the SCM's start control to the final STOPPED: the controls
// it answers, the start sequence (pre-start command, supervision, readiness wait, post-start
// command), the stop sequence (pre-stop command, graceful stop, post-stop command, final status)
// and the one way a start fails.
// How the supervisor's events show is host-events.ts; where lines go is host-log.ts.
import { runAsService, updateServiceStatus } from '../as-service/run-as-service';
import type { UpdateStatusOptions } from '../as-service/run-as-service';
import type { AcceptedControl, ServiceControl } from '../as-service/controls';
import { exitCodeText } from '../exit-code-text';
import { HostEventLog } from './host-event-log';
import { showSupervisorEvent } from './host-events';
import type { EventTargets } from './host-events';
import { openHostLog, seconds } from './host-log';
import type { HostLog, ProgramOutputTarget } from './host-log';
import { HostStatusRecord } from './host-status';
import { HealthCheck } from './health-check';
import { describeHookResult, preStartExitCode, runServiceHook } from './hooks';
import { LineRing, LineSplitter, REQUESTED_ROTATION_INTERVAL_MS } from './log-writer';
import { MemoryWatch } from './memory-watch';
import { ProgramPidFile } from './pid-file';
import { enterJob, launchProgram } from './program';
import type { ProgramOutput } from './program';
import { readOutputTail } from './output-tail';
import { ReadinessWait } from './readiness';
import type { HostSettings } from './settings';
import { statusFilePath } from './status-file';
import { PROGRAM_ASKED_RESTART, Supervisor } from './supervisor';
import type { RestartReason, RunningProgram, SupervisorEvent, SupervisorOutcome } from './supervisor';

/**
 * The service-specific exit code of a host that cannot run its program at all (settings missing
 * or unreadable, program, interpreter or working directory gone): like ERROR_FILE_NOT_FOUND.
 */
export const HOST_SETUP_FAILURE = 2;

/**
 * The user-defined control (`scm-native rotate`, `rotateProgramServiceLog`) that makes the host
 * rotate its log now, as `nssm rotate` does with the same code.
 */
export const ROTATE_CONTROL = 128;

/**
 * The controls the host accepts. PRESHUTDOWN: at system shutdown the program gets its whole stop
 * timeout (the preshutdown timeout set at install), where SHUTDOWN alone allows a few seconds for
 * all services.
 */
export const HOST_CONTROLS: AcceptedControl[] = ['stop', 'preshutdown', 'shutdown'];

/** The Win32 exit code of a start that failed because the program never reported ready. */
const ERROR_SERVICE_REQUEST_TIMEOUT = 1053;

/** Lines of stderr kept of each run, shown when it fails early. */
const STDERR_TAIL = 20;

/** The wait hint of a pending state that lasts up to `ms`: a margin on top, within a DWORD. */
const waitHintFor = (ms: number) => Math.min(ms + 5000, 0x7fffffff);

/** Why a start failed, and the exit code the SCM gets with STOPPED for it. */
interface StartFailure {
  /** For the event log. */
  why: string;
  exit: Pick<UpdateStatusOptions, 'exitCode' | 'serviceCode'>;
}

/**
 * The host's run of `service`: what it set up (log, event log, status file, pid file, job) and
 * what changes while it runs (supervision, a stop that came early, a failed start).
 */
export class HostRun {
  // Set up before the SCM's first control, fixed for the run.
  private readonly log: HostLog;
  /** Refused rotate controls since the last line saying so, and when that line was written. */
  private refusedRotations = 0;
  private refusalLoggedAt: number | null = null;
  private readonly eventLog: HostEventLog;
  private readonly status: HostStatusRecord;
  private readonly pidFile: ProgramPidFile;
  /** Whether the host is in its kill-on-close job (`killTree`), which the program then shares. */
  private readonly inJob: boolean;
  /** The current run's last stderr lines: what an early failure is reported with. */
  private readonly stderrTail = new LineRing(STDERR_TAIL);
  /** `--ready-timeout`: START_PENDING until the program's first ready message, or the start fails. */
  private readonly readiness: ReadinessWait;
  /** What the supervisor's events update and write to (host-events.ts). */
  private readonly eventTargets: EventTargets;
  /** `healthCheck` and `memoryLimit` (null: not asked for): each restarts a program found unwell. */
  private readonly health: HealthCheck | null;
  private readonly memory: MemoryWatch | null;

  // Changed by the SCM's controls and the program's events.
  /** Supervision of the program: null until the start sequence gets that far (it may never). */
  private supervisor: Supervisor | null = null;
  /**
   * A stop came before supervision started (debug mode's Ctrl+C while the pre-start command runs;
   * the SCM itself refuses stops while starting): the start must not go on.
   */
  private stopRequested = false;
  /** Set by {@link failStart}; a failed start that had a program to stop ends with its exit code. */
  private startFailure: StartFailure | null = null;
  /** The post-start command has been started (once per service start). */
  private postStartRan = false;
  /** The pre-stop command: not yet, running, or done (once per service stop). */
  private preStop: 'not-yet' | 'running' | 'done' = 'not-yet';

  /**
   * `setupProblem`: why the program cannot run (a missing file), found before the start; the
   * start then fails with {@link HOST_SETUP_FAILURE}. `setupWarnings`: what the log says at each
   * start (data folders others can change, allowed by allowInsecureLocation). `shared`: the run
   * is one of a shared host's (host group): the host stays out of jobs (each run of the program
   * gets one of its own), and `stopped` hears the final STOPPED so the run can be closed while
   * the process goes on.
   */
  constructor(
    private readonly service: string,
    private readonly settings: HostSettings,
    private readonly debug: boolean,
    private readonly setupProblem: string | null,
    private readonly setupWarnings: readonly string[] = [],
    private readonly shared: { group: string; stopped(): void } | null = null,
  ) {
    this.log = openHostLog(service, settings, debug);
    this.eventLog = new HostEventLog(service, !debug);
    this.inJob = settings.killTree && !shared ? enterJob((m) => this.log.host(m), settings.allowJobBreakaway) : false;
    this.status = new HostStatusRecord(service, debug ? null : statusFilePath(settings.log.dir, service), () => this.supervisor?.restarts ?? 0);
    this.pidFile = new ProgramPidFile(settings.pidFile, (m) => this.log.host(m));
    this.readiness = new ReadinessWait(settings.readyTimeout, {
      note: (m) => this.log.host(m),
      ready: () => {
        this.status.state = 'running';
        this.status.publish();
        this.reachedRunning();
      },
      timedOut: () => this.failStart(0, {
        why: `the program did not report ready within ${seconds(settings.readyTimeout)}; the start failed`,
        exit: { exitCode: ERROR_SERVICE_REQUEST_TIMEOUT },
      }),
    });
    this.eventTargets = {
      settings, status: this.status, log: this.log, eventLog: this.eventLog, pidFile: this.pidFile, stderrTail: this.stderrTail, readiness: this.readiness,
    };
    const note = (m: string) => this.log.host(m);
    const recycle = (why: string) => {
      if (this.supervisor?.recycle(why) === false) this.log.host(`not restarting (${why}): the program is ${this.supervisor.currentState}`);
    };
    this.health = HealthCheck.wanted(settings) ? new HealthCheck(settings, service, { note, unhealthy: recycle }) : null;
    this.memory = MemoryWatch.wanted(settings) ? new MemoryWatch(settings, this.inJob, { note, overLimit: recycle }) : null;
  }

  /** Runs the service until it stops; resolves with how it ended (null: it never started). */
  async run(): Promise<SupervisorOutcome | null> {
    try {
      await runAsService({
        [this.service]: (control: ServiceControl, _name: string, seq: number, code: number, ...extra: unknown[]) => this.control(control, seq, code, extra),
      }, { controls: HOST_CONTROLS, debug: this.debug, failureExitCode: 1 });
    } finally {
      await this.close();
    }
    return this.status.outcome;
  }

  /** The end of the run: its files and the event log's last entries (never waited for long). */
  async close(): Promise<SupervisorOutcome | null> {
    // Normally gone with the program's exit already; this covers the host ending some other way.
    this.pidFile.remove();
    this.status.publish();
    this.log.close();
    // The last events (service stopped) and a compression under way before the process ends,
    // but never wait long for them.
    await Promise.all([this.eventLog.flush(2000), this.log.settle(2000)]);
    return this.status.outcome;
  }

  /** A control of the SCM for this service (the handler runAsService calls). */
  control(control: ServiceControl, seq: number, code: number, extra: unknown[]): 'running' | undefined {
    switch (control) {
      case 'start':
        return this.start(seq, Array.isArray(extra[0]) ? (extra[0] as string[]) : []);
      case 'stop':
      case 'preshutdown':
      case 'shutdown':
        this.requestStop(seq);
        return undefined;
      case 'user_defined':
        if (code === ROTATE_CONTROL) this.rotateLog();
        return undefined;
      default:
        return undefined;
    }
  }

  /**
   * The rotate control. Anyone allowed to send it could send it in a burst: the log's rule limits
   * the rotations (log-writer.ts), and refusals are logged at most once a minute, with a count, so
   * that a burst does not fill the log (and so rotate it by size) with the host's own lines.
   */
  private rotateLog(): void {
    const refusal = this.log.rotate();
    if (refusal === null) return;
    this.refusedRotations++;
    const now = Date.now();
    if (this.refusalLoggedAt !== null && now - this.refusalLoggedAt < REQUESTED_ROTATION_INTERVAL_MS) return;
    this.log.host(`log rotation requested, not done: ${refusal}${this.refusedRotations > 1 ? ` (${this.refusedRotations} requests not done since the last such line)` : ''}`);
    this.refusalLoggedAt = now;
    this.refusedRotations = 0;
  }

  // --- start sequence ---

  /**
   * Answers the start control `seq`: RUNNING at once ('running'), or later once the pre-start
   * command succeeded and (with `--ready-timeout`) the program reported ready.
   */
  private start(seq: number, startArgs: string[]): 'running' | undefined {
    const { settings } = this;
    const where = this.shared ? `shared host of group ${this.shared.group}, ` : '';
    this.log.host(`service ${this.service} starting (${where}host pid ${process.pid}${this.debug ? ', debug mode' : ''})`);
    for (const warning of this.setupWarnings) this.log.host(`warning: ${warning}`);
    if (this.setupProblem) {
      this.log.host(`cannot start: ${this.setupProblem}`);
      this.failStart(seq, { why: `cannot start: ${this.setupProblem}`, exit: { serviceCode: HOST_SETUP_FAILURE } });
      return undefined;
    }
    this.eventLog.report('started', 'information', `service started (host pid ${process.pid})`);
    // Start arguments come from whoever may start the service: never into cmd.exe (docs/security.md).
    const passed = settings.passStartArgs && settings.kind !== 'cmd';
    const why = settings.kind === 'cmd' ? 'a batch program never gets them' : 'install with --pass-start-args';
    if (startArgs.length > 0) this.log.host(`start arguments: ${startArgs.join(' ')}${passed ? ' (passed to the program)' : ` (not passed to the program: ${why})`}`);
    const programArgs = passed ? startArgs : [];
    if (settings.preStart === null) {
      this.superviseProgram(seq, programArgs);
      if (settings.readyTimeout > 0) return undefined;
      // After the SCM has the RUNNING this returns.
      setImmediate(() => this.reachedRunning());
      return 'running';
    }
    // START_PENDING while the pre-start command runs; it decides whether the program starts.
    updateServiceStatus(this.service, seq, 'start_pending', { waitHint: waitHintFor(settings.hookTimeout) });
    void this.startAfterPreStart(seq, settings.preStart, programArgs);
    return undefined;
  }

  private async startAfterPreStart(seq: number, preStart: readonly string[], programArgs: string[]): Promise<void> {
    const serviceCode = preStartExitCode(await runServiceHook('pre-start', preStart, this.service, this.settings, this.log));
    if (this.stopRequested) return;
    if (serviceCode !== 0) {
      this.failStart(0, { why: `the pre-start command failed; the service did not start (service-specific exit code ${serviceCode})`, exit: { serviceCode } });
      return;
    }
    this.superviseProgram(seq, programArgs);
    if (this.settings.readyTimeout === 0) {
      updateServiceStatus(this.service, seq, 'running');
      this.reachedRunning();
    }
  }

  /**
   * The service is RUNNING (with readyTimeout: the program reported ready): the post-start command
   * runs, once per service start. Its failure is logged and reported; the program runs on (hooks.ts).
   */
  private reachedRunning(): void {
    const { postStart } = this.settings;
    if (postStart === null || this.postStartRan || this.stopRequested) return;
    this.postStartRan = true;
    void runServiceHook('post-start', postStart, this.service, this.settings, this.log).then((result) => {
      if (result.code !== 0) this.eventLog.report('hook-failed', 'warning', `${describeHookResult('the post-start command', result, this.settings.hookTimeout)}; the program keeps running`);
    });
  }

  /** Starts the program under supervision; the stop sequence follows whenever supervision ends. */
  private superviseProgram(seq: number, programArgs: readonly string[]): void {
    if (this.settings.readyTimeout > 0) this.readiness.wait(this.service, seq);
    const supervisor = new Supervisor(this.settings, (run) => this.launch(run, programArgs), (e) => {
      showSupervisorEvent(e, this.eventTargets);
      this.watchProgram(e);
    });
    this.supervisor = supervisor;
    supervisor.start();
    void supervisor.finished.then((outcome) => this.finishService(outcome));
  }

  /**
   * Health checks and the memory watch follow the program's runs: memory from its start, health
   * probes once it is ready (at its start without `readyTimeout`); both end as it exits or is asked to.
   */
  private watchProgram(e: SupervisorEvent): void {
    if (e.type === 'started') {
      if (e.pid !== undefined) this.memory?.begin(e.pid);
      if (e.pid !== undefined && this.settings.readyTimeout === 0) this.health?.begin();
    } else if (e.type === 'exited' || e.type === 'stop-requested' || e.type === 'restart-requested' || e.type === 'recycle') {
      this.health?.end();
      this.memory?.end();
    }
  }

  private launch(run: number, programArgs: readonly string[]): RunningProgram {
    return launchProgram({
      service: this.service, settings: this.settings, inJob: this.inJob, ownJob: this.shared !== null,
      output: this.settings.log.direct ? this.directOutput() : this.copiedOutput(),
      note: (m) => this.log.host(m),
      hookOutput: (line) => this.log.stdout(line),
      startArgs: programArgs,
      ready: () => {
        this.readiness.programReady(run);
        if (this.settings.readyTimeout > 0 && this.supervisor?.currentState === 'running') this.health?.begin();
      },
      restart: () => this.restartProgram(PROGRAM_ASKED_RESTART, `restart request of run ${run}`),
    });
  }

  /** The program's output through pipes: the host cuts it into lines and writes the log. */
  private copiedOutput(): ProgramOutput {
    const out = new LineSplitter((line) => this.log.stdout(line));
    const err = new LineSplitter((line) => {
      this.stderrTail.push(line);
      this.log.stderr(line);
    });
    // One write per chunk of output, not one per line.
    return { stdout: (c) => this.log.batch(() => out.push(c)), stderr: (c) => this.log.batch(() => err.push(c)), end: () => this.log.batch(() => { out.flush(); err.flush(); }) };
  }

  /**
   * The program writes its log itself (log.direct): it gets the log files' handles, rotated first
   * when due; as it exits, the end of what it wrote to its stderr's file becomes the tail an early
   * failure is reported with. A log file that cannot be opened does not keep the program down:
   * that run's output goes through the host, whose writes fail quietly as they do without log.direct.
   */
  private directOutput(): ProgramOutput {
    let target: ProgramOutputTarget;
    try {
      target = this.log.programOutput();
    } catch (error) {
      // The program must not stay down for its log: this run's output goes through the host.
      this.log.host(`cannot give the log file to the program (${(error as Error).message}): its output goes through the host for this run`);
      return this.copiedOutput();
    }
    return {
      direct: { stdout: target.stdout, stderr: target.stderr },
      end: () => {
        if (target.stderrFile === null) return;
        for (const line of readOutputTail(target.stderrFile.file, target.stderrFile.offset)) this.stderrTail.push(line);
      },
    };
  }

  /**
   * Restarts the running program through the graceful stop, `reason` going to the log and the
   * event log (host-events.ts), and it starts again at once: the program's own request. (A check
   * of the host's that finds it unwell, the health check or the memory limit, recycles it instead:
   * supervisor.recycle, where the exit counts as a failure and the backoff applies.) When the
   * program is not running (a backoff, a stop or a restart under way) nothing happens but a log
   * line naming `what` was ignored.
   */
  restartProgram(reason: RestartReason, what = 'restart'): void {
    if (this.supervisor?.restart(reason) === false) this.log.host(`${what} ignored: the program is ${this.supervisor.currentState}`);
  }

  /**
   * Fails the start, the one way a start fails: the event log says why, and the service stops
   * with the failure's exit code. Before supervision (a setup problem, a failed pre-start command)
   * it stops now, answering the control `seq` (0: not tied to one); a program that runs already
   * (it never reported ready) is stopped first, and the stop sequence then reports STOPPED.
   */
  private failStart(seq: number, failure: StartFailure): void {
    this.startFailure = failure;
    this.eventLog.report('start-failed', 'error', failure.why);
    if (this.supervisor) {
      void this.supervisor.stop();
      return;
    }
    this.status.outcome = { reason: 'failed', serviceCode: failure.exit.serviceCode ?? 0, lastExit: null };
    this.status.state = 'stopped';
    this.status.publish();
    this.reportStopped(seq, failure.exit);
  }

  // --- stop sequence ---

  /** A stop control (stop, preshutdown, shutdown; Ctrl+C in debug mode): the program is asked to exit. */
  private requestStop(seq: number): void {
    const { preStop, hookTimeout, stopTimeout } = this.settings;
    const supervisor = this.supervisor;
    // The pre-stop command first, once, and only for a program that runs (not in a backoff).
    const withPreStop = preStop !== null && this.preStop === 'not-yet' && supervisor?.currentState === 'running';
    // The SCM sees STOP_PENDING with advancing checkpoints until the program is gone.
    updateServiceStatus(this.service, seq, 'stop_pending', { waitHint: waitHintFor(stopTimeout + (withPreStop || this.preStop === 'running' ? hookTimeout : 0)) });
    this.stopRequested = true;
    if (!supervisor) {
      this.reportStopped(0, {});
      return;
    }
    // A second stop while the pre-stop command runs: the stop follows it anyway.
    if (this.preStop === 'running') return;
    if (!withPreStop) {
      void supervisor.stop();
      return;
    }
    this.preStop = 'running';
    void runServiceHook('pre-stop', preStop, this.service, this.settings, this.log).then(() => {
      this.preStop = 'done';
      void supervisor.stop();
    });
  }

  /** Supervision ended, however it ended: the post-stop command, then the final STOPPED. */
  private async finishService(result: SupervisorOutcome): Promise<void> {
    this.readiness.settle();
    if (this.settings.postStop !== null) {
      updateServiceStatus(this.service, 0, 'stop_pending', { waitHint: waitHintFor(this.settings.hookTimeout) });
      await runServiceHook('post-stop', this.settings.postStop, this.service, this.settings, this.log);
    }
    const { serviceCode } = result;
    // Once the program runs, only the readiness timeout fails the start.
    const failure = this.startFailure;
    const code = serviceCode ? `, service-specific exit code ${exitCodeText(serviceCode)}` : '';
    this.log.host(`service stopped (${failure ? 'the program never reported ready' : result.reason}${code})`);
    this.eventLog.report('stopped', serviceCode || failure ? 'error' : 'information', `service stopped (${result.reason}${code})`);
    this.reportStopped(0, failure ? failure.exit : serviceCode ? { serviceCode } : {});
  }

  /** The final STOPPED (answering the control `seq`; 0: none); a shared host then closes the run. */
  private reportStopped(seq: number, exit: Pick<UpdateStatusOptions, 'exitCode' | 'serviceCode'>): void {
    updateServiceStatus(this.service, seq, 'stopped', exit);
    this.shared?.stopped();
  }
}
