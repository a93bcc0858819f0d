// `scm-native install`, `update`, `remove` and `debug`: a program as a service, its settings
// changed in place, the service deleted, or run in the foreground. The library does the work
// (lib/host/manage.ts); these parse, call and print.
import * as fs from 'node:fs';
import { loadServicesFile, ServicesFileError } from '../declarative/services-file';
import { ScmError } from '../errors/scm-error';
import { getServiceStatus } from '../services/query';
import { joinLines } from '../text';
import { runHost } from '../host/host';
import { runningGroupWarning } from '../host/host-group';
import { installProgramService, removeProgramService, updateProgramService } from '../host/manage';
import { upgradeProgramServices } from '../host/upgrade';
import { UsageError } from './args';
import type { ParsedArgs } from './args';
import { one, programLine } from './command';
import { startAndWait } from './control-commands';
import { reportError, writeJson } from './json-output';
import { paint, withProgress } from './output';
import type { Io } from './output';
import { serviceOptions } from './service-options';
import { DEFAULT_SERVICES_FILE } from './services-commands';

const bool = (args: ParsedArgs, key: string) => args.options[key] as boolean | undefined;

export async function cmdInstall(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'install');
  if (!args.rest || args.rest.length === 0) throw new UsageError("missing the program: install <name> [options] -- <program> [args...]", 'install');
  const [program, ...programArgs] = args.rest as [string, ...string[]];
  const options = await serviceOptions(args, io, 'install');
  const result = await installProgramService(name, program, programArgs, options);
  if (io.json) {
    const started = bool(args, 'start') ? await startAndWait(name, io) : 0;
    if (started !== 0) return started;
    writeJson(io, { ...result, state: (await getServiceStatus(name)).state });
    return 0;
  }
  io.stdout.write(`${paint(io, 'green', 'installed')} ${name}: ${programLine(result.settings.program, result.settings.args)} (${result.settings.kind})\n`);
  io.stdout.write(`  log: ${result.settings.log.dir}\n`);
  if (result.logonRightGranted) io.stdout.write(`  granted ${options.username} the "Log on as a service" right\n`);
  for (const warning of result.warnings) io.stderr.write(`scm-native: warning: ${warning}\n`);
  if (bool(args, 'start')) return startAndWait(name, io);
  return 0;
}

export async function cmdUpdate(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'update');
  const options = await serviceOptions(args, io, 'update');
  const change: { program?: string; args?: string[] } = {};
  if (bool(args, 'args')) {
    if (args.rest === null) throw new UsageError("--args needs the new arguments after '--'", 'update');
    change.args = args.rest;
  } else if (args.rest !== null) {
    if (args.rest.length === 0) throw new UsageError("give the program after '--' (or use --args to change only the arguments)", 'update');
    const [program, ...rest] = args.rest as [string, ...string[]];
    change.program = program;
    change.args = rest;
  }
  const settings = await updateProgramService(name, change, options);
  // Joining a group whose host runs: on Windows that host cannot take the service in (install warns the same).
  const groupWarning = options.hostGroup ? await runningGroupWarning(name, options.hostGroup).catch(() => null) : null;
  if (groupWarning && !io.json) io.stderr.write(`scm-native: warning: ${groupWarning}\n`);
  const status = await getServiceStatus(name);
  if (io.json) {
    // A service that is not stopped runs with the old settings until it is restarted.
    writeJson(io, { name, settings, state: status.state, restartNeeded: status.state !== 'stopped' });
    return 0;
  }
  io.stdout.write(`${paint(io, 'green', 'updated')} ${name}: ${programLine(settings.program, settings.args)}\n`);
  if (status.state !== 'stopped') io.stdout.write(`  the service is ${status.state}: restart it to apply the changes (scm-native restart ${name})\n`);
  return 0;
}

export async function cmdRemove(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'remove');
  const removal = removeProgramService(name, { force: bool(args, 'force') === true }).catch((error: unknown) => {
    if (!(error instanceof ScmError && error.code === 'ERR_SCM_NOT_HOSTED')) throw error;
    throw new ScmError({ code: error.code, service: name, detail: `service '${name}' was not installed by scm-native: pass --force to remove it anyway (scm-native remove ${name} --force)` });
  });
  const { hostGone } = await withProgress(io, `Removing ${name}`, removal);
  if (io.json) {
    writeJson(io, { name, removed: true, hostGone });
    return 0;
  }
  if (hostGone !== null) io.stdout.write(`the service's host process (pid ${hostGone}) was already gone (killed?): nothing to stop, deleted it anyway\n`);
  io.stdout.write(`${paint(io, 'green', 'removed')} ${name}\n`);
  return 0;
}

/** The environment variables a services file names in `passwordEnv` (each once). */
export function declaredPasswordVariables(file: string): string[] {
  const names = loadServicesFile(file).services.flatMap((d) => (d.hosted?.passwordEnv !== undefined ? [d.hosted.passwordEnv] : []));
  return [...new Set(names)];
}

/** Deletes the variables `names` from `env`, without case as Windows names them; the keys deleted. */
export function removeVariables(env: Record<string, string | undefined>, names: readonly string[]): string[] {
  const lower = new Set(names.map((n) => n.toLowerCase()));
  const removed = Object.keys(env).filter((key) => lower.has(key.toLowerCase()));
  for (const key of removed) delete env[key];
  return removed;
}

/**
 * `debug` runs the host in this process, so the program's environment is built from this
 * process's: the administrator's shell, where the `passwordEnv` variables of a services file are
 * set for `apply` (a service started by the SCM gets the system's environment instead). Those
 * variables are removed first: the ones the services file (--file, else services.json here if
 * there is one) names. Returns the exit code 2 when a --file cannot be read.
 */
export function withoutDeclaredPasswords(args: ParsedArgs, io: Io, env: Record<string, string | undefined> = process.env, exists = fs.existsSync): number | null {
  const named = args.options.file as string | undefined;
  const file = named ?? (exists(DEFAULT_SERVICES_FILE) ? DEFAULT_SERVICES_FILE : null);
  if (file === null) return null;
  let names: string[];
  try {
    names = declaredPasswordVariables(file);
  } catch (error) {
    if (!(error instanceof ServicesFileError)) throw error;
    if (named !== undefined) return reportError(io, error);
    io.stderr.write(`scm-native: warning: ${file} cannot be read, so the variables its passwordEnv entries name are not removed from the program's environment: ${joinLines(error.message)}\n`);
    return null;
  }
  const removed = removeVariables(env, names);
  if (removed.length) io.stderr.write(`not passing ${removed.join(', ')} to the program (passwordEnv in ${file})\n`);
  return null;
}

export async function cmdDebug(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'debug');
  // The program's own output is what debug shows: there is no document to print.
  if (io.json) throw new UsageError('debug shows the program\'s own output in the foreground: it has no --json', 'debug');
  const status = await getServiceStatus(name);
  if (status.state !== 'stopped') throw new UsageError(`service '${name}' is ${status.state}: stop it before debugging it (scm-native stop ${name})`, 'debug');
  const bad = withoutDeclaredPasswords(args, io);
  if (bad !== null) return bad;
  io.stderr.write(`running ${name} in the foreground; Ctrl+C stops it\n`);
  const outcome = await runHost(name, { debug: true });
  return outcome && outcome.serviceCode !== 0 ? 1 : 0;
}

export async function cmdUpgrade(args: ParsedArgs, io: Io): Promise<number> {
  const all = bool(args, 'all') === true;
  if (all === (args.positionals.length > 0)) throw new UsageError('give the services to upgrade, or --all', 'upgrade');
  const result = await upgradeProgramServices(all ? null : args.positionals, (line) => io.stderr.write(`${line}\n`));
  if (io.json) {
    writeJson(io, result);
    return 0;
  }
  for (const u of result.upgraded) io.stdout.write(`${paint(io, 'green', 'upgraded')} ${u.name}${u.restarted ? ' (restarted)' : ''}\n`);
  for (const name of result.current) io.stdout.write(`${name}: already on this version\n`);
  for (const k of result.kept) io.stderr.write(`scm-native: warning: kept ${k.folder}: ${k.reason}\n`);
  return 0;
}
