// `scm-native watch --adjust`: the services file enforced as long as watch runs. A service seen
// settled in a state other than the one declared (stopped when expected running, or the reverse)
// is adjusted (Service.adjust: a start, stop or restart under the service's lock) after a grace
// delay, so an operator's restart or an apply in progress can finish first. Adjusting the same
// service again backs off (the delay doubles, up to 5 minutes) until it has stayed as declared for
// a minute, so a service that cannot run is not hammered.
import type { ExpectedState } from '../declarative/service';

/** What one adjustment did, as Service.adjust reports it. */
export interface AdjustReport {
  /** `start`, `stop`, `restart`, or `none` when nothing could be done (see `reason`). */
  action: string;
  /** The state after the adjustment (null when unknown). */
  state: string | number | null;
  reason?: string;
}

/** A service to keep: its name, the remote machine if any, and the state the file declares. */
export interface AdjustTarget {
  name: string;
  system?: string;
  expected: ExpectedState;
}

/** One line of output about an adjustment. */
export interface AdjustEvent {
  time: Date;
  target: AdjustTarget;
  report?: AdjustReport;
  error?: string;
}

export interface AdjusterDeps {
  adjust(target: AdjustTarget, signal: AbortSignal): Promise<AdjustReport>;
  now(): Date;
}

// `dead`: a command service's LSB 1 (cli/command-watch.ts), never the expected state.
const SETTLED = new Set(['running', 'stopped', 'paused', 'dead']);
const MAX_DELAY_MS = 5 * 60 * 1000;
const CALM_MS = 60 * 1000;

interface Track {
  timer: NodeJS.Timeout | null;
  /** Adjustments since the service last stayed as declared for CALM_MS. */
  attempts: number;
  lastAdjust: number;
  state: string | null;
  running: Promise<void> | null;
}

/** Adjusts the declared services toward their expected state as their statuses arrive. */
export class Adjuster {
  private readonly tracks = new Map<AdjustTarget, Track>();
  private readonly controller = new AbortController();
  private stopped = false;
  /** Whether an adjustment failed (the command then ends with exit code 1). */
  failed = false;

  constructor(
    private readonly delayMs: number,
    private readonly deps: AdjusterDeps,
    private readonly print: (event: AdjustEvent) => void,
  ) {}

  /** A status of a watched service: schedules, or cancels, its adjustment. */
  onState(target: AdjustTarget, state: string): void {
    if (this.stopped) return;
    const track = this.trackOf(target);
    track.state = state;
    const wrong = SETTLED.has(state) && state !== target.expected;
    if (!wrong) {
      if (track.timer) clearTimeout(track.timer);
      track.timer = null;
      return;
    }
    if (!track.timer && !track.running) this.schedule(target, track);
  }

  /** Cancels pending adjustments, aborts running ones and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller.abort(new Error('watch ended'));
    for (const track of this.tracks.values()) if (track.timer) clearTimeout(track.timer);
    await Promise.all([...this.tracks.values()].map((t) => t.running));
  }

  private trackOf(target: AdjustTarget): Track {
    let track = this.tracks.get(target);
    if (!track) {
      track = { timer: null, attempts: 0, lastAdjust: 0, state: null, running: null };
      this.tracks.set(target, track);
    }
    return track;
  }

  private schedule(target: AdjustTarget, track: Track): void {
    if (Date.now() - track.lastAdjust >= CALM_MS) track.attempts = 0;
    const delay = Math.min(MAX_DELAY_MS, this.delayMs * 2 ** Math.min(track.attempts, 20));
    track.timer = setTimeout(() => {
      track.timer = null;
      track.running = this.run(target, track).finally(() => {
        track.running = null;
      });
    }, delay);
  }

  private async run(target: AdjustTarget, track: Track): Promise<void> {
    track.attempts += 1;
    track.lastAdjust = Date.now();
    try {
      const report = await this.deps.adjust(target, this.controller.signal);
      if (this.stopped) return;
      // `none` without a reason: it was back in its state by the time the lock was held.
      if (report.action !== 'none' || report.reason) this.print({ time: this.deps.now(), target, report });
      // Nothing can be done (paused...): the next change of state will tell.
      if (report.action === 'none') return;
    } catch (error) {
      if (this.stopped) return;
      this.failed = true;
      this.print({ time: this.deps.now(), target, error: (error as Error).message });
    }
    // The latest state the watcher reported decides: a service that never got there (a start
    // that failed leaves no change to react to) or left again meanwhile is tried again, later.
    this.again(target, track);
  }

  private again(target: AdjustTarget, track: Track): void {
    const wrong = track.state !== null && SETTLED.has(track.state) && track.state !== target.expected;
    if (!this.stopped && !track.timer && wrong) this.schedule(target, track);
  }
}
