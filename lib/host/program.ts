// Starting the supervised program as a child process, with its output piped to the host, and
// stopping it: a graceful request first (IPC message for Node, a console control event for other
// console programs), then termination of its whole process tree (the host's job object).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { native } from '../native/binding';
import { HELPER_FAILED, HELPER_HAS_CONSOLE } from './console-ctrl-helper';
import { READY_MESSAGE, RESTART_MESSAGE } from './program-messages';
import { programCommand } from './settings';
import type { HostSettings, PriorityClass } from './settings';
import { startEnvironment, withExpandedArgs } from './start-environment';
import type { StartEnvironment } from './start-environment';
import { runStopCommand } from './stop-command';
import type { ProgramExit, RunningProgram } from './supervisor';

/** The IPC message a Node program gets when the service stops. */
export const STOP_MESSAGE = { type: 'scm-native:stop' } as const;
/** How long the output of an exited program is waited for when something else holds its pipes. */
const OUTPUT_DRAIN_MS = 2000;

/** The program's output through pipes: the host gets each chunk. */
export interface PipedOutput {
  direct?: undefined;
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** End of both streams. */
  end(): void;
}

/**
 * The program writes its output itself (log.direct): to an open file's descriptor, whose handle
 * the child inherits, or to the host's console. No pipes exist; `end` is called as it exits.
 */
export interface DirectOutput {
  direct: { stdout: number | 'inherit'; stderr: number | 'inherit' };
  end(): void;
}

export type ProgramOutput = PipedOutput | DirectOutput;

export interface LaunchContext {
  service: string;
  settings: HostSettings;
  /** Whether the host is in a kill-on-close job (set by {@link enterJob}). */
  inJob: boolean;
  /**
   * A shared host (host group): the host is in no job of its own, so with `killTree` each run of
   * the program gets a kill-on-close job of its own ({@link ProgramJob}).
   */
  ownJob?: boolean;
  output: ProgramOutput;
  /** Host-side problems worth a log line (a failed stop request...). */
  note(message: string): void;
  /** A line of the stop command's output (default: a host line). */
  hookOutput?(line: string): void;
  /** Arguments of the service's start, appended to the program's (`passStartArgs`). */
  startArgs?: readonly string[];
  /** The program sent {@link READY_MESSAGE}. */
  ready?(): void;
  /** The program sent {@link RESTART_MESSAGE}. */
  restart?(): void;
}

/**
 * Puts the host in its kill-on-close job (Windows); false when it could not. Without
 * `allowBreakaway` no process of the job can leave it: a program's CREATE_BREAKAWAY_FROM_JOB then
 * fails with ERROR_ACCESS_DENIED, and a job nested in it that allows breakaway (libuv puts every
 * child Node spawns in one with JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK) lets its processes leave
 * only that inner job, never the host's.
 */
export function enterJob(note: (message: string) => void, allowBreakaway = false): boolean {
  if (process.platform !== 'win32') return false;
  try {
    native().enterKillOnCloseJob(allowBreakaway);
    return true;
  } catch (error) {
    note(`could not create the job object, so the program's child processes may outlive it: ${(error as Error).message}`);
    return false;
  }
}

/** Terminates every process in the host's job but the host. */
export function killJobProcesses(): number {
  try {
    return native().terminateJobProcesses(1);
  } catch {
    return 0;
  }
}

/**
 * The job of one run of a program in a shared host: the host serves several services, so it
 * cannot be in each one's job; instead the program is put in a kill-on-close job of its own right
 * after it starts (Node cannot start it suspended: a process it starts in its first moments, before
 * the assignment, is not in the job). Its children are in the job from then on; ending the job
 * ends the program's tree and nothing of another service. Wraps CreateJobObjectW and
 * AssignProcessToJobObject (nested in libuv's job, Windows 8+).
 */
export class ProgramJob {
  private constructor(private id: number | null) {}

  /** The job of `pid`, or a job that does nothing when it could not be made (noted). */
  static create(pid: number, allowBreakaway: boolean, note: (message: string) => void): ProgramJob {
    try {
      return new ProgramJob(native().createProgramJob(pid, allowBreakaway));
    } catch (error) {
      note(`could not put the program in a job object of its own, so its child processes may outlive it: ${(error as Error).message}`);
      return new ProgramJob(null);
    }
  }

  get active(): boolean {
    return this.id !== null;
  }

  /** Terminates every process in the job; how many. */
  terminate(): number {
    if (this.id === null) return 0;
    try {
      return native().terminateProgramJob(this.id, 1);
    } catch {
      return 0;
    }
  }

  /** Ends what is left in the job and closes it. */
  close(): void {
    if (this.id === null) return;
    this.terminate();
    native().closeProgramJob(this.id);
    this.id = null;
  }
}

/**
 * The os.setPriority value of each class. On Windows libuv maps these nice values back to exactly
 * these priority classes (SetPriorityClass): LOW is IDLE_PRIORITY_CLASS, HIGHEST is REALTIME.
 */
export const PRIORITY_VALUES: Readonly<Record<PriorityClass, number>> = {
  idle: os.constants.priority.PRIORITY_LOW,
  below_normal: os.constants.priority.PRIORITY_BELOW_NORMAL,
  normal: os.constants.priority.PRIORITY_NORMAL,
  above_normal: os.constants.priority.PRIORITY_ABOVE_NORMAL,
  high: os.constants.priority.PRIORITY_HIGH,
  realtime: os.constants.priority.PRIORITY_HIGHEST,
};

/**
 * Gives the started program its priority class. Set even for `normal`, because a child inherits
 * an idle or below-normal class from its parent. Node cannot start a process suspended, so its
 * first moments run at the inherited class. A failure is noted; the program runs on regardless.
 */
export function applyPriority(pid: number, priority: PriorityClass, note: (message: string) => void): void {
  try {
    os.setPriority(pid, PRIORITY_VALUES[priority]);
  } catch (error) {
    note(`could not set the program's priority class to ${priority}: ${(error as Error).message}`);
  }
}

/**
 * Restricts the started program to the processors `cpus` (null: all, nothing done). Like the
 * priority, set right after the start (its child processes inherit it from then on). A failure
 * is noted; the program runs on regardless. Wraps SetProcessAffinityMask.
 */
export function applyAffinity(pid: number, cpus: readonly number[] | null, note: (message: string) => void): void {
  if (cpus === null) return;
  try {
    native().setProcessAffinity(pid, [...cpus]);
  } catch (error) {
    note(`could not restrict the program to processors ${cpus.join(',')}: ${(error as Error).message}`);
  }
}

/** The helper that sends a console control event (console-ctrl-helper.ts, next to this file). */
const CONSOLE_CTRL_HELPER = path.join(__dirname, 'console-ctrl-helper.js');

/**
 * Sends Ctrl+C or Ctrl+Break to the console of the program `pid` from a helper process, never from
 * the host: attaching to the program's console leaves the sender ignoring Ctrl+C, and every program
 * the host started afterwards would inherit that; and the host in debug mode has a console (the
 * terminal) and cannot attach to another. The helper starts like the program (a hidden console of
 * its own), leaves that console and attaches to the program's. Not `detached`: Node adds
 * CREATE_NEW_PROCESS_GROUP to it, and under Wine 8 a Ctrl+C generated by such a process reached
 * no one (docs/wine.md). The helper is in the host's job like any child. What went wrong is noted
 * when the helper says so.
 */
export function sendConsoleCtrlFromHelper(pid: number, method: 'ctrl-c' | 'ctrl-break', note: (message: string) => void): void {
  let helper: ChildProcess;
  try {
    helper = spawn(process.execPath, [CONSOLE_CTRL_HELPER, String(pid), method === 'ctrl-c' ? '0' : '1'], {
      stdio: ['ignore', 'ignore', 'pipe'], windowsHide: true,
    });
  } catch (error) {
    note(`could not send ${method} to the program: the helper did not start: ${(error as Error).message}`);
    return;
  }
  let stderr = '';
  helper.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  helper.on('error', (error) => note(`could not send ${method} to the program: the helper did not start: ${error.message}`));
  helper.on('close', (code) => {
    if (code === HELPER_FAILED) note(`could not send ${method} to the program: ${stderr.trim()}`);
    else if (code === HELPER_HAS_CONSOLE) note(`could not send ${method} to the program: the helper could not leave its own console`);
    // Anything else: sent (0), or the helper was ended with the program's process tree meanwhile.
  });
}

/**
 * A start that failed before any process: the environment file cannot be read, or an expanded
 * argument cannot pass through cmd.exe. The supervisor sees a run that could not start (as a
 * missing program), so the restart policy and the give-up apply, and the log says why.
 */
function notStarted(ctx: LaunchContext, why: string): RunningProgram {
  ctx.note(`the program cannot start: ${why}`);
  ctx.output.end();
  return { pid: undefined, exited: Promise.resolve({ code: null, error: why }), requestStop() {}, kill() {} };
}

/** Passes the program's output chunks on, and calls `end` once both pipes have closed. */
function readPipes(child: ChildProcess, output: PipedOutput): void {
  let streams = 2;
  const streamDone = () => {
    streams -= 1;
    if (streams === 0) output.end();
  };
  const pipes = [[child.stdout, (chunk: Buffer) => output.stdout(chunk)], [child.stderr, (chunk: Buffer) => output.stderr(chunk)]] as const;
  for (const [stream, pass] of pipes) {
    if (!stream) {
      streamDone();
      continue;
    }
    stream.on('data', pass);
    stream.on('close', streamDone);
  }
}

/** Starts the program once. */
export function launchProgram(ctx: LaunchContext): RunningProgram {
  const { settings } = ctx;
  let start: StartEnvironment;
  let command: { file: string; args: string[] };
  try {
    // Read again at each start: an edited environment file applies at the next (re)start.
    start = startEnvironment(settings, ctx.service);
    command = programCommand(withExpandedArgs(settings, start), ctx.startArgs);
  } catch (error) {
    return notStarted(ctx, (error as Error).message);
  }
  const { file, args } = command;
  const { env } = start;
  const ipc = settings.kind === 'node' && (settings.stopMethod === 'ipc' || settings.readyTimeout > 0);
  const { output } = ctx;
  const { direct } = output;
  let exitedYet = false;
  const child: ChildProcess = spawn(file, args, {
    cwd: settings.cwd,
    env,
    stdio: ['ignore', direct?.stdout ?? 'pipe', direct?.stderr ?? 'pipe', ...(ipc ? ['ipc' as const] : [])],
    windowsHide: true,
    windowsVerbatimArguments: settings.kind === 'cmd',
  });
  const job = ctx.ownJob && settings.killTree && child.pid !== undefined && process.platform === 'win32'
    ? ProgramJob.create(child.pid, settings.allowJobBreakaway, ctx.note) : null;
  if (child.pid !== undefined) {
    applyPriority(child.pid, settings.priority, ctx.note);
    applyAffinity(child.pid, settings.affinity, ctx.note);
  }
  child.on('message', (message: unknown) => {
    const type = (message as { type?: unknown } | null)?.type;
    if (type === READY_MESSAGE.type) ctx.ready?.();
    else if (type === RESTART_MESSAGE.type) ctx.restart?.();
  });
  // Piped output ends when both pipes have closed; direct output as the program exits (below).
  if (!output.direct) readPipes(child, output);

  const exited = new Promise<ProgramExit>((resolve) => {
    let spawnError: Error | null = null;
    let done = false;
    let outputClosed = false;
    let exitSeen: ProgramExit | null = null;
    const finish = (exit: ProgramExit) => {
      if (done) return;
      done = true;
      resolve(exit);
    };
    child.on('error', (error) => {
      spawnError = error;
      // A spawn failure emits no 'exit' (only 'close').
      if (child.pid === undefined) finish({ code: null, error: error.message });
    });
    // 'close': the program has exited and its output pipes are drained.
    child.on('close', () => {
      outputClosed = true;
      if (exitSeen) finish(exitSeen);
    });
    child.on('exit', (code, signal) => {
      exitedYet = true;
      const exit: ProgramExit = { code: code ?? (signal ? 1 : null) };
      if (signal) exit.error = `terminated (${signal})`;
      else if (spawnError) exit.error = (spawnError as Error).message;
      exitSeen = exit;
      if (direct) output.end();
      // What the program left behind in the job (grandchildren) goes with it; that also closes
      // the output pipes they inherited.
      if (ctx.inJob && settings.killTree) killJobProcesses();
      job?.close();
      if (outputClosed) finish(exit);
      // A process outside the job (--no-kill-tree) may hold the pipes open: don't wait for it.
      else setTimeout(() => finish(exit), OUTPUT_DRAIN_MS).unref();
    });
  });

  return {
    pid: child.pid,
    exited,
    requestStop() {
      switch (settings.stopMethod) {
        case 'ipc':
          if (child.connected) child.send(STOP_MESSAGE, (error) => { if (error) ctx.note(`the stop message could not be sent: ${error.message}`); });
          else ctx.note('the program has no IPC channel open; it will be terminated at the stop timeout');
          return;
        case 'ctrl-c':
        case 'ctrl-break':
          if (child.pid !== undefined) sendConsoleCtrlFromHelper(child.pid, settings.stopMethod, ctx.note);
          return;
        case 'command':
          if (settings.stopCommand === null) ctx.note('no stop command is set; the program will be terminated at the stop timeout');
          else {
            runStopCommand(settings.stopCommand, {
              cwd: settings.cwd, start, timeoutMs: settings.stopTimeout, note: ctx.note,
              output: ctx.hookOutput ?? ctx.note, programExited: () => exitedYet,
            });
          }
          return;
        case 'kill':
          this.kill();
          return;
        default:
          return;
      }
    },
    kill() {
      if (ctx.inJob && settings.killTree) {
        if (killJobProcesses() > 0) return;
      }
      if (job?.active && job.terminate() > 0) return;
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}
