'use strict';
// Shared pieces of the bench/*.bench.js files. They run inside Windows node (node.exe under Wine on
// Linux, driven by scripts/run-bench.js): timing loops, the raw Win32 baseline program
// (bench/native/scm-loop.cc, built into .cache/bench/scm-loop.exe), statistics, the printed table
// and the JSON result in bench/out/.
//
// Method: every contender runs in rounds, and the rounds interleave the contenders (the order
// rotates from round to round), so that the machine's noise - which is large on a shared machine
// under Wine - falls on all of them alike. Round 0 is a warm-up and is discarded. Figures are
// medians of per-call times; ratios are reported both from the pooled medians and as the median
// of the per-round ratios (each pair measured seconds apart).
const { exec, execFile, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const OUT_DIR = process.env.SCM_BENCH_OUT_DIR || path.join(ROOT, 'bench', 'out');
const LOOP_EXE = process.env.SCM_BENCH_LOOP_EXE || path.join(ROOT, '.cache', 'bench', 'scm-loop.exe');
const SERVICE_EXE = process.env.SCM_BENCH_SERVICE_EXE || path.join(ROOT, '.cache', 'bench', 'bench-service.exe');

/** A positive integer from the environment, or the default. */
function envInt(name, fallback) {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`${name} must be a positive integer, got '${value}'`);
  return n;
}

/** Times `iterations` synchronous calls of fn one by one; per-call microseconds. */
function timeSync(fn, iterations) {
  const us = new Array(iterations);
  let last;
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    last = fn();
    us[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return { us, last };
}

/** Times `iterations` awaited calls of fn one at a time; per-call microseconds. */
async function timeAsync(fn, iterations) {
  const us = new Array(iterations);
  let last;
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    last = await fn();
    us[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return { us, last };
}

/**
 * Runs the raw Win32 loop (scm-loop.exe mode iterations ...extra) and returns its own per-iteration
 * timings: the program times only its loop, so its process start never counts. Its stdout is a
 * pipe to this node, which works under Wine (only node.exe's own stdout must not be a pipe).
 */
function nativeLoop(mode, iterations, extra = []) {
  const result = spawnSync(LOOP_EXE, [mode, String(iterations), ...extra], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, timeout: 600000,
  });
  if (result.error) throw new Error(`${path.basename(LOOP_EXE)} ${mode}: ${result.error.message}`);
  let parsed;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`${path.basename(LOOP_EXE)} ${mode} exited ${result.status} with unreadable output: ${result.stdout}${result.stderr}`);
  }
  if (result.status !== 0 || parsed.error) {
    throw new Error(`${path.basename(LOOP_EXE)} ${mode} exited ${result.status}: ${parsed.error} (${parsed.errno})`);
  }
  if (parsed.us.length !== iterations) throw new Error(`${path.basename(LOOP_EXE)} ${mode}: ${parsed.us.length} timings for ${iterations} iterations`);
  return { us: parsed.us, last: parsed.check };
}

/**
 * Runs scm-loop.exe with `args` and returns its parsed JSON output (the client, `now` and `mem`
 * modes). Throws when it fails or prints {"error":...}.
 */
function nativeJson(args, timeout = 600000) {
  const label = `${path.basename(LOOP_EXE)} ${args[0]}`;
  const result = spawnSync(LOOP_EXE, args.map(String), {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, timeout,
  });
  if (result.error) throw new Error(`${label}: ${result.error.message}`);
  let parsed;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw new Error(`${label} exited ${result.status} with unreadable output: ${result.stdout}${result.stderr}`);
  }
  if (result.status !== 0 || parsed.error) throw new Error(`${label} exited ${result.status}: ${parsed.error} (${parsed.errno})`);
  return parsed;
}

/** Now, in microseconds, on the QueryPerformanceCounter clock (libuv's hrtime on Windows is QPC). */
function nowUs() {
  return Number(process.hrtime.bigint()) / 1000;
}

/** QueryPerformanceCounter ticks (from scm-loop.exe or bench-service.exe) in microseconds, on nowUs()'s scale. */
function ticksToUs(ticks, frequency) {
  return (ticks * 1e6) / frequency;
}

/**
 * Checks that a QPC reading taken in another process falls between two nowUs() readings around it
 * (i.e. that node's hrtime and the native programs' ticks are one clock). Returns the frequency.
 */
function checkSharedClock() {
  const before = nowUs();
  const { qpc, qpcFrequency } = nativeJson(['now']);
  const after = nowUs();
  const other = ticksToUs(qpc, qpcFrequency);
  if (!(other >= before && other <= after)) {
    throw new Error(`node's hrtime and QueryPerformanceCounter disagree: ${before} <= ${other} <= ${after} is false`);
  }
  return qpcFrequency;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until process `pid` has exited, by the library's processAlive (EPERM, a process we may not
 * signal, is still there); false after timeoutMs.
 */
async function waitProcessGone(pid, timeoutMs = 15000, stepMs = 2) {
  const { processAlive } = require('../../dist/process-alive');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!processAlive(pid)) return true;
    if (Date.now() > deadline) return false;
    await sleep(stepMs);
  }
}

/**
 * Services a bench creates: created demand-start, and removed (stopped, then deleted) by
 * removeServices(), which each bench calls in a finally block.
 */
const createdServices = [];

async function installService(name, command, options = {}) {
  const scm = require('../..');
  await scm.createService(name, command, { startType: 'demand_start', ...options });
  createdServices.push(name);
  return name;
}

async function removeServices() {
  const scm = require('../..');
  const problems = [];
  while (createdServices.length) {
    const name = createdServices.pop();
    try {
      await scm.stopService(name, { wait: 10000 });
    } catch {
      // not running, or not stoppable: deletion below still marks it
    }
    try {
      await scm.deleteService(name);
    } catch (error) {
      if (error.code !== 'ERROR_SERVICE_DOES_NOT_EXIST' && error.code !== 'ERROR_SERVICE_MARKED_FOR_DELETE') problems.push(`${name}: ${error.message}`);
    }
  }
  if (problems.length) process.stderr.write(`could not delete: ${problems.join('; ')}\n`);
}

/** execFile (no shell) as a promise of { stdout, stderr }; rejects on a non-zero exit. */
function execFileAsync(file, args) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { windowsHide: true, timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(error);
      else resolve({ stdout, stderr });
    });
  });
}

/** exec (through the shell, cmd.exe on Windows) as a promise of { stdout, stderr }. */
function execAsync(command) {
  return new Promise((resolve, reject) => {
    exec(command, { windowsHide: true, timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(error);
      else resolve({ stdout, stderr });
    });
  });
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p10: quantile(sorted, 0.1),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    p90: quantile(sorted, 0.9),
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

/**
 * Runs the contenders in interleaved rounds. Each contender is { name, run(round) } where run
 * returns (or resolves) { us: number[], last } - or { series: { metric: number[] }, last } for
 * several measurements per run, recorded as `<name> | <metric>`; `check(last, round)` may throw
 * if a result is wrong. Round 0 is a warm-up. Rounds rotate the order of `groups` (lists of
 * contender names kept next to each other, e.g. a library call and its baseline) and alternate
 * the order inside each group.
 */
async function runRounds({ contenders, groups, rounds, onRound }) {
  const byName = new Map(contenders.map((c) => [c.name, c]));
  // contender -> (key -> samples), so that the stats come out in the contenders' order
  const samples = new Map(contenders.map((c) => [c.name, new Map()]));
  for (let round = 0; round <= rounds; round++) {
    const rotated = groups.map((_, i) => groups[(i + round) % groups.length]);
    const order = rotated.flatMap((group) => (round % 2 === 0 ? group : [...group].reverse()));
    for (const name of order) {
      const contender = byName.get(name);
      const result = await contender.run(round);
      if (contender.check) contender.check(result.last, round);
      if (round === 0) continue; // warm-up
      const series = result.series || { '': result.us };
      for (const [metric, values] of Object.entries(series)) {
        const key = metric ? `${name} | ${metric}` : name;
        const own = samples.get(name);
        if (!own.has(key)) own.set(key, { all: [], roundMedians: [] });
        const s = own.get(key);
        s.all.push(...values);
        s.roundMedians.push(summarize(values).median);
      }
    }
    if (onRound) onRound(round);
  }
  const stats = {};
  for (const own of samples.values()) {
    for (const [key, s] of own) {
      stats[key] = { ...summarize(s.all), roundMedians: s.roundMedians.map((v) => round2(v)) };
      Object.defineProperty(stats[key], 'samples', { value: s.all.map((v) => round2(v)), enumerable: false });
    }
  }
  return stats;
}

/** A small seeded PRNG (mulberry32), so the bootstrap gives the same interval for the same data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 95% bootstrap interval of the median of `values` (resampled with replacement). */
function bootstrapMedianCi(values, resamples = 2000) {
  const random = prng(0x5c3a);
  const medians = [];
  for (let r = 0; r < resamples; r++) {
    const pick = values.map(() => values[Math.floor(random() * values.length)]);
    medians.push(summarize(pick).median);
  }
  medians.sort((x, y) => x - y);
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

/**
 * slower / faster: the pooled-median ratio, and the per-round paired ratios (median with a 95%
 * bootstrap interval over rounds, quartiles and range).
 * `target` is { max } (the ratio must be at most max) or { min } (at least min).
 */
function compare(stats, numerator, denominator, target, label) {
  const a = stats[numerator];
  const b = stats[denominator];
  const pooled = a.median / b.median;
  const perRound = a.roundMedians.map((v, i) => v / b.roundMedians[i]);
  const paired = summarize(perRound);
  const ci = bootstrapMedianCi(perRound);
  let met = null;
  let ciSide = null; // whether the whole 95% interval of the paired ratio is on the target's side
  if (target && target.max !== undefined) {
    met = pooled <= target.max;
    ciSide = ci[1] <= target.max ? 'within' : ci[0] > target.max ? 'outside' : 'straddles';
  }
  if (target && target.min !== undefined) {
    met = pooled >= target.min;
    ciSide = ci[0] >= target.min ? 'within' : ci[1] < target.min ? 'outside' : 'straddles';
  }
  return {
    label,
    numerator,
    denominator,
    ratio: round3(pooled),
    pairedRatio: { median: round3(paired.median), ci95: ci.map(round3), p25: round3(paired.p25), p75: round3(paired.p75), min: round3(paired.min), max: round3(paired.max) },
    target: target || null,
    met,
    ciVersusTarget: ciSide,
  };
}

function round2(v) {
  return Math.round(v * 100) / 100;
}
function round3(v) {
  return Math.round(v * 1000) / 1000;
}

function fmtUs(v) {
  return v >= 10000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(v >= 100 ? 0 : 1);
}

function pad(text, width, right = false) {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

/** The plain-text table the runner prints. */
function formatTable(stats, comparisons) {
  const lines = [];
  const nameWidth = Math.max(9, ...Object.keys(stats).map((n) => n.length));
  lines.push(`${pad('contender', nameWidth)}  ${pad('n', 6, true)}  ${pad('median us', 11, true)}  ${pad('p25', 9, true)}  ${pad('p75', 9, true)}  ${pad('p10', 9, true)}  ${pad('p90', 9, true)}`);
  for (const [name, s] of Object.entries(stats)) {
    lines.push(`${pad(name, nameWidth)}  ${pad(s.n, 6, true)}  ${pad(fmtUs(s.median), 11, true)}  ${pad(fmtUs(s.p25), 9, true)}  ${pad(fmtUs(s.p75), 9, true)}  ${pad(fmtUs(s.p10), 9, true)}  ${pad(fmtUs(s.p90), 9, true)}`);
  }
  lines.push('');
  for (const c of comparisons) {
    const target = c.target ? (c.target.max !== undefined ? `target <= ${c.target.max}x` : `target >= ${c.target.min}x`) : 'no target';
    const verdict = c.met === null ? '' : `${c.met ? 'MET' : 'MISSED'} (paired 95% CI ${c.ciVersusTarget} the target)`;
    lines.push(`${c.label}: ${c.ratio}x (per-round ratios: median ${c.pairedRatio.median}x, 95% CI ${c.pairedRatio.ci95[0]}-${c.pairedRatio.ci95[1]}x, IQR ${c.pairedRatio.p25}-${c.pairedRatio.p75}x, range ${c.pairedRatio.min}-${c.pairedRatio.max}x); ${target} ${verdict}`);
  }
  return lines.join('\n');
}

/**
 * Writes bench/out/<name>.json, and the per-call samples of `stats` (if given) to
 * bench/out/<name>.samples.json for later analysis.
 */
function writeResult(name, result, stats) {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  if (stats) {
    const samples = Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.samples]));
    fs.writeFileSync(path.join(OUT_DIR, `${name}.samples.json`), `${JSON.stringify(samples)}\n`);
  }
  return file;
}

/** What every result records about where it ran. */
function environment() {
  return {
    date: new Date().toISOString(), // call at the start of a run
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    underWine: process.env.SCM_NATIVE_UNDER_WINE === '1',
    cpus: require('node:os').cpus().length,
  };
}

/** Load average and CPU count of the machine (Linux /proc through Wine's Z: drive when readable). */
function machineLoad() {
  const os = require('node:os');
  for (const file of ['/proc/loadavg', 'Z:\\proc\\loadavg']) {
    try {
      const [one, five, fifteen] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
      return { loadavg: [one, five, fifteen], cpus: os.cpus().length };
    } catch {
      // not readable here
    }
  }
  return { loadavg: os.loadavg(), cpus: os.cpus().length };
}

module.exports = {
  ROOT, LOOP_EXE, SERVICE_EXE, checkSharedClock, compare, envInt, environment, execAsync, execFileAsync, formatTable,
  installService, machineLoad, nativeJson, nativeLoop, nowUs, removeServices, runRounds, sleep, summarize, ticksToUs,
  timeAsync, timeSync, waitProcessGone, writeResult,
};
