// Serializing operations on one service (COMAR's @synchronized): a per-name promise queue inside a
// process, and a lock the kernel holds for the process across the processes of the machine.
//
// The cross-process lock is held, never written: nothing in the file system says who holds it, so
// there is nothing to plant, to judge stale or to steal (docs/security.md, "Locks").
//   - Windows: the lock file opened with share mode 0. Every other open of it, in this process or
//     another, fails with a sharing violation (EBUSY) until the handle closes; the kernel closes it
//     when the process ends, however it ends.
//   - Linux: a listening Unix socket in the abstract namespace named after the lock file's path. A
//     second bind fails with EADDRINUSE; the kernel unbinds it when the process ends. No file.
//   - Elsewhere: the in-process queue only (scm-native manages Windows services; other platforms
//     only run its unit tests).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileBaseName } from '../file-names';
import { dataRoot, ensureDataFolder } from '../security/data-folders';
import { abortableSleep } from '../abortable-sleep';

/**
 * The one place where the lock folder is chosen: `explicit` (a declaration's or apply's `lockDir`),
 * else SCM_NATIVE_LOCK_DIR, else %ProgramData%\scm-native\locks on Windows, else tmp.
 */
export function lockDirFor(explicit?: string | null): string {
  if (explicit) return explicit;
  if (process.env.SCM_NATIVE_LOCK_DIR) return process.env.SCM_NATIVE_LOCK_DIR;
  if (process.platform === 'win32') return path.join(dataRoot(), 'locks');
  return path.join(os.tmpdir(), 'scm-native-locks');
}

/** The default lock folder (lockDirFor() without an explicit folder). */
export function defaultLockDir(): string {
  return lockDirFor();
}

/**
 * The one place where a lock folder is created before a lock in it is taken: on Windows with the
 * data folders' protected DACL (lib/security/data-folders.ts), so that other users can neither put
 * files or links at lock paths nor hold a lock file open.
 * @internal
 */
export async function prepareLockDir(dir: string): Promise<void> {
  if (process.platform !== 'win32') {
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  // Once per folder and process: the folder outlives the process, and an acquisition is hot.
  if (preparedLockDirs.has(dir.toLowerCase())) return;
  await ensureDataFolder(dir);
  preparedLockDirs.add(dir.toLowerCase());
}

const preparedLockDirs = new Set<string>();

/** The lock key of a service: names are case-insensitive; the system is part of the key. */
export function lockKey(name: string, system: string | null): string {
  return `${(system ?? '').toLowerCase()}|${name.toLowerCase()}`;
}

/** The file name for a key (`|` and what else a file name cannot hold as %XX: lib/file-names.ts). */
export function lockFileName(key: string): string {
  return `${fileBaseName(key)}.lock`;
}


/** A lock once held: its release, or null while another holds it. */
type Attempt = () => Promise<(() => void) | null>;

/**
 * libuv's UV_FS_O_EXLOCK on Windows (0x10000000 in uv/win.h): CreateFileW gets share mode 0.
 * Node 20 and 22 do not list it in fs.constants on Windows (measured), but fs.open passes numeric
 * flags to libuv as they are.
 */
const UV_FS_O_EXLOCK_WIN32 = 0x10000000;

/**
 * Windows: open (creating it if absent) the lock file for reading with share mode 0. An existing
 * file nobody holds open opens like a new one, whatever it holds and read-only or not: its mere
 * presence never blocks. Another holder's handle makes the open fail with EBUSY (sharing
 * violation). Read access suffices: share mode 0 refuses every other open for reading, writing or
 * deleting, and nothing is written (nobody could read it while it is held).
 *
 * Release closes the handle and leaves the file where it is. That is safe because the file's
 * existence means nothing: the next opener takes it as described, and the files stay one per
 * service key. Deleting it would buy nothing and open a race: a waiter can open the file between
 * the holder's close and its delete, and the delete then either fails (the waiter's share mode
 * refuses it) or, with POSIX delete semantics, takes the name from under the waiter's handle so
 * that a third process creates a new file and holds the "same" lock too.
 */
function windowsAttempt(file: string): Attempt {
  return async () => {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_CREAT | UV_FS_O_EXLOCK_WIN32);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EBUSY') return null;
      throw error;
    }
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    };
  };
}

/**
 * Linux: bind a Unix socket in the abstract namespace (a name, not a file) derived from the lock
 * file's full path. `exclusive` keeps a cluster worker from sharing its primary's handle, and no
 * connection is ever kept. The server is unref'd: holding a lock does not keep a process alive.
 */
function linuxAttempt(file: string): Attempt {
  const digest = crypto.createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 40);
  const name = `\0scm-native-lock-${digest}`;
  return () => new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.maxConnections = 0;
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(null);
      else reject(error);
    });
    server.listen({ path: name, exclusive: true }, () => {
      server.unref();
      let open = true;
      resolve(() => {
        if (!open) return;
        open = false;
        server.close();
      });
    });
  });
}

function attemptFor(file: string): Attempt | null {
  if (process.platform === 'win32') return windowsAttempt(file);
  if (process.platform === 'linux') return linuxAttempt(file);
  return null;
}

/**
 * Takes the cross-process lock named by the file `file`, waiting (polling with backoff from 10 to
 * 100 ms) while another process, or another call in this one, holds it. A waiter never removes or
 * changes anything of the holder's. Resolves with the release function (calling it twice is
 * harmless); rejects with `signal.reason` when the signal aborts first.
 * @internal
 */
export async function acquireLockFile(file: string, signal: AbortSignal): Promise<() => void> {
  if (signal.aborted) throw signal.reason;
  const attempt = attemptFor(file);
  if (!attempt) return () => {};
  await prepareLockDir(path.dirname(file));
  let delay = 10;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const release = await attempt();
    if (release) {
      if (!signal.aborted) return release;
      release(); // the signal aborted while the attempt ran: the caller has gone
      throw signal.reason;
    }
    await abortableSleep(delay, signal);
    delay = Math.min(delay * 2, 100);
  }
}

const queues = new Map<string, Promise<void>>();

function waitTurn(previous: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    previous.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

/**
 * Runs `fn` once no other operation on the same service runs: first in this process (calls queue
 * in order), then across processes (the lock named by a file in `lockDir`). Waiting ends with
 * `signal`.
 * @internal
 */
export async function serialized<T>(key: string, lockDir: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => {
    done = resolve;
  });
  const tail = previous.then(() => mine);
  queues.set(key, tail);
  try {
    await waitTurn(previous, signal);
    const release = await acquireLockFile(path.join(lockDir, lockFileName(key)), signal);
    try {
      return await fn();
    } finally {
      release();
    }
  } finally {
    done();
    if (queues.get(key) === tail) queues.delete(key);
  }
}
