// The exported needsServiceLogonRight: its argument checked first (a wrong type is a TypeError
// naming it, not an engine error from inside), then the rule of account-rights.ts.
import { checkString } from '../validation';
import { needsServiceLogonRight as needsRight } from './account-rights';

/**
 * Whether `account` needs the "Log on as a service" right to run a service: false for the
 * built-in service accounts (LocalSystem, LocalService, NetworkService), virtual accounts
 * (`NT SERVICE\...`) and managed service accounts (`...$`), and for no account (LocalSystem).
 */
export function needsServiceLogonRight(account: string | null | undefined): boolean {
  if (account !== undefined && account !== null) checkString(account, 'account', { allowEmpty: true });
  return needsRight(account);
}
