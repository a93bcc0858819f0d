// runAsService: this Node process becomes the program of one or more Windows services.
import { ScmError } from '../errors/scm-error';
import { native, toScmError } from '../native/binding';
import type { DispatcherEvent } from '../native/raw-types';
import { SERVICE_INTERACTIVE_PROCESS, SERVICE_STATES, SERVICE_TYPES } from '../services/tokens';
import type { ServiceState } from '../services/tokens';
import { checkBoolean, checkInteger, checkOptions, checkServiceName, checkStringArray, checkToken } from '../validation';
import { ACCEPT_BITS, controlToken, notificationDetail } from './controls';
import type { AcceptedControl, ServiceControl } from './controls';
import { ServiceHost } from './service-host';
import type { ServiceHandler } from './service-host';

/** Options of {@link runAsService}. */
export interface RunAsServiceOptions {
  /** Controls the SCM may send (twapi `-controls`). Default `['stop', 'shutdown']`. */
  controls?: AcceptedControl[];
  /** Report the services as interactive (SERVICE_INTERACTIVE_PROCESS). Default false. */
  interactive?: boolean;
  /**
   * Report SERVICE_WIN32_SHARE_PROCESS even when `services` names one service (a service
   * configured to share its process that is the only one of its group). Default: shared when
   * `services` names more than one.
   */
  shared?: boolean;
  /**
   * Run the handlers from a console instead of the SCM (like pywin32's and Go's debug runners):
   * `start` is sent at once with `args`, Ctrl+C sends `stop`. Works on every platform.
   */
  debug?: boolean;
  /** Start arguments in debug mode. Default: none. */
  args?: string[];
  /**
   * How long a notification's answer is waited for (ms, default 3000, max 8000). With no answer
   * by then the control counts as not handled: the SCM gets ERROR_CALL_NOT_IMPLEMENTED (0 for
   * powerevent, hardwareprofilechange and deviceevent, so as not to deny them).
   */
  replyTimeout?: number;
  /** Service-specific exit code when a handler throws or rejects. Default 1. */
  failureExitCode?: number;
}

/** The runner in charge of updateServiceStatus, while runAsService runs. */
let activeHost: ServiceHost | null = null;
let debugSender: ((name: string, control: ServiceControl, code: number) => void) | null = null;

function prepare(services: unknown, options: unknown) {
  if (services === null || typeof services !== 'object' || Array.isArray(services)) {
    throw new TypeError('services must be an object mapping service names to handler functions');
  }
  const entries = Object.entries(services as Record<string, unknown>);
  if (entries.length === 0) throw new RangeError('services must name at least one service');
  for (const [name, handler] of entries) {
    checkServiceName(name, 'service name');
    if (typeof handler !== 'function') throw new TypeError(`the handler of service '${name}' must be a function`);
  }
  const opts = checkOptions<RunAsServiceOptions>(options);
  const controls = opts.controls === undefined ? ['stop', 'shutdown'] as AcceptedControl[]
    : checkStringArray(opts.controls, 'options.controls', (c, label) => checkToken(c, label, ACCEPT_BITS)) as AcceptedControl[];
  return {
    services: services as Record<string, ServiceHandler>,
    accepted: controls.reduce((mask, c) => mask | ACCEPT_BITS[c], 0),
    interactive: checkBoolean(opts.interactive, 'options.interactive', false),
    shared: checkBoolean(opts.shared, 'options.shared', false),
    debug: checkBoolean(opts.debug, 'options.debug', false),
    args: opts.args === undefined ? [] : checkStringArray(opts.args, 'options.args'),
    replyTimeout: opts.replyTimeout === undefined ? 3000 : checkInteger(opts.replyTimeout, 'options.replyTimeout', 0, 8000),
    failureExitCode: opts.failureExitCode === undefined ? 1 : checkInteger(opts.failureExitCode, 'options.failureExitCode', 1, 0xffffffff),
  };
}

/**
 * Runs this process as the services named in `services` (twapi `run_as_service`).
 * StartServiceCtrlDispatcherW runs on its own thread, so the event loop keeps running; each
 * control reaches its handler on the main thread. A prompt answer to stop, pause or continue
 * (within 25 ms) is the reply to the control itself; while a state-changing control is
 * unanswered the library reports the pending state with advancing checkpoints, so a slow handler
 * never makes the SCM give up. Resolves when the last service has stopped (after `all_stopped`);
 * rejects at once with ScmError ERROR_FAILED_SERVICE_CONTROLLER_CONNECT when the SCM did not
 * start this process (use `{ debug: true }` from a console).
 * Wraps StartServiceCtrlDispatcherW, RegisterServiceCtrlHandlerExW and SetServiceStatus.
 */
export function runAsService(services: Record<string, ServiceHandler>, options?: RunAsServiceOptions): Promise<void> {
  let q: ReturnType<typeof prepare>;
  try {
    q = prepare(services, options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (activeHost) return Promise.reject(new ScmError({ code: 'ERR_SCM_ALREADY_RUNNING_AS_SERVICE', detail: 'runAsService is already running in this process' }));
  if (q.debug) return runDebug(q);
  // StartServiceCtrlDispatcherW works once per process, whether it succeeded or not.
  if (dispatcherUsed) {
    return Promise.reject(new ScmError({
      code: 'ERR_SCM_DISPATCHER_USED',
      detail: 'runAsService without debug can run only once per process (StartServiceCtrlDispatcherW); start a new process',
    }));
  }
  try {
    return runNative(q, native());
  } catch (error) {
    return Promise.reject(error);
  }
}

let dispatcherUsed = false;

function runNative(q: ReturnType<typeof prepare>, binding: ReturnType<typeof native>): Promise<void> {
  dispatcherUsed = true;
  const serviceType = (Object.keys(q.services).length === 1 && !q.shared ? SERVICE_TYPES.win32_own_process : SERVICE_TYPES.win32_share_process)
    | (q.interactive ? SERVICE_INTERACTIVE_PROCESS : 0);
  const host = new ServiceHost(q.services, (name, seq, state, exitCode, serviceCode, waitHint) =>
    binding.setServiceStatus(name, seq, state, exitCode, serviceCode, waitHint), q.failureExitCode);
  activeHost = host;
  return new Promise<void>((resolve, reject) => {
    const onEvent = (event: DispatcherEvent) => {
      if (event.kind === 'exit') {
        activeHost = null;
        if (event.error) {
          const scmError = toScmError(event.error, { service: host.names.join(', ') }) as ScmError;
          reject(scmError.code === 'ERROR_FAILED_SERVICE_CONTROLLER_CONNECT' ? notStartedBySCM(scmError) : scmError);
          return;
        }
        host.notifyAllStopped().then(resolve, resolve);
        return;
      }
      const control = controlToken(event.control);
      if (!control) {
        // A control code the library does not know: not handled (ERROR_CALL_NOT_IMPLEMENTED).
        if (event.needsReply) binding.replyToControl(event.seq, null);
        return;
      }
      if (control === 'start') host.noteState(event.service, SERVICE_STATES.start_pending);
      const extra = control === 'start' ? [event.args] : notificationDetail(control, event.eventType, event.sessionId);
      const answer = host.deliver({ service: event.service, seq: event.seq, control, code: event.control, extra });
      if (event.needsReply) answer.then((code) => binding.replyToControl(event.seq, code), () => binding.replyToControl(event.seq, null));
    };
    try {
      binding.startDispatcher(host.names, serviceType, q.accepted, q.replyTimeout, onEvent);
    } catch (error) {
      activeHost = null;
      reject(toScmError(error, { service: host.names.join(', ') }));
    }
  });
}

function notStartedBySCM(cause: ScmError): ScmError {
  const error = new ScmError({
    code: cause.code,
    ...(cause.errno !== undefined ? { errno: cause.errno } : {}),
    syscall: 'StartServiceCtrlDispatcherW',
    ...(cause.service !== undefined ? { service: cause.service } : {}),
    detail: 'this process was not started by the Service Control Manager; start it as a service, or pass { debug: true } to run the handlers from a console',
  });
  return error;
}

function runDebug(q: ReturnType<typeof prepare>): Promise<void> {
  const latest = new Map<string, number>();
  const states = new Map<string, number>();
  let seq = 0;
  return new Promise<void>((resolve) => {
    let finished = false;
    const host = new ServiceHost(q.services, (name, s, state) => {
      const key = host.names.find((n) => n.toLowerCase() === name.toLowerCase());
      if (!key || (s !== 0 && s < (latest.get(key) ?? 0))) return false;
      if (states.get(key) === SERVICE_STATES.stopped && state !== SERVICE_STATES.stopped) return false;
      states.set(key, state);
      process.stderr.write(`[scm-native debug] ${key}: ${stateName(state)}\n`);
      if (state === SERVICE_STATES.stopped) setImmediate(checkDone);
      return true;
    }, q.failureExitCode);
    const send = (name: string, control: ServiceControl, code: number, extra: unknown[] = []) => {
      seq += 1;
      latest.set(name, seq);
      void host.deliver({ service: name, seq, control, code, extra });
    };
    const onSigint = () => {
      for (const name of host.names) {
        if (states.get(name) !== SERVICE_STATES.stopped) send(name, 'stop', 1);
      }
    };
    const checkDone = () => {
      if (finished || !host.names.every((n) => states.get(n) === SERVICE_STATES.stopped)) return;
      finished = true;
      process.removeListener('SIGINT', onSigint);
      activeHost = null;
      debugSender = null;
      host.notifyAllStopped().then(() => resolve(), () => resolve());
    };
    activeHost = host;
    debugSender = (name, control, code) => send(name, control, code, control === 'start' ? [q.args] : []);
    process.on('SIGINT', onSigint);
    for (const name of host.names) {
      states.set(name, SERVICE_STATES.start_pending);
      send(name, 'start', 0, [q.args]);
    }
  });
}

function stateName(state: number): string {
  return Object.entries(SERVICE_STATES).find(([, v]) => v === state)?.[0] ?? String(state);
}

/**
 * Sends a control to a service running under `runAsService(..., { debug: true })`, as the SCM
 * would (for tests and console sessions). `control` is a token or a user-defined code 128-255.
 */
export function sendDebugControl(name: string, control: 'stop' | 'pause' | 'continue' | 'paramchange' | 'shutdown' | number): void {
  checkServiceName(name, 'name');
  const codes = { stop: 1, pause: 2, continue: 3, shutdown: 5, paramchange: 6 } as const;
  if (typeof control === 'number') checkInteger(control, 'control', 128, 255);
  else checkToken(control, 'control', codes);
  if (!debugSender) throw new ScmError({ code: 'ERR_SCM_NOT_IN_DEBUG_MODE', detail: 'no runAsService({ debug: true }) is running' });
  if (typeof control === 'number') debugSender(name, 'user_defined', control);
  else debugSender(name, control, codes[control]);
}

/** Options of {@link updateServiceStatus}. */
export interface UpdateStatusOptions {
  /** Win32 exit code reported with `stopped`. */
  exitCode?: number;
  /** Service-specific exit code reported with `stopped` (the Win32 code becomes 1066). */
  serviceCode?: number;
  /** For a pending state: milliseconds until the next update. */
  waitHint?: number;
}

/**
 * Reports a service's state to the SCM (twapi `update_service_status`): the answer to the
 * control numbered `seq` (0 for an update not tied to a control). Answers with an older `seq`
 * than the service's latest control are ignored. Returns whether the update was applied.
 * Wraps SetServiceStatus.
 */
export function updateServiceStatus(name: string, seq: number, state: ServiceState, options?: UpdateStatusOptions): boolean {
  checkServiceName(name, 'name');
  checkInteger(seq, 'seq', 0, 0xffffffff);
  checkToken(state, 'state', SERVICE_STATES);
  const opts = checkOptions<UpdateStatusOptions>(options);
  const exitCode = opts.exitCode === undefined ? 0 : checkInteger(opts.exitCode, 'options.exitCode', 0, 0xffffffff);
  const serviceCode = opts.serviceCode === undefined ? 0 : checkInteger(opts.serviceCode, 'options.serviceCode', 0, 0xffffffff);
  const waitHint = opts.waitHint === undefined ? 0 : checkInteger(opts.waitHint, 'options.waitHint', 0, 0xffffffff);
  if (!activeHost) throw new ScmError({ code: 'ERR_SCM_NOT_RUNNING_AS_SERVICE', service: name, detail: 'runAsService is not running in this process' });
  return activeHost.update(name, seq, SERVICE_STATES[state], exitCode, serviceCode, waitHint);
}

/**
 * Whether the Service Control Manager started this process (its parent is services.exe).
 * False off Windows. Wraps CreateToolhelp32Snapshot.
 */
export function isRunningAsService(): boolean {
  if (process.platform !== 'win32') return false;
  return native().getProcessFacts().parentImageName.toLowerCase() === 'services.exe';
}
