// How install/update get an account's password without it ever being on the command line (where
// shell history and process auditing keep it): typed at a prompt with echo off, or the first line
// of stdin. The password is never written anywhere by these functions.
import { StringDecoder } from 'node:string_decoder';
import type { Io } from './output';

/** Ctrl+C (or Ctrl+D / end of input before Enter) at the password prompt. */
export class PasswordAborted extends Error {
  constructor(why: string) {
    super(`no password read: ${why}`);
    this.name = 'PasswordAborted';
  }
}

/** Whether `io.stdin` is a terminal this process can read a hidden password from. */
export function stdinIsTerminal(io: Pick<Io, 'stdin'>): boolean {
  return io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
}

/**
 * Asks for a password on the terminal: `prompt` on stderr, the keys read in raw mode so nothing
 * is echoed. Enter ends; Backspace removes a character; Ctrl+C aborts (raw mode turns it into a
 * key, so it is handled here rather than by SIGINT); Ctrl+D on an empty line aborts. Other
 * control keys (arrows and the like) are ignored. Raw mode is always turned off again.
 */
export async function promptPassword(io: Pick<Io, 'stdin' | 'stderr'>, prompt: string): Promise<string> {
  const stdin = io.stdin;
  const decoder = new StringDecoder('utf8');
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  let onData: (chunk: Buffer | string) => void = () => {};
  let onEnd: () => void = () => {};
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      onData = (chunk) => {
        const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
        for (const ch of text) {
          if (ch === '\u0003') return reject(new PasswordAborted('Ctrl+C'));
          if (ch === '\r' || ch === '\n') return resolve(value);
          if (ch === '\u0004') {
            if (value === '') return reject(new PasswordAborted('end of input'));
            return resolve(value);
          }
          if (ch === '\u007f' || ch === '\b') {
            value = Array.from(value).slice(0, -1).join('');
            continue;
          }
          // An escape sequence (an arrow key) arrives as one chunk: drop the rest of it.
          if (ch === '\u001b') break;
          if (ch < ' ') continue;
          value += ch;
        }
        return undefined;
      };
      onEnd = () => reject(new PasswordAborted('end of input'));
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.once('error', reject);
      stdin.resume();
    });
  } finally {
    stdin.removeListener('data', onData);
    stdin.removeListener('end', onEnd);
    stdin.setRawMode?.(false);
    stdin.pause();
    io.stderr.write('\n');
  }
}

/** The first line of stdin (without its line end); an input that ends before any byte is refused. */
export async function readPasswordLine(io: Pick<Io, 'stdin'>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
    if ((chunks[chunks.length - 1] as Buffer).includes(10)) break;
  }
  const all = Buffer.concat(chunks);
  if (all.length === 0) throw new PasswordAborted('--password-stdin found stdin empty (give the password as its first line)');
  return all.toString('utf8').split(/\r?\n/)[0] ?? '';
}
