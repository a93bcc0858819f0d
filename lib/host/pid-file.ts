// The optional pid file of a hosted program (`--pid-file`): for tools that find a daemon by its
// pid file (monitoring agents, COMAR-style service scripts). The host owns it: written when the
// program starts, deleted when it exits. Never fatal: a failure is reported to the caller's log.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renameWithRetry } from './atomic-rename';

/**
 * Writes `pid` (decimal + newline) to `file`, creating its folder: through a temporary file and a
 * rename (tried again for about a second while another process holds the file), so a reader
 * never sees a half-written file, and a stale file (a killed host's) is
 * simply replaced. Returns the error message, or null on success.
 */
export function writePidFile(file: string, pid: number): string | null {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, `${pid}\n`);
    renameWithRetry(tmp, file);
    return null;
  } catch (error) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // no folder to hold it (ENOTDIR...): there is no temporary file either
    }
    return (error as Error).message;
  }
}

/**
 * Deletes `file` if it still holds `pid`: a file someone else has rewritten since (another
 * instance, the program itself) is not ours to delete. Returns the error message, or null when
 * the file is gone or not ours.
 */
export function removePidFile(file: string, pid: number): string | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : (error as Error).message;
  }
  if (text.trim() !== String(pid)) return null;
  try {
    fs.rmSync(file, { force: true });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The pid file of one host's program (`file` null: none): written at each start, deleted at each
 * exit, and only while it holds the pid this host wrote. Failures go to `note` (the host's log).
 */
export class ProgramPidFile {
  /** The pid this host wrote (null: none, or deleted since). */
  private written: number | null = null;

  constructor(
    private readonly file: string | null,
    private readonly note: (message: string) => void,
  ) {}

  write(pid: number | undefined): void {
    if (this.file === null || pid === undefined) return;
    const error = writePidFile(this.file, pid);
    if (error) this.note(`could not write the pid file ${this.file}: ${error}`);
    else this.written = pid;
  }

  remove(): void {
    if (this.file === null || this.written === null) return;
    const error = removePidFile(this.file, this.written);
    if (error) this.note(`could not delete the pid file ${this.file}: ${error}`);
    this.written = null;
  }
}
