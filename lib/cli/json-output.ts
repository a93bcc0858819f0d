// `--json`: every command writes one JSON document on stdout (watch and `logs --follow`: one per
// line), and an error is a document too, `{"error": {code, errno, syscall, service, message}}`,
// on stdout with the same exit code as without --json. Without --json an error is one line on
// stderr. Both come from here, so the two shapes of an error cannot drift apart.
import { ScmError } from '../errors/scm-error';
import { ServicesFileError } from '../declarative/services-file-error';
import { errorMessage, oneLine } from '../text';
import { UsageError } from './args';
import { cliErrorText } from './error-text';
import { EXIT } from './exit-codes';
import { terminalJson } from './output';
import type { Io } from './output';

/** The `error` object of a failed command's JSON document. */
export interface JsonError {
  /** `USAGE`, a Win32 name (`ERROR_SERVICE_DOES_NOT_EXIST`), an `ERR_SCM_*` code, `ERR_INVALID_ARGUMENT` (a refused value) or `ERR_UNKNOWN`. */
  code: string;
  /** The Win32 error number, for Win32 failures. */
  errno?: number;
  /** The Win32 function that failed. */
  syscall?: string;
  service?: string;
  system?: string;
  /** The command whose usage was wrong (USAGE). */
  command?: string;
  /** A services file's error: the file, the entry's index and the field. */
  file?: string;
  entry?: number;
  field?: string;
  /** The one-line message the text output prints. */
  message: string;
}

/** What a thrown value is as the `error` of a JSON document. */
export function jsonError(error: unknown): JsonError {
  const message = oneLine(errorMessage(error));
  if (error instanceof UsageError) return { code: 'USAGE', ...(error.command ? { command: error.command } : {}), message };
  if (error instanceof ScmError) {
    const { code, errno, syscall, service, system } = error;
    return { code, ...(errno !== undefined ? { errno } : {}), ...(syscall ? { syscall } : {}), ...(service !== undefined ? { service } : {}), ...(system !== undefined ? { system } : {}), message };
  }
  if (error instanceof ServicesFileError) {
    return { code: error.code, file: error.file, ...(error.entry !== undefined ? { entry: error.entry } : {}), ...(error.field !== undefined ? { field: error.field } : {}), message };
  }
  if (error instanceof TypeError || error instanceof RangeError) return { code: 'ERR_INVALID_ARGUMENT', message };
  return { code: 'ERR_UNKNOWN', message };
}

/** The exit code of an error: 2 for a usage mistake or an unreadable/invalid services file, else 1. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof ServicesFileError ? EXIT.usage : EXIT.failure;
}

/** Writes one JSON document (a line with JSON lines) on stdout. */
export function writeJson(io: Pick<Io, 'stdout'>, value: unknown, lines = false): void {
  io.stdout.write(`${terminalJson(value, lines ? 0 : 2)}\n`);
}

/**
 * Reports a command's failure and returns its exit code: `{"error": ...}` on stdout with --json,
 * else `scm-native: error: <message>` on stderr (a usage mistake adds `hint`, how to call it).
 */
export function reportError(io: Pick<Io, 'stderr'> & Partial<Pick<Io, 'stdout' | 'json'>>, error: unknown, hint?: string): number {
  if (io.json && io.stdout) writeJson({ stdout: io.stdout }, { error: jsonError(error) });
  else if (error instanceof UsageError) io.stderr.write(`scm-native: ${oneLine(error.message)}${hint ? ` (${hint})` : ''}\n`);
  else io.stderr.write(`scm-native: error: ${cliErrorText(error)}\n`);
  return exitCodeOf(error);
}

/**
 * A failure a command found itself (a service that did not start): a library code (`ERR_SCM_*`)
 * and the message, in the shape of any other error. Returns exit code 1.
 */
export function reportFailure(io: Io, code: string, service: string, detail: string): number {
  if (!io.json) {
    io.stderr.write(`scm-native: error: ${oneLine(detail)}\n`);
    return EXIT.failure;
  }
  writeJson(io, { error: { code, service, message: oneLine(detail) } satisfies JsonError });
  return EXIT.failure;
}
