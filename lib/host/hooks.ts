// Commands the host runs around the program, as WinSW's prestart/poststop and NSSM's AppEvents:
// `preStart` before the program's first start (a failure fails the service's start, so a
// migration or a check can keep a broken version from running) and `postStop` after the program
// has stopped for good (cleanup). Each runs with the program's working directory and environment,
// its output goes to the service log with a prefix, and it is terminated at the hook timeout.
import { spawn } from 'node:child_process';
import { quoteCommandLine } from '../command-line';
import { programEnvironment } from './environment';
import type { HostLog } from './host-log';
import { LineSplitter } from './log-writer';
import type { HostSettings } from './settings';

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

/**
 * Runs the pre-start or post-stop command of `service` as the host does: announced in the log,
 * its output there prefixed `[pre-start] ` or `[post-stop] `, its end accounted for.
 */
export async function runServiceHook(which: 'pre-start' | 'post-stop', command: readonly string[], service: string, settings: HostSettings, log: HostLog): Promise<HookResult> {
  log.host(`running the ${which} command: ${quoteCommandLine(command)}`);
  const result = await runHook(command, {
    cwd: settings.cwd,
    env: programEnvironment(process.env, settings, service),
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
