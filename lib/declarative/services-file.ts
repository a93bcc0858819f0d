// The services file: existing services by name with their expected state, and hosted programs
// (an entry with `program`) with the service host's settings. JSON, YAML or TOML by extension
// (document.ts). Every error names the file, the entry and the field.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { didYouMean } from '../did-you-mean';
import { checkServiceName, checkString, checkToken } from '../validation';
import { formatOf, parseDocument } from './document';
import type { ServicesFileFormat } from './document';
import { EntryReader, isPlainObject, show } from './entry-reader';
import { HOSTED_FIELDS, MISTAKEN_FIELDS, readHosted } from './hosted-entry';
import type { HostedDeclaration } from './hosted-entry';
import { COMMAND_ENTRY_FIELDS, COMMAND_ONLY_FIELDS, readCommands, RESTART_POLICIES, RESTART_RULE } from './command-entry';
import type { CommandDeclaration } from './command-service';
import type { ExpectedState, ServiceDeclaration } from './service';
import { ServicesFileError } from './services-file-error';

export { ServicesFileError };
export type { HostedDeclaration, ServicesFileFormat };

const FORMATS: Readonly<Record<ServicesFileFormat, number>> = { json: 0, yaml: 1, toml: 2 };

/**
 * A parsed services file as {@link checkServices} and {@link applyServices} take it: an object
 * with a `services` list of objects, each with a name. @internal
 */
export function checkServicesFileArgument(value: unknown, what = 'file'): ServicesFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${what} must be a parsed services file (from loadServicesFile or parseServicesFile), got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `type ${typeof value}`}`);
  }
  const services = (value as { services?: unknown }).services;
  if (!Array.isArray(services)) throw new TypeError(`${what}.services must be an array of declared services`);
  services.forEach((entry, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new TypeError(`${what}.services[${index}] must be a declared service object`);
    checkServiceName((entry as { name?: unknown }).name, `${what}.services[${index}].name`);
  });
  return value as ServicesFile;
}

/** What a services file may expect of a service: a state, or that it does not exist. */
export type DeclaredExpectation = ExpectedState | 'absent';

/** One service of a services file. */
export interface DeclaredService extends Omit<ServiceDeclaration, 'expected'> {
  /** `absent`: apply stops and removes the service (a hosted program only if scm-native installed it). */
  expected: DeclaredExpectation;
  /** Present for a program run by the scm-native host (the entry has `program`). */
  hosted?: HostedDeclaration;
  /** Present for a command-defined service (the entry has `start` or `control`, no `program`). */
  commands?: CommandDeclaration;
}

/** A loaded services file. */
export interface ServicesFile {
  file: string;
  format: ServicesFileFormat;
  services: DeclaredService[];
}

const COMMON_FIELDS = ['name', 'expected', 'timeout', 'system'] as const;
const ENTRY_FIELDS: readonly string[] = [...COMMON_FIELDS, ...HOSTED_FIELDS];
const COMMAND_FIELDS: readonly string[] = [...COMMON_FIELDS, ...COMMAND_ENTRY_FIELDS];
const ANY_ENTRY_FIELDS: readonly string[] = [...new Set([...ENTRY_FIELDS, ...COMMAND_FIELDS])];
const TOP_FIELDS = new Set(['services', '$schema']);

function readEntry(entry: unknown, index: number, file: string, baseDir: string): DeclaredService {
  const label = isPlainObject(entry) && typeof entry.name === 'string' ? ` ("${entry.name}")` : '';
  if (!isPlainObject(entry)) {
    throw new ServicesFileError(`${file}: services[${index}] must be a table (object), got ${show(entry)}`, file, index);
  }
  const r = new EntryReader(file, index, entry, label);
  // A field no entry has is a typo (`programm`): said first, before what its absence implies.
  r.onlyKnown(ANY_ENTRY_FIELDS, MISTAKEN_FIELDS);
  const hosted = r.has('program');
  const commandField = Object.keys(entry).find((key) => COMMAND_ONLY_FIELDS.includes(key));
  const commands = !hosted && commandField !== undefined;
  if (hosted && commandField !== undefined) {
    r.fail(commandField, 'belongs to a command service, which has no "program": an entry is a hosted program (program) or a command service (start or control), not both');
  }
  if (hosted && typeof entry.restart === 'string' && !(RESTART_POLICIES as readonly string[]).includes(entry.restart)) {
    r.fail('restart', `must be one of "always", "on-failure", "never", got ${show(entry.restart)}: ${RESTART_RULE}`);
  }
  if (!hosted && !commands) {
    if (entry.restart !== undefined) r.fail('restart', `needs "program" or "start"/"control": ${RESTART_RULE}`);
    // Name the fields that only make sense with a program, rather than calling them unknown.
    const orphan = Object.keys(entry).find((key) => (HOSTED_FIELDS as readonly string[]).includes(key));
    if (orphan !== undefined) r.fail(orphan, 'needs "program" (only hosted programs have host settings)');
  }
  if (commands) {
    const orphan = Object.keys(entry).find((key) => !COMMAND_FIELDS.includes(key) && (HOSTED_FIELDS as readonly string[]).includes(key));
    if (orphan !== undefined) r.fail(orphan, 'needs "program" (a command service has only command fields)');
  }
  r.onlyKnown(commands ? COMMAND_FIELDS : ENTRY_FIELDS, MISTAKEN_FIELDS);
  if (!r.has('name')) r.fail('name', 'is required');
  const name = r.string('name') as string;
  try {
    checkServiceName(name, 'name');
  } catch (error) {
    r.fail('name', `is not a service name: ${(error as Error).message.replace(/^name /, '')}`);
  }
  const declared: DeclaredService = { name, expected: r.oneOf('expected', ['running', 'stopped', 'absent'] as const) ?? 'running' };
  const timeout = r.duration('timeout');
  if (timeout !== undefined) declared.timeout = timeout;
  const system = r.string('system');
  if (system !== undefined) {
    if (hosted) r.fail('system', 'cannot be used with "program" (hosted programs are installed on this machine)');
    if (commands) r.fail('system', 'cannot be used with commands (they run on this machine)');
    declared.system = system;
  }
  if (hosted) declared.hosted = readHosted(r, baseDir);
  if (commands) {
    if (declared.expected === 'absent') r.fail('expected', 'cannot be "absent" for a command service (nothing is installed): use "stopped"');
    declared.commands = readCommands(r, baseDir);
  }
  return declared;
}

/**
 * Fails on a cycle among the declared dependencies, on a running service that needs a stopped one,
 * and on any service that needs one expected absent.
 */
function checkDependencies(services: readonly DeclaredService[], file: string): void {
  const byName = new Map(services.map((s, i) => [s.name.toLowerCase(), i]));
  const fail = (i: number, message: string): never => {
    throw new ServicesFileError(`${file}: services[${i}] ("${services[i]?.name}"): field "dependencies" ${message}`, file, i, 'dependencies');
  };
  services.forEach((s, i) => {
    for (const dep of s.hosted?.options.dependencies ?? []) {
      const j = byName.get(dep.toLowerCase());
      if (j === undefined) continue;
      if (j === i) fail(i, 'names the service itself');
      if (s.expected !== 'absent' && services[j]?.expected === 'absent') {
        fail(i, `names "${services[j]?.name}", which is expected absent: a service cannot start without its dependencies`);
      }
      if (s.expected === 'running' && services[j]?.expected === 'stopped') {
        fail(i, `names "${services[j]?.name}", which is expected stopped: Windows starts a service's dependencies first`);
      }
    }
  });
  // Depth-first search for a cycle (the SCM would refuse it with ERROR_CIRCULAR_DEPENDENCY).
  const state = new Array<number>(services.length).fill(0);
  const visit = (i: number, trail: number[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) fail(i, `make a cycle: ${[...trail.slice(trail.indexOf(i)), i].map((k) => services[k]?.name).join(' -> ')}`);
    state[i] = 1;
    for (const dep of services[i]?.hosted?.options.dependencies ?? []) {
      const j = byName.get(dep.toLowerCase());
      if (j !== undefined) visit(j, [...trail, i]);
    }
    state[i] = 2;
  };
  services.forEach((_s, i) => visit(i, []));
}

/**
 * Parses the text of a services file (named `file` in errors; relative paths of hosted programs
 * are resolved against its folder). The format comes from the extension unless given.
 */
export function parseServicesFile(text: string, file: string, format?: ServicesFileFormat): ServicesFile {
  checkString(text, 'text', { allowEmpty: true });
  checkString(file, 'file');
  const kind = format === undefined ? formatOf(file) : checkToken(format, 'format', FORMATS);
  const data = parseDocument(text, file, kind);
  if (!isPlainObject(data)) throw new ServicesFileError(`${file}: must be a table with a "services" list, got ${show(data)}`, file);
  for (const key of Object.keys(data)) {
    if (!TOP_FIELDS.has(key)) throw new ServicesFileError(`${file}: unknown field "${key}"${didYouMean(key, TOP_FIELDS, (f) => `"${f}"`)} (expected "services")`, file, undefined, key);
  }
  const list = data.services;
  if (!Array.isArray(list)) throw new ServicesFileError(`${file}: field "services" must be a list, got ${list === undefined ? 'nothing' : show(list)}`, file, undefined, 'services');
  const baseDir = path.dirname(path.resolve(file));
  const seen = new Map<string, number>();
  const services = list.map((entry: unknown, index) => {
    const declared = readEntry(entry, index, file, baseDir);
    const key = declared.name.toLowerCase();
    if (seen.has(key)) {
      throw new ServicesFileError(`${file}: services[${index}] ("${declared.name}"): field "name" repeats services[${seen.get(key)}] (service names are case-insensitive)`, file, index, 'name');
    }
    seen.set(key, index);
    return declared;
  });
  checkDependencies(services, file);
  return { file, format: kind, services };
}

/** Reads and checks a services file (JSON, or YAML/TOML by its extension). */
export function loadServicesFile(file: string): ServicesFile {
  checkString(file, 'file');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServicesFileError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, file);
  }
  return parseServicesFile(text, file);
}
