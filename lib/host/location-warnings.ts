// Where the files a hosted service runs from live, and whether that will hold: the SCM runs the
// command `install` wrote long after the installing shell is gone, under another account. Two
// traps catch node-windows and NSSM users alike (a service that fails with 1053 weeks later):
//   - scm-native run through `npx`: the host then lives in npm's npx cache, which npm may clean
//     or replace with another version at any time;
//   - a low-privilege service account (LocalService, NetworkService, a virtual account) and files
//     in a user's profile, which such accounts cannot read.
import * as path from 'node:path';

export interface ServiceFiles {
  /** node.exe the SCM runs. */
  node: string;
  /** The host script (this package's dist/host/host-main.js). */
  hostMain: string;
  /** The hosted program (and its interpreter, if any). */
  program: string;
  interpreter: string | null;
  /** The service account as given to CreateService; undefined or null: LocalSystem. */
  account?: string | null;
  /** The folder that holds the users' profiles (the parent of the home folder). */
  profilesDir: string;
}

const norm = (p: string) => path.win32.normalize(p).toLowerCase();
const under = (file: string, dir: string) => norm(file).startsWith(`${norm(dir).replace(/\\+$/, '')}\\`);

/** Accounts that are not administrators and not the installing user: no access to profiles. */
function isLowPrivilegeAccount(account: string | null | undefined): boolean {
  if (!account) return false;
  const a = account.toLowerCase().replace(/^\.\\/, '');
  return /^nt service\\/.test(a) || /^(nt authority\\)?(localservice|local service|networkservice|network service)$/.test(a);
}

/**
 * Warnings about where the service's files are, each a sentence that names the file and what to
 * do (empty: none). Pure: the caller supplies the paths.
 */
export function serviceLocationWarnings(files: ServiceFiles): string[] {
  const warnings: string[] = [];
  for (const [what, file] of [['node.exe', files.node], ['the scm-native host', files.hostMain]] as const) {
    if (norm(file).includes('\\_npx\\')) {
      warnings.push(`${what} is in npm's npx cache (${file}), which npm may clean or replace at any time, and the service would then fail to start: install scm-native in a project or globally (npm install scm-native) and install the service from there`);
    }
  }
  if (isLowPrivilegeAccount(files.account)) {
    const candidates: [string, string | null][] = [['node.exe', files.node], ['the scm-native host', files.hostMain], ['the program', files.program], ['the interpreter', files.interpreter]];
    const publicDir = path.win32.join(files.profilesDir, 'Public');
    for (const [what, file] of candidates) {
      if (file !== null && under(file, files.profilesDir) && !under(file, publicDir)) {
        warnings.push(`${what} (${file}) is in a user's profile, which the service account ${files.account} usually cannot read, and the service would fail to start: move it to a shared folder (such as C:\\Program Files) or give the account read access`);
      }
    }
  }
  return warnings;
}
