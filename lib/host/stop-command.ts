// Stop method `command`: the host asks the program to stop by running a command of the program's own
// (`nginx -s quit`, `pg_ctl stop -D <dir> -m fast`, `apachectl -k graceful-stop`), as the program's
// documentation says it should be stopped. The command runs with the program's working directory
// and environment (a .cmd/.bat through cmd.exe, escaped as hooks are: hooks.ts). What follows is the
// supervisor's usual stop: the program has `stopTimeout` from the request to exit, then its process
// tree is terminated, whether the command succeeded, failed, or still runs (it is terminated too:
// it is bounded by the same timeout, and it is in the host's job).
import { quoteCommandLine } from '../command-line';
import { describeHookResult, runHook } from './hooks';
import { expandedCommand } from './start-environment';
import type { StartEnvironment } from './start-environment';

export interface StopCommandContext {
  cwd: string;
  start: StartEnvironment;
  /** The stop timeout: the command is terminated then, as the program is. */
  timeoutMs: number;
  /** A host line in the log. */
  note(message: string): void;
  /** One line of the command's output (the log, prefixed `[stop-command] `). */
  output(line: string): void;
  /** Whether the program has exited meanwhile (the command's end then matters little). */
  programExited(): boolean;
}

/** Runs the stop command `command` once, logging what it did; never throws or rejects. */
export function runStopCommand(command: readonly string[], ctx: StopCommandContext): void {
  const argv = expandedCommand(command, ctx.start);
  ctx.note(`asking the program to stop: running the stop command ${quoteCommandLine(argv)}`);
  void runHook(argv, {
    cwd: ctx.cwd, env: ctx.start.env, timeoutMs: Math.max(1, ctx.timeoutMs), output: (line) => ctx.output(`[stop-command] ${line}`),
  }).then((result) => {
    const how = describeHookResult('the stop command', result, ctx.timeoutMs);
    if (result.code === 0) ctx.note(`${how}${ctx.programExited() ? '' : '; waiting for the program to exit'}`);
    else if (ctx.programExited()) ctx.note(`${how} (the program had exited by then)`);
    else ctx.note(`${how}; the program's process tree is terminated at the stop timeout unless it exits before`);
  });
}
