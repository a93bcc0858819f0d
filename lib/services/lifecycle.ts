// Creating and deleting services.
import { quoteCommandLine } from '../command-line';
import { callAsync } from '../native/binding';
import {
  checkBoolean, checkOptions, checkOptionalString, checkServiceName, checkStandardOptions, checkString,
  checkStringArray, checkToken,
} from '../validation';
import type { StandardOptions } from '../validation';
import { encodeOptionalSettings, takeClearedPrivileges } from './config2';
import type { OptionalSettings } from './config2';
import { ERROR_CONTROLS, SERVICE_INTERACTIVE_PROCESS, SERVICE_TYPES, START_TYPES } from './tokens';
import type { ErrorControl, ServiceType, StartType } from './tokens';

/** The program a service runs: a raw command line, or a path and arguments to be quoted. */
export type ServiceCommand = string | { path: string; args?: string[] };

/**
 * Options of {@link createService} (twapi `create_service` options, camelCase), including the
 * optional settings {@link setServiceConfiguration} also takes (failure actions, triggers...).
 */
export interface CreateServiceOptions extends StandardOptions, OptionalSettings {
  /** Name shown by `net start` and the Services console; the internal name when omitted. */
  displayName?: string;
  /** Default `win32_own_process`. */
  serviceType?: ServiceType;
  /** Allow desktop interaction (LocalSystem, Win32 services only). Default false. */
  interactive?: boolean;
  /** Default `auto_start` (twapi's default). */
  startType?: StartType;
  /** Default `normal`. */
  errorControl?: ErrorControl;
  /** Load order group the service belongs to. */
  loadOrderGroup?: string;
  /** Services that must start first; a `+` prefix names a load order group. */
  dependencies?: string[];
  /** `domain\\user`, `.\\user`, `NT AUTHORITY\\LocalService`...; LocalSystem when omitted. */
  account?: string;
  /** Password of `account`. Never echoed in an error, a log or a stack. */
  password?: string;
}

const DRIVER_TYPES: ReadonlySet<ServiceType> = new Set(['kernel_driver', 'file_system_driver', 'adapter', 'recognizer_driver']);
const SERVICE_WIN32 = 0x30;
const SERVICE_DRIVER_BITS = 0x0f;

/** Whether a type token or dwServiceType value is a driver's (no Win32 service bit). @internal */
export function isDriverType(serviceType: ServiceType | number): boolean {
  if (typeof serviceType === 'string') return DRIVER_TYPES.has(serviceType);
  return (serviceType & SERVICE_DRIVER_BITS) !== 0 && (serviceType & SERVICE_WIN32) === 0;
}

/** The binary path for the SCM: quoted for Win32 services, verbatim for drivers. @internal */
export function binaryPathFor(command: unknown, serviceType: ServiceType | number): string {
  if (typeof command === 'string') return checkString(command, 'command');
  if (command === null || typeof command !== 'object' || Array.isArray(command)) {
    throw new TypeError('command must be a command-line string or { path, args }');
  }
  const { path, args = [] } = command as { path: unknown; args?: unknown };
  const program = checkString(path, 'command.path');
  // Empty arguments are legitimate: quoteCommandLine writes them as "".
  const list = checkStringArray(args, 'command.args', (item, label) => checkString(item, label, { allowEmpty: true }));
  // A driver's image path is never quoted (the kernel loader does not parse quotes) and takes no arguments.
  if (isDriverType(serviceType)) {
    if (list.length > 0) throw new RangeError(`a ${typeof serviceType === 'string' ? serviceType : 'driver'} takes no command arguments`);
    return program;
  }
  return quoteCommandLine([program, ...list]);
}

/**
 * Creates a service (twapi `create_service`). `command` is either a raw command line, stored as
 * given, or `{ path, args }`, quoted so that CommandLineToArgvW gives back exactly
 * `[path, ...args]`. Defaults: own process, auto start, normal error control, LocalSystem.
 * The optional settings (description, failureActions, failureActionsOnNonCrashFailures,
 * delayedAutoStart, sidType, requiredPrivileges, preshutdownTimeout, triggers, launchProtected)
 * are applied right after creation; if one fails, the new service is deleted again and the call
 * rejects with that failure, so a failed create leaves nothing behind.
 * Wraps CreateServiceW + ChangeServiceConfig2W (+ DeleteService on a failed follow-up step).
 */
export async function createService(name: string, command: ServiceCommand, options?: CreateServiceOptions): Promise<void> {
  const serviceName = checkServiceName(name, 'name');
  const opts = checkOptions<CreateServiceOptions>(options);
  const std = checkStandardOptions(opts);
  const serviceType = opts.serviceType === undefined ? 'win32_own_process' : checkToken(opts.serviceType, 'options.serviceType', SERVICE_TYPES);
  const startType = opts.startType === undefined ? 'auto_start' : checkToken(opts.startType, 'options.startType', START_TYPES);
  const errorControl = opts.errorControl === undefined ? 'normal' : checkToken(opts.errorControl, 'options.errorControl', ERROR_CONTROLS);
  const interactive = checkBoolean(opts.interactive, 'options.interactive', false);
  const displayName = opts.displayName === undefined ? null : checkServiceName(opts.displayName, 'options.displayName', { acceptDisplayName: true });
  const loadOrderGroup = checkOptionalString(opts.loadOrderGroup, 'options.loadOrderGroup');
  const dependencies = opts.dependencies === undefined ? null : checkStringArray(opts.dependencies, 'options.dependencies');
  const account = checkOptionalString(opts.account, 'options.account');
  const password = checkOptionalString(opts.password, 'options.password', { allowEmpty: true });
  // `requiredPrivileges: []` is what a new service has already (no RequiredPrivileges value).
  const { changes: levels } = takeClearedPrivileges(encodeOptionalSettings(opts as Record<string, unknown>, 'options.'));
  const binaryPath = binaryPathFor(command, serviceType);

  if ((startType === 'boot_start' || startType === 'system_start') && !DRIVER_TYPES.has(serviceType)) {
    throw new RangeError(`options.startType '${startType}' is only valid for drivers`);
  }
  if (interactive) {
    if (DRIVER_TYPES.has(serviceType)) throw new RangeError('options.interactive is only valid for Win32 services');
    if (account !== null && !/^(\.\\)?LocalSystem$/i.test(account)) {
      throw new RangeError('options.interactive requires the LocalSystem account');
    }
  }
  if (password !== null && account === null) throw new RangeError('options.password requires options.account');

  const typeBits = SERVICE_TYPES[serviceType] | (interactive ? SERVICE_INTERACTIVE_PROCESS : 0);
  await callAsync({ service: serviceName, system: std.system }, (b) =>
    b.createService(std.system, std.database, serviceName, displayName, typeBits, START_TYPES[startType],
      ERROR_CONTROLS[errorControl], binaryPath, loadOrderGroup, dependencies, account, password, levels));
}

/**
 * Marks a service for deletion (twapi `delete_service`). Windows removes it once it has stopped
 * and every handle to it is closed. Wraps DeleteService (DELETE access only).
 */
export async function deleteService(name: string, options?: StandardOptions): Promise<void> {
  const serviceName = checkServiceName(name, 'name');
  const std = checkStandardOptions(checkOptions<StandardOptions>(options));
  await callAsync({ service: serviceName, system: std.system }, (b) => b.deleteService(std.system, std.database, serviceName));
}
