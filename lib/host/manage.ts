// Managing services that run a program through the scm-native service host: install, update,
// remove, status, list, logs. The CLI (lib/cli/) is a thin layer over these functions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installEventSource, removeEventSource } from '../as-service/event-log';
import { ScmError } from '../errors/scm-error';
import { callAsync } from '../native/binding';
import { checkDescription } from '../services/config2';
import type { FailureAction, FailureActions } from '../services/config2';
import { parseCommandLine, quoteCommandLine } from '../command-line';
import { processAlive, waitForProcessExit } from '../process-alive';
import { getServiceConfiguration, setServiceConfiguration } from '../services/configuration';
import type { ServiceConfigurationChanges } from '../services/configuration';
import { stopService } from '../services/control';
import { createService, deleteService } from '../services/lifecycle';
import type { CreateServiceOptions } from '../services/lifecycle';
import { getMultipleServiceStatus, getServiceStatus } from '../services/query';
import type { ServiceState, StartType } from '../services/tokens';
import { checkBoolean, checkInteger, checkOptionalString, checkOptions, checkServiceName, checkString, checkStringArray } from '../validation';
import { HOST_PREFIX } from './host';
import { errorMessage } from '../text';
import { grantAccountRight, needsServiceLogonRight, SERVICE_LOGON_RIGHT } from '../services/account-rights';
import { serviceLocationWarnings } from './location-warnings';
import { logName, stderrLogName } from './log-writer';
import { STARTUPS } from './program-service-options';
import type { ProgramServiceOptions, Startup } from './program-service-options';
import { ensureDataFolder } from '../security/data-folders';
import { checkServiceLocations, servicePaths, untrustedLocations } from './location-security';
import type { ServicePath } from './location-security';
import { checkBatchArguments, systemCmdPath } from './batch';
import { alignGroupCommands, checkHostGroupAccount, processHostsOthers, runningGroupWarning } from './host-group';
import { hostCommandIn, hostScriptOf, installHostRuntime, plannedHostRuntime } from './host-runtime';
import { checkChoice, checkDirectLog, checkStopCommand, settingFromOption } from './setting-checks';
import { serviceAccountSid } from '../security/accounts';
import { protectParameters, resolveControlSids, setHostedServiceDacl } from './service-security';
import { DEFAULT_STOP_TIMEOUT_MS, defaultStopMethod, MAX_MS, SETTING_FIELDS, setSettingAt } from './setting-fields';
import { hostedSettings, readSettings, SETTINGS_VALUE, SETTINGS_VERSION, writeSettings } from './settings';
import type { HostSettings, PriorityClass, ProgramKind } from './settings-types';
import { readStatusFile, statusFilePath } from './status-file';

export interface InstallResult {
  name: string;
  settings: HostSettings;
  /** The command line the SCM runs. */
  hostCommand: string;
  /**
   * Why the service may fail to start later although it installed fine: the host run from npm's
   * npx cache, or files in a user profile that a low-privilege service account cannot read, or a
   * user account that could not be granted "Log on as a service".
   */
  warnings: string[];
  /** Whether install granted the user account "Log on as a service" (SeServiceLogonRight). */
  logonRightGranted: boolean;
}

/** The host's entry point, beside this file in dist/host/. */
export function hostMainPath(): string {
  return path.join(__dirname, 'host-main.js');
}

const START_TYPE: Record<Startup, StartType> = { manual: 'demand_start', auto: 'auto_start', delayed: 'auto_start', disabled: 'disabled' };

function usageError(message: string): RangeError {
  return new RangeError(message);
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Finds an executable by path, or by name on PATH (with PATHEXT). */
export function resolveExecutable(name: string): string | null {
  if (path.isAbsolute(name) || name.includes('/') || name.includes('\\')) {
    const full = path.resolve(name);
    return isFile(full) ? full : null;
  }
  const exts = (process.env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  for (const dir of (process.env.PATH || process.env.Path || '').split(path.delimiter).filter(Boolean)) {
    for (const ext of ['', ...exts]) {
      const full = path.join(dir, name + ext);
      if (isFile(full)) return full;
    }
  }
  return null;
}

/** How a program file is run, by its extension. */
export function programKind(file: string, interpreter: string | undefined): { kind: ProgramKind; interpreter: string | null } {
  const ext = path.extname(file).toLowerCase();
  if (interpreter !== undefined) {
    const found = resolveExecutable(interpreter);
    if (!found) throw usageError(`interpreter not found: ${interpreter}`);
    return { kind: /^node(\.exe)?$/i.test(path.basename(found)) ? 'node' : 'interpreter', interpreter: found };
  }
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return { kind: 'node', interpreter: process.execPath };
  if (ext === '.exe') return { kind: 'exe', interpreter: null };
  // The system's cmd.exe, never ComSpec: the host resolves it again when it runs the script.
  if (ext === '.cmd' || ext === '.bat') return { kind: 'cmd', interpreter: systemCmdPath() };
  throw usageError(`don't know how to run '${path.basename(file)}': give --interpreter for files other than .js, .mjs, .cjs, .exe, .cmd and .bat`);
}

const MS = (value: unknown, what: string) => checkInteger(value, what, 0, MAX_MS);

/** Applies the given options onto settings (install starts from the defaults), each checked by its row. */
function applyOptions(base: HostSettings, opts: ProgramServiceOptions): HostSettings {
  const s: HostSettings = { ...base, log: { ...base.log }, env: { ...base.env } };
  for (const row of SETTING_FIELDS) {
    const value = opts[row.option];
    if (value !== undefined) setSettingAt(s, row.key, settingFromOption(row.kind, value, `options.${row.option}`));
  }
  if (s.stopMethod === 'ipc' && s.kind !== 'node') throw usageError(`stop method 'ipc' needs a Node program; this one runs as '${s.kind}'`);
  checkStopCommand(s.stopMethod, s.stopCommand, 'options.stopMethod');
  checkDirectLog(s.log, 'options');
  if (s.readyTimeout > 0 && s.kind !== 'node') throw usageError(`a ready timeout needs a Node program (the ready message comes over IPC); this one runs as '${s.kind}'`);
  if (s.kind === 'cmd') {
    // Start arguments come from whoever may start the service; through cmd.exe they could run commands.
    if (s.passStartArgs) throw usageError("passStartArgs (--pass-start-args) cannot be used with a .cmd or .bat program: the start's arguments come from whoever may start the service and would pass through cmd.exe; run a .exe or Node program to take start arguments (update: give --no-pass-start-args)");
    checkBatchArguments(s.args, 'args');
  }
  return s;
}

/** The program part of the settings: resolved path, kind and interpreter. */
function programSettings(program: string, args: readonly string[], opts: ProgramServiceOptions) {
  const file = path.resolve(checkString(program, 'program'));
  if (!isFile(file)) throw usageError(`program not found: ${file}`);
  const list = checkStringArray(args, 'args', (item, label) => checkString(item, label, { allowEmpty: true }));
  const interpreter = opts.interpreter === undefined ? undefined : checkString(opts.interpreter, 'options.interpreter');
  const { kind, interpreter: exe } = programKind(file, interpreter);
  return { program: file, args: list, kind, interpreter: exe };
}

/** The account fields for the SCM, validated; password never echoed. */
function accountOf(name: string, opts: ProgramServiceOptions, update = false): { account?: string; password?: string } {
  const virtual = checkBoolean(opts.virtualAccount, 'options.virtualAccount', false);
  if (virtual && opts.username !== undefined) throw usageError('give either a username or virtualAccount, not both');
  const account = virtual ? `NT SERVICE\\${name}` : opts.username === undefined ? undefined : checkString(opts.username, 'options.username');
  if (opts.password !== undefined) {
    if (typeof opts.password !== 'string') throw new TypeError('options.password must be a string');
    // On update, a password alone is the new password of the current account.
    if (account === undefined && !update) throw usageError('a password needs a username');
    if (virtual) throw usageError('a virtual account has no password');
  }
  return { ...(account !== undefined ? { account } : {}), ...(opts.password !== undefined ? { password: opts.password } : {}) };
}

/**
 * The SCM failure actions `options.recovery` stands for: none set for undefined, cleared for null.
 * Also what the services file's drift check expects. @internal
 */
export function recoveryActions(opts: ProgramServiceOptions): { failureActions?: FailureActions; failureActionsOnNonCrashFailures?: boolean } {
  if (opts.recovery === undefined) return {};
  if (opts.recovery === null) return { failureActions: { actions: [] }, failureActionsOnNonCrashFailures: false };
  const r = checkOptions<{ delay: number; count?: number; resetPeriod?: number }>(opts.recovery, 'options.recovery');
  const delay = MS(r.delay, 'options.recovery.delay');
  const count = r.count === undefined ? 3 : checkInteger(r.count, 'options.recovery.count', 1, 100);
  const resetPeriod = r.resetPeriod === undefined ? 86400 : checkInteger(r.resetPeriod, 'options.recovery.resetPeriod', 0, 0xffffffff);
  const actions: FailureAction[] = Array.from({ length: count }, () => ({ type: 'restart', delay }));
  actions.push({ type: 'none', delay: 0 });
  return { failureActions: { resetPeriod, actions }, failureActionsOnNonCrashFailures: true };
}

function displayNameOf(opts: ProgramServiceOptions): string | undefined {
  return opts.displayName === undefined ? undefined : checkServiceName(opts.displayName, 'options.displayName', { acceptDisplayName: true });
}

/** The settings install writes: the program's, every other setting's default, then the options. */
function settingsFor(program: string, args: readonly string[], opts: ProgramServiceOptions): HostSettings {
  const base = { version: SETTINGS_VERSION, ...programSettings(program, args, opts) } as HostSettings;
  for (const row of SETTING_FIELDS) setSettingAt(base, row.key, row.defaultValue(base));
  return applyOptions(base, opts);
}

/**
 * The host settings {@link installProgramService} would write for these arguments, without
 * installing anything (what `scm-native apply` compares an installed service with). Throws as
 * install does for a missing program, interpreter or working directory.
 */
export function plannedProgramSettings(name: string, program: string, args: string[] = [], options: ProgramServiceOptions = {}): HostSettings {
  checkServiceName(name, 'name');
  return settingsFor(program, args, checkOptions<ProgramServiceOptions>(options));
}

/**
 * The service's command line as install would write it now (drift compares it): the host in its
 * runtime folder, for the service alone or for its host group.
 */
export async function hostServiceCommand(name: string, hostGroup: string | null = null): Promise<string> {
  const command = hostCommandIn(await plannedHostRuntime(), name, hostGroup);
  return quoteCommandLine([command.path, ...command.args]);
}

/**
 * What the service runs and uses: node.exe, the host and the runtime folder holding it (which is
 * where node resolves the host's own modules from), then the settings' paths.
 */
function locationsOf(command: { path: string; args: string[] }, settings: HostSettings, opts: ProgramServiceOptions): ServicePath[] {
  const servicesFile = opts.servicesFile === undefined ? undefined : path.resolve(checkString(opts.servicesFile, 'options.servicesFile'));
  const hostMain = hostScriptOf(command.args);
  const all: ServicePath[] = [
    { what: 'node.exe', path: command.path, role: 'executable' },
    ...(hostMain === undefined ? [] : [
      { what: 'the scm-native host', path: hostMain, role: 'executable' } as const,
      { what: 'the scm-native runtime', path: path.win32.dirname(path.win32.dirname(path.win32.dirname(hostMain))), role: 'folder' } as const,
    ]),
    ...servicePaths(settings, servicesFile),
  ];
  const seen = new Set<string>();
  return all.filter((p) => {
    const key = `${p.role}:${path.win32.resolve(p.path).toLowerCase()}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** The log folder and the pid file's folder, created (or re-protected) only administrators and the service can add to. */
async function ensureServiceDataFolders(settings: HostSettings, writerSid: string | null): Promise<void> {
  await ensureDataFolder(settings.log.dir, writerSid);
  if (settings.pidFile) await ensureDataFolder(path.dirname(settings.pidFile), writerSid);
}

/** The host command a service runs, from its configured command line (install's, when unreadable). */
async function commandOf(service: string, commandLine: string | undefined, hostGroup: string | null): Promise<{ path: string; args: string[] }> {
  const [file, ...args] = commandLine ? parseCommandLine(commandLine) : [];
  return file && args.length > 0 ? { path: file, args } : hostCommandIn(await plannedHostRuntime(), service, hostGroup);
}

/**
 * The SCM's service type of a hosted service: a process of its own, or one shared with its host
 * group (SERVICE_WIN32_SHARE_PROCESS; never interactive).
 */
function serviceTypeFor(settings: HostSettings): 'win32_own_process' | 'win32_share_process' {
  return settings.hostGroup === null ? 'win32_own_process' : 'win32_share_process';
}

/** The service's account as the SCM has it (LocalSystem when unreadable). */
async function currentAccount(service: string): Promise<string | undefined> {
  const config = await getServiceConfiguration(service, { fields: ['account'] }).catch(() => ({} as { account?: string }));
  return config.account ?? undefined;
}

/**
 * Installs `program` (with `args`) as the service `name`, run by the scm-native host. Everything
 * is checked first (a missing program, interpreter or working directory is an error before
 * anything is created); if a step fails after the service was created, it is deleted again.
 * Needs administrator rights.
 */
export async function installProgramService(name: string, program: string, args: string[] = [], options: ProgramServiceOptions = {}): Promise<InstallResult> {
  const service = checkServiceName(name, 'name');
  const opts = checkOptions<ProgramServiceOptions>(options);
  const settings = settingsFor(program, args, opts);
  const startup = opts.startup === undefined ? 'manual' : checkChoice(opts.startup, 'options.startup', STARTUPS);
  const displayName = displayNameOf(opts);
  const description = opts.description === undefined ? undefined : checkDescription(opts.description, 'options.description');
  const dependencies = opts.dependencies === undefined ? undefined : checkStringArray(opts.dependencies, 'options.dependencies');
  const account = accountOf(service, opts);
  const hostMain = hostMainPath();
  if (!isFile(hostMain)) throw new Error(`the scm-native host is missing (${hostMain}); build the package first`);
  const command = hostCommandIn(await installHostRuntime(), service, settings.hostGroup);
  const insecure = await checkServiceLocations(service, locationsOf(command, settings, opts), account.account, settings.allowInsecureLocation);
  if (settings.hostGroup !== null) await checkHostGroupAccount(service, settings.hostGroup, account.account);
  // Resolved before anything is created: an unknown name is an error that changes nothing.
  const controlSids = await resolveControlSids(settings.allowControl, 'options.allowControl');
  const accountSid = await serviceAccountSid(account.account);

  const createOptions: CreateServiceOptions = {
    serviceType: serviceTypeFor(settings),
    startType: START_TYPE[startup],
    ...(startup === 'delayed' ? { delayedAutoStart: true } : {}),
    ...(displayName !== undefined ? { displayName } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(dependencies !== undefined ? { dependencies } : {}),
    ...account,
    ...recoveryActions(opts),
    preshutdownTimeout: preshutdownTimeoutFor(settings),
  };
  await createService(service, command, createOptions);
  let eventSource = false;
  try {
    // The Parameters key is created protected, before the settings (environment, arguments) are in it.
    await protectParameters(service, accountSid);
    await writeSettings(service, settings);
    await setHostedServiceDacl(service, controlSids);
    await installEventSource(service);
    eventSource = true;
    await ensureServiceDataFolders(settings, accountSid);
  } catch (error) {
    await rollback(service, eventSource);
    throw error;
  }
  const logon = await ensureServiceLogonRight(account.account);
  const warnings = serviceLocationWarnings({
    node: command.path, hostMain, program: settings.program,
    interpreter: settings.interpreter !== null && settings.interpreter.toLowerCase() !== command.path.toLowerCase() ? settings.interpreter : null,
    account: account.account ?? null, profilesDir: profilesDir(),
  });
  if (logon.warning) warnings.push(logon.warning);
  if (settings.hostGroup !== null) {
    const realigned = await alignGroupCommands(service, settings.hostGroup, command);
    if (realigned.length > 0) warnings.push(`re-pointed ${realigned.join(', ')} (host group '${settings.hostGroup}') to this runtime: one command line for the whole group`);
    const groupWarning = await runningGroupWarning(service, settings.hostGroup).catch(() => null);
    if (groupWarning) warnings.push(groupWarning);
  }
  warnings.push(...insecure);
  return { name: service, settings, hostCommand: quoteCommandLine([command.path, ...command.args]), warnings, logonRightGranted: logon.granted };
}

/**
 * Grants a user account "Log on as a service", which the SCM needs to start the service as that
 * user (services.msc, NSSM and WinSW do the same). A failure is a warning, not an install error:
 * an administrator may grant the right by policy instead.
 */
async function ensureServiceLogonRight(account: string | undefined): Promise<{ granted: boolean; warning?: string }> {
  if (account === undefined || !needsServiceLogonRight(account)) return { granted: false };
  try {
    return { granted: await grantAccountRight(account, SERVICE_LOGON_RIGHT) };
  } catch (error) {
    return {
      granted: false,
      warning: `could not grant ${account} the "Log on as a service" right (${SERVICE_LOGON_RIGHT}): ${errorMessage(error)}; the service will fail to start with 1069 until the account holds it`,
    };
  }
}

/**
 * How long the SCM waits at system shutdown for the host to stop the program (it accepts
 * PRESHUTDOWN and stops the program as a stop control would): the stop timeout plus the 5 s the
 * host's STOP_PENDING wait hint adds, instead of Windows' default.
 */
function preshutdownTimeoutFor(settings: HostSettings): number {
  return Math.min(settings.stopTimeout + 5000, 0xffffffff);
}

/** The folder of the users' profiles: the parent of the Public profile (C:\Users). */
function profilesDir(): string {
  return process.env.PUBLIC ? path.win32.dirname(process.env.PUBLIC) : `${process.env.SystemDrive || 'C:'}\\Users`;
}

async function rollback(service: string, eventSource: boolean): Promise<void> {
  try {
    await callAsync({ service }, (b) => b.deleteServiceParameter(service, SETTINGS_VALUE));
  } catch {
    // the key goes with the service anyway
  }
  if (eventSource) await removeEventSource(service).catch(() => {});
  await deleteService(service).catch(() => {});
}


/** What {@link updateProgramService} changes besides options: a new program and/or arguments. */
export interface ProgramChange {
  program?: string;
  args?: string[];
}

/**
 * Changes an installed service's settings in place: any option of install, and the program or
 * its arguments. The host reads the settings when the service starts: a running service uses
 * the new ones after a restart. Returns the new settings.
 */
export async function updateProgramService(name: string, change: ProgramChange = {}, options: ProgramServiceOptions = {}): Promise<HostSettings> {
  const service = checkServiceName(name, 'name');
  change = checkOptions<ProgramChange>(change, 'change');
  if (change.program !== undefined) checkString(change.program, 'change.program');
  if (change.args !== undefined) checkStringArray(change.args, 'change.args', (item, label) => checkString(item, label, { allowEmpty: true }));
  const opts = checkOptions<ProgramServiceOptions>(options);
  const current = await hostedSettings(service);
  let base = current;
  if (change.program !== undefined || opts.interpreter !== undefined || opts.interpreterArgs !== undefined) {
    const prog = programSettings(change.program ?? current.program, change.args ?? current.args, {
      ...opts,
      ...(opts.interpreter === undefined && current.kind === 'interpreter' && change.program === undefined ? { interpreter: current.interpreter as string } : {}),
    });
    // A new program or interpreter starts without the old interpreter's arguments unless given.
    base = { ...current, ...prog, interpreterArgs: [] };
    if (change.program !== undefined && opts.cwd === undefined && current.cwd === path.dirname(current.program)) base.cwd = path.dirname(prog.program);
    if (prog.kind !== current.kind && opts.stopMethod === undefined) base.stopMethod = defaultStopMethod(prog.kind);
  } else if (change.args !== undefined) {
    base = { ...current, args: checkStringArray(change.args, 'args', (item, label) => checkString(item, label, { allowEmpty: true })) };
  }
  const settings = applyOptions(base, opts);

  const changes: ServiceConfigurationChanges = {};
  const displayName = displayNameOf(opts);
  if (displayName !== undefined) changes.displayName = displayName;
  if (opts.description !== undefined) changes.description = checkDescription(opts.description, 'options.description');
  if (opts.startup !== undefined) {
    const startup = checkChoice(opts.startup, 'options.startup', STARTUPS);
    changes.startType = START_TYPE[startup];
    if (startup === 'delayed') changes.delayedAutoStart = true;
    else if (startup === 'auto') changes.delayedAutoStart = false;
  }
  if (opts.dependencies !== undefined) changes.dependencies = checkStringArray(opts.dependencies, 'options.dependencies');
  if (settings.stopTimeout !== current.stopTimeout) changes.preshutdownTimeout = preshutdownTimeoutFor(settings);
  const account = accountOf(service, opts, true);
  const runsAs = account.account ?? await currentAccount(service);
  const command = hostCommandIn(await installHostRuntime(), service, settings.hostGroup);
  await checkServiceLocations(service, locationsOf(command, settings, opts), runsAs, settings.allowInsecureLocation);
  if (settings.hostGroup !== null) await checkHostGroupAccount(service, settings.hostGroup, runsAs);
  const controlSids = await resolveControlSids(settings.allowControl, 'options.allowControl');
  const accountSid = await serviceAccountSid(runsAs);
  Object.assign(changes, account, recoveryActions(opts));
  // This package's runtime folder (after an upgrade, this re-points the service), for the service
  // alone or its host group: joining or leaving a group changes the service type with the command.
  changes.command = command;
  changes.serviceType = serviceTypeFor(settings);
  // A new user account needs the right too. Granted first: if that fails, nothing has changed.
  if (account.account !== undefined && needsServiceLogonRight(account.account)) await grantAccountRight(account.account, SERVICE_LOGON_RIGHT);
  await setServiceConfiguration(service, changes);
  if (settings.hostGroup !== null) await alignGroupCommands(service, settings.hostGroup, command);
  // Every update re-applies the service's own security, so services installed before it get it.
  await protectParameters(service, accountSid);
  await writeSettings(service, settings);
  await setHostedServiceDacl(service, controlSids);
  await ensureServiceDataFolders(settings, accountSid);
  return settings;
}

/** Options of {@link removeProgramService}. */
export interface RemoveOptions {
  /** Milliseconds to wait for the service to stop first (default: its stop timeout + 15 s). */
  wait?: number;
  /** Remove a service that scm-native did not install too. Default false. */
  force?: boolean;
}

/** What {@link removeProgramService} did. */
export interface RemoveResult {
  /**
   * The pid of the service's host process when it was already gone (killed) although the SCM
   * still reported the service active: nothing could be stopped, the service was deleted anyway.
   * Null when the service was stopped normally or was not running.
   */
  hostGone: number | null;
}

/**
 * Whether the process the SCM names for an active service no longer exists: a host that was
 * killed. (Windows marks such a service stopped at once; Wine 8 keeps it RUNNING with the dead
 * pid, and every control then fails with ERROR_NO_DATA, docs/wine.md.) @internal
 */
export function deadServiceProcess(status: { state: ServiceState | number; pid: number }): number | null {
  return status.state !== 'stopped' && status.pid > 0 && !processAlive(status.pid) ? status.pid : null;
}

/**
 * Stops the service (waiting for its program to exit) and deletes it, its settings and its
 * event source. The log files stay. Works for a service whose settings are damaged too, and for
 * one whose host process is already gone (killed): that one is deleted without a stop, and
 * `hostGone` says so.
 */
export async function removeProgramService(name: string, options: RemoveOptions = {}): Promise<RemoveResult> {
  const service = checkServiceName(name, 'name');
  const opts = checkOptions<RemoveOptions>(options);
  const force = checkBoolean(opts.force, 'options.force', false);
  const waitOption = opts.wait === undefined ? undefined : MS(opts.wait, 'options.wait');
  let settings: HostSettings | null = null;
  let damaged = false;
  try {
    settings = await readSettings(service);
  } catch {
    damaged = true;
  }
  // First: a service that does not exist says so (ERROR_SERVICE_DOES_NOT_EXIST), not that
  // scm-native did not install it (no settings is also what a missing service reads as).
  const status = await getServiceStatus(service);
  if (!settings && !damaged && !force) {
    throw new ScmError({ code: 'ERR_SCM_NOT_HOSTED', service, detail: `service '${service}' was not installed by scm-native; pass force to remove it anyway` });
  }
  const wait = waitOption ?? (settings?.stopTimeout ?? DEFAULT_STOP_TIMEOUT_MS) + 15000;
  let hostGone = deadServiceProcess(status);
  if (status.state !== 'stopped' && hostGone === null) {
    try {
      await stopService(service, { wait });
    } catch (error) {
      // The host died while (or just before) it was asked to stop: nothing is left to stop.
      hostGone = deadServiceProcess(status);
      if (hostGone === null) throw error;
    }
    // The host reports STOPPED just before its process exits. Deleted while that process still
    // holds the service, the service would linger (marked for deletion) until it does.
    // A shared host that goes on for other members of its group: nothing to wait for.
    if (hostGone === null && status.pid > 0 && !(settings?.hostGroup && await processHostsOthers(service, status.pid))) await waitForProcessExit(status.pid, 5000);
  }
  await callAsync({ service }, (b) => b.deleteServiceParameter(service, SETTINGS_VALUE)).catch(() => false);
  await deleteService(service);
  await removeEventSource(service).catch(() => {});
  return { hostGone };
}

/** The combined status of a hosted service: the SCM's view and the host's. */
export interface ProgramServiceStatus {
  name: string;
  displayName: string;
  /** The SCM's state of the service. */
  state: ServiceState | number;
  /**
   * What the host is doing: `starting` (waiting for the program's ready message), `running`,
   * `restarting` (a restart the program asked for), `backoff`, `stopping`, `stopped`, or null
   * when unknown.
   */
  hostState: string | null;
  hostPid: number | null;
  programPid: number | null;
  program: string;
  args: string[];
  restarts: number;
  /** Milliseconds the current run of the program has lasted. */
  uptime: number | null;
  lastExit: { code: number | null; at: string; runtimeMs: number; error?: string } | null;
  /** Last stderr lines of a run that failed early. */
  lastStderr: string[];
  /** The SCM's exit codes (1066 + serviceCode after a give-up). */
  exitCode: number;
  serviceCode: number;
  nextRestartAt: string | null;
  logFile: string;
  /** The separate stderr log (`logStderr: 'separate'`), or null. */
  stderrLogFile: string | null;
  startType: string | number | null;
  account: string | null;
  /** The program's configured priority class. */
  priority: PriorityClass;
  /** The configured pid file, or null. */
  pidFile: string | null;
  /** The configured ready timeout (ms; 0: none). */
  readyTimeout: number;
  /** Exit codes that count as success besides 0, and those never restarted after. */
  successExitCodes: number[];
  noRestartExitCodes: number[];
  /** The processors the program may run on (null: all). */
  affinity: number[] | null;
  /** What others than SYSTEM, Administrators and the service's account can change (install's warnings, checked again now). */
  locationWarnings: string[];
  /** The accounts and groups that may start, stop and control the service besides Administrators and SYSTEM (the setting). */
  allowControl: string[];
  /** The host group whose shared host process (hostPid) runs the service; null: a host of its own. */
  hostGroup: string | null;
}

/**
 * The host's status file of a service, and whether it speaks of the running host: a file from an
 * earlier run of the host (or a host that died) says nothing of now. (Wine does not notice a
 * service process that died: the pid must be alive too.)
 */
function hostStatusOf(service: string, settings: HostSettings, scm: { state: ServiceState | number; pid: number }) {
  const file = readStatusFile(statusFilePath(settings.log.dir, service));
  const live = file !== null && scm.state !== 'stopped' && file.hostPid === scm.pid && processAlive(scm.pid);
  return live ? { file, live, hostState: file.state } : { file, live, hostState: scm.state === 'stopped' ? 'stopped' : null };
}

/** The status of a hosted service (settings, SCM status, and the host's status file). */
export async function getProgramServiceStatus(name: string): Promise<ProgramServiceStatus> {
  const service = checkServiceName(name, 'name');
  const settings = await hostedSettings(service);
  const [scm, config] = await Promise.all([
    getServiceStatus(service),
    getServiceConfiguration(service, { fields: ['displayName', 'startType', 'account', 'command'] }).catch(() => ({} as Record<string, undefined>)),
  ]);
  const { file, live, hostState } = hostStatusOf(service, settings, scm);
  const programStarted = live && file.programStartedAt ? Date.parse(file.programStartedAt) : NaN;
  return {
    name: service,
    displayName: (config as { displayName?: string }).displayName ?? service,
    state: scm.state,
    hostState,
    hostPid: scm.pid > 0 ? scm.pid : null,
    programPid: live ? file.programPid : null,
    program: settings.program,
    args: settings.args,
    restarts: file && (live || scm.state === 'stopped') ? file.restarts : 0,
    uptime: Number.isNaN(programStarted) ? null : Math.max(0, Date.now() - programStarted),
    lastExit: file?.lastExit ?? null,
    lastStderr: file?.lastStderr ?? [],
    exitCode: scm.exitCode,
    serviceCode: scm.serviceCode,
    nextRestartAt: live ? file.nextRestartAt : null,
    logFile: path.join(settings.log.dir, `${logName(service)}.log`),
    stderrLogFile: settings.log.stderr === 'separate' ? path.join(settings.log.dir, `${stderrLogName(service)}.log`) : null,
    startType: (config as { startType?: string }).startType ?? null,
    account: (config as { account?: string }).account ?? null,
    priority: settings.priority,
    pidFile: settings.pidFile,
    readyTimeout: settings.readyTimeout,
    successExitCodes: settings.successExitCodes,
    noRestartExitCodes: settings.noRestartExitCodes,
    affinity: settings.affinity,
    allowControl: settings.allowControl,
    locationWarnings: await untrustedLocations(locationsOf(await commandOf(service, (config as { command?: string }).command, settings.hostGroup), settings, {}), (config as { account?: string }).account),
    hostGroup: settings.hostGroup,
  };
}

/** Options of {@link listProgramServices}. */
export interface ListOptions {
  /** Only services in this SCM state. */
  state?: ServiceState;
  /** Only names (or display names) matching this pattern: `*` and `?` wildcards, case-insensitive. */
  filter?: string;
  /**
   * Another machine: its SCM lists the services, and its settings are read through its remote
   * registry (RegConnectRegistryW: its Remote Registry service must be running).
   */
  system?: string;
}

export interface ProgramServiceSummary {
  name: string;
  displayName: string;
  state: ServiceState | number;
  /** What the host is doing, as {@link ProgramServiceStatus.hostState}. */
  hostState: string | null;
  pid: number | null;
  program: string;
  /** The host group whose shared host process runs it; null: a host of its own. */
  hostGroup: string | null;
}

function wildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The services installed by scm-native (those with host settings), filtered. */
export async function listProgramServices(options: ListOptions = {}): Promise<ProgramServiceSummary[]> {
  const opts = checkOptions<ListOptions>(options);
  const match = opts.filter === undefined ? null : wildcard(checkString(opts.filter, 'options.filter'));
  const system = checkOptionalString(opts.system, 'options.system');
  const all = await getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'], ...(system !== null ? { system } : {}) });
  const out: ProgramServiceSummary[] = [];
  for (const s of all) {
    if (opts.state !== undefined && s.state !== opts.state) continue;
    if (match && !match.test(s.name) && !match.test(s.displayName)) continue;
    let settings: HostSettings | null = null;
    try {
      settings = await readSettings(s.name, system);
    } catch (error) {
      // Another machine's registry that cannot be reached at all fails the listing, not each service.
      if (system !== null && error instanceof ScmError && error.syscall === 'RegConnectRegistryW') throw error;
      settings = null;
    }
    if (!settings) continue;
    out.push({ name: s.name, displayName: s.displayName, state: s.state, hostState: hostStatusOf(s.name, settings, s).hostState, pid: s.pid > 0 ? s.pid : null, program: settings.program, hostGroup: settings.hostGroup });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export { HOST_PREFIX };
