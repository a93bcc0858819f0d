// A command-defined service in the services file (issue 15): simplevisor's fields (control, start,
// stop, status, restart, pattern, daemon, path) and COMAR's (pidFile, makepid, detach, priority,
// stopSignal), checked with the rules of command-service.ts and named in every error.
import * as path from 'node:path';
import { commandPlan, PRIORITY_CLASSES, STOP_SIGNALS } from './command-service';
import type { CommandDeclaration, CommandText } from './command-service';
import type { EntryReader } from './entry-reader';
import { show } from './entry-reader';

/** The fields of a command entry (`restart`, `pidFile` and `priority` are hosted fields too, read the command way here). */
export const COMMAND_ENTRY_FIELDS = [
  'control', 'start', 'stop', 'status', 'restart', 'pattern', 'daemon', 'path', 'pidFile', 'makepid', 'detach', 'priority', 'stopSignal',
] as const;

/** Fields only a command entry has: one of them (without `program`) makes the entry a command service. */
export const COMMAND_ONLY_FIELDS: readonly string[] = COMMAND_ENTRY_FIELDS.filter((f) => f !== 'restart' && f !== 'pidFile' && f !== 'priority');

/** The restart policies of a hosted entry (`restart` with `program`). */
export const RESTART_POLICIES = ['always', 'on-failure', 'never'] as const;

/** The rule for `restart`, said in the errors of a value that fits neither kind of entry. */
export const RESTART_RULE = 'on an entry with "program" it is the restart policy ("always", "on-failure", "never"); '
  + 'on an entry with "start" or "control" it is simplevisor\'s restart: "stop+start" or a restart command';

function command(r: EntryReader, field: string): CommandText | undefined {
  const v = r.values[field];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return r.string(field);
  if (Array.isArray(v)) {
    const list = r.strings(field) as string[];
    if (list.length === 0 || list[0] === '') r.fail(field, 'must list the program to run, then its arguments');
    return list;
  }
  return r.fail(field, `must be a command: a string (split on spaces, %20 for a space in an argument) or a list of strings, got ${show(v)}`);
}

/**
 * Reads the command fields of an entry without `program`. Relative pid files, `daemon` and `path`
 * folders are taken from the services file's folder, as are program paths with a folder
 * (`bin\\pg_ctl.exe`); a bare program name is searched in `path`, then PATH, never the current folder.
 */
export function readCommands(r: EntryReader, baseDir: string): CommandDeclaration {
  const here = (p: string) => path.resolve(baseDir, p);
  const d: CommandDeclaration = { baseDir };
  for (const field of ['control', 'start', 'stop', 'status'] as const) {
    const v = command(r, field);
    if (v !== undefined) d[field] = v;
  }
  const restart = command(r, 'restart');
  if (restart !== undefined) {
    if (typeof restart === 'string' && (RESTART_POLICIES as readonly string[]).includes(restart)) {
      r.fail('restart', `"${restart}" is a restart policy, which needs "program": ${RESTART_RULE}`);
    }
    d.restart = restart;
  }
  const pattern = r.string('pattern');
  if (pattern !== undefined) d.pattern = pattern;
  const daemon = r.string('daemon');
  if (daemon !== undefined) d.daemon = here(daemon);
  const pidFile = r.string('pidFile');
  if (pidFile !== undefined) d.pidFile = here(pidFile);
  const v = r.values.path;
  const folders = typeof v === 'string' ? (r.string('path') as string).split(';') : Array.isArray(v) ? (r.strings('path') as string[]) : v === undefined ? [] : r.fail('path', `must be ";"-separated folders or a list of folders, got ${show(v)}`);
  const resolved = folders.map((f) => f.trim()).filter(Boolean).map(here);
  if (resolved.some((f) => f.includes(';'))) r.fail('path', 'must not hold ";" inside a folder of a list');
  if (resolved.length) d.path = resolved.join(';');
  const makepid = r.boolean('makepid');
  if (makepid !== undefined) d.makepid = makepid;
  const detach = r.boolean('detach');
  if (detach !== undefined) d.detach = detach;
  const priority = r.oneOf('priority', PRIORITY_CLASSES);
  if (priority !== undefined) d.priority = priority;
  const stopSignal = r.oneOf('stopSignal', STOP_SIGNALS);
  if (stopSignal !== undefined) d.stopSignal = stopSignal;
  try {
    commandPlan(d, 'entry');
  } catch (error) {
    const message = (error as Error).message;
    const field = /^entry\.(\w+)/.exec(message)?.[1];
    r.fail(field, message.replace(/^entry(\.\w+)? /, ''));
  }
  return d;
}
