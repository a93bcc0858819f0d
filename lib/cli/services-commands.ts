// `scm-native check` and `scm-native apply`: a services file compared with the machine, and
// brought in line with it. Exit codes: 0 all as declared, else the worst LSB code (a service in
// the wrong state or drifted counts at least 1); 2 for a usage mistake or a services file that cannot
// be read or is invalid (exit-codes.ts).
import { applyServices, checkServices, worstCode } from '../declarative/apply';
import type { ApplyEvent, ApplyOutcome, ServiceReport } from '../declarative/apply';
import { loadServicesFile, ServicesFileError } from '../declarative/services-file';
import type { ServicesFile } from '../declarative/services-file';
import type { CommandRun } from '../declarative/command-run';
import { parseCount, UsageError } from './args';
import type { OptionSpec, ParsedArgs } from './args';
import { reportError } from './json-output';
import { humanDuration, paint, stateColour, table, terminalJson, visibleText } from './output';
import type { Io } from './output';

export { worstCode };

/** The default services file of check, apply and watch. */
export const DEFAULT_SERVICES_FILE = 'services.json';

const PARALLEL: OptionSpec = { type: 'string', value: 'n', help: 'services handled at once (default 4)' };

/** The services file named on the command line; one that cannot be read or is invalid is reported, exit code 2. */
export function servicesFileArg(args: ParsedArgs, command: string, io: Io): ServicesFile | number {
  if (args.positionals.length > 1) throw new UsageError('too many arguments', command);
  try {
    return loadServicesFile(args.positionals[0] ?? DEFAULT_SERVICES_FILE);
  } catch (error) {
    if (!(error instanceof ServicesFileError)) throw error;
    return reportError(io, error);
  }
}

/** --parallel: the services handled at once (default 4). */
export function parallelArg(args: ParsedArgs, command: string): number {
  const text = args.options.parallel as string | undefined;
  if (text === undefined) return 4;
  const n = parseCount(text, '--parallel', 64);
  if (n < 1) throw new UsageError('--parallel must be at least 1', command);
  return n;
}

const VERBOSE: OptionSpec = { type: 'boolean', help: "after the table, the commands command services ran, with their exit codes, stdout and stderr" };

/** One service of check's --json (and of apply's, with more). */
export function reportJson(r: ServiceReport) {
  return {
    name: r.name, expected: r.expected, hosted: r.hosted, commandDefined: r.commandDefined, installed: r.installed, state: r.state, code: r.code, meaning: r.meaning,
    pid: r.pid, inState: r.inState, ok: r.ok, drift: r.drift, steps: r.steps, detail: r.detail, ...(r.reason ? { reason: r.reason } : {}),
    ...(r.output ? { output: r.output } : {}),
  };
}

/** One command of a command service, for --verbose: the command, how it ended, then its output lines indented. */
function commandText(run: CommandRun): string {
  const end = run.exitCode !== null ? `exit ${run.exitCode}` : run.error ?? 'no exit code';
  // Shown, not sent to the terminal: control characters become visible text (docs/security.md).
  const lines = [`    $ ${visibleText(run.argv.join(' '))}  (${visibleText(end)}, ${humanDuration(run.ms)})`];
  for (const [label, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
    for (const line of text.replace(/\r?\n$/, '').split(/\r?\n/)) if (text !== '') lines.push(`      ${label}| ${visibleText(line)}`);
  }
  return lines.join('\n');
}

/** --verbose: the commands each command service ran, after the table (never inside it). */
export function commandsSection(groups: readonly { name: string; runs: readonly CommandRun[] }[]): string {
  const shown = groups.filter((g) => g.runs.length > 0);
  if (shown.length === 0) return '';
  return `commands:\n${shown.map((g) => `  ${g.name}:\n${g.runs.map(commandText).join('\n')}`).join('\n')}\n`;
}

function summaryLine(results: readonly ServiceReport[], io: Io): string {
  const bad = results.filter((r) => !r.ok).length;
  return bad === 0 ? paint(io, 'green', `all ${results.length} services as declared`) : paint(io, 'red', `${bad} of ${results.length} services not as declared`);
}

/** The state column: the SCM state, `absent` for a service rightly not there, else `unknown`. */
export function stateText(io: Io, r: ServiceReport): string {
  const text = String(r.state ?? (r.expected === 'absent' && r.inState ? 'absent' : 'unknown'));
  return paint(io, stateColour(text), text);
}

/** The result column of check: ok, or FAIL and why (and what apply would do). */
export function verdict(io: Io, r: ServiceReport): string {
  if (r.ok) return paint(io, 'green', 'ok');
  const why = [...(r.inState ? [] : [r.detail]), ...(r.drift.length ? [`drifted: ${r.drift.join(', ')}`] : [])].join('; ');
  return paint(io, 'red', visibleText(r.steps.length ? `FAIL (${why}; apply would ${r.steps.join(' + ')})` : `FAIL (${r.reason ?? why})`));
}

async function cmdCheck(args: ParsedArgs, io: Io): Promise<number> {
  const loaded = servicesFileArg(args, 'check', io);
  if (typeof loaded === 'number') return loaded;
  const results = await checkServices(loaded, { parallel: parallelArg(args, 'check') });
  const code = worstCode(results);
  if (args.options.json) {
    io.stdout.write(`${terminalJson({ file: loaded.file, ok: code === 0, exitCode: code, services: results.map(reportJson) })}\n`);
    return code;
  }
  io.stdout.write(`${table(['NAME', 'EXPECTED', 'ACTUAL', 'LSB', 'RESULT'], results.map((r) => [
    r.name, r.expected, stateText(io, r), `${r.code} ${r.meaning}`, verdict(io, r),
  ]))}\n${summaryLine(results, io)}\n`);
  if (args.options.verbose) io.stdout.write(commandsSection(results.map((r) => ({ name: r.name, runs: r.output ?? [] }))));
  return code;
}

/** One service of apply's --json. */
export function outcomeJson(o: ApplyOutcome) {
  return { ...reportJson(o), before: reportJson(o.before), done: o.done, ...(o.error ? { error: o.error } : {}), ...(o.stepOutput ? { stepOutput: o.stepOutput } : {}) };
}

const PAST: Record<ApplyEvent['step'], string> = { install: 'installed', update: 'updated', start: 'started', stop: 'stopped', restart: 'restarted', remove: 'removed' };
const PRESENT: Record<ApplyEvent['step'], string> = { install: 'installing', update: 'updating', start: 'starting', stop: 'stopping', restart: 'restarting', remove: 'removing' };

/** One progress line per step as it begins and ends (on stderr, so --json output stays clean). */
export function progressLine(io: Io, e: ApplyEvent): string {
  if (e.phase === 'begin') return `  ${PRESENT[e.step]} ${e.name}...`;
  if (e.phase === 'done') return `  ${paint(io, 'green', PAST[e.step])} ${e.name} (${humanDuration(e.ms ?? 0)})`;
  if (e.phase === 'skipped') return `  ${paint(io, 'yellow', `${e.step} skipped`)} ${e.name}: ${e.error}`;
  return `  ${paint(io, 'red', `${e.step} failed`)} ${e.name}: ${e.error}`;
}

/** The done (or would-do) column of apply. */
export function outcomeAction(io: Io, o: ApplyOutcome, dry: boolean): string {
  if (o.error) return paint(io, 'red', visibleText(o.error));
  if (dry) return o.steps.length ? `${o.steps.join(' + ')} (dry run)` : o.reason ?? '-';
  if (o.done.length) return o.done.map((s) => PAST[s]).join(' + ');
  return o.before.steps.length === 0 && !o.before.ok ? (o.before.reason ?? '-') : '-';
}

/** The last line of a dry run: how many services apply would change, and how many it cannot fix. */
function dryRunSummary(outcomes: readonly ApplyOutcome[]): string {
  const change = outcomes.filter((o) => o.steps.length > 0).length;
  const stuck = outcomes.filter((o) => o.steps.length === 0 && !o.ok).length;
  return `dry run: apply would change ${change} of ${outcomes.length} services${stuck ? `; ${stuck} not as declared that apply cannot change` : ''}`;
}

async function cmdApply(args: ParsedArgs, io: Io): Promise<number> {
  const loaded = servicesFileArg(args, 'apply', io);
  if (typeof loaded === 'number') return loaded;
  const dry = args.options['dry-run'] === true;
  const json = args.options.json === true;
  const outcomes = await applyServices(loaded, {
    dryRun: dry, parallel: parallelArg(args, 'apply'),
    onProgress: (e) => io.stderr.write(`${progressLine(io, e)}\n`),
  });
  const failed = outcomes.some((o) => o.error !== undefined);
  const code = Math.max(worstCode(outcomes), failed ? 1 : 0);
  // Nothing to do only when everything is as declared: a service apply cannot fix is shown in the table, with why.
  const nothing = outcomes.every((o) => o.before.steps.length === 0 && o.before.ok);
  if (json) {
    io.stdout.write(`${terminalJson({
      file: loaded.file, dryRun: dry, ok: code === 0, exitCode: code, changed: !dry && outcomes.some((o) => o.done.length > 0),
      services: outcomes.map(outcomeJson),
    })}\n`);
    return code;
  }
  const verbose = () => {
    if (args.options.verbose) io.stdout.write(commandsSection(outcomes.map((o) => ({ name: o.name, runs: [...(o.before.output ?? []), ...(o.stepOutput ?? []), ...(o.output ?? [])] }))));
  };
  if (nothing) {
    io.stdout.write(`nothing to do: ${summaryLine(outcomes, io)}\n`);
    verbose();
    return code;
  }
  // A dry run changes nothing: its table has the state now and what apply would do, no "after" column.
  const rows = outcomes.map((o) => dry
    ? [o.name, o.expected, stateText(io, o.before), outcomeAction(io, o, dry), `${o.code} ${o.meaning}`]
    : [o.name, o.expected, stateText(io, o.before), outcomeAction(io, o, dry), stateText(io, o), `${o.code} ${o.meaning}`]);
  const headers = dry ? ['NAME', 'EXPECTED', 'NOW', 'WOULD DO', 'LSB'] : ['NAME', 'EXPECTED', 'BEFORE', 'DONE', 'NOW', 'LSB'];
  io.stdout.write(`${table(headers, rows)}\n${dry ? dryRunSummary(outcomes) : summaryLine(outcomes, io)}\n`);
  verbose();
  return code;
}

/** The check and apply commands, as the CLI's command table takes them. */
export const SERVICES_COMMANDS = {
  check: {
    summary: 'compare the services of a services file with their declaration (exit: 0 or the worst LSB code)',
    usage: `check [file] [--json] [--verbose] [--parallel <n>] [--system <host,...>] [--hosts-file <file>]   (file: JSON, YAML or TOML; default ${DEFAULT_SERVICES_FILE})`,
    options: { json: { type: 'boolean', help: 'machine-readable output (command services: "output", every command with its stdout and stderr)' }, verbose: VERBOSE, parallel: PARALLEL } as Record<string, OptionSpec>,
    run: cmdCheck,
  },
  apply: {
    summary: 'install, update, start and stop the services of a services file as declared',
    usage: `apply [file] [--dry-run] [--json] [--verbose] [--parallel <n>] [--system <host,...>] [--hosts-file <file>]   (file default: ${DEFAULT_SERVICES_FILE})`,
    options: {
      'dry-run': { type: 'boolean', help: 'only say what would be done' },
      json: { type: 'boolean', help: 'machine-readable output (progress still goes to stderr; command services: "output" and "stepOutput")' },
      verbose: VERBOSE,
      parallel: PARALLEL,
    } as Record<string, OptionSpec>,
    run: cmdApply,
  },
};
