// The folders scm-native writes to (logs and status files, locks, pid files): created with a
// protected DACL that lets only SYSTEM and Administrators (and, where given, the service's own
// account) add to them, so that no other user can pre-create, read or replace what a service
// writes. %ProgramData% lets every user add files and folders; without this, a user could create
// C:\ProgramData\scm-native first and own everything below it.
import * as path from 'node:path';
import { callAsync } from '../native/binding';
import { pathAndFolders } from './path-writers';

/** scm-native's own data folder: %ProgramData%\scm-native. */
export function dataRoot(): string {
  const programData = process.env.ProgramData || process.env.ALLUSERSPROFILE || 'C:\\ProgramData';
  return path.win32.join(programData, 'scm-native');
}

// Rights in SDDL: FA full; 0x1200af read, execute, add file, add folder.
const ADD_AND_READ = '0x1200af';

/**
 * The DACL of a data folder: SYSTEM and Administrators full, inherited by all it holds; nobody
 * else, so logs are readable by administrators only. `writerSid`: an account (the service's, when
 * it is not SYSTEM) that may add files, and then owns and fully controls what it created
 * (CREATOR OWNER), not the other services' files.
 */
export function dataFolderSddl(writerSid?: string | null): string {
  const writer = writerSid ? `(A;;${ADD_AND_READ};;;${writerSid})(A;OICIIO;FA;;;CO)` : '';
  return `D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)${writer}`;
}

/** FILE_ATTRIBUTE_REPARSE_POINT: a junction, symbolic link or mount point. */
const REPARSE_POINT = 0x400;

/** The first folder on the way to `target` (root first) that is a reparse point, or null. */
export async function firstReparsePoint(target: string): Promise<string | null> {
  for (const p of pathAndFolders(target).reverse()) {
    const attributes = await callAsync({}, (b) => b.fileAttributes(p));
    if (attributes !== null && (attributes & REPARSE_POINT) !== 0) return p;
  }
  return null;
}

/**
 * Creates `dir` and each missing folder above it with the data folders' DACL (from the first
 * instant: CreateDirectoryW with the security descriptor, no window with inherited rights).
 * scm-native's own folders that exist already (made by an older version, with the rights
 * inherited from %ProgramData%) get the DACL set again; the location check refuses those whose
 * owner is not trusted, before this runs.
 */
export async function ensureDataFolder(dir: string, writerSid?: string | null): Promise<void> {
  const sddl = dataFolderSddl(writerSid);
  const root = dataRoot().toLowerCase();
  for (const p of pathAndFolders(dir).reverse()) {
    const created = await callAsync({}, (b) => b.createDirectory(p, sddl));
    const own = p.toLowerCase() === root || p.toLowerCase().startsWith(`${root}\\`);
    if (!created && own) await callAsync({}, (b) => b.setFileDacl(p, sddl));
  }
}
