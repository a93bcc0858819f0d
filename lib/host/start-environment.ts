// What each start of the program (and each hook or stop command) gets, worked out at that moment:
// the environment (the system's, the environment file read again, `env`; environment.ts says the
// order) and %NAME% expansion of the arguments with that environment (expand.ts). Paths are never
// expanded (program, interpreter, working folder, hook and stop-command files, environment file,
// pid file, log folder): install checks them for writers as written, and a path that moved with a
// variable would escape that check. Start arguments (`sc start <name> a b`) are not expanded either:
// they come from whoever may start the service, who should not read the service's variables.
import { readEnvFile } from './env-file';
import { programEnvironment } from './environment';
import { expandVariables, lookupIn } from './expand';
import type { HostSettings } from './settings-types';

/** The environment of one start and the expansion that goes with it. */
export interface StartEnvironment {
  env: Record<string, string>;
  /** `text` with %NAME% expanded in {@link env}. */
  expand(text: string): string;
}

/**
 * The environment for a start of `service`'s program, from the host's `base`: reads the environment
 * file (an Error naming it when it is missing, unreadable or malformed).
 */
export function startEnvironment(settings: HostSettings, service: string, base: Readonly<Record<string, string | undefined>> = process.env): StartEnvironment {
  const entries = settings.envFile === null ? [] : readEnvFile(settings.envFile);
  const env = programEnvironment(base, settings, service, entries);
  const lookup = lookupIn(env);
  return { env, expand: (text) => expandVariables(text, lookup) };
}

/** The settings with the program's and the interpreter's arguments expanded (before any cmd.exe escaping). */
export function withExpandedArgs(settings: HostSettings, start: StartEnvironment): HostSettings {
  return { ...settings, args: settings.args.map(start.expand), interpreterArgs: settings.interpreterArgs.map(start.expand) };
}

/** A hook or stop command with its arguments expanded; the file itself stays as written. */
export function expandedCommand(argv: readonly string[], start: StartEnvironment): string[] {
  const [file, ...args] = argv as [string, ...string[]];
  return [file, ...args.map(start.expand)];
}
