// Read-only queries started in bulk (1,000 getServiceStatus calls in one tick) would each create
// their native async work and enter libuv's queue at once: that creation is most of a call's
// synchronous cost, so the loop blocked for it all in one stretch. libuv runs only
// UV_THREADPOOL_SIZE of them at a time anyway, so queries wait here instead, in a plain array,
// and only twice the pool size are handed to the addon at once (the pool never runs dry between
// a completion and the next hand-over). Each completion hands over the next one: the same work,
// spread over the completions. Parallelism and results are unchanged, and other users of the
// pool (fs, dns, crypto) are no longer queued behind every pending query.
import { callAsync } from './binding';
import type { CallContext, NativeBinding } from './binding';

/** How many queries may be in libuv's hands at once. @internal */
export const QUERY_QUEUE_LIMIT = 2 * poolSize();

function poolSize(): number {
  const size = Number(process.env.UV_THREADPOOL_SIZE);
  // libuv's own default and bounds.
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1024) : 4;
}

interface Pending {
  context: CallContext;
  fn: (binding: NativeBinding) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

const waiting: (Pending | undefined)[] = [];
let head = 0;
let running = 0;

function release(): void {
  running--;
  if (head === waiting.length && head > 0) {
    waiting.length = 0;
    head = 0;
  }
  if (head < waiting.length) {
    const next = waiting[head] as Pending;
    waiting[head++] = undefined;
    // Compact once the consumed front is the larger part (amortised O(1) per query).
    if (head > 1024 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
    start(next);
  }
}

function start(p: Pending): void {
  running++;
  callAsync(p.context, p.fn).then(
    (value) => {
      release();
      p.resolve(value);
    },
    (error) => {
      release();
      p.reject(error);
    },
  );
}

/**
 * callAsync for the read-only queries, through the queue above: results, errors (ScmError) and
 * their order of starting are those of callAsync. @internal
 */
export function queryAsync<T>(context: CallContext, fn: (binding: NativeBinding) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const p: Pending = { context, fn, resolve: resolve as (value: unknown) => void, reject };
    if (running < QUERY_QUEUE_LIMIT) start(p);
    else waiting.push(p);
  });
}
