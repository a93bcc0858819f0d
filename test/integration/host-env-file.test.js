'use strict';
// --env-file and %NAME% expansion: the program's environment is the machine's, then the file's,
// then --env's, each able to refer to the ones before it; the program's arguments are expanded in
// it; the file is read again at each start; a missing file fails the start; a file others can
// change is refused for a privileged account, as the program is.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, readEvents, readLog, waitFor } = require('../support/host-service');
const { HOST_SETUP_FAILURE, runHost } = require('../../dist/host/host');
const { readSettings } = require('../../dist/host/settings');

const created = [];
const starts = (c) => readEvents(c.events).filter((e) => e.event === 'start');

describe('service host: environment file and %NAME% expansion', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('machine, file, --env in that order, expanded in values and arguments; an edit applies at the next start', async () => {
    const c = newCase('envfile');
    const envFile = path.join(c.dir, 'app.env');
    fs.writeFileSync(envFile, '\ufeff# application settings\r\nFROM_FILE=%SystemRoot%\\from-file\r\n\r\nFIXTURE_VALUE=file:%FROM_FILE%\r\nFIXTURE_EXTRA="  spaced # not a comment  "\r\n');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s', '--env-file', envFile,
      '--env', 'FIXTURE_VALUE=env:%FIXTURE_VALUE%', '--', PROGRAM, c.events, 'serve', '%FROM_FILE%', '%NOPE%', '%scm_native_service%', '100%']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await scm.getProgramServiceStatus(c.name)).args.includes('%FROM_FILE%'), true, 'stored as written');
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitFor('the program', () => starts(c).length === 1);
    const [first] = starts(c);
    assert.match(first.fixtureEnv, /^env:file:[A-Z]:\\windows\\from-file$/i, 'each step saw the one before');
    assert.equal(first.fixtureExtra, '  spaced # not a comment  ');
    assert.match(first.args[0], /^[A-Z]:\\windows\\from-file$/i);
    assert.deepEqual(first.args.slice(1), ['%NOPE%', c.name, '100%']);
    fs.writeFileSync(envFile, 'FIXTURE_VALUE=edited\n');
    assert.equal((await cli(['restart', c.name])).code, 0);
    await waitFor('the second start', () => starts(c).length === 2);
    assert.equal(starts(c)[1].fixtureEnv, 'env:edited');
    assert.deepEqual(starts(c)[1].args, ['%FROM_FILE%', '%NOPE%', c.name, '100%'], 'FROM_FILE is gone from the file');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('a .cmd program gets expanded arguments escaped for cmd.exe: a value with & and % stays one argument', async () => {
    const c = newCase('envcmd');
    const script = path.join(c.dir, 'show.cmd');
    fs.writeFileSync(script, `@echo arg=[%1] >> "${path.join(c.dir, 'out.txt')}"\r\n`);
    const envFile = path.join(c.dir, 'app.env');
    fs.writeFileSync(envFile, 'EVIL=a & echo injected %OS%\n');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--restart', 'never', '--env-file', envFile, '--', script, '%EVIL%']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    await cli(['start', c.name]);
    await waitFor('the script', () => fs.existsSync(path.join(c.dir, 'out.txt')) && fs.readFileSync(path.join(c.dir, 'out.txt'), 'utf8').includes(']'));
    const out = fs.readFileSync(path.join(c.dir, 'out.txt'), 'utf8').trim();
    // %OS% came from the machine, expanded by the host when it built EVIL; cmd.exe expanded nothing more.
    assert.match(out, /^arg=\["a & echo injected Windows_NT"\]$/);
  });

  it('a missing environment file fails the start, saying which file', async () => {
    const c = newCase('envmissing');
    const envFile = path.join(c.dir, 'gone.env');
    fs.writeFileSync(envFile, 'A=1\n');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--env-file', envFile, '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    fs.rmSync(envFile);
    assert.equal((await cli(['start', c.name])).code, 1);
    const status = await scm.getServiceStatus(c.name);
    assert.deepEqual([status.state, status.serviceCode], ['stopped', HOST_SETUP_FAILURE]);
    assert.match(readLog(c.logDir, c.name), new RegExp(`cannot start: ${envFile.replace(/\\/g, '\\\\')} does not exist`));
    assert.equal(starts(c).length, 0);
  });

  it('an environment file others can change is refused for LocalSystem: at install and at each start', async () => {
    // Under Wine every file belongs to the Wine user; on Windows the test folder is the user's own.
    const c = newCase('envinsecure');
    const envFile = path.join(c.dir, 'app.env');
    fs.writeFileSync(envFile, 'NODE_OPTIONS=--require C:\\evil.js\n');
    const refused = await cli(['install', c.name, '--log-dir', c.logDir, '--env-file', envFile, '--', PROGRAM, c.events, 'serve']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /the environment file .*app\.env: .*owns it/);
    assert.equal(await scm.serviceExists(c.name), false);
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--env-file', envFile, '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    const settings = await readSettings(c.name);
    await assert.rejects(runHost(c.name, { debug: true, settings: { ...settings, allowInsecureLocation: false } }), /the environment file .*app\.env: .*owns it/);
    assert.equal(starts(c).length, 0, 'the program never started');
  });
});
