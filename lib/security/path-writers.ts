// Who besides the trusted can change what a service runs, reads or writes. A service usually runs
// as LocalSystem: whoever can write its program, a DLL beside it, its working folder or a folder
// on its PATH runs code as SYSTEM at the next start. The answer comes from each path's real owner
// and DACL and those of its parent folders (GetNamedSecurityInfoW), never from a guess by path.
// Trusted: SYSTEM, Administrators, TrustedInstaller and the service's own account (docs/security.md).
import * as path from 'node:path';
import { ScmError } from '../errors/scm-error';
import { callAsync } from '../native/binding';
import type { RawFileSecurity } from '../native/raw-types';

/** Well-known SIDs the checks name. */
export const SIDS = {
  system: 'S-1-5-18',
  localService: 'S-1-5-19',
  networkService: 'S-1-5-20',
  administrators: 'S-1-5-32-544',
  users: 'S-1-5-32-545',
  authenticatedUsers: 'S-1-5-11',
  interactive: 'S-1-5-4',
  everyone: 'S-1-1-0',
  anonymous: 'S-1-5-7',
  creatorOwner: 'S-1-3-0',
  ownerRights: 'S-1-3-4',
  trustedInstaller: 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464',
} as const;

/** Trusted to write whatever a service uses, whatever its account. */
export const ALWAYS_TRUSTED: readonly string[] = [SIDS.system, SIDS.administrators, SIDS.trustedInstaller];

// Access rights (winnt.h). For folders FILE_WRITE_DATA is FILE_ADD_FILE and FILE_APPEND_DATA is
// FILE_ADD_SUBDIRECTORY.
const FILE_WRITE_DATA = 0x2;
const FILE_APPEND_DATA = 0x4;
const FILE_DELETE_CHILD = 0x40;
const DELETE = 0x10000;
const WRITE_DAC = 0x40000;
const WRITE_OWNER = 0x80000;
const GENERIC_ALL = 0x10000000;
const GENERIC_WRITE = 0x40000000;
const TAKE_OVER = DELETE | WRITE_DAC | WRITE_OWNER | GENERIC_ALL;

const ACCESS_ALLOWED_ACE_TYPE = 0;
const INHERIT_ONLY_ACE = 0x08;

/**
 * The rights that count as "can change it", by what the path is to the check:
 * - `file`: the file's content, or the file itself (delete, rename, take over);
 * - `folder`: adding a file or folder (a planted DLL, a program found on PATH, a pre-created log);
 * - `ancestor`: replacing what the folder holds (delete a child, take the folder over).
 */
export const WRITE_RIGHTS = {
  file: FILE_WRITE_DATA | FILE_APPEND_DATA | GENERIC_WRITE | TAKE_OVER,
  folder: FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_DELETE_CHILD | GENERIC_WRITE | TAKE_OVER,
  ancestor: FILE_DELETE_CHILD | TAKE_OVER,
} as const;

/** What a path is to the service: which rights on it and on its folders count. */
export type PathRole = 'executable' | 'file' | 'folder';

/** An account that may change a path the trusted alone should. */
export interface UntrustedWriter {
  /** The path (the checked one, or one of its folders) that lets the account in. */
  path: string;
  sid: string;
  /** `owner`: it owns the path (an owner may always rewrite the DACL); `acl`: an ACE grants it; `null-dacl`: no DACL at all. */
  how: 'owner' | 'acl' | 'null-dacl';
}

/** The first untrusted account that `security` lets do any of `rights`, or null. Pure: deny ACEs are not weighed (a conservative answer). */
export function untrustedWriterOf(security: RawFileSecurity, rights: number, trusted: ReadonlySet<string>): Omit<UntrustedWriter, 'path'> | null {
  const owner = security.owner;
  if (owner && !trusted.has(owner)) return { sid: owner, how: 'owner' };
  if (security.dacl === null) return { sid: SIDS.everyone, how: 'null-dacl' };
  for (const ace of security.dacl) {
    if (ace.type !== ACCESS_ALLOWED_ACE_TYPE || (ace.flags & INHERIT_ONLY_ACE) !== 0 || (ace.mask & rights) === 0) continue;
    // OWNER RIGHTS stands for the owner (trusted, or reported above); CREATOR OWNER only matters once inherited.
    if (ace.sid === SIDS.ownerRights || ace.sid === SIDS.creatorOwner || trusted.has(ace.sid)) continue;
    return { sid: ace.sid, how: 'acl' };
  }
  return null;
}

/** A path and its folders up to the root, the path first. */
export function pathAndFolders(target: string): string[] {
  const out: string[] = [];
  for (let p = path.win32.resolve(target); ; p = path.win32.dirname(p)) {
    out.push(p);
    if (path.win32.dirname(p) === p) return out;
  }
}

/** The security of `file`, or null when nothing is there. */
async function securityOf(file: string): Promise<RawFileSecurity | null> {
  try {
    return await callAsync({}, (b) => b.fileSecurity(file));
  } catch (error) {
    if (error instanceof ScmError && (error.errno === 2 || error.errno === 3)) return null;
    throw error;
  }
}

/**
 * The first account outside `trusted` that can change `target` as a service uses it, through the
 * path itself or one of its folders; null when only the trusted can. A path that does not exist
 * yet is judged by the nearest folder that does (whoever can add to it can create the rest).
 */
export async function findUntrustedWriter(target: string, role: PathRole, trusted: ReadonlySet<string>,
  read: (file: string) => Promise<RawFileSecurity | null> = securityOf): Promise<UntrustedWriter | null> {
  let first = true;
  let plantable = false;
  for (const p of pathAndFolders(target)) {
    const security = await read(p);
    if (security === null) {
      first = false;
      plantable = true;
      continue;
    }
    let rights: number = WRITE_RIGHTS.ancestor;
    if (first) rights = role === 'folder' ? WRITE_RIGHTS.folder : WRITE_RIGHTS.file;
    else if (plantable) rights = WRITE_RIGHTS.folder;
    const writer = untrustedWriterOf(security, rights, trusted);
    if (writer) return { path: p, ...writer };
    // An executable's own folder can plant a DLL; a missing path's nearest folder can create it.
    plantable = first && role === 'executable';
    first = false;
  }
  return null;
}

/** `BUILTIN\Users (S-1-5-32-545)`, or the SID alone when it has no name here. */
export async function accountLabel(sid: string): Promise<string> {
  const name = await callAsync({}, (b) => b.accountName(sid)).catch(() => null);
  return name ? `${name} (${sid})` : sid;
}

/** One line naming the path, who can write it and how. */
export async function describeWriter(what: string, target: string, writer: UntrustedWriter): Promise<string> {
  const through = writer.path.toLowerCase() === path.win32.resolve(target).toLowerCase() ? '' : ` through ${writer.path}`;
  const how = writer.how === 'owner' ? 'owns it' : writer.how === 'null-dacl' ? 'can write it (no DACL)' : 'can write it';
  return `${what} ${target}: ${await accountLabel(writer.sid)} ${how}${through}`;
}
