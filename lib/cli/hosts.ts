// The machines of `--system` and `--hosts-file`: a host is named as OpenSCManagerW's lpMachineName
// takes it (`name`, `\\name`, an FQDN or an IP address); this computer's own names mean the local
// Service Control Manager, reached without the network (and with this machine's files).
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { UsageError } from './args';

/** A host of the command line: as the user wrote it (for output) and as the SCM takes it. */
export interface Host {
  /** As given (a leading `\\` kept), for tables and JSON. */
  label: string;
  /** For the SCM and the registry: null for this computer, else the name without `\\`. */
  system: string | null;
}

/** DNS's limit for a whole name; NetBIOS names are shorter still. */
const MAX_HOST_LENGTH = 255;

/**
 * The names this computer answers to without the network: `.`, `localhost`, the loopback
 * addresses, its computer name (COMPUTERNAME), its host name, and that name in its DNS domain.
 */
export function thisComputerNames(env: NodeJS.ProcessEnv = process.env, hostname: string = os.hostname()): Set<string> {
  const names = ['.', 'localhost', '127.0.0.1', '::1', hostname];
  if (env.COMPUTERNAME) names.push(env.COMPUTERNAME);
  if (env.USERDNSDOMAIN) for (const n of [env.COMPUTERNAME, hostname]) if (n) names.push(`${n}.${env.USERDNSDOMAIN}`);
  return new Set(names.filter(Boolean).map((n) => n.toLowerCase()));
}

/**
 * One host as the user wrote it: `name`, `\\name`, an FQDN or an IP address (IPv6 as is, not in
 * brackets). A usage error for anything else (spaces, slashes, a path after the name).
 */
export function parseHost(text: string, what = '--system', local: ReadonlySet<string> = thisComputerNames()): Host {
  const label = text.trim();
  const bare = label.replace(/^\\\\/, '');
  if (bare === '') throw new UsageError(`${what}: a host name is empty`);
  if (bare.length > MAX_HOST_LENGTH) throw new UsageError(`${what}: a host name is longer than ${MAX_HOST_LENGTH} characters`);
  if (!net.isIP(bare) && !/^[A-Za-z0-9_.-]+$/.test(bare) && bare !== '.') {
    throw new UsageError(`${what}: '${label}' is not a host name (a name, \\\\name, FQDN or IP address)`);
  }
  return { label, system: local.has(bare.toLowerCase()) ? null : bare };
}

/** Hosts without repeats (case-insensitive; two names of this computer are one host). */
function unique(hosts: Host[]): Host[] {
  const seen = new Set<string>();
  return hosts.filter((h) => {
    const key = h.system === null ? '' : h.system.toLowerCase();
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** `a,b,c` (spaces around commas allowed) -> hosts, repeats dropped. */
export function parseHostList(text: string, what = '--system', local?: ReadonlySet<string>): Host[] {
  return unique(text.split(',').map((part) => parseHost(part, what, local)));
}

/**
 * A hosts file's text: one host per line; `#` starts a comment (a whole line or the rest of one);
 * blank lines are ignored. Errors name the line.
 */
export function parseHostsText(text: string, file: string, local?: ReadonlySet<string>): Host[] {
  const hosts: Host[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    if (/\s/.test(line)) throw new UsageError(`${file}:${index + 1}: one host per line, got '${line}'`);
    hosts.push(parseHost(line, `${file}:${index + 1}`, local));
  });
  if (hosts.length === 0) throw new UsageError(`${file} names no hosts`);
  return unique(hosts);
}

/** The hosts of a hosts file (`--hosts-file`); an unreadable file is a usage error. */
export function readHostsFile(file: string, local?: ReadonlySet<string>): Host[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--hosts-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseHostsText(text, file, local);
}

/** Runs `fn`, a usage error without a command becoming one of `command` (so its usage line is printed). */
export function withCommand<T>(command: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UsageError && error.command === undefined) throw new UsageError(error.message, command);
    throw error;
  }
}
