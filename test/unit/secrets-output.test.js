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

describe('event messages cut to what ReportEventW takes', () => {
  const { fitEventMessage, MAX_EVENT_STRING, reportEvent } = require('../../dist/as-service/event-log');
  // The early-exit report: a summary, then up to 20 stderr lines of up to 64 KiB each.
  const summary = 'svc: the program exited with code 3 0.4 s after it started. Last lines of its stderr:\n';
  const lines = Array.from({ length: 20 }, (_, i) => `line ${i} ${'x'.repeat(64 * 1024)}`);
  const report = `${summary}${lines.join('\n')}\nthe very last line`;

  it('is the documented limit: 31,839 characters per insertion string', () => {
    assert.equal(MAX_EVENT_STRING, 31839);
  });

  it('keeps a message that fits as it is', () => {
    assert.equal(fitEventMessage('short'), 'short');
    const exact = 'y'.repeat(MAX_EVENT_STRING);
    assert.equal(fitEventMessage(exact), exact);
  });

  it('cuts a long one in the middle: the summary and the last lines kept, the cut marked, within the limit', () => {
    const fitted = fitEventMessage(report);
    assert.ok(fitted.length <= MAX_EVENT_STRING, `${fitted.length}`);
    assert.ok(fitted.length > MAX_EVENT_STRING - 200, 'uses the room it has');
    assert.ok(fitted.startsWith(summary));
    assert.ok(fitted.endsWith('\nthe very last line'));
    const m = /\n\[\.\.\. (\d+) of (\d+) characters cut: an event message holds at most 31839 \.\.\.\]\n/.exec(fitted);
    assert.ok(m, 'the cut is marked');
    assert.equal(Number(m[2]), report.length);
    assert.equal(fitted.length - m[0].length + Number(m[1]), report.length, 'the count is what is missing');
  });

  it('never splits a surrogate pair', () => {
    for (let shift = 0; shift < 4; shift++) {
      const text = `${'a'.repeat(shift)}${'😀'.repeat(40)}`;
      const fitted = fitEventMessage(text, 120 + shift);
      assert.ok(fitted.length <= 120 + shift);
      assert.doesNotMatch(fitted, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/, 'no lone surrogate');
    }
  });

  it('reportEvent hands the cut message to ReportEventW (the native call faked)', async () => {
    const loaded = require('../../binding');
    const saved = loaded.binding;
    const calls = [];
    loaded.binding = { reportEvent: async (...args) => { calls.push(args); } };
    try {
      await reportEvent('svc', 'error', report);
      await reportEvent('svc', 'information', 'svc: service started');
    } finally {
      loaded.binding = saved;
    }
    const [strings] = calls.map((c) => c[5]);
    assert.equal(strings.length, 1, 'one insertion string');
    assert.equal(strings[0], fitEventMessage(report));
    assert.deepEqual(calls[1][5], ['svc: service started']);
  });
});

describe('debug does not hand the services file passwords to the program', () => {
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const { withoutDeclaredPasswords, declaredPasswordVariables } = require('../../dist/cli/host-commands');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-debug-env-'));
  const file = path.join(dir, 'services.json');
  fs.writeFileSync(file, JSON.stringify({
    services: [
      { name: 'web', program: 'web.js', username: '.\\web', passwordEnv: 'WEB_PASSWORD' },
      { name: 'api', program: 'api.js', username: '.\\api', passwordEnv: 'API_PW' },
      { name: 'db', program: 'db.js', username: '.\\db', passwordEnv: 'WEB_PASSWORD' },
      { name: 'Spooler', expected: 'running' },
    ],
  }));
  const args = (extra = {}) => ({ positionals: ['web'], options: extra, rest: null });

  it('names every passwordEnv of the file once', () => {
    assert.deepEqual(declaredPasswordVariables(file), ['WEB_PASSWORD', 'API_PW']);
  });

  it('removes them (any case, as Windows) from the environment the program is built from, naming them, never their values', () => {
    const env = { Web_Password: SECRET, API_PW: 'other-secret', PATH: 'C:\\bin', SystemRoot: 'C:\\Windows' };
    const err = collector();
    assert.equal(withoutDeclaredPasswords(args({ file }), { stderr: err.stream }, env), null);
    assert.deepEqual(env, { PATH: 'C:\\bin', SystemRoot: 'C:\\Windows' });
    assert.match(err.text, /^not passing Web_Password, API_PW to the program \(passwordEnv in .*services\.json\)\n$/);
    assert.ok(!err.text.includes(SECRET));
  });

  it('uses services.json of the current folder without --file; nothing to do without one', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const env = { WEB_PASSWORD: SECRET, KEEP: '1' };
      assert.equal(withoutDeclaredPasswords(args(), { stderr: collector().stream }, env), null);
      assert.deepEqual(env, { KEEP: '1' });
    } finally {
      process.chdir(cwd);
    }
    const env = { WEB_PASSWORD: SECRET };
    assert.equal(withoutDeclaredPasswords(args(), { stderr: collector().stream }, env, () => false), null);
    assert.deepEqual(env, { WEB_PASSWORD: SECRET }, 'no services file: nothing known to remove');
  });

  it('an unreadable --file is exit code 2 before the program runs; an unreadable default file is a warning', () => {
    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, '{"services": [');
    const err = collector();
    assert.equal(withoutDeclaredPasswords(args({ file: broken }), { stderr: err.stream }, {}), 2);
    assert.match(err.text, /^scm-native: error: /);
    const cwd = process.cwd();
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-debug-env-'));
    fs.writeFileSync(path.join(other, 'services.json'), '{"services": [');
    process.chdir(other);
    try {
      const warn = collector();
      assert.equal(withoutDeclaredPasswords(args(), { stderr: warn.stream }, {}), null);
      assert.match(warn.text, /^scm-native: warning: services\.json cannot be read, so the variables its passwordEnv entries name are not removed/);
    } finally {
      process.chdir(cwd);
    }
  });
});
