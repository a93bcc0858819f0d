// `scm-native show <name>`: everything about one hosted service (the SCM's configuration, its
// status as `status` reads it, every host setting, its files), or with `--format yaml|toml|json`
// the service as a services file of one entry that `apply` takes back unchanged.
import { quoteCommandLine } from '../command-line';
import { hostedEntry, servicesFileText, durationText, sizeText } from '../declarative/entry-writer';
import type { EntryConfiguration } from '../declarative/entry-writer';
import type { ServicesFileFormat } from '../declarative/document';
import { getProgramServiceStatus } from '../host/manage';
import { comparableSetting } from '../host/setting-checks';
import { SETTING_FIELDS, settingAt } from '../host/setting-fields';
import type { SettingKind } from '../host/setting-fields';
import { hostedSettings } from '../host/settings';
import { statusFilePath } from '../host/status-file';
import { getServiceConfiguration } from '../services/configuration';
import type { ConfigurationField } from '../services/configuration';
import { UsageError } from './args';
import type { ParsedArgs } from './args';
import type { Command } from './command';
import { one, programLine } from './command';
import { writeJson } from './json-output';
import { humanDuration, paint, stateColour, stateWord, visibleText } from './output';
import type { Io } from './output';
import { lastExitText, printRows, scmExitText } from './status-commands';

const FORMATS: readonly ServicesFileFormat[] = ['yaml', 'toml', 'json'];

/**
 * The SCM's configuration of the service. The optional fields are read one call each, so one
 * Wine does not answer (delayed auto-start, failure actions: docs/wine.md) is only left out.
 */
async function configurationOf(name: string): Promise<EntryConfiguration & { command?: string }> {
  const core = await getServiceConfiguration(name, { fields: ['displayName', 'startType', 'account', 'dependencies', 'command', 'description'] });
  const optional: ConfigurationField[][] = [['delayedAutoStart'], ['failureActions', 'failureActionsOnNonCrashFailures']];
  const more = await Promise.all(optional.map((fields) => getServiceConfiguration(name, { fields }).catch(() => ({}))));
  return Object.assign({}, core, ...more) as EntryConfiguration & { command?: string };
}

/** A setting's value as show prints it. */
function settingText(kind: SettingKind, value: unknown): string {
  if (value === null) return 'none';
  switch (kind.type) {
    case 'duration': return durationText(value as number);
    case 'size': return String(sizeText(value as number));
    case 'command': return quoteCommandLine(value as string[]);
    case 'environment': return Object.entries(value as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(' ') || 'none';
    default: return Array.isArray(value) ? value.join(', ') || 'none' : String(value);
  }
}

/** `manual`, `auto`, `delayed`, `disabled`, or the SCM's word for another start type. */
function startupText(config: EntryConfiguration): string {
  if (config.startType === 'demand_start') return 'manual';
  if (config.startType === 'auto_start') return config.delayedAutoStart ? 'delayed' : 'auto';
  return String(config.startType ?? '-');
}

function recoveryText(config: EntryConfiguration): string {
  const fa = config.failureActions;
  if (fa === undefined) return 'unknown (not readable here)';
  if (!fa.actions?.length) return 'none';
  const actions = fa.actions.map((a) => (a.type === 'none' ? 'none' : `${a.type} after ${humanDuration(a.delay)}`)).join(', ');
  return `${actions}; reset after ${humanDuration((fa.resetPeriod ?? 0) * 1000)}`;
}

async function cmdShow(args: ParsedArgs, io: Io): Promise<number> {
  const name = one(args, 'show');
  const format = args.options.format as string | undefined;
  if (format !== undefined && !FORMATS.includes(format as ServicesFileFormat)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`, 'show');
  if (format !== undefined && io.json) throw new UsageError('give --format json (a services file) or --json (everything show prints), not both', 'show');
  // The SCM first: a missing service is ERROR_SERVICE_DOES_NOT_EXIST, not "not installed by scm-native".
  const config = await configurationOf(name);
  const settings = await hostedSettings(name);
  const status = await getProgramServiceStatus(name);
  const entry = hostedEntry(name, settings, config, status.state);
  if (format !== undefined) {
    io.stdout.write(servicesFileText([entry], format as ServicesFileFormat));
    return 0;
  }
  const files = { log: status.logFile, stderrLog: status.stderrLogFile, status: statusFilePath(settings.log.dir, name) };
  if (io.json) {
    writeJson(io, { name, configuration: config, status, settings, files, entry });
    return 0;
  }
  const word = stateWord(status.state, status.hostState);
  const rows: [string, string | null][] = [
    ['Service', status.displayName === name ? name : `${name} (${visibleText(status.displayName)})`],
    ['Description', config.description ? visibleText(config.description) : null],
    ['State', paint(io, stateColour(word), word)],
    ['Host PID', status.hostPid === null ? null : String(status.hostPid)],
    ['Program PID', status.programPid === null ? null : String(status.programPid)],
    ['Uptime', status.uptime === null ? null : humanDuration(status.uptime)],
    ['Restarts', String(status.restarts)],
    ['Last exit', status.lastExit ? lastExitText(status) : null],
    ['Exit code', scmExitText(status)],
    ['Startup', startupText(config)],
    ['Account', config.account ?? 'LocalSystem'],
    ['Dependencies', config.dependencies?.length ? config.dependencies.join(', ') : 'none'],
    ['Recovery', recoveryText(config)],
    ['Command', config.command ? visibleText(config.command) : null],
    ['Program', visibleText(programLine(settings.program, settings.args))],
    ['Kind', settings.interpreter === null ? settings.kind : `${settings.kind} (${visibleText(settings.interpreter)})`],
    ['Log', files.log],
    ['Stderr log', files.stderrLog],
    ['Status file', files.status],
  ];
  printRows(io, rows.filter((row): row is [string, string] => row[1] !== null));
  // Every host setting, by its services-file field; those at their default say so.
  io.stdout.write('Settings:\n');
  const settingRows = SETTING_FIELDS.map((row) => {
    const value = settingAt(settings, row.key);
    const byDefault = JSON.stringify(comparableSetting(row.kind, value)) === JSON.stringify(comparableSetting(row.kind, row.defaultValue(settings)));
    return [`  ${row.field}`, `${visibleText(settingText(row.kind, value))}${byDefault ? paint(io, 'gray', ' (default)') : ''}`] as const;
  });
  printRows(io, settingRows);
  for (const warning of status.locationWarnings) io.stdout.write(`${paint(io, 'yellow', 'Warning')}: ${warning}\n`);
  return 0;
}

/** The show command, as the CLI's command table takes it. */
export const showCommand: Command = {
  summary: 'everything about one hosted service; --format: as a services-file entry apply takes back',
  usage: 'show <name> [--format yaml|toml|json] [--json]',
  options: {
    format: { type: 'string', value: 'yaml|toml|json', help: 'print the service as a services file of one entry (settings at their default left out; a password as passwordEnv)' },
  },
  run: cmdShow,
};
