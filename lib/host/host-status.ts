// What the running host knows about its service and program, published to the status file
// (status-file.ts) on every change for `scm-native status`.
import { writeStatusFile } from './status-file';
import type { HostStatus } from './status-file';
import type { SupervisorOutcome } from './supervisor';

export class HostStatusRecord {
  /** `starting`, `running`, `backoff`, `stopping`, `restarting`, `stopped`. */
  state = 'starting';
  programPid: number | null = null;
  programStartedAt: string | null = null;
  nextRestartAt: string | null = null;
  lastExit: HostStatus['lastExit'] = null;
  /** The last lines of stderr of a run that failed early. */
  lastStderr: string[] = [];
  /** How the service ended (null until it has): the supervisor's outcome, or a failed start's. */
  outcome: SupervisorOutcome | null = null;
  private readonly serviceStartedAt = new Date().toISOString();

  /**
   * `file`: the status file, or null for none (debug mode). `restarts`: the supervisor's count,
   * read at each publication rather than copied.
   */
  constructor(
    private readonly service: string,
    private readonly file: string | null,
    private readonly restarts: () => number,
  ) {}

  /** Writes the status file now. */
  publish(): void {
    if (this.file === null) return;
    const status: HostStatus = {
      service: this.service,
      hostPid: process.pid,
      state: this.state,
      programPid: this.programPid,
      restarts: this.restarts(),
      serviceStartedAt: this.serviceStartedAt,
      programStartedAt: this.programStartedAt,
      nextRestartAt: this.nextRestartAt,
      lastExit: this.lastExit,
      lastStderr: this.lastStderr,
      outcome: this.outcome && { reason: this.outcome.reason, serviceCode: this.outcome.serviceCode },
      updatedAt: new Date().toISOString(),
    };
    writeStatusFile(this.file, status);
  }
}
