// Starting and stopping services, and waiting for a state without polling.
import { ScmError } from '../errors/scm-error';
import { callAsync, native, toScmError } from '../native/binding';
import type { RawWaitResult } from '../native/raw-types';
import { checkBoolean, checkInteger, checkOptions, checkServiceName, checkSignal, checkStandardOptions, checkStringArray, checkTimeout } from '../validation';
import type { StandardOptions } from '../validation';
import { getDependentServiceStatus } from './query';
import { statusFromRaw } from './status-record';
import type { ServiceStatus } from './status-record';
import { notifyBit, SERVICE_CONTROL, SERVICE_STATES } from './tokens';
import type { ServiceState } from './tokens';

/** Options of the functions that can wait for the state they asked for. */
export interface WaitOptions extends StandardOptions {
  /** Milliseconds to wait for the target state (0, the default, does not wait). */
  wait?: number;
  /**
   * Cancels the wait: the promise rejects with the signal's reason (an AbortError). A signal
   * already aborted when the function is called rejects at once and sends nothing.
   */
  signal?: AbortSignal;
}

/** Options of {@link waitForServiceState}. */
export interface WaitForStateOptions extends StandardOptions {
  /** Milliseconds before giving up; waits without limit when omitted. */
  timeout?: number;
  /** Cancels the wait. */
  signal?: AbortSignal;
}

/** How a wait ended. */
export interface WaitResult {
  /** `reached`: the service is in one of the states; `timeout`; `deleted`: marked for deletion. */
  outcome: 'reached' | 'timeout' | 'deleted';
  /** The last status seen (null when the service disappeared before the first query). */
  status: ServiceStatus | null;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/** What a wait does first, on its own thread and handle, before it watches. @internal */
type WaitAction = { start: string[] } | { control: number } | null;

/**
 * The wait itself: NotifyServiceStatusChangeW on a dedicated native thread, so the event loop
 * never blocks and no thread-pool slot is held. @internal
 */
async function waitNative(
  name: string, system: string | null, database: string | null, states: ServiceState[], timeoutMs: number,
  signal: AbortSignal | undefined, action: WaitAction = null,
): Promise<WaitResult> {
  if (signal?.aborted) throw abortReason(signal);
  const mask = states.reduce((bits, state) => bits | notifyBit(state), 0);
  const context = { service: name, system };
  const startArgs = action && 'start' in action ? action.start : null;
  const control = action && 'control' in action ? action.control : null;
  let handle: ReturnType<ReturnType<typeof native>['waitForStatus']>;
  try {
    handle = native().waitForStatus(system, database, name, mask, timeoutMs, startArgs, control);
  } catch (error) {
    throw toScmError(error, context);
  }
  const onAbort = () => handle.cancel();
  let raw: RawWaitResult;
  try {
    // Inside the try: whatever throws here, the native promise is still awaited (never left to
    // reject unhandled), and the wait is cancelled rather than left running.
    try {
      signal?.addEventListener('abort', onAbort, { once: true });
    } catch (error) {
      handle.cancel();
      await handle.promise.catch(() => {});
      throw error;
    }
    raw = await handle.promise;
  } catch (error) {
    throw toScmError(error, context);
  } finally {
    try {
      signal?.removeEventListener('abort', onAbort);
    } catch {
      // nothing was registered
    }
  }
  if (raw.outcome === 'cancelled') throw abortReason(signal as AbortSignal);
  return { outcome: raw.outcome, status: raw.status ? statusFromRaw(name, raw.status) : null };
}

function checkStates(value: unknown): ServiceState[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new RangeError('states must name at least one state');
  return list.map((state, index) => {
    if (typeof state !== 'string' || !(state in SERVICE_STATES)) {
      const error = typeof state === 'string' ? RangeError : TypeError;
      throw new error(`states[${index}] must be one of ${Object.keys(SERVICE_STATES).join(', ')}`);
    }
    return state as ServiceState;
  });
}

/**
 * Waits until a service is in one of `states`, is marked for deletion, or `timeout` passes,
 * without polling. Wraps NotifyServiceStatusChangeW (on a dedicated thread).
 */
export async function waitForServiceState(
  name: string, states: ServiceState | ServiceState[], options?: WaitForStateOptions,
): Promise<WaitResult> {
  const serviceName = checkServiceName(name, 'name');
  const wanted = checkStates(states);
  const opts = checkOptions<WaitForStateOptions>(options);
  const std = checkStandardOptions(opts);
  const timeout = opts.timeout === undefined ? -1 : checkTimeout(opts.timeout, 'options.timeout');
  return waitNative(serviceName, std.system, std.database, wanted, timeout, checkSignal(opts.signal));
}

function prepareWait(name: unknown, options: unknown) {
  const serviceName = checkServiceName(name, 'name');
  const opts = checkOptions<WaitOptions & { args?: string[] }>(options);
  const std = checkStandardOptions(opts);
  const wait = opts.wait === undefined ? 0 : checkTimeout(opts.wait, 'options.wait');
  return { name: serviceName, ...std, wait, signal: checkSignal(opts.signal), opts, context: { service: serviceName, system: std.system } };
}

/** Options of {@link startService}. */
export interface StartServiceOptions extends WaitOptions {
  /** Arguments passed to the service's start handler (after the service name). */
  args?: string[];
}

/**
 * Starts a service if it is not running (twapi `start_service`). Resolves `true` when the
 * service is running by the time it returns and `false` otherwise (the `wait` ran out, or the
 * service stopped again while starting): like twapi, `false` is not an error. Starting a running
 * service is not an error either. Wraps StartServiceW (SERVICE_START access).
 */
export async function startService(name: string, options?: StartServiceOptions): Promise<boolean> {
  const q = prepareWait(name, options);
  const args = q.opts.args === undefined ? [] : checkStringArray(q.opts.args, 'options.args');
  // StartServiceW runs on the wait's own thread and handle (ERROR_SERVICE_ALREADY_RUNNING is not
  // an error there), so the wait starts watching at once. A start that fails leaves the service
  // STOPPED: that ends the wait early, with false.
  const result = await waitNative(q.name, q.system, q.database, ['running', 'stopped'], q.wait, q.signal, { start: args });
  return result.outcome === 'reached' && result.status?.state === 'running';
}

/**
 * A stop the SCM refused: `true` when the service is already stopping (nothing to send, just
 * wait), `false` when it is not active (already stopped); any other error is rethrown.
 */
function refusedStopIsPending(error: unknown): boolean {
  if (!(error instanceof ScmError)) throw error;
  if (error.code === 'ERROR_SERVICE_NOT_ACTIVE') return false;
  if (error.code === 'ERROR_SERVICE_CANNOT_ACCEPT_CTRL' && error.lastStatus?.state === 'stop_pending') return true;
  throw error;
}

/** Whether an error is the SCM's refusal of the control itself (not of opening the service, nor of the wait). */
function isControlRefusal(error: unknown): boolean {
  return error instanceof ScmError && (error.syscall === 'ControlService' || error.syscall === 'ControlServiceExW');
}

/** Options of {@link stopService}. */
export interface StopServiceOptions extends WaitOptions {
  /**
   * Stop the active services that depend on this one first, each within what is left of `wait`
   * (which must then be given): what `net stop` asks about, pywin32's `StopServiceWithDeps` and
   * .NET's `ServiceController.Stop()` do. Without it, a service with running dependents is an
   * ScmError ERROR_DEPENDENT_SERVICES_RUNNING. Default false.
   */
  stopDependents?: boolean;
}

/**
 * Stops a service if it is running (twapi `stop_service`). Resolves `true` when the service is
 * stopped by the time it returns and `false` when the `wait` ran out. Stopping a stopped service
 * is not an error. Wraps ControlServiceExW / ControlService(SERVICE_CONTROL_STOP), and with
 * `stopDependents` EnumDependentServicesW.
 */
export async function stopService(name: string, options?: StopServiceOptions): Promise<boolean> {
  const q = prepareWait(name, options);
  const stopDependents = checkBoolean((q.opts as StopServiceOptions).stopDependents, 'options.stopDependents', false);
  if (stopDependents && q.wait === 0) throw new RangeError('options.stopDependents needs options.wait: the dependents must have stopped before the service can be');
  // A signal aborted before the call sends nothing (as startService, and as fetch does).
  if (q.signal?.aborted) throw abortReason(q.signal);
  if (stopDependents) {
    const deadline = Date.now() + q.wait;
    if (!(await stopActiveDependents(q, deadline))) return false;
    return stopService(q.name, { ...withoutDependents(q.opts), wait: Math.max(1, deadline - Date.now()) });
  }
  const stopped = async () => (await waitNative(q.name, q.system, q.database, ['stopped'], q.wait, q.signal)).status?.state === 'stopped';
  if (q.wait === 0) {
    // No wait: the plain control, whose answer is the result.
    try {
      const after = await callAsync(q.context, (b) => b.controlService(q.system, q.database, q.name, SERVICE_CONTROL.stop));
      return after.currentState === SERVICE_STATES.stopped;
    } catch (error) {
      if (!refusedStopIsPending(error)) return true;
    }
    return stopped();
  }
  // The wait sends the control itself, on its own thread and handle, and watches from the
  // control's answer on: no separate call that opens and closes handles first.
  try {
    const result = await waitNative(q.name, q.system, q.database, ['stopped'], q.wait, q.signal, { control: SERVICE_CONTROL.stop });
    return result.status?.state === 'stopped';
  } catch (error) {
    if (!isControlRefusal(error)) throw error;
    if (!refusedStopIsPending(error)) return true;
  }
  return stopped();
}

async function controlAndWait(name: unknown, options: unknown, control: number, target: ServiceState): Promise<boolean> {
  const q = prepareWait(name, options);
  // Stopping while a pause or continue is pending also ends the wait (with false).
  const states: ServiceState[] = [target, 'stopped'];
  if (q.signal?.aborted) throw abortReason(q.signal);
  if (q.wait === 0) {
    // No wait: the control's own answer is the result.
    const after = await callAsync(q.context, (b) => b.controlService(q.system, q.database, q.name, control));
    return after.currentState === SERVICE_STATES[target];
  }
  // The wait sends the control on its own handle first; a refusal rejects as controlService's does.
  const result = await waitNative(q.name, q.system, q.database, states, q.wait, q.signal, { control });
  return result.status?.state === target;
}

/**
 * Pauses a running service (twapi `pause_service`). Resolves `true` when it is paused by the time
 * it returns, `false` otherwise; an ScmError (with `lastStatus`) when the service is not running
 * or does not accept pause. Wraps ControlServiceExW / ControlService(SERVICE_CONTROL_PAUSE).
 */
export async function pauseService(name: string, options?: WaitOptions): Promise<boolean> {
  return controlAndWait(name, options, SERVICE_CONTROL.pause, 'paused');
}

/**
 * Resumes a paused service (twapi `continue_service`). Resolves `true` when it is running by the
 * time it returns. Wraps ControlServiceExW / ControlService(SERVICE_CONTROL_CONTINUE).
 */
export async function continueService(name: string, options?: WaitOptions): Promise<boolean> {
  return controlAndWait(name, options, SERVICE_CONTROL.continue, 'running');
}

/**
 * Asks a service to report its status to the SCM now (twapi `interrogate_service`) and returns
 * that status. Wraps ControlServiceExW / ControlService(SERVICE_CONTROL_INTERROGATE).
 */
export async function interrogateService(name: string, options?: StandardOptions): Promise<ServiceStatus> {
  const q = prepareWait(name, options);
  return statusFromRaw(q.name, await callAsync(q.context, (b) => b.controlService(q.system, q.database, q.name, SERVICE_CONTROL.interrogate)));
}

/**
 * Sends a user-defined control (128-255) to a service and returns its status. Other codes are a
 * RangeError: use the dedicated functions for stop, pause, continue and interrogate.
 * Wraps ControlServiceExW / ControlService (SERVICE_USER_DEFINED_CONTROL access).
 */
export async function controlService(name: string, code: number, options?: StandardOptions): Promise<ServiceStatus> {
  const q = prepareWait(name, options);
  const control = checkInteger(code, 'code', 128, 255);
  return statusFromRaw(q.name, await callAsync(q.context, (b) => b.controlService(q.system, q.database, q.name, control)));
}

/**
 * Stops the active dependents of `q.name` in the order EnumDependentServicesW lists them (the
 * reverse of their start order, so each before what it depends on). False when one did not stop
 * by `deadline`.
 */
async function stopActiveDependents(q: ReturnType<typeof prepareWait>, deadline: number): Promise<boolean> {
  const system = q.system ?? undefined;
  const database = q.database ?? undefined;
  const standard = { ...(system !== undefined ? { system } : {}), ...(database !== undefined ? { database } : {}) };
  const dependents = await getDependentServiceStatus(q.name, { ...standard, state: 'active' });
  for (const dependent of dependents) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    const stopped = await stopService(dependent.name, { ...standard, wait: left, ...(q.signal ? { signal: q.signal } : {}) });
    if (!stopped) return false;
  }
  return true;
}

function withoutDependents(opts: Partial<StopServiceOptions>): WaitOptions {
  const { stopDependents: _ignored, ...rest } = opts;
  return rest;
}

