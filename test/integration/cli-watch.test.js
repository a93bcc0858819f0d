'use strict';
// `scm-native watch` as a child process (bin/scm-native.js) against a real SCM: the Node fixture
// service started and stopped while watched (JSON lines and the text format), a services file,
// several services at once (registered one after another, docs/wine.md), --adjust restarting a
// service stopped by hand, --timeout, and a missing service.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('../support/child');
const scm = require('../..');
const { assert, deleteQuietly } = require('../support/scm');
const { installFixture } = require('../support/fixture-service');

const BIN = path.join(__dirname, '..', '..', 'bin', 'scm-native.js');
const MISSING = 'scmn-test-no-such-service';
const created = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cli-watch-'));
const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';

/**
 * Starts `scm-native watch args...`; `lines` grows as the child prints. `exited` resolves with
 * { code, stdout, stderr } once it has exited by itself (a kill after `timeoutMs` fails the test).
 */
function watch(args, timeoutMs = 60000) {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const run = { stdout: '', stderr: '', get lines() { return run.stdout.split('\n').filter(Boolean); } };
  child.stdout.on('data', (d) => { run.stdout += d; });
  child.stderr.on('data', (d) => { run.stderr += d; });
  run.exited = new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`watch ${args.join(' ')} still running after ${timeoutMs} ms:\n${run.stdout}\n${run.stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: run.stdout, stderr: run.stderr });
    });
  });
  return run;
}

/** Resolves once `run` has printed `n` lines (output is written as it happens). */
async function linesPrinted(run, n, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (run.lines.length < n) {
    if (Date.now() > deadline) throw new Error(`expected ${n} lines, got:\n${run.stdout}\n${run.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('scm-native watch', function () {
  this.timeout(90000);

  after(async () => {
    await deleteQuietly(scm, created).catch(() => {});
  });

  it('--json: the initial state, then start and stop as they happen, in order; --count ends it with 0', async () => {
    const { name } = await installFixture(created, 'basic');
    // Four changes when every state is delivered. A pending state that passes before the watcher
    // has re-armed is skipped (seen under Wine on a busy machine): then --timeout ends the run,
    // and the assertions below hold either way.
    const run = watch([name, '--json', '--count', '4', '--timeout', '20s']);
    await linesPrinted(run, 1);
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    assert.equal(await scm.stopService(name, { wait: 15000 }), true);
    const { code, stdout, stderr } = await run.exited;
    assert.equal(code, 0, stderr);
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line));
    const [initial, ...changes] = events;
    assert.deepEqual([initial.name, initial.initial, initial.previous, initial.state, initial.pid], [name, true, null, 'stopped', null]);
    assert.match(initial.time, new RegExp(`^${TIME}$`));
    const states = changes.map((e) => e.state);
    const expected = ['start_pending', 'running', 'stop_pending', 'stopped'];
    assert.deepEqual(states, expected.filter((s) => states.includes(s)), `in order, at most pending states skipped: ${states}`);
    assert.ok(states.includes('running') && states[states.length - 1] === 'stopped', `running then stopped: ${states}`);
    changes.forEach((e, i) => {
      assert.equal(e.initial, false);
      assert.equal(e.previous, i === 0 ? 'stopped' : states[i - 1], 'previous is the state before');
      assert.equal(typeof e.checkpoint, 'number');
    });
    const running = changes.find((e) => e.state === 'running');
    assert.ok(running.pid > 0);
    assert.deepEqual([changes[changes.length - 1].pid, changes[changes.length - 1].exitCode], [null, 0]);
  });

  it('text: one line per change with time, name, previous -> state and pid', async () => {
    const { name } = await installFixture(created, 'basic');
    const run = watch([name, '--count', '1']);
    await linesPrinted(run, 1);
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    const { code, stdout, stderr } = await run.exited;
    assert.equal(code, 0, stderr);
    const [initial, change, ...more] = stdout.split('\n').filter(Boolean);
    assert.match(initial, new RegExp(`^${TIME}  ${name}  stopped  \\(initial, never started\\)$`));
    assert.match(change, new RegExp(`^${TIME}  ${name}  stopped -> (start_pending|running)  \\(pid \\d+\\)$`));
    assert.deepEqual(more, []);
    await scm.stopService(name, { wait: 15000 });
  });

  it('without names watches the services of --file, several at once', async () => {
    const names = [];
    for (let i = 0; i < 3; i++) names.push((await installFixture(created, 'basic')).name);
    const file = path.join(work, 'services.json');
    fs.writeFileSync(file, JSON.stringify({ services: [...names.map((name) => ({ name })), { name: 'Spooler', expected: 'stopped' }] }));
    const run = watch(['--file', file, '--json', '--count', '1']);
    await linesPrinted(run, 4);
    assert.deepEqual(run.lines.map((l) => JSON.parse(l)).map((e) => [e.name, e.initial]), [...names, 'Spooler'].map((n) => [n, true]));
    assert.equal(await scm.startService(names[2], { wait: 15000 }), true);
    const { code, stdout } = await run.exited;
    assert.equal(code, 0);
    const changes = stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => !e.initial);
    assert.equal(changes.length, 1, stdout);
    assert.deepEqual([changes[0].name, changes[0].previous], [names[2], 'stopped']);
    assert.match(changes[0].state, /^(start_pending|running)$/);
    await scm.stopService(names[2], { wait: 15000 });
  });

  it('--adjust keeps the file enforced: a service stopped by hand is started again, one expected stopped is left alone', async () => {
    const keep = (await installFixture(created, 'basic')).name;
    const idle = (await installFixture(created, 'basic')).name;
    assert.equal(await scm.startService(keep, { wait: 15000 }), true);
    const file = path.join(work, 'enforced.json');
    fs.writeFileSync(file, JSON.stringify({ services: [{ name: keep, timeout: 30 }, { name: idle, expected: 'stopped' }] }));
    const run = watch(['--file', file, '--adjust', '--adjust-delay', '300ms', '--json', '--timeout', '20s']);
    await linesPrinted(run, 2);
    assert.equal(await scm.stopService(keep, { wait: 15000 }), true);
    const deadline = Date.now() + 15000;
    while (!run.lines.some((l) => JSON.parse(l).adjust === 'start') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.equal(await scm.getServiceState(keep), 'running', run.stdout + run.stderr);
    const { code, stdout, stderr } = await run.exited;
    assert.equal(code, 0, stderr);
    const adjustments = stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => 'adjust' in e);
    assert.deepEqual(adjustments.map((e) => [e.name, e.expected, e.adjust, e.state]), [[keep, 'running', 'start', 'running']]);
    assert.equal(await scm.getServiceState(idle), 'stopped');
    await scm.stopService(keep, { wait: 15000 });
  });

  it('--timeout ends it with exit code 0: every watcher closed, the process exits by itself', async () => {
    const started = Date.now();
    const { code, stdout, stderr } = await watch(['Spooler', 'RpcSs', '--timeout', '1s']).exited;
    assert.equal(code, 0, stderr);
    assert.ok(Date.now() - started >= 1000);
    assert.deepEqual(stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/)[1]), ['Spooler', 'RpcSs']);
  });

  it('a missing service: exit 1, one line naming it, nothing printed', async () => {
    const { name } = await installFixture(created, 'basic');
    const { code, stdout, stderr } = await watch([name, MISSING]).exited;
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.equal(stderr.trim(), `scm-native: error: no such service: ${MISSING}`);
  });
});
