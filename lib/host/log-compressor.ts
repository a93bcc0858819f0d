// `--log-compress`: the rotated files of a service log become gzip files, in the background. zlib
// streams do their work on libuv's threadpool, so the event loop (and with it the program's output,
// which the writer keeps appending to the live file) never waits for a compression.
//
// Crash safety: a file is compressed into `<file>.gz.tmp`, which is flushed to disk and only then
// renamed to `<file>.gz`; the plain file is deleted after that. A crash at any point leaves either
// the plain file (and perhaps a partial `.gz.tmp`) or a complete `.gz` (and perhaps the plain file
// too), never neither. Each sweep tidies what a crash left: a `.gz.tmp` is deleted (its plain file
// is still there and is compressed again), a plain file beside its complete `.gz` is deleted. A
// `.gz` counts as complete when it is a file whose gzip trailer gives the plain file's size.
//
// Like logrotate's `delaycompress`, the newest rotated file stays plain until the next rotation:
// a reader that was in the live file when it was rotated (`scm-native logs --follow`) finishes it
// as plain text, and a log shipper gets the file it expects.
import * as fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { errorMessage } from '../text';
import { GZ_SUFFIX, GZ_TMP_SUFFIX, rotatedLogSet } from './rotated-logs';

/** What a compressor needs of its log writer. */
export interface CompressorHooks {
  /** Writes one of the compressor's own lines (a failure) into the log. */
  note(message: string): void;
  /** Applies retention (`log.keep`) once compressed files have replaced plain ones. */
  prune(): void;
  /** A rotated-name file the writer has open right now (a stand-in for a held file), or null. */
  openFile(): string | null;
}

/**
 * Whether `<plain>.gz` is a complete compressed copy of `plain`: a file whose gzip trailer (ISIZE,
 * the last 4 bytes, RFC 1952) gives the plain file's size modulo 2^32.
 */
async function completeCopy(plain: string): Promise<boolean> {
  try {
    const [gz, original] = await Promise.all([fs.promises.stat(`${plain}${GZ_SUFFIX}`), fs.promises.stat(plain)]);
    if (!gz.isFile() || gz.size < 20) return false;
    const handle = await fs.promises.open(`${plain}${GZ_SUFFIX}`, 'r');
    try {
      const trailer = Buffer.alloc(4);
      await handle.read(trailer, 0, 4, gz.size - 4);
      return trailer.readUInt32LE(0) === original.size % 0x100000000;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** Compresses the rotated files of one log (`<dir>/<name>.log`), one at a time. */
export class LogCompressor {
  /** The sweep under way, or null. */
  private running: Promise<void> | null = null;
  /** Another sweep was asked for while one ran. */
  private again = false;
  /** Plain files whose compression failed in this run of the host: not tried again until the next. */
  private readonly failed = new Set<string>();
  /** Plain files that could not be deleted after compression (held): said once. */
  private readonly heldNoted = new Set<string>();

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly hooks: CompressorHooks,
  ) {}

  /** Compresses what is due, in the background (a sweep already under way runs once more after). */
  schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sweepUntilDone().finally(() => {
      this.running = null;
    });
  }

  /** Settles once no sweep is under way (for tests, and a host that wants to finish before it ends). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async sweepUntilDone(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.sweep();
      } catch (error) {
        this.hooks.note(`log compression: ${errorMessage(error)}`);
      }
    } while (this.again);
  }

  /** Tidies what a crash left, compresses every plain rotated file but the newest, applies retention. */
  private async sweep(): Promise<void> {
    const logs = rotatedLogSet(this.dir, this.name);
    const open = this.hooks.openFile();
    for (const [i, log] of logs.entries()) {
      // Sweeps never overlap, so a .gz.tmp seen here is no compression in progress: a crash's.
      // (A failure here shows when the compression cannot create it.)
      if (log.hasTmp) await fs.promises.rm(`${log.plain}${GZ_TMP_SUFFIX}`, { force: true }).catch(() => {});
      if (log.hasPlain && log.hasGz && (await completeCopy(log.plain))) {
        await this.removePlain(log.plain);
        continue;
      }
      const newest = i === logs.length - 1;
      if (log.hasPlain && !newest && log.plain !== open && !this.failed.has(log.plain)) await this.compress(log.plain);
    }
    this.hooks.prune();
  }

  /** `file` to `file.gz` through `file.gz.tmp`, then `file` deleted; a failure leaves `file`, noted. */
  private async compress(file: string): Promise<void> {
    const tmp = `${file}${GZ_TMP_SUFFIX}`;
    try {
      // 'wx': created new, in the log folder, so it inherits the folder's DACL like the log files.
      await pipeline(fs.createReadStream(file), zlib.createGzip(), fs.createWriteStream(tmp, { flags: 'wx' }));
      // On disk before the rename (FlushFileBuffers needs write access, hence 'r+').
      const written = await fs.promises.open(tmp, 'r+');
      try {
        await written.sync();
      } finally {
        await written.close();
      }
      await fs.promises.rename(tmp, `${file}${GZ_SUFFIX}`);
    } catch (error) {
      this.failed.add(file);
      await fs.promises.rm(tmp, { force: true }).catch(() => {});
      // Retention may have deleted the file meanwhile: nothing to say then.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.hooks.note(`could not compress the rotated log ${file} (${errorMessage(error)}): it stays as it is`);
      }
      return;
    }
    await this.removePlain(file);
  }

  /** Deletes a plain file that has its complete `.gz`; one that another process holds waits for the next sweep. */
  private async removePlain(file: string): Promise<void> {
    try {
      await fs.promises.rm(file, { force: true });
      this.heldNoted.delete(file);
    } catch (error) {
      if (this.heldNoted.has(file)) return;
      this.heldNoted.add(file);
      this.hooks.note(`compressed the rotated log ${file}, but could not delete it (${errorMessage(error)}): it is deleted at a later rotation`);
    }
  }
}
