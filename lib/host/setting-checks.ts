// The library's checks of host settings, one per kind of setting (setting-fields.ts): what a
// stored value must be (the registry JSON, read by the host at each start) and how an option of
// installProgramService/updateProgramService becomes one. TypeError for a wrong type, RangeError
// for a wrong value, each naming the field.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkBoolean, checkInteger, checkOptions, checkString, checkStringArray } from '../validation';
import { checkBatchArguments, isBatchFile } from './batch';
import { checkHealthUrl, checkStatusRange } from './health-target';
import { MAX_MS } from './setting-fields';
import type { SettingKind } from './setting-fields';
import type { ProgramKind } from './settings-types';

/** One of `allowed`. */
export function checkChoice<T extends string>(value: unknown, what: string, allowed: readonly T[]): T {
  if (typeof value !== 'string') throw new TypeError(`${what} must be one of ${allowed.join(', ')}`);
  if (!allowed.includes(value as T)) throw new RangeError(`${what} must be one of ${allowed.join(', ')}; got '${value}'`);
  return value as T;
}

/** A hook command: [file, ...args] with an absolute file, or null/undefined for none. */
export function checkHookCommand(value: unknown, what: string): string[] | null {
  if (value === null || value === undefined) return null;
  const argv = checkStringArray(value, what, (item, label) => checkString(item, label, { allowEmpty: true }));
  if (argv.length === 0 || !argv[0]) throw new RangeError(`${what} must start with the program to run`);
  if (!path.win32.isAbsolute(argv[0])) throw new RangeError(`${what}[0] must be an absolute path; got '${argv[0]}'`);
  return argv;
}

/** An environment variable name: not empty, no '=' or NUL. */
export function checkVariableName(value: unknown, what: string): string {
  const name = checkString(value, what);
  if (name.includes('=') || name.includes('\0')) throw new RangeError(`${what} is not a valid environment variable name: '${name}'`);
  return name;
}

/** An account or group name (`Users`, `DOMAIN\\name`) or a SID string: not empty, no NUL, no SDDL punctuation. */
export function checkAccountName(value: unknown, what: string): string {
  const name = checkString(value, what).trim();
  if (name === '' || /[\0();]/.test(name)) throw new RangeError(`${what} is not an account or group name: '${name}'`);
  return name;
}

/** Environment variables: valid names, string values (empty allowed). */
export function checkEnvironment(value: unknown, what: string): Record<string, string> {
  const env = checkOptions<Record<string, string>>(value, what);
  for (const [key, val] of Object.entries(env)) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw new RangeError(`${what} has an invalid variable name '${key}'`);
    checkString(val, `${what}.${key}`, { allowEmpty: true });
  }
  return { ...env } as Record<string, string>;
}

/** An absolute Windows folder path without ';' (it is joined into PATH). */
export function checkAbsoluteFolder(value: unknown, what: string): string {
  const dir = checkString(value, what);
  if (!path.win32.isAbsolute(dir)) throw new RangeError(`${what} must be an absolute path; got '${dir}'`);
  if (dir.includes(';')) throw new RangeError(`${what} must not contain ';' (PATH's separator); got '${dir}'`);
  return dir;
}

/** Processor numbers 0-63 (one processor group), sorted, without repeats; null/undefined: all. */
export function checkAffinity(value: unknown, what: string): number[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of processor numbers, or null for all`);
  if (value.length === 0) throw new RangeError(`${what} must name at least one processor (null: all)`);
  const cpus = value.map((cpu: unknown, i) => checkInteger(cpu, `${what}[${i}]`, 0, 63));
  return [...new Set(cpus)].sort((a, b) => a - b);
}

/** A list of process exit codes (0 to 0xFFFFFFFF, as Windows reports them), sorted, without repeats. */
export function checkExitCodes(value: unknown, what: string): number[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of exit codes`);
  const codes = value.map((code: unknown, i) => checkInteger(code, `${what}[${i}]`, 0, 0xffffffff));
  if (codes.length > 256) throw new RangeError(`${what} has more than 256 codes`);
  return [...new Set(codes)].sort((a, b) => a - b);
}

/**
 * An absolute Windows file path, or null/undefined for none (the host's working directory is not
 * the installer's, so a relative one would land somewhere unexpected).
 */
export function checkAbsoluteFile(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  const file = checkString(value, what);
  if (!path.win32.isAbsolute(file)) throw new RangeError(`${what} must be an absolute path; got '${file}'`);
  return file;
}

/** The longest host group name. */
export const MAX_HOST_GROUP = 64;

/**
 * A host group's name, or null/undefined for none: 1-64 letters, digits, '-', '_' or '.',
 * starting with a letter or digit (it goes on the host's command line and in log lines).
 */
export function checkHostGroup(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  const name = checkString(value, what);
  if (name.length > MAX_HOST_GROUP || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw new RangeError(`${what} must be 1-${MAX_HOST_GROUP} letters, digits, '-', '_' or '.', starting with a letter or digit; got '${name}'`);
  }
  return name;
}

/** Whether two host group names are the same group (case-blind, as service names). */
export function sameHostGroup(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
}

/** A ready timeout needs the IPC channel only a Node program has. */
export function checkReadyTimeout(value: number, kind: ProgramKind, what: string): number {
  if (value > 0 && kind !== 'node') throw new RangeError(`${what} needs a Node program (the ready message comes over IPC); this one is '${kind}'`);
  return value;
}

/**
 * Stop method `command` runs the stop command: without one a stop could only wait for the timeout.
 * (A stop command with another stop method is kept, unused, so that switching back is one change.)
 */
export function checkStopCommand(stopMethod: string, stopCommand: readonly string[] | null, what: string): void {
  if (stopMethod === 'command' && stopCommand === null) {
    throw new RangeError(`${what}: stop method 'command' needs the command to run: give stopCommand (--stop-command, services file stopCommand)`);
  }
}

/**
 * A log the program writes itself (log.direct) gets its bytes as they are: the host cannot put a
 * time in front of lines it never sees.
 */
export function checkDirectLog(log: { direct: boolean; timestamps: boolean }, what: string): void {
  if (log.direct && log.timestamps) {
    throw new RangeError(`${what}: a log the program writes itself (log.direct, --log-direct) cannot have timestamps (log.timestamps, --log-timestamps): the host never sees its lines; turn one of them off`);
  }
}

/** A stored value of a setting of this kind (the registry JSON as the host reads it). */
export function checkStoredSetting(kind: SettingKind, value: unknown, what: string): unknown {
  switch (kind.type) {
    case 'duration': return checkInteger(value, what, kind.min, MAX_MS);
    case 'size': return checkInteger(value, what, 0, Number.MAX_SAFE_INTEGER);
    case 'count': return checkInteger(value, what, kind.min ?? 0, kind.max);
    case 'exit-code': return value === null ? null : checkInteger(value, what, 1, 0xffffffff);
    case 'exit-codes': return checkExitCodes(value, what);
    case 'choice': return checkChoice(value, what, kind.values);
    case 'boolean': return checkBoolean(value, what, false);
    case 'file': return checkAbsoluteFile(value, what);
    case 'folder': return checkString(value, what);
    case 'folders': return checkStringArray(value, what, checkAbsoluteFolder);
    case 'variable-names': return checkStringArray(value, what, checkVariableName);
    case 'command': return checkHookCommand(value, what);
    case 'processors': return checkAffinity(value, what);
    case 'environment': return checkEnvironment(value, what);
    case 'arguments': return checkStringArray(value, what);
    case 'accounts': return checkStringArray(value, what, checkAccountName);
    case 'health-check': return value === null || Array.isArray(value) ? checkHookCommand(value, what) : checkHealthUrl(value, what);
    case 'status-range': return checkStatusRange(value, what);
    case 'name': return checkHostGroup(value, what);
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The stored value for a given option (`undefined` is never passed): a folder is made absolute
 * (and must exist where the kind says so); '' is no file; [] is every processor.
 */
export function settingFromOption(kind: SettingKind, value: unknown, what: string): unknown {
  switch (kind.type) {
    case 'folder': {
      const dir = path.resolve(checkString(value, what));
      if (kind.mustExist && !isDirectory(dir)) throw new RangeError(`${kind.mustExist} not found: ${dir}`);
      return dir;
    }
    // '' as well as null removes it: what an empty `--pid-file ""` on the command line gives.
    case 'file':
    case 'name': return value === '' ? null : checkStoredSetting(kind, value, what);
    case 'processors': return Array.isArray(value) && value.length === 0 ? null : checkStoredSetting(kind, value, what);
    // '' removes it; a command is checked as a hook's.
    case 'health-check': return value === '' ? null : Array.isArray(value) ? commandFromOption(value, what) : checkStoredSetting(kind, value, what);
    case 'command': return commandFromOption(value, what);
    default: return checkStoredSetting(kind, value, what);
  }
}

/** A hook's command: a batch file's arguments pass through cmd.exe, so no line breaks or NUL (lib/host/batch.ts). */
function commandFromOption(value: unknown, what: string): string[] | null {
  const argv = checkHookCommand(value, what);
  if (argv !== null && isBatchFile(argv[0] as string)) checkBatchArguments(argv.slice(1), what, 1);
  return argv;
}

/** What the services file's drift check compares: paths and names as Windows does, case-blind. */
export function comparableSetting(kind: SettingKind, value: unknown): unknown {
  switch (kind.type) {
    case 'file':
    case 'name':
    case 'folder': return typeof value === 'string' ? value.toLowerCase() : value;
    case 'folders': return (value as string[]).map((dir) => dir.toLowerCase());
    case 'variable-names':
    case 'accounts': return (value as string[]).map((name) => name.toLowerCase()).sort();
    case 'environment': return Object.entries(value as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
    default: return value;
  }
}
