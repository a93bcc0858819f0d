// The service host's settings: what program it runs and how it supervises it. Stored as one JSON
// string in HKLM\SYSTEM\CurrentControlSet\Services\<name>\Parameters, value "scm-native", so they
// live and die with the service and `update` changes them in place. Never holds a password.
import { ScmError } from '../errors/scm-error';
import { callAsync } from '../native/binding';
import { getServiceStatus } from '../services/query';
import { checkInteger, checkKnownKeys, checkOptions, checkString, checkStringArray } from '../validation';
import { batchCommand } from './batch';
import { checkChoice, checkDirectLog, checkReadyTimeout, checkStopCommand, checkStoredSetting } from './setting-checks';
import { SETTING_FIELDS, setSettingAt, settingAt } from './setting-fields';
import type { HostSettings, LogSettings, ProgramKind } from './settings-types';

export type { HostSettings, LogSettings, PriorityClass, ProgramKind, RestartPolicy, StderrMode, StopMethod } from './settings-types';
export { PRIORITY_CLASSES } from './settings-types';
export { cmdLine } from './batch';

/** The registry value (under the service's Parameters key) that holds the settings. */
export const SETTINGS_VALUE = 'scm-native';
export const SETTINGS_VERSION = 1;

const PROGRAM_KINDS: readonly ProgramKind[] = ['node', 'exe', 'cmd', 'interpreter'];
/** The stored keys: the program part, then one per setting row (`log` holds the `log.*` rows). */
const KEYS: readonly string[] = ['version', 'program', 'args', 'kind', 'interpreter', ...new Set(SETTING_FIELDS.map((row) => row.key.split('.')[0] as string))];
const LOG_KEYS: readonly string[] = SETTING_FIELDS.filter((row) => row.key.startsWith('log.')).map((row) => row.key.slice('log.'.length));

/**
 * Checks a complete settings object (TypeError / RangeError naming the field). A setting that
 * settings written before it existed lack reads as its default.
 */
export function checkSettings(value: unknown, what = 'settings'): HostSettings {
  const s = checkOptions<HostSettings>(value, what);
  checkKnownKeys(s, what, KEYS);
  checkKnownKeys(checkOptions<LogSettings>(s.log, `${what}.log`), `${what}.log`, LOG_KEYS);
  const kind = checkChoice(s.kind, `${what}.kind`, PROGRAM_KINDS);
  const interpreter = s.interpreter === null || s.interpreter === undefined ? null : checkString(s.interpreter, `${what}.interpreter`);
  if (kind !== 'exe' && interpreter === null) throw new RangeError(`${what}.interpreter is required for kind '${kind}'`);
  const checked = {
    version: checkInteger(s.version, `${what}.version`, 1, SETTINGS_VERSION),
    program: checkString(s.program, `${what}.program`),
    args: checkStringArray(s.args ?? [], `${what}.args`, (item, label) => checkString(item, label, { allowEmpty: true })),
    kind,
    interpreter,
  } as HostSettings;
  for (const row of SETTING_FIELDS) {
    const stored = settingAt(s, row.key);
    const label = `${what}.${row.key}`;
    if (stored === undefined && row.required) throw new TypeError(`${label} is missing (install and update always write it)`);
    setSettingAt(checked, row.key, stored === undefined ? row.defaultValue(checked) : checkStoredSetting(row.kind, stored, label));
  }
  checkReadyTimeout(checked.readyTimeout, kind, `${what}.readyTimeout`);
  checkStopCommand(checked.stopMethod, checked.stopCommand, `${what}.stopMethod`);
  checkDirectLog(checked.log, `${what}.log`);
  return checked;
}

export function serializeSettings(settings: HostSettings): string {
  return JSON.stringify(checkSettings(settings));
}

export function parseSettings(text: string, service: string): HostSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`the scm-native settings of service '${service}' are not valid JSON: ${(error as Error).message}`);
  }
  return checkSettings(raw, `settings of '${service}'`);
}

/** Writes the settings of `service` (its Parameters key). */
export async function writeSettings(service: string, settings: HostSettings): Promise<void> {
  const text = serializeSettings(settings);
  await callAsync({ service }, (b) => b.writeServiceParameter(service, SETTINGS_VALUE, text));
}

/**
 * The settings of `service`, or null when it has none (not an scm-native service). With `system`,
 * those of a service on that machine, read through its remote registry (RegConnectRegistryW).
 */
export async function readSettings(service: string, system: string | null = null): Promise<HostSettings | null> {
  const text = await callAsync({ service, ...(system !== null ? { system } : {}) }, (b) => b.readServiceParameter(service, SETTINGS_VALUE, system));
  return text === null ? null : parseSettings(text, service);
}

/**
 * The settings of a service scm-native installed; an ScmError ERR_SCM_NOT_HOSTED for any other
 * service, and ERROR_SERVICE_DOES_NOT_EXIST (as start and stop say) when there is no such service.
 */
export async function hostedSettings(service: string): Promise<HostSettings> {
  const settings = await readSettings(service);
  if (!settings) {
    await getServiceStatus(service); // a missing key is also what a missing service reads as
    throw new ScmError({ code: 'ERR_SCM_NOT_HOSTED', service, detail: `service '${service}' was not installed by scm-native (no settings under its Parameters key)` });
  }
  return settings;
}

/**
 * The command line the program is started with (plus the start's arguments, when passed on). A
 * `.cmd`/`.bat` program runs through the system's cmd.exe (never the stored interpreter, which
 * older versions took from the installer's ComSpec), and never gets the start's arguments: they
 * come from whoever may start the service, and would reach cmd.exe (install and update refuse
 * `passStartArgs` for such a program; older settings may still hold it). Throws a RangeError
 * naming the argument for one cmd.exe cannot carry (CR, LF, NUL).
 */
export function programCommand(settings: HostSettings, startArgs: readonly string[] = []): { file: string; args: string[] } {
  if (settings.kind === 'cmd') return batchCommand(settings.program, settings.args, { what: 'args' });
  const args = [...settings.args, ...startArgs];
  switch (settings.kind) {
    case 'exe': return { file: settings.program, args };
    default: return { file: settings.interpreter as string, args: [...settings.interpreterArgs, settings.program, ...args] };
  }
}
