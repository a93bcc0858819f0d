'use strict';
// Part 1 of the security model (docs/security.md): a service whose account is privileged
// (LocalSystem by default) is not installed from files or folders anyone but SYSTEM,
// Administrators and the service account can change, unless the operator allows it; then, and for
// other accounts, the finding is a warning, in install's output and in `status`. The findings
// come from the real owner and DACL (GetNamedSecurityInfoW). Under Wine every file belongs to the
// Wine user (docs/wine.md), so the test files are insecure there, as a user's checkout is on Windows.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { assert, itWindowsOnly, underWine } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, readLog } = require('../support/host-service');
const { untrustedLocations } = require('../../dist/host/location-security');
const { readSettings, writeSettings } = require('../../dist/host/settings');
const { HOST_SETUP_FAILURE } = require('../../dist/host/host');
const { SIDS } = require('../../dist/security/path-writers');

describe('install refuses what others can change (privileged accounts)', function () {
  this.timeout(60000);
  const created = [];
  after(async () => {
    await cleanup(created);
  });

  it('LocalSystem from a folder the running user owns: refused with the path and the SID, nothing created', async () => {
    const c = newCase('insecure');
    const refused = await cli(['install', c.name, '--log-dir', c.logDir, '--', PROGRAM, c.events, 'serve']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /refusing to run as LocalSystem what others can change/);
    assert.match(refused.stderr, /S-1-5-21-[\d-]+\)? owns it/, 'names the owner SID');
    assert.match(refused.stderr, /--allow-insecure-location/);
    assert.equal(await scm.serviceExists(c.name), false);
    await assert.rejects(scm.installProgramService(c.name, PROGRAM, [], { logDir: c.logDir }),
      (e) => e instanceof scm.ScmError && e.code === 'ERR_SCM_INSECURE_LOCATION' && e.service === c.name && e.message.includes(PROGRAM));
    assert.equal(await scm.serviceExists(c.name), false);
  });

  it('--allow-insecure-location installs with warnings, which status repeats; update checks again', async () => {
    const c = newCase('insecure-ok');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.match(installed.stderr, /warning: the program .*hosted-program\.js.* owns it.*allowed by --allow-insecure-location/);
    const status = await cli(['status', c.name]);
    assert.match(status.stdout, /Warning: the program /);
    const json = await scm.getProgramServiceStatus(c.name);
    assert.ok(json.locationWarnings.some((w) => w.includes(PROGRAM)), json.locationWarnings.join('\n'));
    const refused = await cli(['update', c.name, '--no-allow-insecure-location']);
    assert.equal(refused.code, 1, 'taking the permission back is refused while the files stay where they are');
    assert.match(refused.stderr, /refusing to run as LocalSystem/);
    assert.equal((await scm.getProgramServiceStatus(c.name)).program, PROGRAM);
  });

  it('the host writes no log where others can change it: with the permission taken back it fails the start, and with it it logs a warning', async () => {
    const c = newCase('insecure-start');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s', '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await cli(['start', c.name])).code, 0);
    assert.equal((await cli(['stop', c.name])).code, 0);
    const log = readLog(c.logDir, c.name);
    assert.match(log, /warning: the log folder .*owns it/);
    fs.rmSync(path.join(c.logDir, `${c.name}.log`));
    const settings = await readSettings(c.name);
    await writeSettings(c.name, { ...settings, allowInsecureLocation: false });
    assert.equal((await cli(['start', c.name])).code, 1);
    const status = await scm.getServiceStatus(c.name);
    assert.deepEqual([status.state, status.exitCode, status.serviceCode], ['stopped', 1066, HOST_SETUP_FAILURE]);
    assert.equal(fs.existsSync(path.join(c.logDir, `${c.name}.log`)), false, 'nothing written to the log folder');
  });

  it('apply: an entry without allowInsecureLocation fails, naming the services file too', async () => {
    const c = newCase('insecure-file');
    const file = path.join(c.dir, 'services.json');
    fs.writeFileSync(file, JSON.stringify({ services: [{ name: c.name, program: PROGRAM, args: [c.events, 'serve'], expected: 'stopped', log: { dir: c.logDir } }] }));
    const applied = await cli(['apply', file, '--json']);
    assert.notEqual(applied.code, 0);
    const outcome = JSON.parse(applied.stdout).services.find((s) => s.name === c.name);
    assert.match(outcome.error, /^install failed: .*refusing to run as LocalSystem.*the services file .*services\.json/);
    assert.equal(await scm.serviceExists(c.name), false);
  });

  it('the service account itself is trusted, others are not: the findings name who can write', async () => {
    const found = await untrustedLocations([{ what: 'the program', path: PROGRAM, role: 'executable' }], 'LocalSystem');
    assert.equal(found.length, underWine ? 1 : found.length);
    if (underWine) assert.match(found[0], /the program .*hosted-program\.js: .*S-1-5-21-0-0-0-1000\) owns it/);
  });

  itWindowsOnly('a program in a folder only administrators can write is accepted without a warning',
    'Wine makes every owner and DACL up from Unix permissions: every file belongs to the Wine user, and a DACL set is not kept', async () => {
      const dir = path.join(process.env.ProgramFiles, `scm-native-test-${process.pid}`);
      const { native } = require('../../dist/native/binding');
      await native().createDirectory(dir, `D:P(A;OICI;FA;;;${SIDS.system})(A;OICI;FA;;;${SIDS.administrators})(A;OICI;0x1200a9;;;${SIDS.users})`);
      try {
        const program = path.join(dir, 'app.js');
        fs.copyFileSync(PROGRAM, program);
        assert.deepEqual(await untrustedLocations([{ what: 'the program', path: program, role: 'executable' }], 'LocalSystem'), []);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }, {
      // The folder is created (its DACL not kept) and the program is found owned by the Wine user.
      rejects: (error) => error.name === 'AssertionError' && error.actual.length === 1
        && /^the program C:\\Program Files\\scm-native-test-\d+\\app\.js: .*\(S-1-5-21-0-0-0-1000\) owns it$/.test(error.actual[0]),
    });
});
