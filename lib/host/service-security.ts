// The security of a hosted service itself (docs/security.md, "The service's own security"):
// - its security descriptor in the SCM: Windows' default for a new service, minus the control
//   rights standard users get there, plus start/stop/pause/user-defined control for the groups
//   of `allowControl`;
// - its Parameters registry key (settings, environment, arguments): SYSTEM and Administrators
//   full, the service's SID and its account read, nobody else, not inherited from the Services key.
import { callAsync, native } from '../native/binding';
import { aceFlagCodes, parseSddlDacl } from '../services/sddl';
import { getServiceSecurity, setServiceSecurity } from '../services/security';
import { serviceAccountSid, serviceSid } from '../security/accounts';

/**
 * Windows' default DACL of a new service (CreateServiceW without a descriptor), as `sc sdshow`
 * shows it on Windows 10 and 11:
 *   D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;IU)(A;;CCLCSWLOCRRC;;;SU)
 * Interactive users and services may there send user-defined controls (CR). The hosted service's
 * DACL keeps SYSTEM and Administrators at full control and gives Interactive, Service and
 * Authenticated Users the read rights only: query configuration (CC) and status (LC), enumerate
 * dependents (SW), interrogate (LO), read the descriptor (RC).
 */
export const FULL_RIGHTS = 'CCDCLCSWRPWPDTLOCRSDRCWDWO';
export const QUERY_RIGHTS = 'CCLCSWLORC';
/** Query plus SERVICE_START (RP), SERVICE_STOP (WP), SERVICE_PAUSE_CONTINUE (DT), SERVICE_USER_DEFINED_CONTROL (CR). */
export const CONTROL_RIGHTS = 'CCLCSWRPWPDTLOCRRC';

/** The DACL of a hosted service whose `allowControl` resolved to these SIDs. */
export function hostedServiceDacl(controlSids: readonly string[]): string {
  const base = `D:(A;;${FULL_RIGHTS};;;SY)(A;;${FULL_RIGHTS};;;BA)(A;;${QUERY_RIGHTS};;;IU)(A;;${QUERY_RIGHTS};;;SU)(A;;${QUERY_RIGHTS};;;AU)`;
  return base + [...new Set(controlSids.map((sid) => sid.toUpperCase()))].map((sid) => `(A;;${CONTROL_RIGHTS};;;${sid})`).join('');
}

const SID_PATTERN = /^S-1-\d+(-\d+)+$/i;

/** The SID of an account or group name, or of a SID string as given; null when there is none. */
export async function sidOf(name: string): Promise<string | null> {
  if (SID_PATTERN.test(name)) return name.toUpperCase();
  return callAsync({}, (b) => b.accountSid(name));
}

/** The SIDs of `allowControl`, in order; an unknown name is a RangeError naming it. */
export async function resolveControlSids(names: readonly string[], what = 'allowControl'): Promise<string[]> {
  const sids: string[] = [];
  for (const name of names) {
    const sid = await sidOf(name);
    if (sid === null) throw new RangeError(`${what}: no account or group is named '${name}' on this machine`);
    sids.push(sid);
  }
  return sids;
}


/**
 * The DACL of the Parameters key: SYSTEM and Administrators full (KA), the service SID and the
 * service's account read (KR), protected. The service SID reaches the host's token only with an
 * unrestricted or restricted SID type (or a virtual account); the account's own SID is what a
 * host running as LocalService, NetworkService or a user reads with.
 */
export function parametersDacl(service: string, accountSid: string | null): string {
  const readers = [serviceSid(service), ...(accountSid !== null ? [accountSid.toUpperCase()] : [])];
  return `D:P(A;;KA;;;SY)(A;;KA;;;BA)${[...new Set(readers)].map((sid) => `(A;;KR;;;${sid})`).join('')}`;
}

/** Creates (when missing) and protects the service's Parameters key. */
export async function protectParameters(service: string, accountSid: string | null): Promise<void> {
  await callAsync({ service }, (b) => b.protectServiceParameters(service, parametersDacl(service, accountSid)));
}

/** Sets the service's DACL for these `allowControl` SIDs. */
export async function setHostedServiceDacl(service: string, controlSids: readonly string[]): Promise<void> {
  await setServiceSecurity(service, hostedServiceDacl(controlSids));
}

/** An ACE as compared: type, mask and SID (aliases resolved), inherited ones left out. */
function aceKeys(sddl: string): string[] | null {
  const dacl = parseSddlDacl(sddl);
  if (dacl === null || dacl.aces === null) return null;
  return dacl.aces.filter((ace) => !aceFlagCodes(ace.flags).includes('ID'))
    .map((ace) => `${ace.type};${ace.mask.toString(16)};${ace.sid}`).sort();
}

/** Whether two DACLs in SDDL hold the same explicit ACEs (order, spelling and aliases aside). */
export function sameDacl(a: string, b: string): boolean {
  return JSON.stringify(aceKeys(a)) === JSON.stringify(aceKeys(b));
}

/**
 * What of the service's own security differs from what scm-native sets: `allowControl` when the
 * SCM's DACL is not the hosted one for these SIDs (Windows only: Wine's service descriptors are
 * stubs that always read `D:`), `parametersKey` when the Parameters key's DACL is not the protected
 * one (Wine keeps key DACLs, but does not report the protection).
 */
export async function serviceSecurityDrift(service: string, controlSids: readonly string[], account: string | null | undefined): Promise<string[]> {
  const drift: string[] = [];
  if (!native().underWine) {
    const current = await getServiceSecurity(service);
    if (!sameDacl(current, hostedServiceDacl(controlSids))) drift.push('allowControl');
  }
  const key = await callAsync({ service }, (b) => b.serviceParametersSecurity(service));
  const expected = parametersDacl(service, await serviceAccountSid(account));
  const protectedOk = native().underWine || (key !== null && /^D:[A-Z]*P/.test(key));
  if (key === null || !protectedOk || !sameDacl(key, expected)) drift.push('parametersKey');
  return drift;
}
