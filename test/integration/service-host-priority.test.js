'use strict';
// The host's --priority, --affinity and --pid-file against a real SCM: the program runs at its
// priority class on its processors (also after a restart), its pid is in the pid file while it
// runs (a stale one is replaced), the file is gone once it stops, and update changes the class and
// removes the file.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { binding } = require('../../binding');
const { assert } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, processGone, readEvents, readLog, waitFor, waitForEvent } = require('../support/host-service');
const { terminateProcess } = require('../support/wait');

const created = [];

async function statusJson(name) {
  const result = await cli(['status', name, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const pidIn = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);

describe('service host: priority class and pid file of the program', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('runs the program at its priority class with its pid in the pid file; update changes the class and removes the file', async () => {
    const c = newCase('prio');
    const pidFile = path.join(c.dir, 'run', 'app.pid'); // the folder does not exist yet
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--backoff', '300ms', '--stop-timeout', '2s',
      '--priority', 'below_normal', '--pid-file', pidFile, '--', PROGRAM, c.events, 'priority']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    let status = await statusJson(c.name);
    assert.equal(status.priority, 'below_normal');
    assert.equal(status.pidFile, pidFile);

    assert.equal((await cli(['start', c.name])).code, 0);
    const first = await waitForEvent(c.events, (e) => e.event === 'priority');
    assert.equal(first.priority, os.constants.priority.PRIORITY_BELOW_NORMAL, 'the program sees its class');
    assert.equal(os.getPriority(first.pid), os.constants.priority.PRIORITY_BELOW_NORMAL);
    status = await statusJson(c.name);
    assert.equal(status.programPid, first.pid);
    assert.equal(pidIn(pidFile), `${first.pid}\n`, 'the pid, decimal and a newline');
    const text = await cli(['status', c.name]);
    assert.match(text.stdout, /^Priority\s+below_normal$/m);
    assert.match(text.stdout, new RegExp(`^Pid file\\s+${pidFile.replace(/[\\.]/g, '\\$&')}$`, 'm'));

    // A restart gets the class again and rewrites the pid file.
    terminateProcess(first.pid);
    const second = await waitForEvent(c.events, (e) => e.event === 'priority' && e.pid !== first.pid);
    assert.equal(second.priority, os.constants.priority.PRIORITY_BELOW_NORMAL);
    await waitFor('the new pid in the pid file', () => pidIn(pidFile) === `${second.pid}\n`);
    assert.equal((await statusJson(c.name)).programPid, second.pid);

    assert.equal((await cli(['stop', c.name])).code, 0);
    assert.equal(await processGone(second.pid), true);
    assert.equal(fs.existsSync(pidFile), false, 'deleted once the program exited');

    // A stale pid file (a killed host's) is replaced.
    fs.writeFileSync(pidFile, '424242\n');
    assert.equal((await cli(['start', c.name])).code, 0);
    const third = await waitForEvent(c.events, (e) => e.event === 'priority' && e.pid !== first.pid && e.pid !== second.pid);
    await waitFor('the pid file rewritten', () => pidIn(pidFile) === `${third.pid}\n`);
    assert.equal((await cli(['stop', c.name])).code, 0);
    assert.equal(fs.existsSync(pidFile), false);

    const updated = await cli(['update', c.name, '--priority', 'high', '--no-pid-file']);
    assert.equal(updated.code, 0, updated.stderr);
    status = await statusJson(c.name);
    assert.equal(status.priority, 'high');
    assert.equal(status.pidFile, null);
    fs.rmSync(c.events);
    assert.equal((await cli(['start', c.name])).code, 0);
    const fourth = await waitForEvent(c.events, (e) => e.event === 'priority');
    assert.equal(fourth.priority, os.constants.priority.PRIORITY_HIGH);
    assert.equal(fs.existsSync(pidFile), false, 'no pid file any more');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('a pid file that cannot be written is logged and the program runs anyway', async () => {
    const c = newCase('pidfail');
    const blocker = path.join(c.dir, 'blocker');
    fs.writeFileSync(blocker, 'a file, not a folder');
    const pidFile = path.join(blocker, 'app.pid');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s', '--pid-file', pidFile, '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await cli(['start', c.name])).code, 0);
    const start = await waitForEvent(c.events, (e) => e.event === 'start');
    await waitFor('the log line', () => /\[scm-native\] could not write the pid file .*app\.pid: /.test(readLog(c.logDir, c.name)));
    assert.equal((await statusJson(c.name)).programPid, start.pid, 'the program runs');
    assert.equal((await cli(['stop', c.name])).code, 0);
    assert.ok(readEvents(c.events).some((e) => e.event === 'graceful-exit'));
  });

  it('restricts the program to its --affinity processors at each start; update --affinity all lifts it', async () => {
    const c = newCase('affinity');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--backoff', '300ms', '--stop-timeout', '2s',
      '--affinity', '1', '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.deepEqual((await statusJson(c.name)).affinity, [1]);
    assert.equal((await cli(['start', c.name])).code, 0);
    const first = await waitForEvent(c.events, (e) => e.event === 'start');
    const { process: cpus, system } = binding.getProcessAffinity(first.pid);
    assert.ok(system.length >= 2, `this machine has ${system.length} processors`);
    assert.deepEqual(cpus, [1]);
    terminateProcess(first.pid);
    const second = await waitForEvent(c.events, (e) => e.event === 'start' && e.pid !== first.pid);
    assert.deepEqual(binding.getProcessAffinity(second.pid).process, [1], 'again after a restart');
    assert.equal((await cli(['stop', c.name])).code, 0);
    assert.equal((await cli(['update', c.name, '--affinity', 'all'])).code, 0);
    assert.equal((await statusJson(c.name)).affinity, null);
    assert.throws(() => binding.setProcessAffinity(process.pid, []), RangeError);
    assert.throws(() => binding.setProcessAffinity(process.pid, [64]), RangeError);
  });
});
