// Entry point of the service host: the SCM runs
//   "<node.exe>" "<package>/dist/host/host-main.js" --service <name>
// (see docs/service-host.md). `--debug` runs the same supervision in the foreground.
import { logServiceProblem } from '../as-service/service-host';
import { runHost } from './host';

function parse(argv: string[]): { service: string; debug: boolean } {
  let service = '';
  let debug = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--service' && i + 1 < argv.length) service = argv[++i] as string;
    else if (argv[i] === '--debug') debug = true;
  }
  if (!service) throw new Error('usage: host-main.js --service <name> [--debug]');
  return { service, debug };
}

function main(): void {
  let args: { service: string; debug: boolean };
  try {
    args = parse(process.argv.slice(2));
  } catch (error) {
    logServiceProblem((error as Error).message);
    process.exit(2);
  }
  runHost(args.service, { debug: args.debug }).then(
    () => process.exit(0),
    (error) => {
      logServiceProblem(`scm-native host for '${args.service}': ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}

main();
