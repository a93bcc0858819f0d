// What runAsService's two runners share: delivering controls to the app's handlers, turning
// handler results and failures into status updates, and knowing when every service has stopped.
import { SERVICE_STATES } from '../services/tokens';
import type { ServiceState } from '../services/tokens';
import { BROADCAST_QUERY_DENY, STATE_CHANGING } from './controls';
import type { ServiceControl } from './controls';

/**
 * A service's handler, called as twapi calls it: `(control, name, seq, code, ...extra)`.
 * - State-changing controls (`start`, `stop`, `shutdown`, `preshutdown`, `pause`, `continue`):
 *   answer with {@link updateServiceStatus}(name, seq, newState), now or later; or return (or
 *   resolve to) the new state token. `start` gets the start arguments as `extra[0]`.
 * - Notifications (user-defined codes 128-255, `paramchange`, `sessionchange`, `powerevent`, ...):
 *   the return value (or what a returned promise resolves to) is the answer to the SCM: a number
 *   (a Win32 code, 0 = handled), `'allow'`/`true` (0) or `'deny'`/`false` (BROADCAST_QUERY_DENY).
 *   `undefined` or `null` means "not handled": the SCM gets ERROR_CALL_NOT_IMPLEMENTED, and the
 *   sender's ControlService fails (ERROR_INVALID_SERVICE_CONTROL on Windows). So does an answer
 *   that does not come within `replyTimeout`. Exception: an unhandled `powerevent`,
 *   `hardwareprofilechange` or `deviceevent` answers 0, since any error there denies the request.
 * - `all_stopped`: the last service of the process has stopped.
 * A handler that throws (or rejects) stops its service with a service-specific exit code.
 */
export type ServiceHandler = (control: ServiceControl, name: string, seq: number, code: number, ...extra: unknown[]) => unknown;

/** A control as the host delivers it. @internal */
export interface DeliveredControl {
  service: string;
  seq: number;
  control: ServiceControl;
  code: number;
  extra: unknown[];
}

/** Applies a status update (native SetServiceStatus or the debug runner's bookkeeping). @internal */
export type StatusSink = (name: string, seq: number, state: number, exitCode: number, serviceCode: number, waitHint: number) => boolean;

/** @internal */
export class ServiceHost {
  private readonly handlers = new Map<string, { name: string; handler: ServiceHandler }>();
  private readonly states = new Map<string, number>();
  private lastStopped: string | undefined;

  constructor(services: Record<string, ServiceHandler>, private readonly sink: StatusSink, private readonly failureCode: number) {
    for (const [name, handler] of Object.entries(services)) this.handlers.set(name.toLowerCase(), { name, handler });
  }

  get names(): string[] {
    return [...this.handlers.values()].map((h) => h.name);
  }

  /** The app's (or the library's) status update: the one path to the SCM. */
  update(name: string, seq: number, state: number, exitCode = 0, serviceCode = 0, waitHint = 0): boolean {
    const applied = this.sink(name, seq, state, exitCode, serviceCode, waitHint);
    if (applied) {
      const key = this.canonical(name);
      this.states.set(key, state);
      if (state === SERVICE_STATES.stopped) this.lastStopped = key;
    }
    return applied;
  }

  stateOf(name: string): number | undefined {
    return this.states.get(this.canonical(name));
  }

  noteState(name: string, state: number): void {
    this.states.set(this.canonical(name), state);
  }

  allStopped(): boolean {
    return this.names.every((n) => (this.states.get(n) ?? SERVICE_STATES.stopped) === SERVICE_STATES.stopped);
  }

  /**
   * Calls the handler; resolves to the code a notification answers the SCM with, or null when the
   * handler did not handle it (HandlerEx then returns ERROR_CALL_NOT_IMPLEMENTED).
   */
  async deliver(event: DeliveredControl): Promise<number | null> {
    const entry = this.handlers.get(event.service.toLowerCase());
    if (!entry) return null;
    let result: unknown;
    try {
      result = await entry.handler(event.control, entry.name, event.seq, event.code, ...event.extra);
    } catch (error) {
      this.fail(entry.name, event, error);
      return null;
    }
    if (STATE_CHANGING.has(event.control)) {
      if (typeof result === 'string' && result in SERVICE_STATES) this.update(entry.name, event.seq, SERVICE_STATES[result as ServiceState]);
      return 0;
    }
    return notificationAnswer(result);
  }

  /** Tells the last service to stop that the whole process is done (twapi's all_stopped). */
  async notifyAllStopped(): Promise<void> {
    const entry = this.lastStopped && this.handlers.get(this.lastStopped);
    if (!entry) return;
    try {
      await entry.handler('all_stopped', entry.name, 0, 0);
    } catch (error) {
      logServiceProblem(`scm-native: the all_stopped handler of service '${entry.name}' threw: ${describe(error)}`);
    }
  }

  private fail(name: string, event: DeliveredControl, error: unknown): void {
    logServiceProblem(`scm-native: the handler of service '${name}' failed on '${event.control}'; stopping the service ` +
      `with service-specific exit code ${this.failureCode}: ${describe(error)}`);
    // seq 0: this stop overrides whatever control is pending.
    this.update(name, 0, SERVICE_STATES.stopped, 0, this.failureCode);
  }

  private canonical(name: string): string {
    return this.handlers.get(name.toLowerCase())?.name ?? name;
  }
}

/**
 * Where a service reports its own problems. A service process often has no usable stderr (none,
 * or one Wine or the SCM closed), so writing must never throw or crash the service.
 * @internal
 */
export function logServiceProblem(message: string): void {
  try {
    if (process.stderr.writable) process.stderr.write(`${message}\n`);
  } catch {
    // nowhere to write: the exit code in the SCM still tells what happened
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * A notification handler's return value as the DWORD the SCM expects; null for "not handled"
 * (undefined or null), which the native HandlerEx turns into ERROR_CALL_NOT_IMPLEMENTED.
 */
export function notificationAnswer(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (value === 'allow' || value === true) return 0;
  if (value === 'deny' || value === false) return BROADCAST_QUERY_DENY;
  if (typeof value === 'number' && Number.isInteger(value)) return value >>> 0;
  return 0;
}
