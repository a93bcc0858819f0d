'use strict';
// quoteCommandLine and parseCommandLine against the real CommandLineToArgvW (the addon exposes it
// raw), on a deterministic pseudo-random corpus.
const { quoteCommandLine, parseCommandLine } = require('../..');
const { binding } = require('../../binding');
const { assert } = require('../support/scm');
const { argLists, rawLines, EDGE_ARG_LISTS } = require('../fixtures/command-line-corpus');

// CommandLineToArgvW gives the executable's own path for an empty line, and parseCommandLine
// documents [] for a line of only spaces and tabs: those are compared separately.
const isBlank = (line) => /^[ \t]*$/.test(line);

describe('command lines against CommandLineToArgvW', () => {
  it('the raw binding is loaded', () => {
    assert.equal(typeof binding.commandLineToArgv, 'function');
    assert.deepEqual(binding.commandLineToArgv('a b'), ['a', 'b']);
  });

  it('CommandLineToArgvW(quoteCommandLine(argv)) gives argv back, for edge cases and 4000 generated lists', () => {
    const corpus = [...EDGE_ARG_LISTS, ...argLists(0xc0ffee, 4000)];
    let checked = 0;
    for (const argv of corpus) {
      const line = quoteCommandLine(argv);
      assert.deepEqual(binding.commandLineToArgv(line), argv, `${JSON.stringify(argv)} -> ${JSON.stringify(line)}`);
      checked++;
    }
    assert.equal(checked, corpus.length);
  });

  it('parseCommandLine(s) equals CommandLineToArgvW(s) for 4000 generated raw strings', () => {
    const lines = rawLines(0xbadc0de, 4000).filter((line) => !isBlank(line));
    assert.ok(lines.length > 3500, `${lines.length} lines left`);
    // The corpus exercises the doubled-quote rule and backslash runs before quotes.
    assert.ok(lines.some((l) => l.includes('"""')) && lines.some((l) => l.includes('\\\\"')));
    for (const line of lines) {
      assert.deepEqual(parseCommandLine(line), binding.commandLineToArgv(line), JSON.stringify(line));
    }
  });

  it('agrees on hand-picked lines, including white space other than space and tab', () => {
    const lines = [
      'a', '"a b" c', '"a"b c', 'a"b c', '"unterminated', 'p "unterminated arg', 'p a"b"" c d', 'p """"', 'p """""" x',
      'p a\\\\\\"b', 'p "a\\\\" b', 'p \\\\"\\\\', '\tp\tq', '  a b', '\n', '\u00a0', '\r\n', 'p\u3000q r', '"" x', 'p "" ""',
    ];
    for (const line of lines) assert.deepEqual(parseCommandLine(line), binding.commandLineToArgv(line), JSON.stringify(line));
  });

  it('blank lines: [] from parseCommandLine, while CommandLineToArgvW gives a single entry', () => {
    for (const line of ['', ' ', '\t \t']) {
      assert.deepEqual(parseCommandLine(line), []);
      assert.equal(binding.commandLineToArgv(line).length, 1);
    }
    assert.match(binding.commandLineToArgv('')[0], /node(\.exe)?$/i); // the executable's own path
  });
});
