'use strict';
// `requiredPrivileges: []` removes the service key's RequiredPrivileges value (the SCM then gives
// the service its account's default privileges, as SERVICE_REQUIRED_PRIVILEGES_INFO documents for
// "not set"); Microsoft documents no meaning for an empty list passed to ChangeServiceConfig2W.
// Checked in the registry itself (reg.exe), not only through a read-back.
const { execFileSync } = require('../support/child');
const scm = require('../..');
const { assert, createDemandService, deleteQuietly, itWindowsOnly, rejectsWithCode, underWine, uniqueServiceName } = require('../support/scm');

const keyOf = (name) => `HKLM\\SYSTEM\\CurrentControlSet\\Services\\${name}`;

/** The RequiredPrivileges value as reg.exe lists it, or null when there is none. */
function registryPrivileges(name) {
  try {
    const out = execFileSync('reg', ['query', keyOf(name), '/v', 'RequiredPrivileges'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const line = out.split(/\r?\n/).find((l) => /RequiredPrivileges/.test(l));
    return line ? line.trim().split(/\s+/).slice(2).join(' ') : null;
  } catch (error) {
    if (error.status === 1) return null;
    throw error;
  }
}

describe('required privileges: [] clears the registry value', function () {
  this.timeout(60000);
  const created = [];
  after(() => deleteQuietly(scm, created));

  const create = (tag) => createDemandService(scm, created, tag);

  it('deletes a RequiredPrivileges value, and succeeds when there is none', async () => {
    const name = await create('privsclear');
    // Stored the way the SCM stores the level (REG_MULTI_SZ); written with reg.exe so that this
    // runs under Wine too, whose SCM refuses the level itself.
    execFileSync('reg', ['add', keyOf(name), '/v', 'RequiredPrivileges', '/t', 'REG_MULTI_SZ', '/d', 'SeChangeNotifyPrivilege', '/f'], { stdio: 'ignore' });
    assert.match(registryPrivileges(name), /SeChangeNotifyPrivilege/);
    await scm.setServiceConfiguration(name, { requiredPrivileges: [] });
    assert.equal(registryPrivileges(name), null);
    await scm.setServiceConfiguration(name, { requiredPrivileges: [] });
    assert.equal(registryPrivileges(name), null);
    // With other changes in the same call: they are applied too.
    await scm.setServiceConfiguration(name, { requiredPrivileges: [], description: 'privileges cleared' });
    assert.equal((await scm.getServiceConfiguration(name, { fields: ['description'] })).description, 'privileges cleared');
    // createService with [] is a new service's default: nothing stored.
    const fresh = uniqueServiceName('privsnew');
    created.push(fresh);
    await scm.createService(fresh, 'C:\\scmn\\p.exe', { startType: 'demand_start', requiredPrivileges: [] });
    assert.equal(registryPrivileges(fresh), null);
    await rejectsWithCode(scm.setServiceConfiguration(uniqueServiceName('privsnone'), { requiredPrivileges: [] }), 'ERROR_SERVICE_DOES_NOT_EXIST');
  });

  if (underWine) {
    it('Wine refuses a non-empty list: ChangeServiceConfig2W level 6 is ERROR_INVALID_LEVEL [Wine behaviour]', async () => {
      const name = await create('privswine');
      await assert.rejects(scm.setServiceConfiguration(name, { requiredPrivileges: ['SeChangeNotifyPrivilege'] }),
        { code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: 'ChangeServiceConfig2W' });
      assert.equal(registryPrivileges(name), null);
    });
  }

  itWindowsOnly('a list set through the SCM is the registry value; [] removes it and reads back as []',
    'Wine 8 fails the REQUIRED_PRIVILEGES_INFO level with ERROR_INVALID_LEVEL', async () => {
      const name = await create('privswin');
      await scm.setServiceConfiguration(name, { requiredPrivileges: ['SeChangeNotifyPrivilege', 'SeImpersonatePrivilege'] });
      assert.match(registryPrivileges(name), /SeChangeNotifyPrivilege.*SeImpersonatePrivilege/);
      await scm.setServiceConfiguration(name, { requiredPrivileges: [] });
      assert.equal(registryPrivileges(name), null);
      assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['requiredPrivileges'] })).requiredPrivileges, []);
    }, { rejects: { code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: 'ChangeServiceConfig2W' } });
});
