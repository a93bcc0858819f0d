'use strict';
// The service's own security (docs/security.md, "The service's own security") against a real SCM:
// install and update set the service's DACL (standard users may query, not control; allowControl
// groups may control) and protect its Parameters key; a burst of rotate controls rotates once.
// Wine's service security descriptors are stubs (QueryServiceObjectSecurity always reads `D:`,
// SetServiceObjectSecurity stores nothing), so under Wine the tests see that the calls are made
// without failing and what the settings hold; the DACL read back is checked on Windows only.
// Wine keeps registry key DACLs (and enforces them), so the Parameters key is checked under both.
const fs = require('node:fs');
const scm = require('../..');
const { binding } = require('../../binding');
const { parametersDacl, sameDacl } = require('../../dist/host/service-security');
const { serviceSid } = require('../../dist/security/accounts');
const { parseSddlDacl } = require('../../dist/services/sddl');
const { assert, itWindowsOnly, underWine } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, readLog, sleep, waitFor } = require('../support/host-service');

const created = [];
const FAST = ['--backoff', '300ms', '--backoff-limit', '1s', '--stop-timeout', '2s'];
const BACKUP_OPERATORS = 'S-1-5-32-551';
const CONTROL = 0x10 | 0x20 | 0x40 | 0x100; // SERVICE_START, STOP, PAUSE_CONTINUE, USER_DEFINED_CONTROL

async function install(c, extra = [], mode = 'serve') {
  const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, ...FAST, ...extra, '--', PROGRAM, c.events, mode]);
  assert.equal(result.code, 0, `install failed: ${result.stderr}`);
  created.push(c.name);
  return result;
}

/** The rights a token holding these group SIDs gets from a DACL's allow ACEs (no deny ACEs in ours). */
function rightsOf(sddl, sids) {
  return parseSddlDacl(sddl).aces.filter((a) => a.type === 'A' && sids.includes(a.sid)).reduce((mask, a) => (mask | a.mask) >>> 0, 0);
}

describe("the service's own security", function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('install sets the service DACL without failing, stores allowControl, and protects the Parameters key', async () => {
    const c = newCase('ownsec');
    await install(c, ['--allow-control', 'Backup Operators', '--env', 'SECRET_TOKEN=abc']);
    const status = JSON.parse((await cli(['status', c.name, '--json'])).stdout);
    assert.deepEqual(status.allowControl, ['Backup Operators'], 'the setting holds the names as given');
    const sddl = await scm.getServiceSecurity(c.name);
    if (underWine) assert.equal(sddl, 'D:', "Wine's stub: nothing to read back");
    const key = await binding.serviceParametersSecurity(c.name);
    assert.ok(sameDacl(key, parametersDacl(c.name, null)), key);
    assert.match(key, new RegExp(`\\(A;;KR;;;${serviceSid(c.name)}\\)`), 'the service SID may read');
    assert.doesNotMatch(key, /;;;(BU|AU|WD|IU)\)/, 'no standard users');
    if (!underWine) assert.match(key, /^D:P/, 'protected from the Services key');
  });

  it('update re-protects a Parameters key left open (a service installed before this) and takes new allowControl names', async () => {
    const c = newCase('ownsecupd');
    await install(c);
    await binding.protectServiceParameters(c.name, 'D:(A;;KA;;;SY)(A;;KA;;;BA)(A;;KR;;;BU)');
    assert.match(await binding.serviceParametersSecurity(c.name), /\(A;;KR;;;BU\)/);
    const updated = await cli(['update', c.name, '--allow-control', 'Backup Operators', '--allow-control', 'S-1-5-32-556']);
    assert.equal(updated.code, 0, updated.stderr);
    const key = await binding.serviceParametersSecurity(c.name);
    assert.ok(sameDacl(key, parametersDacl(c.name, null)), key);
    const status = JSON.parse((await cli(['status', c.name, '--json'])).stdout);
    assert.deepEqual(status.allowControl, ['Backup Operators', 'S-1-5-32-556']);
    assert.equal(status.state, 'stopped');
  });

  it('an unknown --allow-control name is an error before anything is created', async () => {
    const c = newCase('ownsecbad');
    const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--allow-control', 'No Such Group 4711', '--', PROGRAM, c.events, 'serve']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /no account or group is named 'No Such Group 4711'/);
    await assert.rejects(scm.getServiceStatus(c.name), (error) => error.errno === 1060);
  });

  it('setServiceSecurity refuses a NULL DACL and write rights for Users before contacting the SCM', async () => {
    const c = newCase('ownsecref');
    await install(c);
    await assert.rejects(scm.setServiceSecurity(c.name, 'D:NO_ACCESS_CONTROL'), (e) => e instanceof RangeError && /NULL DACL/.test(e.message));
    await assert.rejects(scm.setServiceSecurity(c.name, 'D:(A;;CCLCDC;;;BU)'), (e) => e instanceof RangeError && /\(A;;CCLCDC;;;BU\).*SERVICE_CHANGE_CONFIG/.test(e.message));
    await scm.setServiceSecurity(c.name, 'D:(A;;CCLCDC;;;BU)', { allowUnsafe: true });
  });

  it('a burst of rotate controls rotates the log once; a fresh file with host lines only is not rotated', async () => {
    const c = newCase('ownsecrot');
    await install(c);
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitFor('some ticks', () => /tick 2/.test(readLog(c.logDir, c.name)));
    for (let i = 0; i < 20; i++) await scm.rotateProgramServiceLog(c.name);
    await sleep(500);
    const rotated = () => fs.readdirSync(c.logDir).filter((f) => new RegExp(`^${c.name}\\.\\d{8}-\\d{6}\\.\\d{3}\\.log$`).test(f));
    assert.equal(rotated().length, 1, `twenty controls: ${rotated().join(', ')}`);
    const log = readLog(c.logDir, c.name);
    const refusals = log.match(/log rotation requested, not done/g) || [];
    assert.equal(refusals.length, 1, 'refusals are logged once a minute');
    // The burst came before the program wrote to the new file: refused as empty or host lines only.
    assert.match(log, /not done: (the log file is empty|the log file holds only the host's own lines)/);
    // With the program's lines in the new file, a request within the minute is still refused.
    await waitFor('ticks in the new file', () => /^tick \d+$/m.test(readLog(c.logDir, c.name)));
    await scm.rotateProgramServiceLog(c.name);
    await sleep(300);
    assert.equal(rotated().length, 1, 'no second rotation within the minute');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  itWindowsOnly('the SCM holds the hosted DACL: standard users query and interrogate only, allowControl groups control',
    "Wine's service security descriptors are stubs", async () => {
      const c = newCase('ownsecwin');
      await install(c, ['--allow-control', 'Backup Operators']);
      const sddl = await scm.getServiceSecurity(c.name);
      const user = rightsOf(sddl, ['S-1-1-0', 'S-1-5-11', 'S-1-5-4', 'S-1-5-32-545', 'S-1-5-6']);
      assert.equal(user & CONTROL, 0, `a standard user may not start, stop, pause or send controls: ${sddl}`);
      assert.equal(user & 0x2, 0, 'nor change the configuration');
      assert.equal(user & (0x1 | 0x4 | 0x80), 0x85, 'but may query configuration and status and interrogate');
      assert.equal(rightsOf(sddl, [BACKUP_OPERATORS]) & CONTROL, CONTROL, 'Backup Operators may control');
      assert.equal(rightsOf(sddl, ['S-1-5-32-544']) & 0xf01ff, 0xf01ff, 'Administrators full');
      const check = await cli(['update', c.name]);
      assert.equal(check.code, 0, check.stderr);
    }, {
      // Installed with the DACL set; the SCM gives back its stub "D:", which grants no one anything.
      rejects: { name: 'AssertionError', actual: 0, expected: 0x85, message: /^but may query configuration and status and interrogate/ },
    });
});
