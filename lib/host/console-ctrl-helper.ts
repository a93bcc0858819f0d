// A console control event sent from a process of its own:
//   "<node.exe>" "<package>/dist/host/console-ctrl-helper.js" <pid> <0|1>
// The host starts it to send Ctrl+C (0) or Ctrl+Break (1) to the console of the program `pid`. It must not be the host that sends it:
// - sending means attaching to the program's console and ignoring Ctrl+C meanwhile
//   (SetConsoleCtrlHandler(NULL, TRUE)), an attribute every process started afterwards inherits:
//   the host's next run of the program would never see Ctrl+C (issue 13, item 2);
// - in debug mode the host has a console already (the terminal), so it cannot attach to the
//   program's (AttachConsole fails with ERROR_ACCESS_DENIED; issue 13, item 3).
// This process attaches, sends and exits, so what it changes about itself goes with it.
// Exit code 0: sent; 2: failed, the reason on stderr; 3: it could not leave its own console.
import { native } from '../native/binding';

export const HELPER_SENT = 0;
export const HELPER_FAILED = 2;
export const HELPER_HAS_CONSOLE = 3;

function main(argv: string[]): number {
  const pid = Number(argv[0]);
  const event = Number(argv[1]);
  if (!Number.isInteger(pid) || pid <= 0 || (event !== 0 && event !== 1)) {
    process.stderr.write('usage: console-ctrl-helper.js <pid> <0|1>\n');
    return HELPER_FAILED;
  }
  try {
    return native().sendConsoleCtrl(pid, event) ? HELPER_SENT : HELPER_HAS_CONSOLE;
  } catch (error) {
    const syscall = (error as { syscall?: string }).syscall;
    process.stderr.write(`${(error as Error).message}${syscall ? ` (${syscall})` : ''}\n`);
    return HELPER_FAILED;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
