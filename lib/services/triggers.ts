// Service trigger events (SERVICE_CONFIG_TRIGGER_INFO, Windows 7 and later): tokens, GUIDs and
// the trigger-specific data items, converted to and from the numbers and bytes the addon takes.
import type { RawTrigger, RawTriggerData } from '../native/raw-types';
import { checkInteger, checkString, checkTokenOrNumber, tokenValue } from '../validation';
import { tokenOrNumber } from './tokens';

/** SERVICE_TRIGGER_TYPE_* as tokens. */
export type TriggerType =
  | 'device_interface_arrival' | 'ip_address_availability' | 'domain_join' | 'firewall_port_event' | 'group_policy'
  | 'network_endpoint' | 'custom_system_state_change' | 'custom' | 'aggregate';

export const TRIGGER_TYPES: Readonly<Record<TriggerType, number>> = {
  device_interface_arrival: 1,
  ip_address_availability: 2,
  domain_join: 3,
  firewall_port_event: 4,
  group_policy: 5,
  network_endpoint: 6,
  custom_system_state_change: 7,
  custom: 20,
  aggregate: 30,
};

/** SERVICE_TRIGGER_ACTION_SERVICE_START / _STOP. */
export type TriggerAction = 'start' | 'stop';

export const TRIGGER_ACTIONS: Readonly<Record<TriggerAction, number>> = { start: 1, stop: 2 };

/** SERVICE_TRIGGER_DATA_TYPE_* as tokens. */
export type TriggerDataType = 'binary' | 'string' | 'level' | 'keyword_any' | 'keyword_all';

export const TRIGGER_DATA_TYPES: Readonly<Record<TriggerDataType, number>> = {
  binary: 1,
  string: 2,
  level: 3,
  keyword_any: 4,
  keyword_all: 5,
};

/** The subtype GUIDs winsvc.h names, as tokens. */
export type TriggerSubtype =
  | 'first_ip_address_arrival' | 'last_ip_address_removal' | 'domain_join' | 'domain_leave' | 'firewall_port_open'
  | 'firewall_port_close' | 'machine_policy_present' | 'user_policy_present' | 'rpc_interface_event' | 'named_pipe_event';

interface SubtypeInfo {
  guid: string;
  /** The trigger type the subtype belongs to. */
  type: TriggerType;
}

/** winsvc.h: NETWORK_MANAGER_FIRST_IP_ADDRESS_ARRIVAL_GUID ... NAMED_PIPE_EVENT_GUID. */
export const TRIGGER_SUBTYPES: Readonly<Record<TriggerSubtype, SubtypeInfo>> = {
  first_ip_address_arrival: { guid: '4f27f2de-14e2-430b-a549-7cd48cbc8245', type: 'ip_address_availability' },
  last_ip_address_removal: { guid: 'cc4ba62a-162e-4648-847a-b6bdf993e335', type: 'ip_address_availability' },
  domain_join: { guid: '1ce20aba-9851-4421-9430-1ddeb766e809', type: 'domain_join' },
  domain_leave: { guid: 'ddaf516e-58c2-4866-9574-c3b615d42ea1', type: 'domain_join' },
  firewall_port_open: { guid: 'b7569e07-8421-4ee0-ad10-86915afdad09', type: 'firewall_port_event' },
  firewall_port_close: { guid: 'a144ed38-8e12-4de4-9d96-e64740b1a524', type: 'firewall_port_event' },
  machine_policy_present: { guid: '659fcae6-5bdb-4da9-b1ff-ca2a178d46e0', type: 'group_policy' },
  user_policy_present: { guid: '54fb46c8-f089-464c-b1fd-59d1b62c3b50', type: 'group_policy' },
  rpc_interface_event: { guid: 'bc90d167-9470-4139-a9ba-be0bbbf5b74d', type: 'network_endpoint' },
  named_pipe_event: { guid: '1f81d131-3fac-4537-9e0c-7e7b0c2f4b55', type: 'network_endpoint' },
};

/**
 * One trigger-specific data item. A value whose bytes do not fit its declared type (say a `level`
 * that is not one byte) reads back as `{ type: <number>, value: Buffer }`, which writes back as is.
 */
export type TriggerDataItem =
  | { type: 'binary'; value: Uint8Array }
  /** One NUL-terminated string, or a multi-string (two or more strings, double-NUL terminated). */
  | { type: 'string'; value: string | string[] }
  /** An ETW level, 0-255. */
  | { type: 'level'; value: number }
  /** An ETW keyword mask (64-bit): a bigint, or a non-negative safe integer when writing. */
  | { type: 'keyword_any' | 'keyword_all'; value: bigint | number }
  | { type: number; value: Uint8Array };

/** A service trigger (SERVICE_TRIGGER). */
export interface ServiceTrigger {
  type: TriggerType | number;
  action: TriggerAction | number;
  /**
   * A well-known subtype token, or a GUID string (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, braces
   * optional): the device interface class, ETW provider, aggregate trigger... `null` for none.
   */
  subtype: TriggerSubtype | string | null;
  /** Trigger-specific data; none when omitted. */
  data?: TriggerDataItem[];
}

/** A trigger as read back: subtype tokens where known, GUIDs lower case without braces, data always present. */
export interface ServiceTriggerRecord extends ServiceTrigger {
  data: TriggerDataItem[];
}

const MAX_DATA_BYTES = 1024;
/** MS-SCMR 2.2.54 SERVICE_TRIGGER_INFO: `[range(0, 64)] DWORD cTriggers`. */
export const MAX_TRIGGERS = 64;
/** MS-SCMR 2.2.53 SERVICE_TRIGGER (winsvc.h's MIDL attributes): `[range(0, 64)] DWORD cDataItems`. */
export const MAX_TRIGGER_DATA_ITEMS = 64;
/** QueryServiceConfig2W's 8 KB answer (config2.ts CONFIG2_QUERY_MAX_BYTES; not imported: config2 imports this file). */
const QUERY_MAX_BYTES = 8 * 1024;
const GUID_PATTERN = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i;
const SUBTYPE_BY_GUID = new Map<string, TriggerSubtype>(
  (Object.entries(TRIGGER_SUBTYPES) as [TriggerSubtype, SubtypeInfo][]).map(([token, info]) => [info.guid, token]),
);

/** A GUID string as the 16 bytes of a Windows GUID in memory (Data1-3 little-endian). @internal */
export function guidToBytes(text: string, what = 'guid'): Uint8Array {
  const match = GUID_PATTERN.exec(text);
  if (!match || (text.startsWith('{') !== text.endsWith('}'))) {
    throw new RangeError(`${what} must be a GUID like 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', got '${text}'`);
  }
  const [, d1, d2, d3, d4, d5] = match as unknown as [string, string, string, string, string, string];
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32LE(parseInt(d1, 16), 0);
  bytes.writeUInt16LE(parseInt(d2, 16), 4);
  bytes.writeUInt16LE(parseInt(d3, 16), 6);
  Buffer.from(d4 + d5, 'hex').copy(bytes, 8);
  return new Uint8Array(bytes);
}

/** The 16 bytes of a Windows GUID as a lower-case GUID string. @internal */
export function bytesToGuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a GUID has 16 bytes, got ${bytes.length}`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const tail = b.subarray(8).toString('hex');
  return `${hex(b.readUInt32LE(0), 8)}-${hex(b.readUInt16LE(4), 4)}-${hex(b.readUInt16LE(6), 4)}-${tail.slice(0, 4)}-${tail.slice(4)}`;
}

function utf16(text: string): Buffer {
  return Buffer.from(text, 'utf16le');
}

function checkBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array or Buffer`);
  return value;
}

function checkKeyword(value: unknown, what: string): bigint {
  let keyword: bigint;
  if (typeof value === 'bigint') keyword = value;
  else if (typeof value === 'number') keyword = BigInt(checkInteger(value, what, 0, Number.MAX_SAFE_INTEGER));
  else throw new TypeError(`${what} must be a bigint or a non-negative integer`);
  if (keyword < 0n || keyword > 0xffffffffffffffffn) throw new RangeError(`${what} must fit in 64 unsigned bits`);
  return keyword;
}

function encodeString(value: unknown, what: string): Buffer {
  if (typeof value === 'string') return utf16(`${checkString(value, what, { allowEmpty: true })}\0`);
  if (!Array.isArray(value)) throw new TypeError(`${what} must be a string or an array of strings`);
  if (value.length === 0) throw new RangeError(`${what} must hold at least one string`);
  // In a multi-string an empty item would read as its end.
  const items = value.map((item, i) => checkString(item, `${what}[${i}]`));
  return utf16(`${items.join('\0')}\0\0`);
}

/** One data item as the addon takes it: its type number and bytes. @internal */
export function encodeTriggerData(item: unknown, what: string): RawTriggerData {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new TypeError(`${what} must be an object { type, value }`);
  const { type, value } = item as { type: unknown; value: unknown };
  const dataType = checkTokenOrNumber(type, `${what}.type`, TRIGGER_DATA_TYPES);
  let bytes: Uint8Array;
  switch (dataType) {
    case 'binary': bytes = checkBytes(value, `${what}.value`); break;
    case 'string': bytes = encodeString(value, `${what}.value`); break;
    case 'level': bytes = Uint8Array.of(checkInteger(value, `${what}.value`, 0, 255)); break;
    case 'keyword_any':
    case 'keyword_all': {
      const buffer = Buffer.alloc(8);
      buffer.writeBigUInt64LE(checkKeyword(value, `${what}.value`));
      bytes = buffer;
      break;
    }
    default: bytes = checkBytes(value, `${what}.value`);
  }
  if (bytes.length > MAX_DATA_BYTES) throw new RangeError(`${what}.value must encode to at most ${MAX_DATA_BYTES} bytes, got ${bytes.length}`);
  return { type: tokenValue(dataType, TRIGGER_DATA_TYPES), bytes: new Uint8Array(bytes) };
}

/** A data item read back, typed where its bytes fit its type. @internal */
export function decodeTriggerData(raw: RawTriggerData): TriggerDataItem {
  const bytes = Buffer.from(raw.bytes);
  switch (raw.type) {
    case TRIGGER_DATA_TYPES.binary:
      return { type: 'binary', value: bytes };
    case TRIGGER_DATA_TYPES.string:
      if (bytes.length % 2 === 0) {
        const items = bytes.toString('utf16le').replace(/\0+$/, '').split('\0');
        return { type: 'string', value: items.length === 1 ? items[0] as string : items };
      }
      break;
    case TRIGGER_DATA_TYPES.level:
      if (bytes.length === 1) return { type: 'level', value: bytes[0] as number };
      break;
    case TRIGGER_DATA_TYPES.keyword_any:
    case TRIGGER_DATA_TYPES.keyword_all:
      if (bytes.length === 8) {
        return { type: raw.type === TRIGGER_DATA_TYPES.keyword_any ? 'keyword_any' : 'keyword_all', value: bytes.readBigUInt64LE(0) };
      }
      break;
    default:
  }
  return { type: raw.type, value: bytes };
}

function encodeSubtype(value: unknown, what: string, type: TriggerType | number): Uint8Array | null {
  if (value === null) return null;
  const text = checkString(value, what);
  const known = (TRIGGER_SUBTYPES as Record<string, SubtypeInfo | undefined>)[text];
  if (!known) return guidToBytes(text, what);
  if (typeof type === 'string' && type !== known.type) {
    throw new RangeError(`${what} '${text}' belongs to triggers of type '${known.type}', not '${type}'`);
  }
  return guidToBytes(known.guid, what);
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;

/**
 * The bytes QueryServiceConfig2W needs to return `triggers` in a 64-bit process: SERVICE_TRIGGER_INFO
 * (24), per trigger SERVICE_TRIGGER (32) and its subtype GUID (16), per data item
 * SERVICE_TRIGGER_SPECIFIC_DATA_ITEM (16) and its bytes, each block 8-byte aligned. @internal
 */
export function triggerQueryBytes(triggers: readonly RawTrigger[]): number {
  let total = 24;
  for (const t of triggers) {
    total += 32 + (t.subtype ? 16 : 0);
    for (const d of t.data) total += 16 + align8(d.bytes.length);
  }
  return total;
}

/**
 * Validates triggers and converts them for the addon. Refuses (RangeError) what the SCM would
 * store but never return: more than {@link MAX_TRIGGERS} triggers, more than
 * {@link MAX_TRIGGER_DATA_ITEMS} data items in one, or a list whose query answer
 * ({@link triggerQueryBytes}) exceeds 8 KB. @internal
 */
export function encodeTriggers(value: unknown, what: string): RawTrigger[] {
  if (!Array.isArray(value)) throw new TypeError(`${what} must be an array of triggers`);
  if (value.length > MAX_TRIGGERS) throw new RangeError(`${what} must hold at most ${MAX_TRIGGERS} triggers (MS-SCMR SERVICE_TRIGGER_INFO), got ${value.length}`);
  const encoded = value.map((item: unknown, index) => {
    const at = `${what}[${index}]`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw new TypeError(`${at} must be an object`);
    const trigger = item as Partial<ServiceTrigger>;
    const type = checkTokenOrNumber(trigger.type, `${at}.type`, TRIGGER_TYPES);
    const action = checkTokenOrNumber(trigger.action, `${at}.action`, TRIGGER_ACTIONS);
    const subtype = encodeSubtype(trigger.subtype, `${at}.subtype`, type);
    const data = trigger.data === undefined ? [] : trigger.data;
    if (!Array.isArray(data)) throw new TypeError(`${at}.data must be an array of data items`);
    if (data.length > MAX_TRIGGER_DATA_ITEMS) {
      throw new RangeError(`${at}.data must hold at most ${MAX_TRIGGER_DATA_ITEMS} data items (MS-SCMR SERVICE_TRIGGER), got ${data.length}`);
    }
    return {
      type: tokenValue(type, TRIGGER_TYPES),
      action: tokenValue(action, TRIGGER_ACTIONS),
      subtype,
      data: data.map((d, i) => encodeTriggerData(d, `${at}.data[${i}]`)),
    };
  });
  const bytes = triggerQueryBytes(encoded);
  if (bytes > QUERY_MAX_BYTES) {
    throw new RangeError(`${what} would need ${bytes} bytes to read back, more than the ${QUERY_MAX_BYTES} QueryServiceConfig2W can return`);
  }
  return encoded;
}

/** Triggers read back, with tokens where the tables know the values. @internal */
export function decodeTriggers(raw: RawTrigger[]): ServiceTriggerRecord[] {
  return raw.map((trigger) => {
    const guid = trigger.subtype ? bytesToGuid(trigger.subtype) : null;
    return {
      type: tokenOrNumber(TRIGGER_TYPES, trigger.type),
      action: tokenOrNumber(TRIGGER_ACTIONS, trigger.action),
      subtype: guid === null ? null : SUBTYPE_BY_GUID.get(guid) ?? guid,
      data: trigger.data.map(decodeTriggerData),
    };
  });
}
