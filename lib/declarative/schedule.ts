// Runs jobs in dependency order with bounded parallelism: a job starts once every job it comes
// after has finished, at most `parallel` at a time; a job after a failed (or skipped) one is
// skipped. Ties start in the order given, so output is stable.

/** One unit of work of {@link runScheduled}. */
export interface ScheduledJob {
  id: string;
  /** Ids of the jobs that must finish first (unknown ids are ignored). */
  after: readonly string[];
  run(): Promise<void>;
}

/** How each job ended. */
export type JobOutcome = { status: 'done' } | { status: 'failed'; error: unknown } | { status: 'skipped'; because: string };

/**
 * Runs `jobs`; resolves with each job's outcome (never rejects). Fails fast on a cycle among the
 * `after` ids (a RangeError naming it), before anything runs.
 */
export async function runScheduled(jobs: readonly ScheduledJob[], parallel: number): Promise<Map<string, JobOutcome>> {
  if (!Number.isInteger(parallel) || parallel < 1) throw new RangeError(`parallel must be a whole number of at least 1, got ${parallel}`);
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const waitsFor = new Map(jobs.map((j) => [j.id, j.after.filter((a) => byId.has(a) && a !== j.id)]));
  checkAcyclic(jobs, waitsFor);
  const outcomes = new Map<string, JobOutcome>();
  const running = new Set<string>();
  return new Promise((resolve) => {
    const pump = () => {
      for (const job of jobs) {
        if (running.size >= parallel) break;
        if (outcomes.has(job.id) || running.has(job.id)) continue;
        const deps = waitsFor.get(job.id) as string[];
        if (!deps.every((d) => outcomes.has(d))) continue;
        const bad = deps.find((d) => outcomes.get(d)?.status !== 'done');
        if (bad !== undefined) {
          outcomes.set(job.id, { status: 'skipped', because: bad });
          continue;
        }
        running.add(job.id);
        Promise.resolve().then(() => job.run()).then(
          () => outcomes.set(job.id, { status: 'done' }),
          (error: unknown) => outcomes.set(job.id, { status: 'failed', error }),
        ).finally(() => {
          running.delete(job.id);
          pump();
        });
      }
      // Skipping can unblock (or skip) later jobs without any run finishing: go round again.
      if (running.size === 0) {
        if (outcomes.size === jobs.length) resolve(outcomes);
        else pump();
      }
    };
    pump();
  });
}

function checkAcyclic(jobs: readonly ScheduledJob[], waitsFor: Map<string, string[]>): void {
  const state = new Map<string, 1 | 2>();
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 2) return;
    if (state.get(id) === 1) throw new RangeError(`jobs wait for each other: ${[...trail.slice(trail.indexOf(id)), id].join(' -> ')}`);
    state.set(id, 1);
    for (const dep of waitsFor.get(id) ?? []) visit(dep, [...trail, id]);
    state.set(id, 2);
  };
  for (const job of jobs) visit(job.id, []);
}
