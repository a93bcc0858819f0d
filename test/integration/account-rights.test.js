'use strict';
// "Log on as a service" for a service's user account: getAccountRights / grantAccountRight, and
// install granting it. Wine's LsaAddAccountRights is a stub that reports success and its
// LsaEnumerateAccountRights lists nothing, so a grant is read back on Windows only.
const os = require('node:os');
const { execFileSync } = require('../support/child');
const scm = require('../..');
const { native } = require('../../dist/native/binding');
const { assert, itWindowsOnly, rejectsWithCode, underWine } = require('../support/scm');
const { cleanup, cli, newCase, PROGRAM } = require('../support/host-service');

const created = [];

describe('service account rights (LSA)', function () {
  this.timeout(60000);
  after(async () => {
    await cleanup(created);
  });

  it('reads and grants the rights of an existing account; an unknown one is ERROR_NONE_MAPPED', async () => {
    const me = os.userInfo().username;
    assert.ok(Array.isArray(await scm.getAccountRights(me)));
    assert.equal(typeof await scm.grantAccountRight(me, scm.SERVICE_LOGON_RIGHT), 'boolean');
    await rejectsWithCode(scm.getAccountRights('scmn-no-such-user'), 'ERROR_NONE_MAPPED');
    await rejectsWithCode(scm.grantAccountRight('scmn-no-such-user', scm.SERVICE_LOGON_RIGHT), 'ERROR_NONE_MAPPED');
  });

  it('.\\user names the machine\'s own account in every LSA call (expanded to COMPUTER\\user)', async () => {
    const me = os.userInfo().username;
    const computer = await native().computerName();
    if (underWine) {
      // Wine's LookupAccountNameW takes "." as this machine (Windows' does not): same SID both ways.
      assert.equal(await native().accountSid(`.\\${me}`), await native().accountSid(`${computer}\\${me}`));
    }
    assert.deepEqual(await scm.getAccountRights(`.\\${me}`), await scm.getAccountRights(`${computer}\\${me}`));
    assert.equal(typeof await scm.grantAccountRight(`.\\${me}`, scm.SERVICE_LOGON_RIGHT), 'boolean');
    await rejectsWithCode(scm.getAccountRights('.\\scmn-no-such-user'), 'ERROR_NONE_MAPPED');
  });

  itWindowsOnly('LookupAccountNameW itself takes no ".": the raw call fails with ERROR_NONE_MAPPED', 'Wine\'s LookupAccountNameW accepts "."', async () => {
    const me = os.userInfo().username;
    await assert.rejects(native().enumAccountRights(null, `.\\${me}`), { errno: 1332, syscall: 'LookupAccountNameW' });
  }, { rejects: { name: 'AssertionError', message: /^Missing expected rejection/ } }); // the raw call succeeds

  it('install grants a user account "Log on as a service", or warns when it cannot', async () => {
    const c = newCase('logonright');
    const me = `.\\${os.userInfo().username}`;
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--username', me, '--password-stdin', '--', PROGRAM, c.events, 'serve'], { stdin: 'unused-here\n' });
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    // The installing account may hold it already (an administrator on Windows may not).
    if (underWine) assert.match(installed.stdout, new RegExp(`granted \\.\\\\${os.userInfo().username} the "Log on as a service" right`));
    const missing = newCase('nologonright');
    const warned = await cli(['install', missing.name, '--allow-insecure-location', '--log-dir', missing.logDir, '--username', '.\\scmn-no-such-user', '--password-stdin', '--', PROGRAM, missing.events, 'serve'], { stdin: 'x\n' });
    if (!underWine) {
      // Windows' CreateServiceW checks the account first.
      assert.equal(warned.code, 1);
      assert.match(warned.stderr, /ERROR_INVALID_SERVICE_ACCOUNT/);
      return;
    }
    created.push(missing.name);
    assert.equal(warned.code, 0, 'the install itself succeeds');
    assert.match(warned.stderr, /scm-native: warning: could not grant \.\\scmn-no-such-user the "Log on as a service" right \(SeServiceLogonRight\): .*1332.*; the service will fail to start with 1069/);
  });

  itWindowsOnly('a granted right reads back, and a second grant changes nothing', "Wine's LSA account rights are stubs", async () => {
    const user = `scmn${process.pid}`;
    execFileSync('net', ['user', user, `Pw-${process.pid}-aA1!`, '/add'], { stdio: 'ignore' });
    try {
      assert.equal((await scm.getAccountRights(user)).includes('SeServiceLogonRight'), false);
      assert.equal(await scm.grantAccountRight(user, 'SeServiceLogonRight'), true);
      assert.ok((await scm.getAccountRights(user)).includes('SeServiceLogonRight'));
      assert.equal(await scm.grantAccountRight(user, 'SeServiceLogonRight'), false);
      await rejectsWithCode(scm.grantAccountRight(user, 'SeNoSuchRight'), 'ERROR_NO_SUCH_PRIVILEGE');
    } finally {
      execFileSync('net', ['user', user, '/delete'], { stdio: 'ignore' });
    }
  }, { rejects: { code: 'ERROR_NONE_MAPPED', errno: 1332, syscall: 'LookupAccountNameW' } }); // Wine's net.exe "user /add" exits 0 and creates no account
});
