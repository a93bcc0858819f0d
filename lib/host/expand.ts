// %NAME% expansion, with the rules of Windows' ExpandEnvironmentStrings (what REG_EXPAND_SZ values,
// service image paths and NSSM's AppEnvironmentExtra get), done in TypeScript on the environment the
// host builds for the program rather than on the host's own:
// - a name is looked up without regard to case (Windows variable names are case-insensitive);
// - `%NAME%` of a defined variable becomes its value, once: the value is not expanded again;
// - `%NAME%` of an undefined one stays as it is, and its closing `%` may open the next reference
//   (`%UNDEFINED%PATH%` keeps `%UNDEFINED` and expands `%PATH%`), as ExpandEnvironmentStrings does;
// - a `%` without a closing one stays, and so does `%%` (an empty name is never defined).
// There is no escape, as in REG_EXPAND_SZ: a `%` is literal unless it starts a defined `%NAME%`.

/** Looks a variable up: its value, or undefined when it is not defined. */
export type VariableLookup = (name: string) => string | undefined;

/** A case-insensitive lookup in `env` (the last spelling of a name wins, as Windows keeps one). */
export function lookupIn(env: Readonly<Record<string, string | undefined>>): VariableLookup {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) if (value !== undefined) byName.set(name.toLowerCase(), value);
  return (name) => byName.get(name.toLowerCase());
}

/** `text` with each `%NAME%` of a defined variable replaced by its value (ExpandEnvironmentStrings' rules). */
export function expandVariables(text: string, lookup: VariableLookup): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('%', i);
    if (open < 0) return out + text.slice(i);
    out += text.slice(i, open);
    const close = text.indexOf('%', open + 1);
    if (close < 0) return out + text.slice(open);
    const name = text.slice(open + 1, close);
    const value = name === '' ? undefined : lookup(name);
    if (value === undefined) {
      // Kept as written; the closing `%` is looked at again as an opening one.
      out += text.slice(open, close);
      i = close;
    } else {
      out += value;
      i = close + 1;
    }
  }
  return out;
}
