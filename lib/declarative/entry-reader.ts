// Reads the fields of one services-file entry with the checks and the words an operator needs:
// every failure is a ServicesFileError naming the file, the entry (index and name) and the field
// (dotted for nested tables, e.g. `log.maxSize`).
import { didYouMean } from '../did-you-mean';
import { durationMs, MAX_DURATION_MS, sizeBytes } from '../units';
import { ServicesFileError } from './services-file-error';

/** A value as an error message shows it. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (v instanceof Date) return 'a date';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** The checked fields of one entry (or of a table nested in it). */
export class EntryReader {
  constructor(
    readonly file: string,
    readonly index: number,
    readonly values: Record<string, unknown>,
    private readonly label: string,
    private readonly prefix = '',
  ) {}

  /** `file: services[2] ("web"): field "log.keep"`. */
  where(field?: string): string {
    return `${this.file}: services[${this.index}]${this.label}${field ? `: field "${this.prefix}${field}"` : ''}`;
  }

  fail(field: string | undefined, message: string): never {
    throw new ServicesFileError(`${this.where(field)} ${message}`, this.file, this.index, field === undefined ? undefined : `${this.prefix}${field}`);
  }

  has(field: string): boolean {
    return this.values[field] !== undefined;
  }

  /**
   * Fails on the first field not in `allowed`, naming the allowed field it was probably meant to
   * be; `mistaken` holds what to say instead for a field people write by mistake (`password`).
   */
  onlyKnown(allowed: readonly string[], mistaken: Readonly<Record<string, string>> = {}): void {
    for (const key of Object.keys(this.values)) {
      if (allowed.includes(key)) continue;
      if (Object.hasOwn(mistaken, key)) this.fail(key, mistaken[key] as string);
      this.fail(key, `is unknown${didYouMean(key, allowed, (f) => `"${f}"`)} (allowed: ${allowed.join(', ')})`);
    }
  }

  string(field: string, options: { allowEmpty?: boolean } = {}): string | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') return this.fail(field, `must be a string, got ${show(v)}`);
    if (v === '' && !options.allowEmpty) return this.fail(field, 'must not be empty');
    if (v.includes('\0')) return this.fail(field, 'must not contain a NUL character');
    return v;
  }

  strings(field: string): string[] | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.fail(field, `must be a list of strings, got ${show(v)}`);
    return v.map((item, i) => {
      if (typeof item !== 'string') return this.fail(field, `[${i}] must be a string, got ${show(item)}`);
      if (item.includes('\0')) return this.fail(field, `[${i}] must not contain a NUL character`);
      return item;
    });
  }

  boolean(field: string): boolean | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') return this.fail(field, `must be true or false, got ${show(v)}`);
    return v;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[]): T | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !allowed.includes(v as T)) return this.fail(field, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(v)}`);
    return v as T;
  }

  integer(field: string, min: number, max: number): number | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return this.fail(field, `must be a whole number from ${min} to ${max}, got ${show(v)}`);
    return v;
  }

  /** A list of whole numbers from `min` to `max`. */
  integers(field: string, min: number, max: number): number[] | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.fail(field, `must be a list of whole numbers, got ${show(v)}`);
    return v.map((item, i) => {
      if (typeof item !== 'number' || !Number.isInteger(item) || item < min || item > max) return this.fail(field, `[${i}] must be a whole number from ${min} to ${max}, got ${show(item)}`);
      return item;
    });
  }

  /** A duration in ms: a number of seconds (as simplevisor) or a string `500ms`, `30s`, `2m`, `1h`. */
  duration(field: string, options: { allowZero?: boolean } = {}): number | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? durationMs(v, { spaced: true }) : null;
    if (ms === null) return this.fail(field, `must be a number of seconds or a duration such as "30s" or "2m", got ${show(v)}`);
    if (!Number.isFinite(ms) || ms < 0 || (ms === 0 && !options.allowZero) || Math.round(ms) > MAX_DURATION_MS) {
      return this.fail(field, `must be a ${options.allowZero ? 'non-negative' : 'positive'} duration of at most 24 days, got ${show(v)}`);
    }
    return Math.round(ms);
  }

  /** A size in bytes: a number of bytes or a string `512K`, `10M`, `1G` (binary multiples). */
  size(field: string): number | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    const bytes = typeof v === 'number' ? (Number.isInteger(v) && v >= 0 ? v : null) : typeof v === 'string' ? sizeBytes(v) : null;
    if (bytes === null) return this.fail(field, `must be a number of bytes or a size such as "512K" or "10M", got ${show(v)}`);
    return bytes;
  }

  /**
   * A table of environment variables. Numbers and booleans are taken as their text (`PORT: 8080`
   * in YAML or TOML is a number), anything else must be a string.
   */
  environment(field: string): Record<string, string> | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) return this.fail(field, `must be a table of NAME: value, got ${show(v)}`);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(v)) {
      if (key === '' || key.includes('=') || key.includes('\0')) this.fail(field, `has an invalid variable name ${JSON.stringify(key)}`);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') env[key] = String(value);
      else this.fail(`${field}.${key}`, `must be a string, number or boolean, got ${show(value)}`);
    }
    return env;
  }

  /** A nested table, read with its own reader (field names in errors are dotted). */
  table(field: string): EntryReader | undefined {
    const v = this.values[field];
    if (v === undefined) return undefined;
    if (!isPlainObject(v)) return this.fail(field, `must be a table, got ${show(v)}`);
    return new EntryReader(this.file, this.index, v, this.label, `${this.prefix}${field}.`);
  }
}
