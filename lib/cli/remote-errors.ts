// What a failure on another machine means for the user: the Win32 codes OpenSCManagerW and
// RegConnectRegistryW give when the machine cannot be reached or refuses the caller, with what to
// check. One table, used by the single-host commands and by the fleets' per-host rows.

/** Win32 codes of a machine that cannot be reached (name, network, firewall, RPC). */
const UNREACHABLE: ReadonlyMap<number, string> = new Map([
  [53, 'ERROR_BAD_NETPATH'],
  [67, 'ERROR_BAD_NET_NAME'],
  [64, 'ERROR_NETNAME_DELETED'],
  [1231, 'ERROR_NETWORK_UNREACHABLE'],
  [1722, 'RPC_S_SERVER_UNAVAILABLE'],
  [1726, 'RPC_S_CALL_FAILED'],
  [1727, 'RPC_S_CALL_FAILED_DNE'],
  [1753, 'EPT_S_NOT_REGISTERED'],
]);

const ERROR_ACCESS_DENIED = 5;
const ERROR_LOGON_FAILURE = 1326;

/** Whether a Win32 code means the machine itself could not be reached. */
export function isUnreachableErrno(errno: number | undefined): boolean {
  return errno !== undefined && UNREACHABLE.has(errno);
}

/**
 * What to check when a call to `host` failed with `errno` (and `syscall`), or null when the code
 * says nothing about the machine (a missing service, say).
 */
export function remoteHint(host: string, errno: number | undefined, syscall?: string): string | null {
  if (errno === ERROR_ACCESS_DENIED || errno === ERROR_LOGON_FAILURE) {
    return `managing services on ${host} needs an account with administrator rights there (a local account of the same name gets ` +
      `UAC's filtered token over the network: use a domain account); others may at most query what a service's DACL allows`;
  }
  if (!isUnreachableErrno(errno)) return null;
  if (syscall === 'RegConnectRegistryW') {
    return `the registry of ${host} cannot be reached: its Remote Registry service must be running and its firewall must allow it`;
  }
  return `${host} cannot be reached: check the name, that it is on, and that its firewall allows the ` +
    `"Remote Service Management" rules (RPC endpoint mapper TCP 135 and dynamic RPC ports, or SMB TCP 445 for named pipes)`;
}

/** An error of a call to `host`, its message followed by the hint (the error object kept, its fields unchanged). */
export function explainRemote<T>(error: T, host: string): T {
  if (!(error instanceof Error)) return error;
  const e = error as Error & { errno?: number; syscall?: string };
  const hint = remoteHint(host, typeof e.errno === 'number' ? e.errno : undefined, e.syscall);
  if (hint && !e.message.includes(hint)) e.message = `${e.message}; ${hint}`;
  return error;
}
