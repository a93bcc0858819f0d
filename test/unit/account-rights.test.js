'use strict';
// Which service accounts need "Log on as a service", and the checks made before any LSA call.
const assert = require('node:assert/strict');
const scm = require('../..');

describe('service account rights (no LSA)', () => {
  it('only ordinary user accounts need "Log on as a service" granted', () => {
    for (const account of ['.\\svc-user', 'CONTOSO\\app', 'app@contoso.com', 'ann']) assert.equal(scm.needsServiceLogonRight(account), true, account);
    for (const account of [undefined, null, '', 'LocalSystem', 'NT AUTHORITY\\LocalService', 'NT AUTHORITY\\Network Service', 'localservice',
      'NT AUTHORITY\\SYSTEM', 'NT SERVICE\\my-api', 'CONTOSO\\gmsa-web$']) {
      assert.equal(scm.needsServiceLogonRight(account), false, String(account));
    }
    assert.equal(scm.SERVICE_LOGON_RIGHT, 'SeServiceLogonRight');
  });

  it('checks the account and the right before any native call', async () => {
    await assert.rejects(scm.grantAccountRight('.\\svc', 'LogOnAsService'), (e) => e instanceof RangeError && /right must be a user right or privilege name such as 'SeServiceLogonRight'/.test(e.message));
    await assert.rejects(scm.grantAccountRight('', 'SeServiceLogonRight'), RangeError);
    await assert.rejects(scm.grantAccountRight(5, 'SeServiceLogonRight'), TypeError);
    await assert.rejects(scm.getAccountRights('.\\svc', { system: 3 }), TypeError);
  });
});

describe('service account rights: .\\ names for LSA', () => {
  const { qualifyLocalAccount, lookupAccountName } = require('../../dist/services/account-rights');

  it('expands a leading .\\ to the computer name, which LookupAccountNameW takes (it takes no ".")', () => {
    assert.equal(qualifyLocalAccount('.\\svc-user', 'WEB01'), 'WEB01\\svc-user');
    assert.equal(qualifyLocalAccount('.\\.\\odd', 'WEB01'), 'WEB01\\.\\odd');
    for (const name of ['svc-user', 'CONTOSO\\svc', 'svc@contoso.com', 'NT AUTHORITY\\LocalService', '..\\x', './svc']) {
      assert.equal(qualifyLocalAccount(name, 'WEB01'), name, name);
    }
  });

  it('uses the given machine name for another system, without its leading backslashes', async () => {
    assert.equal(await lookupAccountName('.\\svc', '\\\\FILES02'), 'FILES02\\svc');
    assert.equal(await lookupAccountName('.\\svc', 'FILES02'), 'FILES02\\svc');
    assert.equal(await lookupAccountName('CONTOSO\\svc', null), 'CONTOSO\\svc', 'no native call for other names');
  });
});
