// Host groups: services that share one host process (SERVICE_WIN32_SHARE_PROCESS, as svchost's
// groups do). What makes a group is the setting `hostGroup` in each member's stored settings, and
// one image path for all of them (`--group <name>`, host-runtime.ts): the SCM starts a member in
// the running process whose image path is the same string, or starts that process. The rules that
// follow from one process per group live here: its members (read from the registry), and what
// must be the same for all of them, the account first (a process has one token).
import { ScmError } from '../errors/scm-error';
import { quoteCommandLine } from '../command-line';
import { getServiceConfiguration, setServiceConfiguration } from '../services/configuration';
import { getMultipleServiceStatus } from '../services/query';
import { sameHostGroup } from './setting-checks';
import { readSettings } from './settings';
import type { HostSettings } from './settings';

/** A member of a host group, as the registry has it now. */
export interface HostGroupMember {
  name: string;
  settings: HostSettings;
}

/**
 * The hosted services whose settings name `group` (case-blind), in name order: every service the
 * group's host must name in its dispatcher table. A service whose settings cannot be read is left
 * out (its start then fails with ERROR_SERVICE_NOT_IN_EXE, and `status` shows why).
 * Wraps EnumServicesStatusExW and the Parameters key of each service.
 */
export async function hostGroupMembers(group: string): Promise<HostGroupMember[]> {
  const all = await getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'] });
  const members: HostGroupMember[] = [];
  for (const s of all) {
    const settings = await readSettings(s.name).catch(() => null);
    if (settings && sameHostGroup(settings.hostGroup, group)) members.push({ name: s.name, settings });
  }
  return members.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Whether another active service runs in the process `pid` (a shared host that goes on after this
 * service stops). Wraps EnumServicesStatusExW.
 */
export async function processHostsOthers(service: string, pid: number): Promise<boolean> {
  const active = await getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'], state: 'active' });
  return active.some((s) => s.pid === pid && s.name.toLowerCase() !== service.toLowerCase());
}

/**
 * The warning for `service`, just put in `group`, when a host process of the group is running: on
 * Windows the service cannot start in it (ERROR_SERVICE_NOT_IN_EXE) until the group is restarted.
 * Null when no member runs. Wraps EnumServicesStatusExW.
 */
export async function runningGroupWarning(service: string, group: string): Promise<string | null> {
  const members = new Set((await hostGroupMembers(group)).map((m) => m.name.toLowerCase()));
  const active = await getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'], state: 'active' });
  const running = active.filter((s) => members.has(s.name.toLowerCase()) && s.name.toLowerCase() !== service.toLowerCase());
  if (running.length === 0) return null;
  return `host group '${group}' runs (${running.map((s) => `${s.name}, pid ${s.pid}`).join('; ')}) in a host process that does not know ${service}: ` +
    'it can start there only once those services have been stopped and started again';
}

/**
 * Points the other members of `group` to `command`, the one `service` was just given, where their
 * command differs (installed from another runtime, before an upgrade): the SCM shares a process
 * only between services with the same image path. Like any configuration change it takes effect
 * at each member's next start. Returns the members changed. Wraps ChangeServiceConfigW.
 */
export async function alignGroupCommands(service: string, group: string, command: { path: string; args: string[] }): Promise<string[]> {
  const line = quoteCommandLine([command.path, ...command.args]).toLowerCase();
  const changed: string[] = [];
  for (const member of await hostGroupMembers(group)) {
    if (member.name.toLowerCase() === service.toLowerCase()) continue;
    const current = (await getServiceConfiguration(member.name, { fields: ['command'] })).command ?? '';
    if (current.toLowerCase() === line) continue;
    await setServiceConfiguration(member.name, { command });
    changed.push(member.name);
  }
  return changed;
}

/** An account name as the SCM may spell it: `LocalSystem`, `.\\name`, `NT AUTHORITY\\LocalService`. */
function accountKey(account: string | undefined | null): string {
  const a = (account ?? 'LocalSystem').trim().toLowerCase();
  if (a === '' || a === 'localsystem' || a === '.\\localsystem' || a === 'nt authority\\system') return 'localsystem';
  return a.startsWith('.\\') ? a.slice(2) : a;
}

/**
 * Refuses to put `service` (running as `account`, undefined: LocalSystem) in `group` when another
 * member runs as another account: the SCM logs a shared process on once, as the account of the
 * service that started it, so a member with another account could never start while the process
 * runs (Windows fails it with ERROR_DIFFERENT_SERVICE_ACCOUNT, 1079). A virtual account
 * (`NT SERVICE\\<name>`) is one service's own, so it can never be shared. ScmError
 * ERR_SCM_HOST_GROUP_ACCOUNT, before anything is changed.
 */
export async function checkHostGroupAccount(service: string, group: string, account: string | undefined): Promise<void> {
  if (/^nt service\\/i.test((account ?? '').trim())) {
    throw new ScmError({ code: 'ERR_SCM_HOST_GROUP_ACCOUNT', service, detail: `a virtual account (${account}) is one service's own: it cannot share host group '${group}'; give the group a common account` });
  }
  for (const member of await hostGroupMembers(group)) {
    if (member.name.toLowerCase() === service.toLowerCase()) continue;
    const other = (await getServiceConfiguration(member.name, { fields: ['account'] }).catch(() => ({} as { account?: string }))).account;
    if (accountKey(other) !== accountKey(account)) {
      throw new ScmError({
        code: 'ERR_SCM_HOST_GROUP_ACCOUNT',
        service,
        detail: `host group '${group}' runs as ${other ?? 'LocalSystem'} (service '${member.name}'), not ${account ?? 'LocalSystem'}: ` +
          'the services of one host group share one process, and so one account',
      });
    }
  }
}

/** What the SCM says when it asks a running process to start a service not in its dispatcher table. */
const ERROR_SERVICE_NOT_IN_EXE = 1083;

/**
 * A start of `service` (a member of `group`) that failed with ERROR_SERVICE_NOT_IN_EXE, said the
 * way an administrator can act on: the group's host process was started before the service joined
 * the group, so it does not know it. Any other error is returned as is.
 */
export function explainStartFailure(error: unknown, service: string, group: string | null): unknown {
  if (group === null || !(error instanceof ScmError) || error.errno !== ERROR_SERVICE_NOT_IN_EXE) return error;
  return new ScmError({
    code: error.code,
    errno: error.errno,
    ...(error.syscall !== undefined ? { syscall: error.syscall } : {}),
    service,
    detail: `the host process of group '${group}' started before '${service}' joined the group, so it cannot run it: ` +
      "stop the group's running services, then start them again (a new host process names every member)",
  });
}

