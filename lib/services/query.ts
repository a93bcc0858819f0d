// Read-only queries: existence, names, state and status of one or many services.
import { callSync } from '../native/binding';
import { queryAsync } from '../native/query-queue';
import type { RawEnumEntry } from '../native/raw-types';
import { checkOptions, checkOptionalString, checkServiceName, checkStandardOptions, checkStringArray, checkToken } from '../validation';
import type { StandardOptions } from '../validation';
import { statusFromRaw } from './status-record';
import type { ServiceStatus, ServiceStatusWithDisplayName } from './status-record';
import { SERVICE_TYPE_ALL_ENUMERABLE, SERVICE_TYPES } from './tokens';
import type { ServiceState, ServiceType } from './tokens';
import { ScmError } from '../errors/scm-error';

function prepareNameQuery(name: unknown, options: unknown) {
  const checkedName = checkServiceName(name, 'name', { acceptDisplayName: true });
  const std = checkStandardOptions(checkOptions<StandardOptions>(options));
  return { name: checkedName, ...std, context: { service: checkedName, system: std.system } };
}

function notFound(name: string, system: string | null): ScmError {
  return new ScmError({
    errno: 1060,
    syscall: 'GetServiceKeyNameW',
    service: name,
    detail: 'The specified service does not exist as an installed service',
    ...(system ? { system } : {}),
  });
}

type ResolvedName = { name: string; displayName: string };

async function resolve(name: unknown, options: unknown): Promise<ResolvedName | null> {
  const q = prepareNameQuery(name, options);
  return queryAsync(q.context, (b) => b.resolveName(q.system, q.database, q.name));
}

function resolveSync(name: unknown, options: unknown): ResolvedName | null {
  const q = prepareNameQuery(name, options);
  return callSync(q.context, (b) => b.resolveNameSync(q.system, q.database, q.name));
}

function found(result: ResolvedName | null, name: string, options: StandardOptions | undefined): ResolvedName {
  if (!result) throw notFound(name, options?.system ?? null);
  return result;
}

/**
 * Whether a service exists, by internal or display name (twapi `service_exists`).
 * Wraps GetServiceDisplayNameW / GetServiceKeyNameW.
 */
export async function serviceExists(name: string, options?: StandardOptions): Promise<boolean> {
  return (await resolve(name, options)) !== null;
}

/** Synchronous {@link serviceExists}. Wraps GetServiceDisplayNameW / GetServiceKeyNameW. */
export function serviceExistsSync(name: string, options?: StandardOptions): boolean {
  return resolveSync(name, options) !== null;
}

/**
 * The internal (key) name of a service given either name (twapi `get_service_internal_name`).
 * Rejects with ScmError ERROR_SERVICE_DOES_NOT_EXIST when neither matches.
 * Wraps GetServiceKeyNameW / GetServiceDisplayNameW.
 */
export async function getServiceInternalName(name: string, options?: StandardOptions): Promise<string> {
  return found(await resolve(name, options), name, options).name;
}

/** Synchronous {@link getServiceInternalName}. Wraps GetServiceKeyNameW / GetServiceDisplayNameW. */
export function getServiceInternalNameSync(name: string, options?: StandardOptions): string {
  return found(resolveSync(name, options), name, options).name;
}

/**
 * The display name of a service given either name (twapi `get_service_display_name`).
 * Wraps GetServiceDisplayNameW / GetServiceKeyNameW.
 */
export async function getServiceDisplayName(name: string, options?: StandardOptions): Promise<string> {
  return found(await resolve(name, options), name, options).displayName;
}

/** Synchronous {@link getServiceDisplayName}. Wraps GetServiceDisplayNameW / GetServiceKeyNameW. */
export function getServiceDisplayNameSync(name: string, options?: StandardOptions): string {
  return found(resolveSync(name, options), name, options).displayName;
}

function prepareServiceQuery(name: unknown, options: unknown) {
  const checkedName = checkServiceName(name, 'name');
  const std = checkStandardOptions(checkOptions<StandardOptions>(options));
  return { name: checkedName, ...std, context: { service: checkedName, system: std.system } };
}

/**
 * The status of one service (twapi `get_service_status`). Needs only SC_MANAGER_CONNECT and
 * SERVICE_QUERY_STATUS, so it works for a non-administrator.
 * Wraps OpenSCManagerW + OpenServiceW + QueryServiceStatusEx.
 */
export async function getServiceStatus(name: string, options?: StandardOptions): Promise<ServiceStatus> {
  const q = prepareServiceQuery(name, options);
  return statusFromRaw(q.name, await queryAsync(q.context, (b) => b.queryStatus(q.system, q.database, q.name)));
}

/** Synchronous {@link getServiceStatus}. Wraps QueryServiceStatusEx. */
export function getServiceStatusSync(name: string, options?: StandardOptions): ServiceStatus {
  const q = prepareServiceQuery(name, options);
  return statusFromRaw(q.name, callSync(q.context, (b) => b.queryStatusSync(q.system, q.database, q.name)));
}

/** The state token of one service (twapi `get_service_state`). Wraps QueryServiceStatusEx. */
export async function getServiceState(name: string, options?: StandardOptions): Promise<ServiceState | number> {
  return (await getServiceStatus(name, options)).state;
}

/** Synchronous {@link getServiceState}. Wraps QueryServiceStatusEx. */
export function getServiceStateSync(name: string, options?: StandardOptions): ServiceState | number {
  return getServiceStatusSync(name, options).state;
}

/** Filters for {@link getMultipleServiceStatus}. */
export interface MultipleStatusOptions extends StandardOptions {
  /** Service types to include (twapi's type options); all types when omitted. */
  types?: ServiceType[];
  /** `active` (not stopped), `inactive` (stopped) or `all` (the default). */
  state?: 'active' | 'inactive' | 'all';
  /** Only services of this load order group; `''` for services in no group. */
  group?: string;
}

const ENUM_STATES = { active: 1, inactive: 2, all: 3 } as const;

function prepareEnum(options: unknown) {
  const opts = checkOptions<MultipleStatusOptions>(options);
  const std = checkStandardOptions(opts);
  let typeMask = SERVICE_TYPE_ALL_ENUMERABLE;
  if (opts.types !== undefined) {
    const types = checkStringArray(opts.types, 'options.types', (t, label) => checkToken(t, label, SERVICE_TYPES));
    if (types.length === 0) throw new RangeError('options.types must name at least one service type');
    typeMask = types.reduce((mask, t) => mask | SERVICE_TYPES[t as ServiceType], 0);
  }
  const state = opts.state === undefined ? 'all' : checkToken(opts.state, 'options.state', ENUM_STATES);
  const group = checkOptionalString(opts.group, 'options.group', { allowEmpty: true });
  return { ...std, typeMask, stateMask: ENUM_STATES[state], group, context: { system: std.system } };
}

function enumRecord(entry: RawEnumEntry): ServiceStatusWithDisplayName {
  return { ...statusFromRaw(entry.name, entry), displayName: entry.displayName };
}

/**
 * Status records of many services, filtered by type, state and group (twapi
 * `get_multiple_service_status`). Wraps EnumServicesStatusExW (SC_MANAGER_ENUMERATE_SERVICE).
 */
export async function getMultipleServiceStatus(options?: MultipleStatusOptions): Promise<ServiceStatusWithDisplayName[]> {
  const q = prepareEnum(options);
  return (await queryAsync(q.context, (b) => b.enumStatus(q.system, q.database, q.typeMask, q.stateMask, q.group))).map(enumRecord);
}

/** Synchronous {@link getMultipleServiceStatus}. Wraps EnumServicesStatusExW. */
export function getMultipleServiceStatusSync(options?: MultipleStatusOptions): ServiceStatusWithDisplayName[] {
  const q = prepareEnum(options);
  return callSync(q.context, (b) => b.enumStatusSync(q.system, q.database, q.typeMask, q.stateMask, q.group)).map(enumRecord);
}

/** Options of {@link getDependentServiceStatus}. */
export interface DependentStatusOptions extends StandardOptions {
  /** `active` (not stopped), `inactive` (stopped) or `all` (the default). */
  state?: 'active' | 'inactive' | 'all';
}

function prepareDependents(name: unknown, options: unknown) {
  const q = prepareServiceQuery(name, options);
  const opts = checkOptions<DependentStatusOptions>(options);
  const state = opts.state === undefined ? 'all' : checkToken(opts.state, 'options.state', ENUM_STATES);
  return { ...q, stateMask: ENUM_STATES[state] };
}

/**
 * Status records of the services that depend on `name` (twapi `get_dependent_service_status`),
 * filtered by state. Records carry no pid (EnumDependentServicesW does not report one).
 * Wraps EnumDependentServicesW (SERVICE_ENUMERATE_DEPENDENTS).
 */
export async function getDependentServiceStatus(name: string, options?: DependentStatusOptions): Promise<ServiceStatusWithDisplayName[]> {
  const q = prepareDependents(name, options);
  return (await queryAsync(q.context, (b) => b.enumDependents(q.system, q.database, q.name, q.stateMask))).map(enumRecord);
}

/** Synchronous {@link getDependentServiceStatus}. Wraps EnumDependentServicesW. */
export function getDependentServiceStatusSync(name: string, options?: DependentStatusOptions): ServiceStatusWithDisplayName[] {
  const q = prepareDependents(name, options);
  return callSync(q.context, (b) => b.enumDependentsSync(q.system, q.database, q.name, q.stateMask)).map(enumRecord);
}
