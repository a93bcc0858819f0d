// A program's exit code as people read it. A process that crashed ends with the NTSTATUS of the
// exception that killed it (0xC0000005, printed in decimal as 3221225477, or -1073741819 as a
// signed 32-bit number): such codes are written in hex with their name, every other code in
// decimal. Used by status, list, show, the host's log lines and its event-log entries.

/**
 * The NTSTATUS values a crashed or killed program commonly ends with (ntstatus.h), by the words
 * the CLI prints after the hex code (Microsoft's descriptions, shortened).
 */
export const NTSTATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0x40010004, 'terminated by a debugger (DBG_TERMINATE_PROCESS)'],
  [0x80000003, 'breakpoint (STATUS_BREAKPOINT)'],
  [0xc0000005, 'access violation'],
  [0xc0000006, 'in-page error'],
  [0xc0000017, 'out of memory (STATUS_NO_MEMORY)'],
  [0xc000001d, 'illegal instruction'],
  [0xc0000025, 'noncontinuable exception'],
  [0xc000008e, 'floating-point division by zero'],
  [0xc0000094, 'integer division by zero'],
  [0xc0000096, 'privileged instruction'],
  [0xc00000fd, 'stack overflow'],
  [0xc0000135, 'DLL not found (STATUS_DLL_NOT_FOUND)'],
  [0xc0000139, 'entry point not found in a DLL'],
  [0xc0000142, 'DLL initialization failed'],
  [0xc000013a, 'ended by Ctrl+C (STATUS_CONTROL_C_EXIT)'],
  [0xc0000374, 'heap corruption'],
  [0xc0000409, 'stack buffer overrun (fail fast)'],
  [0xc0000417, 'invalid parameter to a C runtime function'],
  [0xc0000420, 'assertion failure'],
  [0xc0000602, 'fail fast exception'],
]);

/**
 * The name of an NTSTATUS exit code (`access violation` for 0xC0000005), or null for one not
 * known here and for ordinary exit codes. Takes the code signed or unsigned.
 */
export function exitCodeName(code: number): string | null {
  return NTSTATUS_NAMES.get(code >>> 0) ?? null;
}

/**
 * Whether an exit code is an NTSTATUS shown in hex: a warning or error status (0x80000000 and up,
 * as an unsigned 32-bit number), or one of the named ones (DBG_TERMINATE_PROCESS is 0x40010004).
 */
export function isNtStatus(code: number): boolean {
  const unsigned = code >>> 0;
  return Number.isInteger(code) && (unsigned >= 0x80000000 || NTSTATUS_NAMES.has(unsigned));
}

/**
 * `0xC0000005 access violation`, `0xC0000123` (an NTSTATUS without a name here), `1`; `none`
 * for null (a program that could not be started or waited for). Negative codes are read as the
 * unsigned 32-bit number Windows stores (GetExitCodeProcess).
 */
export function exitCodeText(code: number | null): string {
  if (code === null) return 'none';
  if (!isNtStatus(code)) return String(code);
  const unsigned = code >>> 0;
  const hex = `0x${unsigned.toString(16).toUpperCase().padStart(8, '0')}`;
  const name = NTSTATUS_NAMES.get(unsigned);
  return name === undefined ? hex : `${hex} ${name}`;
}
