'use strict';
// restartService, and stopping a service together with the services that depend on it
// (stopService's stopDependents, `scm-native stop|restart --dependents`). Wine's
// EnumDependentServicesW is a stub that lists nothing, so the dependents themselves are tested on
// Windows only; under Wine the calls still run their whole path with no dependents.
const scm = require('../..');
const { assert, deleteQuietly, itWindowsOnly, rejectsWithCode } = require('../support/scm');
const { installFixture } = require('../support/fixture-service');
const { cliChild: cli } = require('../support/host-service');
const created = [];

describe('restartService and stopping with dependents', function () {
  this.timeout(60000);
  after(async () => {
    await deleteQuietly(scm, [...created].reverse()); // dependents before what they depend on
  });

  it('restartService stops and starts a running service (a new process), and starts a stopped one', async () => {
    const { name } = await installFixture(created, 'basic');
    assert.equal(await scm.restartService(name, { wait: 20000 }), true, 'a stopped service is just started');
    const first = await scm.getServiceStatus(name);
    assert.equal(first.state, 'running');
    assert.equal(await scm.restartService(name, { wait: 20000 }), true);
    const second = await scm.getServiceStatus(name);
    assert.equal(second.state, 'running');
    assert.notEqual(second.pid, first.pid);
    assert.equal(await scm.stopService(name, { wait: 15000, stopDependents: true }), true, 'no dependents: a plain stop');
    assert.equal((await scm.getServiceStatus(name)).state, 'stopped');
  });

  it('checks its options before any SCM call', async () => {
    await assert.rejects(scm.restartService('scmn-no-such-service'), (e) => e instanceof RangeError && /options\.wait is required/.test(e.message));
    await assert.rejects(scm.restartService('scmn-no-such-service', { wait: 0 }), RangeError);
    await assert.rejects(scm.restartService('scmn-no-such-service', { wait: 1000, restartDependents: 'yes' }), TypeError);
    await assert.rejects(scm.stopService('scmn-no-such-service', { stopDependents: true }), (e) => e instanceof RangeError && /stopDependents needs options\.wait/.test(e.message));
    await rejectsWithCode(scm.restartService('scmn-no-such-service', { wait: 1000 }), 'ERROR_SERVICE_DOES_NOT_EXIST');
    const noWait = await cli(['stop', 'x', '--dependents', '--no-wait']);
    assert.equal(noWait.code, 2);
    assert.match(noWait.stderr, /--dependents needs the wait/);
  });

  itWindowsOnly('stops the running dependents first, and restart starts them again', "Wine's EnumDependentServicesW is a stub, and its StartServiceW starts no dependencies", async () => {
    const base = await installFixture(created, 'basic');
    const dependent = await installFixture(created, 'basic', { dependencies: [base.name] });
    assert.equal(await scm.startService(dependent.name, { wait: 20000 }), true, 'starts its dependency too');
    assert.equal((await scm.getServiceStatus(base.name)).state, 'running');
    await rejectsWithCode(scm.stopService(base.name, { wait: 10000 }), 'ERROR_DEPENDENT_SERVICES_RUNNING');

    const before = await scm.getServiceStatus(dependent.name);
    assert.equal(await scm.restartService(base.name, { wait: 30000, restartDependents: true }), true);
    const after = await scm.getServiceStatus(dependent.name);
    assert.equal(after.state, 'running', 'the dependent runs again');
    assert.notEqual(after.pid, before.pid);

    const stopped = await cli(['stop', base.name, '--dependents']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stdout, new RegExp(`stopping what depends on ${base.name} first: ${dependent.name}`));
    assert.equal((await scm.getServiceStatus(dependent.name)).state, 'stopped');
    assert.equal((await scm.getServiceStatus(base.name)).state, 'stopped');

    await scm.startService(dependent.name, { wait: 20000 });
    const restarted = await cli(['restart', base.name, '--dependents']);
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.equal((await scm.getServiceStatus(dependent.name)).state, 'running');
  }, { rejects: { name: 'AssertionError', actual: 'stopped', expected: 'running' } }); // the dependent runs, its dependency was not started
});
