// `scm-native start`, `stop` and `restart`: with a wait as long as the service's own settings
// need (its ready and stop timeouts), progress on a terminal, and what depends on it with
// --dependents.
import { startService, stopService } from '../services/control';
import { getDependentServiceStatus, getServiceStatus } from '../services/query';
import { DEFAULT_STOP_TIMEOUT_MS } from '../host/setting-fields';
import { explainStartFailure } from '../host/host-group';
import { readSettings } from '../host/settings';
import { deadServiceProcess } from '../host/manage';
import { UsageError } from './args';
import type { ParsedArgs } from './args';
import { one } from './command';
import { humanDuration, paint, withProgress } from './output';
import type { Io } from './output';

const bool = (args: ParsedArgs, key: string) => args.options[key] as boolean | undefined;

/** The exit code of a hosted service whose program never reported ready (also a 1053 of the SCM's). */
const ERROR_SERVICE_REQUEST_TIMEOUT = 1053;

export async function startAndWait(name: string, io: Io, wait = true): Promise<number> {
  const settings = await readSettings(name).catch(() => null);
  // A program that reports ready may take its whole ready timeout, and a failed one its stop.
  const timeout = Math.max(30000, settings && settings.readyTimeout > 0 ? settings.readyTimeout + settings.stopTimeout + 15000 : 0);
  const starting = startService(name, { wait: wait ? timeout : 0 }).catch((error: unknown) => {
    throw explainStartFailure(error, name, settings?.hostGroup ?? null);
  });
  const ok = await withProgress(io, `Starting ${name}`, starting, (running) => (running ? 'running' : 'not running'));
  if (!wait) return 0;
  const status = await getServiceStatus(name);
  if (!ok || status.state !== 'running') {
    let detail = `state ${status.state}`;
    if (status.exitCode === 1066) detail += `, service exit code ${status.serviceCode}`;
    else if (status.exitCode) detail += `, exit code ${status.exitCode}`;
    if (status.exitCode === ERROR_SERVICE_REQUEST_TIMEOUT && settings && settings.readyTimeout > 0) {
      detail += `: the program did not report ready within ${humanDuration(settings.readyTimeout)}`;
    }
    io.stderr.write(`scm-native: error: ${name} did not start (${detail})${settings ? `; see scm-native status ${name} and ${settings.log.dir}` : ''}\n`);
    return 1;
  }
  io.stdout.write(`${paint(io, 'green', 'running')} ${name} (pid ${status.pid})\n`);
  return 0;
}

export async function cmdStart(args: ParsedArgs, io: Io): Promise<number> {
  return startAndWait(one(args, 'start'), io, bool(args, 'wait') !== false);
}

/** The stop timeout of a service scm-native hosts, plus a margin; 25 s for others. */
async function stopWaitOf(name: string): Promise<number> {
  const settings = await readSettings(name).catch(() => null);
  return (settings?.stopTimeout ?? DEFAULT_STOP_TIMEOUT_MS) + 15000;
}

/**
 * Stops `name`; with `dependents`, its running dependents first (listed on stdout). Returns the
 * exit code and the dependents that were stopped, in stop order.
 */
async function stopAndWait(name: string, io: Io, wait = true, dependents = false): Promise<{ code: number; stopped: string[] }> {
  // A service whose process is gone (a killed host, which Wine 8 keeps RUNNING) has nothing to
  // stop: every control would fail with ERROR_NO_DATA. Say so and count it as stopped.
  const before = await getServiceStatus(name);
  const gone = deadServiceProcess(before);
  if (gone !== null) {
    io.stdout.write(`${name}: its process (pid ${gone}) is already gone (killed?); the Service Control Manager still reports it ${before.state}, nothing to stop\n`);
    io.stdout.write(`${paint(io, 'gray', 'stopped')} ${name}\n`);
    return { code: 0, stopped: [] };
  }
  const others = dependents ? (await getDependentServiceStatus(name, { state: 'active' })).map((s) => s.name) : [];
  let timeout = await stopWaitOf(name);
  for (const other of others) timeout += await stopWaitOf(other);
  if (others.length) io.stdout.write(`stopping what depends on ${name} first: ${others.join(', ')}\n`);
  const stopped = await withProgress(io, `Stopping ${name}`, stopService(name, { wait: wait ? timeout : 0, stopDependents: others.length > 0 }), (s) => (s ? 'stopped' : 'still stopping'));
  if (!wait) return { code: 0, stopped: others };
  if (!stopped) {
    io.stderr.write(`scm-native: error: ${name}${others.length ? ' (or a service that depends on it)' : ''} did not stop within ${humanDuration(timeout)}\n`);
    return { code: 1, stopped: others };
  }
  io.stdout.write(`${paint(io, 'gray', 'stopped')} ${name}\n`);
  return { code: 0, stopped: others };
}

export async function cmdStop(args: ParsedArgs, io: Io): Promise<number> {
  const wait = bool(args, 'wait') !== false;
  const dependents = bool(args, 'dependents') === true;
  if (dependents && !wait) throw new UsageError('--dependents needs the wait: the dependents must have stopped before the service can stop', 'stop');
  return (await stopAndWait(one(args, 'stop'), io, wait, dependents)).code;
}

export async function cmdRestart(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'restart');
  const { code, stopped } = await stopAndWait(name, io, true, bool(args, 'dependents') === true);
  if (code !== 0) return code;
  const started = await startAndWait(name, io);
  if (started !== 0) return started;
  // Again in start order: each after what it depends on.
  for (const other of [...stopped].reverse()) {
    const again = await startAndWait(other, io);
    if (again !== 0) return again;
  }
  return 0;
}
