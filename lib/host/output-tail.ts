// The last lines a program wrote to a log it writes itself (log.direct): what an early failure is
// reported with, since the host never sees those lines go by. Read from where the file stood when
// the program started; the host's own lines in between are left out.
import * as fs from 'node:fs';
import { HOST_PREFIX } from './host-log';

/** How much of the end of this run's output is read: enough for the tail, bounded for a chatty program. */
export const OUTPUT_TAIL_BYTES = 64 * 1024;

/** A host line: `<ISO time> [scm-native] ...` (a direct log has no timestamps of its own). */
const HOST_LINE = new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ${HOST_PREFIX.replace(/[[\]]/g, '\\$&')}`);

/**
 * The complete lines written to `file` from `offset` on (at most the last {@link OUTPUT_TAIL_BYTES}),
 * without the host's lines; [] when the file cannot be read (rotated away, deleted).
 */
export function readOutputTail(file: string, offset: number): string[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    const from = Math.max(offset, size - OUTPUT_TAIL_BYTES);
    if (size <= from) return [];
    const bytes = Buffer.alloc(size - from);
    let read = 0;
    while (read < bytes.length) {
      const n = fs.readSync(fd, bytes, read, bytes.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    const lines = bytes.subarray(0, read).toString('utf8').split('\n').map((line) => line.replace(/\r$/, ''));
    // A first line cut by the byte limit is not a whole line.
    if (from > offset) lines.shift();
    return lines.filter((line) => line !== '' && !HOST_LINE.test(line));
  } finally {
    fs.closeSync(fd);
  }
}
