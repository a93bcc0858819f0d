import type { RawStatus } from '../native/raw-types';
import { acceptedControlTokens, serviceTypeToken, SERVICE_INTERACTIVE_PROCESS, stateToken } from './tokens';
import type { ServiceState, ServiceType } from './tokens';

/**
 * A service's status (SERVICE_STATUS_PROCESS), with twapi's field meanings in camelCase. Token
 * fields fall back to the raw number for values the tables do not know, and the raw bit masks
 * are kept so nothing Windows adds is lost.
 */
export interface ServiceStatus {
  /** Internal (key) name of the service. */
  name: string;
  /** `stopped`, `start_pending`, `stop_pending`, `running`, `continue_pending`, `pause_pending`, `paused`. */
  state: ServiceState | number;
  /** `win32_own_process`, `win32_share_process`, `kernel_driver`, ... (interactive flag removed). */
  serviceType: ServiceType | number;
  /** dwServiceType as reported, with every bit (interactive, user service, package service...). */
  serviceTypeBits: number;
  /** Process id, or -1 when stopped or unknown (twapi's convention). */
  pid: number;
  /** Win32 exit code; 1066 (ERROR_SERVICE_SPECIFIC_ERROR) means see `serviceCode`. */
  exitCode: number;
  /** Service-specific exit code, meaningful when `exitCode` is 1066. */
  serviceCode: number;
  /** Progress counter during a pending operation. */
  checkpoint: number;
  /** Milliseconds the service expects its pending operation to take. */
  waitHint: number;
  /** SERVICE_ACCEPT_* bit mask. */
  controlsAccepted: number;
  /** The names of the accepted controls (`stop`, `pause_continue`, `shutdown`, ...). */
  acceptedControls: string[];
  /** Whether the service may interact with the desktop (SERVICE_INTERACTIVE_PROCESS). */
  interactive: boolean;
  /** SERVICE_RUNS_IN_SYSTEM_PROCESS is bit 0. */
  serviceFlags: number;
}

/** A status record from enumeration, with the display name. */
export interface ServiceStatusWithDisplayName extends ServiceStatus {
  displayName: string;
}

/** @internal */
export function statusFromRaw(name: string, raw: RawStatus): ServiceStatus {
  return {
    name,
    state: stateToken(raw.currentState),
    serviceType: serviceTypeToken(raw.serviceType),
    serviceTypeBits: raw.serviceType,
    pid: raw.processId === 0 ? -1 : raw.processId,
    exitCode: raw.win32ExitCode,
    serviceCode: raw.serviceSpecificExitCode,
    checkpoint: raw.checkPoint,
    waitHint: raw.waitHint,
    controlsAccepted: raw.controlsAccepted,
    acceptedControls: acceptedControlTokens(raw.controlsAccepted),
    interactive: (raw.serviceType & SERVICE_INTERACTIVE_PROCESS) !== 0,
    serviceFlags: raw.serviceFlags,
  };
}
