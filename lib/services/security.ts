// A service's security descriptor as SDDL. The usual reason to change it: let a chosen group that
// is not Administrators start, stop and query one service, e.g. by adding the ACE
//   (A;;RPWPLC;;;<SID>)
// to the DACL: A = allow, RP = SERVICE_START, WP = SERVICE_STOP, LC = SERVICE_QUERY_STATUS
// (add LO for SERVICE_INTERROGATE, RC for READ_CONTROL), <SID> the group's SID or an SDDL alias.
import { callAsync } from '../native/binding';
import { unsafeServiceGrant } from './sddl';
import { checkBoolean, checkOptions, checkServiceName, checkStandardOptions, checkString } from '../validation';
import type { StandardOptions } from '../validation';

const OWNER_SECURITY_INFORMATION = 0x1;
const GROUP_SECURITY_INFORMATION = 0x2;
const DACL_SECURITY_INFORMATION = 0x4;
const SACL_SECURITY_INFORMATION = 0x8;

/** Options of {@link getServiceSecurity}. */
export interface GetSecurityOptions extends StandardOptions {
  /**
   * Also read the SACL (auditing). Needs ACCESS_SYSTEM_SECURITY, which Windows grants only with
   * SeSecurityPrivilege: it is enabled for the call (on the calling thread only) and the call fails
   * with ERROR_PRIVILEGE_NOT_HELD when the account lacks it. Default false.
   */
  sacl?: boolean;
}

/** Which parts of the SDDL {@link setServiceSecurity} applies; the others are ignored. */
export interface SetSecurityOptions extends StandardOptions {
  /** The DACL (`D:`), needs WRITE_DAC. Default true. */
  dacl?: boolean;
  /** The owner (`O:`), needs WRITE_OWNER; Windows accepts only an owner the caller may assign. Default false. */
  owner?: boolean;
  /** The primary group (`G:`), needs WRITE_OWNER. Default false. */
  group?: boolean;
  /** The SACL (`S:`), needs ACCESS_SYSTEM_SECURITY with SeSecurityPrivilege (enabled for the call). Default false. */
  sacl?: boolean;
  /**
   * Set a DACL that gives the service away to standard users: a NULL DACL (`D:NO_ACCESS_CONTROL`),
   * or an allow ACE granting Everyone (WD), Users (BU), Authenticated Users (AU), Interactive (IU)
   * or Anonymous (AN) WRITE_DAC, WRITE_OWNER, SERVICE_CHANGE_CONFIG, DELETE, GENERIC_WRITE,
   * GENERIC_ALL or SERVICE_ALL_ACCESS. Without it such an SDDL is a RangeError naming the ACE,
   * thrown before the SCM is contacted. Default false.
   */
  allowUnsafe?: boolean;
}

/**
 * The security descriptor of a service as an SDDL string: owner, group and DACL, plus the SACL
 * when `options.sacl` is set. Needs READ_CONTROL only.
 * Wraps QueryServiceObjectSecurity + ConvertSecurityDescriptorToStringSecurityDescriptorW.
 */
export async function getServiceSecurity(name: string, options?: GetSecurityOptions): Promise<string> {
  const serviceName = checkServiceName(name, 'name');
  const opts = checkOptions<GetSecurityOptions>(options);
  const std = checkStandardOptions(opts);
  const parts = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION |
    (checkBoolean(opts.sacl, 'options.sacl', false) ? SACL_SECURITY_INFORMATION : 0);
  return callAsync({ service: serviceName, system: std.system }, (b) => b.querySecurity(std.system, std.database, serviceName, parts));
}

/**
 * Sets parts of a service's security descriptor from SDDL: by default only the DACL, so the string
 * {@link getServiceSecurity} returned, edited, can be passed back as is. The SDDL is converted
 * (and so validated) before the SCM is contacted: an invalid string, or one lacking a part to be
 * set, is a RangeError. Example, letting Builtin Users start, stop and query the service:
 * `setServiceSecurity(name, dacl + '(A;;RPWPLC;;;BU)')` where `dacl` is the current `D:...` part.
 * A DACL that lets standard users take the service over is refused unless `options.allowUnsafe`
 * (see {@link SetSecurityOptions.allowUnsafe}).
 * Wraps ConvertStringSecurityDescriptorToSecurityDescriptorW + SetServiceObjectSecurity.
 */
export async function setServiceSecurity(name: string, sddl: string, options?: SetSecurityOptions): Promise<void> {
  const serviceName = checkServiceName(name, 'name');
  const text = checkString(sddl, 'sddl');
  const opts = checkOptions<SetSecurityOptions>(options);
  const std = checkStandardOptions(opts);
  const parts = (checkBoolean(opts.dacl, 'options.dacl', true) ? DACL_SECURITY_INFORMATION : 0) |
    (checkBoolean(opts.owner, 'options.owner', false) ? OWNER_SECURITY_INFORMATION : 0) |
    (checkBoolean(opts.group, 'options.group', false) ? GROUP_SECURITY_INFORMATION : 0) |
    (checkBoolean(opts.sacl, 'options.sacl', false) ? SACL_SECURITY_INFORMATION : 0);
  if (parts === 0) throw new RangeError('options must select at least one part to set (dacl, owner, group, sacl)');
  if ((parts & DACL_SECURITY_INFORMATION) !== 0 && !checkBoolean(opts.allowUnsafe, 'options.allowUnsafe', false)) {
    let unsafe: string | null;
    try {
      unsafe = unsafeServiceGrant(text);
    } catch (error) {
      throw new RangeError(`sddl is not a valid security descriptor string: ${(error as Error).message}`);
    }
    if (unsafe !== null) throw new RangeError(`sddl refused: ${unsafe} (pass { allowUnsafe: true } to set it anyway)`);
  }
  await callAsync({ service: serviceName, system: std.system }, (b) => b.setSecurity(std.system, std.database, serviceName, text, parts));
}
