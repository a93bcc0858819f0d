// `scm-native watch [names...]`: service state changes printed as they happen (COMAR's donotify).
// One NotifyServiceStatusChangeW watcher per service (lib/services/watch.ts): no polling. Each
// service's current state is printed first, so a consumer knows where the stream starts.
import * as fs from 'node:fs';
import type { EventEmitter } from 'node:events';
import { exitCodeText } from '../exit-code-text';
import { Service } from '../declarative/service';
import type { ExpectedState } from '../declarative/service';
import { loadServicesFile, ServicesFileError } from '../declarative/services-file';
import { watchService } from '../services/watch';
import { oneLine } from '../text';
import type { ServiceStatus } from '../services/status-record';
import { checkServiceName } from '../validation';
import { parseCount, parseDuration, UsageError } from './args';
import type { OptionSpec, ParsedArgs } from './args';
import { reportError } from './json-output';
import { paint, stateColour } from './output';
import type { Io } from './output';
import { DEFAULT_SERVICES_FILE } from './services-commands';
import { Adjuster } from './watch-adjust';
import { DEFAULT_POLL_MS, pollCommandService } from './command-watch';
import type { CommandDeclaration } from '../declarative/command-service';
import type { AdjustEvent, AdjustReport, AdjustTarget } from './watch-adjust';

/** A service to watch: its name, and the remote machine a services file may give. */
export interface WatchTarget {
  name: string;
  system?: string;
  /** With --adjust: the state the services file declares, and its command timeout (ms). */
  expected?: ExpectedState;
  timeout?: number;
  /** A command-defined service of the services file: polled every `interval` ms (no SCM notification). */
  commands?: CommandDeclaration;
  interval?: number;
}

/** What `watch` was asked to do, from the command line. */
export interface WatchPlan {
  targets: WatchTarget[];
  json: boolean;
  /** End after this many changes (initial lines not counted); null: no limit. */
  count: number | null;
  /** End after this many milliseconds, counted from the initial lines; null: no limit. */
  timeout: number | null;
  /** --adjust: the grace delay (ms) before a service out of its declared state is adjusted; null: watch only. */
  adjustDelay?: number | null;
}

/** One output line: a service's state when watching began, a change, or its deletion. */
export interface WatchEvent {
  time: Date;
  kind: 'initial' | 'change' | 'deleted';
  target: WatchTarget;
  /** The state before this event (null for `initial`). */
  previous: string | null;
  status: ServiceStatus;
}

/** What the command needs from the outside world; tests give fakes. */
export interface WatchDeps {
  /** A watcher emitting 'change' (current status first), 'deleted', 'error' and 'close'. */
  watch(target: WatchTarget): EventEmitter & { close(): void };
  /** Where SIGINT/SIGTERM/SIGBREAK arrive (the process). */
  signals: Pick<EventEmitter, 'on' | 'removeListener'>;
  now(): Date;
  /** --adjust: brings a service to its expected state (Service.adjust). */
  adjust(target: WatchTarget, signal: AbortSignal): Promise<AdjustReport>;
}

const DEFAULT_DEPS: WatchDeps = {
  watch: (t) => (t.commands ? pollCommandService(t.name, t.commands, t.timeout, t.interval ?? DEFAULT_POLL_MS) : watchService(t.name, t.system ? { system: t.system } : {})),
  signals: process,
  now: () => new Date(),
  async adjust(t, signal) {
    const service = new Service({ ...t.commands, name: t.name, expected: t.expected ?? 'running', ...(t.system ? { system: t.system } : {}), ...(t.timeout ? { timeout: t.timeout } : {}) });
    const r = await service.adjust({ signal });
    return { action: r.action, state: r.after.state, ...(r.reason ? { reason: r.reason } : {}) };
  },
};

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGBREAK'] as const;
const USAGE = 'watch [names...] [--file <services file>] [--adjust [--adjust-delay <duration>]] [--interval <duration>] [--json] [--count <n>] [--timeout <duration>] [--system <host,...>] [--hosts-file <file>]';
const DEFAULT_ADJUST_DELAY_MS = 2000;

/** How a target is shown: its name, `\\system\name` for a remote one. */
export function targetLabel(t: WatchTarget): string {
  return t.system ? `\\\\${t.system.replace(/^\\+/, '')}\\${t.name}` : t.name;
}

/**
 * The plan from the parsed command line. Names come from the command line, else from the
 * services file (--file, default services.json; JSON, YAML or TOML). A services file that cannot be used is exit
 * code 4 (as for check/apply), returned as a number after its one-line error on stderr.
 */
export function watchPlan(args: ParsedArgs, io: Pick<Io, 'stderr'> & Partial<Io>, exists: (file: string) => boolean = fs.existsSync): WatchPlan | number {
  const opt = (key: string) => args.options[key] as string | undefined;
  const count = opt('count') === undefined ? null : parseCount(opt('count') as string, '--count');
  if (count === 0) throw new UsageError('--count must be at least 1', 'watch');
  const timeout = opt('timeout') === undefined ? null : parseDuration(opt('timeout') as string, '--timeout');
  if (timeout === 0) throw new UsageError('--timeout must be longer than 0', 'watch');
  const adjust = args.options.adjust === true;
  if (opt('adjust-delay') !== undefined && !adjust) throw new UsageError('--adjust-delay needs --adjust', 'watch');
  const adjustDelay = !adjust ? null : opt('adjust-delay') === undefined ? DEFAULT_ADJUST_DELAY_MS : parseDuration(opt('adjust-delay') as string, '--adjust-delay');
  const interval = opt('interval') === undefined ? null : parseDuration(opt('interval') as string, '--interval');
  if (interval === 0) throw new UsageError('--interval must be longer than 0', 'watch');
  let targets: WatchTarget[];
  if (args.positionals.length > 0) {
    if (opt('file') !== undefined) throw new UsageError('give service names or --file, not both', 'watch');
    if (adjust) throw new UsageError('--adjust needs a services file (the states to keep come from it), not names', 'watch');
    targets = args.positionals.map((name) => {
      try {
        return { name: checkServiceName(name, 'a service name') };
      } catch (error) {
        throw new UsageError((error as Error).message, 'watch');
      }
    });
  } else {
    const file = opt('file') ?? DEFAULT_SERVICES_FILE;
    // No names and no services.json here: a usage mistake. A named file that is missing is a
    // bad services file (2, exit-codes.ts), as `check <file>` says.
    if (opt('file') === undefined && !exists(file)) throw new UsageError(`give service names, or a services file (--file; there is no ${file} here)`, 'watch');
    try {
      // A service expected absent has nothing to watch (a missing one would fail the command).
      targets = loadServicesFile(file).services.filter((d) => d.expected !== 'absent').map((d) => ({
        name: d.name, ...(d.system ? { system: d.system } : {}),
        ...(adjust ? { expected: d.expected as ExpectedState, ...(d.timeout ? { timeout: d.timeout } : {}) } : {}),
        // A command service is polled: its commands, its timeout for each read, the interval.
        ...(d.commands ? { commands: d.commands, ...(d.timeout ? { timeout: d.timeout } : {}), interval: interval ?? DEFAULT_POLL_MS } : {}),
      }));
    } catch (error) {
      if (!(error instanceof ServicesFileError)) throw error;
      return reportError(io, error);
    }
    if (targets.length === 0) throw new UsageError(`${file} declares no services that should exist: nothing to watch`, 'watch');
  }
  // The SCM's names are case-insensitive: one watcher per service.
  const seen = new Set<string>();
  targets = targets.filter((t) => {
    const key = `${(t.system ?? '').toLowerCase()}\\${t.name.toLowerCase()}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return { targets, json: args.options.json === true, count, timeout, adjustDelay };
}

/** The `--json` object of an event (one line each). */
export function eventJson(e: WatchEvent): Record<string, unknown> {
  const s = e.status;
  return {
    time: e.time.toISOString(), name: e.target.name, ...(e.target.system ? { system: e.target.system } : {}),
    initial: e.kind === 'initial', previous: e.previous, state: e.kind === 'deleted' ? 'deleted' : s.state,
    pid: s.pid > 0 ? s.pid : null, exitCode: s.exitCode, serviceCode: s.serviceCode, checkpoint: s.checkpoint, waitHint: s.waitHint,
    ...('lsb' in s ? { lsb: (s as unknown as { lsb: number }).lsb, detail: (s as unknown as { detail: string }).detail } : {}),
  };
}

// The SCM's exit code of a service not started since boot (or since it was created): no failure.
const ERROR_SERVICE_NEVER_STARTED = 1077;

/**
 * The text line of an event, names padded to `width` so columns line up:
 * `<time>  <name>  <state>  (initial[, pid N])` first, then `<time>  <name>  <previous> -> <state>  (pid N)`;
 * a non-zero exit code is added as `exit code X`, `service-specific code Y` for 1066, `never started`
 * for 1077.
 */
export function eventLine(e: WatchEvent, io: Pick<Io, 'color'>, width = 0): string {
  const s = e.status;
  const stateText = e.kind === 'deleted' ? 'deleted' : String(s.state);
  const state = paint(io, e.kind === 'deleted' ? 'red' : stateColour(stateText), stateText);
  const details: string[] = e.kind === 'initial' ? ['initial'] : [];
  if (s.pid > 0) details.push(`pid ${s.pid}`);
  if (s.exitCode === 1066) details.push(`service-specific code ${exitCodeText(s.serviceCode)}`);
  else if (s.exitCode === ERROR_SERVICE_NEVER_STARTED) details.push('never started');
  else if (s.exitCode !== 0) details.push(`exit code ${s.exitCode}`);
  const change = e.kind === 'initial' ? state : `${e.previous} -> ${state}`;
  return `${e.time.toISOString()}  ${targetLabel(e.target).padEnd(width)}  ${change}${details.length ? `  (${details.join(', ')})` : ''}`;
}

/** The `--json` object of an adjustment. */
export function adjustJson(e: AdjustEvent): Record<string, unknown> {
  const t = e.target;
  return {
    time: e.time.toISOString(), name: t.name, ...(t.system ? { system: t.system } : {}), expected: t.expected,
    adjust: e.report ? e.report.action : null, state: e.report ? e.report.state : null,
    ...(e.report?.reason ? { reason: e.report.reason } : {}), ...(e.error ? { error: oneLine(e.error) } : {}),
  };
}

/** The text line of an adjustment: `adjusted: start -> running`, `not adjusted: <why>` or `adjust failed: <why>`. */
export function adjustLine(e: AdjustEvent, io: Pick<Io, 'color'>, width = 0): string {
  const head = `${e.time.toISOString()}  ${targetLabel(e.target).padEnd(width)}  `;
  if (e.error !== undefined) return `${head}${paint(io, 'red', 'adjust failed')}: ${oneLine(e.error)}`;
  const r = e.report as AdjustReport;
  if (r.action === 'none') return `${head}${paint(io, 'yellow', 'not adjusted')}: ${r.reason ?? `expected ${e.target.expected}`}`;
  return `${head}${paint(io, 'cyan', 'adjusted')}: ${r.action} -> ${paint(io, stateColour(String(r.state)), String(r.state))}`;
}

/**
 * Watches the plan's services until --count changes, --timeout, a signal, or every watcher has
 * ended (services deleted). Resolves with the exit code: 0, or 1 when a service cannot be
 * watched (nothing is printed then) or a watcher failed later.
 */
export async function runWatch(plan: WatchPlan, io: Io, deps: WatchDeps = DEFAULT_DEPS): Promise<number> {
  const width = Math.max(...plan.targets.map((t) => targetLabel(t).length));
  const print = (e: WatchEvent) => io.stdout.write(plan.json ? `${JSON.stringify(eventJson(e))}\n` : `${eventLine(e, io, width)}\n`);
  const adjuster = plan.adjustDelay == null ? null : new Adjuster(plan.adjustDelay, deps, (e) => io.stdout.write(plan.json ? `${JSON.stringify(adjustJson(e))}\n` : `${adjustLine(e, io, width)}\n`));
  // Until every watcher has reported its service's status, events wait here: a missing service
  // then fails the command before anything is printed.
  let pending: WatchEvent[] | null = [];
  let changes = 0;
  let failed = false;
  let ending = false;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    finish = () => {
      ending = true;
      resolve();
    };
  });
  const emit = (e: WatchEvent) => {
    if (ending) return;
    if (pending) {
      pending.push(e);
      return;
    }
    print(e);
    if (e.kind !== 'initial' && plan.count !== null && ++changes >= plan.count) finish();
  };

  type Entry = { target: WatchTarget; watcher: ReturnType<WatchDeps['watch']>; last: string | null; closed: Promise<void>; open: boolean };
  const entries: Entry[] = [];
  let setupError: unknown = null;
  // One after another: under Wine, registrations made at the same moment from one process can
  // hang (docs/wine.md). A watcher's first 'change' comes once its service handle is open and
  // queried, right before it registers its notification.
  for (const target of plan.targets) {
    const watcher = deps.watch(target);
    const entry: Entry = { target, watcher, last: null, closed: Promise.resolve(), open: true };
    entries.push(entry);
    entry.closed = new Promise<void>((resolve) => {
      watcher.once('close', () => {
        entry.open = false;
        resolve();
        if (!pending && entries.every((x) => !x.open)) finish();
      });
    });
    const reported = new Promise<void>((resolve) => {
      watcher.on('change', (status: ServiceStatus) => {
        const first = entry.last === null;
        emit({ time: deps.now(), kind: first ? 'initial' : 'change', target, previous: entry.last, status });
        entry.last = String(status.state);
        if (adjuster && target.expected && !ending) adjuster.onState(target as AdjustTarget, entry.last);
        if (first) resolve();
      });
      watcher.on('deleted', (status: ServiceStatus) => {
        emit({ time: deps.now(), kind: 'deleted', target, previous: entry.last ?? String(status.state), status });
        resolve();
      });
      watcher.on('error', (error: Error) => {
        if (entry.last === null) setupError ??= error;
        else if (!ending) {
          failed = true;
          io.stderr.write(`scm-native: error: watching ${targetLabel(target)}: ${oneLine(error.message)}\n`);
        }
        resolve();
      });
      watcher.once('close', resolve);
    });
    await reported;
    if (setupError || entry.last === null) {
      setupError ??= new Error(`the watcher of ${targetLabel(target)} ended before reporting its status`);
      break;
    }
  }

  const closeAll = async () => {
    ending = true;
    await adjuster?.stop();
    for (const e of entries) if (e.open) e.watcher.close();
    await Promise.all(entries.map((e) => e.closed));
  };
  if (setupError) {
    await closeAll();
    const error = setupError as Error & { code?: string; service?: string };
    const message = error.code === 'ERROR_SERVICE_DOES_NOT_EXIST' && error.service ? `no such service: ${error.service}` : oneLine(error.message);
    io.stderr.write(`scm-native: error: ${message}\n`);
    return 1;
  }

  // Initial lines first, then what changed while the later watchers were being set up.
  const buffered = pending;
  pending = null;
  for (const e of [...buffered.filter((x) => x.kind === 'initial'), ...buffered.filter((x) => x.kind !== 'initial')]) emit(e);
  if (entries.every((e) => !e.open)) finish();

  const timer = plan.timeout === null ? null : setTimeout(finish, plan.timeout);
  for (const signal of SIGNALS) deps.signals.on(signal, finish);
  // A closed pipe (`scm-native watch | head -n 3`) ends the command instead of crashing it.
  io.stdout.on('error', finish);
  try {
    await finished;
  } finally {
    if (timer) clearTimeout(timer);
    for (const signal of SIGNALS) deps.signals.removeListener(signal, finish);
    io.stdout.removeListener('error', finish);
    // Every watcher closed: no handle is left, so the process exits by itself.
    await closeAll();
  }
  return failed || adjuster?.failed ? 1 : 0;
}

/** The `watch` entry of the CLI's command table. */
export const watchCommand = {
  summary: 'print state changes of services as they happen, after their current state; --adjust keeps a services file enforced (Ctrl+C ends)',
  usage: USAGE,
  options: {
    file: { type: 'string', value: 'services file', help: 'without names: watch the services it declares (default services.json; JSON, YAML or TOML)' },
    json: { type: 'boolean', help: 'one JSON object per line: time, name, initial, previous, state, pid, exitCode, serviceCode, checkpoint, waitHint (command services: also lsb, detail)' },
    interval: { type: 'string', value: 'duration', help: "how often a services file's command services are polled (default 2s; SCM services are notified, not polled)" },
    count: { type: 'string', value: 'n', help: 'end after this many changes (the initial lines do not count)' },
    timeout: { type: 'string', value: 'duration', help: 'end after this long (counted from the initial lines)' },
    adjust: { type: 'boolean', help: 'with a services file: start or stop a service found out of its declared state (backing off when it keeps leaving it)' },
    'adjust-delay': { type: 'string', value: 'duration', help: 'with --adjust: how long a service may stay out of its state before it is adjusted (default 2s)' },
  } satisfies Record<string, OptionSpec>,
  async run(args: ParsedArgs, io: Io): Promise<number> {
    const plan = watchPlan(args, io);
    return typeof plan === 'number' ? plan : runWatch(plan, io);
  },
};
