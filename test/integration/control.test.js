'use strict';
// Starting, stopping and waiting, against Wine's built-in services (Spooler and BITS start and
// stop in well under a second; LanmanServer is disabled). Every test leaves them stopped.
const scm = require('../..');
const { assert, deleteQuietly, rejectsWithCode, uniqueServiceName } = require('../support/scm');

const BUILTIN = ['Spooler', 'BITS'];
const created = [];

async function ensureStopped(name) {
  assert.equal(await scm.stopService(name, { wait: 10000 }), true, `${name} stops`);
}

function elapsedSince(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('startService / stopService / waitForServiceState', function () {
  this.timeout(60000);

  before(async () => {
    for (const name of BUILTIN) await ensureStopped(name);
  });

  after(async () => {
    for (const name of BUILTIN) await scm.stopService(name, { wait: 10000 }).catch(() => {});
    await deleteQuietly(scm, created);
  });

  for (const name of BUILTIN) {
    it(`starts and stops ${name}, waiting for each state`, async () => {
      assert.equal(await scm.getServiceState(name), 'stopped');
      assert.equal(await scm.startService(name, { wait: 10000 }), true);
      const running = await scm.getServiceStatus(name);
      assert.equal(running.state, 'running');
      assert.ok(running.pid > 0, `pid ${running.pid}`);
      assert.ok(running.acceptedControls.includes('stop'));

      assert.equal(await scm.startService(name, { wait: 10000 }), true, 'starting a running service is not an error');
      assert.equal(await scm.startService(name), true, 'nor without a wait');

      assert.equal(await scm.stopService(name, { wait: 10000 }), true);
      const stopped = await scm.getServiceStatus(name);
      assert.equal(stopped.state, 'stopped');
      assert.equal(stopped.pid, -1);

      assert.equal(await scm.stopService(name, { wait: 10000 }), true, 'stopping a stopped service returns true');
      assert.equal(await scm.stopService(name), true);
    });
  }

  it('starting a disabled service (LanmanServer) is ScmError ERROR_SERVICE_DISABLED', async () => {
    await assert.rejects(scm.startService('LanmanServer', { wait: 5000 }), (error) => {
      assert.ok(error instanceof scm.ScmError);
      assert.equal(error.code, 'ERROR_SERVICE_DISABLED');
      assert.equal(error.errno, 1058);
      assert.equal(error.syscall, 'StartServiceW');
      assert.equal(error.service, 'LanmanServer');
      return true;
    });
    assert.equal(await scm.getServiceState('LanmanServer'), 'stopped');
  });

  it('starting a service whose binary does not exist is an ScmError from StartServiceW', async () => {
    const name = uniqueServiceName('nobin');
    created.push(name);
    await scm.createService(name, { path: 'C:\\scmn missing dir\\no-such-program.exe', args: ['x'] }, { startType: 'demand_start' });
    await assert.rejects(scm.startService(name, { wait: 5000 }), (error) => {
      assert.ok(error instanceof scm.ScmError, String(error));
      assert.equal(typeof error.errno, 'number');
      assert.ok(error.errno > 0);
      assert.equal(error.code, scm.win32ErrorName(error.errno));
      assert.equal(error.syscall, 'StartServiceW');
      assert.equal(error.service, name);
      return true;
    });
    assert.equal(await scm.getServiceState(name), 'stopped');
  });

  it('start and stop of a missing service are ERROR_SERVICE_DOES_NOT_EXIST', async () => {
    await rejectsWithCode(scm.startService('scmn-no-such-service'), 'ERROR_SERVICE_DOES_NOT_EXIST');
    await rejectsWithCode(scm.stopService('scmn-no-such-service', { wait: 1000 }), 'ERROR_SERVICE_DOES_NOT_EXIST');
    await rejectsWithCode(scm.waitForServiceState('scmn-no-such-service', 'running', { timeout: 1000 }), 'ERROR_SERVICE_DOES_NOT_EXIST');
  });

  it('waitForServiceState resolves at once for a state the service is already in', async () => {
    const start = process.hrtime.bigint();
    const result = await scm.waitForServiceState('Spooler', ['stopped', 'paused']);
    assert.equal(result.outcome, 'reached');
    assert.equal(result.status.state, 'stopped');
    assert.equal(result.status.name, 'Spooler');
    assert.ok(elapsedSince(start) < 3000);
  });

  it('waitForServiceState with a timeout resolves { outcome: timeout } with the last status', async () => {
    const start = process.hrtime.bigint();
    const result = await scm.waitForServiceState('Spooler', 'running', { timeout: 600 });
    const elapsed = elapsedSince(start);
    assert.equal(result.outcome, 'timeout');
    assert.equal(result.status.state, 'stopped');
    assert.ok(elapsed >= 550, `returned after ${elapsed} ms`);
    assert.ok(elapsed < 5000, `returned after ${elapsed} ms`);
  });

  it('a zero timeout or wait returns without waiting', async () => {
    let start = process.hrtime.bigint();
    const result = await scm.waitForServiceState('Spooler', 'running', { timeout: 0 });
    assert.equal(result.outcome, 'timeout');
    assert.ok(elapsedSince(start) < 1500, `${elapsedSince(start)} ms`);

    assert.equal(await scm.startService('Spooler', { wait: 10000 }), true);
    start = process.hrtime.bigint();
    const stopped = await scm.stopService('Spooler', { wait: 0 });
    assert.ok(elapsedSince(start) < 1500, `${elapsedSince(start)} ms`);
    assert.equal(typeof stopped, 'boolean');
    if (stopped) assert.equal(await scm.getServiceState('Spooler'), 'stopped');
    await ensureStopped('Spooler');
  });

  it('waits are notified of a state change (several at once, each on its own thread)', async () => {
    const waits = Array.from({ length: 5 }, () => scm.waitForServiceState('BITS', ['running'], { timeout: 15000 }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(await scm.startService('BITS', { wait: 10000 }), true);
    for (const result of await Promise.all(waits)) {
      assert.equal(result.outcome, 'reached');
      assert.equal(result.status.state, 'running');
    }
    const stopping = scm.waitForServiceState('BITS', 'stopped', { timeout: 15000 });
    assert.equal(await scm.stopService('BITS', { wait: 10000 }), true);
    const result = await stopping;
    assert.equal(result.outcome, 'reached');
    assert.equal(result.status.state, 'stopped');
  });

  it('an AbortSignal cancels a wait quickly with an AbortError', async () => {
    const controller = new AbortController();
    const start = process.hrtime.bigint();
    const wait = scm.waitForServiceState('Spooler', 'paused', { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(wait, (error) => {
      assert.equal(error.name, 'AbortError');
      return true;
    });
    const elapsed = elapsedSince(start);
    assert.ok(elapsed >= 150 && elapsed < 3000, `rejected after ${elapsed} ms`);
  });

  it('the abort reason is what rejects; an already aborted signal rejects at once', async () => {
    const controller = new AbortController();
    const reason = new Error('stop waiting');
    const wait = scm.waitForServiceState('Spooler', 'running', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await assert.rejects(wait, (error) => error === reason);

    await assert.rejects(scm.waitForServiceState('Spooler', 'running', { signal: AbortSignal.abort() }), { name: 'AbortError' });
    await assert.rejects(scm.waitForServiceState('Spooler', 'running', { signal: AbortSignal.timeout(300), timeout: 20000 }), { name: 'TimeoutError' });
    // An already aborted signal sends nothing: start, stop, pause and continue alike.
    await ensureStopped('Spooler');
    await assert.rejects(scm.startService('Spooler', { wait: 10000, signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(await scm.getServiceState('Spooler'), 'stopped');
    assert.equal(await scm.startService('Spooler', { wait: 10000 }), true);
    for (const call of [scm.stopService, scm.pauseService]) {
      await assert.rejects(call('Spooler', { wait: 10000, signal: AbortSignal.abort() }), { name: 'AbortError' });
      await assert.rejects(call('Spooler', { signal: AbortSignal.abort() }), { name: 'AbortError' });
      assert.equal(await scm.getServiceState('Spooler'), 'running');
    }
    await ensureStopped('Spooler');
  });
});
