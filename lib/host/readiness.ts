// `--ready-timeout`: the hosted service stays START_PENDING until the program says it is ready
// (READY_MESSAGE over IPC, sent by `notifyServiceReady()`), so that `startService` with a wait,
// `scm-native start` and the services that depend on this one go on only once the program can do
// its work, not merely once its process exists. No message in time fails the start.
import { updateServiceStatus } from '../as-service/run-as-service';

export interface ReadinessHooks {
  /** A line for the service log. */
  note(message: string): void;
  /** The first ready message arrived in time: the service is RUNNING now. */
  ready(): void;
  /** The timeout passed first: the host must stop the program; the start fails. */
  timedOut(): void;
}

/**
 * The SCM's wait hint is the timeout plus this: after a timeout the program is stopped, and the
 * SCM must not give up on the service while it is.
 */
const HINT_MARGIN_MS = 5000;
const MAX_HINT = 0x7fffffff;

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;

export class ReadinessWait {
  private timer: NodeJS.Timeout | null = null;
  private service = '';
  private startedAt = 0;
  private expired = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly hooks: ReadinessHooks,
  ) {}

  /** Whether the service is waiting for the program's ready message. */
  get pending(): boolean {
    return this.timer !== null;
  }

  /** Whether the wait ended because the timeout passed. */
  get timedOut(): boolean {
    return this.expired;
  }

  /** Answers the start control numbered `seq` with START_PENDING and starts the timeout. */
  wait(service: string, seq: number): void {
    this.service = service;
    this.startedAt = Date.now();
    updateServiceStatus(service, seq, 'start_pending', { waitHint: Math.min(this.timeoutMs + HINT_MARGIN_MS, MAX_HINT) });
    this.hooks.note(`waiting up to ${seconds(this.timeoutMs)} for the program to report ready`);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.expired = true;
      this.hooks.note(`the program did not report ready within ${seconds(this.timeoutMs)}: stopping it; the start fails`);
      this.hooks.timedOut();
    }, this.timeoutMs);
  }

  /** The program's run number `run` sent the ready message. */
  programReady(run: number): void {
    if (this.timer === null) {
      // A later run after a restart (the service is RUNNING already), or too late.
      this.hooks.note(`program ready (run ${run})`);
      return;
    }
    this.settle();
    this.hooks.note(`program ready (run ${run}) after ${seconds(Date.now() - this.startedAt)}: the service is running`);
    this.hooks.ready();
    updateServiceStatus(this.service, 0, 'running');
  }

  /** Ends the wait without an outcome (supervision ended first). */
  settle(): void {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
  }
}
