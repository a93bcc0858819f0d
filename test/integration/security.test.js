'use strict';
// Service security descriptors as SDDL against a real SCM. Wine's are stubs (an empty DACL, and
// setting succeeds without effect), so under Wine only the SDDL conversion, validation and error
// paths are real; granting rights and the SACL are tested on Windows only.
const scm = require('../..');
const { assert, createDemandService, deleteQuietly, itWindowsOnly, rejectsWithCode, uniqueServiceName } = require('../support/scm');

describe('service security', function () {
  this.timeout(60000);
  const created = [];
  after(() => deleteQuietly(scm, created));

  const create = (tag) => createDemandService(scm, created, tag);

  /** The ACEs of an SDDL string as { type, rights (set of two-letter codes), trustee }. */
  function aces(sddl) {
    return [...sddl.matchAll(/\(([^;()]*);([^;()]*);([^;()]*);([^;()]*);([^;()]*);([^;()]*)\)/g)]
      .map((m) => ({ type: m[1], rights: new Set(m[3].match(/../g) || []), trustee: m[6] }));
  }

  it('reads the descriptor as SDDL and accepts its DACL back', async () => {
    const name = await create('sec');
    const sddl = await scm.getServiceSecurity(name);
    assert.equal(typeof sddl, 'string');
    assert.match(sddl, /D:/);
    await scm.setServiceSecurity(name, sddl);
    assert.equal(await scm.getServiceSecurity(name), sddl);
  });

  it('validates the SDDL before contacting the SCM, and reports SCM failures as ScmError', async () => {
    const name = await create('secbad');
    // An unknown right is refused by the TypeScript reader of the DACL (the unsafe-grant check)...
    await assert.rejects(scm.setServiceSecurity(name, 'D:(A;;XX;;;BU)'), (error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /not a valid security descriptor string: ACE \(A;;XX;;;BU\).*unknown right 'XX'/);
      return true;
    });
    // ...what it reads but Windows refuses (an unknown ACE type) by the conversion, with its error code.
    await assert.rejects(scm.setServiceSecurity(name, 'D:(Q;;CC;;;BU)'), (error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /not a valid security descriptor string.*ConvertStringSecurityDescriptorToSecurityDescriptorW, \d+\)/);
      return true;
    });
    await assert.rejects(scm.setServiceSecurity(name, 'not sddl at all'), RangeError);
    await assert.rejects(scm.setServiceSecurity(name, 'O:BA'), /sddl has no DACL/);
    await assert.rejects(scm.setServiceSecurity(name, 'D:(A;;RPWPLC;;;BU)', { sacl: true }), /sddl has no SACL/);
    const missing = uniqueServiceName('missing');
    await rejectsWithCode(scm.getServiceSecurity(missing), 'ERROR_SERVICE_DOES_NOT_EXIST');
    await rejectsWithCode(scm.setServiceSecurity(missing, 'D:(A;;RPWPLC;;;BU)'), 'ERROR_SERVICE_DOES_NOT_EXIST');
  });

  itWindowsOnly('granting a group start/stop/query (RPWPLC) reads back', 'Wine\'s service security descriptors are stubs', async () => {
    const name = await create('grant');
    const before = await scm.getServiceSecurity(name);
    assert.match(before, /^O:/, 'owner included');
    const dacl = before.slice(before.indexOf('D:'));
    // Network Configuration Operators: a builtin group a new service's DACL does not mention.
    await scm.setServiceSecurity(name, `${dacl}(A;;RPWPLC;;;S-1-5-32-556)`);
    const after = await scm.getServiceSecurity(name);
    const granted = aces(after).filter((ace) => ace.trustee === 'NO' || ace.trustee === 'S-1-5-32-556');
    assert.equal(granted.length, 1, after);
    assert.equal(granted[0].type, 'A');
    assert.deepEqual([...granted[0].rights].sort(), ['LC', 'RP', 'WP']);
    assert.equal(after.slice(0, after.indexOf('D:')), before.slice(0, before.indexOf('D:')), 'owner and group unchanged');
    await scm.setServiceSecurity(name, dacl);
    assert.equal(await scm.getServiceSecurity(name), before);
  }, { rejects: { name: 'AssertionError', actual: 'D:', message: 'owner included' } }); // Wine's stub descriptor

  itWindowsOnly('reads the SACL with SeSecurityPrivilege enabled for the call', 'Wine\'s service security descriptors are stubs', async () => {
    const name = await create('sacl');
    const withSacl = await scm.getServiceSecurity(name, { sacl: true });
    const without = await scm.getServiceSecurity(name);
    assert.match(without, /^O:/, 'owner included'); // else the prefix compared below is empty
    assert.ok(withSacl.startsWith(without.slice(0, without.indexOf('D:'))), withSacl);
    assert.match(withSacl, /D:/);
  }, { rejects: { name: 'AssertionError', actual: 'D:', message: 'owner included' } }); // both reads succeed and give Wine's stub descriptor
});
