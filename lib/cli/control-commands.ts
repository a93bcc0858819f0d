// `scm-native start`, `stop` and `restart`: with a wait as long as the service's own settings
// need (its ready and stop timeouts), progress on a terminal, and what depends on it with
// --dependents.
import { exitCodeText } from '../exit-code-text';
import { startService, stopService } from '../services/control';
import { getDependentServiceStatus, getServiceStatus } from '../services/query';
import { DEFAULT_STOP_TIMEOUT_MS } from '../host/setting-fields';
import { explainStartFailure } from '../host/host-group';
import { readSettings } from '../host/settings';
import { deadServiceProcess } from '../host/manage';
import { UsageError } from './args';
import type { ParsedArgs } from './args';
import { one } from './command';
import { reportFailure, writeJson } from './json-output';
import { humanDuration, paint, withProgress } from './output';
import type { Io } from './output';

const bool = (args: ParsedArgs, key: string) => args.options[key] as boolean | undefined;
/** The machine of --system (system-option.ts normalised it; absent for this computer). */
const systemArg = (args: ParsedArgs) => args.options.system as string | undefined;
/** The library's options for `system`. */
const on = (system: string | undefined) => (system !== undefined ? { system } : {});
/** A service as output names it: `name`, or `name on HOST`. */
const named = (name: string, system: string | undefined) => (system !== undefined ? `${name} on ${system}` : name);

/** The exit code of a hosted service whose program never reported ready (also a 1053 of the SCM's). */
const ERROR_SERVICE_REQUEST_TIMEOUT = 1053;

export async function startAndWait(name: string, io: Io, wait = true, system?: string): Promise<number> {
  // Another machine's settings come through its remote registry; without it, the 30 s default.
  const settings = await readSettings(name, system ?? null).catch(() => null);
  // A program that reports ready may take its whole ready timeout, and a failed one its stop.
  const timeout = Math.max(30000, settings && settings.readyTimeout > 0 ? settings.readyTimeout + settings.stopTimeout + 15000 : 0);
  const starting = startService(name, { wait: wait ? timeout : 0, ...on(system) }).catch((error: unknown) => {
    throw explainStartFailure(error, name, settings?.hostGroup ?? null);
  });
  const ok = await withProgress(io, `Starting ${named(name, system)}`, starting, (running) => (running ? 'running' : 'not running'));
  if (!wait) return 0;
  const status = await getServiceStatus(name, on(system));
  if (!ok || status.state !== 'running') {
    let detail = `state ${status.state}`;
    if (status.exitCode === 1066) detail += `, service exit code ${exitCodeText(status.serviceCode)}`;
    else if (status.exitCode) detail += `, exit code ${status.exitCode}`;
    if (status.exitCode === ERROR_SERVICE_REQUEST_TIMEOUT && settings && settings.readyTimeout > 0) {
      detail += `: the program did not report ready within ${humanDuration(settings.readyTimeout)}`;
    }
    const see = !settings ? '' : system !== undefined ? `; see ${settings.log.dir} on ${system}` : `; see scm-native status ${name} and ${settings.log.dir}`;
    return reportFailure(io, 'ERR_SCM_NOT_STARTED', name, `${named(name, system)} did not start (${detail})${see}`);
  }
  if (!io.json) io.stdout.write(`${paint(io, 'green', 'running')} ${named(name, system)} (pid ${status.pid})\n`);
  return 0;
}

/** The JSON document of start, stop and restart: the service's state now (on `system`, when given). */
async function stateJson(io: Io, name: string, system: string | undefined, extra: Record<string, unknown> = {}): Promise<void> {
  const s = await getServiceStatus(name, on(system));
  writeJson(io, { name, ...(system === undefined ? {} : { system }), state: s.state, pid: s.pid > 0 ? s.pid : null, ...extra });
}

export async function cmdStart(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'start');
  const system = systemArg(args);
  const code = await startAndWait(name, io, bool(args, 'wait') !== false, system);
  if (code === 0 && io.json) await stateJson(io, name, system);
  return code;
}

/** The stop timeout of a service scm-native hosts, plus a margin; 25 s for others. */
async function stopWaitOf(name: string, system?: string): Promise<number> {
  const settings = await readSettings(name, system ?? null).catch(() => null);
  return (settings?.stopTimeout ?? DEFAULT_STOP_TIMEOUT_MS) + 15000;
}

/**
 * Stops `name`; with `dependents`, its running dependents first (listed on stdout). Returns the
 * exit code and the dependents that were stopped, in stop order.
 */
async function stopAndWait(name: string, io: Io, wait = true, dependents = false, system?: string): Promise<{ code: number; stopped: string[] }> {
  // A service whose process is gone (a killed host, which Wine 8 keeps RUNNING) has nothing to
  // stop: every control would fail with ERROR_NO_DATA. Say so and count it as stopped. (Another
  // machine's pid says nothing here; Windows marks such a service stopped itself.)
  const before = await getServiceStatus(name, on(system));
  const gone = system === undefined ? deadServiceProcess(before) : null;
  if (gone !== null) {
    if (!io.json) {
      io.stdout.write(`${name}: its process (pid ${gone}) is already gone (killed?); the Service Control Manager still reports it ${before.state}, nothing to stop\n`);
      io.stdout.write(`${paint(io, 'gray', 'stopped')} ${name}\n`);
    }
    return { code: 0, stopped: [] };
  }
  const others = dependents ? (await getDependentServiceStatus(name, { state: 'active', ...on(system) })).map((s) => s.name) : [];
  let timeout = await stopWaitOf(name, system);
  for (const other of others) timeout += await stopWaitOf(other, system);
  if (others.length && !io.json) io.stdout.write(`stopping what depends on ${name} first: ${others.join(', ')}\n`);
  const stopped = await withProgress(io, `Stopping ${named(name, system)}`, stopService(name, { wait: wait ? timeout : 0, stopDependents: others.length > 0, ...on(system) }), (s) => (s ? 'stopped' : 'still stopping'));
  if (!wait) return { code: 0, stopped: others };
  if (!stopped) {
    return { code: reportFailure(io, 'ERR_SCM_NOT_STOPPED', name, `${named(name, system)}${others.length ? ' (or a service that depends on it)' : ''} did not stop within ${humanDuration(timeout)}`), stopped: others };
  }
  if (!io.json) io.stdout.write(`${paint(io, 'gray', 'stopped')} ${named(name, system)}\n`);
  return { code: 0, stopped: others };
}

export async function cmdStop(args: ParsedArgs, io: Io): Promise<number> {
  const wait = bool(args, 'wait') !== false;
  const dependents = bool(args, 'dependents') === true;
  if (dependents && !wait) throw new UsageError('--dependents needs the wait: the dependents must have stopped before the service can stop', 'stop');
  const name = one(args, 'stop');
  const system = systemArg(args);
  const { code, stopped } = await stopAndWait(name, io, wait, dependents, system);
  if (code === 0 && io.json) await stateJson(io, name, system, { stoppedDependents: stopped });
  return code;
}

export async function cmdRestart(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'restart');
  const system = systemArg(args);
  const { code, stopped } = await stopAndWait(name, io, true, bool(args, 'dependents') === true, system);
  if (code !== 0) return code;
  const started = await startAndWait(name, io, true, system);
  if (started !== 0) return started;
  // Again in start order: each after what it depends on.
  for (const other of [...stopped].reverse()) {
    const again = await startAndWait(other, io, true, system);
    if (again !== 0) return again;
  }
  if (io.json) await stateJson(io, name, system, { restartedDependents: [...stopped].reverse() });
  return 0;
}
