'use strict';
// Section 11: health checks. A crashed program is easy to see (its process exits); a hung one is
// not: it lives on and answers nothing, and a supervisor that waits on the process never notices.
// The host probes the program (here GET / every second) and restarts it after two failures in a
// row through the usual stop (IPC request, then the stop timeout) and the backoff.
const net = require('node:net');
const path = require('node:path');
const { processGone, request, waitFor } = require('./support');
const { cli, deferServiceCleanup, run } = require('./cli-support');

const APP = path.join(__dirname, '..', 'apps', 'http-server.js');

/** A TCP port free on 127.0.0.1 now: the health check names the server's port at install. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const status = async (name) => JSON.parse((await cli(['status', name, '--json'])).stdout);

module.exports = {
  title: 'Health checks: a hung program is restarted',
  admin: true,
  timeoutMs: 90000,
  async run(t) {
    const { scm } = t;
    const dir = t.tempDir('scmn-tour-health-');
    const name = t.serviceName('health');
    const port = await freePort();
    const pids = new Set();
    deferServiceCleanup(t, scm, [name], () => pids);

    t.say('The same HTTP server, now with a health check: once it reports ready, the host sends');
    t.say('GET / every second; two failed probes in a row (no answer within 1 s) restart it:');
    const health = ['--health-check', `http://127.0.0.1:${port}/`, '--health-interval', '1s', '--health-timeout', '1s', '--health-retries', '2'];
    const rest = ['--stop-timeout', '2s', '--backoff', '1s', '--ready-timeout', '30s', '--allow-insecure-location'];
    await run(t, ['install', name, '--log-dir', path.join(dir, 'logs'), ...health, ...rest, '--', APP, '--port', String(port), '--notify-ready'], {
      shown: ['install', name, '--log-dir', '<tmp>\\logs', ...health, ...rest, '--', 'examples\\apps\\http-server.js', '--port', String(port), '--notify-ready'],
      quiet: true,
    });
    await run(t, ['start', name]);
    const first = JSON.parse((await request('GET', port, '/')).body);
    pids.add(first.pid);
    const before = await status(name);
    pids.add(before.hostPid);

    t.say();
    t.say('GET /hang: the server answers, then spins forever. Its process is alive, so NSSM or');
    t.say('WinSW would see nothing wrong; the probes time out instead:');
    await t.call(`await httpGet('http://127.0.0.1:${port}/hang')`, () => request('GET', port, '/hang'));
    const after = await waitFor('the restart', async () => {
      const s = await status(name);
      return s.restarts === 1 && s.hostState === 'running' && s.programPid && s.programPid !== first.pid ? s : null;
    }, 45000);
    pids.add(after.programPid);
    const again = JSON.parse((await waitFor('an answer', () => request('GET', port, '/').catch(() => null), 15000)).body);
    t.check(again.pid === after.programPid, `answered by pid ${again.pid}, not the new program ${after.programPid}`);
    t.check(after.hostPid === before.hostPid, 'the host itself restarted');
    t.say(`Answering again (new pid ${after.programPid}, same host pid ${after.hostPid}). The log says why:`);
    const logs = await run(t, ['logs', name, '--lines', '40'], { quiet: true });
    const lines = logs.stdout.split(/\r?\n/).filter((l) => /health check failed|restarting|did not exit within|program started \(run 2/.test(l));
    for (const line of lines) t.write(`    | ${line}\n`);
    t.check(lines.some((l) => l.includes(`restarting: health check failed 2 times: GET http://127.0.0.1:${port}/: timeout after 1.0 s`)), 'the log does not say why');

    t.say();
    await run(t, ['remove', name]);
    for (const pid of pids) t.check(await processGone(pid), `process ${pid} is still running`);
  },
};
