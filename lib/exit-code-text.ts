// A process exit code as text for people: a small number as it is, an NTSTATUS (a process that
// crashed ends with the exception code: 0xC0000005 for an access violation) in hex with its name.

/**
 * Names of the NTSTATUS values a crashed or killed process commonly ends with (ntstatus.h; the
 * names follow Microsoft's descriptions, shortened).
 */
const NTSTATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0x40010004, 'debugger terminated the process'],
  [0x80000003, 'breakpoint'],
  [0xc0000005, 'access violation'],
  [0xc0000006, 'in-page error'],
  [0xc0000017, 'out of memory'],
  [0xc000001d, 'illegal instruction'],
  [0xc0000025, 'noncontinuable exception'],
  [0xc000008e, 'floating-point division by zero'],
  [0xc0000094, 'integer division by zero'],
  [0xc0000096, 'privileged instruction'],
  [0xc00000fd, 'stack overflow'],
  [0xc0000135, 'DLL not found'],
  [0xc0000139, 'entry point not found'],
  [0xc000013a, 'terminated by Ctrl+C'],
  [0xc0000142, 'DLL initialization failed'],
  [0xc0000374, 'heap corruption'],
  [0xc0000409, 'stack buffer overrun or fail fast'],
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
 * An exit code as text: `3`, `0xC0000005 (access violation)`, `0xC0000123` (an NTSTATUS-like
 * value, severity bits set, in hex even without a name); `none` for null (no exit code: the
 * program could not be started, or it was never known).
 */
export function exitCodeText(code: number | null): string {
  if (code === null) return 'none';
  const unsigned = code >>> 0;
  if (unsigned < 0x40000000) return String(unsigned);
  const hex = `0x${unsigned.toString(16).toUpperCase().padStart(8, '0')}`;
  const name = exitCodeName(unsigned);
  return name === null ? hex : `${hex} (${name})`;
}
