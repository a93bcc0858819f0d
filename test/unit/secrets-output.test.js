'use strict';
// Secrets and output (docs/security.md): no password on the command line (a hidden prompt or
// stdin instead), program text made visible before it reaches the admin's terminal, and event
// messages cut to what ReportEventW takes.
const assert = require('node:assert/strict');
const { PassThrough, Readable } = require('node:stream');
const { parseArgs } = require('../../dist/cli/args');
const { SERVICE_OPTIONS, serviceOptions } = require('../../dist/cli/service-options');
const { promptPassword, readPasswordLine, PasswordAborted } = require('../../dist/cli/password');
const { collector } = require('../support/cli');

const SECRET = 'Tr0ub4dor-&-3-RECOGNISABLE';

/** A fake terminal stdin: isTTY, setRawMode recorded, keys pushed by the test. */
function terminal() {
  const stdin = new PassThrough();
  stdin.isTTY = true;
  stdin.rawModes = [];
  stdin.setRawMode = (mode) => {
    stdin.rawModes.push(mode);
    stdin.isRaw = mode;
    return stdin;
  };
  return stdin;
}

const options = (argv, io) => serviceOptions(parseArgs(argv, SERVICE_OPTIONS, 'install'), io, 'install');

describe('passwords never on the command line', () => {
  it('--password VALUE is a usage error naming what to use instead, without the value', () => {
    for (const argv of [['svc', '--password', SECRET], [`--password=${SECRET}`], ['--password', `-${SECRET}`], ['--password', `--${SECRET}`], ['--password', SECRET, 'svc']]) {
      assert.throws(() => parseArgs(argv, SERVICE_OPTIONS, 'install'), (e) => {
        assert.equal(e.name, 'UsageError');
        assert.match(e.message, /--password takes no value: a password on the command line reaches shell history/);
        assert.match(e.message, /--password alone/);
        assert.match(e.message, /--password-stdin/);
        assert.ok(!e.message.includes(SECRET));
        return true;
      }, argv.join(' '));
    }
  });

  it('--password alone is a flag, followed by another option, -- or nothing', () => {
    assert.equal(parseArgs(['svc', '--password'], SERVICE_OPTIONS).options.password, true);
    assert.equal(parseArgs(['svc', '--password', '--username', 'u'], SERVICE_OPTIONS).options.password, true);
    assert.equal(parseArgs(['svc', '--password', '--no-kill-tree'], SERVICE_OPTIONS).options.password, true);
    assert.deepEqual(parseArgs(['svc', '--password', '--', 'p.js'], SERVICE_OPTIONS).rest, ['p.js']);
  });

  it('--password prompts on a terminal with echo off: raw mode on, then off; the password never written', async () => {
    const stdin = terminal();
    const err = collector();
    const out = collector();
    const pending = options(['svc', '--username', '.\\svc', '--password'], { stdin, stderr: err.stream, stdout: out.stream });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(stdin.rawModes, [true], 'raw mode while typing');
    stdin.write(`${SECRET}x`);
    stdin.write('\u007f'); // Backspace removes the x
    stdin.write('\u001b[D'); // an arrow key is ignored
    stdin.write('\r');
    const o = await pending;
    assert.equal(o.password, SECRET);
    assert.equal(o.username, '.\\svc');
    assert.deepEqual(stdin.rawModes, [true, false], 'raw mode off again');
    assert.equal(err.text, 'Password for .\\svc: \n');
    assert.equal(out.text, '');
  });

  it('--password-stdin on a terminal also reads with echo off', async () => {
    const stdin = terminal();
    const err = collector();
    const pending = options(['svc', '--password-stdin'], { stdin, stderr: err.stream });
    await new Promise((r) => setImmediate(r));
    stdin.write(`${SECRET}\n`);
    assert.equal((await pending).password, SECRET);
    assert.deepEqual(stdin.rawModes, [true, false]);
    assert.ok(!err.text.includes(SECRET));
  });

  it('Ctrl+C at the prompt aborts (and restores the terminal); through the CLI it is an error, not an install', async () => {
    const stdin = terminal();
    const err = collector();
    const pending = promptPassword({ stdin, stderr: err.stream }, 'Password: ');
    stdin.write('abc\u0003');
    await assert.rejects(pending, (e) => e instanceof PasswordAborted && /Ctrl\+C/.test(e.message));
    assert.deepEqual(stdin.rawModes, [true, false]);

    const cliStdin = terminal();
    const cliErr = collector();
    const run = require('../..').runCli(['install', 'svc', '--password', '--', __filename], { stdin: cliStdin, stdout: collector().stream, stderr: cliErr.stream });
    await new Promise((r) => setImmediate(r));
    cliStdin.write(`${SECRET}\u0003`);
    assert.equal(await run, 1);
    assert.match(cliErr.text, /^Password: \nscm-native: error: no password read: Ctrl\+C\n$/);
    assert.deepEqual(cliStdin.rawModes, [true, false]);
  });

  it('Ctrl+D on an empty prompt, or the input ending, aborts', async () => {
    const stdin = terminal();
    const pending = promptPassword({ stdin, stderr: collector().stream }, 'Password: ');
    stdin.write('\u0004');
    await assert.rejects(pending, PasswordAborted);
    const ended = terminal();
    const pendingEnd = promptPassword({ stdin: ended, stderr: collector().stream }, 'Password: ');
    ended.end('ab');
    await assert.rejects(pendingEnd, PasswordAborted);
    assert.deepEqual(ended.rawModes, [true, false]);
  });

  it('--password without a terminal is a usage error pointing at --password-stdin; --password-stdin reads the first line', async () => {
    await assert.rejects(options(['svc', '--password'], { stdin: Readable.from([`${SECRET}\n`]), stderr: collector().stream }),
      (e) => e.name === 'UsageError' && /--password asks on a terminal, and stdin is not one: pipe the password with --password-stdin/.test(e.message));
    assert.equal((await options(['svc', '--password-stdin'], { stdin: Readable.from([`${SECRET}\r\nsecond line\n`]) })).password, SECRET);
    assert.equal((await options(['svc', '--password-stdin'], { stdin: Readable.from(['\n']) })).password, '', 'an empty line is an empty password');
    await assert.rejects(readPasswordLine({ stdin: Readable.from([]) }), /stdin empty/);
    await assert.rejects(options(['svc', '--password', '--password-stdin'], { stdin: Readable.from(['x\n']) }), /give --password or --password-stdin, not both/);
  });
});

describe('program text made visible on the terminal', () => {
  const { visibleText, visibleLines, terminalJson } = require('../../dist/cli/output');

  it('shows ESC, other C0/C1 controls and DEL as \\xNN, keeps tabs and ordinary text', () => {
    assert.equal(visibleText('\u001b[2J\u001b]0;pwned\u0007title'), '\\x1b[2J\\x1b]0;pwned\\x07title');
    assert.equal(visibleText('ok\rFORGED'), 'ok\\x0dFORGED', 'a CR cannot overwrite the line');
    assert.equal(visibleText('a\nb'), 'a\\x0ab');
    assert.equal(visibleText('\u0000\u0008\u007f\u0085\u009b31m'), '\\x00\\x08\\x7f\\x85\\x9b31m', 'NUL, BS, DEL, NEL, C1 CSI');
    assert.equal(visibleText('col1\tcol2 C:\\app\\x.js é ✓ 日本'), 'col1\tcol2 C:\\app\\x.js é ✓ 日本');
    assert.equal(visibleText('\u202eexe.txt\u2028'), '\\u202eexe.txt\\u2028', 'bidi override and line separator');
    // OSC 52 (write the clipboard) and OSC 8 (hyperlink) lose their ESC and BEL.
    assert.ok(!/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/.test(visibleText('\u001b]52;c;cm0gLXJmIC8K\u0007\u001b]8;;http://x\u001b\\link')));
  });

  it('visibleLines keeps the line breaks of followed text, CRLF as one break', () => {
    assert.equal(visibleLines('one\r\ntwo\u001b[1A\nthree'), 'one\ntwo\\x1b[1A\nthree');
    assert.equal(visibleLines('a\rb\n'), 'a\\x0db\n');
  });

  it('terminalJson escapes what JSON.stringify leaves (DEL, C1, bidi) and stays the same JSON', () => {
    const value = { lastStderr: ['\u001b[31mred\u009b2J\u007f\u202e'] };
    const text = terminalJson(value);
    assert.ok(!/[\u0000-\u001f\u007f-\u009f\u202e]/.test(text.replace(/\n/g, '')), text);
    assert.deepEqual(JSON.parse(text), value);
  });
});
