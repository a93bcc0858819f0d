// check and apply over a services file: what each declared service is, what it should be, and the
// steps between (install or update a hosted program, then start, stop, restart or remove), run in
// dependency order with bounded parallelism. Used by `scm-native check` and `scm-native apply`.

import { installProgramService, removeProgramService, updateProgramService } from '../host/manage';
import { getServiceConfiguration } from '../services/configuration';
import { deleteService } from '../services/lifecycle';
import { errorMessage, joinLines } from '../text';
import type { ServiceState } from '../services/tokens';
import { declaredPassword, hostedDrift, repairOptions } from './hosted-drift';
import type { HostedDrift } from './hosted-drift';
import { lockDirFor, lockKey, serialized } from './lock';
import { LSB_MEANINGS } from './lsb';
import type { LsbCode } from './lsb';
import { runScheduled } from './schedule';
import type { ScheduledJob } from './schedule';
import { Service } from './service';
import { checkServicesFileArgument } from './services-file';
import type { DeclaredExpectation, DeclaredService, ServicesFile } from './services-file';
import { checkOptions } from '../validation';
import type { CommandRun } from './command-run';

/**
 * A step of apply: install/update change a hosted program's configuration, start/stop/restart its
 * state, and remove stops and deletes a service expected absent.
 */
export type ApplyStep = 'install' | 'update' | 'start' | 'stop' | 'restart' | 'remove';

/** One declared service compared with what is installed and running. */
export interface ServiceReport {
  name: string;
  expected: DeclaredExpectation;
  /** A program run by the scm-native host (the entry has `program`). */
  hosted: boolean;
  /** A command-defined service (the entry has `start` or `control`). */
  commandDefined: boolean;
  /** Command services: the commands the check ran, with exit codes, stdout and stderr. */
  output?: CommandRun[];
  /** Whether the service exists. */
  installed: boolean;
  state: ServiceState | number | null;
  /** LSB code: 0 running, 1 dead, 3 not running, 4 unknown (not installed, no access...). */
  code: LsbCode;
  meaning: string;
  pid: number | null;
  detail: string;
  /** Fields of the entry whose installed value differs (hosted programs only). */
  drift: string[];
  /** In the expected state (whatever its configuration); for `absent`, not installed. */
  inState: boolean;
  /** Installed, configured and in the expected state. */
  ok: boolean;
  /** What apply does (did, in an apply result's `before`) to make it so. */
  steps: ApplyStep[];
  /** Why nothing can be done although ok is false. */
  reason?: string;
  /** Services of the file this one depends on (started first, stopped after). */
  dependsOn: string[];
}

/** Options of {@link checkServices}. */
export interface CheckServicesOptions {
  /** Services compared at once (default 4). */
  parallel?: number;
  /** Folder of the cross-process lock files (as {@link Service}). */
  lockDir?: string;
}

/** A step beginning, done or failed, for progress output. */
export interface ApplyEvent {
  name: string;
  step: ApplyStep;
  phase: 'begin' | 'done' | 'failed' | 'skipped';
  /** Milliseconds the step took (done and failed). */
  ms?: number;
  /** Why it failed or was skipped. */
  error?: string;
}

/** Options of {@link applyServices}. */
export interface ApplyServicesOptions extends CheckServicesOptions {
  /** Only plan: nothing is changed. */
  dryRun?: boolean;
  /** Called as each step begins and ends. */
  onProgress?: (event: ApplyEvent) => void;
}

/** What apply did to one service. */
export interface ApplyOutcome extends ServiceReport {
  /** The report before apply (its `steps` are what apply set out to do). */
  before: ServiceReport;
  /** The steps that ran to completion. */
  done: ApplyStep[];
  /** The first step that failed or was skipped, and why. */
  error?: string;
  /** Command services: the commands apply's steps ran (the check's are in `before.output`). */
  stepOutput?: CommandRun[];
}

const DEFAULT_PARALLEL = 4;

/** The steps of apply's second phase, which change a service's state (or remove it). */
const STATE_STEPS: ReadonlySet<ApplyStep> = new Set(['start', 'stop', 'restart', 'remove']);

function checkParallel(value: unknown): number {
  if (value === undefined) return DEFAULT_PARALLEL;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 64) {
    throw new RangeError(`options.parallel must be a whole number from 1 to 64, got ${String(value)}`);
  }
  return value;
}

const message = (error: unknown) => joinLines(errorMessage(error));

async function dependenciesOf(d: DeclaredService): Promise<string[]> {
  if (d.hosted) return d.hosted.options.dependencies ?? [];
  if (d.commands) return [];
  const config = await getServiceConfiguration(d.name, { fields: ['dependencies'], ...(d.system ? { system: d.system } : {}) }).catch(() => null);
  return config?.dependencies ?? [];
}

/** The {@link Service} that runs a declared service's commands (its timeout, machine and lock folder). */
function serviceOf(d: DeclaredService, lockDir: string | undefined): Service {
  return new Service({
    ...d.commands, name: d.name, expected: d.expected === 'absent' ? 'stopped' : d.expected,
    ...(d.timeout ? { timeout: d.timeout } : {}), ...(d.system ? { system: d.system } : {}), ...(lockDir ? { lockDir } : {}),
  });
}

function unknownReport(d: DeclaredService, detail: string, extra: Partial<ServiceReport> = {}): ServiceReport {
  return {
    name: d.name, expected: d.expected, hosted: Boolean(d.hosted), commandDefined: Boolean(d.commands), installed: false, state: null, code: 4, meaning: LSB_MEANINGS[4],
    pid: null, detail, drift: [], inState: false, ok: false, steps: [], dependsOn: [], ...extra,
  };
}

/** The status codes that mean a service is gone, or will be once the last handle to it closes. */
const GONE = new Set(['ERROR_SERVICE_DOES_NOT_EXIST', 'ERROR_SERVICE_MARKED_FOR_DELETE']);

/** A service expected absent: as declared when it does not exist, otherwise to be removed. */
async function absentReport(d: DeclaredService, inFile: (list: string[]) => string[], lockDir: string | undefined): Promise<ServiceReport> {
  const check = await serviceOf(d, lockDir).check();
  const base = {
    name: d.name, expected: d.expected, hosted: Boolean(d.hosted), commandDefined: false, state: check.state, code: check.code, meaning: check.meaning,
    pid: check.pid, detail: check.detail, drift: [],
  };
  if (check.state === null) {
    if (check.error && GONE.has(String(check.error.code))) return { ...base, installed: false, inState: true, ok: true, steps: [], dependsOn: [] };
    return { ...base, installed: false, inState: false, ok: false, steps: [], reason: `cannot apply: ${check.detail}`, dependsOn: [] };
  }
  return { ...base, installed: true, inState: false, ok: false, steps: ['remove'], dependsOn: inFile(await dependenciesOf(d)) };
}

/** Compares one declared service with what is there; never rejects. */
async function report(d: DeclaredService, names: Map<string, string>, lockDir: string | undefined): Promise<ServiceReport> {
  const inFile = (list: string[]) => list.map((n) => names.get(n.toLowerCase())).filter((n): n is string => n !== undefined && n !== d.name);
  if (d.expected === 'absent') return absentReport(d, inFile, lockDir);
  if (d.commands) return commandReport(d, lockDir);
  let drift: HostedDrift | null = null;
  if (d.hosted) {
    try {
      drift = await hostedDrift(d.name, d.hosted);
    } catch (error) {
      return unknownReport(d, message(error), { reason: `cannot apply: ${message(error)}` });
    }
  }
  if (drift && !drift.installed) {
    return unknownReport(d, 'not installed', { steps: d.expected === 'running' ? ['install', 'start'] : ['install'], dependsOn: inFile(d.hosted?.options.dependencies ?? []) });
  }
  const [check, deps] = await Promise.all([serviceOf(d, lockDir).check(), dependenciesOf(d)]);
  const changed = drift !== null && drift.fields.length > 0;
  const steps: ApplyStep[] = changed ? ['update'] : [];
  if (check.action !== 'none') steps.push(check.action);
  // A running program keeps its old settings until the host starts again.
  else if (changed && check.ok && d.expected === 'running') steps.push('restart');
  return {
    name: d.name, expected: d.expected, hosted: Boolean(d.hosted), commandDefined: false, installed: check.state !== null,
    state: check.state, code: check.code, meaning: check.meaning, pid: check.pid, detail: check.detail, drift: drift?.fields ?? [],
    inState: check.ok, ok: check.ok && !changed, steps, ...(check.reason && !check.ok ? { reason: check.reason } : {}), dependsOn: inFile(deps),
  };
}

/**
 * A command service compared with its declaration: its status commands (or pid file, or process
 * table) run; nothing is installed, so there is no drift. A status that fails (a hung status
 * command cut at the timeout) is LSB 4 with the reason and the commands' output.
 */
async function commandReport(d: DeclaredService, lockDir: string | undefined): Promise<ServiceReport> {
  try {
    const check = await serviceOf(d, lockDir).check();
    return {
      name: d.name, expected: d.expected, hosted: false, commandDefined: true, installed: true, state: check.state, code: check.code, meaning: check.meaning,
      pid: check.pid, detail: check.detail, drift: [], inState: check.ok, ok: check.ok, steps: check.action === 'none' ? [] : [check.action],
      ...(check.reason && !check.ok ? { reason: check.reason } : {}), dependsOn: [], output: check.output ?? [],
    };
  } catch (error) {
    const output = (error as { output?: CommandRun[] }).output ?? [];
    return unknownReport(d, message(error), { installed: true, reason: `cannot apply: ${message(error)}`, output });
  }
}

/**
 * Stops and deletes a service expected absent, under its lock. A hosted program is removed as
 * `scm-native remove` does, and only if scm-native installed it (removeProgramService refuses any
 * other service).
 */
async function removeDeclared(d: DeclaredService, service: Service, locked: (d: DeclaredService, work: () => Promise<unknown>) => Promise<unknown>): Promise<void> {
  if (d.hosted) {
    await locked(d, () => removeProgramService(d.name));
    return;
  }
  await service.adjust();
  await locked(d, () => deleteService(d.name, d.system ? { system: d.system } : {}));
}

/** Maps `items` with at most `parallel` calls of `fn` at once; results in the order of `items`. @internal */
export async function mapBounded<T, R>(items: readonly T[], parallel: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  return results;
}

/**
 * Compares every service of a services file with its declaration: state (LSB code), whether a
 * hosted program is installed and configured as declared, and the steps apply would take.
 */
export async function checkServices(file: ServicesFile, options: CheckServicesOptions = {}): Promise<ServiceReport[]> {
  checkServicesFileArgument(file);
  options = checkOptions<CheckServicesOptions>(options);
  const parallel = checkParallel(options.parallel);
  const names = new Map(file.services.map((s) => [s.name.toLowerCase(), s.name]));
  return mapBounded(file.services, parallel, (d) => report(d, names, options.lockDir));
}

/**
 * Brings the services of a file to their declared configuration and state: installs missing
 * hosted programs and updates drifted ones (restarting a running one so the host reads its new
 * settings), then starts and stops services, a service's dependencies (within the file) started
 * before it and its dependents stopped before it, at most `parallel` at a time. Every step runs
 * under the service's lock and timeout; a failed step skips what depends on it. Never rejects for
 * a service: each outcome says what was done and what failed.
 */
export async function applyServices(file: ServicesFile, options: ApplyServicesOptions = {}): Promise<ApplyOutcome[]> {
  checkServicesFileArgument(file);
  options = checkOptions<ApplyServicesOptions>(options);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new TypeError('options.onProgress must be a function');
  const parallel = checkParallel(options.parallel);
  const lockDir = lockDirFor(options.lockDir);
  const before = await checkServices(file, { parallel, lockDir });
  if (options.dryRun) return before.map((r) => ({ ...r, before: r, done: [] }));
  const emit = (event: ApplyEvent) => options.onProgress?.(event);
  const done = new Map<string, ApplyStep[]>(before.map((r) => [r.name, []]));
  const errors = new Map<string, string>();
  const stepOutput = new Map<string, CommandRun[]>();
  const keepOutput = (name: string, value: unknown) => {
    const output = (value as { output?: CommandRun[] } | null)?.output;
    if (Array.isArray(output)) stepOutput.set(name, [...(stepOutput.get(name) ?? []), ...output]);
  };
  const declared = new Map(file.services.map((d) => [d.name, d]));

  const step = (name: string, kind: ApplyStep, work: () => Promise<unknown>) => async () => {
    emit({ name, step: kind, phase: 'begin' });
    const started = Date.now();
    try {
      keepOutput(name, await work());
    } catch (error) {
      keepOutput(name, error);
      errors.set(name, `${kind} failed: ${message(error)}`);
      emit({ name, step: kind, phase: 'failed', ms: Date.now() - started, error: message(error) });
      throw error;
    }
    (done.get(name) as ApplyStep[]).push(kind);
    emit({ name, step: kind, phase: 'done', ms: Date.now() - started });
  };
  // A hosted program's configuration changes under its service's lock, bounded by its timeout.
  const locked = (d: DeclaredService, work: () => Promise<unknown>) =>
    serialized(lockKey(d.name, d.system ?? null), lockDir, AbortSignal.timeout(serviceOf(d, lockDir).timeout), work);

  // Configuration first: installs and updates do not depend on each other.
  const configJobs: ScheduledJob[] = [];
  for (const r of before) {
    const d = declared.get(r.name) as DeclaredService;
    const h = d.hosted;
    if (!h) continue;
    if (r.steps.includes('install')) {
      configJobs.push({ id: r.name, after: [], run: step(r.name, 'install', () => locked(d, async () => {
        const password = declaredPassword(d.name, h);
        await installProgramService(d.name, h.program, h.args, { ...h.options, servicesFile: file.file, ...(password !== undefined ? { password } : {}) });
      })) });
    } else if (r.steps.includes('update')) {
      configJobs.push({ id: r.name, after: [], run: step(r.name, 'update', () => locked(d, async () => {
        // Read again under the lock: the report's drift may be stale by now (another apply).
        const drift = await hostedDrift(d.name, h);
        await updateProgramService(d.name, { program: h.program, args: h.args }, { ...repairOptions(d.name, h, drift), servicesFile: file.file });
      })) });
    }
  }
  const configured = await runScheduled(configJobs, parallel);

  // Then states: up (start, restart) after the dependencies' up, down (stop) after the dependents' down.
  const stateJobs: ScheduledJob[] = [];
  for (const r of before) {
    const d = declared.get(r.name) as DeclaredService;
    const kind = r.steps.find((s) => STATE_STEPS.has(s));
    if (!kind) continue;
    if (configured.has(r.name) && configured.get(r.name)?.status !== 'done') continue;
    const service = serviceOf(d, lockDir);
    if (kind === 'stop' || kind === 'remove') {
      // Down after the services that depend on it.
      const dependents = before.filter((o) => o.dependsOn.includes(r.name)).map((o) => `down:${o.name}`);
      const run = kind === 'stop' ? () => service.adjust() : () => removeDeclared(d, service, locked);
      stateJobs.push({ id: `down:${r.name}`, after: dependents, run: step(r.name, kind, run) });
    } else {
      // A restart after an update must restart; one of a dead service is what adjust() decides.
      const run = kind === 'restart' && r.steps.includes('update') ? () => service.restart({ mode: 'native' }) : () => service.adjust();
      stateJobs.push({ id: `up:${r.name}`, after: r.dependsOn.map((n) => `up:${n}`), run: step(r.name, kind, run) });
    }
  }
  const states = await runScheduled(stateJobs, parallel);
  for (const [id, outcome] of states) {
    if (outcome.status !== 'skipped') continue;
    const name = id.slice(id.indexOf(':') + 1);
    const because = outcome.because.slice(outcome.because.indexOf(':') + 1);
    const kind = before.find((r) => r.name === name)?.steps.find((s) => STATE_STEPS.has(s)) as ApplyStep;
    errors.set(name, `${kind} skipped: ${because} failed`);
    emit({ name, step: kind, phase: 'skipped', error: `${because} failed` });
  }

  const after = await checkServices(file, { parallel, lockDir });
  return after.map((r, i) => {
    const error = errors.get(r.name);
    const output = stepOutput.get(r.name);
    return { ...r, before: before[i] as ServiceReport, done: done.get(r.name) as ApplyStep[], ...(error ? { error } : {}), ...(output ? { stepOutput: output } : {}) };
  });
}

/**
 * The exit code of check/apply: 0 when every service is as declared, otherwise the worst (highest)
 * LSB code among those that are not, a running service that should not be (or is drifted) and a
 * service that exists although expected absent counting as 1.
 */
export function worstCode(results: readonly Pick<ServiceReport, 'ok' | 'code' | 'expected'>[]): number {
  // A service that exists although expected absent is drift (1), whatever its own state.
  const codeOf = (r: Pick<ServiceReport, 'code' | 'expected'>) => (r.code === 0 || (r.expected === 'absent' && r.code !== 4) ? 1 : r.code);
  return results.filter((r) => !r.ok).reduce((worst, r) => Math.max(worst, codeOf(r)), 0);
}

