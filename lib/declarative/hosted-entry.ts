// A hosted program in the services file: the service host's settings, as `scm-native install`
// takes them on the command line, written as fields of the entry. Relative paths are relative to
// the services file's folder, so a file and its programs can move together.
import * as path from 'node:path';
import type { ProgramServiceOptions } from '../host/manage';
import type { EntryReader } from './entry-reader';

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

/** The fields only a hosted entry has (an entry with `program` is hosted). */
export const HOSTED_FIELDS = [
  'program', 'args', 'cwd', 'env', 'displayName', 'description', 'startup', 'username', 'passwordEnv', 'virtualAccount',
  'dependencies', 'interpreter', 'interpreterArgs', 'restart', 'backoff', 'backoffLimit', 'backoffReset', 'giveUpCode',
  'stopMethod', 'stopTimeout', 'killTree', 'earlyExit', 'priority', 'pidFile', 'readyTimeout', 'successCodes', 'noRestartCodes', 'passStartArgs', 'affinity', 'envUnset', 'pathPrepend', 'preStart', 'postStop',
  'hookTimeout', 'log',
  'recovery',
] as const;

const LOG_FIELDS = ['dir', 'timestamps', 'maxSize', 'daily', 'keep', 'stderr'] as const;
const RECOVERY_FIELDS = ['delay', 'count', 'resetPeriod'] as const;
const PRIORITIES = ['idle', 'below_normal', 'normal', 'above_normal', 'high', 'realtime'] as const;

/** Reads the hosted fields of an entry that has `program`. */
export function readHosted(r: EntryReader, baseDir: string): HostedDeclaration {
  const here = (p: string) => path.resolve(baseDir, p);
  const program = r.string('program') as string;
  const o: ProgramServiceOptions = {};
  const set = <K extends keyof ProgramServiceOptions>(key: K, value: ProgramServiceOptions[K] | undefined) => {
    if (value !== undefined) o[key] = value;
  };
  const cwd = r.string('cwd');
  set('cwd', cwd === undefined ? undefined : here(cwd));
  set('env', r.environment('env'));
  set('displayName', r.string('displayName'));
  set('description', r.string('description', { allowEmpty: true }));
  set('startup', r.oneOf('startup', ['manual', 'auto', 'delayed', 'disabled'] as const));
  set('username', r.string('username'));
  set('virtualAccount', r.boolean('virtualAccount'));
  const passwordEnv = r.string('passwordEnv');
  if (passwordEnv !== undefined && o.username === undefined) r.fail('passwordEnv', 'needs "username" (the account whose password it holds)');
  if (o.virtualAccount && (o.username !== undefined || passwordEnv !== undefined)) r.fail('virtualAccount', 'excludes "username" and "passwordEnv" (a virtual account has no password)');
  set('dependencies', r.strings('dependencies'));
  set('interpreter', r.string('interpreter'));
  set('interpreterArgs', r.strings('interpreterArgs'));
  set('restart', r.oneOf('restart', ['always', 'on-failure', 'never'] as const));
  set('backoffInitial', r.duration('backoff'));
  set('backoffLimit', r.duration('backoffLimit'));
  set('backoffReset', r.duration('backoffReset'));
  set('giveUpExitCode', r.integer('giveUpCode', 1, 0xffffffff));
  set('stopMethod', r.oneOf('stopMethod', ['ipc', 'ctrl-c', 'ctrl-break', 'kill'] as const));
  set('stopTimeout', r.duration('stopTimeout', { allowZero: true }));
  set('killTree', r.boolean('killTree'));
  set('earlyExitWindow', r.duration('earlyExit', { allowZero: true }));
  set('priority', r.oneOf('priority', PRIORITIES));
  const pidFile = r.string('pidFile');
  set('pidFile', pidFile === undefined ? undefined : here(pidFile));
  set('readyTimeout', r.duration('readyTimeout', { allowZero: true }));
  set('successExitCodes', r.integers('successCodes', 0, 0xffffffff));
  set('noRestartExitCodes', r.integers('noRestartCodes', 0, 0xffffffff));
  set('passStartArgs', r.boolean('passStartArgs'));
  set('affinity', r.integers('affinity', 0, 63));
  set('envUnset', r.strings('envUnset'));
  for (const key of ['preStart', 'postStop'] as const) {
    const argv = r.strings(key);
    if (argv !== undefined && argv.length === 0) r.fail(key, 'must list the program to run, then its arguments');
    set(key, argv === undefined ? undefined : [here(argv[0] as string), ...argv.slice(1)]);
  }
  set('hookTimeout', r.duration('hookTimeout'));
  const prepend = r.strings('pathPrepend');
  set('pathPrepend', prepend === undefined ? undefined : prepend.map(here));
  const log = r.table('log');
  if (log) {
    log.onlyKnown(LOG_FIELDS);
    const dir = log.string('dir');
    set('logDir', dir === undefined ? undefined : here(dir));
    set('logTimestamps', log.boolean('timestamps'));
    set('logMaxSize', log.size('maxSize'));
    set('logDaily', log.boolean('daily'));
    set('logKeep', log.integer('keep', 0, 100000));
    set('logStderr', log.oneOf('stderr', ['merge', 'separate'] as const));
  }
  set('recovery', readRecovery(r));
  return { program: here(program), args: r.strings('args') ?? [], options: o, ...(passwordEnv !== undefined ? { passwordEnv } : {}) };
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
