// Serializing operations on one service (COMAR's @synchronized): a per-name promise queue inside a
// process, and an exclusive lock file across the processes of the machine.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processAlive } from '../process-alive';

/** The lock folder: SCM_NATIVE_LOCK_DIR, else %ProgramData%\scm-native\locks on Windows, else tmp. */
export function defaultLockDir(): string {
  if (process.env.SCM_NATIVE_LOCK_DIR) return process.env.SCM_NATIVE_LOCK_DIR;
  if (process.platform === 'win32') {
    const base = process.env.ProgramData || process.env.ALLUSERSPROFILE || 'C:\\ProgramData';
    return path.join(base, 'scm-native', 'locks');
  }
  return path.join(os.tmpdir(), 'scm-native-locks');
}

/** The lock key of a service: names are case-insensitive; the system is part of the key. */
export function lockKey(name: string, system: string | null): string {
  return `${(system ?? '').toLowerCase()}|${name.toLowerCase()}`;
}

/** The file name for a key: every character outside [a-z0-9._-] as %XX. */
export function lockFileName(key: string): string {
  return `${key.replace(/[^a-z0-9._-]/g, (c) => `%${c.codePointAt(0)?.toString(16).padStart(2, '0')}`)}.lock`;
}

interface LockOwner {
  pid: number;
  token: string;
}

function readOwner(file: string): { owner: LockOwner | null; text: string; ageMs: number } | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const ageMs = Date.now() - fs.statSync(file).mtimeMs;
    try {
      const owner = JSON.parse(text) as LockOwner;
      return { owner: typeof owner?.pid === 'number' ? owner : null, text, ageMs };
    } catch {
      return { owner: null, text, ageMs };
    }
  } catch {
    return null; // gone meanwhile
  }
}

/** An empty or unreadable lock file older than this is a crashed writer's. */
const UNREADABLE_STALE_MS = 5000;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Takes the lock file `file` (exclusive create), waiting while another live process holds it.
 * A lock whose owner process is gone (or an unreadable one older than 5 s) is stale and removed.
 * Resolves with the release function; rejects with `signal.reason` when the signal aborts first.
 * @internal
 */
export async function acquireLockFile(file: string, signal: AbortSignal, isAlive: (pid: number) => boolean = processAlive): Promise<() => void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const token = crypto.randomBytes(8).toString('hex');
  const mine = JSON.stringify({ pid: process.pid, token, at: new Date().toISOString() });
  let delay = 10;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, mine);
      } finally {
        fs.closeSync(fd);
      }
      return () => {
        const now = readOwner(file);
        if (now?.owner?.token === token) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && (error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    }
    const held = readOwner(file);
    if (held) {
      const stale = held.owner ? !isAlive(held.owner.pid) : held.ageMs > UNREADABLE_STALE_MS;
      // Remove it only if it still holds what was judged stale (narrows the race with a new owner).
      if (stale && readOwner(file)?.text === held.text) {
        fs.rmSync(file, { force: true });
        continue;
      }
    }
    await sleep(delay, signal);
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
 * in order), then across processes (the lock file in `lockDir`). Waiting ends with `signal`.
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
