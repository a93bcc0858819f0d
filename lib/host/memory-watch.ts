// Restart at a memory threshold (`memoryLimit`, `memoryLimitFor`): the private memory (commit
// charge, PROCESS_MEMORY_COUNTERS_EX.PrivateUsage) of all the program's processes, sampled every
// few seconds; above the limit in every sample for `memoryLimitFor`, the host restarts the program
// through its graceful stop (supervisor.recycle), logging the figures.
//
// Which processes are the program's: with `killTree` the host shares its job with the program, so
// the job's processes (QueryInformationJobObject) minus the host and what the host started itself
// (hooks, health-check commands: descendants of the host that are not the program's); a process
// whose parent is gone (the program's orphaned grandchild) counts. Without a job there is no such
// list: the program's process and its descendants by parent pid (the Toolhelp process table),
// so an orphan whose parent exited is not counted there. Either way the console host
// (conhost.exe) Windows starts for a console program without a console is the program's child,
// and counts.
import { native } from '../native/binding';
import { listProcesses } from '../process-table';
import type { ProcessEntry } from '../process-table';
import { seconds } from './host-log';
import type { HostSettings } from './settings';

/** Samples no further apart than this, and at least this far apart (ms). */
const MAX_SAMPLE_MS = 5000;
const MIN_SAMPLE_MS = 500;

/** The time between samples for a `memoryLimitFor`: a fifth of it, within 0.5 to 5 s. */
export function sampleInterval(limitForMs: number): number {
  return Math.min(MAX_SAMPLE_MS, Math.max(MIN_SAMPLE_MS, Math.floor(limitForMs / 5)));
}

/** `1536 MiB`-style figures for the log: MiB with one decimal. */
export function mebibytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** The parent chain is followed this far at most (a loop of reused pids ends it). */
const MAX_DEPTH = 64;

/**
 * The program's processes among `candidates` (the job's pids; null: every process of `table`):
 * the program's own and its descendants, by the parent pids of `table`. A parent pid is believed
 * only when that process was created before its child (else the pid was reused). `orphansCount`:
 * a process whose chain breaks (its parent is gone) before it reaches the host counts (in the
 * host's job, what is not the host's is the program's); the host's own descendants never do.
 */
export function programProcesses(table: readonly ProcessEntry[], programPid: number, hostPid: number, candidates: readonly number[] | null, orphansCount: boolean): number[] {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  const belongs = (pid: number): boolean => {
    let current = pid;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      if (current === programPid) return true;
      if (current === hostPid) return false;
      const entry = byPid.get(current);
      const parent = entry ? byPid.get(entry.parentPid) : undefined;
      if (!entry || !parent || parent.pid === current) return orphansCount;
      if (entry.createdMs !== null && parent.createdMs !== null && parent.createdMs > entry.createdMs) return orphansCount;
      current = parent.pid;
    }
    return orphansCount;
  };
  return (candidates ?? table.map((p) => p.pid)).filter((pid) => pid !== hostPid && belongs(pid));
}

/** One process of a sample. */
export interface ProcessMemory {
  pid: number;
  /** The executable's file name (Toolhelp's). */
  name: string;
  privateBytes: number;
}

/** One sample: the program's processes and their private bytes. */
export interface MemorySample {
  bytes: number;
  processes: ProcessMemory[];
}

/** Processes shown by name in a log line, the largest first. */
const SHOWN_PROCESSES = 6;

/** `2 processes (node.exe 376: 340.1 MiB, conhost.exe 396: 8.3 MiB)` for the log. */
export function describeProcesses(processes: readonly ProcessMemory[]): string {
  const sorted = [...processes].sort((a, b) => b.privateBytes - a.privateBytes);
  const shown = sorted.slice(0, SHOWN_PROCESSES).map((p) => `${p.name} ${p.pid}: ${mebibytes(p.privateBytes)}`);
  if (sorted.length > SHOWN_PROCESSES) shown.push(`${sorted.length - SHOWN_PROCESSES} more`);
  return `${processes.length} process${processes.length === 1 ? '' : 'es'} (${shown.join(', ')})`;
}

/** Private memory of the program's processes now (off the main thread: listProcesses, processMemory). */
export async function sampleProgramMemory(programPid: number, inJob: boolean): Promise<MemorySample> {
  const table = await listProcesses();
  let rows: { pid: number; privateBytes: number }[];
  if (inJob) {
    const jobRows = await native().processMemory(null);
    const mine = new Set(programProcesses(table, programPid, process.pid, jobRows.map((r) => r.pid), true));
    rows = jobRows.filter((r) => mine.has(r.pid));
  } else {
    rows = await native().processMemory(programProcesses(table, programPid, process.pid, null, false));
  }
  const names = new Map(table.map((p) => [p.pid, p.exeName]));
  const processes = rows.map((r) => ({ pid: r.pid, name: names.get(r.pid) ?? '?', privateBytes: r.privateBytes }));
  return { bytes: rows.reduce((sum, r) => sum + r.privateBytes, 0), processes };
}

/** Where the memory watch reports. */
export interface MemoryWatchHooks {
  note(message: string): void;
  /** Above the limit for `memoryLimitFor`: the program must be restarted (`why` has the figures). */
  overLimit(why: string): void;
}

/** The memory watch of one service: {@link begin} at each program start, {@link end} when it exits or stops. */
export class MemoryWatch {
  private timer: NodeJS.Timeout | null = null;
  private generation = 0;
  /** When the samples went above the limit (null: the last one was not). */
  private overSince: number | null = null;
  private warnedSampling = false;

  constructor(
    private readonly settings: HostSettings,
    private readonly inJob: boolean,
    private readonly hooks: MemoryWatchHooks,
    private readonly sample: (programPid: number, inJob: boolean) => Promise<MemorySample> = sampleProgramMemory,
  ) {}

  /** Whether the settings ask for a memory limit (and the platform can measure it). */
  static wanted(settings: HostSettings): boolean {
    return settings.memoryLimit > 0 && process.platform === 'win32';
  }

  /** Whether samples are scheduled or being taken. */
  get active(): boolean {
    return this.timer !== null;
  }

  /** The program `pid` started: sampling begins. */
  begin(pid: number): void {
    this.end();
    this.overSince = null;
    this.schedule(this.generation, pid);
  }

  /** No more samples for this run. */
  end(): void {
    this.generation++;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(generation: number, pid: number): void {
    this.timer = setTimeout(() => void this.take(generation, pid), sampleInterval(this.settings.memoryLimitFor));
  }

  private async take(generation: number, pid: number): Promise<void> {
    let sample: MemorySample;
    try {
      sample = await this.sample(pid, this.inJob);
    } catch (error) {
      if (generation !== this.generation) return;
      if (!this.warnedSampling) this.hooks.note(`memory limit: could not measure the program's memory: ${(error as Error).message}`);
      this.warnedSampling = true;
      this.schedule(generation, pid);
      return;
    }
    if (generation !== this.generation) return;
    this.timer = null;
    if (this.judge(sample) && generation === this.generation) this.schedule(generation, pid);
  }

  /** Weighs one sample; false when the program is to be restarted. */
  private judge(sample: MemorySample): boolean {
    const { memoryLimit, memoryLimitFor } = this.settings;
    const now = Date.now();
    const figures = `${mebibytes(sample.bytes)} private in ${describeProcesses(sample.processes)}`;
    if (sample.bytes <= memoryLimit) {
      if (this.overSince !== null) this.hooks.note(`memory back under the limit of ${mebibytes(memoryLimit)}: ${figures}`);
      this.overSince = null;
      return true;
    }
    if (this.overSince === null) {
      this.overSince = now;
      this.hooks.note(`memory above the limit of ${mebibytes(memoryLimit)}: ${figures}; restarting the program if it stays above for ${seconds(memoryLimitFor)}`);
      return true;
    }
    if (now - this.overSince < memoryLimitFor) return true;
    this.hooks.overLimit(`memory above the limit for ${seconds(now - this.overSince)}: ${figures}, limit ${mebibytes(memoryLimit)} for ${seconds(memoryLimitFor)}`);
    return false;
  }
}
