'use strict';
// Pure helpers of bench/nssm.bench.js (unit-tested in test/unit/bench-race.test.js): reading the
// numbered lines a program wrote back out of a log file, the per-service slope of a total, the
// memory figures per service and round, and replacing the race's section of bench/RESULTS.md.

/**
 * Follows the lines "<run> <seq> ..." of one run in a log file read piece by piece (partial
 * lines are kept until their end arrives). Any prefix a host puts before a line (a timestamp) is
 * skipped; lines of other runs are ignored. Reports how many of 0..count-1 arrived, and every
 * loss, duplicate or reordering.
 */
class RunLineScanner {
  constructor(run, count) {
    if (!/^[\w-]+$/.test(run)) throw new RangeError(`run must be word characters, got '${run}'`);
    if (!Number.isInteger(count) || count <= 0) throw new RangeError(`count must be a positive integer, got ${count}`);
    this.count = count;
    this.pattern = new RegExp(`(?:^|\\s)${run} (\\d+)(?: |$)`);
    this.partial = '';
    this.seen = new Uint8Array(count);
    this.received = 0;
    this.duplicates = 0;
    this.outOfOrder = 0;
    this.outOfRange = 0;
    this.last = -1;
  }

  /** Feeds the next piece of the file (a string); returns true once every line has arrived. */
  feed(text) {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop();
    for (const raw of lines) {
      const m = this.pattern.exec(raw.replace(/\r$/, ''));
      if (!m) continue;
      const seq = Number(m[1]);
      if (seq >= this.count) {
        this.outOfRange += 1;
        continue;
      }
      if (this.seen[seq]) {
        this.duplicates += 1;
        continue;
      }
      if (seq < this.last) this.outOfOrder += 1;
      this.seen[seq] = 1;
      this.last = seq;
      this.received += 1;
    }
    return this.complete();
  }

  complete() {
    return this.received === this.count;
  }

  /** { received, missing, duplicates, outOfOrder, outOfRange, firstMissing } */
  report() {
    const firstMissing = this.seen.indexOf(0);
    return {
      received: this.received,
      missing: this.count - this.received,
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      outOfRange: this.outOfRange,
      firstMissing: firstMissing < 0 ? null : firstMissing,
    };
  }
}

/** Least-squares slope and intercept of y over x (at least two distinct x). */
function linearFit(xs, ys) {
  if (xs.length !== ys.length || xs.length < 2) throw new RangeError('linearFit needs two or more (x, y) pairs of equal count');
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i] - mx) ** 2;
    sxy += (xs[i] - mx) * (ys[i] - my);
  }
  if (sxx === 0) throw new RangeError('linearFit needs two distinct x values');
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

/**
 * `markdown` with the level-2 section whose heading starts with `headingPrefix` replaced by
 * `section` (which starts with its own heading), or with `section` appended when there is none.
 * The section runs up to the next level-1 or level-2 heading; other sections are kept as they are.
 */
function replaceSection(markdown, headingPrefix, section) {
  if (!headingPrefix.startsWith('## ')) throw new RangeError("headingPrefix must be a level-2 heading ('## ...')");
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(headingPrefix));
  const body = section.replace(/\n+$/, '').split('\n');
  if (start < 0) {
    const kept = markdown.replace(/\n+$/, '');
    return `${kept}${kept ? '\n\n' : ''}${body.join('\n')}\n`;
  }
  let end = lines.findIndex((l, i) => i > start && /^#{1,2} /.test(l));
  if (end < 0) end = lines.length;
  const after = lines.slice(end);
  return [...lines.slice(0, start), ...body, ...(after.length ? ['', ...after] : [''])].join('\n');
}

/**
 * The memory part of the race as stats that harness.compare takes ({ ...summarize(values),
 * roundMedians }): per round and contender, per-service figures at each service count and the
 * per-service slope of each total (least squares over the counts). `rows` are
 * { round, contender, count, figures: { host, program, console: { count, private, pss,
 * cpuMsPer10s } } } (KiB; `private` is RssAnon under Wine and PrivateUsage on Windows, `pss` and
 * `cpuMsPer10s` null on Windows); `summarize` is harness.summarize (median and quantiles).
 */
function memoryStats(rows, labels, summarize) {
  const series = new Map();
  const add = (key, v) => {
    if (!series.has(key)) series.set(key, []);
    series.get(key).push(v);
  };
  const slopes = {};
  const rounds = [...new Set(rows.map((r) => r.round))];
  for (const label of labels) {
    for (const round of rounds) {
      const mine = rows.filter((r) => r.contender === label && r.round === round);
      for (const r of mine) {
        const f = r.figures;
        const all = f.host.private + f.program.private + f.console.private;
        add(`${label} | host private per service, x${r.count} (KiB)`, f.host.private / r.count);
        // Pss and CPU time are read under Wine only (Linux /proc); on Windows they are null.
        if (f.host.pss !== null) add(`${label} | host Pss per service, x${r.count} (KiB)`, f.host.pss / r.count);
        add(`${label} | program private per service, x${r.count} (KiB)`, f.program.private / r.count);
        add(`${label} | console hosts private per service, x${r.count} (KiB)`, f.console.private / r.count);
        add(`${label} | all private per service, x${r.count} (KiB)`, all / r.count);
        if (f.host.cpuMsPer10s !== null) {
          add(`${label} | host CPU idle, x${r.count} (ms per 10 s)`, f.host.cpuMsPer10s);
          add(`${label} | console hosts CPU idle, x${r.count} (ms per 10 s)`, f.console.cpuMsPer10s);
          add(`${label} | programs CPU idle, x${r.count} (ms per 10 s)`, f.program.cpuMsPer10s);
        }
        add(`${label} | host processes, x${r.count}`, f.host.count);
      }
      const fitOf = (pick) => linearFit(mine.map((r) => r.count), mine.map((r) => pick(r.figures))).slope;
      add(`${label} | host private slope (KiB per service)`, fitOf((f) => f.host.private));
      add(`${label} | all private slope (KiB per service)`, fitOf((f) => f.host.private + f.program.private + f.console.private));
    }
    slopes[label] = series.get(`${label} | host private slope (KiB per service)`);
  }
  const stats = {};
  for (const [key, list] of series) stats[key] = { ...summarize(list), roundMedians: list.map((v) => Math.round(v * 10) / 10) };
  const metrics = [...new Set([...series.keys()].map((k) => k.split(' | ')[1]))].filter((m) => !m.startsWith('host processes'));
  return { stats, slopes, metrics, shared: labels.includes('scm-native shared') };
}

module.exports = { RunLineScanner, linearFit, memoryStats, replaceSection };
