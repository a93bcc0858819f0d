// Environment files (`envFile`): variables for the program kept in a file an administrator edits,
// read at each start of the program so that an edit and a restart apply it. The format:
// - one `NAME=VALUE` per line; lines may end in LF or CRLF;
// - blank lines and lines whose first non-blank character is `#` are skipped (a `#` later on a
//   line is part of the value: values such as colours and URLs hold one);
// - spaces and tabs around the name and around the value are dropped; a value in double quotes
//   keeps everything between them verbatim, spaces included (no escapes: `"a"b"` is `a"b`);
// - UTF-8, with or without a byte-order mark; UTF-16LE with its BOM (Notepad's "Unicode") too;
// - a line without `=`, or with an empty or invalid name, is an error naming the file and the
//   line (the start fails, rather than the program running with half its configuration);
// - a name given twice keeps the last value (names compared without case, as Windows does);
// - values are expanded (%NAME%, expand.ts) when the environment is built, not here.
import * as fs from 'node:fs';

/** One `NAME=VALUE` of an environment file, in file order. */
export interface EnvFileEntry {
  name: string;
  value: string;
  /** 1-based line number, for messages. */
  line: number;
}

/** Decodes the file's bytes: UTF-16LE with its BOM, else UTF-8 (a UTF-8 BOM dropped). */
export function decodeEnvFile(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The entries of an environment file's text; a RangeError names `source` and the line of the first bad one. */
export function parseEnvFile(text: string, source: string): EnvFileEntry[] {
  const entries: EnvFileEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = line.indexOf('=');
    const fail = (why: string) => new RangeError(`${source} line ${lineNo}: ${why}`);
    if (eq < 0) throw fail("expected NAME=VALUE (or a '#' comment)");
    const name = line.slice(0, eq).trim();
    if (name === '') throw fail('the variable name is empty');
    if (/[\0\s]/.test(name)) throw fail(`'${name}' is not a variable name (no spaces, tabs or NUL)`);
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value.includes('\0')) throw fail(`the value of ${name} contains NUL`);
    entries.push({ name, value, line: lineNo });
  });
  return entries;
}

/**
 * Reads and parses the environment file `file` (synchronously: it is read as the program starts,
 * and is small). Throws an Error that names the file when it cannot be read or parsed.
 */
export function readEnvFile(file: string): EnvFileEntry[] {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`the environment file ${file} cannot be read: ${code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`);
  }
  return parseEnvFile(decodeEnvFile(bytes), `the environment file ${file}`);
}
