// The host's entries in the Windows event log: the service's lifecycle (started, stopped, a start
// that failed, each restart of the program and why, giving up) for administrators who watch the
// event log rather than the service's own log. None in debug mode, where the console shows it all.
// The table of the entries (type, id, text) is in docs/service-host.md ("Event log").
import { reportEvent } from '../as-service/event-log';
import type { EventType } from '../as-service/event-log';

/**
 * The event id of each kind of entry (source `<service>`, registered by install with
 * EventCreate.exe as message file, which shows the text as is for ids 1-1000): a filter such as
 * `wevtutil qe Application /q:"*[System[Provider[@Name='svc'] and EventID=3]]"` finds every restart.
 */
export const HOST_EVENT_IDS = {
  started: 1,
  stopped: 2,
  restart: 3,
  'gave-up': 4,
  'start-failed': 5,
  'early-failure': 6,
  'hook-failed': 7,
} as const;

export type HostEventKind = keyof typeof HOST_EVENT_IDS;

/** Writes one entry: RegisterEventSourceW + ReportEventW (the default), or a test's recorder. */
export type EventSender = (source: string, type: EventType, message: string, eventId: number) => Promise<void>;

const sendToEventLog: EventSender = (source, type, message, eventId) => reportEvent(source, type, message, { eventId });

export class HostEventLog {
  /** Entries on their way: the host waits for them (briefly) before its process ends. */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly service: string,
    private readonly enabled: boolean,
    private readonly send: EventSender = sendToEventLog,
  ) {}

  /** Sends `<service>: <message>` as an entry of `kind`, without waiting; a failure to send is ignored. */
  report(kind: HostEventKind, type: EventType, message: string): void {
    if (!this.enabled) return;
    let sent: Promise<void>;
    try {
      sent = this.send(this.service, type, `${this.service}: ${message}`, HOST_EVENT_IDS[kind]).catch(() => {});
    } catch {
      return;
    }
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  /** Settles once the entries sent so far are written, or after `maxMs`, whichever is first. */
  async flush(maxMs: number): Promise<void> {
    await Promise.race([Promise.all(this.pending), new Promise((r) => setTimeout(r, maxMs).unref())]);
  }
}
