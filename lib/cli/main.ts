// `scm-native <command>`: run any program as a Windows service (see docs/service-host.md). Here:
// the commands' table (what help prints) and the dispatch; each command runs in its own file.
// Exit code 0 only on success, 1 on a failure, 2 on a usage mistake (exit-codes.ts); every error
// is one line (--verbose adds the stack), or with --json a JSON document (json-output.ts).
// Passwords are never printed.
import { didYouMean } from '../did-you-mean';
import { oneLine } from '../text';
import { checkOptions, checkString, checkStringArray } from '../validation';
import { parseArgs, UsageError } from './args';
import { commandHelp, commandsHelp, wrap } from './help';
import type { OptionSpec } from './args';
import type { Command } from './command';
import { cmdRestart, cmdStart, cmdStop } from './control-commands';
import { cmdDebug, cmdInstall, cmdRemove, cmdUpdate, cmdUpgrade } from './host-commands';
import { reportError } from './json-output';
import type { Io } from './output';
import { SERVICES_COMMANDS, worstCode } from './services-commands';
import { SERVICE_OPTIONS } from './service-options';
import { showCommand } from './show-command';
import { cmdList, cmdLogs, cmdRotate, cmdStatus } from './status-commands';
import { withSystemOption } from './system-option';
import { watchCommand } from './watch';

const COMMON: Record<string, OptionSpec> = {
  verbose: { type: 'boolean', help: 'print the stack of an error' },
  color: { type: 'boolean', help: 'colour output (default: only on a terminal; NO_COLOR disables)' },
  help: { type: 'boolean', alias: 'h', help: 'show help' },
  json: { type: 'boolean', help: 'one JSON document on stdout, errors too (same exit code); watch, logs -f: JSON lines' },
};

// --system HOST, added to the commands that act on services (system-option.ts says which, and how).
const COMMANDS: Record<string, Command> = withSystemOption({
  install: {
    summary: 'install a program as a service',
    usage: 'install <name> [options] -- <program> [args...]',
    options: { ...SERVICE_OPTIONS, start: { type: 'boolean', help: 'start the service once installed' } },
    examples: [
      'scm-native install web --start -- C:\\apps\\web\\server.js --port 8080',
      'scm-native install api --restart always --backoff 2s --stop-timeout 30s --log-max-size 50M -- C:\\tools\\api.exe --config C:\\tools\\api.yml',
      'scm-native install worker --username .\\svc-worker --password --startup auto -- C:\\apps\\worker\\index.js',
    ],
    takesRest: true,
    run: cmdInstall,
  },
  update: {
    summary: "change an installed service's settings",
    usage: 'update <name> [options] [-- <program> [args...]]   |   update <name> --args -- [args...]',
    options: { ...SERVICE_OPTIONS, args: { type: 'boolean', help: 'what follows -- replaces only the arguments' } },
    examples: [
      'scm-native update web --env PORT=8081 --restart always',
      'scm-native update web --args -- --port 8081',
      'scm-native update web --no-pid-file',
    ],
    takesRest: true,
    run: cmdUpdate,
  },
  remove: {
    summary: 'stop and delete a service (logs are kept)',
    usage: 'remove <name> [--force]',
    options: { force: { type: 'boolean', help: 'also a service that scm-native did not install' } },
    run: cmdRemove,
  },
  upgrade: {
    summary: "point services to this version's host (restarting running ones), remove unused host folders",
    usage: 'upgrade <name...> | upgrade --all',
    options: { all: { type: 'boolean', help: 'every service installed by scm-native' } },
    run: cmdUpgrade,
  },
  start: {
    summary: 'start a service and wait until it runs',
    usage: 'start <name> [--no-wait]',
    options: { wait: { type: 'boolean', help: 'wait for running (default on)' } },
    run: cmdStart,
  },
  stop: {
    summary: 'stop a service and wait until it has stopped',
    usage: 'stop <name> [--no-wait] [--dependents]',
    options: {
      wait: { type: 'boolean', help: 'wait for stopped (default on)' },
      dependents: { type: 'boolean', help: 'stop the running services that depend on it first' },
    },
    run: cmdStop,
  },
  restart: {
    summary: 'stop, then start a service',
    usage: 'restart <name> [--dependents]',
    options: { dependents: { type: 'boolean', help: 'stop the running services that depend on it first, and start them again after' } },
    run: cmdRestart,
  },
  status: {
    summary: 'state, program pid, restarts, last exit, uptime',
    usage: 'status [name] [--json]',
    options: { json: { type: 'boolean', help: 'machine-readable output' } },
    run: cmdStatus,
  },
  list: {
    summary: 'list the services installed by scm-native',
    usage: 'list [--state <state>] [--filter <pattern>] [--all] [--json]',
    options: {
      state: { type: 'string', value: 'state', help: 'only services in this state (running, stopped, ...)' },
      filter: { type: 'string', value: 'pattern', help: 'only names matching this pattern (* and ? wildcards)' },
      all: { type: 'boolean', help: 'every Win32 service, not only those installed by scm-native' },
      json: { type: 'boolean', help: 'machine-readable output' },
    },
    run: cmdList,
  },
  logs: {
    summary: "print a service's log",
    usage: 'logs <name> [--lines <n>] [--follow] [--stderr]',
    options: {
      lines: { type: 'string', value: 'n', help: 'how many of the last lines (default 50)' },
      stderr: { type: 'boolean', help: 'the separate stderr log (installed with --log-stderr separate)' },
      follow: { type: 'boolean', alias: 'f', help: 'keep printing new lines (Ctrl+C ends)' },
    },
    run: cmdLogs,
  },
  rotate: {
    summary: "start a new log file now (a running service's host rotates between two lines)",
    usage: 'rotate <name>',
    options: {},
    run: cmdRotate,
  },
  show: showCommand,
  ...SERVICES_COMMANDS,
  watch: watchCommand,
  debug: {
    summary: 'run the service in the foreground: output here, Ctrl+C stops',
    usage: 'debug <name> [--file <services file>]',
    options: {
      file: { type: 'string', value: 'services file', help: 'the program does not get the variables its passwordEnv entries name (default services.json here, if there is one)' },
    },
    run: cmdDebug,
  },
});

export { worstCode };

/** The commands (the help tests read them). @internal */
export const CLI_COMMANDS: Readonly<Record<string, Command>> = COMMANDS;
/** The options every command takes (the help tests read them). @internal */
export const CLI_COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = COMMON;

/** The command called `name`, if there is one (never a property every object has, such as `constructor`). */
function commandNamed(name: string): Command | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** The help of `command`, or the list of commands. */
function help(command?: string): string {
  const spec = command === undefined ? undefined : commandNamed(command);
  return spec ? commandHelp(spec, COMMON) : commandsHelp(COMMANDS);
}

/** What `scm-native` alone prints (on stderr, exit 2): how to go on, not the whole help. */
const SHORT_USAGE = 'usage: scm-native <command> [options]\n' +
  `commands: ${wrap(Object.keys(COMMANDS).join(', '), 10)}\n` +
  `${wrap('scm-native help lists what each does; scm-native help <command> (or <command> --help) shows its options.', 0)}\n`;

/** The usage error of a command that does not exist, with the command it was probably meant to be. */
function unknownCommand(command: string): UsageError {
  return new UsageError(`unknown command '${command}'${didYouMean(command, ['help', ...Object.keys(COMMANDS)])}`);
}

function defaultIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, color: false };
}

/**
 * Runs the CLI with `argv` (without node and the script) and resolves with the exit code.
 * Output goes to `io` (process streams by default).
 */
export async function runCli(argv: readonly string[], ioOverride?: Partial<Io>): Promise<number> {
  checkStringArray(argv, 'argv', (item, label) => checkString(item, label, { allowEmpty: true }));
  const override = checkOptions<Io>(ioOverride, 'io');
  for (const key of ['stdout', 'stderr'] as const) {
    const stream = override[key];
    if (stream !== undefined && (typeof stream !== 'object' || stream === null || typeof stream.write !== 'function')) throw new TypeError(`io.${key} must be a writable stream`);
  }
  ioOverride = override;
  const io: Io = { ...defaultIo(), ...ioOverride };
  const [command, ...rest] = argv;
  const dashdash = argv.indexOf('--');
  const before = dashdash < 0 ? argv : argv.slice(0, dashdash);
  const verbose = before.includes('--verbose');
  // Known before parsing, so that a usage mistake is JSON too.
  io.json = before.includes('--json');
  try {
    if (command === undefined) {
      io.stderr.write(SHORT_USAGE);
      return 2;
    }
    if (command === 'help' || command === '--help' || command === '-h') {
      if (rest[0] !== undefined && !commandNamed(rest[0])) throw unknownCommand(rest[0]);
      io.stdout.write(help(rest[0]));
      return 0;
    }
    if (command === '--version' || command === '-v' || command === 'version') {
      // package.json sits outside rootDir (lib/), so it is read at run time, not imported.
      const { version } = require('../../package.json') as { version: string };
      io.stdout.write(io.json ? `${JSON.stringify({ version })}\n` : `${version}\n`);
      return 0;
    }
    const spec = commandNamed(command);
    if (!spec) throw unknownCommand(command);
    const args = parseArgs(rest, { ...spec.options, ...COMMON }, command);
    if (args.options.help) {
      io.stdout.write(help(command));
      return 0;
    }
    const colorOption = args.options.color as boolean | undefined;
    io.color = colorOption ?? ioOverride?.color ?? (Boolean(io.stdout.isTTY) && !process.env.NO_COLOR);
    if (!spec.takesRest && args.rest !== null) {
      throw new UsageError(`'${command}' takes nothing after '--'`, command);
    }
    return await spec.run(args, io);
  } catch (error) {
    const hint = error instanceof UsageError ? (error.command ? `usage: scm-native ${COMMANDS[error.command]?.usage ?? error.command}` : 'see scm-native help') : undefined;
    const code = reportError(io, error, hint);
    if (verbose && !(error instanceof UsageError) && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return code;
  }
}

/** The `scm-native` executable. */
export function main(): void {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error) => {
    process.stderr.write(`scm-native: error: ${oneLine(String(error))}\n`);
    process.exitCode = 1;
  });
}
