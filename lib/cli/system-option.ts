// `--system HOST`: which commands act on another machine's Service Control Manager, and why the
// others stay on this one. The table below is the one place that says so (docs/fleets.md shows it,
// a unit test keeps the two alike); withSystemOption adds the option to the CLI's commands from it.
import { ScmError } from '../errors/scm-error';
import { UsageError } from './args';
import type { OptionSpec, ParsedArgs } from './args';
import type { Command } from './command';
import { applyFleet, checkFleet, FLEET_OPTIONS, fleetHosts } from './fleet';
import { watchFleetCommand } from './fleet-watch';
import type { Host } from './hosts';
import { parseHostList, withCommand } from './hosts';
import type { Io } from './output';
import { explainRemote } from './remote-errors';

/** How a command takes `--system`: one host, several (check/apply/watch), or this computer only, and why. */
export type RemoteSupport = { hosts: 'one' | 'many'; note: string } | { hosts: 'local'; why: string };

/** The commands that act on services, and what `--system` does for each. */
export const REMOTE_SUPPORT: Readonly<Record<string, RemoteSupport>> = {
  start: { hosts: 'one', note: "HOST's SCM; the wait uses the service's own ready and stop timeouts, read through HOST's remote registry (30 s without it)" },
  stop: { hosts: 'one', note: "HOST's SCM (--dependents too); the wait uses the stop timeout read the same way (25 s without it)" },
  restart: { hosts: 'one', note: 'as stop, then start' },
  list: { hosts: 'one', note: "HOST's SCM; without --all, scm-native's services are recognised by their settings, read through HOST's remote registry" },
  check: { hosts: 'many', note: 'the entries for existing services, on each host (see Fleets)' },
  apply: { hosts: 'many', note: 'start, stop and remove of existing services, on each host (see Fleets)' },
  watch: { hosts: 'many', note: 'one watch per host, of the named services or the entries for existing services' },
  status: { hosts: 'local', why: "status reads the host's status file (program pid, restarts, last exit), a file on the service's own machine; use list --system or check --system for the state" },
  logs: { hosts: 'local', why: "the log files are on the service's own machine (scm-native does not reach files through admin shares); run scm-native there" },
  rotate: { hosts: 'local', why: 'rotating asks the host through a file in its log folder, on the service\'s own machine; run scm-native there' },
  install: { hosts: 'local', why: "install puts the host runtime into this machine's %ProgramFiles% and checks the program's folders here; run scm-native on the target machine" },
  update: { hosts: 'local', why: 'update checks the program and its folders on this machine and rewrites the settings beside them; run scm-native on the target machine' },
  upgrade: { hosts: 'local', why: "upgrade copies this version's host runtime into this machine's %ProgramFiles%; run scm-native on the target machine" },
  remove: { hosts: 'local', why: "remove also deletes the host's data folders and event source on the service's machine; run scm-native there" },
  debug: { hosts: 'local', why: 'debug runs the program here, in the foreground' },
  show: { hosts: 'local', why: "show reads the host's status file and log paths on the service's own machine; run scm-native there" },
};

/** check, apply and watch over the hosts of --system / --hosts-file (fleet.ts, fleet-watch.ts). */
const FLEET_RUNS: Readonly<Record<string, (hosts: readonly Host[], args: ParsedArgs, io: Io) => Promise<number>>> = {
  check: checkFleet,
  apply: applyFleet,
  watch: watchFleetCommand,
};

/** The option's help for a command. */
function optionFor(support: RemoteSupport): OptionSpec {
  if (support.hosts === 'local') return { type: 'string', value: 'host', help: 'this computer only (., localhost, its name): the command needs the service\'s own machine (docs/fleets.md)' };
  if (support.hosts === 'one') return { type: 'string', value: 'host', help: "another machine's SCM: name, \\\\name, FQDN or IP (default this computer)" };
  return { type: 'string', value: 'hosts', help: 'several machines at once: host,host,... (see --hosts-file)' };
}

/**
 * The single host of `--system`, normalised: undefined when absent or when it names this
 * computer, else the name the SCM takes. Also used by check/apply/watch to tell one host from many.
 */
export function systemOf(args: ParsedArgs, command: string): string | undefined {
  const text = args.options.system as string | undefined;
  if (text === undefined) return undefined;
  const hosts = withCommand(command, () => parseHostList(text));
  if (hosts.length > 1) throw new UsageError(`${command} takes one host in --system (check, apply and watch take several)`, command);
  return hosts[0]?.system ?? undefined;
}

/**
 * The commands with `--system` added as REMOTE_SUPPORT says: a one-host command gets the host
 * normalised in `args.options.system` (removed for this computer) and a failure on it explained
 * (remote-errors.ts); a local-only command refuses another machine with a usage error saying why.
 * Many-host commands (check, apply, watch) read their hosts themselves (fleet.ts).
 */
export function withSystemOption(commands: Record<string, Command>): Record<string, Command> {
  const out: Record<string, Command> = {};
  for (const [name, command] of Object.entries(commands)) {
    const support = REMOTE_SUPPORT[name];
    if (!support) {
      out[name] = command;
      continue;
    }
    const options = { ...command.options, system: optionFor(support) };
    if (support.hosts === 'many') {
      const fleet = FLEET_RUNS[name];
      out[name] = {
        ...command,
        options: { ...options, ...FLEET_OPTIONS },
        async run(args: ParsedArgs, io: Io): Promise<number> {
          const hosts = fleetHosts(args, name);
          return hosts && fleet ? fleet(hosts, args, io) : command.run(args, io);
        },
      };
      continue;
    }
    out[name] = {
      ...command,
      options,
      async run(args: ParsedArgs, io: Io): Promise<number> {
        const system = systemOf(args, name);
        if (system !== undefined && support.hosts === 'local') throw new UsageError(`--system ${system}: ${support.why}`, name);
        const local: ParsedArgs = { ...args, options: { ...args.options } };
        delete local.options.system;
        if (system === undefined) return command.run(local, io);
        try {
          return await command.run({ ...local, options: { ...local.options, system } }, io);
        } catch (error) {
          throw error instanceof ScmError ? explainRemote(error, system) : error;
        }
      },
    };
  }
  return out;
}
