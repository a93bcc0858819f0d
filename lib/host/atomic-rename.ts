// The rename that ends an atomic file write (write a temporary file, rename it over the real
// one). On Windows the rename (MoveFileExW with MOVEFILE_REPLACE_EXISTING) fails while another
// process has the target open without FILE_SHARE_DELETE (a reader, a backup or antivirus scan):
// EPERM (ERROR_ACCESS_DENIED) or EBUSY (ERROR_SHARING_VIOLATION). Such holds are short, so the
// rename is tried again for a bounded time before the caller falls back.
import * as fs from 'node:fs';

/** The waits between attempts (ms): about 1 s in all. */
export const RENAME_RETRY_DELAYS_MS: readonly number[] = [10, 20, 40, 80, 160, 250, 250, 250];

const RETRIED = new Set(['EPERM', 'EBUSY', 'EACCES']);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` (the writers are synchronous, called between two log lines). */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Renames `from` to `to`, replacing `to`; retries EPERM/EBUSY/EACCES after each of `delays`,
 * then throws the last error.
 */
export function renameWithRetry(from: string, to: string, delays: readonly number[] = RENAME_RETRY_DELAYS_MS): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!RETRIED.has(code) || attempt >= delays.length) throw error;
      sleepSync(delays[attempt] as number);
    }
  }
}
