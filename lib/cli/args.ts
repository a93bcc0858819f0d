// A small command-line parser: `command [positionals] [--options] [-- rest...]`, with options
// declared per command. `--name value` and `--name=value`; booleans take no value and have a
// `--no-name` form; list options repeat. Values are never echoed in errors (one may be a password).
import { didYouMean } from '../did-you-mean';
import { durationMs, MAX_DURATION_MS, sizeBytes } from '../units';

export type OptionType = 'string' | 'boolean' | 'list';

export interface OptionSpec {
  type: OptionType;
  /** Placeholder for help text. */
  value?: string;
  help: string;
  /** Short alias without the dash (`-v`). */
  alias?: string;
  /** The heading help lists it under (a key of HELP_GROUPS in help.ts); none: with the command's own options. */
  group?: string;
  /**
   * A boolean flag that must never be given a value (`--password`): `--flag=x`, or `--flag x`
   * where x is not another option, is a usage error with this message. The value is not echoed.
   */
  refusesValue?: string;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | boolean | string[]>;
  /** What followed `--` (null when there was no `--`). */
  rest: string[] | null;
}

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(argv: readonly string[], specs: Record<string, OptionSpec>, command?: string): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: {}, rest: null };
  const aliases = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.alias) aliases.set(spec.alias, name);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.rest = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const alias = aliases.get(arg.slice(1));
      if (!alias) throw new UsageError(`unknown option ${arg}`, command);
      name = alias;
    }
    let spec = specs[name];
    let negated = false;
    if (!spec && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean') {
      spec = specs[name.slice(3)];
      name = name.slice(3);
      negated = true;
    }
    if (!spec) throw new UsageError(`unknown option --${name}${didYouMean(name, optionNames(specs, name), (n) => `--${n}`)}`, command);
    if (spec.type === 'boolean' && spec.refusesValue !== undefined) {
      const next = argv[i + 1];
      if (inline !== undefined || (next !== undefined && next !== '--' && !isOption(next, specs, aliases))) throw new UsageError(spec.refusesValue, command);
      out.options[name] = !negated;
      continue;
    }
    if (spec.type === 'boolean') {
      if (inline !== undefined) {
        if (!/^(true|false|yes|no|1|0)$/i.test(inline)) throw new UsageError(`--${name} takes no value (or true/false)`, command);
        out.options[name] = /^(true|yes|1)$/i.test(inline) !== negated;
      } else {
        out.options[name] = !negated;
      }
      continue;
    }
    if (negated) throw new UsageError(`unknown option --no-${name}`, command);
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length || argv[i + 1] === '--') throw new UsageError(`--${name} needs a value`, command);
      value = argv[++i] as string;
    }
    if (spec.type === 'list') out.options[name] = [...((out.options[name] as string[] | undefined) ?? []), value];
    else out.options[name] = value;
  }
  return out;
}

/** The option names a mistyped `--name` is compared with: `no-` forms of booleans only for a name that starts with `no-`. */
function optionNames(specs: Record<string, OptionSpec>, typed: string): string[] {
  const names = Object.keys(specs);
  if (!typed.startsWith('no-')) return names;
  return [...names, ...names.filter((n) => specs[n]?.type === 'boolean' && !n.startsWith('no-')).map((n) => `no-${n}`)];
}

/** Whether `word` is one of the declared options (`--name`, `--name=x`, `--no-name`, `-a`). */
function isOption(word: string, specs: Record<string, OptionSpec>, aliases: ReadonlyMap<string, string>): boolean {
  if (!word.startsWith('-') || word === '-') return false;
  if (!word.startsWith('--')) return aliases.has(word.slice(1));
  const eq = word.indexOf('=');
  const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
  return specs[name] !== undefined || (name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean');
}

/** `500ms`, `5s`, `2m`, `1h`, or a bare number of seconds -> milliseconds. */
export function parseDuration(text: string, what: string): number {
  const exact = durationMs(text, { bareSeconds: true });
  if (exact === null) throw new UsageError(`${what} must be a duration such as 500ms, 5s, 2m or 1h`);
  const ms = Math.round(exact);
  if (ms > MAX_DURATION_MS) throw new UsageError(`${what} is too long`);
  return ms;
}

/** `3,4, 78` -> exit codes (0 to 0xFFFFFFFF, decimal or 0x hex); '' -> none. */
export function parseExitCodes(text: string, what: string): number[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const item = part.trim();
    const n = /^\d+$/.test(item) ? Number(item) : /^0x[0-9a-f]{1,8}$/i.test(item) ? Number.parseInt(item, 16) : NaN;
    if (!(n >= 0 && n <= 0xffffffff)) throw new UsageError(`${what} must be exit codes separated by commas (such as 3,78 or 0xC0000005); got '${item}'`);
    return n;
  });
}

/** `512k`, `10M`, `1G` (binary multiples), or bytes -> bytes. */
export function parseSize(text: string, what: string): number {
  const bytes = sizeBytes(text);
  if (bytes === null) throw new UsageError(`${what} must be a size such as 512K, 10M or 1G`);
  return bytes;
}

/** A non-negative integer option. */
export function parseCount(text: string, what: string, max = 0x7fffffff): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${what} must be a whole number`);
  const n = Number(text);
  if (n > max) throw new UsageError(`${what} must be at most ${max}`);
  return n;
}
