// Argument checks, run before any native call: wrong types raise TypeError, wrong values RangeError.
// Messages name the argument but never echo a secret (passwords).

/** The twapi standard options every SCM function accepts. */
export interface StandardOptions {
  /** Remote machine name (`'\\\\host'` or `'host'`); the local machine when omitted. */
  system?: string;
  /** SCM database name (`'ServicesActive'`); the active database when omitted. */
  database?: string;
}

const MAX_SERVICE_NAME = 256;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? 'a string' : `type ${typeof value}`;
}

/** A string without NUL characters. @internal */
export function checkString(value: unknown, what: string, { allowEmpty = false } = {}): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describe(value)}`);
  if (!allowEmpty && value.length === 0) throw new RangeError(`${what} must not be empty`);
  if (value.includes('\0')) throw new RangeError(`${what} must not contain NUL characters`);
  return value;
}

/** An optional string: undefined and null give null. @internal */
export function checkOptionalString(value: unknown, what: string, options?: { allowEmpty?: boolean }): string | null {
  if (value === undefined || value === null) return null;
  return checkString(value, what, options);
}

/**
 * A service name as the SCM accepts it. The internal (key) name is at most 256 characters and
 * may not contain '/' or '\\'; a display name may, so `acceptDisplayName` relaxes that rule for the
 * functions that take either form (twapi's service_exists and friends).
 * @internal
 */
export function checkServiceName(value: unknown, what = 'service name', { acceptDisplayName = false } = {}): string {
  const name = checkString(value, what);
  if (name.length > MAX_SERVICE_NAME) throw new RangeError(`${what} must be at most ${MAX_SERVICE_NAME} characters, got ${name.length}`);
  if (!acceptDisplayName && /[/\\]/.test(name)) throw new RangeError(`${what} must not contain '/' or '\\': '${name}'`);
  return name;
}

/** An options object (undefined gives {}). @internal */
export function checkOptions<T extends object>(value: unknown, what = 'options'): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an object, got ${describe(value)}`);
  return value as Partial<T>;
}

/** The standard options, normalised for the native layer (null = local / active). @internal */
export function checkStandardOptions(options: StandardOptions): { system: string | null; database: string | null } {
  return {
    system: checkOptionalString(options.system, 'options.system'),
    database: checkOptionalString(options.database, 'options.database'),
  };
}

/** A non-negative integer number of milliseconds (at most 2^31-1, as Win32 timeouts). @internal */
export function checkTimeout(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number of milliseconds, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new RangeError(`${what} must be an integer number of milliseconds from 0 to ${0x7fffffff}, got ${value}`);
  }
  return value;
}

/** An integer within [min, max]. @internal */
export function checkInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${what} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** A boolean, or the default when undefined. @internal */
export function checkBoolean(value: unknown, what: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${describe(value)}`);
  return value;
}

/**
 * `options.signal`: an AbortSignal, or undefined. Only a real AbortSignal (its class's brand, as
 * `AbortSignal.any` checks it) is accepted: an object that merely has `aborted` would fail later,
 * inside a call already sent to the SCM. @internal
 */
export function checkSignal(value: unknown, what = 'options.signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!isAbortSignal(value)) throw new TypeError(`${what} must be an AbortSignal, got ${describe(value)}`);
  return value;
}

/** Whether `value` is an AbortSignal of this realm (its `aborted` getter accepts it). @internal */
export function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null || !(value instanceof AbortSignal)) return false;
  // instanceof can be faked (Object.create(AbortSignal.prototype)); the getter's brand check cannot.
  try {
    const getter = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;
    return typeof (getter ? getter.call(value) : (value as AbortSignal).aborted) === 'boolean';
  } catch {
    return false;
  }
}

/** An array of strings. @internal */
export function checkStringArray(value: unknown, what: string, itemCheck = (item: unknown, label: string) => checkString(item, label)): string[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of strings, got ${describe(value)}`);
  return value.map((item, index) => itemCheck(item, `${what}[${index}]`));
}

/** A token from a fixed table (RangeError lists the valid ones). @internal */
export function checkToken<T extends string>(value: unknown, what: string, table: ReadonlyMap<T, number> | Readonly<Record<T, number>>): T {
  const keys = table instanceof Map ? [...table.keys()] : Object.keys(table);
  if (typeof value !== 'string') throw new TypeError(`${what} must be one of ${keys.join(', ')}; got ${describe(value)}`);
  if (!keys.includes(value)) throw new RangeError(`${what} must be one of ${keys.join(', ')}; got '${value}'`);
  return value as T;
}

/**
 * A token from a fixed table, or the raw number (an unsigned 32-bit integer) for values the table
 * does not name: what the query functions return for values Windows adds later. @internal
 */
export function checkTokenOrNumber<T extends string>(value: unknown, what: string, table: Readonly<Record<T, number>>): T | number {
  if (typeof value === 'number') return checkInteger(value, what, 0, 0xffffffff);
  if (typeof value !== 'string') {
    throw new TypeError(`${what} must be one of ${Object.keys(table).join(', ')} or a number; got ${describe(value)}`);
  }
  return checkToken(value, what, table);
}

/** The number of a token-or-number value. @internal */
export function tokenValue<T extends string>(value: T | number, table: Readonly<Record<T, number>>): number {
  return typeof value === 'number' ? value : table[value];
}

/** A plain object whose keys all come from `allowed` (catches misspelt option names). @internal */
export function checkKnownKeys(value: object, what: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new RangeError(`${what} has an unknown field '${key}'; valid fields: ${allowed.join(', ')}`);
  }
}
