'use strict';
// Exit paths that give the addon no chance to settle a wait: a worker thread terminated (or ending
// itself) while its waits run, an aborted wait nobody awaits, process.exit() during a wait. Each
// runs in a child node process (the same node.exe), which must exit by itself with code 0; a
// timer kills it and fails the test instead of hanging.
const { spawn } = require('../support/child');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'teardown-child.js');
const CHILD_LIMIT_MS = 30000;

/** Runs the fixture in `mode`; resolves { code, timedOut, lines, stderr, exitedAt, elapsed }. */
function runChild(mode, limitMs = CHILD_LIMIT_MS) {
  const base = path.join(os.tmpdir(), `scmn-teardown-${process.pid}-${mode}-${Date.now()}`);
  const outFile = `${base}.out.txt`;
  // Under Wine a node.exe child dies with EBADF on pipes: its stdout/stderr go to files.
  const stdout = fs.openSync(`${base}.stdout.txt`, 'w');
  const stderr = fs.openSync(`${base}.stderr.txt`, 'w');
  fs.writeFileSync(outFile, '');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, mode, outFile], { stdio: ['ignore', stdout, stderr] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code) => {
      const exitedAt = Date.now();
      clearTimeout(timer);
      fs.closeSync(stdout);
      fs.closeSync(stderr);
      const result = {
        code, timedOut, exitedAt, elapsed: exitedAt - started,
        lines: fs.readFileSync(outFile, 'utf8').split(/\r?\n/).filter(Boolean),
        stderr: fs.readFileSync(`${base}.stderr.txt`, 'utf8') + fs.readFileSync(`${base}.stdout.txt`, 'utf8'),
      };
      for (const suffix of ['.out.txt', '.stdout.txt', '.stderr.txt']) fs.rmSync(base + suffix, { force: true });
      resolve(result);
    });
  });
}

function describeRun(run) {
  return `code ${run.code}, ${run.elapsed} ms${run.timedOut ? ' (killed: did not exit)' : ''}\n${run.lines.join('\n')}\n${run.stderr}`;
}

describe('process and worker teardown with waits in flight', function () {
  this.timeout(CHILD_LIMIT_MS + 15000);

  before(async () => {
    // The fixtures wait for Spooler to pause, which it never does; make sure it is not stopping or starting.
    await scm.stopService('Spooler', { wait: 10000 });
  });

  it('a worker terminated while its waits run: the worker ends and the process exits 0', async () => {
    const run = await runChild('worker-terminate');
    assert.equal(run.timedOut, false, describeRun(run));
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.lines.includes('worker waiting'), describeRun(run));
    assert.ok(run.lines.includes('terminated 1'), describeRun(run));
    assert.ok(run.lines.includes('main ok Spooler timeout'), describeRun(run));
    assert.ok(!run.lines.includes('worker settled'), describeRun(run));
    assert.ok(run.lines.some((l) => l.startsWith('exit 0 ')), describeRun(run));
  });

  it('a worker that calls process.exit() during its waits: the process exits 0', async () => {
    const run = await runChild('worker-exit');
    assert.equal(run.timedOut, false, describeRun(run));
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.lines.includes('worker waiting'), describeRun(run));
    assert.ok(run.lines.includes('worker exit 0'), describeRun(run));
    assert.ok(run.lines.includes('main ok Spooler timeout'), describeRun(run));
  });

  it('aborted waits nobody awaits: they reject with AbortError and the process exits by itself promptly', async () => {
    const run = await runChild('abort');
    assert.equal(run.timedOut, false, describeRun(run));
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.filter((l) => l === 'rejected AbortError').length, 3, describeRun(run));
    const abortLine = run.lines.find((l) => l.startsWith('abort '));
    assert.ok(abortLine, describeRun(run));
    const exitDelay = run.exitedAt - Number(abortLine.split(' ')[1]);
    assert.ok(exitDelay < 5000, `exited ${exitDelay} ms after the abort\n${describeRun(run)}`);
  });

  it('process.exit() while a wait runs: the process exits 0 without hanging', async () => {
    const run = await runChild('process-exit');
    assert.equal(run.timedOut, false, describeRun(run));
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.lines.includes('waiting'), describeRun(run));
    assert.ok(!run.lines.includes('resolved'), describeRun(run));
  });

  it('workers terminated while their waits and queries settle never crash the process', async function () {
    this.timeout(135000);
    // 40 workers each load the addon (about 0.5 s apiece under Wine, more on a loaded machine):
    // the limit catches a hang, and the round lines say where one stopped.
    const run = await runChild('worker-churn', 120000);
    assert.equal(run.timedOut, false, describeRun(run));
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.lines.includes('churned 40'), describeRun(run));
    assert.ok(run.lines.includes('main ok Spooler timeout'), describeRun(run));
  });

  it('the harness itself detects a child that would hang (a wait nobody cancels)', async function () {
    // Guards the tests above against passing vacuously: without a cancel the same child must
    // still be running when the limit hits. Uses a short limit of its own.
    const base = path.join(os.tmpdir(), `scmn-teardown-${process.pid}-hang-${Date.now()}`);
    const out = fs.openSync(`${base}.txt`, 'w');
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(path.join(__dirname, '..', '..'))}).waitForServiceState('Spooler', 'paused')`],
      { stdio: ['ignore', out, out] });
    const exited = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 4000);
      child.on('exit', () => { clearTimeout(timer); resolve(true); });
    });
    if (!exited) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('exit', resolve));
    }
    fs.closeSync(out);
    const output = fs.readFileSync(`${base}.txt`, 'utf8');
    fs.rmSync(`${base}.txt`, { force: true });
    assert.equal(exited, false, `a pending wait should keep the process alive: ${output}`);
  });
});
