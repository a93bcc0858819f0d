// The service log: the program's stdout and stderr and the host's own lines in one file,
// `<dir>/<name>.log`, rotated by size and by day into `<name>.<yyyymmdd-hhmmss>.<nnn>.log`, keeping
// a number of rotated files. Output is cut into whole lines before it is written, and rotation
// happens only between lines, so no line is ever lost or split across two files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileBaseName } from '../file-names';

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

/** Longest partial line kept in memory; a longer one is written as a line of its own. */
const MAX_PENDING = 64 * 1024;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dayOf = (d: Date) => `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
const stampOf = (d: Date) => `${dayOf(d)}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;

/** The base name of the separate stderr log of `service` (`--log-stderr separate`). */
export const stderrLogName = (service: string) => `${logName(service)}.err`;

/** The base name of the log of `service` (`<name>.log`), encoded as a file name (lib/file-names.ts). */
export const logName = (service: string) => fileBaseName(service);

/** The rotated files of the log `<dir>/<name>.log`, oldest first. */
export function rotatedLogFiles(dir: string, name: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^${escaped}\\.\\d{8}-\\d{6}\\.\\d{3}\\.log$`);
  return names.filter((n) => pattern.test(n)).sort().map((n) => path.join(dir, n));
}

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

  constructor(private readonly options: LogWriterOptions) {
    this.file = path.join(options.dir, `${options.name}.log`);
    this.now = options.now ?? (() => new Date());
    this.maxSize = options.maxSize ?? 0;
    this.keep = options.keep ?? 0;
    this.daily = options.daily ?? false;
    this.timestamps = options.timestamps ?? false;
  }

  /** Opens (appending to) the current file, rotating it first when it is from another day. */
  open(): void {
    if (this.fd !== null) return;
    fs.mkdirSync(this.options.dir, { recursive: true });
    let stat: fs.Stats | null = null;
    try {
      stat = fs.statSync(this.file);
    } catch {
      stat = null;
    }
    if (stat && stat.size > 0 && this.daily && dayOf(stat.mtime) !== dayOf(this.now())) {
      this.rotate(stat.mtime);
      stat = null;
    }
    this.fd = fs.openSync(this.file, 'a');
    this.size = stat ? stat.size : 0;
    // What an earlier run left is not known line by line: it counts as the program's.
    this.programLines = this.size > 0 ? 1 : 0;
    this.day = dayOf(this.now());
  }

  /**
   * Writes one complete line (a trailing newline is added when missing). Rotates first when the
   * line would not fit or the day has changed. `own`: a line of the host itself, not the program's.
   */
  writeLine(line: string, prefix = '', own = false): void {
    this.open();
    const now = this.now();
    const text = `${this.timestamps ? `${now.toISOString()} ` : ''}${prefix}${line.endsWith('\n') ? line : `${line}\n`}`;
    const bytes = Buffer.from(text, 'utf8');
    const today = dayOf(now);
    if (this.size > 0 && ((this.maxSize > 0 && this.size + bytes.length > this.maxSize) || (this.daily && today !== this.day))) {
      this.rotate(now);
      this.fd = fs.openSync(this.file, 'a');
      this.size = 0;
      this.programLines = 0;
    }
    this.day = today;
    let offset = 0;
    while (offset < bytes.length) offset += fs.writeSync(this.fd as number, bytes, offset, bytes.length - offset);
    this.size += bytes.length;
    if (!own) this.programLines++;
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
    this.rotateNow();
    this.lastRequestedAt = this.now().getTime();
    return null;
  }

  /**
   * Rotates now, between two lines (the next line starts a new file), unless the current file is
   * empty. Returns whether it rotated.
   */
  rotateNow(): boolean {
    this.open();
    if (this.size === 0) return false;
    this.rotate(this.now());
    this.fd = fs.openSync(this.file, 'a');
    this.size = 0;
    this.programLines = 0;
    return true;
  }

  /** Closes the current file (a later write reopens it). */
  close(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } finally {
      this.fd = null;
    }
  }

  /** The rotated files, oldest first. */
  rotatedFiles(): string[] {
    return rotatedLogFiles(this.options.dir, this.options.name);
  }

  private rotate(at: Date): void {
    this.close();
    const stamp = stampOf(at);
    let target = '';
    for (let n = 1; n < 1000; n++) {
      target = path.join(this.options.dir, `${this.options.name}.${stamp}.${pad(n, 3)}.log`);
      if (!fs.existsSync(target)) break;
    }
    try {
      fs.renameSync(this.file, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (this.keep > 0) {
      const rotated = this.rotatedFiles();
      for (const old of rotated.slice(0, Math.max(0, rotated.length - this.keep))) fs.rmSync(old, { force: true });
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
