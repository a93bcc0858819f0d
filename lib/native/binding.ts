// The raw native surface (src-native/) and the one place its errors become ScmError.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ScmError, unsupportedPlatformError } from '../errors/scm-error';
import { statusFromRaw } from '../services/status-record';
import type {
  DispatcherEvent, RawConfig2Change, RawProcess, RawFileSecurity, RawConfigResult, RawCoreChanges, RawEnumEntry, RawStatus, RawWaitResult, RawWatchEvent,
} from './raw-types';

type Db = string | null;
type Sys = string | null;

/** The addon's exports (src-native/module.cc). @internal */
export interface NativeBinding {
  /** Whether the process runs under Wine (ntdll exports wine_get_version). */
  readonly underWine: boolean;
  /** The environment's wait thread pool: threads started in all, and busy or parked now (diagnostic). */
  waitPoolStats(): { threadsStarted: number; busy: number; idle: number };
  queryStatus(system: Sys, database: Db, name: string): Promise<RawStatus>;
  queryStatusSync(system: Sys, database: Db, name: string): RawStatus;
  enumStatus(system: Sys, database: Db, typeMask: number, stateMask: number, group: string | null): Promise<RawEnumEntry[]>;
  enumStatusSync(system: Sys, database: Db, typeMask: number, stateMask: number, group: string | null): RawEnumEntry[];
  resolveName(system: Sys, database: Db, name: string): Promise<{ name: string; displayName: string } | null>;
  resolveNameSync(system: Sys, database: Db, name: string): { name: string; displayName: string } | null;
  createService(
    system: Sys, database: Db, name: string, displayName: string | null, serviceType: number, startType: number,
    errorControl: number, binaryPath: string, loadOrderGroup: string | null, dependencies: string[] | null,
    account: string | null, password: string | null, levels: RawConfig2Change[],
  ): Promise<void>;
  deleteService(system: Sys, database: Db, name: string): Promise<void>;
  startService(system: Sys, database: Db, name: string, args: string[]): Promise<void>;
  controlService(system: Sys, database: Db, name: string, control: number): Promise<RawStatus>;
  /** startArgs starts the service first, control sends that control first (a refusal rejects with lastStatus); at most one. */
  waitForStatus(
    system: Sys, database: Db, name: string, notifyMask: number, timeoutMs: number, startArgs?: string[] | null, control?: number | null,
  ): {
    promise: Promise<RawWaitResult>;
    cancel(): void;
  };
  commandLineToArgv(commandLine: string): string[];
  enumDependents(system: Sys, database: Db, name: string, stateMask: number): Promise<RawEnumEntry[]>;
  enumDependentsSync(system: Sys, database: Db, name: string, stateMask: number): RawEnumEntry[];
  watchService(system: Sys, database: Db, name: string | null, onEvent: (event: RawWatchEvent) => void,
    testOptions?: { simulateLaggingOnce?: boolean }): {
    close(): void;
    ref(): void;
    unref(): void;
  };
  startDispatcher(names: string[], serviceType: number, controlsAccepted: number, replyTimeoutMs: number,
    onEvent: (event: DispatcherEvent) => void): void;
  setServiceStatus(name: string, seq: number, state: number, win32ExitCode: number, serviceSpecificExitCode: number, waitHint: number): boolean;
  /** `null`: the app does not handle the control (HandlerEx returns ERROR_CALL_NOT_IMPLEMENTED). */
  replyToControl(seq: number, code: number | null): void;
  simulateControl(name: string, control: number, eventType: number, sessionId: number): Promise<number>;
  getProcessFacts(): { parentImageName: string; sessionId: number | null };
  /** src-native/process_table.cc: every process with its image path and command line (null where refused). */
  listProcesses(): Promise<RawProcess[]>;
  /** false: no such process (gone, or the pid names a process created at another time). */
  terminateProcess(pid: number, createdMs: number | null, exitCode: number): boolean;
  installEventSource(system: Sys, log: string, source: string, messageFile: string, typesSupported: number): Promise<void>;
  removeEventSource(system: Sys, log: string, source: string): Promise<void>;
  reportEvent(system: Sys, source: string, type: number, category: number, eventId: number, strings: string[]): Promise<void>;
  queryConfig(system: Sys, database: Db, name: string, wantCore: boolean, levels: number[], skipUnsupported: boolean): Promise<RawConfigResult>;
  queryConfigSync(system: Sys, database: Db, name: string, wantCore: boolean, levels: number[], skipUnsupported: boolean): RawConfigResult;
  changeConfig(system: Sys, database: Db, name: string, core: RawCoreChanges | null, levels: RawConfig2Change[]): Promise<void>;
  querySecurity(system: Sys, database: Db, name: string, parts: number): Promise<string>;
  setSecurity(system: Sys, database: Db, name: string, sddl: string, parts: number): Promise<void>;
  writeServiceParameter(service: string, valueName: string, text: string): Promise<void>;
  writeServiceParameterSync(service: string, valueName: string, text: string): void;
  /** `system`: read that machine's registry (RegConnectRegistryW); this machine's when null/absent. */
  readServiceParameter(service: string, valueName: string, system?: string | null): Promise<string | null>;
  readServiceParameterSync(service: string, valueName: string, system?: string | null): string | null;
  deleteServiceParameter(service: string, valueName: string): Promise<boolean>;
  enterKillOnCloseJob(allowBreakaway: boolean): boolean;
  terminateJobProcesses(exitCode: number): number;
  /** src-native/job_object.cc: private bytes of each process of `pids` (null: of the host's job) that could be queried. */
  processMemory(pids: number[] | null): Promise<{ pid: number; privateBytes: number }[]>;
  /** A shared host's job for one run of a program (pid): its id. */
  createProgramJob(pid: number, allowBreakaway: boolean): number;
  terminateProgramJob(id: number, exitCode: number): number;
  closeProgramJob(id: number): void;
  sendConsoleCtrl(pid: number, event: 0 | 1): boolean;
  setProcessAffinity(pid: number, cpus: number[]): void;
  getProcessAffinity(pid: number): { process: number[]; system: number[] };
  enumAccountRights(system: Sys, account: string): Promise<string[]>;
  addAccountRight(system: Sys, account: string, right: string): Promise<boolean>;
  computerName(): Promise<string>;
  computerNameSync(): string;
  deleteServiceValue(system: Sys, service: string, valueName: string): Promise<boolean>;
  fileSecurity(path: string): Promise<RawFileSecurity>;
  fileAttributes(path: string): Promise<number | null>;
  createDirectory(path: string, sddl: string): Promise<boolean>;
  setFileDacl(path: string, sddl: string): Promise<void>;
  accountSid(account: string): Promise<string | null>;
  accountName(sid: string): Promise<string | null>;
  /** Creates or re-protects Services\\<service>\\Parameters with the DACL of `sddl` (protected); true when it created the key. */
  protectServiceParameters(service: string, sddl: string): Promise<boolean>;
  /** The Parameters key's DACL as SDDL, or null when the key is missing. */
  serviceParametersSecurity(service: string): Promise<string | null>;
}

/** The Node-API version the addon is built for (package.json binary.napi_versions). */
const NAPI_VERSION = 8;

// binding/index.js is plain CommonJS so that it can sit beside prebuilds/ in the published package.
const loaded = require('../../binding') as { binding: NativeBinding | null; loadError: Error | null; root: string };

/** The loaded addon; throws ScmError ERR_SCM_UNSUPPORTED_PLATFORM off Windows. @internal */
export function native(): NativeBinding {
  if (loaded.binding) return loaded.binding;
  if (process.platform !== 'win32') throw unsupportedPlatformError();
  const cause = loaded.loadError;
  const error = new ScmError({ code: 'ERR_SCM_ADDON_NOT_FOUND', detail: addonProblem(cause) });
  if (cause) (error as Error & { cause?: unknown }).cause = cause;
  throw error;
}

/** `scm-native 1.2.3` as the package in `root` names itself (just `scm-native` when it cannot be read). */
function packageLabel(root: string): string {
  try {
    const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
    return `${name ?? 'scm-native'}${version ? ` ${version}` : ''}`;
  } catch {
    return 'scm-native';
  }
}

/** How to build the addon from source, for the rare user who must (the package ships prebuilds). */
function buildFromSource(root: string): string {
  return `build it from source in ${root} (needs CMake and Visual Studio's C++ build tools): npm install --no-save cmake-js node-addon-api node-api-headers, then npx cmake-js rebuild`;
}

/**
 * Why the addon did not load, and what to do, for someone who installed the package from npm:
 * which prebuild (platform and architecture) is missing and which there are, the Node and its
 * Node-API version here (the addon is Node-API, so one prebuild serves every Node version), and
 * the ways out: a release that ships it, x64 Node on Windows on Arm (it runs x64 programs),
 * SCM_NATIVE_PREBUILD, or a build from source. Windows on Arm runs arm64 Node, which cannot load
 * the x64 addon.
 */
function addonProblem(cause: Error | null): string {
  const folder = `win32-${process.arch}`;
  const prebuilds = path.join(loaded.root, 'prebuilds');
  const available = fs.existsSync(prebuilds) ? fs.readdirSync(prebuilds).filter((d) => d.startsWith('win32-')) : [];
  const here = `Node ${process.version} ${process.arch}, Node-API ${process.versions.napi ?? 'unknown'}`;
  if (!available.includes(folder)) {
    return `${packageLabel(loaded.root)} has no prebuilt addon for ${folder} (prebuilds/${folder}/scm-native.node is missing; it has ${available.join(', ') || 'none'}), ` +
      `which this Node needs (${here}). Install a release that ships it (npm install scm-native@latest)` +
      `${process.arch === 'arm64' && available.includes('win32-x64') ? ', run x64 Node (Windows on Arm runs it)' : ''}, ` +
      `set SCM_NATIVE_PREBUILD to a folder holding scm-native.node, or ${buildFromSource(loaded.root)}`;
  }
  const from = process.env.SCM_NATIVE_PREBUILD ? `SCM_NATIVE_PREBUILD ${process.env.SCM_NATIVE_PREBUILD}` : `prebuilds/${folder}`;
  return `the scm-native addon could not be loaded${cause ? `: ${cause.message}` : ''} (from ${from}, built for Node-API ${NAPI_VERSION}, into ${here}). ` +
    `${Number(process.versions.napi) < NAPI_VERSION ? `It needs Node-API ${NAPI_VERSION}: use a newer Node. ` : ''}` +
    `Reinstall scm-native (the file may be damaged or blocked), or ${buildFromSource(loaded.root)}`;
}

/** What an error is about, for the ScmError built from a native failure. @internal */
export interface CallContext {
  service?: string;
  system?: string | null;
}

interface NativeFailure {
  errno: number;
  syscall: string;
  win32Message?: string;
  lastStatus?: RawStatus;
}

function isNativeFailure(error: unknown): error is Error & NativeFailure {
  return error instanceof Error && typeof (error as Partial<NativeFailure>).errno === 'number'
    && typeof (error as Partial<NativeFailure>).syscall === 'string';
}

/** Turns the addon's plain Win32 error into ScmError; anything else passes through. @internal */
export function toScmError(error: unknown, context: CallContext): unknown {
  if (!isNativeFailure(error)) return error;
  const scmError = new ScmError({
    errno: error.errno,
    syscall: error.syscall,
    ...(error.win32Message ? { detail: error.win32Message } : {}),
    ...(context.service !== undefined ? { service: context.service } : {}),
    ...(context.system ? { system: context.system } : {}),
  });
  if (error.lastStatus) scmError.lastStatus = statusFromRaw(context.service ?? '', error.lastStatus);
  return scmError;
}

/** Runs a synchronous native call, converting its failure. @internal */
export function callSync<T>(context: CallContext, fn: (binding: NativeBinding) => T): T {
  const binding = native();
  try {
    return fn(binding);
  } catch (error) {
    throw toScmError(error, context);
  }
}

/** Runs an asynchronous native call, converting its failure. @internal */
export async function callAsync<T>(context: CallContext, fn: (binding: NativeBinding) => Promise<T>): Promise<T> {
  const binding = native();
  try {
    return await fn(binding);
  } catch (error) {
    throw toScmError(error, context);
  }
}
