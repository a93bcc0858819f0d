// The Windows event log: a service's own source, and events written to it.
import { callAsync } from '../native/binding';
import { checkInteger, checkOptions, checkOptionalString, checkString, checkToken } from '../validation';

/** Event types (EVENTLOG_*_TYPE). */
export type EventType = 'error' | 'warning' | 'information' | 'audit_success' | 'audit_failure' | 'success';

const EVENT_TYPES: Readonly<Record<EventType, number>> = {
  success: 0x0,
  error: 0x1,
  warning: 0x2,
  information: 0x4,
  audit_success: 0x8,
  audit_failure: 0x10,
};

/** Options of {@link reportEvent}. */
export interface ReportEventOptions {
  /** Event identifier. With the default message file (EventCreate.exe) the text shows for ids 1-1000. Default 1. */
  eventId?: number;
  /** Category number. Default 0. */
  category?: number;
  /** Machine whose log to write to; the local one when omitted. */
  system?: string;
}

/**
 * The longest insertion string ReportEventW takes, in characters (UTF-16 code units): 31,839 since
 * Windows Vista (32K before). A longer one makes the call fail, and the event is lost.
 */
export const MAX_EVENT_STRING = 31839;

/**
 * `message` cut to at most `max` characters, so that ReportEventW takes it: its start and its end
 * are kept (for the host's reports, the summary and the last lines of the program's stderr) and
 * the middle becomes a line that says how many characters were cut. A surrogate pair is never
 * split. Shorter messages are returned as they are.
 */
export function fitEventMessage(message: string, max: number = MAX_EVENT_STRING): string {
  if (message.length <= max) return message;
  const marker = (cut: number) => `\n[... ${cut} of ${message.length} characters cut: an event message holds at most ${max} ...]\n`;
  // The marker with the largest count it can show: the real one is no longer.
  const keep = Math.max(0, max - marker(message.length).length);
  let headEnd = Math.ceil(keep / 2);
  let tailStart = message.length - (keep - headEnd);
  const code = (i: number) => message.charCodeAt(i);
  if (headEnd > 0 && code(headEnd - 1) >= 0xd800 && code(headEnd - 1) <= 0xdbff) headEnd -= 1;
  if (tailStart < message.length && code(tailStart) >= 0xdc00 && code(tailStart) <= 0xdfff) tailStart += 1;
  return `${message.slice(0, headEnd)}${marker(tailStart - headEnd)}${message.slice(tailStart)}`;
}

/**
 * Writes an event with `message` as its text. With a source installed by
 * {@link installEventSource} (EventCreate.exe as message file, event ids 1-1000) the Event Viewer
 * shows the message as is. A message longer than ReportEventW takes ({@link MAX_EVENT_STRING}
 * characters) is cut in the middle, the cut marked ({@link fitEventMessage}), rather than lost.
 * Wraps RegisterEventSourceW + ReportEventW.
 */
export async function reportEvent(source: string, type: EventType, message: string, options?: ReportEventOptions): Promise<void> {
  const src = checkString(source, 'source');
  const eventType = checkToken(type, 'type', EVENT_TYPES);
  const text = fitEventMessage(checkString(message, 'message', { allowEmpty: true }));
  const opts = checkOptions<ReportEventOptions>(options);
  const eventId = opts.eventId === undefined ? 1 : checkInteger(opts.eventId, 'options.eventId', 0, 0xffffffff);
  const category = opts.category === undefined ? 0 : checkInteger(opts.category, 'options.category', 0, 0xffff);
  const system = checkOptionalString(opts.system, 'options.system');
  await callAsync({ system }, (b) => b.reportEvent(system, src, EVENT_TYPES[eventType], category, eventId, [text]));
}

/** Options of {@link installEventSource}. */
export interface EventSourceOptions {
  /** The log: `Application` (default) or `System`. */
  log?: string;
  /** Message file; default `%SystemRoot%\System32\EventCreate.exe`, which passes text through for ids 1-1000. */
  messageFile?: string;
  /** Machine to register on. */
  system?: string;
}

const DEFAULT_MESSAGE_FILE = '%SystemRoot%\\System32\\EventCreate.exe';
const TYPES_SUPPORTED = 0x7; // error | warning | information

function prepareSource(source: unknown, options: unknown) {
  const src = checkString(source, 'source');
  if (/[\\]/.test(src)) throw new RangeError(`source must not contain '\\': '${src}'`);
  const opts = checkOptions<EventSourceOptions>(options);
  return {
    src,
    log: opts.log === undefined ? 'Application' : checkString(opts.log, 'options.log'),
    messageFile: opts.messageFile === undefined ? DEFAULT_MESSAGE_FILE : checkString(opts.messageFile, 'options.messageFile'),
    system: checkOptionalString(opts.system, 'options.system'),
  };
}

/**
 * Registers an event source (administrators only) so the Event Viewer can show its messages.
 * Writes HKLM\SYSTEM\CurrentControlSet\Services\EventLog\<log>\<source> (RegCreateKeyExW).
 */
export async function installEventSource(source: string, options?: EventSourceOptions): Promise<void> {
  const q = prepareSource(source, options);
  await callAsync({ system: q.system }, (b) => b.installEventSource(q.system, q.log, q.src, q.messageFile, TYPES_SUPPORTED));
}

/** Removes an event source registered by {@link installEventSource}. Wraps RegDeleteKeyW. */
export async function removeEventSource(source: string, options?: EventSourceOptions): Promise<void> {
  const q = prepareSource(source, options);
  await callAsync({ system: q.system }, (b) => b.removeEventSource(q.system, q.log, q.src));
}
