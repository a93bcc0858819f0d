// twapi's tokens for the SCM's numeric values, both ways, in one table each.

/** SERVICE_STOPPED ... SERVICE_PAUSED as twapi names them. */
export type ServiceState =
  | 'stopped' | 'start_pending' | 'stop_pending' | 'running' | 'continue_pending' | 'pause_pending' | 'paused';

export const SERVICE_STATES: Readonly<Record<ServiceState, number>> = {
  stopped: 1,
  start_pending: 2,
  stop_pending: 3,
  running: 4,
  continue_pending: 5,
  pause_pending: 6,
  paused: 7,
};

/** SERVICE_KERNEL_DRIVER ... SERVICE_WIN32_SHARE_PROCESS as twapi names them. */
export type ServiceType =
  | 'kernel_driver' | 'file_system_driver' | 'adapter' | 'recognizer_driver' | 'win32_own_process' | 'win32_share_process';

export const SERVICE_TYPES: Readonly<Record<ServiceType, number>> = {
  kernel_driver: 0x1,
  file_system_driver: 0x2,
  adapter: 0x4,
  recognizer_driver: 0x8,
  win32_own_process: 0x10,
  win32_share_process: 0x20,
};

/** SERVICE_INTERACTIVE_PROCESS: a flag on top of the type. */
export const SERVICE_INTERACTIVE_PROCESS = 0x100;
/** Every type bit EnumServicesStatusEx accepts (drivers and Win32 services). */
export const SERVICE_TYPE_ALL_ENUMERABLE = 0x3f;

/** SERVICE_BOOT_START ... SERVICE_DISABLED as twapi names them. */
export type StartType = 'boot_start' | 'system_start' | 'auto_start' | 'demand_start' | 'disabled';

export const START_TYPES: Readonly<Record<StartType, number>> = {
  boot_start: 0,
  system_start: 1,
  auto_start: 2,
  demand_start: 3,
  disabled: 4,
};

/** SERVICE_ERROR_IGNORE ... SERVICE_ERROR_CRITICAL as twapi names them. */
export type ErrorControl = 'ignore' | 'normal' | 'severe' | 'critical';

export const ERROR_CONTROLS: Readonly<Record<ErrorControl, number>> = {
  ignore: 0,
  normal: 1,
  severe: 2,
  critical: 3,
};

/** SERVICE_ACCEPT_* bits by name, for `acceptedControls`. */
export const ACCEPTED_CONTROLS: ReadonlyArray<readonly [string, number]> = [
  ['stop', 0x1],
  ['pause_continue', 0x2],
  ['shutdown', 0x4],
  ['paramchange', 0x8],
  ['netbindchange', 0x10],
  ['hardwareprofilechange', 0x20],
  ['powerevent', 0x40],
  ['sessionchange', 0x80],
  ['preshutdown', 0x100],
  ['timechange', 0x200],
  ['triggerevent', 0x400],
  ['user_logoff', 0x800],
  ['lowresources', 0x2000],
  ['systemlowresources', 0x4000],
];

/** SERVICE_CONTROL_* codes used by the control functions. */
export const SERVICE_CONTROL = {
  stop: 1,
  pause: 2,
  continue: 3,
  interrogate: 4,
} as const;

/** Each table's inverse (value -> token), built the first time the table is read backwards. */
const inverses = new WeakMap<object, Map<number, string>>();

/** The token a table gives `value`, or `value` itself when the table has none. @internal */
export function tokenOrNumber<T extends string>(table: Readonly<Record<T, number>>, value: number): T | number {
  let inverse = inverses.get(table);
  if (!inverse) {
    // The first token wins should two share a value (none of the tables has such).
    inverse = new Map([...Object.entries<number>(table)].reverse().map(([token, number]) => [number, token]));
    inverses.set(table, inverse);
  }
  return (inverse.get(value) as T | undefined) ?? value;
}

/** twapi: a token, or the integer when Windows reports a value the table does not know. */
export function stateToken(value: number): ServiceState | number {
  return tokenOrNumber(SERVICE_STATES, value);
}

/** The type token without the interactive flag, or the raw number for other combinations. */
export function serviceTypeToken(value: number): ServiceType | number {
  const token = tokenOrNumber(SERVICE_TYPES, value & ~SERVICE_INTERACTIVE_PROCESS);
  return typeof token === 'string' ? token : value;
}

export function startTypeToken(value: number): StartType | number {
  return tokenOrNumber(START_TYPES, value);
}

export function errorControlToken(value: number): ErrorControl | number {
  return tokenOrNumber(ERROR_CONTROLS, value);
}

/** The SERVICE_ACCEPT_* names of a controls-accepted mask. */
export function acceptedControlTokens(mask: number): string[] {
  return ACCEPTED_CONTROLS.filter(([, bit]) => (mask & bit) !== 0).map(([token]) => token);
}

/** SERVICE_NOTIFY_* bit of a state (SERVICE_NOTIFY_STOPPED = 1 << (SERVICE_STOPPED - 1)). */
export function notifyBit(state: ServiceState): number {
  return 1 << (SERVICE_STATES[state] - 1);
}
