// Health checks of a hosted program (`healthCheck`): once the program is ready, a probe every
// `healthInterval` (an HTTP(S) GET, a TCP connection or a command); after `healthRetries` failed
// probes in a row the host restarts the program through its graceful stop (supervisor.recycle).
// This catches the program that is alive but no longer answers, which a wait on its process cannot.
// One probe at a time: the next is scheduled `healthInterval` after the previous one ended (as
// Docker's HEALTHCHECK), so a slow probe never overlaps the next. State is per program run.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import { quoteCommandLine } from '../command-line';
import { errorMessage } from '../text';
import { programEnvironment } from './environment';
import { healthTarget, parseStatusRange } from './health-target';
import type { HealthTarget, StatusRange } from './health-target';
import { runHook } from './hooks';
import { seconds } from './host-log';
import type { HostSettings } from './settings';

/** How one probe ended: healthy or not, and in words why (`status 503`, `timeout after 5.0 s`). */
export interface ProbeOutcome {
  ok: boolean;
  detail: string;
}

/** What a probe needs besides its target. */
export interface ProbeOptions {
  timeoutMs: number;
  /** HTTP status codes that mean healthy. */
  status: StatusRange;
  /** https: accept any certificate. */
  insecure: boolean;
  /** A command's working folder and environment: the program's. */
  cwd: string;
  env: Record<string, string>;
  /** Ends the probe early (the program is stopping); its outcome is then ignored. */
  signal: AbortSignal;
}

/** The probe in words, for the log: `GET http://127.0.0.1:8080/health`, `connect 127.0.0.1:5432`. */
export function describeTarget(target: HealthTarget): string {
  switch (target.type) {
    case 'http': return `GET ${target.url.href}`;
    case 'tcp': return `connect ${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
    case 'command': return `command ${quoteCommandLine(target.argv)}`;
  }
}

/**
 * Runs one probe of `target`. Never rejects; settles within the timeout (a command: once it is
 * terminated at the timeout). No socket stays open after it settles: no agent, no keep-alive.
 */
export function probe(target: HealthTarget, options: ProbeOptions): Promise<ProbeOutcome> {
  switch (target.type) {
    case 'http': return httpProbe(target.url, options);
    case 'tcp': return tcpProbe(target.host, target.port, options);
    case 'command': return commandProbe(target.argv, options);
  }
}

/** Settles a socket-based probe once: clears its timer, ends its socket. */
function settleOnce(options: ProbeOptions, destroy: () => void, resolve: (outcome: ProbeOutcome) => void): (ok: boolean, detail: string) => void {
  let done = false;
  const finish = (ok: boolean, detail: string) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    options.signal.removeEventListener('abort', onAbort);
    destroy();
    resolve({ ok, detail });
  };
  const timer = setTimeout(() => finish(false, `timeout after ${seconds(options.timeoutMs)}`), options.timeoutMs);
  const onAbort = () => finish(false, 'cancelled');
  options.signal.addEventListener('abort', onAbort);
  return finish;
}

function httpProbe(url: URL, options: ProbeOptions): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const secure = url.protocol === 'https:';
    const get = secure ? https.get : http.get;
    // agent false: a socket of its own, closed with the request (no pool keeps the host alive).
    const request = get(url, { agent: false, headers: { 'user-agent': 'scm-native health check', connection: 'close' }, ...(secure ? { rejectUnauthorized: !options.insecure } : {}) }, (response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      const { from, to } = options.status;
      finish(status >= from && status <= to, status >= from && status <= to ? `status ${status}` : `status ${status}, not ${from}-${to}`);
    });
    const finish = settleOnce(options, () => request.destroy(), resolve);
    request.on('error', (error) => finish(false, errorMessage(error)));
  });
}

function tcpProbe(host: string, port: number, options: ProbeOptions): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = settleOnce(options, () => socket.destroy(), resolve);
    socket.on('connect', () => finish(true, 'connected'));
    socket.on('error', (error) => finish(false, errorMessage(error)));
  });
}

async function commandProbe(argv: readonly string[], options: ProbeOptions): Promise<ProbeOutcome> {
  let last = '';
  // A batch file runs through cmd.exe with its arguments escaped, as a hook's (hooks.ts, batch.ts).
  const result = await runHook(argv, { cwd: options.cwd, env: options.env, timeoutMs: options.timeoutMs, output: (line) => { if (line.trim()) last = line.trim(); } });
  const said = last ? ` (last output: ${last.slice(0, 200)})` : '';
  if (result.timedOut) return { ok: false, detail: `timeout after ${seconds(options.timeoutMs)}: terminated${said}` };
  if (result.error !== undefined) return { ok: false, detail: `could not run: ${result.error}` };
  return { ok: result.code === 0, detail: `exit code ${result.code}${result.code === 0 ? '' : said}` };
}

/** Where a health check reports. */
export interface HealthCheckHooks {
  /** A line for the service log. */
  note(message: string): void;
  /** `healthRetries` probes failed in a row: the program must be restarted (`why` says so, with the last failure). */
  unhealthy(why: string): void;
}

/**
 * The health check of one service: {@link begin} when a run of the program is ready, {@link end}
 * when it exits or is being stopped. Between the two, one probe at a time.
 */
export class HealthCheck {
  private readonly target: HealthTarget;
  private readonly description: string;
  private timer: NodeJS.Timeout | null = null;
  /** Ends the probe in flight. */
  private inFlight: AbortController | null = null;
  /** Bumped by begin/end: an outcome of an earlier run's probe is dropped. */
  private generation = 0;
  private failures = 0;
  private readySince = 0;

  constructor(
    private readonly settings: HostSettings,
    private readonly service: string,
    private readonly hooks: HealthCheckHooks,
  ) {
    this.target = healthTarget(settings.healthCheck) as HealthTarget;
    this.description = describeTarget(this.target);
  }

  /** Whether the settings ask for a health check. */
  static wanted(settings: HostSettings): boolean {
    return settings.healthCheck !== null;
  }

  /** Whether probes are scheduled or running. */
  get active(): boolean {
    return this.timer !== null || this.inFlight !== null;
  }

  /** The program is ready: the first probe comes `healthInterval` from now. */
  begin(): void {
    this.end();
    this.readySince = Date.now();
    this.failures = 0;
    const { healthInterval, healthTimeout, healthRetries, healthGrace } = this.settings;
    this.hooks.note(`health check: ${this.description} every ${seconds(healthInterval)}, timeout ${seconds(healthTimeout)}, ` +
      `restart after ${healthRetries} failure${healthRetries === 1 ? '' : 's'} in a row${healthGrace > 0 ? `, none counted in the first ${seconds(healthGrace)}` : ''}`);
    this.schedule(this.generation);
  }

  /** No more probes for this run; a probe in flight is ended and its outcome ignored. */
  end(): void {
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.inFlight?.abort();
    this.inFlight = null;
  }

  private schedule(generation: number): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runProbe(generation);
    }, this.settings.healthInterval);
  }

  private async runProbe(generation: number): Promise<void> {
    const abort = new AbortController();
    this.inFlight = abort;
    const { settings } = this;
    const outcome = await probe(this.target, {
      timeoutMs: settings.healthTimeout,
      status: parseStatusRange(settings.healthStatus) ?? { from: 200, to: 399 },
      insecure: settings.healthInsecure,
      cwd: settings.cwd,
      env: programEnvironment(process.env, settings, this.service),
      signal: abort.signal,
    });
    if (generation !== this.generation) return;
    this.inFlight = null;
    // The hooks may have ended the check meanwhile (a restart ends it at once).
    if (this.judge(outcome) && generation === this.generation) this.schedule(generation);
  }

  /** Counts the outcome; false when the program is to be restarted (no more probes then). */
  private judge(outcome: ProbeOutcome): boolean {
    const { healthRetries, healthGrace } = this.settings;
    if (outcome.ok) {
      if (this.failures > 0) this.hooks.note(`health check passed again after ${this.failures} failure${this.failures === 1 ? '' : 's'}: ${this.description}: ${outcome.detail}`);
      this.failures = 0;
      return true;
    }
    if (Date.now() - this.readySince < healthGrace) {
      this.hooks.note(`health check failed within the grace period (not counted): ${this.description}: ${outcome.detail}`);
      return true;
    }
    this.failures++;
    this.hooks.note(`health check failed (${this.failures} of ${healthRetries}): ${this.description}: ${outcome.detail}`);
    if (this.failures < healthRetries) return true;
    this.hooks.unhealthy(`health check failed ${this.failures} time${this.failures === 1 ? '' : 's'}: ${this.description}: ${outcome.detail}`);
    return false;
  }
}
