'use strict';
// The pure helpers of the NSSM race (bench/lib/race.js).
const assert = require('node:assert');
const { RunLineScanner, linearFit, replaceSection } = require('../../bench/lib/race');

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
});
