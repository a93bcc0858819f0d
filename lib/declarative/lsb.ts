// LSB status codes (LSB Core, "init script actions", as simplevisor uses them) for a Windows service.
import { ScmError } from '../errors/scm-error';
import type { ServiceStatus } from '../services/status-record';
import type { ServiceState } from '../services/tokens';

/** The LSB status codes a {@link Service} reports: 0 running, 1 dead, 3 not running, 4 unknown. */
export const LSB = { running: 0, dead: 1, notRunning: 3, unknown: 4 } as const;
export type LsbCode = 0 | 1 | 3 | 4;

/** What each code means, for output. */
export const LSB_MEANINGS: Record<LsbCode, string> = {
  0: 'running',
  1: 'dead',
  3: 'not running',
  4: 'unknown',
};

/** The exit codes of a stopped service that mean "stopped normally": 0 and ERROR_SERVICE_NEVER_STARTED. */
const CLEAN_EXIT_CODES = new Set([0, 1077]);

/** An LSB verdict: the code and a one-line detail. */
export interface LsbVerdict {
  code: LsbCode;
  detail: string;
}

/**
 * The LSB code of a service status. The rule (docs/declarative.md):
 * - `running` with a live process: 0.
 * - `stopped` with exit code 0 (or 1077, never started): 3.
 * - 1, "dead with a recorded pid", in two cases: the SCM reports an active state (running, paused,
 *   a pending state) with a process id whose process no longer exists (Wine keeps such a service
 *   RUNNING; Windows marks it stopped), or the service is `stopped` and its last run ended with a
 *   non-zero exit code (Windows' record of a service that died or failed).
 * - any other state (start/stop/pause/continue pending, paused) with a live process: 4 (the state
 *   is in transition or paused, neither running nor stopped), the detail naming the state.
 * `isAlive` tells whether a process id is alive (injected so the rule is testable anywhere).
 */
export function lsbFromStatus(status: ServiceStatus, isAlive: (pid: number) => boolean): LsbVerdict {
  const state = status.state as ServiceState | number;
  if (state === 'stopped') {
    if (CLEAN_EXIT_CODES.has(status.exitCode)) return { code: 3, detail: 'stopped' };
    const code = status.exitCode === 1066 ? `service-specific exit code ${status.serviceCode}` : `exit code ${status.exitCode}`;
    return { code: 1, detail: `stopped after a failure (${code})` };
  }
  if (status.pid > 0 && !isAlive(status.pid)) {
    return { code: 1, detail: `the SCM reports ${String(state)} but process ${status.pid} is gone` };
  }
  if (state === 'running') return { code: 0, detail: status.pid > 0 ? `running (pid ${status.pid})` : 'running' };
  return { code: 4, detail: typeof state === 'string' ? `in state ${state}` : `in unknown state ${state}` };
}

/**
 * The LSB verdict for a status query that failed: 4 (unknown) for a missing service, no access or
 * any other SCM failure. Anything that is not an ScmError (an argument mistake) is not a status.
 */
export function lsbFromError(error: unknown): LsbVerdict {
  if (!(error instanceof ScmError)) throw error;
  if (error.code === 'ERROR_SERVICE_DOES_NOT_EXIST') return { code: 4, detail: 'not installed' };
  if (error.code === 'ERROR_ACCESS_DENIED') return { code: 4, detail: 'access denied' };
  if (error.code === 'ERROR_SERVICE_MARKED_FOR_DELETE') return { code: 4, detail: 'marked for deletion' };
  return { code: 4, detail: `status unavailable: ${error.code}` };
}
