// A services file over several machines (fleets): which entries apply to another machine, how a
// machine is reached (its name resolved, then its SCM opened, within a time limit), and hosts
// run a bounded number at a time, each host's failure kept to its own result so that one
// unreachable machine never hides the others.
import * as dns from 'node:dns';
import * as net from 'node:net';
import { ScmError } from '../errors/scm-error';
import { getServiceStatus } from '../services/query';
import { mapBounded } from './apply';
import type { DeclaredService, ServicesFile } from './services-file';

/** A machine of a fleet: as the user named it, and as the SCM takes it (null: this computer). */
export interface FleetHost {
  label: string;
  system: string | null;
}

/** An entry of the services file left out on a host, and why. */
export interface FleetSkip {
  name: string;
  reason: string;
}

/** Why an entry is not for another machine, or null when it is (an existing service's entry). */
export function remoteSkipReason(d: DeclaredService): string | null {
  if (d.hosted) return "a hosted program: the scm-native host, its settings and its files live on the service's own machine; run scm-native there";
  if (d.commands) return 'a command service: its commands run on this machine';
  if (d.system) return `it names its own machine (system: ${d.system})`;
  return null;
}

/**
 * The services file as one host sees it: on this computer every entry as written; on another,
 * the entries for existing services with that machine as their `system`, and the others left out
 * with why (hosted programs, command services, entries that name their own machine).
 */
export function fileForHost(file: ServicesFile, host: FleetHost): { file: ServicesFile; skipped: FleetSkip[] } {
  if (host.system === null) return { file, skipped: [] };
  const services: DeclaredService[] = [];
  const skipped: FleetSkip[] = [];
  for (const d of file.services) {
    const reason = remoteSkipReason(d);
    if (reason === null) services.push({ ...d, system: host.system });
    else skipped.push({ name: d.name, reason });
  }
  return { file: { ...file, services }, skipped };
}

/** What reaching a machine needs; tests give fakes. */
export interface ReachDeps {
  /** Resolves a name (getaddrinfo, as the SCM's RPC and SMB clients do). */
  lookup(name: string): Promise<unknown>;
  /** Opens the machine's SCM through a status query of `service` (QueryServiceStatusEx). */
  query(service: string, system: string): Promise<unknown>;
}

const REACH_DEPS: ReachDeps = {
  lookup: (name) => dns.promises.lookup(name),
  query: (service, system) => getServiceStatus(service, { system }),
};

/**
 * Reaches `system`: its name resolved (not an IP address), then its SCM opened by a status query
 * of `probe`, one of the services to check there. Rejects with an ScmError when the name does
 * not resolve (its `code`, ENOTFOUND say) or when OpenSCManagerW fails (RPC_S_SERVER_UNAVAILABLE,
 * ERROR_ACCESS_DENIED...); a failure about the service itself (it does not exist) means the
 * machine answered.
 */
export async function reachHost(system: string, probe: string | null, deps: ReachDeps = REACH_DEPS): Promise<void> {
  if (!net.isIP(system)) {
    try {
      await deps.lookup(system);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'ENOTFOUND';
      throw new ScmError({ code, syscall: 'getaddrinfo', system, detail: 'the name does not resolve' });
    }
  }
  if (probe === null) return;
  try {
    await deps.query(probe, system);
  } catch (error) {
    if (error instanceof ScmError && error.syscall === 'OpenSCManagerW') throw error;
  }
}

/** One host's result: the value of its work, or the error that ended it (a timeout included). */
export interface HostResult<T> {
  host: FleetHost;
  value?: T;
  error?: unknown;
}

/** Options of {@link forEachHost}. */
export interface ForEachHostOptions {
  /** Hosts handled at once. */
  parallel: number;
  /** A host whose work has not ended after this many milliseconds is given up (null: no limit). */
  timeoutMs: number | null;
}

/**
 * Runs `work` for every host, at most `parallel` at once, each bounded by `timeoutMs`: a host that
 * fails or times out gets its error in its own result, the others go on. A native call cannot be
 * cancelled: a timed-out host's call ends in the background (Windows' RPC gives up by itself), its
 * result ignored. Results are in the order of `hosts`.
 */
export function forEachHost<T>(hosts: readonly FleetHost[], options: ForEachHostOptions, work: (host: FleetHost) => Promise<T>): Promise<HostResult<T>[]> {
  return mapBounded(hosts, options.parallel, async (host) => {
    try {
      return { host, value: await withTimeout(work(host), options.timeoutMs, host) };
    } catch (error) {
      return { host, error };
    }
  });
}

function withTimeout<T>(work: Promise<T>, ms: number | null, host: FleetHost): Promise<T> {
  if (ms === null) return work;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScmError({
      code: 'ERR_SCM_TIMEOUT', ...(host.system !== null ? { system: host.system } : {}), detail: `no answer within ${ms} ms`,
    })), ms);
  });
  // The abandoned work's own rejection must not be unhandled.
  work.catch(() => {});
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
