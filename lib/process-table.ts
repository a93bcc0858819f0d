// The process table: every process this caller can see, with its image path and command line
// (src-native/process_table.cc). Command-defined services find a daemon here by a pattern
// (simplevisor's `pattern`) and stop it (COMAR's stopService scanning /proc).
import { win32ErrorName } from './errors/scm-error';
import { native, toScmError } from './native/binding';
import { checkInteger, checkOptions } from './validation';

/** One process of {@link listProcesses}. */
export interface ProcessEntry {
  pid: number;
  parentPid: number;
  /** The executable's file name, as the snapshot gives it (always present). */
  exeName: string;
  /** Full path of the executable (QueryFullProcessImageNameW); null when the process refuses the query. */
  image: string | null;
  /** The command line from the process's PEB; null when it cannot be read (another user's, protected). */
  commandLine: string | null;
  /** When the process was created (ms since 1970), null when unknown: tells a reused pid apart. */
  createdMs: number | null;
  /** Why `image` or `commandLine` is null: the refused call and its error name. */
  refused?: { call: string; code: string };
}

/**
 * Lists the processes of the machine: CreateToolhelp32Snapshot, then for each process
 * OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ), QueryFullProcessImageNameW,
 * GetProcessTimes, and the command line read from its PEB (NtQueryInformationProcess with
 * ProcessBasicInformation, then ReadProcessMemory). Processes of other users and protected ones
 * come with `commandLine` (and maybe `image`) null: an unelevated caller sees only its own.
 */
export async function listProcesses(): Promise<ProcessEntry[]> {
  let raw;
  try {
    raw = await native().listProcesses();
  } catch (error) {
    throw toScmError(error, {});
  }
  return raw.map((p) => ({
    pid: p.pid, parentPid: p.parentPid, exeName: p.exeName, image: p.image, commandLine: p.commandLine, createdMs: p.createdMs,
    ...(p.errorCall ? { refused: { call: p.errorCall, code: refusedCode(p.error) } } : {}),
  }));
}

/** A Win32 error name, or an NTSTATUS (negative as a 32-bit signed value) in hex. */
function refusedCode(error: number): string {
  if (error >= 0xc0000000) return `NTSTATUS 0x${error.toString(16)}`;
  return win32ErrorName(error);
}

/** Options of {@link terminateProcess}. */
export interface TerminateOptions {
  /** The process's creation time from {@link listProcesses}: a pid now naming another process is left alone. */
  createdMs?: number | null;
  /** The exit code it ends with (default 1). */
  exitCode?: number;
}

/**
 * Ends process `pid` at once (OpenProcess with PROCESS_TERMINATE, TerminateProcess). With
 * `createdMs`, only if the pid still names the process created then. Returns true when it was
 * terminated, false when no such process runs.
 */
export function terminateProcess(pid: number, options: TerminateOptions = {}): boolean {
  checkInteger(pid, 'pid', 1, 0xffffffff);
  const o = checkOptions<TerminateOptions>(options);
  const exitCode = o.exitCode === undefined ? 1 : checkInteger(o.exitCode, 'options.exitCode', 0, 0xffffffff);
  if (o.createdMs !== undefined && o.createdMs !== null && (typeof o.createdMs !== 'number' || !Number.isFinite(o.createdMs))) {
    throw new TypeError('options.createdMs must be a number (from listProcesses) or null');
  }
  try {
    return native().terminateProcess(pid, o.createdMs ?? null, exitCode);
  } catch (error) {
    throw toScmError(error, {});
  }
}
