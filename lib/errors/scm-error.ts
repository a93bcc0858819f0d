import type { ServiceStatus } from '../services/status-record';
import { WIN32_ERROR_NAMES } from './win32-error-names';

/** Fields an {@link ScmError} is built from. */
export interface ScmErrorInit {
  /** Symbolic code; derived from `errno` when omitted. */
  code?: string;
  /** Win32 error number (GetLastError()). */
  errno?: number;
  /** The Win32 function that failed, e.g. `OpenServiceW`. */
  syscall?: string;
  /** The service the call was about, when there is one. */
  service?: string;
  /** The remote machine, when the call was not local. */
  system?: string;
  /** The system's text for the error (FormatMessage), or a sentence for non-Win32 codes. */
  detail?: string;
}

/**
 * Symbolic name of a Win32 error code: `1060` -> `'ERROR_SERVICE_DOES_NOT_EXIST'`, or
 * `'UNKNOWN_WIN32_ERROR_<n>'` for a code the table does not know.
 */
export function win32ErrorName(errno: number): string {
  return WIN32_ERROR_NAMES.get(errno) ?? `UNKNOWN_WIN32_ERROR_${errno}`;
}

/**
 * The one error class of scm-native: a failed Service Control Manager call (a Win32 error with its
 * symbolic `code`, numeric `errno` and `syscall`) or a library condition such as
 * `ERR_SCM_UNSUPPORTED_PLATFORM`. Argument mistakes are TypeError/RangeError instead, raised before
 * any native call.
 */
export class ScmError extends Error {
  // The optional fields are `declare`d: a class field would define each one as an own
  // `undefined` property even when it does not apply.
  /** `ERROR_SERVICE_DOES_NOT_EXIST`, `UNKNOWN_WIN32_ERROR_<n>`, or an `ERR_SCM_*` library code. */
  readonly code: string;
  /** The Win32 error number, for Win32 failures. */
  declare readonly errno?: number;
  /** The Win32 function that failed. */
  declare readonly syscall?: string;
  /** The service concerned. */
  declare readonly service?: string;
  /** The remote machine concerned. */
  declare readonly system?: string;
  /** The service's status as the SCM reported it with the failure (failed controls). */
  declare lastStatus?: ServiceStatus;

  constructor(init: ScmErrorInit) {
    const code = init.code ?? (init.errno !== undefined ? win32ErrorName(init.errno) : 'ERR_SCM_UNKNOWN');
    super(ScmError.describe(code, init));
    this.code = code;
    if (init.errno !== undefined) this.errno = init.errno;
    if (init.syscall !== undefined) this.syscall = init.syscall;
    if (init.service !== undefined) this.service = init.service;
    if (init.system !== undefined) this.system = init.system;
    Object.defineProperty(this, 'name', { value: 'ScmError', enumerable: false, configurable: true });
  }

  private static describe(code: string, init: ScmErrorInit): string {
    const what = init.syscall ? `${init.syscall} failed` : 'Service Control Manager call failed';
    const about = [
      init.service !== undefined ? `service '${init.service}'` : '',
      init.system !== undefined ? `on '${init.system}'` : '',
    ].filter(Boolean).join(' ');
    const detail = init.detail ? `: ${init.detail}` : '';
    const number = init.errno !== undefined ? `${code}, ${init.errno}` : code;
    // `for service 'x' on 'host'`, or `on 'host'` alone (a machine that could not be reached).
    const where = about ? (init.service !== undefined ? ` for ${about}` : ` ${about}`) : '';
    return `${what}${where}${detail} (${number})`;
  }
}

/** Thrown by every SCM function on a platform without a Service Control Manager. */
export function unsupportedPlatformError(): ScmError {
  return new ScmError({
    code: 'ERR_SCM_UNSUPPORTED_PLATFORM',
    detail: `the Windows Service Control Manager is not available on platform '${process.platform}'; scm-native's service functions run on Windows only`,
  });
}
