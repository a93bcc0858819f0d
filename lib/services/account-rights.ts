// The user rights of a service's account in the local security policy. A service that runs as a
// user starts only if the user holds "Log on as a service" (SeServiceLogonRight); otherwise the
// SCM refuses with ERROR_SERVICE_LOGON_FAILED (1069), long after the install looked fine.
import { callAsync } from '../native/binding';
import { checkOptions, checkString } from '../validation';

/** The right the SCM needs to log a service's user account on. */
export const SERVICE_LOGON_RIGHT = 'SeServiceLogonRight';

/** Options of the account-rights functions: the machine (default: this one). */
export interface AccountRightsOptions {
  system?: string;
}

function prepare(account: unknown, options: unknown) {
  const name = checkString(account, 'account');
  const opts = checkOptions<AccountRightsOptions>(options);
  const system = opts.system === undefined ? null : checkString(opts.system, 'options.system');
  return { name, system, context: { system } };
}

/**
 * `account` with a leading `.\\` (the machine's own accounts, as the SCM, services.msc and sc.exe
 * write them) replaced by `computer\\`: LookupAccountNameW, and so every LSA call, takes no `.`
 * domain (it answers ERROR_NONE_MAPPED), as NSSM found. Any other name is returned as it is. @internal
 */
export function qualifyLocalAccount(account: string, computer: string): string {
  return account.startsWith('.\\') ? `${computer}\\${account.slice(2)}` : account;
}

/**
 * The name to look `account` up by on `system` (null: this machine): `.\\` becomes the machine's
 * NetBIOS name (GetComputerNameW here; the given name, without leading `\\\\`, for another
 * machine). @internal
 */
export async function lookupAccountName(account: string, system: string | null = null): Promise<string> {
  if (!account.startsWith('.\\')) return account;
  const computer = system === null ? await callAsync({}, (b) => b.computerName()) : system.replace(/^\\\\/, '');
  return qualifyLocalAccount(account, computer);
}

/**
 * The user rights and privileges `account` holds directly in the local security policy (not
 * through its groups), such as `SeServiceLogonRight`; none is an empty list. `.\\user` means the
 * machine's own account, as in the SCM. Needs administrator rights. Wraps LookupAccountNameW and LsaEnumerateAccountRights.
 */
export async function getAccountRights(account: string, options?: AccountRightsOptions): Promise<string[]> {
  const q = prepare(account, options);
  const lookup = await lookupAccountName(q.name, q.system);
  return callAsync(q.context, (b) => b.enumAccountRights(q.system, lookup));
}

/**
 * Grants `account` the user right `right` (such as `SeServiceLogonRight`, "Log on as a service"),
 * as services.msc does when an account is entered. Resolves `true` when it was granted, `false`
 * when the account held it already. Needs administrator rights. Wraps LookupAccountNameW,
 * LsaOpenPolicy and LsaAddAccountRights.
 */
export async function grantAccountRight(account: string, right: string, options?: AccountRightsOptions): Promise<boolean> {
  const q = prepare(account, options);
  const name = checkString(right, 'right');
  if (!/^Se[A-Za-z]+$/.test(name)) throw new RangeError(`right must be a user right or privilege name such as '${SERVICE_LOGON_RIGHT}'; got '${name}'`);
  const lookup = await lookupAccountName(q.name, q.system);
  return callAsync(q.context, (b) => b.addAccountRight(q.system, lookup, name));
}

/**
 * Whether a service running as `account` needs "Log on as a service" granted: false for
 * LocalSystem, LocalService, NetworkService and virtual accounts (`NT SERVICE\\<name>`), which the
 * SCM logs on without it, and for managed service accounts (`...$`), which get it with their
 * installation.
 */
export function needsServiceLogonRight(account: string | null | undefined): boolean {
  if (!account) return false;
  const a = account.toLowerCase();
  if (a === 'localsystem' || /^nt service\\/.test(a) || a.endsWith('$')) return false;
  return !/^(nt authority\\)?(system|localservice|local service|networkservice|network service)$/.test(a.replace(/^\.\\/, ''));
}
