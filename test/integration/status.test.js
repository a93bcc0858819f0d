'use strict';
// Status queries against the real SCM: Wine's built-in services stand in for Windows ones.
const scm = require('../..');
const { assert, deleteQuietly, rejectsWithCode, uniqueServiceName } = require('../support/scm');

const STATES = ['stopped', 'start_pending', 'stop_pending', 'running', 'continue_pending', 'pause_pending', 'paused'];

describe('status queries', () => {
  it('getServiceStatus returns the full twapi record for Spooler', async () => {
    const status = await scm.getServiceStatus('Spooler');
    assert.equal(status.name, 'Spooler');
    assert.ok(STATES.includes(status.state), `state ${status.state}`);
    assert.equal(status.serviceType, 'win32_own_process');
    assert.equal(status.serviceTypeBits & 0x10, 0x10);
    for (const field of ['pid', 'exitCode', 'serviceCode', 'checkpoint', 'waitHint', 'controlsAccepted', 'serviceFlags']) {
      assert.equal(typeof status[field], 'number', field);
    }
    assert.equal(typeof status.interactive, 'boolean');
    assert.ok(Array.isArray(status.acceptedControls));
  });

  it('the Sync twin gives the same record as the Promise form', async () => {
    const [a, b] = [scm.getServiceStatusSync('Spooler'), await scm.getServiceStatus('Spooler')];
    assert.deepEqual(a, b);
    assert.equal(scm.getServiceStateSync('Spooler'), a.state);
    assert.equal(await scm.getServiceState('Spooler'), a.state);
  });

  it('many queries started in one tick all settle, each with its own result or ScmError', async () => {
    // More than the queries handed to the addon at once (2x the pool size): the rest wait in the
    // library's queue and start as earlier ones complete.
    const names = Array.from({ length: 60 }, (_, i) => (i % 7 === 3 ? `scmn-no-such-service-${i}` : i % 2 ? 'Spooler' : 'RpcSs'));
    const settled = await Promise.allSettled(names.map((name) => scm.getServiceStatus(name)));
    settled.forEach((result, i) => {
      if (names[i].startsWith('scmn-no-such-service')) {
        assert.equal(result.status, 'rejected', names[i]);
        assert.ok(result.reason instanceof scm.ScmError);
        assert.equal(result.reason.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
        assert.equal(result.reason.service, names[i]);
      } else {
        assert.equal(result.status, 'fulfilled', `${names[i]}: ${result.reason}`);
        assert.equal(result.value.name, names[i]);
      }
    });
    assert.equal((await Promise.all([scm.serviceExists('Spooler'), scm.getMultipleServiceStatus()]))[1].length > 0, true);
  });

  it('a missing service is an ScmError with code, errno, syscall and service', async () => {
    await assert.rejects(scm.getServiceStatus('scmn-no-such-service'), (error) => {
      assert.ok(error instanceof scm.ScmError);
      assert.equal(error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
      assert.equal(error.errno, 1060);
      assert.equal(error.syscall, 'OpenServiceW');
      assert.equal(error.service, 'scmn-no-such-service');
      assert.match(error.message, /OpenServiceW failed for service 'scmn-no-such-service': .+ \(ERROR_SERVICE_DOES_NOT_EXIST, 1060\)/);
      return true;
    });
    assert.throws(() => scm.getServiceStatusSync('scmn-no-such-service'), { code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
  });

  it('serviceExists accepts internal and display names, any case', async () => {
    assert.equal(await scm.serviceExists('Spooler'), true);
    assert.equal(await scm.serviceExists('spooler'), true);
    assert.equal(await scm.serviceExists('Print Spooler'), true);
    assert.equal(scm.serviceExistsSync('Print Spooler'), true);
    assert.equal(await scm.serviceExists('scmn-no-such-service'), false);
  });

  it('maps between internal and display names both ways', async () => {
    assert.equal(await scm.getServiceInternalName('Print Spooler'), 'Spooler');
    assert.equal(await scm.getServiceInternalName('spooler'), 'Spooler');
    assert.equal(await scm.getServiceDisplayName('Spooler'), 'Print Spooler');
    assert.equal(await scm.getServiceDisplayName('Print Spooler'), 'Print Spooler');
    assert.equal(scm.getServiceInternalNameSync('Print Spooler'), 'Spooler');
    assert.equal(scm.getServiceDisplayNameSync('Spooler'), 'Print Spooler');
    await rejectsWithCode(scm.getServiceDisplayName('scmn-no-such-service'), 'ERROR_SERVICE_DOES_NOT_EXIST');
    assert.throws(() => scm.getServiceInternalNameSync('scmn-no-such-service'), { code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
  });

  it('getMultipleServiceStatus lists services with display names and filters by state and type', async () => {
    const all = await scm.getMultipleServiceStatus();
    const spooler = all.find((s) => s.name === 'Spooler');
    assert.ok(spooler, 'Spooler is listed');
    assert.equal(spooler.displayName, 'Print Spooler');
    const active = await scm.getMultipleServiceStatus({ state: 'active' });
    const inactive = scm.getMultipleServiceStatusSync({ state: 'inactive' });
    assert.ok(active.every((s) => s.state !== 'stopped'));
    assert.ok(inactive.every((s) => s.state === 'stopped'));
    assert.ok(active.length + inactive.length >= all.length - 2, 'active + inactive covers the whole list');
    const own = await scm.getMultipleServiceStatus({ types: ['win32_own_process'] });
    assert.ok(own.length > 0 && own.every((s) => s.serviceType === 'win32_own_process'));
    const drivers = await scm.getMultipleServiceStatus({ types: ['kernel_driver', 'file_system_driver'] });
    assert.ok(drivers.every((s) => s.serviceType === 'kernel_driver' || s.serviceType === 'file_system_driver'));
  });

  it('lists a service created without a display name under its key name (regression: enumeration failed)', async () => {
    const name = uniqueServiceName('nodisplay');
    await scm.createService(name, { path: 'C:\\scmn\\none.exe' }, { startType: 'demand_start' });
    try {
      const entry = (await scm.getMultipleServiceStatus()).find((s) => s.name === name);
      assert.ok(entry, 'listed');
      assert.equal(entry.displayName, name);
      assert.ok(scm.getMultipleServiceStatusSync({ state: 'inactive' }).some((s) => s.name === name));
    } finally {
      await deleteQuietly(scm, [name]);
    }
  });

  it('rejects bad arguments before any native call', async () => {
    await assert.rejects(scm.getServiceStatus(''), RangeError);
    await assert.rejects(scm.getServiceStatus('a/b'), RangeError);
    await assert.rejects(scm.getServiceStatus('x'.repeat(257)), RangeError);
    await assert.rejects(scm.getServiceStatus(42), TypeError);
    await assert.rejects(scm.getMultipleServiceStatus({ state: 'sleeping' }), RangeError);
    assert.throws(() => scm.getServiceStatusSync('a\0b'), RangeError);
  });
});
