'use strict';
// --memory-limit/--memory-limit-for: the host sums the private memory of the program's processes
// (its job's, or its process tree without --kill-tree) and restarts it through the graceful stop
// when the sum stays above the limit, logging the figures.
const path = require('node:path');
const { assert } = require('../support/scm');
const { cleanup, cli, newCase, readEvents, readLog, waitForEvent } = require('../support/host-service');

const PROGRAM = path.join(__dirname, '..', 'fixtures', 'health-program.js');
const created = [];

async function startLimited(c, mode, extra = []) {
  const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '3s', '--backoff', '1s',
    '--memory-limit', '200M', '--memory-limit-for', '2s', ...extra, '--', PROGRAM, c.events, ...mode]);
  assert.equal(installed.code, 0, installed.stderr);
  created.push(c.name);
  const started = await cli(['start', c.name]);
  assert.equal(started.code, 0, started.stderr);
}

/**
 * The figures of the restart line: MiB in all and per process. A console program without a
 * console gets a console host (conhost.exe) as its child: it is the program's and counts too.
 */
function restartFigures(log) {
  const m = /restarting: memory above the limit for [\d.]+ s: ([\d.]+) MiB private in \d+ process(?:es)? \(([^)]*)\), limit 200\.0 MiB for 2\.0 s/.exec(log);
  assert.ok(m, log);
  const processes = m[2].split(', ').map((p) => /^(\S+) (\d+): ([\d.]+) MiB$/.exec(p)).map((p) => ({ name: p[1], pid: Number(p[2]), mib: Number(p[3]) }));
  const hostPid = Number(/host pid (\d+)/.exec(log)[1]);
  assert.ok(!processes.some((p) => p.pid === hostPid), `not the host ${hostPid}: ${m[2]}`);
  return { mib: Number(m[1]), processes };
}

describe('service host: memory limit', function () {
  this.timeout(90000);
  after(async () => {
    await cleanup(created);
  });

  it('restarts a program whose private memory stays above the limit; the log gives the figures', async () => {
    const c = newCase('mem');
    await startLimited(c, ['hog', '300']);
    await waitForEvent(c.events, (e) => e.event === 'start' && e.run === 2, 40000);
    const log = readLog(c.logDir, c.name);
    assert.match(log, /memory above the limit of 200\.0 MiB: [\d.]+ MiB private in \d+ process(es)? \(node\.exe \d+: [\d.]+ MiB.*\); restarting the program if it stays above for 2\.0 s/);
    const figures = restartFigures(log);
    const first = readEvents(c.events).find((e) => e.event === 'start' && e.run === 1);
    const program = figures.processes.find((p) => p.pid === first.pid);
    assert.ok(program && program.mib >= 300, `the program with at least the 300 MiB it allocated: ${JSON.stringify(figures)}`);
    assert.ok(readEvents(c.events).some((e) => e.event === 'graceful-exit' && e.run === 1), 'through the graceful stop');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  for (const killTree of [true, false]) {
    it(`counts a child process's memory (${killTree ? "the job's processes" : 'the process tree, --no-kill-tree'})`, async () => {
      const c = newCase(killTree ? 'memjob' : 'memtree');
      await startLimited(c, ['hog', '300', 'child'], killTree ? [] : ['--no-kill-tree']);
      const child = await waitForEvent(c.events, (e) => e.event === 'child' && e.run === 1);
      await waitForEvent(c.events, (e) => e.event === 'start' && e.run === 2, 40000);
      const figures = restartFigures(readLog(c.logDir, c.name));
      const first = readEvents(c.events).find((e) => e.event === 'start' && e.run === 1);
      const counted = figures.processes.find((p) => p.pid === child.childPid);
      assert.ok(counted && counted.mib >= 300, `the child ${child.childPid} with the 300 MiB it allocated: ${JSON.stringify(figures)}`);
      assert.ok(figures.processes.some((p) => p.pid === first.pid), 'and the program');
      assert.equal((await cli(['stop', c.name])).code, 0);
    });
  }
});
