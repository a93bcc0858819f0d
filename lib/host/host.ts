// The service host: the process the SCM starts for a service installed by `scm-native install`.
// It reads its settings from the registry, enters its kill-on-close job, becomes the service with
// runAsService, and supervises the program: output to the rotating log, restarts with backoff,
// graceful stop with a deadline, its state in the status file and lifecycle events in the event log.
// The run itself is HostRun (host-run.ts); this file is the entry point and the setup before it.
import * as fs from 'node:fs';
import { reportEvent } from '../as-service/event-log';
import { logServiceProblem } from '../as-service/service-host';
import { runAsService, updateServiceStatus } from '../as-service/run-as-service';
import type { ServiceControl } from '../as-service/controls';
import type { ServiceHandler } from '../as-service/service-host';
import { HOST_EVENT_IDS } from './host-event-log';
import { hostGroupMembers } from './host-group';
import { checkHostGroup, sameHostGroup } from './setting-checks';
import { getServiceConfiguration } from '../services/configuration';
import { HOST_CONTROLS, HOST_SETUP_FAILURE, HostRun } from './host-run';
import { servicePaths, untrustedLocations } from './location-security';
import type { ServicePath } from './location-security';
import { readSettings } from './settings';
import { checkBoolean, checkOptions, checkServiceName } from '../validation';
import type { HostSettings } from './settings';
import type { SupervisorOutcome } from './supervisor';

export { HOOK_FAILURE } from './hooks';
export { HOST_PREFIX } from './host-log';
export { HOST_SETUP_FAILURE, ROTATE_CONTROL } from './host-run';

export interface HostOptions {
  /** Run in the foreground (runAsService debug mode): output on this console, Ctrl+C stops. */
  debug?: boolean;
  /** Settings to use instead of the registry's (tests). */
  settings?: HostSettings;
}

/**
 * Runs the service `service` in this process until it stops. Resolves with the outcome (null when
 * the service was never started). Rejects when the settings cannot be read or the SCM did not
 * start this process (without `debug`).
 */
export async function runHost(service: string, options: HostOptions = {}): Promise<SupervisorOutcome | null> {
  checkServiceName(service, 'service');
  options = checkOptions<HostOptions>(options);
  checkBoolean(options.debug, 'options.debug', false);
  if (options.settings !== undefined && (typeof options.settings !== 'object' || options.settings === null)) throw new TypeError('options.settings must be an object');
  const debug = options.debug === true;
  const prepared = await prepareRun(service, options.settings ?? null, debug, null);
  if (typeof prepared === 'string') {
    if (debug) throw new Error(prepared);
    return failBeforeRun(service, prepared);
  }
  return prepared.run();
}

/**
 * The run of `service` with its settings (read now unless given), or why it cannot run at all
 * (no settings, or a log folder others can change): the start then fails with the event log only.
 * `shared`: the run is one of a shared host's (host-group.ts).
 */
async function prepareRun(service: string, given: HostSettings | null, debug: boolean, shared: { group: string; stopped(): void } | null): Promise<HostRun | string> {
  let settings: HostSettings | null = given;
  try {
    settings ??= await readSettings(service);
    if (!settings) return `service '${service}' has no scm-native settings (install it with 'scm-native install')`;
  } catch (error) {
    return `the settings of service '${service}' cannot be read: ${(error as Error).message}`;
  }
  if (shared && !sameHostGroup(settings.hostGroup, shared.group)) {
    return `service '${service}' is no longer in host group '${shared.group}' (its settings say ${settings.hostGroup ?? 'none'}); start it again once the group's other services have stopped`;
  }
  // Folders others can change are not written to at all, nor an environment file others can change
  // read: the start fails with the event log only.
  const insecure = await untrustedLocations(checkedAtStart(settings), await serviceAccount(service));
  if (insecure.length > 0 && !settings.allowInsecureLocation) {
    return `refusing to write where others can change it, or to read an environment file they can: ${insecure.join('; ')}`;
  }
  // A missing file does not stop the host: the start fails, reported in the service's own log.
  const missing = [settings.program, settings.interpreter, settings.cwd, settings.envFile].find((p) => p !== null && !fs.existsSync(p));
  const setupProblem = missing === undefined ? null : `${missing} does not exist (anymore): fix it with 'scm-native update ${service}'`;
  return new HostRun(service, settings, debug, setupProblem, insecure, shared);
}

/**
 * Runs the shared host of host group `group` until its last service stops: one HostRun per
 * service, each made at the service's start from its settings as they are then (the process may
 * outlive several runs of a service), and closed at its STOPPED. The dispatcher table names every
 * member the registry lists now: a service that joins the group later cannot start in this
 * process (the SCM gets ERROR_SERVICE_NOT_IN_EXE) until it ends. Rejects as {@link runHost} does.
 */
export async function runHostGroup(group: string): Promise<void> {
  const name = checkHostGroup(group, 'group');
  if (name === null) throw new TypeError('group must be a host group name');
  const members = await hostGroupMembers(name);
  if (members.length === 0) throw new Error(`host group '${name}' has no services (none has hostGroup '${name}' in its settings)`);
  const runs = new Map<string, HostRun>();
  const closing = new Set<Promise<unknown>>();
  const handlers: Record<string, ServiceHandler> = {};
  for (const member of members) {
    handlers[member.name] = (control: ServiceControl, service: string, seq: number, code: number, ...extra: unknown[]) => {
      const current = runs.get(service);
      if (control !== 'start') return current?.control(control, seq, code, extra);
      if (current) return undefined; // the SCM never starts a running service twice
      return startMember(service, seq, code, extra);
    };
  }
  const startMember = async (service: string, seq: number, code: number, extra: unknown[]): Promise<'running' | undefined> => {
    let run: HostRun | null = null;
    const prepared = await prepareRun(service, null, false, {
      group: name,
      stopped: () => {
        if (runs.get(service) === run) runs.delete(service);
        if (run) closing.add(run.close());
      },
    });
    if (typeof prepared === 'string') {
      failMemberStart(service, seq, prepared);
      return undefined;
    }
    run = prepared;
    runs.set(service, run);
    return run.control('start', seq, code, extra);
  };
  await runAsService(handlers, { controls: HOST_CONTROLS, failureExitCode: 1, shared: true });
  // The dispatcher returned: every member stopped. What a run still writes ends with its close.
  await Promise.all([...closing, ...[...runs.values()].map((run) => run.close())]);
}

/**
 * What is checked again at each start of the service: the folders the host writes to (the log and
 * status file folder, the pid file's), and the environment file, which it reads at each start of
 * the program and which decides what the program runs (NODE_OPTIONS, PATH).
 */
function checkedAtStart(settings: HostSettings): ServicePath[] {
  return servicePaths(settings).filter((p) => p.data || (settings.envFile !== null && p.path === settings.envFile));
}

/** The account the service runs as (LocalSystem when it cannot be read). */
async function serviceAccount(service: string): Promise<string | undefined> {
  const config = await getServiceConfiguration(service, { fields: ['account'] }).catch(() => ({} as { account?: string }));
  return config.account ?? undefined;
}

/**
 * Without settings, or without a log folder it may write to, there is no log, no status file and
 * no HostRun: the SCM gets the exit code, the event log the reason.
 */
async function failBeforeRun(service: string, problem: string): Promise<null> {
  logServiceProblem(`scm-native host: ${problem}`);
  await runAsService({
    [service]: (control: ServiceControl, name: string, seq: number) => {
      if (control === 'start') failMemberStart(name, seq, problem);
      return undefined;
    },
  }, { controls: ['stop', 'shutdown'] });
  return null;
}

/** A start that cannot even begin: the event log says why, the SCM gets STOPPED with {@link HOST_SETUP_FAILURE}. */
function failMemberStart(service: string, seq: number, problem: string): void {
  // The id of a failed start (docs/service-host.md, "Event log"), as HostRun's own failed starts.
  reportEvent(service, 'error', `${service}: cannot start: ${problem}`, { eventId: HOST_EVENT_IDS['start-failed'] }).catch(() => {}).finally(() => {
    updateServiceStatus(service, seq, 'stopped', { serviceCode: HOST_SETUP_FAILURE });
  });
}
