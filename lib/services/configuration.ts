// Reading and changing a service's configuration (twapi get_service_configuration /
// set_service_configuration): what one returns, the other takes back.
import { callAsync, callSync } from '../native/binding';
import type { RawConfigResult, RawCoreChanges } from '../native/raw-types';
import {
  checkBoolean, checkKnownKeys, checkOptions, checkServiceName, checkStandardOptions, checkString, checkStringArray,
  checkToken, checkTokenOrNumber, tokenValue,
} from '../validation';
import type { StandardOptions } from '../validation';
import { CONFIG2_LEVELS, decodeOptionalValue, encodeOptionalSettings, OPTIONAL_FIELDS, REQUIRED_PRIVILEGES_VALUE, takeClearedPrivileges } from './config2';
import type { OptionalField, OptionalSettings, OptionalSettingsRecord } from './config2';
import { binaryPathFor, isDriverType } from './lifecycle';
import type { ServiceCommand } from './lifecycle';
import {
  ERROR_CONTROLS, errorControlToken, SERVICE_INTERACTIVE_PROCESS, SERVICE_TYPES, serviceTypeToken, START_TYPES,
  startTypeToken,
} from './tokens';
import type { ErrorControl, ServiceType, StartType } from './tokens';

/** A service's whole configuration as {@link getServiceConfiguration} reads it. */
export interface ServiceConfiguration extends OptionalSettingsRecord {
  /** The command line the SCM runs (lpBinaryPathName), exactly as stored. */
  command: string;
  /**
   * Name shown by the Services console. A service stored without one (possible under Wine) reads
   * as its internal name, which is what Windows shows for it.
   */
  displayName: string;
  /** `win32_own_process`, ... or the number for other types (interactive flag removed). */
  serviceType: ServiceType | number;
  /** SERVICE_INTERACTIVE_PROCESS. */
  interactive: boolean;
  startType: StartType | number;
  errorControl: ErrorControl | number;
  /** `''` when the service is in no group. */
  loadOrderGroup: string;
  /** Services (and `+`-prefixed load order groups) that must start first. */
  dependencies: string[];
  /** Account the service runs as (`LocalSystem`, `NT AUTHORITY\\LocalService`, `.\\user`...). */
  account: string;
}

/** A field of {@link ServiceConfiguration}. */
export type ConfigurationField = keyof ServiceConfiguration;

type CoreField = Exclude<ConfigurationField, OptionalField>;
const CORE_FIELDS: readonly CoreField[] = [
  'command', 'displayName', 'serviceType', 'interactive', 'startType', 'errorControl', 'loadOrderGroup', 'dependencies', 'account',
];

/** Every field, in the order results list them. */
export const CONFIGURATION_FIELDS: readonly ConfigurationField[] = [...CORE_FIELDS, ...OPTIONAL_FIELDS];

/** Options of {@link getServiceConfiguration}. */
export interface GetConfigurationOptions extends StandardOptions {
  /**
   * The fields to read; all when omitted. Only the Win32 calls these need are made (no
   * QueryServiceConfigW without a core field, one QueryServiceConfig2W per optional field).
   */
  fields?: ConfigurationField[];
}

/**
 * Changes for {@link setServiceConfiguration}: any subset of {@link ServiceConfiguration}, plus
 * `password`. Omitted fields stay unchanged.
 */
export interface ServiceConfigurationChanges extends OptionalSettings {
  /** A raw command line, stored as given, or `{ path, args }`, quoted as {@link createService} does. */
  command?: ServiceCommand;
  displayName?: string;
  serviceType?: ServiceType | number;
  interactive?: boolean;
  startType?: StartType | number;
  errorControl?: ErrorControl | number;
  /** `''` removes the service from its group. */
  loadOrderGroup?: string;
  /** The complete new list; `[]` clears it. */
  dependencies?: string[];
  account?: string;
  /** Password of `account` (or a new password for the current account). Never echoed anywhere. */
  password?: string;
}

const CHANGE_FIELDS: readonly string[] = [...CONFIGURATION_FIELDS, 'password'];

function prepareGet(name: unknown, options: unknown) {
  const serviceName = checkServiceName(name, 'name');
  const opts = checkOptions<GetConfigurationOptions>(options);
  const std = checkStandardOptions(opts);
  let fields: readonly ConfigurationField[] = CONFIGURATION_FIELDS;
  if (opts.fields !== undefined) {
    const table = Object.fromEntries(CONFIGURATION_FIELDS.map((f, i) => [f, i])) as Record<ConfigurationField, number>;
    const asked = new Set(checkStringArray(opts.fields, 'options.fields', (f, label) => checkToken(f, label, table)));
    fields = CONFIGURATION_FIELDS.filter((f) => asked.has(f));
  }
  const wantCore = fields.some((f) => (CORE_FIELDS as readonly string[]).includes(f));
  const levels = OPTIONAL_FIELDS.filter((f) => fields.includes(f)).map((f) => CONFIG2_LEVELS[f]);
  return {
    name: serviceName, ...std, fields, wantCore, levels,
    // Without an explicit list, a level this system does not implement is left out.
    skipUnsupported: opts.fields === undefined,
    context: { service: serviceName, system: std.system },
  };
}

/** The addon's result as a configuration record of the asked fields. @internal */
export function configurationFromRaw(raw: RawConfigResult, fields: readonly ConfigurationField[], name: string): Partial<ServiceConfiguration> {
  const out: Record<string, unknown> = {};
  const core = raw.core;
  for (const field of fields) {
    if ((CORE_FIELDS as readonly string[]).includes(field)) {
      if (!core) continue;
      const typeBits = core.serviceType;
      switch (field as CoreField) {
        case 'command': out.command = core.binaryPath ?? ''; break;
        case 'displayName': out.displayName = core.displayName || name; break;
        case 'serviceType': out.serviceType = serviceTypeToken(typeBits & ~SERVICE_INTERACTIVE_PROCESS); break;
        case 'interactive': out.interactive = (typeBits & SERVICE_INTERACTIVE_PROCESS) !== 0; break;
        case 'startType': out.startType = startTypeToken(core.startType); break;
        case 'errorControl': out.errorControl = errorControlToken(core.errorControl); break;
        case 'loadOrderGroup': out.loadOrderGroup = core.loadOrderGroup ?? ''; break;
        case 'dependencies': out.dependencies = core.dependencies; break;
        case 'account': out.account = core.account ?? ''; break;
        default:
      }
      continue;
    }
    const level = CONFIG2_LEVELS[field as OptionalField];
    if (Object.prototype.hasOwnProperty.call(raw.levels, level)) {
      out[field] = decodeOptionalValue(field as OptionalField, raw.levels[level]);
    }
  }
  return out as Partial<ServiceConfiguration>;
}

/**
 * The configuration of a service (twapi `get_service_configuration`): the core settings and the
 * optional levels, in the shape {@link setServiceConfiguration} takes back. `options.fields`
 * limits what is read. Levels this system does not implement (ERROR_INVALID_LEVEL: a level newer
 * than the running Windows, or Wine) are left out when `fields` is omitted; naming such a field
 * rejects with that ScmError. Needs SERVICE_QUERY_CONFIG only.
 * Wraps QueryServiceConfigW + QueryServiceConfig2W.
 */
export async function getServiceConfiguration(name: string, options?: GetConfigurationOptions): Promise<Partial<ServiceConfiguration>> {
  const q = prepareGet(name, options);
  const raw = await callAsync(q.context, (b) => b.queryConfig(q.system, q.database, q.name, q.wantCore, q.levels, q.skipUnsupported));
  return configurationFromRaw(raw, q.fields, q.name);
}

/** Synchronous {@link getServiceConfiguration}. Wraps QueryServiceConfigW + QueryServiceConfig2W. */
export function getServiceConfigurationSync(name: string, options?: GetConfigurationOptions): Partial<ServiceConfiguration> {
  const q = prepareGet(name, options);
  const raw = callSync(q.context, (b) => b.queryConfigSync(q.system, q.database, q.name, q.wantCore, q.levels, q.skipUnsupported));
  return configurationFromRaw(raw, q.fields, q.name);
}

/** Validated changes, ready for the addon except a `{ path, args }` command that needs the current type. @internal */
export function prepareChanges(changes: unknown): {
  core: RawCoreChanges | null;
  levels: ReturnType<typeof encodeOptionalSettings>;
  commandObject: { path: string; args?: string[] } | null;
  /** `requiredPrivileges: []`: delete the service key's RequiredPrivileges value after the SCM calls. */
  clearPrivileges: boolean;
} {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) throw new TypeError('changes must be an object');
  checkKnownKeys(changes, 'changes', CHANGE_FIELDS);
  const c = changes as ServiceConfigurationChanges;
  const serviceType = c.serviceType === undefined ? null : checkTokenOrNumber(c.serviceType, 'changes.serviceType', SERVICE_TYPES);
  if (typeof serviceType === 'number' && (serviceType & SERVICE_INTERACTIVE_PROCESS) !== 0) {
    throw new RangeError('changes.serviceType must not include SERVICE_INTERACTIVE_PROCESS (0x100); use changes.interactive');
  }
  const interactive = c.interactive === undefined ? null : checkBoolean(c.interactive, 'changes.interactive', false);
  const startType = c.startType === undefined ? null : checkTokenOrNumber(c.startType, 'changes.startType', START_TYPES);
  const errorControl = c.errorControl === undefined ? null : checkTokenOrNumber(c.errorControl, 'changes.errorControl', ERROR_CONTROLS);
  const optionalText = (value: unknown, what: string, allowEmpty: boolean) =>
    value === undefined ? null : checkString(value, what, { allowEmpty });
  const displayName = c.displayName === undefined ? null : checkServiceName(c.displayName, 'changes.displayName', { acceptDisplayName: true });
  const loadOrderGroup = optionalText(c.loadOrderGroup, 'changes.loadOrderGroup', true);
  const dependencies = c.dependencies === undefined ? null : checkStringArray(c.dependencies, 'changes.dependencies');
  const account = optionalText(c.account, 'changes.account', true);
  const password = optionalText(c.password, 'changes.password', true);

  let binaryPath: string | null = null;
  let commandObject: { path: string; args?: string[] } | null = null;
  if (c.command !== undefined) {
    // A string is stored as given; an object is checked now and quoted once the type is known.
    const quoted = binaryPathFor(c.command, serviceType ?? 'win32_own_process');
    if (typeof c.command === 'string') binaryPath = quoted;
    else if (serviceType !== null) binaryPath = quoted;
    else commandObject = c.command;
  }

  const driver = serviceType !== null && isDriverType(serviceType);
  if (serviceType !== null && !driver && startType !== null && (startType === 'boot_start' || startType === 'system_start')) {
    throw new RangeError(`changes.startType '${startType}' is only valid for drivers`);
  }
  if (interactive === true && driver) throw new RangeError('changes.interactive is only valid for Win32 services');
  if (interactive === true && account !== null && !/^(\.\\)?LocalSystem$/i.test(account)) {
    throw new RangeError('changes.interactive requires the LocalSystem account');
  }

  const { changes: levels, clearPrivileges } = takeClearedPrivileges(encodeOptionalSettings(c as Record<string, unknown>, 'changes.'));
  const anyCore = [serviceType, interactive, startType, errorControl, binaryPath, loadOrderGroup, dependencies, account, password,
    displayName].some((v) => v !== null) || commandObject !== null;
  const core: RawCoreChanges | null = anyCore ? {
    serviceType: serviceType === null ? null : tokenValue(serviceType, SERVICE_TYPES),
    interactive,
    startType: startType === null ? null : tokenValue(startType, START_TYPES),
    errorControl: errorControl === null ? null : tokenValue(errorControl, ERROR_CONTROLS),
    binaryPath, loadOrderGroup, dependencies, account, password, displayName,
  } : null;
  return { core, levels, commandObject, clearPrivileges };
}

/**
 * Changes a service's configuration (twapi `set_service_configuration`). `changes` takes any
 * subset of what {@link getServiceConfiguration} returns (a whole record too), plus `password`;
 * omitted fields stay unchanged (SERVICE_NO_CHANGE / null pointers), while empty values are
 * applied: `dependencies: []` clears them, `description: ''` deletes it, `triggers: []` deletes
 * every trigger, `failureActions: { actions: [] }` deletes the actions, `requiredPrivileges: []`
 * deletes the service key's `RequiredPrivileges` value (the service then gets its account's default
 * privileges; this one is a registry write, not a ChangeServiceConfig2W call). A `{ path, args }`
 * command of a service whose type is not being changed is quoted for the current type (one extra
 * query). The core settings are changed first, then each optional level; Windows has no
 * transaction, so when a step fails the earlier ones stay applied. Needs SERVICE_CHANGE_CONFIG,
 * plus SERVICE_START for a `restart` failure action (and SeShutdownPrivilege, enabled for the
 * call, for a `reboot` action).
 * Wraps ChangeServiceConfigW + ChangeServiceConfig2W.
 */
export async function setServiceConfiguration(name: string, changes: ServiceConfigurationChanges, options?: StandardOptions): Promise<void> {
  const serviceName = checkServiceName(name, 'name');
  const std = checkStandardOptions(checkOptions<StandardOptions>(options));
  const prepared = prepareChanges(changes);
  const context = { service: serviceName, system: std.system };
  const { core, levels, commandObject, clearPrivileges } = prepared;
  if (core && commandObject) {
    const current = await callAsync(context, (b) => b.queryConfig(std.system, std.database, serviceName, true, [], false));
    const bits = current.core?.serviceType ?? SERVICE_TYPES.win32_own_process;
    core.binaryPath = binaryPathFor(commandObject, bits & ~SERVICE_INTERACTIVE_PROCESS);
  }
  if (core || levels.length > 0 || !clearPrivileges) {
    await callAsync(context, (b) => b.changeConfig(std.system, std.database, serviceName, core, levels));
  }
  if (clearPrivileges) await callAsync(context, (b) => b.deleteServiceValue(std.system, serviceName, REQUIRED_PRIVILEGES_VALUE));
}
