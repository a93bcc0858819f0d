'use strict';
// --health-check: the host probes the running program (HTTP GET, TCP connect, or a command) and
// restarts it through the graceful stop after --health-retries failures in a row, saying why.
// The hung program (alive, answering nothing) is the case a wait on the process cannot catch.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { assert } = require('../support/scm');
const { quoteCommandLine } = require('../..');
const { cleanup, cli, newCase, readEvents, readLog, waitFor, waitForEvent } = require('../support/host-service');

const PROGRAM = path.join(__dirname, '..', 'fixtures', 'health-program.js');
const created = [];

/** A TCP port free now on 127.0.0.1 (the program listens on it, the probe names it at install). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Installs and starts `c` with a fast health check (`probe`), then the program in `mode`. */
async function startChecked(c, probe, mode, extra = []) {
  const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s', '--backoff', '1s',
    '--health-check', probe, '--health-interval', '300ms', '--health-timeout', '1s', '--health-retries', '3', ...extra, '--', PROGRAM, c.events, ...mode]);
  assert.equal(installed.code, 0, installed.stderr);
  created.push(c.name);
  const started = await cli(['start', c.name]);
  assert.equal(started.code, 0, started.stderr);
}

const runs = (c) => readEvents(c.events).filter((e) => e.event === 'start').map((e) => e.run);

describe('service host: health checks', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('restarts a program that hangs (alive, not answering HTTP) after 3 failed probes, through the stop timeout, with the backoff; the log says why', async () => {
    const c = newCase('hc-http');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/health`;
    await startChecked(c, url, ['http', String(port), '2']);
    await waitForEvent(c.events, (e) => e.event === 'hang' && e.run === 1, 20000);
    await waitForEvent(c.events, (e) => e.event === 'request' && e.run === 2, 40000);
    const log = readLog(c.logDir, c.name);
    const why = `health check failed 3 times: GET ${url}: timeout after 1.0 s`;
    assert.ok(log.includes(`health check failed (1 of 3): GET ${url}: timeout after 1.0 s`), log);
    assert.ok(log.includes(`restarting: ${why}; asking the program to exit`), log);
    // A busy-looping program does not answer the stop request either: the stop timeout ends it.
    assert.match(log, /the program did not exit within 2\.0 s: terminating its process tree/);
    assert.match(log, /restarting in 1\.0 s \(backoff so far 1\.0 s/);
    assert.deepEqual(runs(c), [1, 2]);
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('a TCP probe: a program that closes its port is restarted; the new run is probed again', async () => {
    const c = newCase('hc-tcp');
    const port = await freePort();
    await startChecked(c, `tcp://127.0.0.1:${port}`, ['tcp', String(port), '2']);
    await waitForEvent(c.events, (e) => e.event === 'closed' && e.run === 1, 20000);
    await waitForEvent(c.events, (e) => e.event === 'connection' && e.run === 2, 40000);
    const log = readLog(c.logDir, c.name);
    assert.match(log, new RegExp(`restarting: health check failed 3 times: connect 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    // This one stops when asked: a graceful exit, no termination.
    assert.ok(readEvents(c.events).some((e) => e.event === 'graceful-exit' && e.run === 1));
    assert.doesNotMatch(log, /did not exit within/);
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('a command probe (a .cmd file, its argument through cmd.exe): exit code 1 three times restarts the program', async () => {
    const c = newCase('hc-cmd');
    const dir = path.join(c.dir, 'probe dir');
    fs.mkdirSync(dir);
    const probe = path.join(dir, 'probe.cmd');
    fs.writeFileSync(probe, '@if exist "%~1" (echo sick & exit /b 1)\r\n@exit /b 0\r\n');
    const sick = path.join(dir, 'sick & well.flag');
    await startChecked(c, quoteCommandLine([probe, sick]), ['sick', sick]);
    await waitForEvent(c.events, (e) => e.event === 'start' && e.run === 1);
    // Healthy probes first (the log shows nothing for them), then the file makes them fail.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    fs.writeFileSync(sick, 'x');
    await waitForEvent(c.events, (e) => e.event === 'start' && e.run === 2, 40000);
    await waitFor('the restart line', () => /restarting: health check failed 3 times: command /.test(readLog(c.logDir, c.name)));
    const log = readLog(c.logDir, c.name);
    assert.match(log, /health check failed \(3 of 3\): command .*probe\.cmd.*: exit code 1 \(last output: sick\)/);
    assert.equal(fs.existsSync(sick), false, 'the new run removed the file');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('never restarts a healthy program', async () => {
    const c = newCase('hc-ok');
    const port = await freePort();
    await startChecked(c, `http://127.0.0.1:${port}/`, ['http', String(port), '1000000'], ['--health-status', '200', '--health-grace', '10s']);
    // Probes every 300 ms: wait until the program has answered eight of them.
    await waitForEvent(c.events, (e) => e.event === 'request' && e.n >= 8, 30000);
    assert.equal((await cli(['stop', c.name])).code, 0);
    assert.deepEqual(runs(c), [1]);
    const log = readLog(c.logDir, c.name);
    assert.match(log, new RegExp(`health check: GET http://127\\.0\\.0\\.1:${port}/ every 0\\.3 s, timeout 1\\.0 s, restart after 3 failures in a row, none counted in the first 10 s`));
    // Before the program listens, a probe may be refused: the grace period does not count it.
    assert.doesNotMatch(log, /health check failed \(|restarting/);
  });
});
