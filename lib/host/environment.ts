// The environment a hosted program starts with, built in this order (each step can refer to the
// variables of the steps before it with %NAME%, expand.ts):
// 1. the host's (the SCM's system environment), minus the variables `envUnset` names, plus
//    SCM_NATIVE_SERVICE naming the service;
// 2. the environment file's lines (`envFile`, env-file.ts), in file order: a line sees the machine's
//    variables and the lines above it (`PATH=%PATH%;C:\app` extends PATH);
// 3. the explicit values (`env`): each sees steps 1 and 2 (never another `env` value: a table has no
//    order a reader can rely on), and wins over both;
// 4. `pathPrepend` folders put before PATH (not expanded: they are checked for writers as written),
//    and SCM_NATIVE_SERVICE again, which nothing overrides.
// Windows variable names are case-insensitive, and a process environment may spell one name in two
// cases after merging: this keeps one of each.
import { expandVariables, lookupIn } from './expand';

/** The environment variable naming the service, set for the program. */
export const SERVICE_ENV = 'SCM_NATIVE_SERVICE';

export interface EnvironmentSettings {
  env: Readonly<Record<string, string>>;
  envUnset: readonly string[];
  pathPrepend: readonly string[];
}

/** Looks up `name` in `env` case-insensitively: the key as spelt there, or undefined. */
function keyOf(env: Record<string, string | undefined>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(env).find((key) => key.toLowerCase() === lower);
}

/**
 * The program's environment, built from the host's `base` and the environment file's entries
 * `fileEntries` (pure: no process.env or file read here).
 */
export function programEnvironment(
  base: Readonly<Record<string, string | undefined>>, settings: EnvironmentSettings, service: string,
  fileEntries: readonly { name: string; value: string }[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (name: string, value: string) => {
    const existing = keyOf(out, name);
    if (existing !== undefined) delete out[existing];
    out[existing ?? name] = value;
  };
  for (const [name, value] of Object.entries(base)) if (value !== undefined) set(name, value);
  for (const name of settings.envUnset) {
    const existing = keyOf(out, name);
    if (existing !== undefined) delete out[existing];
  }
  set(SERVICE_ENV, service);
  for (const { name, value } of fileEntries) set(name, expandVariables(value, lookupIn(out)));
  set(SERVICE_ENV, service);
  const beforeEnv = lookupIn(out);
  for (const [name, value] of Object.entries(settings.env)) set(name, expandVariables(value, beforeEnv));
  if (settings.pathPrepend.length > 0) {
    const pathKey = keyOf(out, 'PATH');
    const current = pathKey === undefined ? '' : out[pathKey] ?? '';
    set('Path', [...settings.pathPrepend, ...(current ? [current] : [])].join(';'));
  }
  set(SERVICE_ENV, service);
  return out;
}
