// An installed hosted service written back as a services-file entry (`scm-native show --format`):
// the program part, the SCM's part, and every host setting that is not at its default, each
// written by its row's kind as the entry reader (hosted-entry.ts) reads it back. The field names
// come from the rows: a new setting is written without touching this file.
import { programKind } from '../host/manage';
import { comparableSetting } from '../host/setting-checks';
import { SETTING_FIELDS, setSettingAt, settingAt } from '../host/setting-fields';
import type { SettingKind } from '../host/setting-fields';
import type { HostSettings } from '../host/settings-types';
import { privilegedAccountSid } from '../security/accounts';
import type { ServiceConfiguration } from '../services/configuration';
import type { FailureActions } from '../services/config2';
import type { ServicesFileFormat } from './document';

/** What the SCM says of the service, as far as it could be read (Wine: no failure actions). */
export type EntryConfiguration = Partial<Pick<ServiceConfiguration,
  'displayName' | 'description' | 'startType' | 'account' | 'dependencies' | 'delayedAutoStart' | 'failureActions' | 'failureActionsOnNonCrashFailures'>>;

const UNITS: readonly [string, number][] = [['h', 3600000], ['m', 60000], ['s', 1000]];
const SIZES: readonly [string, number][] = [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]];

/** `90000` -> `90s`, `120000` -> `2m`, `1500` -> `1500ms`: the largest unit that divides it. */
export function durationText(ms: number): string {
  const unit = UNITS.find(([, size]) => ms > 0 && ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : ms === 0 ? '0s' : `${ms}ms`;
}

/** `2097152` -> `2M`; a size no binary multiple divides stays a number of bytes. */
export function sizeText(bytes: number): number | string {
  const unit = SIZES.find(([, size]) => bytes > 0 && bytes % size === 0);
  return unit ? `${bytes / unit[1]}${unit[0]}` : bytes;
}

/**
 * A setting's stored value as its services-file field writes it (the reader's inverse); undefined
 * for a value the file refuses (a zero duration where the file wants a positive one).
 */
function fileValue(kind: SettingKind, value: unknown): unknown {
  switch (kind.type) {
    case 'duration': return value === 0 && !kind.zeroInFile ? undefined : durationText(value as number);
    case 'size': return sizeText(value as number);
    default: return value;
  }
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `startup` from the SCM's start type and delayed flag; undefined for a start type the file has no word for. */
function startupOf(config: EntryConfiguration): string | undefined {
  switch (config.startType) {
    case 'demand_start': return 'manual';
    case 'disabled': return 'disabled';
    case 'auto_start': return config.delayedAutoStart ? 'delayed' : 'auto';
    default: return undefined;
  }
}

/**
 * `recovery` from the SCM's failure actions, when they are what install writes for it (`count`
 * restarts after `delay`, then none, with the non-crash flag); `none` for no actions; undefined
 * when unreadable (Wine) or of another shape (set by other tools: the file cannot say it, and
 * `check` on Windows then reports `recovery` drift).
 */
function recoveryOf(config: EntryConfiguration): unknown {
  const fa: FailureActions | undefined = config.failureActions;
  if (fa === undefined) return undefined;
  const actions = fa.actions ?? [];
  if (actions.length === 0) return 'none';
  const restarts = actions.slice(0, -1);
  const delay = restarts[0]?.delay;
  const shaped = restarts.length >= 1 && restarts.every((a) => a.type === 'restart' && a.delay === delay) && actions[actions.length - 1]?.type === 'none';
  if (!shaped || delay === undefined || config.failureActionsOnNonCrashFailures !== true) return undefined;
  // The reader's defaults (1m, 3, 1d) are left out.
  return {
    delay: durationText(delay),
    ...(restarts.length !== 3 ? { count: restarts.length } : {}),
    ...(fa.resetPeriod !== undefined && fa.resetPeriod !== 86400 ? { resetPeriod: durationText(fa.resetPeriod * 1000) } : {}),
  };
}

/** A name for the variable `passwordEnv` names: `WEB_API_PASSWORD` for the service `web-api`. */
export function passwordVariableFor(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '')}_PASSWORD`;
}

/**
 * The services-file entry of an installed hosted service: `apply` of a file holding it changes
 * nothing (the round trip the tests check). Settings at their default are left out (the file's
 * rule: a field left out means its default). A user account gets `passwordEnv` naming a variable
 * (the password is never read back: Windows does not give it). `expected` is the service's state
 * now: `running` for an active service, `stopped` otherwise.
 */
export function hostedEntry(name: string, settings: HostSettings, config: EntryConfiguration, state: string | number): Record<string, unknown> {
  const entry: Record<string, unknown> = { name, expected: state === 'stopped' ? 'stopped' : 'running', program: settings.program };
  if (settings.args.length) entry.args = settings.args;
  if (config.displayName !== undefined && config.displayName !== '' && config.displayName !== name) entry.displayName = config.displayName;
  if (config.description) entry.description = config.description;
  const startup = startupOf(config);
  if (startup !== undefined && startup !== 'manual') entry.startup = startup;
  const account = config.account ?? 'LocalSystem';
  if (account.toLowerCase() === `nt service\\${name.toLowerCase()}`) entry.virtualAccount = true;
  else if (privilegedAccountSid(account) !== privilegedAccountSid(null)) {
    entry.username = account;
    // LocalService, NetworkService and managed accounts (gMSA, `name$`) have no password to give.
    if (!privilegedAccountSid(account) && !account.endsWith('$')) entry.passwordEnv = passwordVariableFor(name);
  }
  if (config.dependencies?.length) entry.dependencies = config.dependencies;
  // The interpreter install would pick for the program's extension is left out; any other is written.
  let implied: { kind: string; interpreter: string | null } | null = null;
  try {
    implied = programKind(settings.program, undefined);
  } catch {
    implied = null;
  }
  if (!implied || implied.kind !== settings.kind || (implied.interpreter ?? '').toLowerCase() !== (settings.interpreter ?? '').toLowerCase()) {
    if (settings.interpreter !== null) entry.interpreter = settings.interpreter;
  }
  for (const row of SETTING_FIELDS) {
    const value = settingAt(settings, row.key);
    if (same(comparableSetting(row.kind, value), comparableSetting(row.kind, row.defaultValue(settings)))) continue;
    if (value === null) continue; // no row's default is a value while null is "none": nothing to write
    const written = fileValue(row.kind, value);
    // Left out, the setting then shows as drift in check: better than a file check cannot read.
    if (written !== undefined) setSettingAt(entry, row.field, written);
  }
  const recovery = recoveryOf(config);
  if (recovery !== undefined && recovery !== 'none') entry.recovery = recovery;
  return entry;
}

/**
 * A services file holding `entries`, as text in `format`: JSON, YAML (the `yaml` package) or
 * TOML (`smol-toml`), the libraries that read them back (document.ts).
 */
export function servicesFileText(entries: readonly Record<string, unknown>[], format: ServicesFileFormat): string {
  const file = { services: entries };
  if (format === 'yaml') return (require('yaml') as typeof import('yaml')).stringify(file, { version: '1.2' });
  if (format === 'toml') return `${(require('smol-toml') as typeof import('smol-toml')).stringify(file)}\n`;
  return `${JSON.stringify(file, null, 2)}\n`;
}
