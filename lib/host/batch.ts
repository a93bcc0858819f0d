// Running a batch file (.cmd/.bat) without letting its arguments inject commands into cmd.exe.
//
// Windows runs a batch file through cmd.exe, and cmd.exe does not parse its command line the way
// CommandLineToArgvW does: it expands %VARIABLES% everywhere (inside quotes too), and `&`, `|`,
// `<`, `>`, `^`, `(` and `)` are operators wherever its own quote state is "outside". Node's fix of
// CVE-2024-27980 (20.12.2) only refuses to spawn a batch file without a shell; the host runs
// `cmd.exe /d /e:ON /v:OFF /s /c "<line>"` itself with verbatim arguments, so the line below is
// what protects the script's arguments. It follows the approach of Rust's std after BatBadBut
// (CVE-2024-24576):
// - every argument that is empty, ends in `\`, or holds any ASCII character other than letters,
//   digits and `#$*+-./:?@\_` (or any control character) is quoted, so cmd sees its operators
//   inside quotes;
// - `"` is doubled (cmd toggles its quote state twice, so it never leaves the quotes), and the
//   backslashes before a `"` or the closing quote are doubled for the program the script passes
//   `%*` to (CommandLineToArgvW/CRT rules);
// - `%` becomes `%%cd:~,%`: cmd's percent pass (which ignores quotes) leaves the first `%` as it
//   is, then expands `%cd:~,%`, an empty substring of the always-defined CD variable, to nothing.
//   The next `%` therefore never pairs with this one: `%PATH%` stays `%PATH%`. Needs command
//   extensions, hence /e:ON; /v:OFF keeps `!` literal even where delayed expansion is the
//   registry's default;
// - CR, LF and NUL are refused: cmd ends the command at a line break, and NUL ends the string.
// cmd.exe itself comes from the system directory, never from ComSpec, PATH or the working folder.
import * as path from 'node:path';

/** The switches before the command line: no AutoRun, extensions on, delayed expansion off. */
export const CMD_SWITCHES: readonly string[] = ['/d', '/e:ON', '/v:OFF', '/s', '/c'];

/**
 * Whether Windows would run `file` as a batch file: `.cmd` or `.bat`, also with the trailing dots
 * and spaces Windows strips from a file name (`run.bat.`, `run.cmd `: CVE-2024-36138).
 */
export function isBatchFile(file: string): boolean {
  return /\.(cmd|bat)[. ]*$/i.test(file);
}

/**
 * cmd.exe of the system directory: `%SystemRoot%\System32\cmd.exe`, from the host's own
 * environment (the SCM gives every service the system's SystemRoot; only an administrator can
 * change a service's environment), never ComSpec (a variable any user may set in their own
 * environment) nor a search of PATH or the working folder.
 */
export function systemCmdPath(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.SystemRoot ?? env.SYSTEMROOT ?? env.windir ?? env.WINDIR;
  if (root === undefined || !path.win32.isAbsolute(root) || /["%\r\n\0]/.test(root)) {
    throw new Error(`cannot find cmd.exe: SystemRoot is ${root === undefined ? 'not set' : `not an absolute path ('${root}')`}`);
  }
  return path.win32.join(root, 'System32', 'cmd.exe');
}

/** Refuses what no quoting can carry through cmd.exe: CR, LF (end of command) and NUL. */
export function checkBatchArgument(arg: string, what: string): string {
  const bad = /[\r\n\0]/.exec(arg);
  if (bad) {
    const name = bad[0] === '\0' ? 'NUL' : bad[0] === '\r' ? 'a carriage return (CR)' : 'a line feed (LF)';
    throw new RangeError(`${what} must not contain ${name}: the arguments of a .cmd or .bat file pass through cmd.exe, which would end the command there`);
  }
  return arg;
}

/** Refuses CR, LF and NUL in every argument of a batch file: `${what}[i]`. */
export function checkBatchArguments(args: readonly string[], what: string, first = 0): void {
  args.forEach((arg, i) => checkBatchArgument(arg, `${what}[${i + first}]`));
}

// ASCII that needs no quotes; everything else ASCII, and every control character, does.
const PLAIN = /^[A-Za-z0-9#$*+\-./:?@\\_\u{80}-\u{10ffff}]*$/u;
const CONTROL = /\p{Cc}/u;

/** One argument as cmd.exe, then the script's `%*` consumer, must see it (CR, LF, NUL refused first). */
export function escapeBatchArgument(arg: string, what = 'argument'): string {
  checkBatchArgument(arg, what);
  const quote = arg === '' || arg.endsWith('\\') || !PLAIN.test(arg) || CONTROL.test(arg);
  let out = quote ? '"' : '';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes += 1;
      out += ch;
      continue;
    }
    if (ch === '"') out += `${'\\'.repeat(backslashes)}""`;
    else if (ch === '%') out += '%%cd:~,%';
    else out += ch;
    backslashes = 0;
  }
  return quote ? `${out}${'\\'.repeat(backslashes)}"` : out;
}

/** The script's path, quoted for cmd.exe: never holds `"` (no Windows file name does); `%` escaped. */
export function escapeBatchScript(script: string, what = 'script'): string {
  checkBatchArgument(script, what);
  if (script.includes('"')) throw new RangeError(`${what} must not contain '"' (no Windows file name does); got '${script}'`);
  if (script.endsWith('\\')) throw new RangeError(`${what} must be a file, not a folder ending in '\\'; got '${script}'`);
  return `"${script.replace(/%/g, '%%cd:~,%')}"`;
}

/** How {@link cmdLine} names an argument in its errors: `${what}[${first + i}]`. */
export interface BatchArgumentNames {
  /** Default `args`. */
  what?: string;
  /** The index of the first argument (1 when the script is element 0 of the same array). */
  first?: number;
}

/**
 * What follows `cmd.exe /d /e:ON /v:OFF /s /c`: the quoted script and its escaped arguments, in
 * one more pair of quotes that /s strips.
 */
export function cmdLine(script: string, args: readonly string[], names: BatchArgumentNames = {}): string {
  const { what = 'args', first = 0 } = names;
  const scriptName = first > 0 ? `${what}[0]` : 'script';
  return `"${[escapeBatchScript(script, scriptName), ...args.map((arg, i) => escapeBatchArgument(arg, `${what}[${i + first}]`))].join(' ')}"`;
}

/**
 * The file and (verbatim: `windowsVerbatimArguments`) arguments that run `script` with `args`
 * through the system's cmd.exe.
 */
export function batchCommand(script: string, args: readonly string[], names: BatchArgumentNames = {}, env: NodeJS.ProcessEnv = process.env): { file: string; args: string[] } {
  const line = cmdLine(script, args, names);
  return { file: systemCmdPath(env), args: [...CMD_SWITCHES, line] };
}
