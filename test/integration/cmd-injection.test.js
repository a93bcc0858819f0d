'use strict';
// No command injection into cmd.exe (issue 12, part 5): the BatBadBut corpus given to a real .cmd
// script, through the spawn path the host uses for a .cmd program, through the hook runner, and
// as an installed service's program and pre-start command. The script passes %* to a Node script
// that writes its argv as JSON: it must be exactly the corpus, and no breakout may create the
// marker file. A positive control first shows that the naive quoting (no % escape) does break out
// under this cmd.exe, so an absent marker means something.
//
// Under Wine 8 a batch file re-expands the text it substitutes for %1..%9 and %* (Windows does
// not), so an argument holding %VAR% is expanded inside the script whatever the caller does, and
// %1 or %* in an argument sends Wine's cmd.exe into a crash (docs/wine.md). There the scripts get
// the corpus without `%`, and the `%` part is checked where the escaping acts: cmd.exe's own
// parse of the /c line, echoed.
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('../support/child');
const scm = require('../..');
const { assert, underWine } = require('../support/scm');
const { cleanup, newCase, readLog, waitFor } = require('../support/host-service');
const { batBadButCorpus } = require('../fixtures/batbadbut-corpus');
const { programCommand } = require('../../dist/host/settings');
const { runHook } = require('../../dist/host/hooks');
const { CMD_SWITCHES, escapeBatchArgument, systemCmdPath } = require('../../dist/host/batch');

const PRINT_ARGV = path.join(__dirname, '..', 'fixtures', 'print-argv.js');
const VARS = { SCMN_CMDSAFE_SECRET: 'leaked', SCMN_QUOTE: '"' };
const created = [];

/** The corpus a script gets: all of it on Windows, its entries without `%` under Wine (above). */
function scriptCorpus(marker) {
  const corpus = batBadButCorpus(marker);
  return underWine ? corpus.filter((arg) => !arg.includes('%')) : corpus;
}

/** A .cmd script that hands %* to print-argv.js, which writes them to `out`. */
function argvScript(dir, name, out) {
  const script = path.join(dir, name);
  fs.writeFileSync(script, `@"${process.execPath}" "${PRINT_ARGV}" "${out}" %*\r\n`);
  return script;
}

function readArgv(out) {
  return JSON.parse(fs.readFileSync(out, 'utf8'));
}

/** Runs `file args` verbatim (as the host does for cmd.exe) to its end. */
function run(file, args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: 'ignore', windowsHide: true, windowsVerbatimArguments: true });
    const timer = setTimeout(() => { child.kill(); reject(new Error(`${file} did not finish within 30 s`)); }, 30000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve(code); });
  });
}

describe('cmd.exe arguments: no command injection (BatBadBut)', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('control: the naive quoting of old (no % escape) lets %VAR% break out of the quotes under this cmd.exe', async () => {
    const c = newCase('cmdctl');
    const marker = path.join(c.dir, 'control.marker');
    const out = path.join(c.dir, 'argv.json');
    const script = argvScript(c.dir, 'argv.cmd', out);
    assert.doesNotMatch(marker, /[ "]/, 'the marker path works unquoted');
    const naive = `""${script}" "%SCMN_QUOTE%&echo pwned>${marker}""`;
    await run(systemCmdPath(), ['/d', '/s', '/c', naive], VARS);
    assert.equal(fs.existsSync(marker), true, 'the breakout ran: the test can see one');
  });

  it("cmd.exe's own parse of the /c line keeps every % of the corpus literal (%VAR%, CMDCMDLINE substrings, a quote variable)", async () => {
    const c = newCase('cmdecho');
    const marker = path.join(c.dir, 'pwned.marker');
    // ASCII only: echo writes the console's code page into the file.
    const percent = batBadButCorpus(marker).filter((arg) => arg.includes('%') && /^[\x20-\x7e]*$/.test(arg));
    const out = path.join(c.dir, 'echo.txt');
    // echo prints the rest of its line as cmd.exe made it: the escaped arguments with each
    // %%cd:~,% back to one %, nothing expanded, nothing run.
    const line = `"echo ${percent.map((arg, i) => escapeBatchArgument(arg, `percent[${i}]`)).join(' ')}>"${out}""`;
    assert.equal(await run(systemCmdPath(), [...CMD_SWITCHES, line], VARS), 0);
    const expected = percent.map((arg) => escapeBatchArgument(arg).replace(/%%cd:~,%/g, '%')).join(' ');
    assert.equal(fs.readFileSync(out, 'utf8').replace(/\r?\n$/, ''), expected);
    assert.equal(fs.existsSync(marker), false, 'no breakout');
  });

  it('the spawn path of a .cmd program passes the corpus exactly; nothing else runs', async () => {
    const c = newCase('cmdspawn');
    const marker = path.join(c.dir, 'pwned.marker');
    const out = path.join(c.dir, 'argv.json');
    const script = argvScript(c.dir, 'argv.cmd', out);
    const corpus = scriptCorpus(marker);
    const { file, args } = programCommand({ kind: 'cmd', program: script, args: corpus, interpreter: 'C:\\Users\\evil\\cmd.exe', interpreterArgs: [] }, ['start&arg']);
    assert.equal(file.toLowerCase(), path.win32.join(process.env.SystemRoot, 'System32', 'cmd.exe').toLowerCase(), "the system's cmd.exe, not the stored one");
    assert.deepEqual(args.slice(0, CMD_SWITCHES.length), [...CMD_SWITCHES]);
    assert.equal(await run(file, args, VARS), 0);
    assert.deepEqual(readArgv(out), corpus, 'the start argument is not passed either');
    assert.equal(fs.existsSync(marker), false, 'no breakout');
  });

  it('the hook runner passes the corpus exactly; nothing else runs', async () => {
    const c = newCase('cmdhook');
    const marker = path.join(c.dir, 'pwned.marker');
    const out = path.join(c.dir, 'argv.json');
    const script = argvScript(c.dir, 'argv hook.cmd', out);
    const corpus = scriptCorpus(marker);
    const lines = [];
    const result = await runHook([script, ...corpus], { cwd: c.dir, env: { ...process.env, ...VARS, ComSpec: 'C:\\nowhere\\cmd.exe' }, timeoutMs: 30000, output: (l) => lines.push(l) });
    assert.deepEqual(result, { code: 0, timedOut: false }, lines.join('\n'));
    assert.deepEqual(readArgv(out), corpus);
    assert.equal(fs.existsSync(marker), false, 'no breakout');
    const refused = await runHook([script, 'ok', 'a\r\necho pwned'], { cwd: c.dir, env: process.env, timeoutMs: 30000, output: () => {} });
    assert.equal(refused.code, null);
    assert.match(refused.error, /^the hook command\[2\] must not contain a carriage return/);
  });

  it('an installed .cmd program and .cmd pre-start command get the corpus exactly; nothing else runs', async () => {
    const c = newCase('cmdsvc');
    const marker = path.join(c.dir, 'pwned.marker');
    const programOut = path.join(c.dir, 'program.json');
    const hookOut = path.join(c.dir, 'hook.json');
    const program = argvScript(c.dir, 'program.cmd', programOut);
    const hook = argvScript(c.dir, 'pre start.cmd', hookOut);
    const corpus = scriptCorpus(marker);
    await scm.installProgramService(c.name, program, corpus, { allowInsecureLocation: true, logDir: c.logDir, restart: 'never', env: VARS, preStart: [hook, ...corpus] });
    created.push(c.name);
    await scm.startService(c.name);
    await waitFor('the program and hook outputs', () => fs.existsSync(programOut) && fs.existsSync(hookOut), 30000);
    await waitFor('the program ends', () => /program exited with code 0|exited with code 0/.test(readLog(c.logDir, c.name)), 15000).catch(() => {});
    assert.deepEqual(readArgv(hookOut), corpus, 'the pre-start command');
    assert.deepEqual(readArgv(programOut), corpus, 'the program');
    assert.equal(fs.existsSync(marker), false, 'no breakout');
    assert.match(readLog(c.logDir, c.name), /the pre-start command exited with code 0/);
  });
});
