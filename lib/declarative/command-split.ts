// Commands of command-defined services as simplevisor writes them: a string split on white space,
// each piece `%XX`-decoded (urllib.unquote: `hello%20world` is one argument with a space), or a
// list taken as it is.

/**
 * Decodes `%XX` escapes (UTF-8 byte sequences, as urllib.unquote does for text). A `%` not
 * followed by two hex digits is kept as it is, as Python's unquote does; bytes that are not
 * valid UTF-8 become U+FFFD.
 */
export function percentDecode(piece: string): string {
  if (!piece.includes('%')) return piece;
  let out = '';
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes = [];
  };
  for (let i = 0; i < piece.length; i++) {
    const hex = piece[i] === '%' ? piece.slice(i + 1, i + 3) : '';
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
      continue;
    }
    flush();
    out += piece[i];
  }
  flush();
  return out;
}

/**
 * A command as an argument vector: a string is split on runs of white space and each piece
 * `%XX`-decoded (so `%20` carries a space, `%25` a percent sign); a list is taken as it is (no
 * splitting, no decoding). Never runs a shell: quotes in a string are ordinary characters.
 * @throws TypeError for anything but a string or a list of strings; RangeError for an empty
 *   command or a NUL character.
 */
export function splitCommand(command: unknown, what = 'command'): string[] {
  let argv: string[];
  if (typeof command === 'string') {
    argv = command.split(/\s+/).filter((piece) => piece !== '').map(percentDecode);
  } else if (Array.isArray(command)) {
    argv = command.map((item, i) => {
      if (typeof item !== 'string') throw new TypeError(`${what}[${i}] must be a string, got ${typeof item}`);
      return item;
    });
  } else {
    throw new TypeError(`${what} must be a string or a list of strings, got ${command === null ? 'null' : typeof command}`);
  }
  if (argv.length === 0 || argv[0] === '') throw new RangeError(`${what} must name a program to run`);
  argv.forEach((arg, i) => {
    if (arg.includes('\0')) throw new RangeError(`${what}${typeof command === 'string' ? '' : `[${i}]`} must not contain a NUL character`);
  });
  return argv;
}
