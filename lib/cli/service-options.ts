// The options of `install` and `update`: the SCM's (name, account, startup, dependencies,
// recovery) written here, and one flag per host setting derived from its row (setting-fields.ts):
// the flag's type, placeholder and help, and how its text becomes the library's option.
import * as path from 'node:path';
import { parseCommandLine } from '../command-line';
import { looksLikeUrl } from '../host/health-target';
import { STARTUPS } from '../host/program-service-options';
import type { ProgramServiceOptions, Startup } from '../host/program-service-options';
import { SETTING_FIELDS } from '../host/setting-fields';
import type { SettingField, SettingKind } from '../host/setting-fields';
import { parseCount, parseDuration, parseExitCodes, parseSize, UsageError } from './args';
import type { OptionSpec, OptionType, ParsedArgs } from './args';
import type { Io } from './output';
import { promptPassword, readPasswordLine, stdinIsTerminal } from './password';

/** The usage error of `--password VALUE`: a password on the command line is not taken. */
export const PASSWORD_VALUE_REFUSED = '--password takes no value: a password on the command line reaches shell history and process auditing. ' +
  'Give --password alone to type it without echo, or --password-stdin to read it from the first line of stdin';

/** `a, b or c`, as the CLI's errors list choices. */
function orList(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** The flag of each kind: how it is given on the command line, and its help placeholder. */
function flagShape(kind: SettingKind): { type: OptionType; value?: string } {
  switch (kind.type) {
    case 'boolean': return { type: 'boolean' };
    case 'duration': return { type: 'string', value: 'duration' };
    case 'size': return { type: 'string', value: 'size' };
    case 'count':
    case 'exit-code': return { type: 'string', value: 'n' };
    case 'exit-codes': return { type: 'string', value: 'n,n...' };
    case 'choice': return { type: 'string', value: kind.values.join('|') };
    case 'file': return { type: 'string', value: 'path' };
    case 'folder': return { type: 'string', value: 'dir' };
    case 'command': return { type: 'string', value: 'command line' };
    case 'processors': return { type: 'string', value: 'n,n...|all' };
    case 'folders': return { type: 'list', value: 'dir' };
    case 'variable-names': return { type: 'list', value: 'KEY' };
    case 'environment': return { type: 'list', value: 'KEY=VALUE' };
    case 'arguments': return { type: 'list', value: 'arg' };
    case 'accounts': return { type: 'list', value: 'group' };
    case 'health-check': return { type: 'string', value: 'url|command' };
    case 'status-range': return { type: 'string', value: 'from-to' };
    case 'name': return { type: 'string', value: 'name' };
  }
}

/** The flags of one setting: its own, and `--no-<flag>` for a file it can remove. */
function settingFlags(row: SettingField): [string, OptionSpec][] {
  const shape = flagShape(row.kind);
  const spec: OptionSpec = { type: shape.type, help: row.help, group: row.group, ...(row.value ?? shape.value ? { value: row.value ?? shape.value } : {}) };
  const flags: [string, OptionSpec][] = [[row.flag, spec]];
  if (row.kind.type === 'file' || row.kind.type === 'name') flags.push([`no-${row.flag}`, { type: 'boolean', group: row.group, help: row.kind.noFlagHelp }]);
  return flags;
}

/** `--affinity 0,2-3` -> [0, 2, 3]; `all` or '' -> null. */
function parseAffinity(text: string): number[] | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'all') return null;
  const cpus: number[] = [];
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    const from = m ? Number(m[1]) : NaN;
    const to = m && m[2] !== undefined ? Number(m[2]) : from;
    if (!(from >= 0 && to >= from && to <= 63)) throw new UsageError(`--affinity must be processor numbers 0-63 and ranges, such as 0,2-3, or all; got '${part.trim()}'`);
    for (let cpu = from; cpu <= to; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** A command line as [program, ...args], the program from the current folder; '' is none (null). */
function commandOption(text: string): string[] | null {
  const argv = text.trim() === '' ? null : parseCommandLine(text);
  if (argv && argv.length > 0) argv[0] = path.resolve(argv[0] as string);
  return argv;
}

/**
 * The library's option for a setting's flag as given (`raw`: the text, the texts of a repeated
 * flag, or the boolean). Paths are taken from the current folder, as a user means them: the
 * host's working folder is another.
 */
function settingOption(row: SettingField, raw: string | boolean | string[], command: string): unknown {
  const flag = `--${row.flag}`;
  const kind = row.kind;
  switch (kind.type) {
    case 'boolean': return raw;
    case 'duration': return parseDuration(raw as string, flag);
    case 'size': return parseSize(raw as string, flag);
    case 'count': {
      const n = parseCount(raw as string, flag, kind.max);
      if (n < (kind.min ?? 0)) throw new UsageError(`${flag} must be at least ${kind.min}`, command);
      return n;
    }
    case 'exit-code': {
      const n = parseCount(raw as string, flag, 0xffffffff);
      if (n === 0) throw new UsageError(`${flag} must not be 0`, command);
      return n;
    }
    case 'exit-codes': return parseExitCodes(raw as string, flag);
    case 'choice': {
      const value = kind.underscores ? (raw as string).replace(/-/g, '_') : raw as string;
      if (!kind.values.includes(value)) throw new UsageError(`${flag} must be ${orList(kind.values)}`, command);
      return value;
    }
    case 'file': return raw === '' ? null : path.resolve(raw as string);
    case 'name': return raw === '' ? null : raw;
    case 'folder': return raw;
    case 'folders': return (raw as string[]).map((dir) => path.resolve(dir));
    case 'variable-names':
    case 'accounts':
    case 'arguments': return raw;
    case 'status-range': return raw;
    // A URL is taken as it is (the library checks it); other text is a command line.
    case 'health-check': return looksLikeUrl(raw as string) ? (raw as string).trim() : commandOption(raw as string);
    case 'command': return commandOption(raw as string);
    case 'processors': return parseAffinity(raw as string);
    case 'environment': {
      const env: Record<string, string> = {};
      for (const pair of raw as string[]) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`${flag} takes KEY=VALUE`, command);
        env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      return env;
    }
  }
}

/** The options of install and update: the SCM's, then one flag per host setting. */
export const SERVICE_OPTIONS: Record<string, OptionSpec> = {
  'display-name': { type: 'string', value: 'text', group: 'service', help: 'name shown in the Services console' },
  description: { type: 'string', value: 'text', group: 'service', help: 'service description' },
  startup: { type: 'string', value: STARTUPS.join('|'), group: 'service', help: 'how the service starts (default manual)' },
  depends: { type: 'list', value: 'service', group: 'service', help: 'service that must run first (repeatable, or comma-separated)' },
  recovery: { type: 'string', value: 'restart:<delay>[:<count>]|none', group: 'service', help: 'Windows recovery once the host gives up' },
  interpreter: { type: 'string', value: 'exe', group: 'program', help: 'program that runs the file (needed for other than .js/.mjs/.cjs/.exe/.cmd/.bat)' },
  username: { type: 'string', value: 'account', group: 'account', help: 'run as this account (DOMAIN\\user, .\\user, NT AUTHORITY\\LocalService, DOMAIN\\gmsa$)' },
  password: { type: 'boolean', refusesValue: PASSWORD_VALUE_REFUSED, group: 'account', help: "ask for the account's password on the terminal, typed without echo (never stored or printed)" },
  'password-stdin': { type: 'boolean', group: 'account', help: "read the account's password from the first line of stdin (for scripts; on a terminal, typed without echo)" },
  'virtual-account': { type: 'boolean', group: 'account', help: 'run as NT SERVICE\\<name>' },
  ...Object.fromEntries(SETTING_FIELDS.flatMap(settingFlags)),
};


/**
 * The account's password: typed at a prompt with echo off when stdin is a terminal (for
 * --password, and for --password-stdin too: a line typed there would be echoed), else the first
 * line of stdin (--password-stdin only: --password without a terminal is a usage error).
 */
async function readPassword(io: Io, account: string | undefined, command: string, prompt: boolean): Promise<string> {
  if (stdinIsTerminal(io)) return promptPassword(io, `Password${account ? ` for ${account}` : ''}: `);
  if (prompt) throw new UsageError('--password asks on a terminal, and stdin is not one: pipe the password with --password-stdin', command);
  return readPasswordLine(io);
}

/** `--recovery restart[:<delay>[:<count>]]` or `none`. */
function parseRecovery(text: string, command: string): ProgramServiceOptions['recovery'] {
  if (text === 'none') return null;
  const m = /^restart(?::([^:]+))?(?::(\d+))?$/.exec(text);
  if (!m) throw new UsageError('--recovery must be restart[:<delay>[:<count>]] or none', command);
  return { delay: m[1] ? parseDuration(m[1], '--recovery delay') : 60000, ...(m[2] ? { count: Number(m[2]) } : {}) };
}

/** The SCM's options from the command line (name, account, startup, dependencies, recovery). */
async function scmOptions(args: ParsedArgs, io: Io, command: string): Promise<ProgramServiceOptions> {
  const o: ProgramServiceOptions = {};
  const str = (key: string) => args.options[key] as string | undefined;
  if (str('display-name') !== undefined) o.displayName = str('display-name') as string;
  if (str('description') !== undefined) o.description = str('description') as string;
  const startup = str('startup');
  if (startup !== undefined) {
    if (!(STARTUPS as readonly string[]).includes(startup)) throw new UsageError(`--startup must be ${orList(STARTUPS)}`, command);
    o.startup = startup as Startup;
  }
  if (str('username') !== undefined) o.username = str('username') as string;
  const ask = args.options.password === true;
  const piped = args.options['password-stdin'] === true;
  if (ask && piped) throw new UsageError('give --password or --password-stdin, not both', command);
  if (ask || piped) o.password = await readPassword(io, o.username, command, ask);
  if (args.options['virtual-account']) o.virtualAccount = true;
  const depends = args.options.depends as string[] | undefined;
  if (depends) o.dependencies = depends.flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean);
  if (str('interpreter') !== undefined) o.interpreter = str('interpreter') as string;
  if (str('recovery') !== undefined) o.recovery = parseRecovery(str('recovery') as string, command);
  return o;
}

/** The options of install/update from the command line (exported for the unit tests). */
export async function serviceOptions(args: ParsedArgs, io: Io, command: string): Promise<ProgramServiceOptions> {
  const o = await scmOptions(args, io, command);
  const hosted = o as Record<string, unknown>;
  for (const row of SETTING_FIELDS) {
    const raw = args.options[row.flag];
    const removed = (row.kind.type === 'file' || row.kind.type === 'name') && args.options[`no-${row.flag}`] === true;
    if (raw !== undefined && removed) throw new UsageError(`give --${row.flag} or --no-${row.flag}, not both`, command);
    if (removed) hosted[row.option] = null;
    else if (raw !== undefined) hosted[row.option] = settingOption(row, raw, command);
  }
  return o;
}
