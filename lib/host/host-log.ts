// Where the host writes its lines: the program's stdout and stderr and the host's own lines go to
// the rotating service log when the host runs as a service, to this console in debug mode.
import { LogWriter, logName, stderrLogName, type ProgramHandle } from './log-writer';
import type { HostSettings } from './settings';

/** Prefix of the host's own lines in the log. */
export const HOST_PREFIX = '[scm-native] ';

export interface HostLog {
  stdout(line: string): void;
  stderr(line: string): void;
  host(line: string): void;
  /**
   * Runs `fn`, which writes lines (the lines of one chunk of the program's output), with the
   * writes to each file gathered into as few as the rotations allow (LogWriter.batch).
   */
  batch(fn: () => void): void;
  /**
   * A requested rotation (the rotate control): starts a new log file now unless the rule of
   * requested rotations (log-writer.ts) says not yet. Returns why it did not, or null when it did.
   */
  rotate(): string | null;
  /**
   * For a program that writes its log itself (log.direct), about to start: its stdout and stderr
   * (the log files' handles, rotated first when due; the console in debug mode), and where the
   * file holding its stderr stood (null: the console).
   */
  programOutput(): ProgramOutputTarget;
  close(): void;
  /**
   * Settles once the background compression of rotated files (`--log-compress`) is done, or after
   * `maxMs`: one cut short by the host's exit is done again at the next start (log-compressor.ts).
   */
  settle(maxMs: number): Promise<void>;
}

export interface ProgramOutputTarget {
  stdout: number | 'inherit';
  stderr: number | 'inherit';
  stderrFile: ProgramHandle | null;
}

/** Why `scm-native rotate` does nothing for a log the program writes itself. */
export const DIRECT_ROTATION_REFUSAL = 'the program writes this log itself (log.direct): a new file starts only when the program (re)starts and the file is due by size or day';

/** A duration as the host's lines write it: `2.5 s`, `30 s`. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;

/** The log of `service`: its log files, or the console in debug mode. */
export function openHostLog(service: string, settings: HostSettings, debug: boolean): HostLog {
  return debug ? consoleLog() : fileLog(service, settings);
}

function fileLog(service: string, settings: HostSettings): HostLog {
  const hostPrefix = () => `${settings.log.timestamps ? '' : `${new Date().toISOString()} `}${HOST_PREFIX}`;
  // A file another process holds is written about in the log itself, as a host line.
  const writer = new LogWriter({ ...settings.log, name: logName(service), notePrefix: hostPrefix });
  // `--log-stderr separate`: `<name>.err.log`, rotated by the same rules.
  const errWriter = settings.log.stderr === 'separate' ? new LogWriter({ ...settings.log, name: stderrLogName(service), notePrefix: hostPrefix }) : writer;
  const direct = settings.log.direct;
  const host = (line: string) => writer.writeLine(line, hostPrefix(), true);
  const safe = (fn: () => void) => {
    try {
      fn();
    } catch {
      // a full disk must not take the service down; the lines are lost, the program runs on
    }
  };
  return {
    stdout: (line) => safe(() => writer.writeLine(line)),
    stderr: (line) => safe(() => errWriter.writeLine(line)),
    host: (line) => safe(() => host(line)),
    batch: (fn) => safe(() => writer.batch(() => (errWriter === writer ? fn() : errWriter.batch(fn)))),
    programOutput: () => {
      const out = writer.programHandle();
      const err = errWriter === writer ? out : errWriter.programHandle();
      return { stdout: out.fd, stderr: err.fd, stderrFile: err };
    },
    rotate: () => {
      if (direct) return DIRECT_ROTATION_REFUSAL;
      let refusal: string | null = 'the rotation failed';
      safe(() => {
        refusal = writer.requestedRotationRefusal();
        if (refusal !== null) return;
        // The old file ends with the request, the new one starts with the next line.
        host('log rotation requested');
        refusal = writer.requestRotation();
      });
      if (errWriter !== writer) safe(() => { errWriter.requestRotation(); });
      return refusal;
    },
    close: () => {
      safe(() => writer.close());
      if (errWriter !== writer) safe(() => errWriter.close());
    },
    settle: async (maxMs) => {
      const idle = Promise.all([writer.compressionIdle(), errWriter.compressionIdle()]).catch(() => {});
      await Promise.race([idle, new Promise((r) => setTimeout(r, maxMs).unref())]);
    },
  };
}

function consoleLog(): HostLog {
  const write = (stream: NodeJS.WriteStream, text: string) => {
    try {
      stream.write(text);
    } catch {
      // console gone
    }
  };
  return {
    stdout: (line) => write(process.stdout, `${line}\n`),
    stderr: (line) => write(process.stderr, `${line}\n`),
    host: (line) => write(process.stderr, `${HOST_PREFIX}${line}\n`),
    batch: (fn) => fn(),
    programOutput: () => ({ stdout: 'inherit', stderr: 'inherit', stderrFile: null }),
    rotate: () => 'there is no log file (debug mode)',
    close: () => {},
    settle: async () => {},
  };
}
