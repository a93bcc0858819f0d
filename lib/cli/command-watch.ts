// `scm-native watch` for command-defined services (COMAR's donotify): there is no SCM notification
// for a service made of commands, so its status (status command, pid file or process table) is
// read on an interval and a change is reported as the SCM watchers report theirs, with the same
// lines: `running`, `stopped`, `dead` (LSB 1) or `unknown` (LSB 4, a status that failed or hung).
import { EventEmitter } from 'node:events';
import { Service } from '../declarative/service';
import type { LsbStatus } from '../declarative/service';
import type { CommandDeclaration, CommandSystem } from '../declarative/command-service';
import type { ServiceStatus } from '../services/status-record';

/** The default interval between two status reads of a command service. */
export const DEFAULT_POLL_MS = 2000;

/** The state a watch line shows for an LSB status: running, stopped, dead or unknown. */
export function commandWatchState(code: number): string {
  return code === 0 ? 'running' : code === 3 ? 'stopped' : code === 1 ? 'dead' : 'unknown';
}

/** A status record in the shape SCM watchers emit (pid -1 when none), with the LSB code and detail. */
export function commandStatusRecord(name: string, s: Pick<LsbStatus, 'code' | 'pid' | 'detail'>): ServiceStatus & { lsb: number; detail: string } {
  return {
    name, state: commandWatchState(s.code) as ServiceStatus['state'], serviceType: 0, serviceTypeBits: 0, pid: s.pid ?? -1,
    exitCode: 0, serviceCode: 0, checkpoint: 0, waitHint: 0, controlsAccepted: 0, acceptedControls: [], interactive: false, serviceFlags: 0,
    lsb: s.code, detail: s.detail,
  };
}

/**
 * A watcher over a command service: emits 'change' with its first status, then whenever its state
 * or pid changes, reading it every `intervalMs` (each read bounded by the service's timeout);
 * 'close' once closed. A read that fails (a status command that hangs past the timeout) is the
 * state `unknown`, not the end of the watch.
 */
export function pollCommandService(
  name: string, commands: CommandDeclaration, timeout: number | undefined, intervalMs = DEFAULT_POLL_MS, commandSystem?: CommandSystem,
): EventEmitter & { close(): void } {
  const service = new Service({ ...commands, name, ...(timeout ? { timeout } : {}) }, undefined, commandSystem);
  const emitter = new EventEmitter() as EventEmitter & { close(): void };
  const controller = new AbortController();
  let last: string | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const read = async () => {
    let status: ServiceStatus;
    try {
      status = commandStatusRecord(name, await service.status({ signal: controller.signal }));
    } catch (error) {
      if (closed) return;
      status = commandStatusRecord(name, { code: 4, pid: null, detail: (error as Error).message });
    }
    if (closed) return;
    const key = `${String(status.state)}|${status.pid}`;
    if (key !== last) {
      last = key;
      emitter.emit('change', status);
    }
    timer = setTimeout(() => void read(), intervalMs);
  };
  emitter.close = () => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    controller.abort(new Error('watch ended'));
    setImmediate(() => emitter.emit('close'));
  };
  setImmediate(() => void read());
  return emitter;
}
