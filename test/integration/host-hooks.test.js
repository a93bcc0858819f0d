'use strict';
// --pre-start and --post-stop: commands the host runs before the program's first start (a failure
// fails the service's start) and after it has stopped for good, their output in the service log.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');
const { quoteCommandLine } = require('../..');
const { PROGRAM, cleanup, cli, newCase, readEvents, readLog, waitFor } = require('../support/host-service');

const HOOK = path.join(__dirname, '..', 'fixtures', 'hook.js');
const created = [];
const hook = (c, name, code = 0) => quoteCommandLine([process.execPath, HOOK, c.events, name, String(code)]);

describe('service host: pre-start and post-stop commands', function () {
  this.timeout(60000);
  after(async () => {
    await cleanup(created);
  });

  it('runs the pre-start command before the program and the post-stop command after it, with the service environment', async () => {
    const c = newCase('hooks');
    const cmd = path.join(c.dir, 'post stop.cmd'); // a batch file runs through cmd.exe, quoted
    fs.writeFileSync(cmd, '@echo post-stop ran for %SCM_NATIVE_SERVICE% with %1\r\n');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s', '--pre-start', hook(c, 'pre-start'),
      '--post-stop', quoteCommandLine([cmd, 'an arg']), '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await cli(['start', c.name])).code, 0);
    assert.equal((await cli(['stop', c.name])).code, 0);
    const events = readEvents(c.events).filter((e) => e.event === 'hook' || e.event === 'start' || e.event === 'graceful-exit').map((e) => e.event === 'hook' ? e.name : e.event);
    assert.deepEqual(events, ['pre-start', 'start', 'graceful-exit']);
    const pre = readEvents(c.events).find((e) => e.event === 'hook');
    assert.equal(pre.service, c.name, 'the program environment');
    assert.equal(pre.cwd.toLowerCase(), path.dirname(PROGRAM).toLowerCase(), "the program's working directory");
    const log = readLog(c.logDir, c.name);
    assert.match(log, /\[pre-start\] pre-start says hello/);
    assert.match(log, /the pre-start command exited with code 0/);
    assert.match(log, new RegExp(`\\[post-stop\\] post-stop ran for ${c.name} with "an arg"`));
    assert.ok(log.indexOf('the post-stop command exited with code 0') < log.indexOf('service stopped (stopped)'), 'before the service reports STOPPED');
  });

  it('a failing pre-start command fails the start with its exit code; the program never runs', async () => {
    const c = newCase('prefail');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--pre-start', hook(c, 'check', 7), '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    const started = await cli(['start', c.name]);
    assert.equal(started.code, 1);
    assert.match(started.stderr, /did not start \(state stopped, service exit code 7\)/);
    const status = await scm.getServiceStatus(c.name);
    assert.deepEqual([status.exitCode, status.serviceCode], [1066, 7]);
    assert.equal(readEvents(c.events).some((e) => e.event === 'start'), false, 'the program did not start');
    assert.match(readLog(c.logDir, c.name), /the pre-start command exited with code 7/);
  });

  it('a pre-start command that outlives the hook timeout is terminated and fails the start', async () => {
    const c = newCase('prehang');
    const sleeper = quoteCommandLine([process.execPath, '-e', 'setTimeout(() => {}, 60000)']);
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--hook-timeout', '1s', '--pre-start', sleeper, '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await cli(['start', c.name])).code, 1);
    await waitFor('the log line', () => /the pre-start command did not finish within 1\.0 s: terminated/.test(readLog(c.logDir, c.name)));
    assert.equal((await scm.getServiceStatus(c.name)).serviceCode, 3);
  });
});
