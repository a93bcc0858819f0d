// Controls and notifications a service receives, by twapi's names, and the SERVICE_ACCEPT_* bits
// that let the SCM send them.

/** What a service handler is called with (twapi's tokens, plus preshutdown/timechange/triggerevent). */
export type ServiceControl =
  | 'start' | 'stop' | 'shutdown' | 'pause' | 'continue' | 'preshutdown'
  | 'paramchange' | 'netbindadd' | 'netbindremove' | 'netbindenable' | 'netbinddisable'
  | 'sessionchange' | 'powerevent' | 'hardwareprofilechange' | 'deviceevent'
  | 'timechange' | 'triggerevent' | 'user_defined' | 'all_stopped';

/** What `controls` may list (twapi's -controls tokens, plus preshutdown/timechange/triggerevent). */
export type AcceptedControl =
  | 'stop' | 'shutdown' | 'pause_continue' | 'paramchange' | 'netbindchange' | 'hardwareprofilechange'
  | 'powerevent' | 'sessionchange' | 'preshutdown' | 'timechange' | 'triggerevent';

export const ACCEPT_BITS: Readonly<Record<AcceptedControl, number>> = {
  stop: 0x1,
  pause_continue: 0x2,
  shutdown: 0x4,
  paramchange: 0x8,
  netbindchange: 0x10,
  hardwareprofilechange: 0x20,
  powerevent: 0x40,
  sessionchange: 0x80,
  preshutdown: 0x100,
  timechange: 0x200,
  triggerevent: 0x400,
};

const CONTROL_BY_CODE = new Map<number, ServiceControl>([
  [0, 'start'],
  [1, 'stop'],
  [2, 'pause'],
  [3, 'continue'],
  [5, 'shutdown'],
  [6, 'paramchange'],
  [7, 'netbindadd'],
  [8, 'netbindremove'],
  [9, 'netbindenable'],
  [10, 'netbinddisable'],
  [11, 'deviceevent'],
  [12, 'hardwareprofilechange'],
  [13, 'powerevent'],
  [14, 'sessionchange'],
  [15, 'preshutdown'],
  [16, 'timechange'],
  [32, 'triggerevent'],
]);

/** SERVICE_CONTROL_* code -> token (128-255 are `user_defined`). */
export function controlToken(code: number): ServiceControl | undefined {
  if (code >= 128 && code <= 255) return 'user_defined';
  return CONTROL_BY_CODE.get(code);
}

/** Controls that change the service's state: the app answers them with updateServiceStatus. */
export const STATE_CHANGING: ReadonlySet<ServiceControl> = new Set(['start', 'stop', 'shutdown', 'preshutdown', 'pause', 'continue']);

// dwEventType of SERVICE_CONTROL_SESSIONCHANGE (WTS_*), named as twapi does.
const SESSION_EVENTS = new Map<number, string>([
  [1, 'console_connect'], [2, 'console_disconnect'], [3, 'remote_connect'], [4, 'remote_disconnect'],
  [5, 'session_logon'], [6, 'session_logoff'], [7, 'session_lock'], [8, 'session_unlock'],
  [9, 'session_remote_control'], [10, 'session_create'], [11, 'session_terminate'],
]);

// dwEventType of SERVICE_CONTROL_POWEREVENT (PBT_*), named as twapi does.
const POWER_EVENTS = new Map<number, string>([
  [0, 'apmquerysuspend'], [1, 'apmquerystandby'], [2, 'apmquerysuspendfailed'], [3, 'apmquerystandbyfailed'],
  [4, 'apmsuspend'], [5, 'apmstandby'], [6, 'apmresumecritical'], [7, 'apmresumesuspend'], [8, 'apmresumestandby'],
  [9, 'apmbatterylow'], [10, 'apmpowerstatuschange'], [11, 'apmoemevent'], [18, 'apmresumeautomatic'],
  [0x8013, 'powersettingchange'],
]);

// dwEventType of SERVICE_CONTROL_HARDWAREPROFILECHANGE (DBT_*).
const HARDWARE_EVENTS = new Map<number, string>([
  [0x17, 'querychangeconfig'], [0x18, 'configchanged'], [0x19, 'configchangecanceled'],
]);

/** The extra handler arguments twapi passes after the numeric control code. */
export function notificationDetail(control: ServiceControl, eventType: number, sessionId?: number): unknown[] {
  switch (control) {
    case 'sessionchange': return [SESSION_EVENTS.get(eventType) ?? eventType, sessionId ?? -1];
    case 'powerevent': return [POWER_EVENTS.get(eventType) ?? eventType];
    case 'hardwareprofilechange': return [HARDWARE_EVENTS.get(eventType) ?? eventType];
    default: return [];
  }
}

/** BROADCAST_QUERY_DENY: the answer that refuses a query-type power or hardware event. */
export const BROADCAST_QUERY_DENY = 0x424d5144;
