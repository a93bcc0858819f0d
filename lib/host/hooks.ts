// Commands the host runs around the program, as WinSW's prestart/poststart/prestop/poststop and
// NSSM's AppEvents, once per start or stop of the service (never around the restarts in between):
// - `preStart` before the program's first start: a failure fails the service's start, so a
//   migration or a check can keep a broken version from running;
// - `postStart` once the service is RUNNING (after the ready message with readyTimeout): a failure
//   is logged and reported, and the program keeps running. Unlike systemd's ExecStartPost, which
//   fails the unit, a healthy program is not killed for a notification or a registration that did
//   not go through; make the program report ready (readyTimeout) to gate the start on a check;
// - `preStop` when the service is told to stop, before the program is asked to (drain a load
//   balancer, deregister): a failure is logged and the stop goes on;
// - `postStop` after the program has stopped for good (cleanup).
// Each runs with the program's working directory and environment (environment file included), its
// arguments %NAME%-expanded in it, its output in the service log with a prefix, and it is
// terminated at the hook timeout. A hook still running when the program exits is ended with the
// program's process tree (it is in the host's job).
import { spawn } from 'node:child_process';
import { quoteCommandLine } from '../command-line';
import type { HostLog } from './host-log';
import { LineSplitter } from './log-writer';
import type { HostSettings } from './settings';
import { expandedCommand, startEnvironment } from './start-environment';

/** The service-specific exit code of a pre-start command that could not run or timed out. */
export const HOOK_FAILURE = 3;
import { batchCommand, isBatchFile } from './batch';

export interface HookContext {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** One line of the hook's output. */
  output(line: string): void;
}

/** How a hook ended: its exit code (null: it could not run, or was terminated at the timeout). */
export interface HookResult {
  code: number | null;
  timedOut: boolean;
  error?: string;
}

/** Runs `argv` ([file, ...args]) to its end, or terminates it at the timeout. Never rejects. */
export function runHook(argv: readonly string[], ctx: HookContext): Promise<HookResult> {
  const [command, ...rest] = argv as [string, ...string[]];
  // A batch file runs through the system's cmd.exe (Node refuses to spawn one directly), its
  // arguments escaped as the host escapes a `.cmd` program's (lib/host/batch.ts).
  const batch = isBatchFile(command);
  let file = command;
  let args = rest;
  if (batch) {
    try {
      ({ file, args } = batchCommand(command, rest, { what: 'the hook command', first: 1 }));
    } catch (error) {
      return Promise.resolve({ code: null, timedOut: false, error: (error as Error).message });
    }
  }
  return new Promise((resolve) => {
    const lines = new LineSplitter((line) => ctx.output(line));
    let timedOut = false;
    let spawnError: string | undefined;
    const child = spawn(file, args, { cwd: ctx.cwd, env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, windowsVerbatimArguments: batch });
    child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, ctx.timeoutMs);
    child.on('error', (error) => {
      spawnError = error.message;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      lines.flush();
      resolve({ code: timedOut || spawnError !== undefined ? null : code, timedOut, ...(spawnError !== undefined ? { error: spawnError } : {}) });
    });
  });
}

/** The one-line account of a hook's end for the log. */
export function describeHookResult(what: string, result: HookResult, timeoutMs: number): string {
  if (result.timedOut) return `${what} did not finish within ${(timeoutMs / 1000).toFixed(1)} s: terminated`;
  if (result.error !== undefined) return `${what} could not run: ${result.error}`;
  return `${what} exited with code ${result.code}`;
}

/** The hooks, as the log names them. */
export type HookName = 'pre-start' | 'post-start' | 'pre-stop' | 'post-stop';

/**
 * Runs a hook command of `service` as the host does: announced in the log, its output there
 * prefixed `[pre-start] ` (and so on), its end accounted for. An environment file that cannot be
 * read is a hook that could not run.
 */
export async function runServiceHook(which: HookName, command: readonly string[], service: string, settings: HostSettings, log: HostLog): Promise<HookResult> {
  let start;
  try {
    start = startEnvironment(settings, service);
  } catch (error) {
    const result: HookResult = { code: null, timedOut: false, error: (error as Error).message };
    log.host(describeHookResult(`the ${which} command`, result, settings.hookTimeout));
    return result;
  }
  const argv = expandedCommand(command, start);
  log.host(`running the ${which} command: ${quoteCommandLine(argv)}`);
  const result = await runHook(argv, {
    cwd: settings.cwd,
    env: start.env,
    timeoutMs: settings.hookTimeout,
    output: (line) => log.stdout(`[${which}] ${line}`),
  });
  log.host(describeHookResult(`the ${which} command`, result, settings.hookTimeout));
  return result;
}

/**
 * The service-specific exit code a pre-start command's end gives the service: 0 when it
 * succeeded, else its exit code (unsigned 32-bit), or {@link HOOK_FAILURE} when it has none (it
 * could not run or timed out).
 */
export function preStartExitCode(result: HookResult): number {
  if (result.code === 0) return 0;
  return result.code === null ? HOOK_FAILURE : result.code >>> 0 || HOOK_FAILURE;
}
