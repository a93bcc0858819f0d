'use strict';
// Event-loop lag under many async status queries (issue 3), run by `npm run bench` inside Windows
// node. While SCM_BENCH_CALLS (default 1,000) `getServiceStatus(SERVICE)` calls run, two monitors
// watch the event loop:
//   - a 1 ms setInterval that records the largest gap between two of its callbacks (hrtime);
//   - perf_hooks.monitorEventLoopDelay({ resolution: 1 }) (max and p99).
// Both measure whole timer intervals, so "stall" = interval - 1 ms (the timer's own period).
// Ways of issuing the calls (contenders, interleaved in rounds):
//   - all at once: 1,000 calls started in one synchronous loop, then Promise.all;
//   - batches of 100: Promise.all of 100 calls, then the next 100 (10 batches);
//   - window of 8: 8 calls in flight, each completion starts the next (1,000 in all);
//   - sequential (reference): SCM_BENCH_SEQUENTIAL (default 100) calls awaited one at a time;
//   - idle (control): no calls for 1 s, the monitors' floor on this machine;
//   - idle under external SCM load (control): no calls in this process for 1 s while 4 separate
//     scm-loop.exe processes run the same status sequence back to back (the same RPC traffic
//     through wineserver and services.exe as 4 busy thread-pool threads). It tells stalls that
//     come from the machine and Wine (a wake-up of this process's main thread arriving late)
//     from stalls caused by work the library does on the main thread;
//   - idle with 4 CPU-bound thread-pool tasks (control): no SCM calls, but 4 lanes of
//     crypto.pbkdf2 (libuv pool, calibrated to ~5 ms each with 4 at once, re-issued as each
//     completes) for 1 s: busy pool
//     threads and a completion every few ms in this process, without the library.
//   - window of 2 in flight (diagnostic): like window of 8 with 2 calls in flight, to see how
//     stalls grow with the number of busy pool threads.
//   - window of 8 + completion timing (diagnostic): window of 8 with an async_hooks before/after
//     hook on the addon's async work (type 'scm-native'), which times each completion callback
//     on the main thread (the addon's OnOK: result object, promise resolution; the JS continuation
//     runs in the microtask checkpoint after it). Main-thread time the library itself takes =
//     issue time + these callbacks.
// Also recorded: "issue block", the longest synchronous stretch spent starting calls (the loop
// that creates the promises), and throughput (calls / elapsed time of the whole set).
// Target: the loop never stalls more than 5 ms (judged on the largest stall of all rounds, and
// shown per round). libuv's thread pool has its default 4 threads (UV_THREADPOOL_SIZE unset).
// Environment: SCM_BENCH_ROUNDS (default 15), SCM_BENCH_CALLS, SCM_BENCH_SEQUENTIAL,
// SCM_BENCH_SERVICE (default Spooler).
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const asyncHooks = require('node:async_hooks');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const scm = require('..');
const h = require('./lib/harness');

const ROUNDS = h.envInt('SCM_BENCH_ROUNDS', 15);
const CALLS = h.envInt('SCM_BENCH_CALLS', 1000);
const SEQUENTIAL = h.envInt('SCM_BENCH_SEQUENTIAL', 100);
const BATCH = 100;
const WINDOW = 8;
const IDLE_MS = 1000;
const SERVICE = process.env.SCM_BENCH_SERVICE || 'Spooler';
const TARGET_STALL_US = 5000;

const STALL_INTERVAL = 'max stall, setInterval (us)';
const STALL_ELD = 'max stall, monitorEventLoopDelay (us)';
const P99_ELD = 'p99 stall, monitorEventLoopDelay (us)';
const ISSUE = 'issue block (us)';
const ELAPSED = 'elapsed (us)';
const THROUGHPUT = 'throughput (calls/s)';
const CALLBACK_MAX = 'longest completion callback (us)';
const CALLBACK_SUM = 'all completion callbacks (us)';

/** Runs `work` (which resolves { calls, issueUs, results }) under both monitors. */
async function monitored(work) {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  let last = h.nowUs();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = h.nowUs();
    if (now - last > maxGap) maxGap = now - last;
    last = now;
  }, 1);
  await h.sleep(30); // let both monitors settle, then start afresh
  eld.enable();
  maxGap = 0;
  last = h.nowUs();
  const t0 = h.nowUs();
  const out = await work();
  const t1 = h.nowUs();
  await h.sleep(5); // one more interval, so a stall at the very end is seen too
  clearInterval(timer);
  eld.disable();
  const floor = (v) => Math.max(0, v - 1000);
  const series = {
    [STALL_INTERVAL]: [floor(maxGap)],
    [STALL_ELD]: [floor(eld.max / 1000)],
    [P99_ELD]: [floor(eld.percentile(99) / 1000)],
    [ISSUE]: [out.issueUs],
    [ELAPSED]: [t1 - t0],
  };
  if (out.calls) series[THROUGHPUT] = [(out.calls * 1e6) / (t1 - t0)];
  if (out.callbacks) {
    series[CALLBACK_MAX] = [out.callbacks.max];
    series[CALLBACK_SUM] = [out.callbacks.sum];
  }
  return { series, last: out.results };
}

const query = () => scm.getServiceStatus(SERVICE);

async function allAtOnce() {
  const s = h.nowUs();
  const promises = [];
  for (let i = 0; i < CALLS; i++) promises.push(query());
  const issueUs = h.nowUs() - s;
  return { calls: CALLS, issueUs, results: await Promise.all(promises) };
}

async function batches() {
  let issueUs = 0;
  const results = [];
  for (let done = 0; done < CALLS; done += BATCH) {
    const s = h.nowUs();
    const promises = [];
    for (let i = 0; i < Math.min(BATCH, CALLS - done); i++) promises.push(query());
    issueUs = Math.max(issueUs, h.nowUs() - s);
    results.push(...(await Promise.all(promises)));
  }
  return { calls: CALLS, issueUs, results };
}

async function windowed(width = WINDOW) {
  const results = [];
  let next = 0;
  let issueUs = 0;
  async function lane() {
    while (next < CALLS) {
      next++;
      const s = h.nowUs();
      const p = query();
      issueUs = Math.max(issueUs, h.nowUs() - s);
      results.push(await p);
    }
  }
  await Promise.all(Array.from({ length: width }, lane));
  return { calls: CALLS, issueUs, results };
}

/** windowed(WINDOW) with every completion callback of the addon's async work timed. */
async function windowedTimed() {
  const ours = new Set();
  const began = new Map();
  const callbacks = { max: 0, sum: 0, count: 0 };
  const hook = asyncHooks.createHook({
    init(id, type) {
      if (type === 'scm-native') ours.add(id);
    },
    before(id) {
      if (ours.has(id)) began.set(id, h.nowUs());
    },
    after(id) {
      const start = began.get(id);
      if (start === undefined) return;
      const took = h.nowUs() - start;
      callbacks.max = Math.max(callbacks.max, took);
      callbacks.sum += took;
      callbacks.count += 1;
      began.delete(id);
      ours.delete(id);
    },
  });
  hook.enable();
  try {
    const out = await windowed(WINDOW);
    if (callbacks.count !== CALLS) throw new Error(`timed ${callbacks.count} completion callbacks for ${CALLS} calls`);
    return { ...out, callbacks };
  } finally {
    hook.disable();
  }
}

async function sequential() {
  const results = [];
  let issueUs = 0;
  for (let i = 0; i < SEQUENTIAL; i++) {
    const s = h.nowUs();
    const p = query();
    issueUs = Math.max(issueUs, h.nowUs() - s);
    results.push(await p);
  }
  return { calls: SEQUENTIAL, issueUs, results };
}

/**
 * Idle for IDLE_MS while 4 scm-loop.exe processes query SERVICE back to back. They are started
 * (process creation blocks node's main thread under Wine) before `monitored` begins, and must
 * still be running when the idle window ends.
 */
async function idleUnderExternalLoad() {
  const children = [];
  for (let i = 0; i < 4; i++) {
    const child = spawn(h.LOOP_EXE, ['status', '600', SERVICE], { stdio: 'ignore', windowsHide: true });
    child.exited = new Promise((resolve) => child.on('exit', (code) => resolve({ code, at: h.nowUs() })));
    children.push(child);
  }
  await h.sleep(400); // process start-up, outside the measurement
  let windowEnd = 0;
  const measured = await monitored(async () => {
    await h.sleep(IDLE_MS);
    windowEnd = h.nowUs();
    return { calls: 0, issueUs: 0, results: [] };
  });
  const exits = await Promise.all(children.map((c) => c.exited));
  const early = exits.filter((e) => e.code !== 0 || e.at < windowEnd).length;
  measured.last = { early };
  return measured;
}

let pbkdf2Iterations = 20000;

/**
 * Calibrates pbkdf2Iterations so that one task takes about 5 ms with 4 running at once (like a
 * status call with 4 in flight): completions arrive about as often as in the SCM runs.
 */
async function calibratePbkdf2() {
  const run = () => new Promise((resolve, reject) => crypto.pbkdf2('x', 'salt', pbkdf2Iterations, 32, 'sha256', (e) => (e ? reject(e) : resolve())));
  const lane = async () => {
    const s = h.nowUs();
    for (let i = 0; i < 3; i++) await run();
    return (h.nowUs() - s) / 3;
  };
  for (let attempt = 0; attempt < 4; attempt++) {
    const each = h.summarize(await Promise.all(Array.from({ length: 4 }, lane))).median;
    pbkdf2Iterations = Math.max(500, Math.round((pbkdf2Iterations * 5000) / each));
  }
}

const pbkdf2Tasks = [];

async function idleWithPoolCpuLoad() {
  let stop = false;
  const lane = async () => {
    while (!stop) {
      const s = h.nowUs();
      await new Promise((resolve, reject) => crypto.pbkdf2('x', 'salt', pbkdf2Iterations, 32, 'sha256', (e) => (e ? reject(e) : resolve())));
      pbkdf2Tasks.push(h.nowUs() - s);
    }
  };
  let lanes;
  const measured = await monitored(async () => {
    lanes = Array.from({ length: 4 }, lane);
    await h.sleep(IDLE_MS);
    stop = true;
    await Promise.all(lanes);
    return { calls: 0, issueUs: 0, results: [] };
  });
  return measured;
}

async function main() {
  const env = h.environment(); // taken at the start: its date is when the run began
  const loadBefore = h.machineLoad();
  const reference = scm.getServiceStatusSync(SERVICE).state;
  await calibratePbkdf2();
  const checkAll = (expected) => (results) => {
    if (results.length !== expected) throw new Error(`${results.length} results for ${expected} calls`);
    const wrong = results.find((r) => r.state !== reference);
    if (wrong) throw new Error(`a call saw state ${wrong.state}, expected ${reference}`);
  };
  const contenders = [
    { name: 'idle (control)', run: () => monitored(async () => { await h.sleep(IDLE_MS); return { calls: 0, issueUs: 0, results: [] }; }) },
    {
      name: 'idle under external SCM load (control)',
      run: idleUnderExternalLoad,
      check: (last) => {
        if (last.early) throw new Error(`${last.early} of the 4 external scm-loop.exe processes ended (or failed) before the idle window did`);
      },
    },
    { name: 'idle with 4 CPU-bound pool tasks (control)', run: idleWithPoolCpuLoad },
    { name: `all ${CALLS} at once`, run: () => monitored(allAtOnce), check: checkAll(CALLS) },
    { name: `batches of ${BATCH}`, run: () => monitored(batches), check: checkAll(CALLS) },
    { name: `window of ${WINDOW} in flight`, run: () => monitored(() => windowed(WINDOW)), check: checkAll(CALLS) },
    { name: `window of ${WINDOW} + completion timing (diag)`, run: () => monitored(windowedTimed), check: checkAll(CALLS) },
    { name: 'window of 2 in flight (diag)', run: () => monitored(() => windowed(2)), check: checkAll(CALLS) },
    { name: `sequential ${SEQUENTIAL} (reference)`, run: () => monitored(sequential), check: checkAll(SEQUENTIAL) },
  ];
  const started = Date.now();
  const stats = await h.runRounds({
    contenders, groups: contenders.map((c) => [c.name]), rounds: ROUNDS,
    onRound: (round) => process.stdout.write(`round ${round}/${ROUNDS}${round === 0 ? ' (warm-up)' : ''} done at ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
  });
  const loadAfter = h.machineLoad();

  const verdicts = contenders.map((c) => {
    const worst = Math.max(stats[`${c.name} | ${STALL_INTERVAL}`].max, stats[`${c.name} | ${STALL_ELD}`].max);
    const roundsOver = stats[`${c.name} | ${STALL_INTERVAL}`].roundMedians.filter((v) => v > TARGET_STALL_US).length;
    return { contender: c.name, worstStallUs: Math.round(worst), roundsOverTarget: roundsOver, rounds: ROUNDS, met: worst <= TARGET_STALL_US };
  });
  const seq = `sequential ${SEQUENTIAL} (reference)`;
  const stallVersusIdle = contenders.slice(1).map((c) => h.compare(stats, `${c.name} | ${STALL_INTERVAL}`, `idle (control) | ${STALL_INTERVAL}`, null, `max stall ${c.name} / idle`));
  const comparisons = contenders.filter((c) => c.name !== seq && stats[`${c.name} | ${THROUGHPUT}`]).map((c) => h.compare(stats, `${c.name} | ${THROUGHPUT}`, `${seq} | ${THROUGHPUT}`, null, `throughput ${c.name} / sequential`));

  const result = {
    bench: 'loop-lag',
    ...env,
    loadBefore,
    loadAfter,
    config: { rounds: ROUNDS, warmupRounds: 1, calls: CALLS, sequentialCalls: SEQUENTIAL, batch: BATCH, window: WINDOW, idleMs: IDLE_MS, service: SERVICE, targetStallUs: TARGET_STALL_US, threadpool: process.env.UV_THREADPOOL_SIZE || '4 (default)' },
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    pbkdf2: { iterations: pbkdf2Iterations, taskUs: h.summarize(pbkdf2Tasks) },
    stats,
    verdicts,
    comparisons: [...comparisons, ...stallVersusIdle],
  };
  const file = h.writeResult('loop-lag', result, stats);
  process.stdout.write(`\n${h.formatTable(stats, [...comparisons, ...stallVersusIdle])}\n\n`);
  for (const v of verdicts) {
    process.stdout.write(`${v.contender}: worst stall ${v.worstStallUs} us over ${v.rounds} rounds (${v.roundsOverTarget} rounds over 5 ms by setInterval); target <= 5 ms ${v.met ? 'MET' : 'MISSED'}\n`);
  }
  process.stdout.write(`pbkdf2 control: ${pbkdf2Iterations} iterations, median task ${Math.round(result.pbkdf2.taskUs.median)} us\n`);
  process.stdout.write(`load average before ${loadBefore.loadavg.join(' ')}, after ${loadAfter.loadavg.join(' ')} (${loadAfter.cpus} cpus)\nwritten: ${file}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
