'use strict';
// How a .cmd/.bat program's or hook's arguments are escaped for cmd.exe (lib/host/batch.ts): the
// exact text of known cases, and, for the BatBadBut corpus and a generated one, a model of what
// cmd.exe and the script's `%*` consumer make of it: cmd's percent pass, its quote state (no
// operator may fall outside the quotes), then the CRT's argument rules.
const assert = require('node:assert/strict');
const { CMD_SWITCHES, batchCommand, checkBatchArgument, cmdLine, escapeBatchArgument, escapeBatchScript, isBatchFile, systemCmdPath } = require('../../dist/host/batch');
const { batBadButCorpus } = require('../fixtures/batbadbut-corpus');
const { argLists } = require('../fixtures/command-line-corpus');

/**
 * cmd.exe's percent pass on a command line (not a batch file): `%name%` of a defined variable is
 * replaced, `%cd:~,%` is an empty substring; an empty or undefined name leaves the first `%` and
 * scanning goes on from the next character.
 */
function percentPass(line, env) {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== '%') {
      out += line[i];
      continue;
    }
    const end = line.indexOf('%', i + 1);
    const name = end < 0 ? '' : line.slice(i + 1, end);
    if (name.toLowerCase() === 'cd:~,') {
      i = end;
    } else if (name !== '' && Object.hasOwn(env, name.toUpperCase())) {
      out += env[name.toUpperCase()];
      i = end;
    } else {
      out += '%';
    }
  }
  return out;
}

/** Throws when one of cmd's operators is outside its quote state (a `"` toggles it). */
function assertNoOperatorOutsideQuotes(line) {
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && /[&|<>^()]/.test(ch)) assert.fail(`cmd operator '${ch}' outside quotes in ${line}`);
  }
  assert.equal(quoted, false, `quotes balanced in ${line}`);
}

/** The MSVC CRT's (2008+) split of a command line's arguments (argv[0] not included). */
function crtSplit(text) {
  const args = [];
  let i = 0;
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (i >= text.length) return args;
    let arg = '';
    let quoted = false;
    while (i < text.length && (quoted || (text[i] !== ' ' && text[i] !== '\t'))) {
      let slashes = 0;
      while (text[i] === '\\') { slashes++; i++; }
      if (text[i] === '"') {
        arg += '\\'.repeat(slashes >> 1);
        if (slashes % 2 === 1) { arg += '"'; i++; continue; }
        if (quoted && text[i + 1] === '"') { arg += '"'; i += 2; continue; }
        quoted = !quoted;
        i++;
        continue;
      }
      arg += '\\'.repeat(slashes);
      if (i < text.length && (quoted || (text[i] !== ' ' && text[i] !== '\t'))) arg += text[i++];
    }
    args.push(arg);
  }
}

const ENV = { PATH: 'C:\\Windows', SCMN_CMDSAFE_SECRET: 'leaked', CMDCMDLINE: 'cmd /c "x"', CD: 'C:\\' };

/** What the script's `%*` consumer gets for `args`, through the model of cmd.exe. */
function roundTrip(args) {
  const line = cmdLine('C:\\app\\run.cmd', args);
  assert.ok(line.startsWith('"') && line.endsWith('"'), line);
  // /s strips the outer quotes, then cmd parses the rest: the script's own quoted name, its %*.
  const inner = percentPass(line.slice(1, -1), ENV);
  assertNoOperatorOutsideQuotes(inner);
  assert.ok(inner.startsWith('"C:\\app\\run.cmd"'), inner);
  return crtSplit(inner.slice('"C:\\app\\run.cmd"'.length));
}

describe('cmd.exe arguments (BatBadBut)', () => {
  it('escapes % the way Rust std does (%%cd:~,%), quotes what cmd could read as an operator, doubles quotes', () => {
    assert.equal(escapeBatchArgument('plain'), 'plain');
    assert.equal(escapeBatchArgument('C:\\dir\\file.txt'), 'C:\\dir\\file.txt');
    assert.equal(escapeBatchArgument(''), '""');
    assert.equal(escapeBatchArgument('a b'), '"a b"');
    assert.equal(escapeBatchArgument('%PATH%'), '"%%cd:~,%PATH%%cd:~,%"');
    assert.equal(escapeBatchArgument('%CMDCMDLINE:~-1%&calc.exe'), '"%%cd:~,%CMDCMDLINE:~-1%%cd:~,%&calc.exe"');
    assert.equal(escapeBatchArgument('say "hi"'), '"say ""hi"""');
    assert.equal(escapeBatchArgument('a\\'), '"a\\\\"', 'a trailing backslash is quoted and doubled');
    assert.equal(escapeBatchArgument('a\\"b'), '"a\\\\""b"');
    assert.equal(escapeBatchArgument('!PATH!'), '"!PATH!"');
    assert.equal(escapeBatchArgument('a^b'), '"a^b"');
    assert.equal(escapeBatchArgument('日本😀'), '日本😀');
    assert.equal(escapeBatchArgument('\u0085'), '"\u0085"', 'control characters are quoted');
  });

  it('refuses CR, LF and NUL with a RangeError naming the argument', () => {
    for (const [arg, what] of [['a\nb', 'line feed'], ['a\rb', 'carriage return'], ['a\0b', 'NUL'], ['\r\n', 'carriage return']]) {
      assert.throws(() => escapeBatchArgument(arg, 'args[3]'), (e) => e instanceof RangeError && e.message.startsWith('args[3] must not contain') && e.message.includes(what));
    }
    assert.throws(() => cmdLine('C:\\r.cmd', ['ok', 'x\ny']), (e) => e instanceof RangeError && /^args\[1\] must not contain a line feed/.test(e.message));
    assert.throws(() => cmdLine('C:\\r.cmd', ['x\ny'], { what: 'options.preStart', first: 1 }), (e) => e instanceof RangeError && /^options\.preStart\[1\] /.test(e.message));
    assert.equal(checkBatchArgument('fine %x%', 'a'), 'fine %x%');
  });

  it('quotes the script, escaping % in its path; a quote or trailing backslash in it is refused', () => {
    assert.equal(escapeBatchScript('C:\\my app\\run.cmd'), '"C:\\my app\\run.cmd"');
    assert.equal(escapeBatchScript('C:\\100%\\run.cmd'), '"C:\\100%%cd:~,%\\run.cmd"');
    assert.throws(() => escapeBatchScript('C:\\a"b.cmd'), RangeError);
    assert.throws(() => escapeBatchScript('C:\\a\\'), RangeError);
    assert.throws(() => escapeBatchScript('C:\\a\n.cmd', 'args[0]'), /^RangeError: args\[0\] must not contain a line feed/);
  });

  it('runs the system cmd.exe with AutoRun off, extensions on and delayed expansion off; never ComSpec', () => {
    assert.deepEqual(CMD_SWITCHES, ['/d', '/e:ON', '/v:OFF', '/s', '/c']);
    const env = { SystemRoot: 'C:\\Windows', ComSpec: 'C:\\Users\\evil\\cmd.exe', PATH: 'C:\\Users\\evil' };
    assert.deepEqual(batchCommand('C:\\r.cmd', ['a&b'], {}, env), { file: 'C:\\Windows\\System32\\cmd.exe', args: ['/d', '/e:ON', '/v:OFF', '/s', '/c', '""C:\\r.cmd" "a&b""'] });
    assert.equal(systemCmdPath({ windir: 'D:\\WINNT' }), 'D:\\WINNT\\System32\\cmd.exe');
    assert.throws(() => systemCmdPath({ ComSpec: 'C:\\Windows\\System32\\cmd.exe' }), /SystemRoot is not set/);
    assert.throws(() => systemCmdPath({ SystemRoot: 'Windows' }), /not an absolute path/);
  });

  it('knows a batch file by its extension, also with the trailing dots and spaces Windows strips', () => {
    for (const f of ['C:\\a\\run.cmd', 'C:\\a\\RUN.BAT', 'C:\\a\\run.bat.', 'C:\\a\\run.cmd  ', 'C:\\a\\run.cmd. .']) assert.equal(isBatchFile(f), true, f);
    for (const f of ['C:\\a\\run.exe', 'C:\\a\\run.cmdx', 'C:\\a\\bat', 'C:\\a\\run.js']) assert.equal(isBatchFile(f), false, f);
  });

  it('the BatBadBut corpus reaches the script exactly, no operator outside the quotes, no variable expanded', () => {
    const corpus = batBadButCorpus('C:\\t\\marker.txt');
    assert.deepEqual(roundTrip(corpus), corpus);
    for (const arg of corpus) assert.deepEqual(roundTrip([arg]), [arg], JSON.stringify(arg));
  });

  it('so does a generated corpus of quotes, backslashes, spaces and operators (CR/LF left out)', () => {
    for (const [, ...args] of argLists(27980, 300)) {
      const clean = args.map((a) => a.replace(/[\r\n]/g, 'x'));
      assert.deepEqual(roundTrip(clean), clean, JSON.stringify(clean));
    }
  });

  it('the model catches the escaping Node and older scm-native used (no % escape): %VAR% expands, a quote in it breaks out', () => {
    const naive = (arg) => `"${arg.replace(/"/g, '""')}"`;
    const inner = `"C:\\r.cmd" ${naive('%Q%&echo pwned')}`;
    assert.throws(() => assertNoOperatorOutsideQuotes(percentPass(inner, { Q: '"' })), /operator '&' outside quotes/);
    assert.doesNotThrow(() => assertNoOperatorOutsideQuotes(percentPass(cmdLine('C:\\r.cmd', ['%Q%&echo pwned']).slice(1, -1), { Q: '"' })));
  });
});
