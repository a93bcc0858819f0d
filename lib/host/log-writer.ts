// The service log: the program's stdout and stderr and the host's own lines in one file,
// `<dir>/<name>.log`, rotated by size and by day into `<name>.<yyyymmdd-hhmmss>.<nnn>.log`, keeping
// a number of rotated files. Output is cut into whole lines before it is written, and rotation
// happens only between lines, so no line is ever lost or split across two files.
//
// Another process may hold the log open (a reader, a tail, an antivirus scanner). One that opened
// it without FILE_SHARE_DELETE makes the rotation's rename fail: the writer then keeps appending
// to the current file (past its size limit) and tries again later. One that opened it with no
// sharing at all while the writer had it closed (share mode 0) keeps the writer from opening it:
// the lines then go to a new file with a rotated file's name until the current file can be opened
// again. Each such problem is written to the log once, as a host line (`notePrefix`).
//
// With `compress`, rotated files become gzip files in the background (log-compressor.ts), and
// retention counts a compressed file as the rotated file it was (rotated-logs.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileBaseName } from '../file-names';
import { LogCompressor } from './log-compressor';
import { GZ_SUFFIX, rotatedLogFiles, rotatedLogSet } from './rotated-logs';

export { rotatedLogFiles } from './rotated-logs';

export interface LogWriterOptions {
  dir: string;
  /** Base name of the files (the service name). */
  name: string;
  timestamps?: boolean;
  /** Rotate before a line would take the file past this many bytes; 0: never. */
  maxSize?: number;
  /** Rotate when the local date changes. */
  daily?: boolean;
  /** Rotated files kept; 0 keeps all. */
  keep?: number;
  /** The time (injectable for tests). */
  now?: () => Date;
  /**
   * The prefix of the writer's own lines about rotation problems (called per line; the host's
   * `[scm-native] `). Without it, problems are not written.
   */
  notePrefix?: () => string;
  /** Milliseconds before a failed rotation, or a current file that could not be opened, is tried again (default 30 s). */
  retryMs?: number;
  /** Compress rotated files with gzip, in the background (log-compressor.ts). */
  compress?: boolean;
  /** Rotate a non-empty current file when this writer first opens it: a new file at each start of the host (a service start). */
  rotateOnStart?: boolean;
  /**
   * The program writes the file too, through {@link LogWriter.programHandle}: rotation by size and
   * by day then happens only there, before each start of the program, never between the host's
   * own lines (the program's handle would stay on the renamed file).
   */
  direct?: boolean;
}

/** Where a program that writes its log itself writes: the open file, and its size when handed over. */
export interface ProgramHandle {
  fd: number;
  file: string;
  offset: number;
}

/**
 * Requested rotations (the rotate control, `scm-native rotate`) are limited: whoever may send the
 * control (docs/security.md) must not be able to rotate every real log file away (each rotation
 * can delete the oldest kept file). A requested rotation happens only when
 * - the current file holds something besides the host's own lines (a file found at start, from an
 *   earlier run, counts as holding the program's output), and
 * - the last requested rotation of this file was at least {@link REQUESTED_ROTATION_INTERVAL_MS}
 *   ago, or the current file has reached {@link REQUESTED_ROTATION_GROWTH} bytes since (the file
 *   starts anew at each rotation, so its size is what it grew).
 * Rotations by size and by day are not limited.
 */
export const REQUESTED_ROTATION_INTERVAL_MS = 60000;
export const REQUESTED_ROTATION_GROWTH = 1024 * 1024;

/** What the rule of requested rotations looks at. */
export interface RequestedRotationState {
  /** Bytes in the current file. */
  size: number;
  /** Lines in the current file that are not the host's own (or the size of a file found at start). */
  programLines: number;
  /** When the last requested rotation of this file happened (ms since the epoch), or null. */
  lastRequestedAt: number | null;
  now: number;
}

/** Why a requested rotation is not done now, or null when it is. */
export function requestedRotationRefusal(s: RequestedRotationState): string | null {
  if (s.size === 0) return 'the log file is empty';
  if (s.programLines === 0) return "the log file holds only the host's own lines (nothing from the program yet)";
  if (s.lastRequestedAt !== null && s.now - s.lastRequestedAt < REQUESTED_ROTATION_INTERVAL_MS && s.size < REQUESTED_ROTATION_GROWTH) {
    const wait = Math.ceil((REQUESTED_ROTATION_INTERVAL_MS - (s.now - s.lastRequestedAt)) / 1000);
    return `the last requested rotation was less than ${REQUESTED_ROTATION_INTERVAL_MS / 1000} s ago and the file holds less than ${REQUESTED_ROTATION_GROWTH} bytes (${wait} s to wait)`;
  }
  return null;
}

/** Errors of a file another process holds (sharing violation, or delete access denied). */
const HELD = new Set(['EBUSY', 'EPERM', 'EACCES']);

/** Longest partial line kept in memory; a longer one is written as a line of its own. */
const MAX_PENDING = 64 * 1024;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dayOf = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
const stampOf = (d: Date) => `${dayOf(d)}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;

/** The base name of the separate stderr log of `service` (`--log-stderr separate`). */
export const stderrLogName = (service: string) => `${logName(service)}.err`;

/** The base name of the log of `service` (`<name>.log`), encoded as a file name (lib/file-names.ts). */
export const logName = (service: string) => fileBaseName(service);

export class LogWriter {
  readonly file: string;
  private fd: number | null = null;
  private size = 0;
  private programLines = 0;
  private lastRequestedAt: number | null = null;
  private day = '';
  private readonly now: () => Date;
  private readonly maxSize: number;
  private readonly keep: number;
  private readonly daily: boolean;
  private readonly timestamps: boolean;
  private readonly retryMs: number;
  /** The open file is not {@link file} but a stand-in with a rotated name (the current file was held). */
  private standIn = false;
  /** When a failed rotation or a held current file is tried again (0: no failure pending). */
  private retryAt = 0;
  /**
   * The rotated name kept free, while stand-ins are written, for the lines the current file had
   * before them: it sorts after every earlier rotated file and before the first stand-in.
   */
  private reserved: string | null = null;
  /** Whether the rename failure now in progress has been written to the log. */
  private renameNoted = false;
  /** The stand-in open now, if any (never compressed while open). */
  private standInFile: string | null = null;
  /** Whether {@link open} ran before (its start-time duties are done once per writer). */
  private opened = false;
  /** With `compress`: compresses the rotated files in the background. */
  private readonly compressor: LogCompressor | null;
  /**
   * Text appended but not yet written to {@link fd}: within {@link batch} the lines of one chunk
   * of output go to the file in one write (one system call, where a write per line made the
   * host's copy slow). Written before the open file changes (every change goes through
   * {@link close}), so each line still lands in the file its rotation check chose.
   */
  private unwritten: string[] = [];
  /** Nesting depth of {@link batch}: 0 writes each line at once. */
  private batching = 0;

  constructor(private readonly options: LogWriterOptions) {
    this.file = path.join(options.dir, `${options.name}.log`);
    this.now = options.now ?? (() => new Date());
    this.maxSize = options.maxSize ?? 0;
    this.keep = options.keep ?? 0;
    this.daily = options.daily ?? false;
    this.timestamps = options.timestamps ?? false;
    this.retryMs = options.retryMs ?? 30000;
    this.compressor = options.compress
      ? new LogCompressor(options.dir, options.name, { note: (m) => this.note(m), prune: () => this.prune(), openFile: () => (this.standIn ? this.standInFile : null) })
      : null;
  }

  /**
   * Opens (appending to) the current file, rotating it first when it is from another day, or, the
   * first time with `rotateOnStart`, when it holds anything. The first open also starts the
   * compressor's tidy-up of what an earlier run left (`compress`).
   */
  open(): void {
    if (this.fd !== null) return;
    fs.mkdirSync(this.options.dir, { recursive: true });
    let stat: fs.Stats | null = null;
    try {
      stat = fs.statSync(this.file);
    } catch {
      stat = null;
    }
    const first = !this.opened;
    this.opened = true;
    // A direct log is rotated after its first open only in programHandle(), never under a program.
    if (stat && stat.size > 0 && this.daily && (first || !this.options.direct) && dayOf(stat.mtime) !== dayOf(this.now())) {
      if (this.renameAway(this.freeRotatedName(stat.mtime))) stat = null;
    }
    if (first && stat && stat.size > 0 && this.options.rotateOnStart) {
      // Named by when the file was last written, as a daily rotation names it.
      if (this.renameAway(this.freeRotatedName(stat.mtime))) stat = null;
    }
    if (first) this.compressor?.schedule();
    try {
      this.fd = fs.openSync(this.file, 'a');
      this.standIn = false;
      this.size = stat ? stat.size : 0;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!HELD.has(code)) throw error;
      this.openStandIn(code);
    }
    // What an earlier run left is not known line by line: it counts as the program's.
    this.programLines = this.size > 0 ? 1 : 0;
    // A direct log's day is the day its file began (programHandle), not that of a reopening.
    if (first || !this.options.direct) this.day = dayOf(this.now());
  }

  /**
   * Writes one complete line (a trailing newline is added when missing). Rotates first when the
   * line would not fit or the day has changed. `own`: a line of the host itself, not the program's.
   */
  writeLine(line: string, prefix = '', own = false): void {
    this.open();
    const now = this.now();
    const text = `${this.timestamps ? `${now.toISOString()} ` : ''}${prefix}${line.endsWith('\n') ? line : `${line}\n`}`;
    const length = Buffer.byteLength(text, 'utf8');
    const today = dayOf(now);
    if (this.standIn && now.getTime() >= this.retryAt) this.leaveStandIn();
    if (!this.options.direct && this.size > 0 && ((this.maxSize > 0 && this.size + length > this.maxSize) || (this.daily && today !== this.day))) {
      if (now.getTime() >= this.retryAt) this.rotate(now);
    }
    // A direct log keeps the day its file began: its rotation by day waits for the program's start.
    if (!this.options.direct) this.day = today;
    this.append(text, length);
    if (!own) this.programLines++;
  }

  /**
   * The open file for a program about to start that writes it itself (`direct`): first rotated
   * when it has reached the size limit (read from the file, which the program wrote) or began on
   * another day, or when a stand-in may give way to the current
   * file. The program gets a duplicate of this append-only handle (FILE_APPEND_DATA without
   * FILE_WRITE_DATA, as Node opens with 'a'), so its writes and the host's never overwrite
   * each other. `offset`: the file's size now, where this run's output begins.
   */
  programHandle(): ProgramHandle {
    this.open();
    const now = this.now();
    if (this.standIn && now.getTime() >= this.retryAt) this.leaveStandIn();
    const stat = fs.fstatSync(this.fd as number);
    this.size = stat.size;
    // The file's day is the day it began (its last write may be a host line of today).
    const dayPassed = this.daily && this.day !== dayOf(now);
    if (stat.size > 0 && (dayPassed || (this.maxSize > 0 && stat.size >= this.maxSize))) {
      if (now.getTime() >= this.retryAt && this.rotate(now)) this.day = dayOf(now);
    } else if (stat.size === 0) {
      this.day = dayOf(now);
    }
    this.flush();
    return { fd: this.fd as number, file: this.standIn && this.standInFile !== null ? this.standInFile : this.file, offset: this.size };
  }

  /** Why a requested rotation would not be done now ({@link requestedRotationRefusal}), or null. */
  requestedRotationRefusal(): string | null {
    this.open();
    return requestedRotationRefusal({ size: this.size, programLines: this.programLines, lastRequestedAt: this.lastRequestedAt, now: this.now().getTime() });
  }

  /** A requested rotation: rotates when the rule allows it; returns why not, or null when it rotated. */
  requestRotation(): string | null {
    const refusal = this.requestedRotationRefusal();
    if (refusal !== null) return refusal;
    if (!this.rotateNow()) return 'another process holds the log file without delete sharing (it is rotated once it can be)';
    this.lastRequestedAt = this.now().getTime();
    return null;
  }

  /**
   * Rotates now, between two lines (the next line starts a new file), unless the current file is
   * empty. Returns whether it rotated (false too when another process holds the file).
   */
  rotateNow(): boolean {
    this.open();
    if (this.size === 0) return false;
    return this.rotate(this.now());
  }

  /**
   * Runs `fn`, writing the lines it writes (rotations included) with as few writes as the
   * rotations allow: the copy of one chunk of the program's output is one write. The lines are
   * written before this returns, so a reader never waits for a later chunk.
   */
  batch(fn: () => void): void {
    this.batching++;
    try {
      fn();
    } finally {
      this.batching--;
      if (this.batching === 0) this.flush();
    }
  }

  /** Closes the current file (a later write reopens it), after writing what is not written yet. */
  close(): void {
    if (this.fd === null) return;
    try {
      this.flush();
    } finally {
      try {
        fs.closeSync(this.fd);
      } finally {
        this.fd = null;
      }
    }
  }

  /** The plain rotated files, oldest first. */
  rotatedFiles(): string[] {
    return rotatedLogFiles(this.options.dir, this.options.name);
  }

  /** Settles once no compression is under way (at once without `compress`). */
  async compressionIdle(): Promise<void> {
    await this.compressor?.idle();
  }

  /** Appends `text` (`length` bytes in UTF-8) to the open file: now, or at the end of the batch. */
  private append(text: string, length = Buffer.byteLength(text, 'utf8')): void {
    this.unwritten.push(text);
    this.size += length;
    if (this.batching === 0) this.flush();
  }

  /** Writes the text appended since the last write to the open file, in one write. */
  private flush(): void {
    if (this.unwritten.length === 0) return;
    const bytes = Buffer.from(this.unwritten.length === 1 ? (this.unwritten[0] as string) : this.unwritten.join(''), 'utf8');
    // Dropped even when the write fails (a full disk): those lines are lost, as one line was before.
    this.unwritten = [];
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(this.fd as number, bytes, offset, bytes.length - offset);
  }

  /** Writes the writer's own line about a problem into the open file (no rotation check). */
  private note(message: string): void {
    if (!this.options.notePrefix || this.fd === null) return;
    const stamp = this.timestamps ? `${this.now().toISOString()} ` : '';
    try {
      this.append(`${stamp}${this.options.notePrefix()}${message}\n`);
    } catch {
      // the note is lost, not the lines
    }
  }

  /**
   * The current file is held with no sharing (it cannot even be opened for appending): the lines
   * go to a new file with a rotated name, the stand-in, until the current file opens again.
   */
  private openStandIn(code: string): void {
    const first = !this.standIn;
    if (first) this.reserved = this.freeRotatedName(this.now());
    const standIn = this.freeRotatedName(this.now());
    this.fd = fs.openSync(standIn, 'wx');
    this.standIn = true;
    this.standInFile = standIn;
    this.size = 0;
    this.programLines = 0;
    this.retryAt = this.now().getTime() + this.retryMs;
    if (first) this.note(`cannot open the log file ${this.file} (${code}: another process holds it without sharing): writing to ${path.basename(standIn)} until it can`);
  }

  /**
   * Tries the current file again. Once it opens, the lines it had before the stand-ins are renamed
   * to the rotated name kept for them (so the files keep their order) and a new current file
   * starts; while it is still held the stand-in stays.
   */
  private leaveStandIn(): string | null {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'a');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!HELD.has(code)) throw error;
      this.retryAt = this.now().getTime() + this.retryMs;
      return code;
    }
    this.close();
    this.fd = fd;
    this.standIn = false;
    this.standInFile = null;
    this.retryAt = 0;
    this.size = fs.fstatSync(fd).size;
    this.programLines = this.size > 0 ? 1 : 0;
    const reserved = this.reserved;
    this.reserved = null;
    if (this.size > 0 && reserved !== null && this.renameAway(reserved)) {
      this.close();
      this.fd = fs.openSync(this.file, 'a');
      this.size = 0;
      this.programLines = 0;
    }
    this.prune();
    this.note(`the log file ${this.file} can be written again`);
    return null;
  }

  /**
   * Starts a new current file. The open file is renamed while still open (Node opens files with
   * FILE_SHARE_DELETE, so its own handle does not stand in the way), leaving no moment in which
   * another process could open it with no sharing. When the rename fails because another
   * process holds the file without FILE_SHARE_DELETE, the writer goes on appending to it and
   * tries again after `retryMs`. Returns whether a new file was started.
   */
  private rotate(at: Date): boolean {
    if (this.standIn) {
      // The stand-in already has a rotated name: the current file again, or a new stand-in.
      const held = this.leaveStandIn();
      if (held !== null) {
        this.close();
        this.openStandIn(held);
        this.prune();
      }
      this.compressor?.schedule();
      return true;
    }
    if (!this.renameAway(this.freeRotatedName(at))) return false;
    this.close();
    this.fd = fs.openSync(this.file, 'a');
    this.size = 0;
    this.programLines = 0;
    this.prune();
    this.compressor?.schedule();
    return true;
  }

  /**
   * A rotated file name for `at` that sorts after every rotated file of the same second, in any
   * form (plain, `.gz`, `.gz.tmp`), and after the reserved one. The first free counter would not
   * do: once retention or compression has removed `.001.log`, a new `.001.log` would sort before
   * the newer files of that second (and be the first deleted), or meet its old `.gz`.
   */
  private freeRotatedName(at: Date): string {
    const prefix = `${this.options.name}.${stampOf(at)}.`;
    const taken = rotatedLogSet(this.options.dir, this.options.name).map((log) => path.basename(log.plain));
    if (this.reserved !== null) taken.push(path.basename(this.reserved));
    let last = 0;
    for (const base of taken) if (base.startsWith(prefix)) last = Math.max(last, Number(base.slice(prefix.length, prefix.length + 3)));
    return path.join(this.options.dir, `${prefix}${pad(Math.min(last + 1, 999), 3)}.log`);
  }

  /**
   * Renames the current file (open or not) to `target`. A file another process holds stays
   * where it is: false, written to the log once per run of failures, tried again after `retryMs`.
   * A missing file counts as done.
   */
  private renameAway(target: string): boolean {
    try {
      fs.renameSync(this.file, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENOENT') return true;
      if (!HELD.has(code)) throw error;
      this.retryAt = this.now().getTime() + this.retryMs;
      if (!this.renameNoted && this.fd !== null) {
        this.renameNoted = true;
        this.note(`cannot rotate the log file ${this.file} (${code}: another process holds it without delete sharing): appending to it and trying again every ${Math.max(1, Math.round(this.retryMs / 1000))} s`);
      }
      return false;
    }
    this.renameNoted = false;
    this.retryAt = 0;
    if (this.fd === null) this.prune();
    return true;
  }

  /**
   * Deletes the oldest rotated files beyond `keep`, a compressed one counting as the file it was
   * (a copy still being compressed is not one more file: its plain file counts).
   */
  private prune(): void {
    if (this.keep > 0) {
      const rotated = rotatedLogSet(this.options.dir, this.options.name).filter((log) => log.hasPlain || log.hasGz);
      for (const old of rotated.slice(0, Math.max(0, rotated.length - this.keep))) {
        if (old.hasPlain) fs.rmSync(old.plain, { force: true });
        if (old.hasGz) fs.rmSync(`${old.plain}${GZ_SUFFIX}`, { force: true });
      }
    }
  }
}

/**
 * Cuts a stream's chunks into whole lines. Each complete line (without its `\n`; a `\r` before it
 * is dropped too) goes to `onLine`; the rest waits for the next chunk or {@link flush}.
 */
export class LineSplitter {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true }));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
      this.onLine(text.slice(start, end));
      start = nl + 1;
    }
    this.pending = text.slice(start);
    while (this.pending.length > MAX_PENDING) {
      this.onLine(this.pending.slice(0, MAX_PENDING));
      this.pending = this.pending.slice(MAX_PENDING);
    }
  }

  /** Emits a partial last line, if any (at end of stream). */
  flush(): void {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    if (rest.length > 0) this.onLine(rest);
  }
}

/** The last `size` lines seen. */
export class LineRing {
  private readonly lines: string[] = [];
  constructor(private readonly size: number) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
  clear(): void {
    this.lines.length = 0;
  }
  get items(): string[] {
    return [...this.lines];
  }
}
