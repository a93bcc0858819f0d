// Restarting a service, and optionally the services that depend on it: stop (dependents first),
// start, then start again the dependents that were running, in their start order. What
// `Restart-Service -Force` and `net stop /y` + `net start` leave to the user to get right.
import { checkBoolean, checkOptions, checkServiceName, checkStandardOptions, checkStringArray, checkTimeout } from '../validation';
import { startService, stopService } from './control';
import type { StartServiceOptions } from './control';
import { getDependentServiceStatus } from './query';

/** Options of {@link restartService}. */
export interface RestartServiceOptions extends StartServiceOptions {
  /**
   * Stop the active dependents first and start them again afterwards (in their start order).
   * Without it, a service with running dependents is an ScmError ERROR_DEPENDENT_SERVICES_RUNNING.
   * Default false.
   */
  restartDependents?: boolean;
}

/**
 * Stops the service (waiting for STOPPED), then starts it (waiting for RUNNING), all within
 * `wait` milliseconds, which must be given. Resolves `true` when the service (and, with
 * `restartDependents`, every dependent that was running) runs again, `false` when the time ran
 * out or the service stopped while starting. A stopped service is just started. Wraps
 * ControlServiceExW(SERVICE_CONTROL_STOP), StartServiceW and EnumDependentServicesW.
 */
export async function restartService(name: string, options?: RestartServiceOptions): Promise<boolean> {
  const serviceName = checkServiceName(name, 'name');
  const opts = checkOptions<RestartServiceOptions>(options);
  const std = checkStandardOptions(opts);
  if (opts.wait === undefined) throw new RangeError('options.wait is required: a restart waits for the stop before it can start');
  const wait = checkTimeout(opts.wait, 'options.wait');
  if (wait === 0) throw new RangeError('options.wait must be more than 0: a restart waits for the stop before it can start');
  const restartDependents = checkBoolean(opts.restartDependents, 'options.restartDependents', false);
  if (opts.args !== undefined) checkStringArray(opts.args, 'options.args');
  const standard = { ...(std.system !== null ? { system: std.system } : {}), ...(std.database !== null ? { database: std.database } : {}) };
  const signal = opts.signal ? { signal: opts.signal } : {};
  const deadline = Date.now() + wait;
  const left = () => Math.max(1, deadline - Date.now());

  // Listed before the stop: afterwards they are all stopped. The list is in stop order.
  const dependents = restartDependents ? await getDependentServiceStatus(serviceName, { ...standard, state: 'active' }) : [];
  if (!(await stopService(serviceName, { ...standard, ...signal, wait: left(), stopDependents: dependents.length > 0 }))) return false;
  if (Date.now() >= deadline) return false;
  if (!(await startService(serviceName, { ...standard, ...signal, wait: left(), ...(opts.args ? { args: opts.args } : {}) }))) return false;
  for (const dependent of [...dependents].reverse()) {
    if (Date.now() >= deadline) return false;
    if (!(await startService(dependent.name, { ...standard, ...signal, wait: left() }))) return false;
  }
  return true;
}
