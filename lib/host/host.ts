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
import { getServiceConfiguration } from '../services/configuration';
import { HOST_SETUP_FAILURE, HostRun } from './host-run';
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
  let settings: HostSettings | null = options.settings ?? null;
  let problem: string | null = null;
  try {
    settings ??= await readSettings(service);
    if (!settings) problem = `service '${service}' has no scm-native settings (install it with 'scm-native install')`;
  } catch (error) {
    problem = `the settings of service '${service}' cannot be read: ${(error as Error).message}`;
  }
  if (!settings || problem) {
    if (debug) throw new Error(problem ?? 'no settings');
    return failBeforeRun(service, problem as string);
  }
  // Folders others can change are not written to at all, nor an environment file others can change
  // read: the start fails with the event log only.
  const insecure = await untrustedLocations(checkedAtStart(settings), await serviceAccount(service));
  if (insecure.length > 0 && !settings.allowInsecureLocation) {
    const refusal = `refusing to write where others can change it, or to read an environment file they can: ${insecure.join('; ')}`;
    if (debug) throw new Error(refusal);
    return failBeforeRun(service, refusal);
  }
  // A missing file does not stop the host: the start fails, reported in the service's own log.
  const missing = [settings.program, settings.interpreter, settings.cwd, settings.envFile].find((p) => p !== null && !fs.existsSync(p));
  const setupProblem = missing === undefined ? null : `${missing} does not exist (anymore): fix it with 'scm-native update ${service}'`;
  return new HostRun(service, settings, debug, setupProblem, insecure).run();
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
      if (control !== 'start') return undefined;
      reportEvent(service, 'error', `${service}: cannot start: ${problem}`).catch(() => {}).finally(() => {
        updateServiceStatus(name, seq, 'stopped', { serviceCode: HOST_SETUP_FAILURE });
      });
      return undefined;
    },
  }, { controls: ['stop', 'shutdown'] });
  return null;
}
