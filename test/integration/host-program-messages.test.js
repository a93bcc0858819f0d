'use strict';
// What a hosted Node program tells the host over IPC:
//   - `--ready-timeout`: the service stays START_PENDING until the program calls
//     notifyServiceReady(), so `start` returns only once the program is ready; a program that
//     never reports ready fails the start with ERROR_SERVICE_REQUEST_TIMEOUT and is stopped;
//   - requestProgramRestart(): the host restarts the program in place, the service stays RUNNING.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');
const {
  PROGRAM, cleanup, cli, newCase, processGone, readEvents, readLog, waitFor, waitForEvent,
} = require('../support/host-service');

const created = [];

async function install(c, mode, extra, modeArgs = []) {
  const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s', ...extra, '--', PROGRAM, c.events, mode, ...modeArgs]);
  assert.equal(result.code, 0, `install failed: ${result.stderr}`);
  created.push(c.name);
}

describe('service host: messages from the program (ready, restart)', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('stays START_PENDING until the program reports ready; start returns after that', async () => {
    const c = newCase('ready');
    await install(c, 'ready-after', ['--ready-timeout', '30s'], ['2500']);
    const starting = cli(['start', c.name]);
    await waitForEvent(c.events, (e) => e.event === 'start');
    const mid = await scm.getServiceStatus(c.name);
    assert.equal(mid.state, 'start_pending', 'the program runs but has not reported ready');
    assert.ok(mid.waitHint >= 30000, `wait hint ${mid.waitHint} covers the ready timeout`);
    const host = JSON.parse((await cli(['status', c.name, '--json'])).stdout);
    assert.equal(host.hostState, 'starting');
    assert.equal(host.readyTimeout, 30000);

    const started = await starting;
    const returnedAt = Date.now();
    assert.equal(started.code, 0, started.stderr);
    const ready = readEvents(c.events).find((e) => e.event === 'ready');
    assert.ok(ready, 'the program reported ready');
    assert.equal(ready.sent, true, 'notifyServiceReady() sent the message over the IPC channel');
    assert.ok(ready.t <= returnedAt, 'start returned after the program reported ready');
    assert.equal((await scm.getServiceStatus(c.name)).state, 'running');
    assert.match(readLog(c.logDir, c.name), /program ready \(run 1\) after \d+\.\d s: the service is running/);
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('a program that never reports ready: the start fails with 1053 and the program is stopped', async () => {
    const c = newCase('neverready');
    await install(c, 'never-ready', ['--ready-timeout', '2s']);
    const started = await cli(['start', c.name]);
    assert.equal(started.code, 1);
    assert.match(started.stderr, /did not start \(state stopped, exit code 1053: the program did not report ready within 2(\.0)?s\)/);
    const program = readEvents(c.events).find((e) => e.event === 'start');
    assert.ok(program, 'the program did run');
    assert.equal(await processGone(program.pid, 10000), true, 'the program is gone');
    const status = await scm.getServiceStatus(c.name);
    assert.equal(status.state, 'stopped');
    assert.equal(status.exitCode, 1053);
    const log = readLog(c.logDir, c.name);
    assert.match(log, /the program did not report ready within 2\.0 s: stopping it; the start fails/);
    assert.match(log, /service stopped \(the program never reported ready\)/);
    assert.ok(readEvents(c.events).some((e) => e.event === 'graceful-exit'), 'stopped gracefully, over IPC');
  });

  it('is refused for a program that is not Node (no IPC channel), before anything is created', async () => {
    const c = newCase('readycmd');
    const script = path.join(c.dir, 'serve.cmd');
    fs.writeFileSync(script, '@echo off\r\nping -n 30 127.0.0.1 > nul\r\n');
    const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--ready-timeout', '5s', '--', script]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /a ready timeout needs a Node program .*this one runs as 'cmd'/);
    assert.equal(await scm.serviceExists(c.name), false);
  });

  it('requestProgramRestart(): the program is stopped gracefully and started again, the service stays running', async () => {
    const c = newCase('selfrestart');
    await install(c, 'restart-self', ['--backoff', '30s'], [path.join(c.dir, 'restarted.marker')]);
    assert.equal((await cli(['start', c.name])).code, 0);
    const pid = (await scm.getServiceStatus(c.name)).pid;
    const starts = () => readEvents(c.events).filter((e) => e.event === 'start');
    await waitFor('the second run', () => starts().length >= 2, 15000);
    const [first, second] = starts();
    const events = readEvents(c.events);
    assert.equal(events.find((e) => e.event === 'restart-requested').sent, true);
    assert.ok(events.some((e) => e.event === 'graceful-exit' && e.pid === first.pid), 'the first run got the stop message');
    assert.equal(await processGone(first.pid), true);
    assert.notEqual(second.pid, first.pid);
    const status = await scm.getServiceStatus(c.name);
    assert.equal(status.state, 'running');
    assert.equal(status.pid, pid, 'the same host: the service itself did not restart');
    assert.match(readLog(c.logDir, c.name), /the program asked to be restarted: asking it to exit \(ipc, timeout 2\.0 s\), then starting it again/);
    const host = JSON.parse((await cli(['status', c.name, '--json'])).stdout);
    assert.equal(host.restarts, 1);
    assert.equal(host.hostState, 'running');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });
});
