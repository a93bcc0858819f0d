// Entry point of the service host: the SCM runs
//   "<node.exe>" "<package>/dist/host/host-main.js" --service <name>
// for a service with a host of its own, or
//   "<node.exe>" "<package>/dist/host/host-main.js" --group <group>
// for the shared host of a host group (docs/service-host.md). `--debug` runs one service's
// supervision in the foreground.
import { logServiceProblem } from '../as-service/service-host';
import { runHost, runHostGroup } from './host';

interface HostArgs {
  service: string;
  group: string;
  debug: boolean;
}

function parse(argv: string[]): HostArgs {
  const args: HostArgs = { service: '', group: '', debug: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--service' && i + 1 < argv.length) args.service = argv[++i] as string;
    else if (argv[i] === '--group' && i + 1 < argv.length) args.group = argv[++i] as string;
    else if (argv[i] === '--debug') args.debug = true;
  }
  if (!args.service === !args.group || (args.group && args.debug)) throw new Error('usage: host-main.js --service <name> [--debug] | --group <group>');
  return args;
}

function main(): void {
  let args: HostArgs;
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    logServiceProblem((error as Error).message);
    process.exit(2);
  }
  const what = args.group ? `host group '${args.group}'` : `'${args.service}'`;
  const run: Promise<unknown> = args.group ? runHostGroup(args.group) : runHost(args.service, { debug: args.debug });
  run.then(
    () => process.exit(0),
    (error) => {
      logServiceProblem(`scm-native host for ${what}: ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}

main();
