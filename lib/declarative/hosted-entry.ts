// A hosted program in the services file: the service host's settings, as `scm-native install`
// takes them on the command line, written as fields of the entry. Relative paths are relative to
// the services file's folder, so a file and its programs can move together.
import * as path from 'node:path';
import { STARTUPS } from '../host/program-service-options';
import type { ProgramServiceOptions } from '../host/program-service-options';
import { checkHealthUrl, checkStatusRange } from '../host/health-target';
import { SETTING_FIELDS } from '../host/setting-fields';
import type { SettingKind } from '../host/setting-fields';
import type { EntryReader } from './entry-reader';
import { isBatchFile } from '../host/batch';
import { MAX_DESCRIPTION_LENGTH } from '../services/config2';

/** A program the services file wants run as a service by the scm-native host. */
export interface HostedDeclaration {
  /** Absolute path of the program (resolved against the file's folder). */
  program: string;
  args: string[];
  /** What `installProgramService`/`updateProgramService` take (never a password). */
  options: ProgramServiceOptions;
  /** Name of the environment variable that holds the account's password when `apply` runs. */
  passwordEnv?: string;
}

/** The fields of a hosted entry that are not host settings: the program and the SCM's part. */
const PROGRAM_AND_SCM_FIELDS = [
  'program', 'args', 'displayName', 'description', 'startup', 'username', 'passwordEnv', 'virtualAccount', 'dependencies', 'interpreter', 'recovery',
] as const;

/** The fields only a hosted entry has (an entry with `program` is hosted); `log` is a table of settings. */
export const HOSTED_FIELDS: readonly string[] = [...PROGRAM_AND_SCM_FIELDS, ...new Set(SETTING_FIELDS.map((row) => row.field.split('.')[0] as string))];

/** Fields people write by mistake in an entry, and what to write instead. */
export const MISTAKEN_FIELDS: Readonly<Record<string, string>> = {
  password: 'is not taken: a password never lives in the services file (it is read, copied and committed). Set it in an environment variable ' +
    'of the shell that runs apply, and name that variable in "passwordEnv" (with "username")',
};

const RECOVERY_FIELDS = ['delay', 'count', 'resetPeriod'] as const;

/** `value` put through the library's `check`, its RangeError a failure of the field (`field "x" must be ...`). */
function checkedBy<T>(r: EntryReader, field: string, value: string | undefined, check: (value: unknown, what: string) => T): T | undefined {
  if (value === undefined) return undefined;
  try {
    return check(value, '');
  } catch (error) {
    return r.fail(field, (error as Error).message.trim());
  }
}

/** A command field: the program (from the file's folder), then its arguments. */
function readCommand(r: EntryReader, field: string, here: (p: string) => string): string[] | undefined {
  const argv = r.strings(field);
  if (argv !== undefined && argv.length === 0) r.fail(field, 'must list the program to run, then its arguments');
  return argv === undefined ? undefined : [here(argv[0] as string), ...argv.slice(1)];
}

/**
 * A setting's value as the entry gives it (undefined when absent), read by the setting's kind:
 * durations as seconds or `30s`, sizes as bytes or `10M`, paths from the file's folder.
 */
function readSetting(r: EntryReader, field: string, kind: SettingKind, here: (p: string) => string): unknown {
  switch (kind.type) {
    case 'duration': return r.duration(field, { allowZero: kind.zeroInFile });
    case 'size': return r.size(field);
    case 'count': return r.integer(field, kind.min ?? 0, kind.max);
    case 'exit-code': return r.integer(field, 1, 0xffffffff);
    case 'exit-codes': return r.integers(field, 0, 0xffffffff);
    case 'choice': return r.oneOf(field, kind.values);
    case 'boolean': return r.boolean(field);
    case 'file':
    case 'folder': {
      const value = r.string(field);
      return value === undefined ? undefined : here(value);
    }
    case 'folders': return r.strings(field)?.map(here);
    case 'variable-names':
    case 'accounts':
    case 'arguments': return r.strings(field);
    case 'status-range': return checkedBy(r, field, r.string(field), checkStatusRange);
    // A URL as a string, a command as a list (program, then its arguments).
    case 'health-check': return typeof r.values[field] === 'string' ? checkedBy(r, field, r.string(field), checkHealthUrl) : readCommand(r, field, here);
    case 'command': return readCommand(r, field, here);
    case 'processors': return r.integers(field, 0, 63);
    case 'environment': return r.environment(field);
    case 'name': return r.string(field);
  }
}

/** The reader of a row's field: the entry's, or that of the table a dotted field is in (`log.keep`). */
function tableReaders(r: EntryReader): (field: string) => [EntryReader | undefined, string] {
  const tables = new Map<string, EntryReader | undefined>();
  return (field) => {
    const dot = field.indexOf('.');
    if (dot < 0) return [r, field];
    const name = field.slice(0, dot);
    if (!tables.has(name)) {
      const table = r.table(name);
      table?.onlyKnown(SETTING_FIELDS.filter((row) => row.field.startsWith(`${name}.`)).map((row) => row.field.slice(dot + 1)));
      tables.set(name, table);
    }
    return [tables.get(name), field.slice(dot + 1)];
  };
}

/** Reads the hosted fields of an entry that has `program`. */
export function readHosted(r: EntryReader, baseDir: string): HostedDeclaration {
  const here = (p: string) => path.resolve(baseDir, p);
  const program = r.string('program') as string;
  const o: ProgramServiceOptions = {};
  const set = <K extends keyof ProgramServiceOptions>(key: K, value: ProgramServiceOptions[K] | undefined) => {
    if (value !== undefined) o[key] = value;
  };
  set('displayName', r.string('displayName'));
  const description = r.string('description', { allowEmpty: true });
  if (description !== undefined && description.length > MAX_DESCRIPTION_LENGTH) {
    r.fail('description', `must be at most ${MAX_DESCRIPTION_LENGTH} characters, got ${description.length} (the SCM could store it but never return it: 8 KB query limit)`);
  }
  set('description', description);
  set('startup', r.oneOf('startup', STARTUPS));
  set('username', r.string('username'));
  set('virtualAccount', r.boolean('virtualAccount'));
  const passwordEnv = r.string('passwordEnv');
  if (passwordEnv !== undefined && o.username === undefined) r.fail('passwordEnv', 'needs "username" (the account whose password it holds)');
  if (o.virtualAccount && (o.username !== undefined || passwordEnv !== undefined)) r.fail('virtualAccount', 'excludes "username" and "passwordEnv" (a virtual account has no password)');
  set('dependencies', r.strings('dependencies'));
  set('interpreter', r.string('interpreter'));
  const readerOf = tableReaders(r);
  for (const row of SETTING_FIELDS) {
    const [reader, field] = readerOf(row.field);
    const value = reader && readSetting(reader, field, row.kind, here);
    if (value !== undefined) (o as Record<string, unknown>)[row.option] = value;
  }
  set('recovery', readRecovery(r));
  const args = r.strings('args') ?? [];
  // A .cmd/.bat program runs through cmd.exe (lib/host/batch.ts): what install refuses, said here
  // with the entry and field.
  if (o.interpreter === undefined && isBatchFile(program)) {
    if (o.passStartArgs) r.fail('passStartArgs', "cannot be true for a .cmd or .bat program: the start's arguments come from whoever may start the service and would pass through cmd.exe");
    args.forEach((arg, i) => {
      if (/[\r\n\0]/.test(arg)) r.fail('args', `[${i}] must not contain a line break: the arguments of a .cmd or .bat program pass through cmd.exe`);
    });
  }
  return { program: here(program), args, options: o, ...(passwordEnv !== undefined ? { passwordEnv } : {}) };
}

/**
 * `recovery`: `none`, or a table `{ delay, count, resetPeriod }` (as `--recovery restart:<delay>:<count>`):
 * the SCM restarts the service after `delay` (default 1m), up to `count` times (default 3) within
 * `resetPeriod` (default 1d, whole seconds).
 */
function readRecovery(r: EntryReader): ProgramServiceOptions['recovery'] {
  if (!r.has('recovery')) return undefined;
  if (r.values.recovery === 'none') return null;
  if (typeof r.values.recovery === 'string') return r.fail('recovery', `must be "none" or a table (delay, count, resetPeriod), got ${JSON.stringify(r.values.recovery)}`);
  const t = r.table('recovery') as EntryReader;
  t.onlyKnown(RECOVERY_FIELDS);
  const recovery: NonNullable<ProgramServiceOptions['recovery']> = { delay: t.duration('delay', { allowZero: true }) ?? 60000 };
  const count = t.integer('count', 1, 100);
  if (count !== undefined) recovery.count = count;
  const reset = t.duration('resetPeriod', { allowZero: true });
  if (reset !== undefined) {
    if (reset % 1000 !== 0) t.fail('resetPeriod', 'must be whole seconds (the SCM counts seconds)');
    recovery.resetPeriod = reset / 1000;
  }
  return recovery;
}
