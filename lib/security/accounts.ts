// Service accounts as SIDs: the privileged ones (LocalSystem, LocalService, NetworkService) by
// any of their spellings, virtual accounts (NT SERVICE\<name>) computed, others looked up.
import { createHash } from 'node:crypto';
import { callAsync } from '../native/binding';
import { lookupAccountName } from '../services/account-rights';
import { SIDS } from './path-writers';

const PRIVILEGED: Readonly<Record<string, string>> = {
  localsystem: SIDS.system,
  '.\\localsystem': SIDS.system,
  system: SIDS.system,
  'nt authority\\system': SIDS.system,
  localservice: SIDS.localService,
  'nt authority\\localservice': SIDS.localService,
  'nt authority\\local service': SIDS.localService,
  networkservice: SIDS.networkService,
  'nt authority\\networkservice': SIDS.networkService,
  'nt authority\\network service': SIDS.networkService,
};

/** The SID of a privileged service account (LocalSystem when none is given), or null for any other. */
export function privilegedAccountSid(account: string | null | undefined): string | null {
  return account ? PRIVILEGED[account.trim().toLowerCase()] ?? null : SIDS.system;
}

/**
 * The service SID of `name`, NT SERVICE\<name>: S-1-5-80 followed by the SHA-1 of the upper-cased
 * name in UTF-16LE, as five little-endian 32-bit sub-authorities (what `sc showsid` prints;
 * computed here because LookupAccountNameW knows it only on Windows, and only for installed services).
 */
export function serviceSid(name: string): string {
  const hash = createHash('sha1').update(Buffer.from(name.toUpperCase(), 'utf16le')).digest();
  const parts = [0, 4, 8, 12, 16].map((offset) => hash.readUInt32LE(offset));
  return `S-1-5-80-${parts.join('-')}`;
}

/**
 * The SID of the account a service runs as, beyond SYSTEM: null for LocalSystem (SYSTEM is
 * trusted and has full access everywhere already) and when the name is unknown here.
 */
export async function serviceAccountSid(account: string | null | undefined): Promise<string | null> {
  const name = (account ?? 'LocalSystem').trim();
  const privileged = privilegedAccountSid(name);
  if (privileged !== null) return privileged === SIDS.system ? null : privileged;
  if (name.toLowerCase().startsWith('nt service\\')) return serviceSid(name.slice('nt service\\'.length));
  if (/^S-1-\d+(-\d+)+$/i.test(name)) return name.toUpperCase();
  // `.\\user` is this machine's user: LookupAccountNameW on Windows does not take the '.'.
  const qualified = await lookupAccountName(name).catch(() => name);
  return callAsync({}, (b) => b.accountSid(qualified)).catch(() => null);
}
