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
