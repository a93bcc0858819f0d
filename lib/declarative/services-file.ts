// The services file: JSON declaring existing services by name with their expected state. JSON
// only: no YAML or TOML parser is a dependency. Every error names the file, the entry and the field.
import * as fs from 'node:fs';
import { checkServiceName } from '../validation';
import type { ExpectedState } from './service';
import type { ServiceDeclaration } from './service';

/** An invalid services file: the message names the file, the entry (index and name) and the field. */
export class ServicesFileError extends Error {
  readonly code = 'ERR_SCM_SERVICES_FILE';
  constructor(message: string, readonly file: string, readonly entry?: number, readonly field?: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: 'ServicesFileError', enumerable: false, configurable: true });
  }
}

/** A loaded services file. */
export interface ServicesFile {
  file: string;
  services: (ServiceDeclaration & { expected: ExpectedState })[];
}

const ENTRY_FIELDS = new Set(['name', 'expected', 'timeout', 'system']);
const TOP_FIELDS = new Set(['services', '$schema']);
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000 };

/** `timeout`: a number of seconds (as simplevisor) or a duration string `500ms`, `30s`, `2m`, `1h`. */
function timeoutMs(value: unknown): number | string {
  let ms: number;
  if (typeof value === 'number') ms = value * 1000;
  else if (typeof value === 'string' && DURATION.test(value.trim())) {
    const m = DURATION.exec(value.trim()) as RegExpExecArray;
    ms = Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  } else return 'must be a number of seconds or a duration such as "30s" or "2m"';
  if (!Number.isFinite(ms) || ms <= 0 || Math.round(ms) > 0x7fffffff) return 'must be a positive duration of at most 24 days';
  return Math.round(ms);
}

const show = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));

/** Parses the text of a services file (named `file` in errors). */
export function parseServicesFile(text: string, file: string): ServicesFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ServicesFileError(`${file}: not valid JSON: ${(error as Error).message}`, file);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ServicesFileError(`${file}: must be a JSON object with a "services" array, got ${show(data)}`, file);
  }
  for (const key of Object.keys(data)) {
    if (!TOP_FIELDS.has(key)) throw new ServicesFileError(`${file}: unknown field "${key}" (expected "services")`, file, undefined, key);
  }
  const list = (data as { services?: unknown }).services;
  if (!Array.isArray(list)) throw new ServicesFileError(`${file}: field "services" must be an array, got ${list === undefined ? 'nothing' : show(list)}`, file, undefined, 'services');
  const seen = new Map<string, number>();
  const services = list.map((entry: unknown, index) => {
    const where = (field?: string) => {
      const name = typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string' ? ` ("${(entry as { name: string }).name}")` : '';
      return `${file}: services[${index}]${name}${field ? `: field "${field}"` : ''}`;
    };
    const fail = (field: string | undefined, message: string): never => {
      throw new ServicesFileError(`${where(field)} ${message}`, file, index, field);
    };
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fail(undefined, `must be an object, got ${show(entry)}`);
    const e = entry as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!ENTRY_FIELDS.has(key)) fail(key, `is unknown (allowed: ${[...ENTRY_FIELDS].join(', ')})`);
    if (e.name === undefined) fail('name', 'is required');
    if (typeof e.name !== 'string') fail('name', `must be a string, got ${show(e.name)}`);
    try {
      checkServiceName(e.name, 'name');
    } catch (error) {
      fail('name', `is not a service name: ${(error as Error).message.replace(/^name /, '')}`);
    }
    const name = e.name as string;
    const key = name.toLowerCase();
    if (seen.has(key)) fail('name', `repeats services[${seen.get(key)}] (service names are case-insensitive)`);
    seen.set(key, index);
    const expected = e.expected ?? 'running';
    if (expected !== 'running' && expected !== 'stopped') fail('expected', `must be "running" or "stopped", got ${show(expected)}`);
    const declaration: ServiceDeclaration & { expected: ExpectedState } = { name, expected: expected as ExpectedState };
    if (e.timeout !== undefined) {
      const ms = timeoutMs(e.timeout);
      if (typeof ms === 'string') fail('timeout', `${ms}, got ${show(e.timeout)}`);
      declaration.timeout = ms as number;
    }
    if (e.system !== undefined) {
      if (typeof e.system !== 'string' || e.system === '') fail('system', `must be a non-empty string, got ${show(e.system)}`);
      declaration.system = e.system as string;
    }
    return declaration;
  });
  return { file, services };
}

/** Reads and checks a services file. */
export function loadServicesFile(file: string): ServicesFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServicesFileError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, file);
  }
  return parseServicesFile(text.replace(/^\uFEFF/, ''), file);
}
