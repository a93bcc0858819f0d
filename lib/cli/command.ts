// One command of the `scm-native` CLI, and what the commands share.
import { quoteCommandLine } from '../command-line';
import { UsageError } from './args';
import type { OptionSpec, ParsedArgs } from './args';
import type { Io } from './output';

export interface Command {
  summary: string;
  usage: string;
  options: Record<string, OptionSpec>;
  /** Command lines help shows at the end, a few typical uses. */
  examples?: readonly string[];
  /** Takes the program and its arguments after `--` (install, update). */
  takesRest?: boolean;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

/** The one positional argument (the service's name). */
export function one(args: ParsedArgs, command: string, what = 'name'): string {
  if (args.positionals.length === 0) throw new UsageError(`missing <${what}>`, command);
  if (args.positionals.length > 1) throw new UsageError(`too many arguments (put the program and its arguments after '--')`, command);
  return args.positionals[0] as string;
}

/** A program and its arguments as one command line. */
export function programLine(program: string, args: readonly string[]): string {
  return quoteCommandLine([program, ...args]);
}
