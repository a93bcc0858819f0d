'use strict';
// quoteCommandLine / parseCommandLine as pure functions (the Wine suite checks them against the
// real CommandLineToArgvW).
const assert = require('node:assert/strict');
const { quoteCommandLine, parseCommandLine } = require('../..');
const { argLists, rawLines, EDGE_ARG_LISTS } = require('../fixtures/command-line-corpus');

describe('quoteCommandLine / parseCommandLine', () => {
  it('round-trips hand-picked argument lists', () => {
    for (const argv of EDGE_ARG_LISTS) {
      assert.deepEqual(parseCommandLine(quoteCommandLine(argv)), argv, JSON.stringify(argv));
    }
  });

  it('round-trips a generated corpus (spaces, tabs, quotes, backslash runs, empty args, astral chars)', () => {
    const corpus = argLists(0x5eed, 5000);
    // The corpus really holds the hard cases.
    const flat = corpus.flat();
    for (const needle of [' ', '\t', '"', '\\\\', '😀']) assert.ok(flat.some((a) => a.includes(needle)), needle);
    assert.ok(flat.some((a) => a === ''), 'empty arguments');
    assert.ok(flat.some((a) => a.endsWith('\\')), 'trailing backslashes');
    for (const argv of corpus) {
      const line = quoteCommandLine(argv);
      assert.deepEqual(parseCommandLine(line), argv, `${JSON.stringify(argv)} -> ${JSON.stringify(line)}`);
    }
  });

  it('quotes a program path with white space (no unquoted service path) and leaves plain words alone', () => {
    assert.match(quoteCommandLine(['C:\\Program Files\\app.exe', 'x']), /^"C:\\Program Files\\app\.exe" /);
    assert.equal(quoteCommandLine(['C:\\app.exe', 'plain', '--flag=1']), 'C:\\app.exe plain --flag=1');
  });

  it('rejects what argv cannot carry', () => {
    assert.throws(() => quoteCommandLine([]), RangeError);
    assert.throws(() => quoteCommandLine(['']), RangeError);
    assert.throws(() => quoteCommandLine(['C:\\a"b.exe']), RangeError);
    assert.throws(() => quoteCommandLine(['a', 'b\0c']), RangeError);
    assert.throws(() => quoteCommandLine(['a', 42]), TypeError);
    assert.throws(() => quoteCommandLine('a b'), TypeError);
    assert.throws(() => parseCommandLine(42), TypeError);
  });

  it('follows the documented splitting rules', () => {
    // Microsoft's "Parsing C command-line arguments" examples, after a program name.
    assert.deepEqual(parseCommandLine('p "abc" d e'), ['p', 'abc', 'd', 'e']);
    assert.deepEqual(parseCommandLine('p a\\\\b d"e f"g h'), ['p', 'a\\\\b', 'de fg', 'h']);
    assert.deepEqual(parseCommandLine('p a\\\\\\"b c d'), ['p', 'a\\"b', 'c', 'd']);
    assert.deepEqual(parseCommandLine('p a\\\\\\\\"b c" d e'), ['p', 'a\\\\b c', 'd', 'e']);
    // argv[0]: quotes delimit it and backslashes are literal; unquoted, it ends at white space.
    assert.deepEqual(parseCommandLine('"C:\\a b\\" x'), ['C:\\a b\\', 'x']);
    assert.deepEqual(parseCommandLine('C:\\a"b c'), ['C:\\a"b', 'c']);
    assert.deepEqual(parseCommandLine('"a"b c'), ['a', 'b', 'c']);
    assert.deepEqual(parseCommandLine('  a b'), ['', 'a', 'b']);
    // Only space and tab separate arguments.
    assert.deepEqual(parseCommandLine('p a\nb\u00a0c\vd'), ['p', 'a\nb\u00a0c\vd']);
    assert.deepEqual(parseCommandLine('p a \t '), ['p', 'a']);
    assert.deepEqual(parseCommandLine('p ""'), ['p', '']);
  });

  it('gives [] for an empty or space/tab-only line, but keeps other white space as a program name', () => {
    assert.deepEqual(parseCommandLine(''), []);
    assert.deepEqual(parseCommandLine(' \t  '), []);
    assert.deepEqual(parseCommandLine('\n'), ['\n']);
    assert.deepEqual(parseCommandLine('\u00a0'), ['\u00a0']);
  });

  it('parses every generated raw line without throwing, into strings', () => {
    for (const line of rawLines(7, 2000)) {
      const argv = parseCommandLine(line);
      assert.ok(Array.isArray(argv) && argv.every((a) => typeof a === 'string'), JSON.stringify(line));
      if (!/^[ \t]*$/.test(line)) assert.ok(argv.length >= 1, JSON.stringify(line));
    }
  });
});
