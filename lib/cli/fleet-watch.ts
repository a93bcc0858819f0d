// `watch --system a,b,c`: one watch loop per host (runWatch, watch.ts), started once the host is
// reached; a host that cannot be reached is reported (stderr, and a JSON line with --json) and the
// others are watched all the same. Every line names its service as `\\host\name`.
import { forEachHost, reachHost } from '../declarative/multi-host';
import type { FleetSkip } from '../declarative/multi-host';
import type { ParsedArgs } from './args';
import { fleetLimits, hostFailure } from './fleet';
import type { Host } from './hosts';
import { paint } from './output';
import type { Io } from './output';
import { runWatch, watchPlan } from './watch';
import type { WatchDeps, WatchPlan, WatchTarget } from './watch';

/**
 * The targets of the plan on one host: as they are on this computer; on another, with its name as
 * their `system`, command services (their commands run here) and entries naming their own machine
 * left out with why.
 */
export function targetsForHost(targets: readonly WatchTarget[], host: Host): { targets: WatchTarget[]; skipped: FleetSkip[] } {
  if (host.system === null) return { targets: [...targets], skipped: [] };
  const out: WatchTarget[] = [];
  const skipped: FleetSkip[] = [];
  for (const t of targets) {
    if (t.commands) skipped.push({ name: t.name, reason: 'a command service: its commands run on this machine' });
    else if (t.system) skipped.push({ name: t.name, reason: `it names its own machine (system: ${t.system})` });
    else out.push({ ...t, system: host.system });
  }
  return { targets: out, skipped };
}

/**
 * Watches the plan's services on every host until the plan ends (--count and --timeout count per
 * host) or a signal. Resolves with 0, or 1 when a host could not be reached or a watch failed.
 */
export async function watchFleet(plan: WatchPlan, hosts: readonly Host[], args: ParsedArgs, io: Io, deps?: WatchDeps): Promise<number> {
  const limits = fleetLimits(args, 'watch');
  const perHost = hosts.map((host) => ({ host, ...targetsForHost(plan.targets, host) }));
  for (const { host, skipped } of perHost) {
    for (const s of skipped) io.stderr.write(`scm-native: ${host.label}: ${s.name} not watched: ${s.reason}\n`);
  }
  const watched = perHost.filter((h) => h.targets.length > 0);
  // Reached a bounded number at a time, each within --host-timeout; the loops then all run.
  const reached = await forEachHost(watched.map((h) => h.host), limits, async (host) => {
    if (host.system !== null) await reachHost(host.system, watched.find((h) => h.host === host)?.targets[0]?.name ?? null);
  });
  let failed = watched.length === 0;
  if (watched.length === 0) io.stderr.write('scm-native: error: nothing to watch on any host\n');
  const loops: Promise<number>[] = [];
  for (const [i, r] of reached.entries()) {
    if (r.error !== undefined) {
      failed = true;
      const f = hostFailure(r.error, r.host);
      if (plan.json) {
        io.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), host: r.host.label, system: r.host.system, state: f.status, error: { code: f.code, errno: f.errno, syscall: f.syscall, message: f.message } })}\n`);
      }
      io.stderr.write(`scm-native: error: ${r.host.label}: ${paint(io, 'red', f.status)}: ${f.message}\n`);
      continue;
    }
    loops.push(runWatch({ ...plan, targets: (watched[i] as { targets: WatchTarget[] }).targets }, io, deps));
  }
  const codes = await Promise.all(loops);
  return Math.max(failed ? 1 : 0, ...codes);
}

/** `watch --system a,b,c`: the plan as watch makes it (names or the services file), then on every host. */
export async function watchFleetCommand(hosts: readonly Host[], args: ParsedArgs, io: Io): Promise<number> {
  const plan = watchPlan(args, io);
  return typeof plan === 'number' ? plan : watchFleet(plan, hosts, args, io);
}
