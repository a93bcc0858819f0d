// `--log-compress`: the rotated files of a service log become gzip files, in the background. zlib
// streams do their work on libuv's threadpool, so the event loop (and with it the program's output,
// which the writer keeps appending to the live file) never waits for a compression.
//
// Crash safety: a file is compressed into `<file>.gz.tmp`, which is flushed to disk and only then
// renamed to `<file>.gz`; the plain file is deleted after that. A crash at any point leaves either
// the plain file (and perhaps a partial `.gz.tmp`) or a complete `.gz` (and perhaps the plain file
// too), never neither. Each sweep tidies what a crash left: a `.gz.tmp` is deleted (its plain file
// is still there and is compressed again), a plain file beside its complete `.gz` (one that
// decompresses to the same bytes) is deleted; a `.gz` that is not is replaced.
//
// Like logrotate's `delaycompress`, the newest rotated file stays plain until the next rotation:
// a reader that was in the live file when it was rotated (`scm-native logs --follow`) finishes it
// as plain text, and a log shipper gets the file it expects.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
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
 * Whether `<plain>.gz` is a complete compressed copy of `plain`: it decompresses to the same bytes
 * (compared by SHA-256, streamed, and stopped as soon as it gives more bytes than `plain` has). Not
 * trusted by name or size alone: a service account that may add files to a shared log folder must
 * not make another service's host delete a plain file by planting a `.gz` beside it.
 */
async function completeCopy(plain: string): Promise<boolean> {
  try {
    const { size } = await fs.promises.stat(plain);
    const digest = async (file: string, gzip: boolean, limit: number): Promise<string> => {
      const hash = crypto.createHash('sha256');
      let seen = 0;
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          seen += chunk.length;
          if (seen > limit) return done(new Error('longer than the plain file'));
          hash.update(chunk);
          return done();
        },
      });
      if (gzip) await pipeline(fs.createReadStream(file), zlib.createGunzip(), sink);
      else await pipeline(fs.createReadStream(file), sink);
      return hash.digest('hex');
    };
    const [ofGz, ofPlain] = await Promise.all([digest(`${plain}${GZ_SUFFIX}`, true, size), digest(plain, false, Number.MAX_SAFE_INTEGER)]);
    return ofGz === ofPlain;
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
