// Follows a service log across rotations, as `tail -F` would, but without losing the lines written
// between two polls: the host may rotate several times in between, and the follower then reads
// the rest of the file it was in (now a rotated file), every rotated file after it, and the
// current file. Files are told apart by their file ID, which a rename keeps, and the file being
// read also by its first bytes: a file system may give a deleted file's ID to a new file (ext4 and
// so Wine do; NTFS IDs carry a sequence number), and a creation time does not help, as Wine
// reports the last change there. No file is held open between polls, so the writer can always
// rename and delete.
//
// The backlog (`logs --lines`) reaches back into compressed rotated files (`--log-compress`) too.
// Following reads plain files only: the newest rotated file stays plain until the next rotation
// (log-compressor.ts), so a follower that polls at least once per rotation misses nothing.
import { constants } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { readableRotatedLogs, rotatedLogFiles } from './rotated-logs';

interface LogFile {
  file: string;
  /** File ID; '' where the file system has none. */
  id: string;
}

const idOf = (stat: fs.BigIntStats) => (stat.ino === 0n ? '' : String(stat.ino));

export class LogFollower {
  readonly file: string;
  /** The file being read (its ID) and how far; null before the first poll. */
  private at: { id: string; position: number; head: Buffer } | null = null;
  /** Bytes after the last newline, kept for the next poll (a line may be seen half written). */
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly dir: string,
    private readonly name: string,
  ) {
    this.file = path.join(dir, `${name}.log`);
  }

  /**
   * Starts following: returns the last `count` lines written so far, reaching back into the
   * rotated files when the current one has fewer; each later {@link poll} returns the lines
   * written after them, none missed and none twice.
   */
  start(count: number): string[] {
    this.pending = Buffer.alloc(0);
    const current = this.list().find((f) => f.file === this.file);
    // With no log yet, whatever appears later is new, rotated files included (at stays null).
    this.at = current ? { id: current.id, position: 0, head: EMPTY } : null;
    const lines = splitLines(this.poll());
    if (!current) return lastOf(lines, count);
    // The rotated files older than the file the backlog began in are complete: read back from the
    // newest of them. (If the host rotated meanwhile, that file is among the rotated ones now.)
    const rotated = readableRotatedLogs(this.dir, this.name);
    let older = rotated.length;
    if (current.id !== '') {
      const index = rotated.findIndex((file) => statEntry(file)?.id === current.id);
      if (index !== -1) older = index;
    }
    for (let i = older - 1; i >= 0 && lines.length < count; i--) {
      lines.unshift(...splitLines(readWhole(rotated[i] as string)).slice(-(count - lines.length)));
    }
    return lastOf(lines, count);
  }

  /** The complete lines appended since the last poll, in order, each ending with `\n`. */
  poll(): string {
    const chunks: Buffer[] = [this.pending];
    // A rename between listing and reading shows as a changed file ID: list again.
    for (let attempt = 0; attempt < 5; attempt++) {
      if (this.readOnce(chunks)) break;
    }
    const all = Buffer.concat(chunks);
    // A newline byte never occurs inside a UTF-8 sequence, so whole lines decode cleanly.
    const end = all.lastIndexOf(0x0a) + 1;
    this.pending = all.subarray(end);
    return all.subarray(0, end).toString('utf8');
  }

  /**
   * Reads on from where the last poll stopped up to the end of the current file, pushing the bytes
   * to `chunks`; false when a file changed under the listing before the end was reached.
   */
  private readOnce(chunks: Buffer[]): boolean {
    const files = this.list();
    const current = files[files.length - 1];
    if (!current) return true; // no log yet
    // No position yet: everything is new, from the oldest file on.
    if (this.at === null) this.at = { id: (files[0] as LogFile).id, position: 0, head: EMPTY };
    const at = this.at;
    // Without file IDs only the current file can be told: by its first bytes.
    let index = at.id === '' ? files.length - 1 : files.findIndex((f) => f.id === at.id);
    for (let i = index === -1 ? files.length - 1 : index; i < files.length; i++) {
      const entry = files[i] as LogFile;
      const read = i === index ? readFrom(entry, at.position, at.head) : readFrom(entry, 0, EMPTY);
      if (read === null) return false;
      if (read === 'replaced') {
        // Not the file we were in: that one is gone (deleted by `keep`, its ID given to a newer
        // file). Go on with the current file, from its start.
        index = -1;
        i = files.length - 2;
        continue;
      }
      chunks.push(read.bytes);
      this.at = { id: entry.id, position: read.end, head: read.head };
    }
    return true;
  }

  /**
   * The rotated files, oldest first, then the current file, each with its ID. The current file is
   * looked at first: if the host rotates it meanwhile, the directory listing that follows has it
   * among the rotated files (the current entry then names a file that is no longer there, which
   * the read notices), whereas the other order could miss it altogether.
   */
  private list(): LogFile[] {
    const current = statEntry(this.file);
    const out: LogFile[] = [];
    for (const file of rotatedLogFiles(this.dir, this.name)) {
      const entry = statEntry(file);
      if (entry) out.push(entry);
    }
    if (current) out.push(current);
    return out;
  }
}

function statEntry(file: string): LogFile | null {
  try {
    return { file, id: idOf(fs.statSync(file, { bigint: true })) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

const lastOf = (lines: string[], count: number) => (count === 0 ? [] : lines.slice(-count));

function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * The text of a rotated file, a compressed one (`.gz`) decompressed; empty when `keep` deleted it
 * meanwhile, or compression replaced a plain one (its `.gz` is then read).
 */
function readWhole(file: string): string {
  try {
    const bytes = fs.readFileSync(file);
    // A .gz that decompresses to more than a string can hold (a planted one) fails, not the memory.
    return (file.endsWith('.gz') ? zlib.gunzipSync(bytes, { maxOutputLength: MAX_STRING_LENGTH }) : bytes).toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return file.endsWith('.gz') ? '' : readWhole(`${file}.gz`);
  }
}

const MAX_STRING_LENGTH = constants.MAX_STRING_LENGTH;

/** How many of a file's first bytes identify it along with its ID (file IDs can be reused). */
const HEAD_BYTES = 64;
const EMPTY = Buffer.alloc(0);

/**
 * The bytes of `entry` from `from` to its end, and its first bytes; null when its path is now
 * another file, 'replaced' when its first bytes are no longer `head` (another file with the ID).
 */
function readFrom(entry: LogFile, from: number, head: Buffer): { bytes: Buffer; end: number; head: Buffer } | 'replaced' | null {
  let fd: number;
  try {
    fd = fs.openSync(entry.file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd, { bigint: true });
    if (idOf(stat) !== entry.id) return null;
    const size = Number(stat.size);
    const start = readAt(fd, 0, Math.min(HEAD_BYTES, size));
    if (start.length < head.length || !start.subarray(0, head.length).equals(head)) return 'replaced';
    // A file truncated in place starts over.
    const position = size < from ? 0 : from;
    const bytes = readAt(fd, position, size - position);
    const end = position + bytes.length;
    return { bytes, end, head: start.subarray(0, Math.min(start.length, end)) };
  } finally {
    fs.closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = fs.readSync(fd, bytes, read, length - read, position + read);
    if (n === 0) break;
    read += n;
  }
  return bytes.subarray(0, read);
}
