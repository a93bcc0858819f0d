// Windows command lines: building one that CommandLineToArgvW splits back into exactly the given
// arguments, and splitting one the way CommandLineToArgvW does. Pure functions: they work on any
// platform, and the Wine tests check them against the real CommandLineToArgvW.

const NEEDS_QUOTES = /[ \t\n\v"]/;

/** Quotes one argument (not the first) by the rules CommandLineToArgvW reverses. */
function quoteArgument(arg: string): string {
  if (arg.length > 0 && !NEEDS_QUOTES.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    // Backslashes are literal unless they precede a quote: then each must be doubled, and the
    // quote itself escaped.
    out += ch === '"' ? '\\'.repeat(backslashes * 2 + 1) + '"' : '\\'.repeat(backslashes) + ch;
    backslashes = 0;
  }
  // Before the closing quote, trailing backslashes must be doubled too.
  return out + '\\'.repeat(backslashes * 2) + '"';
}

/**
 * Joins `[program, ...args]` into a Windows command line that CommandLineToArgvW (and the C
 * runtime) splits back into exactly the same strings. The program path follows argv[0]'s own
 * rule (quotes delimit it, backslashes are literal), so it is quoted whenever it contains
 * white space: no "unquoted service path" hole.
 * @throws TypeError for non-strings; RangeError for an empty list, NUL characters, or a program
 *   path containing `"` (argv[0] cannot carry one).
 */
export function quoteCommandLine(argv: readonly string[]): string {
  if (!Array.isArray(argv)) throw new TypeError('argv must be an array of strings');
  if (argv.length === 0) throw new RangeError('argv must contain at least the program path');
  argv.forEach((arg, index) => {
    if (typeof arg !== 'string') throw new TypeError(`argv[${index}] must be a string`);
    if (arg.includes('\0')) throw new RangeError(`argv[${index}] must not contain NUL characters`);
  });
  const [program, ...args] = argv as [string, ...string[]];
  if (program.length === 0) throw new RangeError('argv[0] (the program path) must not be empty');
  if (program.includes('"')) throw new RangeError('argv[0] (the program path) cannot contain a double quote');
  const first = /[ \t\n\v]/.test(program) ? `"${program}"` : program;
  return [first, ...args.map(quoteArgument)].join(' ');
}

const isBlank = (ch: string | undefined) => ch === ' ' || ch === '\t';

/**
 * Splits a Windows command line as CommandLineToArgvW does (including argv[0]'s special rule and
 * the doubled-quote rule inside quotes). Unlike CommandLineToArgvW, an empty or blank line gives
 * `[]` rather than the current executable's path.
 */
export function parseCommandLine(commandLine: string): string[] {
  if (typeof commandLine !== 'string') throw new TypeError('commandLine must be a string');
  const s = commandLine;
  let i = 0;
  // Blank means only spaces and tabs, CommandLineToArgvW's separators (not String#trim's set).
  if (/^[ \t]*$/.test(s)) return [];
  const argv: string[] = [];

  // argv[0]: a quote runs to the next quote, otherwise up to white space; no escapes at all.
  let program = '';
  if (s[0] === '"') {
    i = 1;
    while (i < s.length && s[i] !== '"') program += s[i++];
    if (i < s.length) i++;
  } else {
    while (i < s.length && !isBlank(s[i])) program += s[i++];
  }
  argv.push(program);
  while (isBlank(s[i])) i++;
  if (i >= s.length) return argv;

  let current = '';
  let backslashes = 0;
  let quotes = 0; // odd while inside a quoted section
  let started = true;
  while (i < s.length) {
    const ch = s[i];
    if (isBlank(ch) && quotes === 0) {
      current += '\\'.repeat(backslashes);
      backslashes = 0;
      argv.push(current);
      current = '';
      while (isBlank(s[i])) i++;
      started = i < s.length;
      continue;
    }
    if (ch === '\\') {
      backslashes++;
      i++;
      continue;
    }
    if (ch === '"') {
      current += '\\'.repeat(Math.floor(backslashes / 2));
      if (backslashes % 2 === 1) {
        current += '"';
      } else {
        quotes++;
      }
      backslashes = 0;
      i++;
      // A run of quotes: every third one (counting the opening quote) is a literal quote.
      while (s[i] === '"') {
        if (++quotes === 3) {
          current += '"';
          quotes = 0;
        }
        i++;
      }
      if (quotes === 2) quotes = 0;
      continue;
    }
    current += '\\'.repeat(backslashes) + ch;
    backslashes = 0;
    i++;
  }
  if (started) argv.push(current + '\\'.repeat(backslashes));
  return argv;
}
