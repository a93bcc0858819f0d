// The host's entries in the Windows event log: the service's lifecycle (started, stopped, a start
// that failed, a program that fails early or keeps failing) for administrators who watch the event
// log rather than the service's own log. None in debug mode, where the console shows it all.
import { reportEvent } from '../as-service/event-log';
import type { EventType } from '../as-service/event-log';

export class HostEventLog {
  /** Entries on their way: the host waits for them (briefly) before its process ends. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly service: string,
    private readonly enabled: boolean,
  ) {}

  /** Sends `<service>: <message>` without waiting; a failure to send is ignored. */
  report(type: EventType, message: string): void {
    if (!this.enabled) return;
    const sent = reportEvent(this.service, type, `${this.service}: ${message}`).catch(() => {});
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  /** Settles once the entries sent so far are written, or after `maxMs`, whichever is first. */
  async flush(maxMs: number): Promise<void> {
    await Promise.race([Promise.all(this.pending), new Promise((r) => setTimeout(r, maxMs).unref())]);
  }
}
