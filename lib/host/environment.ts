// The environment a hosted program starts with: the host's (the SCM's system environment), minus
// the variables `envUnset` names, plus `env`, with `pathPrepend` folders put before PATH, and
// SCM_NATIVE_SERVICE naming the service. Windows variable names are case-insensitive, and a
// process environment may spell one name in two cases after merging: this keeps one of each.

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

/** The program's environment, built from the host's `base` (pure: no process.env read here). */
export function programEnvironment(base: Readonly<Record<string, string | undefined>>, settings: EnvironmentSettings, service: string): Record<string, string> {
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
  for (const [name, value] of Object.entries(settings.env)) set(name, value);
  if (settings.pathPrepend.length > 0) {
    const pathKey = keyOf(out, 'PATH');
    const current = pathKey === undefined ? '' : out[pathKey] ?? '';
    set('Path', [...settings.pathPrepend, ...(current ? [current] : [])].join(';'));
  }
  set(SERVICE_ENV, service);
  return out;
}
