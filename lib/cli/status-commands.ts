// `scm-native status`, `list`, `logs` and `rotate`: what the SCM and the host say of hosted
// services, and their logs.
import * as fs from 'node:fs';
import { getMultipleServiceStatus } from '../services/query';
import type { ServiceState } from '../services/tokens';
import type { LogFollower } from '../host/log-follower';
import { getProgramServiceStatus, listProgramServices } from '../host/manage';
import type { ProgramServiceStatus } from '../host/manage';
import { followProgramServiceLog, programServiceLogFile, rotateProgramServiceLog } from '../host/service-logs';
import { parseCount, UsageError } from './args';
import type { ParsedArgs } from './args';
import { one, programLine } from './command';
import { exitCodeText } from '../exit-code-text';
import { writeJson } from './json-output';
import { humanDuration, paint, stateColour, stateWord, table, terminalJson, visibleLines, visibleText } from './output';
import type { Io } from './output';

const str = (args: ParsedArgs, key: string) => args.options[key] as string | undefined;
const bool = (args: ParsedArgs, key: string) => args.options[key] as boolean | undefined;

/** The program's last exit: its code (an NTSTATUS in hex with its name) and how long ago. */
export function lastExitText(s: Pick<ProgramServiceStatus, 'lastExit'>): string {
  if (!s.lastExit) return '-';
  const ago = humanDuration(Math.max(0, Date.now() - Date.parse(s.lastExit.at)));
  return `${exitCodeText(s.lastExit.code)} (${ago} ago)`;
}

/** The SCM's exit code of a stopped service, or null when it stopped cleanly: `service-specific 0xC0000005 access violation`, `1053`. */
export function scmExitText(s: { state: string | number; exitCode: number; serviceCode: number }): string | null {
  if (s.state !== 'stopped' || s.exitCode === 0) return null;
  return s.exitCode === 1066 ? `service-specific ${exitCodeText(s.serviceCode)}` : String(s.exitCode);
}

/**
 * The rows of `status <name>`: what is not at its default (no `Restarts 0`, `Priority normal`,
 * `Pid file -`); state, program, startup, account and log always.
 */
export function statusRows(s: ProgramServiceStatus, io: Pick<Io, 'color'>): [string, string][] {
  const word = stateWord(s.state, s.hostState);
  const rows: [string, string | null][] = [
    ['Service', s.displayName === s.name ? s.name : `${s.name} (${s.displayName})`],
    ['State', paint(io, stateColour(word), word === 'backoff' ? `${word} (waiting to restart the program)` : word)],
    ['Program', programLine(s.program, s.args)],
    ['Host PID', s.hostPid === null ? null : String(s.hostPid)],
    ['Host group', s.hostGroup === null ? null : `${s.hostGroup} (a shared host)`],
    ['Program PID', s.programPid === null ? null : String(s.programPid)],
    ['Uptime', s.uptime === null ? null : humanDuration(s.uptime)],
    ['Restarts', s.restarts === 0 ? null : String(s.restarts)],
    ['Priority', s.priority === 'normal' ? null : s.priority],
    ['Pid file', s.pidFile],
    ['Success codes', s.successExitCodes.length ? `0, ${s.successExitCodes.join(', ')}` : null],
    ['No restart on', s.noRestartExitCodes.length ? s.noRestartExitCodes.join(', ') : null],
    ['Affinity', s.affinity === null ? null : s.affinity.join(', ')],
    ['Ready timeout', s.readyTimeout === 0 ? null : humanDuration(s.readyTimeout)],
    ['Last exit', s.lastExit ? `${lastExitText(s)} after ${humanDuration(s.lastExit.runtimeMs)}${s.lastExit.error ? `: ${visibleText(s.lastExit.error)}` : ''}` : null],
    ['Next restart', s.nextRestartAt ? `in ${humanDuration(Math.max(0, Date.parse(s.nextRestartAt) - Date.now()))}` : null],
    ['Exit code', scmExitText(s)],
    ['Startup', String(s.startType ?? '-')],
    ['Account', s.account ?? '-'],
    ['Log', s.logFile],
    ['Stderr log', s.stderrLogFile],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null);
}

/** Rows as `Key  value` lines, the keys padded to one width. */
export function printRows(io: Pick<Io, 'stdout'>, rows: readonly (readonly [string, string])[]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

/** A list of services as JSON, as a table, or the line that says there are none; exit code 0. */
function printList<T>(io: Io, json: boolean, items: readonly T[], none: string, headers: string[], row: (item: T) => string[]): number {
  if (json) io.stdout.write(`${terminalJson(items)}\n`);
  else if (items.length === 0) io.stdout.write(`${none}\n`);
  else io.stdout.write(`${table(headers, items.map(row))}\n`);
  return 0;
}

export async function cmdStatus(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 1) throw new UsageError('too many arguments', 'status');
  const json = bool(args, 'json') === true;
  if (args.positionals.length === 0) {
    const services = await listProgramServices();
    const statuses = await Promise.all(services.map((s) => getProgramServiceStatus(s.name)));
    return printList(io, json, statuses, 'no services installed by scm-native', ['NAME', 'STATE', 'PID', 'PROGRAM PID', 'RESTARTS', 'UPTIME', 'LAST EXIT', 'GROUP'], (s) => {
      const state = stateWord(s.state, s.hostState);
      return [s.name, paint(io, stateColour(state), state), s.hostPid === null ? '-' : String(s.hostPid), s.programPid === null ? '-' : String(s.programPid),
        String(s.restarts), s.uptime === null ? '-' : humanDuration(s.uptime), lastExitText(s), s.hostGroup ?? '-'];
    });
  }
  const s = await getProgramServiceStatus(args.positionals[0] as string);
  if (json) {
    io.stdout.write(`${terminalJson(s)}\n`);
    return 0;
  }
  printRows(io, statusRows(s, io));
  if (s.lastStderr.length) {
    io.stdout.write(`Last stderr lines (the program failed early):\n`);
    for (const line of s.lastStderr) io.stdout.write(`  ${paint(io, 'red', '|')} ${visibleText(line)}\n`);
  }
  for (const warning of s.locationWarnings) io.stdout.write(`${paint(io, 'yellow', 'Warning')}: ${warning}\n`);
  return 0;
}

const STATES: readonly ServiceState[] = ['stopped', 'start_pending', 'stop_pending', 'running', 'continue_pending', 'pause_pending', 'paused'];

export async function cmdList(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError('list takes no arguments (use --filter)', 'list');
  const state = str(args, 'state');
  if (state !== undefined && !STATES.includes(state as ServiceState)) throw new UsageError(`--state must be one of ${STATES.join(', ')}`, 'list');
  const filter = str(args, 'filter');
  const json = bool(args, 'json') === true;
  // --system (system-option.ts normalised it; absent for this computer): that machine's SCM and registry.
  const system = str(args, 'system');
  const on = system !== undefined ? { system } : {};
  if (bool(args, 'all')) {
    const re = filter === undefined ? null : new RegExp(`^${filter.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    const all = (await getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'], ...on }))
      .filter((s) => (state === undefined || s.state === state) && (!re || re.test(s.name) || re.test(s.displayName)))
      .sort((a, b) => a.name.localeCompare(b.name));
    if (json) io.stdout.write(`${JSON.stringify(all.map((s) => ({ name: s.name, displayName: s.displayName, state: s.state, pid: s.pid > 0 ? s.pid : null })), null, 2)}\n`);
    else io.stdout.write(`${table(['NAME', 'STATE', 'PID', 'DISPLAY NAME'], all.map((s) => [s.name, paint(io, stateColour(stateWord(s.state)), stateWord(s.state)), s.pid > 0 ? String(s.pid) : '-', s.displayName]))}\n`);
    return 0;
  }
  const services = await listProgramServices({ ...(state ? { state: state as ServiceState } : {}), ...(filter !== undefined ? { filter } : {}), ...on });
  return printList(io, json, services, 'no services installed by scm-native match', ['NAME', 'STATE', 'PID', 'PROGRAM', 'GROUP'],
    (s) => [s.name, paint(io, stateColour(stateWord(s.state, s.hostState)), stateWord(s.state, s.hostState)), s.pid === null ? '-' : String(s.pid), s.program, s.hostGroup ?? '-']);
}

export async function cmdLogs(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'logs');
  const count = str(args, 'lines') === undefined ? 50 : parseCount(str(args, 'lines') as string, '--lines');
  const which = bool(args, 'stderr') === true ? { stderr: true } : {};
  const file = await programServiceLogFile(name, which);
  const { lines, follower } = await followProgramServiceLog(name, count, which);
  if (io.json) {
    // One document, or with --follow JSON lines: the file, then one object per line as it comes.
    if (!bool(args, 'follow')) {
      writeJson(io, { name, file, exists: fs.existsSync(file), lines });
      return 0;
    }
    writeJson(io, { name, file, exists: fs.existsSync(file) }, true);
    for (const line of lines) writeJson(io, { line }, true);
    await followLog(follower, io);
    return 0;
  }
  if (lines.length === 0 && !fs.existsSync(file)) io.stderr.write(`(no log yet: ${file})\n`);
  // The program's text is shown, never sent to the terminal as is (visibleText); the file keeps it.
  for (const line of lines) io.stdout.write(`${visibleText(line)}\n`);
  if (!bool(args, 'follow')) return 0;
  await followLog(follower, io);
  return 0;
}

/** Prints the lines appended to the service's log, following it across rotations, until Ctrl+C. */
async function followLog(follower: LogFollower, io: Io): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        const text = follower.poll();
        if (text && io.json) for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) writeJson(io, { line }, true);
        else if (text) io.stdout.write(visibleLines(text));
      } catch (error) {
        stop();
        reject(error);
      }
    }, 250);
    const stop = () => {
      clearInterval(timer);
      process.removeListener('SIGINT', onInterrupt);
    };
    const onInterrupt = () => {
      stop();
      resolve();
    };
    process.on('SIGINT', onInterrupt);
  });
}

export async function cmdRotate(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'rotate');
  await rotateProgramServiceLog(name);
  if (io.json) {
    writeJson(io, { name, rotated: true, file: await programServiceLogFile(name) });
    return 0;
  }
  io.stdout.write(`asked ${name} to rotate its log: ${await programServiceLogFile(name)} starts anew\n`);
  return 0;
}
