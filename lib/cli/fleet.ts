// check, apply and watch over several machines (`--system a,b,c`, `--hosts-file FILE`): each host
// reached and handled on its own (multi-host.ts), a bounded number at a time, every host in the
// output whatever happened to the others: a table with a HOST column, or one JSON object with a
// result per host. Exit code: the worst over the hosts (an unreachable host is LSB 4, unknown).
import { applyServices, checkServices, worstCode } from '../declarative/apply';
import type { ApplyOutcome, ServiceReport } from '../declarative/apply';
import { fileForHost, forEachHost, reachHost } from '../declarative/multi-host';
import type { FleetSkip, HostResult } from '../declarative/multi-host';
import { errorMessage, oneLine } from '../text';
import { parseCount, parseDuration, UsageError } from './args';
import type { OptionSpec, ParsedArgs } from './args';
import { parseHostList, readHostsFile, withCommand } from './hosts';
import type { Host } from './hosts';
import { paint, table, terminalJson, visibleText } from './output';
import type { Io } from './output';
import { isUnreachableErrno, remoteHint } from './remote-errors';
import { commandsSection, outcomeAction, outcomeJson, parallelArg, progressLine, reportJson, servicesFileArg, stateText, verdict } from './services-commands';

/** Hosts handled at once by default, and how long one may take to answer. */
export const DEFAULT_HOST_PARALLEL = 8;
export const DEFAULT_HOST_TIMEOUT_MS = 60000;

/** The options check, apply and watch take beside --system (system-option.ts adds that one). */
export const FLEET_OPTIONS: Record<string, OptionSpec> = {
  'hosts-file': { type: 'string', value: 'file', help: 'the hosts, one per line (# comments), beside or instead of --system' },
  'host-parallel': { type: 'string', value: 'n', help: `hosts handled at once (default ${DEFAULT_HOST_PARALLEL})` },
  'host-timeout': { type: 'string', value: 'duration', help: `give a host up when it has not answered within this (default ${DEFAULT_HOST_TIMEOUT_MS / 1000}s)` },
};

/** How many hosts at once, and how long each may take (null: no limit). */
export interface FleetLimits {
  parallel: number;
  timeoutMs: number | null;
}

/**
 * The hosts of --system and --hosts-file (together, repeats dropped), or null when neither is
 * given: the command then runs on this computer with its usual output.
 */
export function fleetHosts(args: ParsedArgs, command: string): Host[] | null {
  const system = args.options.system as string | undefined;
  const file = args.options['hosts-file'] as string | undefined;
  if (system === undefined && file === undefined) {
    for (const key of ['host-parallel', 'host-timeout']) if (args.options[key] !== undefined) throw new UsageError(`--${key} needs --system or --hosts-file`, command);
    return null;
  }
  return withCommand(command, () => {
    const hosts = [...(system !== undefined ? parseHostList(system) : []), ...(file !== undefined ? readHostsFile(file) : [])];
    const seen = new Set<string>();
    return hosts.filter((h) => {
      const key = (h.system ?? '').toLowerCase();
      return seen.has(key) ? false : (seen.add(key), true);
    });
  });
}

/** --host-parallel and --host-timeout. */
export function fleetLimits(args: ParsedArgs, command: string): FleetLimits {
  return withCommand(command, () => {
    const parallelText = args.options['host-parallel'] as string | undefined;
    const parallel = parallelText === undefined ? DEFAULT_HOST_PARALLEL : parseCount(parallelText, '--host-parallel', 64);
    if (parallel < 1) throw new UsageError('--host-parallel must be at least 1');
    const timeoutText = args.options['host-timeout'] as string | undefined;
    const timeoutMs = timeoutText === undefined ? DEFAULT_HOST_TIMEOUT_MS : parseDuration(timeoutText, '--host-timeout');
    if (timeoutMs === 0) throw new UsageError('--host-timeout must be longer than 0');
    return { parallel, timeoutMs };
  });
}

/** A host that could not be handled: unreachable (name, network, firewall, no answer in time), access denied, or another failure. */
export interface HostFailure {
  status: 'unreachable' | 'denied' | 'failed';
  code: string | null;
  errno: number | null;
  syscall: string | null;
  message: string;
}

/** What an error of a whole host means, with what to check. */
export function hostFailure(error: unknown, host: Host): HostFailure {
  const e = error as { code?: unknown; errno?: unknown; syscall?: unknown };
  const code = typeof e.code === 'string' ? e.code : null;
  const errno = typeof e.errno === 'number' ? e.errno : null;
  const syscall = typeof e.syscall === 'string' ? e.syscall : null;
  const unreachable = syscall === 'getaddrinfo' || code === 'ERR_SCM_TIMEOUT' || isUnreachableErrno(errno ?? undefined);
  const status = unreachable ? 'unreachable' : errno === 5 ? 'denied' : 'failed';
  const hint = remoteHint(host.label, errno ?? undefined, syscall ?? undefined);
  const message = oneLine(errorMessage(error));
  return { status, code, errno, syscall, message: hint && !message.includes(hint) ? `${message}; ${hint}` : message };
}

/** The exit code of a host that failed: its state is unknown (LSB 4). */
const HOST_FAILED_CODE = 4;

/** One host's part of the JSON: who, how it went, its services and the entries left out. */
function hostJson<T>(r: HostResult<T>, code: number, services: unknown[], skipped: FleetSkip[]) {
  const failure = r.error !== undefined ? hostFailure(r.error, r.host) : null;
  return {
    host: r.host.label, system: r.host.system, status: failure ? failure.status : 'done', ok: code === 0, exitCode: code,
    ...(failure ? { error: { code: failure.code, errno: failure.errno, syscall: failure.syscall, message: failure.message } } : {}),
    services, skipped,
  };
}

/** Where a fleet table has its state, LSB and result columns (HOST, NAME and EXPECTED come first). */
interface Layout {
  columns: number;
  state: number;
  lsb: number;
  result: number;
}

const CHECK_LAYOUT: Layout = { columns: 6, state: 3, lsb: 4, result: 5 };
const APPLY_LAYOUT: Layout = { columns: 7, state: 3, lsb: 6, result: 4 };

/** The one row of a host that failed: unreachable, denied or failed, and why. */
function failureRow(io: Io, r: HostResult<unknown>, at: Layout): string[] {
  const f = hostFailure(r.error, r.host);
  const row = Array.from({ length: at.columns }, () => '-');
  row[0] = r.host.label;
  row[at.state] = paint(io, 'red', f.status);
  row[at.lsb] = `${HOST_FAILED_CODE} unknown`;
  row[at.result] = paint(io, 'red', visibleText(`FAIL (${f.message})`));
  return row;
}

/** The rows of the entries left out on a host, with why. */
function skippedRows(host: Host, skipped: readonly FleetSkip[], at: Layout, expected: (name: string) => string): string[][] {
  return skipped.map((s) => {
    const row = Array.from({ length: at.columns }, () => '-');
    row[0] = host.label;
    row[1] = s.name;
    row[2] = expected(s.name);
    row[at.result] = `skipped (${s.reason})`;
    return row;
  });
}

/** `3 hosts: 2 as declared, 1 not (1 unreachable)`. */
function fleetSummary(io: Io, results: readonly HostResult<unknown>[], codes: readonly number[]): string {
  const failed = results.filter((r) => r.error !== undefined).length;
  const bad = codes.filter((c) => c !== 0).length;
  const text = `${results.length} host${results.length === 1 ? '' : 's'}: ${results.length - bad} as declared, ${bad} not${failed ? ` (${failed} could not be handled)` : ''}`;
  return paint(io, bad === 0 ? 'green' : 'red', text);
}

/** One host's check: reached, then its services compared with the file. */
interface HostCheck {
  reports: ServiceReport[];
  skipped: FleetSkip[];
}

/** `check --system a,b,c`: the services file's entries checked on every host. */
export async function checkFleet(hosts: readonly Host[], args: ParsedArgs, io: Io): Promise<number> {
  const loaded = servicesFileArg(args, 'check', io);
  if (typeof loaded === 'number') return loaded;
  const limits = fleetLimits(args, 'check');
  const parallel = parallelArg(args, 'check');
  const results = await forEachHost<HostCheck>(hosts, limits, async (host) => {
    const { file, skipped } = fileForHost(loaded, host);
    if (host.system !== null) await reachHost(host.system, file.services[0]?.name ?? null);
    return { reports: await checkServices(file, { parallel }), skipped };
  });
  const codes = results.map((r) => (r.value ? worstCode(r.value.reports) : HOST_FAILED_CODE));
  const code = Math.max(0, ...codes);
  if (args.options.json) {
    io.stdout.write(`${terminalJson({
      file: loaded.file, ok: code === 0, exitCode: code,
      hosts: results.map((r, i) => hostJson(r, codes[i] as number, r.value?.reports.map(reportJson) ?? [], r.value?.skipped ?? [])),
    })}\n`);
    return code;
  }
  const expected = (name: string) => String(loaded.services.find((d) => d.name === name)?.expected ?? '-');
  const rows: string[][] = [];
  for (const r of results) {
    if (!r.value) {
      rows.push(failureRow(io, r, CHECK_LAYOUT));
      continue;
    }
    for (const s of r.value.reports) rows.push([r.host.label, s.name, s.expected, stateText(io, s), `${s.code} ${s.meaning}`, verdict(io, s)]);
    rows.push(...skippedRows(r.host, r.value.skipped, CHECK_LAYOUT, expected));
  }
  io.stdout.write(`${table(['HOST', 'NAME', 'EXPECTED', 'ACTUAL', 'LSB', 'RESULT'], rows)}\n${fleetSummary(io, results, codes)}\n`);
  // Command services run only on this computer's host: their commands, as check --verbose shows them.
  if (args.options.verbose) io.stdout.write(commandsSection(results.flatMap((r) => r.value?.reports.map((s) => ({ name: s.name, runs: s.output ?? [] })) ?? [])));
  return code;
}

/** One host's apply. */
interface HostApply {
  outcomes: ApplyOutcome[];
  skipped: FleetSkip[];
}

/**
 * `apply --system a,b,c`: the services file's entries for existing services started, stopped or
 * removed on every host. --host-timeout bounds reaching a host; the steps have their own timeouts.
 */
export async function applyFleet(hosts: readonly Host[], args: ParsedArgs, io: Io): Promise<number> {
  const loaded = servicesFileArg(args, 'apply', io);
  if (typeof loaded === 'number') return loaded;
  const limits = fleetLimits(args, 'apply');
  const parallel = parallelArg(args, 'apply');
  const dryRun = args.options['dry-run'] === true;
  const results = await forEachHost<HostApply>(hosts, { ...limits, timeoutMs: null }, async (host) => {
    const { file, skipped } = fileForHost(loaded, host);
    if (host.system !== null) {
      // Only reaching the host is bounded: a start may rightly take longer than --host-timeout.
      const [reached] = await forEachHost([host], { parallel: 1, timeoutMs: limits.timeoutMs }, () => reachHost(host.system as string, file.services[0]?.name ?? null));
      if (reached?.error !== undefined) throw reached.error;
    }
    const outcomes = await applyServices(file, {
      dryRun, parallel, onProgress: (e) => io.stderr.write(`${host.label}: ${progressLine(io, e).trimStart()}\n`),
    });
    return { outcomes, skipped };
  });
  const codes = results.map((r) => (r.value ? Math.max(worstCode(r.value.outcomes), r.value.outcomes.some((o) => o.error !== undefined) ? 1 : 0) : HOST_FAILED_CODE));
  const code = Math.max(0, ...codes);
  if (args.options.json) {
    io.stdout.write(`${terminalJson({
      file: loaded.file, dryRun, ok: code === 0, exitCode: code, changed: !dryRun && results.some((r) => r.value?.outcomes.some((o) => o.done.length > 0)),
      hosts: results.map((r, i) => hostJson(r, codes[i] as number, r.value?.outcomes.map(outcomeJson) ?? [], r.value?.skipped ?? [])),
    })}\n`);
    return code;
  }
  const expected = (name: string) => String(loaded.services.find((d) => d.name === name)?.expected ?? '-');
  const rows: string[][] = [];
  for (const r of results) {
    if (!r.value) {
      rows.push(failureRow(io, r, APPLY_LAYOUT));
      continue;
    }
    for (const o of r.value.outcomes) {
      rows.push([r.host.label, o.name, o.expected, stateText(io, o.before), outcomeAction(io, o, dryRun), stateText(io, o), `${o.code} ${o.meaning}`]);
    }
    rows.push(...skippedRows(r.host, r.value.skipped, APPLY_LAYOUT, expected));
  }
  io.stdout.write(`${table(['HOST', 'NAME', 'EXPECTED', 'BEFORE', dryRun ? 'WOULD DO' : 'DONE', 'NOW', 'LSB'], rows)}\n${fleetSummary(io, results, codes)}\n`);
  if (args.options.verbose) {
    io.stdout.write(commandsSection(results.flatMap((r) => r.value?.outcomes.map((o) => ({ name: o.name, runs: [...(o.before.output ?? []), ...(o.stepOutput ?? []), ...(o.output ?? [])] })) ?? [])));
  }
  return code;
}
