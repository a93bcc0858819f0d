'use strict';
// A hosted service whose host process was killed (issue 13, part C). Windows marks such a service
// stopped at once; Wine 8 keeps it RUNNING with the dead pid, and ControlService then fails with
// ERROR_NO_DATA (232, "Pipe closed") (docs/wine.md). `scm-native stop` and `remove` must finish
// the job and say that the host was gone.
const fs = require('node:fs');
const scm = require('../..');
const { assert, underWine } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, processGone, waitForEvent } = require('../support/host-service');

const created = [];
const FAST = ['--backoff', '300ms', '--backoff-limit', '1s', '--stop-timeout', '2s'];

async function installAndStart(tag) {
  const c = newCase(tag);
  const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, ...FAST, '--', PROGRAM, c.events, 'serve']);
  assert.equal(installed.code, 0, installed.stderr);
  created.push(c.name);
  const started = await cli(['start', c.name]);
  assert.equal(started.code, 0, started.stderr);
  await waitForEvent(c.events, (e) => e.event === 'start');
  return c;
}

/** Kills the service's host process (TerminateProcess) and waits until it is gone. */
async function killHost(name) {
  const { pid } = await scm.getServiceStatus(name);
  assert.ok(pid > 0, 'the host runs');
  process.kill(pid);
  assert.equal(await processGone(pid), true, 'host gone');
  return pid;
}

describe('a hosted service whose host process was killed', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('remove deletes it anyway and says the host was gone', async () => {
    const c = await installAndStart('deadrm');
    const pid = await killHost(c.name);
    const after = await scm.getServiceStatus(c.name);
    if (underWine) {
      // What the fix works around: Wine still reports the dead process, and a stop fails.
      assert.equal(after.state, 'running');
      assert.equal(after.pid, pid);
      await assert.rejects(scm.stopService(c.name, { wait: 2000 }), (e) => e.code === 'ERROR_NO_DATA' || e.errno === 232);
    }
    const removed = await cli(['remove', c.name]);
    assert.equal(removed.code, 0, removed.stderr);
    if (underWine) assert.match(removed.stdout, new RegExp(`host process \\(pid ${pid}\\) was already gone \\(killed\\?\\): nothing to stop, deleted it anyway`));
    assert.match(removed.stdout, new RegExp(`removed ${c.name}`));
    // Its settings are gone: not hosted while the service lingers (Wine: marked for deletion), else it does not exist.
    const hosted = await scm.getProgramServiceStatus(c.name).then(() => 'still hosted', (e) => e.code);
    assert.ok(['ERR_SCM_NOT_HOSTED', 'ERROR_SERVICE_DOES_NOT_EXIST'].includes(hosted), hosted);
    // Deleted: gone, or (Wine, the dead process still counted as running) marked for deletion.
    const second = await scm.deleteService(c.name).then(() => 'deleted again', (e) => e.code);
    assert.ok(['ERROR_SERVICE_DOES_NOT_EXIST', 'ERROR_SERVICE_MARKED_FOR_DELETE'].includes(second), second);
    if (underWine) process.stderr.write(`[test] a second DeleteService after remove under Wine: ${second}\n`);
  });

  it('the library says which host was gone; stop reports the service stopped and says so', async () => {
    const c = await installAndStart('deadstop');
    const pid = await killHost(c.name);
    const stopped = await cli(['stop', c.name]);
    assert.equal(stopped.code, 0, stopped.stderr);
    if (underWine) assert.match(stopped.stdout, new RegExp(`its process \\(pid ${pid}\\) is already gone \\(killed\\?\\); the Service Control Manager still reports it running, nothing to stop`));
    assert.match(stopped.stdout, new RegExp(`stopped ${c.name}`));
    const result = await scm.removeProgramService(c.name);
    assert.deepEqual(result, { hostGone: underWine ? pid : null });
    fs.rmSync(c.events, { force: true });
  });
});
