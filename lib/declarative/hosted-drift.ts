// How an installed hosted service differs from its declaration in the services file, and the
// update that repairs it. The file is the whole truth: a setting the entry leaves out is expected
// at its default (so deleting a line from the file resets that setting on the next apply).
import { ScmError } from '../errors/scm-error';
import { hostServiceCommand, plannedProgramSettings, recoveryActions } from '../host/manage';
import type { ProgramServiceOptions } from '../host/program-service-options';
import { comparableSetting } from '../host/setting-checks';
import { SETTING_FIELDS, settingAt } from '../host/setting-fields';
import { readSettings } from '../host/settings';
import { privilegedAccountSid } from '../security/accounts';
import { resolveControlSids, serviceSecurityDrift } from '../host/service-security';
import { callAsync, native } from '../native/binding';
import type { HostSettings } from '../host/settings';
import type { FailureActions } from '../services/config2';
import { getServiceConfiguration } from '../services/configuration';
import type { ServiceConfiguration } from '../services/configuration';
import type { HostedDeclaration } from './hosted-entry';

/** What {@link hostedDrift} found. */
export interface HostedDrift {
  /** False: the service does not exist (apply installs it). */
  installed: boolean;
  /** The file's fields whose installed value differs (empty when in line, or not installed). */
  fields: string[];
  /** The host settings the declaration asks for. */
  desired: HostSettings;
}

/** The program part, compared as Windows compares paths; every other setting by its row. */
const PROGRAM_FIELDS: [string, (s: HostSettings) => unknown][] = [
  ['program', (s) => s.program.toLowerCase()],
  ['args', (s) => s.args],
  ['interpreter', (s) => [s.kind, s.interpreter?.toLowerCase() ?? null]],
];

/** The services-file fields whose host settings differ. */
function settingsDrift(current: HostSettings, desired: HostSettings): string[] {
  const program = PROGRAM_FIELDS.filter(([, get]) => !same(get(current), get(desired))).map(([field]) => field);
  const settings = SETTING_FIELDS.filter((row) => {
    const compared = (s: HostSettings) => comparableSetting(row.kind, settingAt(s, row.key));
    return !same(compared(current), compared(desired));
  });
  return [...program, ...settings.map((row) => row.field)];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const lower = (list: readonly string[] | undefined) => (list ?? []).map((d) => d.toLowerCase()).sort();

function desiredAccount(name: string, o: ProgramServiceOptions): string {
  if (o.virtualAccount) return `NT SERVICE\\${name}`;
  return o.username ?? 'LocalSystem';
}

/**
 * Whether two account names are the same account as the SCM spells them: case-insensitively,
 * `COMPUTER\\user` (this machine's name, `computer`) as `.\\user` (the SCM stores the latter for
 * the former), and LocalSystem, LocalService and NetworkService in each of their spellings. @internal
 */
export function sameAccount(a: string, b: string, computer: string): boolean {
  const local = `${computer.toLowerCase()}\\`;
  const norm = (s: string) => {
    let v = s.toLowerCase();
    if (local.length > 1 && v.startsWith(local)) v = `.\\${v.slice(local.length)}`;
    return (v !== '' && privilegedAccountSid(v)) || v;
  };
  return norm(a) === norm(b);
}

/** What configDrift reads; Wine answers neither delayed auto-start nor failure actions (docs/wine.md). */
const CONFIG_FIELDS = ['command', 'displayName', 'startType', 'account', 'dependencies', 'description'] as const;
const WINDOWS_ONLY_FIELDS = ['delayedAutoStart', 'failureActions', 'failureActionsOnNonCrashFailures'] as const;

/** The SCM-side fields (service configuration) that differ, from one read of its configuration. */
async function configDrift(name: string, h: HostedDeclaration): Promise<string[] | null> {
  const windows = !native().underWine;
  let config: Partial<ServiceConfiguration>;
  try {
    config = await getServiceConfiguration(name, { fields: [...CONFIG_FIELDS, ...(windows ? WINDOWS_ONLY_FIELDS : [])] });
  } catch (error) {
    if (error instanceof ScmError && error.errno === 1060) return null;
    throw error;
  }
  const o = h.options;
  const drift: string[] = [];
  if (!same(config.command?.toLowerCase(), (await hostServiceCommand(name, o.hostGroup ?? null)).toLowerCase())) drift.push('command');
  if ((config.displayName || name) !== (o.displayName ?? name)) drift.push('displayName');
  if ((config.description ?? '') !== (o.description ?? '')) drift.push('description');
  const startup = o.startup ?? 'manual';
  const startType = startup === 'manual' ? 'demand_start' : startup === 'disabled' ? 'disabled' : 'auto_start';
  const delayedDrift = startType === 'auto_start' && config.delayedAutoStart !== undefined && config.delayedAutoStart !== (startup === 'delayed');
  if (config.startType !== startType || delayedDrift) drift.push('startup');
  if (!sameAccount(config.account ?? 'LocalSystem', desiredAccount(name, o), await callAsync({}, (b) => b.computerName()))) drift.push(o.virtualAccount ? 'virtualAccount' : 'username');
  // Wine's QueryServiceConfigW returns no dependencies at all (docs/wine.md): compared on Windows only.
  if (windows && !same(lower(config.dependencies), lower(o.dependencies))) drift.push('dependencies');
  if (windows && recoveryDrift(config, o)) drift.push('recovery');
  return drift;
}

/** Whether the SCM's failure actions differ from `recovery` (left out of the file: none). */
function recoveryDrift(config: Partial<ServiceConfiguration>, o: ProgramServiceOptions): boolean {
  const wanted = recoveryActions({ recovery: o.recovery ?? null });
  const actions = (a: FailureActions | undefined) => (a?.actions ?? []).map((x) => [x.type, x.delay]);
  const currentActions = actions(config.failureActions);
  if (!same(currentActions, actions(wanted.failureActions))) return true;
  if (currentActions.length === 0) return false; // no actions: the period and the flag do nothing
  return config.failureActions?.resetPeriod !== wanted.failureActions?.resetPeriod
    || config.failureActionsOnNonCrashFailures !== wanted.failureActionsOnNonCrashFailures;
}

async function currentAccountOf(name: string): Promise<string | undefined> {
  const config = await getServiceConfiguration(name, { fields: ['account'] }).catch(() => ({} as { account?: string }));
  return config.account ?? undefined;
}

/** Compares an installed hosted service with its declaration. */
export async function hostedDrift(name: string, h: HostedDeclaration): Promise<HostedDrift> {
  const desired = plannedProgramSettings(name, h.program, h.args, h.options);
  const scm = await configDrift(name, h);
  if (scm === null) return { installed: false, fields: [], desired };
  const current = await readSettings(name);
  if (!current) {
    throw new ScmError({ code: 'ERR_SCM_NOT_HOSTED', service: name, detail: `service '${name}' exists but was not installed by scm-native: remove it or rename the entry` });
  }
  const fields = [...settingsDrift(current, desired), ...scm];
  // The descriptor scm-native sets lives in the SCM and the registry, not in the settings: compared
  // as it is (with the SIDs the declared names have now), so older services and hand edits drift.
  const security = await serviceSecurityDrift(name, await resolveControlSids(desired.allowControl), await currentAccountOf(name));
  for (const field of security) if (!fields.includes(field)) fields.push(field);
  return { installed: true, fields, desired };
}

/** The password of a declared account, from the environment variable the entry names. */
export function declaredPassword(name: string, h: HostedDeclaration): string | undefined {
  if (h.passwordEnv === undefined) return undefined;
  const value = process.env[h.passwordEnv];
  if (value === undefined) {
    throw new ScmError({ code: 'ERR_SCM_SERVICES_FILE', service: name, detail: `the environment variable ${h.passwordEnv} (passwordEnv) holding the password of ${h.options.username} is not set` });
  }
  return value;
}

/**
 * The options that make an installed service match the declaration in full: every host setting
 * explicit (defaults included), the SCM fields the file owns, the account only when it drifted
 * (a password cannot be compared, and re-setting it needs the secret), and recovery only when it
 * drifted.
 */
export function repairOptions(name: string, h: HostedDeclaration, drift: HostedDrift): ProgramServiceOptions {
  const s = drift.desired;
  const o = h.options;
  const options: ProgramServiceOptions = {
    displayName: o.displayName ?? name, description: o.description ?? '', startup: o.startup ?? 'manual', dependencies: o.dependencies ?? [],
    ...(o.interpreter !== undefined ? { interpreter: o.interpreter } : {}),
  };
  for (const row of SETTING_FIELDS) (options as Record<string, unknown>)[row.option] = settingAt(s, row.key);
  // Only when it drifted: Wine refuses the failure-actions flag level (ERROR_INVALID_LEVEL), and
  // never reports recovery as drift.
  if (drift.fields.includes('recovery')) options.recovery = o.recovery ?? null;
  if (drift.fields.includes('username') || drift.fields.includes('virtualAccount')) {
    if (o.virtualAccount) options.virtualAccount = true;
    else if (o.username !== undefined) {
      options.username = o.username;
      const password = declaredPassword(name, h);
      if (password !== undefined) options.password = password;
    } else {
      options.username = 'LocalSystem';
      options.password = '';
    }
  }
  return options;
}
