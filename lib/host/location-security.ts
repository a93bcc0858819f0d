// Whether anyone but the trusted can change what a hosted service runs or where it writes: its
// program, interpreter, working folder, hooks, stop and health-check commands, environment file, PATH folders, log and pid-file folders, and the
// services file that declares it. For a privileged account (LocalSystem, LocalService,
// NetworkService) such a path is an error unless the operator allows it (allowInsecureLocation);
// otherwise a warning. docs/security.md says why and what stays the operator's part.
import * as path from 'node:path';
import { ScmError } from '../errors/scm-error';
import { firstReparsePoint } from '../security/data-folders';
import { privilegedAccountSid, serviceAccountSid } from '../security/accounts';
import { ALWAYS_TRUSTED, describeWriter, findUntrustedWriter } from '../security/path-writers';
import type { PathRole } from '../security/path-writers';
import type { HostSettings } from './settings-types';

/** A path of the service and what it is to it. */
export interface ServicePath {
  what: string;
  path: string;
  role: PathRole;
  /** A folder the service writes to: it must not pass a reparse point either (a link could redirect the writes). */
  data?: true;
}

/** The paths of a hosted service that only the trusted may change. */
export function servicePaths(settings: HostSettings, servicesFile?: string): ServicePath[] {
  const paths: ServicePath[] = [{ what: 'the program', path: settings.program, role: 'executable' }];
  if (settings.interpreter !== null) paths.push({ what: 'the interpreter', path: settings.interpreter, role: 'executable' });
  paths.push({ what: 'the working folder', path: settings.cwd, role: 'folder' });
  const commands = [
    ['the pre-start command', settings.preStart], ['the post-start command', settings.postStart], ['the pre-stop command', settings.preStop],
    ['the post-stop command', settings.postStop], ['the stop command', settings.stopCommand],
  ] as const;
  for (const [what, hook] of commands) {
    if (hook) paths.push({ what, path: hook[0] as string, role: 'executable' });
  }
  // Its variables (NODE_OPTIONS, PATH...) decide what the program runs: a writer could run code as the service.
  if (settings.envFile) paths.push({ what: 'the environment file', path: settings.envFile, role: 'file' });
  // A health-check command runs as the service's account at every interval.
  if (Array.isArray(settings.healthCheck)) paths.push({ what: 'the health-check command', path: settings.healthCheck[0] as string, role: 'executable' });
  for (const dir of settings.pathPrepend) paths.push({ what: 'the PATH folder', path: dir, role: 'folder' });
  paths.push({ what: 'the log folder', path: settings.log.dir, role: 'folder', data: true });
  if (settings.pidFile) paths.push({ what: 'the pid file folder', path: path.win32.dirname(settings.pidFile), role: 'folder', data: true });
  if (servicesFile) paths.push({ what: 'the services file', path: servicesFile, role: 'file' });
  return paths;
}

/** SYSTEM, Administrators, TrustedInstaller, and the service's own account. */
async function trustedFor(account: string | null | undefined): Promise<Set<string>> {
  const trusted = new Set(ALWAYS_TRUSTED);
  const own = await serviceAccountSid(account);
  if (own) trusted.add(own);
  return trusted;
}

/** One sentence per path that someone untrusted can change (empty: none). */
export async function untrustedLocations(paths: readonly ServicePath[], account: string | null | undefined): Promise<string[]> {
  const trusted = await trustedFor(account);
  const found: string[] = [];
  for (const p of paths) {
    const writer = await findUntrustedWriter(p.path, p.role, trusted);
    if (writer) found.push(await describeWriter(p.what, p.path, writer));
    const link = p.data ? await firstReparsePoint(p.path) : null;
    if (link) found.push(`${p.what} ${p.path}: ${link} is a reparse point (a junction or link), which can redirect the service's writes`);
  }
  return found;
}

/**
 * Checks the service's paths for its account: for a privileged account an untrusted writer is an
 * ScmError ERR_SCM_INSECURE_LOCATION naming the path and the account, unless `allowInsecure`;
 * otherwise (and then) the findings are returned as warnings.
 */
export async function checkServiceLocations(service: string, paths: readonly ServicePath[], account: string | null | undefined, allowInsecure: boolean): Promise<string[]> {
  const found = await untrustedLocations(paths, account);
  if (found.length === 0) return [];
  const privileged = privilegedAccountSid(account) !== null;
  if (privileged && !allowInsecure) {
    throw new ScmError({
      code: 'ERR_SCM_INSECURE_LOCATION',
      service,
      detail: `refusing to run as ${account ?? 'LocalSystem'} what others can change: ${found.join('; ')}. Move it to a folder only administrators can write (such as C:\\Program Files), or pass --allow-insecure-location (allowInsecureLocation) to accept the risk`,
    });
  }
  return found.map((finding) => `${finding}: whoever that is can run code as ${account ?? 'LocalSystem'}${privileged ? ' (allowed by --allow-insecure-location)' : ''}`);
}
