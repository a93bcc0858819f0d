'use strict';
// --stop-method command (--stop-command): the host asks the program to stop by running a command,
// as `nginx -s quit` or `pg_ctl stop` do, then waits for the program up to the stop timeout and
// terminates its process tree after it, whatever the command did. With the hooks around it:
// pre-start, program, post-start, pre-stop, stop command, post-stop.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');
const { quoteCommandLine } = require('../..');
const { PROGRAM, cleanup, cli, newCase, readEvents, readLog, waitFor } = require('../support/host-service');

const HOOK = path.join(__dirname, '..', 'fixtures', 'hook.js');
const hook = (c, name, code = 0) => quoteCommandLine([process.execPath, HOOK, c.events, name, String(code)]);
const node = (script, ...args) => quoteCommandLine([process.execPath, '-e', script, ...args]);
const created = [];

describe('service host: stop command', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('runs the stop command (its arguments expanded) and the program exits gracefully; hooks run in order', async () => {
    const c = newCase('stopcmd');
    const envFile = path.join(c.dir, 'app.env');
    fs.writeFileSync(envFile, `STOP_FILE=${path.join(c.dir, 'stop.flag')}\r\n`);
    const stopCommand = node("require('fs').writeFileSync(process.argv[1], 'stop from ' + process.env.SCM_NATIVE_SERVICE)", '%STOP_FILE%');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--env-file', envFile, '--stop-method', 'command',
      '--stop-command', stopCommand, '--stop-timeout', '20s', '--pre-start', hook(c, 'pre-start'), '--post-start', hook(c, 'post-start'),
      '--pre-stop', hook(c, 'pre-stop'), '--post-stop', hook(c, 'post-stop'), '--', PROGRAM, c.events, 'stop-file', path.join(c.dir, 'stop.flag')]);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitFor('the post-start command', () => readEvents(c.events).some((e) => e.name === 'post-start'));
    assert.equal((await cli(['stop', c.name])).code, 0);
    const order = readEvents(c.events).map((e) => (e.event === 'hook' ? e.name : e.event)).filter((e) => e !== 'message');
    assert.deepEqual(order, ['pre-start', 'start', 'post-start', 'pre-stop', 'stop-file', 'graceful-exit', 'post-stop']);
    assert.equal(readEvents(c.events).find((e) => e.event === 'stop-file').text, `stop from ${c.name}`, "the stop command had the program's environment");
    const log = readLog(c.logDir, c.name);
    assert.match(log, /asking the program to stop: running the stop command .*stop\.flag/);
    assert.match(log, /the stop command exited with code 0/);
    assert.doesNotMatch(log, /did not exit within/);
    assert.match(log, /the post-start command exited with code 0/);
    assert.match(log, /the pre-stop command exited with code 0/);
  });

  /** A service whose stop method is `stopCommand` (2 s stop timeout), started, then stopped with the CLI. */
  async function stoppedThrough(tag, stopCommand) {
    const c = newCase(tag);
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-method', 'command',
      '--stop-command', stopCommand, '--stop-timeout', '2s', '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitFor('the program', () => readEvents(c.events).some((e) => e.event === 'start'));
    assert.equal((await cli(['stop', c.name])).code, 0);
    return c;
  }

  it('a stop command that fails: the program is terminated at the stop timeout, and the log says so', async () => {
    const c = await stoppedThrough('stopfail', node("console.log('cannot reach the server'); process.exit(5)"));
    assert.equal((await scm.getServiceStatus(c.name)).state, 'stopped');
    const log = readLog(c.logDir, c.name);
    assert.match(log, /\[stop-command\] cannot reach the server/);
    assert.match(log, /the stop command exited with code 5; the program's process tree is terminated at the stop timeout/);
    assert.match(log, /the program did not exit within 2\.0 s: terminating its process tree/);
    assert.equal(readEvents(c.events).some((e) => e.event === 'graceful-exit'), false);
  });

  it('a stop command that hangs: the stop still ends at the stop timeout', async () => {
    const c = await stoppedThrough('stophang', node('setTimeout(() => {}, 120000)'));
    assert.equal((await scm.getServiceStatus(c.name)).state, 'stopped');
    assert.match(readLog(c.logDir, c.name), /the program did not exit within 2\.0 s: terminating its process tree/);
  });

  it("stop method 'command' without a stop command is refused by the CLI and the library", async () => {
    const c = newCase('stopnone');
    const refused = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-method', 'command', '--', PROGRAM, c.events, 'serve']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /stop method 'command' needs the command to run: give stopCommand \(--stop-command/);
    await assert.rejects(scm.installProgramService(c.name, PROGRAM, [], { allowInsecureLocation: true, logDir: c.logDir, stopMethod: 'command' }), RangeError);
    assert.equal(await scm.serviceExists(c.name), false);
  });

  it('a failing post-start command is logged; the program keeps running', async () => {
    const c = newCase('postfail');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s',
      '--post-start', hook(c, 'post-start', 4), '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitFor('the log line', () => /the post-start command exited with code 4/.test(readLog(c.logDir, c.name)));
    const status = await scm.getProgramServiceStatus(c.name);
    assert.equal(status.state, 'running');
    assert.equal(readEvents(c.events).filter((e) => e.event === 'start').length, 1, 'not restarted');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });
});
