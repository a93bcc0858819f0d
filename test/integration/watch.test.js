'use strict';
// Watchers and the remaining controls, against real services: Wine's Spooler and the Node
// fixture service (test/fixtures/node-service.js), which accepts pause/continue.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('../support/child');
const scm = require('../..');
const { assert, deleteQuietly, itWindowsOnly, rejectsWithCode, underWine, uniqueServiceName } = require('../support/scm');
const { installFixture, waitForLog } = require('../support/fixture-service');

const created = [];
const install = (scenario) => installFixture(created, scenario);

function collect(watcher) {
  const states = [];
  watcher.on('change', (status) => {
    if (states[states.length - 1] !== status.state) states.push(status.state);
  });
  return states;
}

async function until(predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function runChild(mode, timeoutMs = 20000) {
  const result = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-watch-')), 'result.txt');
  fs.writeFileSync(result, '');
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'fixtures', 'watcher-exit.js'), mode, result], { stdio: 'ignore' });
  const started = Date.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ms: Date.now() - started, lines: fs.readFileSync(result, 'utf8').split('\n').filter(Boolean) });
    });
  });
}

describe('watching services', function () {
  this.timeout(60000);
  after(async () => {
    await scm.stopService('Spooler', { wait: 10000 }).catch(() => {});
    await deleteQuietly(scm, created);
  });

  it('watchService reports the current status, then start and stop of Spooler', async () => {
    await scm.stopService('Spooler', { wait: 10000 });
    const watcher = scm.watchService('Spooler');
    const states = collect(watcher);
    await until(() => states.length >= 1);
    assert.equal(states[0], 'stopped');
    assert.equal(await scm.startService('Spooler', { wait: 10000 }), true);
    await until(() => states.includes('running'));
    assert.equal(await scm.stopService('Spooler', { wait: 10000 }), true);
    await until(() => states[states.length - 1] === 'stopped');
    watcher.close();
    await new Promise((r) => watcher.once('close', r));
    assert.equal(watcher.closed, true);
    assert.equal(watcher.status.state, 'stopped');
  });

  it('sees start, pause, continue and stop of a Node service', async () => {
    const { name } = await install('basic');
    const watcher = scm.watchService(name);
    const states = collect(watcher);
    await until(() => states.length >= 1); // registered before other SCM calls (docs/wine.md)
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    assert.equal(await scm.pauseService(name, { wait: 5000 }), true);
    assert.equal(await scm.continueService(name, { wait: 5000 }), true);
    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
    await until(() => states[states.length - 1] === 'stopped' && states.length > 1);
    const order = states.filter((s) => ['running', 'paused', 'stopped'].includes(s));
    assert.deepEqual(order, ['stopped', 'running', 'paused', 'running', 'stopped'], `saw ${states}`);
    watcher.close();
  });

  itWindowsOnly("emits 'deleted' and closes when the service is deleted", 'Wine sends no SERVICE_NOTIFY_DELETE_PENDING and reports no deletion while a handle is open', async () => {
    const { name } = await install('basic');
    const watcher = scm.watchService(name);
    await new Promise((r) => watcher.once('change', r));
    const deleted = new Promise((r) => watcher.once('deleted', r));
    await scm.deleteService(name);
    assert.equal((await deleted).name, name);
    await until(() => watcher.closed);
    await until(() => !scm.serviceExistsSync(name)); // gone once our handle is closed
  }, {
    test: async () => {
      // The watcher's registration is re-armed as usual, the deletion is marked, and nothing tells
      // the watcher: it stays open, and the service stays visible while its handle is open.
      const { name } = await install('basic');
      const watcher = scm.watchService(name);
      await new Promise((r) => watcher.once('change', r));
      let deleted = false;
      watcher.once('deleted', () => { deleted = true; });
      await scm.deleteService(name);
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(deleted, false, 'no deleted event');
      assert.equal(watcher.closed, false, 'the watcher is still open');
      assert.equal(scm.serviceExistsSync(name), true, 'the service is still visible');
      await rejectsWithCode(scm.deleteService(name), 'ERROR_SERVICE_MARKED_FOR_DELETE');
      watcher.close();
      await until(() => watcher.closed);
    },
  });

  it('is an async iterator; leaving the loop closes the watcher', async () => {
    await scm.stopService('Spooler', { wait: 10000 });
    const watcher = scm.watchService('Spooler');
    const seen = [];
    const starting = (async () => {
      await new Promise((r) => setTimeout(r, 200));
      await scm.startService('Spooler');
    })();
    for await (const status of watcher) {
      seen.push(status.state);
      if (status.state === 'running') break;
    }
    await starting;
    assert.equal(seen[0], 'stopped');
    assert.equal(seen[seen.length - 1], 'running');
    await until(() => watcher.closed);
    await scm.stopService('Spooler', { wait: 10000 });
  });

  it('waits and watchers reuse parked threads: ten jobs one after another start at most one thread', async () => {
    const { binding } = require('../../binding');
    // A job's result reaches JS just before its thread closes its handle and parks (the close is
    // an SCM round trip the caller need not wait for): wait for the park before the next job.
    const parked = async () => {
      let stats = binding.waitPoolStats();
      for (let i = 0; i < 100 && stats.busy > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        stats = binding.waitPoolStats();
      }
      assert.equal(stats.busy, 0, 'every job has ended');
      return stats;
    };
    const before = await parked();
    for (let i = 0; i < 5; i++) {
      assert.equal((await scm.waitForServiceState('Spooler', ['running', 'stopped'], { timeout: 5000 })).outcome, 'reached');
      await parked();
      const watcher = scm.watchService('Spooler');
      await new Promise((resolve) => watcher.once('change', resolve));
      watcher.close();
      await new Promise((resolve) => watcher.once('close', resolve));
      await parked();
    }
    const after = await parked();
    assert.ok(after.threadsStarted - before.threadsStarted <= 1, `threads started for 10 jobs: ${after.threadsStarted - before.threadsStarted}`);
    assert.ok(after.idle >= 1, 'its thread is parked for the next one');
  });

  it('a watcher on a missing service emits an ScmError and closes', async () => {
    const watcher = scm.watchService('scmn-no-such-service');
    const error = await new Promise((resolve) => watcher.once('error', resolve));
    assert.equal(error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
    assert.equal(error.service, 'scmn-no-such-service');
    await until(() => watcher.closed);
  });

  it('an unref\'d watcher never keeps the process alive', async () => {
    const run = await runChild('unref');
    assert.equal(run.code, 0);
    assert.deepEqual(run.lines.slice(0, 1), ['watching']);
    assert.ok(run.ms < 10000, `exited after ${run.ms} ms`);
  });

  it('a ref\'d watcher keeps the process alive until closed, then it exits by itself', async () => {
    const run = await runChild('close-later');
    assert.equal(run.code, 0);
    assert.deepEqual(run.lines, ['watching', 'closed']);
    assert.ok(run.ms >= 1500, `lived ${run.ms} ms`);
  });

  it('terminating a worker with an open watcher and a pending wait is clean', async () => {
    const run = await runChild('worker');
    assert.equal(run.code, 0);
    assert.ok(run.lines.includes('terminated 1'), run.lines.join('; '));
  });

  it('process.exit with an open watcher and a pending wait exits cleanly', async () => {
    const run = await runChild('exit-with-open');
    assert.equal(run.code, 0);
    assert.deepEqual(run.lines, ['exiting']);
  });

  it('watchServices under Wine: its SCM has no database notifications (ERROR_CALL_NOT_IMPLEMENTED)', async function () {
    if (!underWine) this.skip();
    const watcher = scm.watchServices();
    const error = await new Promise((resolve) => watcher.once('error', resolve));
    assert.equal(error.code, 'ERROR_CALL_NOT_IMPLEMENTED');
    assert.equal(error.syscall, 'NotifyServiceStatusChangeW');
    await until(() => watcher.closed);
  });

  itWindowsOnly('watchServices reports services created and deleted', "Wine's SCM does not implement SERVICE_NOTIFY_CREATED/DELETED", async () => {
    const watcher = scm.watchServices();
    const changes = [];
    watcher.on('change', (c) => changes.push(c));
    await new Promise((r) => setTimeout(r, 500));
    const name = uniqueServiceName('watched');
    await scm.createService(name, { path: 'C:\\scmn\\none.exe' }, { startType: 'demand_start' });
    created.push(name);
    await until(() => changes.some((c) => c.type === 'created' && c.name === name));
    await scm.deleteService(name);
    await until(() => changes.some((c) => c.type === 'deleted' && c.name === name));
    watcher.close();
  }, {
    test: async () => {
      // The registration on the SCM handle fails at once, so the watcher has closed before the
      // service is created, and reports nothing about it.
      const watcher = scm.watchServices();
      const changes = [];
      const errors = [];
      watcher.on('change', (c) => changes.push(c));
      watcher.on('error', (e) => errors.push(e));
      await until(() => watcher.closed);
      const name = uniqueServiceName('watched');
      await scm.createService(name, { path: 'C:\\scmn\\none.exe' }, { startType: 'demand_start' });
      created.push(name);
      await scm.deleteService(name);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(changes, []);
      assert.deepEqual(errors.map((e) => [e.name, e.code, e.syscall]), [['ScmError', 'ERROR_CALL_NOT_IMPLEMENTED', 'NotifyServiceStatusChangeW']]);
    },
  });

  // The real recovery path (close the SCM handle, reopen, register again, enumerate) runs with a
  // test-only switch of the native watcher that takes the first notification naming a service as
  // ERROR_SERVICE_NOTIFY_CLIENT_LAGGING and drops its names: the created service must then come
  // from the enumeration, once, and nothing for services that existed all along.
  itWindowsOnly('watchServices recovers from ERROR_SERVICE_NOTIFY_CLIENT_LAGGING: reopens, re-registers, reports what changed meanwhile, nothing false',
    "Wine's SCM does not implement SERVICE_NOTIFY_CREATED/DELETED", async () => {
      const { binding } = require('../../binding');
      const events = [];
      const handle = binding.watchService(null, null, null, (e) => events.push(e), { simulateLaggingOnce: true });
      try {
        await new Promise((r) => setTimeout(r, 500));
        const name = uniqueServiceName('lagged');
        await scm.createService(name, { path: 'C:\\scmn\\none.exe' }, { startType: 'demand_start' });
        created.push(name);
        await until(() => events.some((e) => e.kind === 'created' && e.name === name));
        const resync = events.findIndex((e) => e.kind === 'resynced');
        assert.ok(resync >= 0, `a resync happened: ${JSON.stringify(events)}`);
        assert.ok(events.findIndex((e) => e.kind === 'created' && e.name === name) > resync, 'the created event came from the enumeration');
        await scm.deleteService(name);
        await until(() => events.some((e) => e.kind === 'removed' && e.name === name));
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(events.filter((e) => e.kind === 'error').length, 0, JSON.stringify(events));
        const changes = events.filter((e) => e.kind === 'created' || e.kind === 'removed');
        // Nothing for services that existed all along, no duplicates for the test's own.
        assert.deepEqual(changes.filter((e) => e.name === name).map((e) => e.kind), ['created', 'removed']);
        assert.deepEqual(changes.filter((e) => !e.name.startsWith('scmn-test-')), [], 'no events for services that did not change');
      } finally {
        handle.close();
      }
    }, {
      test: async () => {
        // The native watcher with the test switch: it enumerates, registers, and ends with the
        // registration's error; no notification ever comes that could be taken as lagging.
        const { binding } = require('../../binding');
        const events = [];
        const handle = binding.watchService(null, null, null, (e) => events.push(e), { simulateLaggingOnce: true });
        try {
          await until(() => events.some((e) => e.kind === 'closed'));
        } finally {
          handle.close();
        }
        const shown = events.map((e) => (e.kind === 'error' ? { kind: e.kind, errno: e.error.errno, syscall: e.error.syscall } : { kind: e.kind }));
        assert.deepEqual(shown, [{ kind: 'error', errno: 120, syscall: 'NotifyServiceStatusChangeW' }, { kind: 'closed' }]);
      },
    });
});

describe('pause, continue, interrogate and user-defined controls', function () {
  this.timeout(60000);
  after(async () => {
    await deleteQuietly(scm, created);
  });

  it('pause/continue resolve true on reaching the state; interrogate returns the status; user controls arrive', async () => {
    const { name, logFile } = await install('basic');
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    assert.equal(await scm.pauseService(name, { wait: 5000 }), true);
    const interrogated = await scm.interrogateService(name);
    assert.equal(interrogated.state, 'paused');
    assert.equal(interrogated.pid, (await scm.getServiceStatus(name)).pid, 'the full status, pid included');
    assert.ok(interrogated.pid > 0);
    assert.equal(await scm.continueService(name, { wait: 5000 }), true);
    const status = await scm.controlService(name, 199);
    assert.equal(status.state, 'running');
    await waitForLog(logFile, (e) => e.control === 'user_defined' && e.code === 199);
    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
  });

  it('pausing a stopped service is an ScmError carrying the last status', async () => {
    const { name } = await install('basic');
    await assert.rejects(scm.pauseService(name), (error) => {
      assert.equal(error.code, 'ERROR_SERVICE_NOT_ACTIVE');
      assert.equal(error.lastStatus.state, 'stopped');
      return true;
    });
    // With a wait the control is sent by the wait's own thread: the same error, same shape.
    await assert.rejects(scm.pauseService(name, { wait: 5000 }), (error) => {
      assert.ok(error instanceof scm.ScmError, String(error));
      assert.equal(error.code, 'ERROR_SERVICE_NOT_ACTIVE');
      assert.match(error.syscall, /^ControlService/);
      assert.equal(error.service, name);
      assert.equal(error.lastStatus.state, 'stopped');
      assert.equal(error.lastStatus.name, name);
      return true;
    });
    assert.equal(await scm.stopService(name, { wait: 5000 }), true, 'stopping a stopped service with a wait is not an error');
  });

  it('a control the service does not accept gives ERROR_INVALID_SERVICE_CONTROL with the status', async () => {
    await scm.startService('Spooler', { wait: 10000 });
    try {
      await assert.rejects(scm.pauseService('Spooler'), (error) => {
        assert.equal(error.code, 'ERROR_INVALID_SERVICE_CONTROL');
        assert.equal(error.lastStatus.state, 'running');
        return true;
      });
      await assert.rejects(scm.pauseService('Spooler', { wait: 5000 }), (error) => {
        assert.equal(error.code, 'ERROR_INVALID_SERVICE_CONTROL');
        assert.equal(error.lastStatus.state, 'running');
        assert.ok(error.lastStatus.pid > 0, 'the re-read status, pid included');
        return true;
      });
    } finally {
      await scm.stopService('Spooler', { wait: 10000 });
    }
  });

  it('rejects control codes outside 128-255 and bad waits before any native call', async () => {
    await assert.rejects(scm.controlService('Spooler', 127), RangeError);
    await assert.rejects(scm.controlService('Spooler', 256), RangeError);
    await assert.rejects(scm.controlService('Spooler', 1), RangeError);
    await assert.rejects(scm.pauseService('Spooler', { wait: 1.5 }), RangeError);
    await assert.rejects(scm.waitForServiceState('Spooler', 'sleeping'), RangeError);
  });

  it('getDependentServiceStatus returns a list (Wine: always empty) and validates state', async () => {
    assert.ok(Array.isArray(await scm.getDependentServiceStatus('RpcSs')));
    assert.ok(Array.isArray(scm.getDependentServiceStatusSync('RpcSs', { state: 'active' })));
    await assert.rejects(scm.getDependentServiceStatus('RpcSs', { state: 'asleep' }), RangeError);
    await rejectsWithCode(scm.getDependentServiceStatus('scmn-no-such-service'), 'ERROR_SERVICE_DOES_NOT_EXIST');
  });

  itWindowsOnly('getDependentServiceStatus lists a service that depends on another', 'Wine\'s EnumDependentServicesW is a stub', async () => {
    const base = uniqueServiceName('base');
    const dependent = uniqueServiceName('dependent');
    await scm.createService(base, { path: 'C:\\scmn\\none.exe' }, { startType: 'demand_start' });
    created.push(base);
    await scm.createService(dependent, { path: 'C:\\scmn\\none.exe' }, { startType: 'demand_start', dependencies: [base] });
    created.push(dependent);
    const list = await scm.getDependentServiceStatus(base);
    assert.deepEqual(list.map((s) => s.name), [dependent]);
    assert.equal(list[0].state, 'stopped');
    assert.equal((await scm.getDependentServiceStatus(base, { state: 'active' })).length, 0);
  }, { rejects: { name: 'AssertionError', actual: [] } }); // the dependent is created; EnumDependentServicesW lists nothing
});
