// The CLI's exit codes, one table for every command (docs/service-host.md, "Exit codes", prints
// it; a unit test keeps the two alike). Only `status <name>`-like verdicts use the LSB codes:
// `check` (and `apply`, which ends with the check of what it left).
import { LSB_MEANINGS } from '../declarative/lsb';

/** The exit codes every command shares. */
export const EXIT = {
  /** Done as asked. */
  ok: 0,
  /** The command failed: an SCM error, a service that did not start or stop, a failed step. */
  failure: 1,
  /** The command line was wrong (unknown command or option, missing argument), or the services file it names cannot be read or is invalid. */
  usage: 2,
} as const;

/** One row of the documented table: the code, the commands it applies to, what it means. */
export interface ExitCodeRow {
  code: number;
  commands: string;
  meaning: string;
}

/** The table of exit codes, as docs/service-host.md shows it. */
export const EXIT_CODE_TABLE: readonly ExitCodeRow[] = [
  { code: EXIT.ok, commands: 'all', meaning: 'success (check, apply: every service as declared)' },
  { code: EXIT.failure, commands: 'all', meaning: 'failure: the error is printed (with --json: `{"error": {...}}` on stdout)' },
  { code: EXIT.usage, commands: 'all', meaning: 'usage mistake: unknown command or option, missing or extra argument, a services file that cannot be read or is invalid' },
  ...([1, 3, 4] as const).map((code) => ({
    code, commands: 'check, apply', meaning: `LSB: the worst service is ${LSB_MEANINGS[code]}${code === 1 ? ' (or drifted from its declaration)' : ''}`,
  })),
];

/** The table as Markdown rows (what the docs hold). */
export function exitCodeMarkdown(): string {
  return ['| Exit code | Commands | Meaning |', '| --- | --- | --- |', ...EXIT_CODE_TABLE.map((r) => `| ${r.code} | ${r.commands} | ${r.meaning} |`)].join('\n');
}
