// The optional configuration levels of a service (ChangeServiceConfig2W / QueryServiceConfig2W):
// their tokens and shapes, validation, and conversion to and from the addon's raw values.
import type { RawConfig2Change, RawFailureActions, RawTrigger } from '../native/raw-types';
import { checkBoolean, checkInteger, checkKnownKeys, checkString, checkTokenOrNumber, tokenValue } from '../validation';
import { tokenOrNumber } from './tokens';
import { decodeTriggers, encodeTriggers } from './triggers';
import type { ServiceTrigger, ServiceTriggerRecord } from './triggers';

/** SC_ACTION_* as tokens. */
export type FailureActionType = 'none' | 'restart' | 'reboot' | 'run_command';

export const FAILURE_ACTION_TYPES: Readonly<Record<FailureActionType, number>> = {
  none: 0,
  restart: 1,
  reboot: 2,
  run_command: 3,
};

/** SERVICE_SID_TYPE_* as tokens. */
export type SidType = 'none' | 'unrestricted' | 'restricted';

export const SID_TYPES: Readonly<Record<SidType, number>> = { none: 0, unrestricted: 1, restricted: 3 };

/** SERVICE_LAUNCH_PROTECTED_* as tokens. */
export type LaunchProtected = 'none' | 'windows' | 'windows_light' | 'antimalware_light';

export const LAUNCH_PROTECTED: Readonly<Record<LaunchProtected, number>> = {
  none: 0,
  windows: 1,
  windows_light: 2,
  antimalware_light: 3,
};

/**
 * The most bytes one QueryServiceConfig2W answer can hold: "The maximum size of this array is 8K
 * bytes" (QueryServiceConfig2W), and MS-SCMR 3.1.4.37 bounds RQueryServiceConfig2W's cbBufSize
 * and pcbBytesNeeded to `range(0, 1024*8)`. A value whose answer is larger is stored by the SCM
 * (MS-SCMR lets a description of up to 8 * 1024 characters in) but can never be read back.
 */
export const CONFIG2_QUERY_MAX_BYTES = 8 * 1024;

/**
 * The longest description (UTF-16 code units) that reads back: the SERVICE_DESCRIPTIONW structure
 * (one pointer, 8 bytes in a 64-bit process) and the NUL-terminated text must fit in
 * {@link CONFIG2_QUERY_MAX_BYTES}: (8192 - 8) / 2 - 1 = 4091.
 */
export const MAX_DESCRIPTION_LENGTH = (CONFIG2_QUERY_MAX_BYTES - 8) / 2 - 1;

/** A description, refused (RangeError) when longer than {@link MAX_DESCRIPTION_LENGTH}. @internal */
export function checkDescription(value: unknown, what: string): string {
  const text = checkString(value, what, { allowEmpty: true });
  if (text.length > MAX_DESCRIPTION_LENGTH) {
    throw new RangeError(`${what} must be at most ${MAX_DESCRIPTION_LENGTH} characters (UTF-16 code units), got ${text.length}: `
      + `the SCM stores a longer one but QueryServiceConfig2W cannot return it (8 KB limit)`);
  }
  return text;
}

/** `resetPeriod` value meaning "never reset the failure count" (INFINITE). */
export const INFINITE_RESET_PERIOD = 0xffffffff;

/** One recovery action (SC_ACTION): what the SCM does after a failure, and after how long. */
export interface FailureAction {
  type: FailureActionType | number;
  /** Milliseconds to wait before taking the action. */
  delay: number;
}

/**
 * Recovery settings (SERVICE_FAILURE_ACTIONS). Read back, every field is present (empty strings and
 * an empty list when unset). When writing, an omitted field stays unchanged, `''` deletes a string,
 * and `actions: []` deletes the actions and the reset period. `resetPeriod` and a non-empty
 * `actions` go together.
 */
export interface FailureActions {
  /** Seconds without failure after which the failure count resets; {@link INFINITE_RESET_PERIOD} for never. */
  resetPeriod?: number;
  /** Message broadcast before a `reboot` action. */
  rebootMessage?: string;
  /** Command line a `run_command` action runs. */
  command?: string;
  /** Actions for the first, second, ... failure; the last one repeats. */
  actions?: FailureAction[];
}

/** The optional settings (ChangeServiceConfig2W levels) accepted by createService and setServiceConfiguration. */
export interface OptionalSettings {
  /** SERVICE_CONFIG_DESCRIPTION; `''` deletes it. At most {@link MAX_DESCRIPTION_LENGTH} characters (else RangeError). */
  description?: string;
  /** SERVICE_CONFIG_FAILURE_ACTIONS. */
  failureActions?: FailureActions;
  /** SERVICE_CONFIG_FAILURE_ACTIONS_FLAG: also run the actions when the service stops with an error exit code. */
  failureActionsOnNonCrashFailures?: boolean;
  /** SERVICE_CONFIG_DELAYED_AUTO_START_INFO: an auto-start service starts shortly after the others. */
  delayedAutoStart?: boolean;
  /** SERVICE_CONFIG_SERVICE_SID_INFO. */
  sidType?: SidType | number;
  /**
   * SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO: privilege names (`SeChangeNotifyPrivilege`...). `[]`
   * removes the setting (the service key's `RequiredPrivileges` value), so the service gets every
   * privilege its account's token has by default, which is what the documentation promises when
   * none is set; Microsoft documents no meaning for an empty list passed to the SCM.
   */
  requiredPrivileges?: string[];
  /** SERVICE_CONFIG_PRESHUTDOWN_INFO: milliseconds the SCM waits for a preshutdown handler. */
  preshutdownTimeout?: number;
  /**
   * SERVICE_CONFIG_TRIGGER_INFO: the whole list is replaced; `[]` deletes every trigger. At most 64
   * triggers of at most 64 data items each, and all of it within the SCM's 8 KB query answer
   * (else RangeError; see `encodeTriggers`).
   */
  triggers?: ServiceTrigger[];
  /** SERVICE_CONFIG_LAUNCH_PROTECTED (Windows 8.1+); any protection needs a suitably signed binary. */
  launchProtected?: LaunchProtected | number;
}

/** The optional settings as read back. */
export interface OptionalSettingsRecord {
  description: string;
  failureActions: Required<FailureActions>;
  failureActionsOnNonCrashFailures: boolean;
  delayedAutoStart: boolean;
  sidType: SidType | number;
  requiredPrivileges: string[];
  preshutdownTimeout: number;
  triggers: ServiceTriggerRecord[];
  launchProtected: LaunchProtected | number;
}

export type OptionalField = keyof OptionalSettings;

/** SERVICE_CONFIG_* level of each optional field, in the order they are applied. */
export const CONFIG2_LEVELS: Readonly<Record<OptionalField, number>> = {
  description: 1,
  failureActions: 2,
  failureActionsOnNonCrashFailures: 4,
  delayedAutoStart: 3,
  sidType: 5,
  requiredPrivileges: 6,
  preshutdownTimeout: 7,
  triggers: 8,
  launchProtected: 12,
};

export const OPTIONAL_FIELDS = Object.keys(CONFIG2_LEVELS) as OptionalField[];

const FAILURE_ACTIONS_FIELDS = ['resetPeriod', 'rebootMessage', 'command', 'actions'];

function encodeFailureActions(value: unknown, what: string): RawFailureActions {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${what} must be an object`);
  checkKnownKeys(value, what, FAILURE_ACTIONS_FIELDS);
  const fa = value as FailureActions;
  const optionalText = (text: unknown, label: string) =>
    text === undefined ? null : checkString(text, `${what}.${label}`, { allowEmpty: true });
  let actions: RawFailureActions['actions'] = null;
  if (fa.actions !== undefined) {
    if (!Array.isArray(fa.actions)) throw new TypeError(`${what}.actions must be an array`);
    actions = fa.actions.map((action: unknown, i) => {
      const at = `${what}.actions[${i}]`;
      if (action === null || typeof action !== 'object' || Array.isArray(action)) throw new TypeError(`${at} must be an object { type, delay }`);
      checkKnownKeys(action, at, ['type', 'delay']);
      const { type, delay } = action as FailureAction;
      return {
        type: tokenValue(checkTokenOrNumber(type, `${at}.type`, FAILURE_ACTION_TYPES), FAILURE_ACTION_TYPES),
        delay: checkInteger(delay, `${at}.delay`, 0, 0xffffffff),
      };
    });
  }
  // Windows reads the reset period only together with the action list.
  if (fa.resetPeriod !== undefined && actions === null) throw new RangeError(`${what}.resetPeriod needs ${what}.actions`);
  if (fa.resetPeriod === undefined && actions !== null && actions.length > 0) {
    throw new RangeError(`${what}.resetPeriod is required with actions (seconds; ${INFINITE_RESET_PERIOD} for never)`);
  }
  const resetPeriod = fa.resetPeriod === undefined ? 0 : checkInteger(fa.resetPeriod, `${what}.resetPeriod`, 0, 0xffffffff);
  return { resetPeriod, rebootMessage: optionalText(fa.rebootMessage, 'rebootMessage'), command: optionalText(fa.command, 'command'), actions };
}

function encodeValue(field: OptionalField, value: unknown, what: string): unknown {
  switch (field) {
    case 'description': return checkDescription(value, what);
    case 'failureActions': return encodeFailureActions(value, what);
    case 'failureActionsOnNonCrashFailures':
    case 'delayedAutoStart':
      return checkBoolean(value, what, false);
    case 'sidType': return tokenValue(checkTokenOrNumber(value, what, SID_TYPES), SID_TYPES);
    case 'requiredPrivileges':
      if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of privilege names`);
      return value.map((item, i) => checkString(item, `${what}[${i}]`));
    case 'preshutdownTimeout': return checkInteger(value, what, 0, 0xffffffff);
    case 'triggers': return encodeTriggers(value, what);
    case 'launchProtected': return tokenValue(checkTokenOrNumber(value, what, LAUNCH_PROTECTED), LAUNCH_PROTECTED);
    default: throw new RangeError(`unknown optional field ${String(field)}`);
  }
}

/**
 * The optional settings present in `settings` (undefined ones skipped), validated and converted to
 * the addon's `{ level, value }` list, in the order of {@link CONFIG2_LEVELS}. @internal
 */
export function encodeOptionalSettings(settings: Record<string, unknown>, prefix: string): RawConfig2Change[] {
  const changes: RawConfig2Change[] = [];
  for (const field of OPTIONAL_FIELDS) {
    const value = settings[field];
    if (value === undefined) continue;
    changes.push({ level: CONFIG2_LEVELS[field], value: encodeValue(field, value, `${prefix}${field}`) });
  }
  return changes;
}

/**
 * `requiredPrivileges: []` taken out of encoded changes: the SCM is not asked (Microsoft documents
 * no meaning for an empty list); the caller deletes the service key's `RequiredPrivileges` value
 * instead, which leaves the service with its default privileges. @internal
 */
export function takeClearedPrivileges(changes: RawConfig2Change[]): { changes: RawConfig2Change[]; clearPrivileges: boolean } {
  const level = CONFIG2_LEVELS.requiredPrivileges;
  const cleared = (c: RawConfig2Change) => c.level === level && Array.isArray(c.value) && c.value.length === 0;
  return { changes: changes.filter((c) => !cleared(c)), clearPrivileges: changes.some(cleared) };
}

/** The registry value under the service's key where the SCM keeps SERVICE_CONFIG_REQUIRED_PRIVILEGES_INFO. @internal */
export const REQUIRED_PRIVILEGES_VALUE = 'RequiredPrivileges';

/** One optional level read back, as the field's value. @internal */
export function decodeOptionalValue(field: OptionalField, raw: unknown): OptionalSettingsRecord[OptionalField] {
  switch (field) {
    case 'description': return (raw as string | null) ?? '';
    case 'failureActions': {
      const fa = raw as RawFailureActions & { actions: NonNullable<RawFailureActions['actions']> };
      return {
        resetPeriod: fa.resetPeriod,
        rebootMessage: fa.rebootMessage ?? '',
        command: fa.command ?? '',
        actions: fa.actions.map((a) => ({ type: tokenOrNumber(FAILURE_ACTION_TYPES, a.type), delay: a.delay })),
      };
    }
    case 'sidType': return tokenOrNumber(SID_TYPES, raw as number);
    case 'launchProtected': return tokenOrNumber(LAUNCH_PROTECTED, raw as number);
    case 'triggers': return decodeTriggers(raw as RawTrigger[]);
    default: return raw as OptionalSettingsRecord[OptionalField];
  }
}
