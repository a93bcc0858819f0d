// Watching services as they change, without polling: NotifyServiceStatusChangeW on a dedicated
// native thread, re-armed after every notification.
import { EventEmitter } from 'node:events';
import { native, toScmError } from '../native/binding';
import type { RawWatchEvent } from '../native/raw-types';
import { checkOptions, checkServiceName, checkStandardOptions } from '../validation';
import type { StandardOptions } from '../validation';
import { statusFromRaw } from './status-record';
import type { ServiceStatus } from './status-record';

type NativeHandle = { close(): void; ref(): void; unref(): void };

/**
 * What both watchers share: the native thread's handle, `close`/`ref`/`unref`, and async
 * iteration. Events: the item events of the subclass, `'error'` (ScmError) and `'close'`.
 */
abstract class NativeWatcher<T> extends EventEmitter implements AsyncIterable<T> {
  private handle: NativeHandle | null = null;
  private readonly iterators = new Set<{ queue: T[]; wake: (() => void) | null; error: unknown }>();
  /** True once the watcher has stopped (closed, service deleted, or failed). */
  closed = false;

  /** @internal */
  protected attach(start: (onEvent: (event: RawWatchEvent) => void) => NativeHandle, context: { service?: string; system: string | null }) {
    this.handle = start((event) => this.onNative(event, context));
  }

  /** Stops watching; the native thread ends and `'close'` is emitted. */
  close(): void {
    if (!this.closed) this.handle?.close();
  }

  /** Keeps the process alive while watching (the default). */
  ref(): this {
    if (!this.closed) this.handle?.ref();
    return this;
  }

  /** Lets the process exit even while this watcher is open. */
  unref(): this {
    if (!this.closed) this.handle?.unref();
    return this;
  }

  /** Yields every item until the watcher closes; throws the watcher's error, if any. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const state = { queue: [] as T[], wake: null as (() => void) | null, error: undefined as unknown };
    this.iterators.add(state);
    const finish = (): IteratorResult<T> => {
      this.iterators.delete(state);
      return { done: true, value: undefined };
    };
    return {
      next: async (): Promise<IteratorResult<T>> => {
        for (;;) {
          if (state.queue.length > 0) return { done: false, value: state.queue.shift() as T };
          if (state.error !== undefined) {
            this.iterators.delete(state);
            throw state.error;
          }
          if (this.closed) return finish();
          await new Promise<void>((resolve) => {
            state.wake = resolve;
          });
          state.wake = null;
        }
      },
      return: async (): Promise<IteratorResult<T>> => {
        // Leaving a for-await loop early closes the watcher, as a stream's iterator does.
        this.close();
        return finish();
      },
    };
  }

  /** Hands an item to listeners and iterators. */
  protected push(event: string, item: T): void {
    for (const it of this.iterators) {
      it.queue.push(item);
      it.wake?.();
    }
    this.emit(event, item);
  }

  /** @internal */
  protected abstract onItem(event: RawWatchEvent): void;

  private onNative(event: RawWatchEvent, context: { service?: string; system: string | null }): void {
    if (event.kind === 'error') {
      const error = toScmError(event.error, context);
      for (const it of this.iterators) {
        it.error = error;
        it.wake?.();
      }
      // An 'error' with no listener would throw: only emit it to listeners, or when nothing
      // else (an iterator) receives it.
      if (this.listenerCount('error') > 0 || this.iterators.size === 0) this.emit('error', error);
      return;
    }
    if (event.kind === 'closed') {
      this.closed = true;
      this.handle = null;
      for (const it of this.iterators) it.wake?.();
      this.emit('close');
      return;
    }
    this.onItem(event);
  }
}

/**
 * Status changes of one service: emits `'change'` (ServiceStatus) for the current status first
 * and then for every state change, `'deleted'` when the service is marked for deletion (the
 * watcher then closes), `'error'` and `'close'`. Also an async iterator of statuses.
 */
export class ServiceWatcher extends NativeWatcher<ServiceStatus> {
  /** The latest status seen. */
  status: ServiceStatus | null = null;

  readonly name: string;

  /** Checks its arguments as {@link watchService} does (TypeError/RangeError before any native call). */
  constructor(name: string, options: StandardOptions = {}) {
    super();
    this.name = checkServiceName(name, 'name');
    const std = checkStandardOptions(checkOptions<StandardOptions>(options));
    this.attach((onEvent) => native().watchService(std.system, std.database, this.name, onEvent), { service: this.name, system: std.system });
  }

  /** @internal */
  protected onItem(event: RawWatchEvent): void {
    if (!event.status) return;
    this.status = statusFromRaw(this.name, event.status);
    if (event.kind === 'deleted') {
      this.emit('deleted', this.status);
      return;
    }
    this.push('change', this.status);
  }
}

/** A service appearing in or leaving the SCM database. */
export interface ServiceDatabaseChange {
  type: 'created' | 'deleted';
  name: string;
}

/**
 * Services created and deleted: emits `'created'` and `'deleted'` with the service name, plus
 * `'change'` ({ type, name }) for both; an async iterator of those changes.
 *
 * When the SCM reports that it dropped notifications (ERROR_SERVICE_NOTIFY_CLIENT_LAGGING, a
 * client too slow to collect them), the watcher does not end: as the SCM's documentation asks, it
 * closes its SCM handle, opens a new one and registers again, and enumerates the services. It
 * emits `'resync'` and then `'created'`/`'deleted'` for exactly the services that appeared or
 * went meanwhile (compared with what it had reported), nothing for the others. A service deleted
 * and re-created under the same name while notifications were lost is not reported.
 */
export class ServicesWatcher extends NativeWatcher<ServiceDatabaseChange> {
  /** Checks its options as {@link watchServices} does. */
  constructor(options: StandardOptions = {}) {
    super();
    const std = checkStandardOptions(checkOptions<StandardOptions>(options));
    this.attach((onEvent) => native().watchService(std.system, std.database, null, onEvent), { system: std.system });
  }

  /** @internal */
  protected onItem(event: RawWatchEvent): void {
    if (event.kind === 'resynced') {
      this.emit('resync');
      return;
    }
    if (!event.name) return;
    const change: ServiceDatabaseChange = { type: event.kind === 'created' ? 'created' : 'deleted', name: event.name };
    this.emit(change.type, change.name);
    this.push('change', change);
  }
}

/**
 * Watches one service's status (see {@link ServiceWatcher}). Wraps NotifyServiceStatusChangeW
 * on a dedicated thread (SERVICE_QUERY_STATUS access).
 */
export function watchService(name: string, options?: StandardOptions): ServiceWatcher {
  return new ServiceWatcher(name, options);
}

/**
 * Watches the SCM database for created and deleted services (see {@link ServicesWatcher}).
 * Wraps NotifyServiceStatusChangeW with SERVICE_NOTIFY_CREATED | SERVICE_NOTIFY_DELETED on an SCM
 * handle (SC_MANAGER_ENUMERATE_SERVICE access).
 */
export function watchServices(options?: StandardOptions): ServicesWatcher {
  return new ServicesWatcher(options);
}
