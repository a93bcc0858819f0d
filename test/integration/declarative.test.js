'use strict';
// The declarative Service (issue 6) against a real SCM: LSB codes 0/1/3/4 (Spooler, a missing
// service, the Node fixture service: stopped after a failure, and killed while the SCM still says
// RUNNING, which Wine keeps), check/adjust, serialization in one process and across two, the
// timeout error, and `scm-native check` / `apply` exit codes.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('../support/child');
const scm = require('../..');
const { assert, deleteQuietly, underWine } = require('../support/scm');
const { installFixture, processGone, readLog } = require('../support/fixture-service');
const { cli } = require('../support/cli');
const { sleep, terminateProcess } = require('../support/wait');

const created = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-decl-'));
const lockDir = path.join(work, 'locks');
const MISSING = 'scmn-test-no-such-service';
const controls = (logFile) => readLog(logFile).filter((e) => e.event === 'control' && e.control !== 'all_stopped').map((e) => e.control);

let fileCounter = 0;
function servicesFile(services) {
  fileCounter += 1;
  const file = path.join(work, `services-${fileCounter}.json`);
  fs.writeFileSync(file, JSON.stringify({ services }));
  return file;
}

/** A fixture service killed behind the SCM's back: Wine keeps it RUNNING with a dead pid. */
async function deadService() {
  const { name } = await installFixture(created, 'basic');
  assert.equal(await scm.startService(name, { wait: 10000 }), true);
  const { pid } = await scm.getServiceStatus(name);
  terminateProcess(pid);
  assert.ok(await processGone(pid), `process ${pid} ends`);
  return name;
}

describe('Service: LSB status, check and adjust', function () {
  this.timeout(90000);

  after(async () => {
    await scm.stopService('Spooler', { wait: 10000 }).catch(() => {});
    await deleteQuietly(scm, created).catch(() => {});
  });

  it("Spooler: 3 when stopped, 0 once started, with the SCM's state and pid", async () => {
    const spooler = new scm.Service({ name: 'Spooler', lockDir, timeout: 20000 });
    await spooler.stop();
    const stopped = await spooler.status();
    assert.deepEqual([stopped.code, stopped.meaning, stopped.state, stopped.pid], [3, 'not running', 'stopped', null]);
    const started = await spooler.start();
    assert.equal(started.code, 0);
    assert.equal(started.state, 'running');
    assert.ok(started.pid > 0);
    assert.deepEqual([(await spooler.status()).code, (await spooler.check()).ok], [0, true]);
  });

  it('a missing service is 4 (not installed); check cannot adjust it; start rejects', async () => {
    const svc = new scm.Service({ name: MISSING, lockDir });
    const s = await svc.status();
    assert.deepEqual([s.code, s.meaning, s.state, s.detail], [4, 'unknown', null, 'not installed']);
    const c = await svc.check();
    assert.deepEqual([c.ok, c.action], [false, 'none']);
    const a = await svc.adjust();
    assert.equal(a.done, false);
    await assert.rejects(svc.start(), (e) => e.code === 'ERROR_SERVICE_DOES_NOT_EXIST');
  });

  it('a service stopped after a failure (non-zero exit code) is 1', async () => {
    const { name } = await installFixture(created, 'basic');
    assert.equal(await scm.startService(name, { args: ['service=5'], wait: 10000 }), true);
    const svc = new scm.Service({ name, lockDir });
    await svc.stop();
    const s = await svc.status();
    assert.equal(s.state, 'stopped');
    assert.equal(s.code, 1);
    assert.match(s.detail, /stopped after a failure \(service-specific exit code 5\)/);
    const c = await svc.check();
    assert.deepEqual([c.ok, c.action], [false, 'start']);
  });

  it('a service whose process died while the SCM says RUNNING is 1 (Wine keeps it RUNNING)', async function () {
    if (!underWine) this.skip(); // Windows marks it stopped (then it is 1 through its exit code)
    const name = await deadService();
    const s = await new scm.Service({ name, lockDir }).status();
    assert.equal(s.state, 'running');
    assert.equal(s.code, 1);
    assert.match(s.detail, /the SCM reports running but process \d+ is gone/);
    const c = await new scm.Service({ name, lockDir }).check();
    assert.deepEqual([c.ok, c.action], [false, 'restart']);
  });

  it('check/adjust toward running and toward stopped', async () => {
    const { name, logFile } = await installFixture(created, 'basic');
    const up = new scm.Service({ name, expected: 'running', lockDir });
    const down = new scm.Service({ name, expected: 'stopped', lockDir });
    assert.equal((await up.status()).code, 3);
    assert.deepEqual(pick(await up.check()), [false, 'start']);
    assert.deepEqual(pick(await down.check()), [true, 'none']);
    const a = await up.adjust();
    assert.deepEqual([a.done, a.action, a.after.code, a.after.state], [true, 'start', 0, 'running']);
    assert.equal((await up.adjust()).done, false, 'adjust is idempotent');
    assert.deepEqual(pick(await down.check()), [false, 'stop']);
    const b = await down.adjust();
    assert.deepEqual([b.done, b.action, b.after.code], [true, 'stop', 3]);
    assert.deepEqual(controls(logFile), ['start', 'stop']);
  });

  it('restart() in both modes stops then starts (a new process)', async () => {
    const { name, logFile } = await installFixture(created, 'basic');
    const svc = new scm.Service({ name, lockDir });
    const first = await svc.start();
    const second = await svc.restart();
    const third = await svc.restart({ mode: 'native' });
    assert.equal(third.code, 0);
    assert.notEqual(first.pid, second.pid);
    assert.notEqual(second.pid, third.pid);
    assert.deepEqual(controls(logFile), ['start', 'stop', 'start', 'stop', 'start']);
    await svc.stop();
  });
});

function pick(c) {
  return [c.ok, c.action];
}

describe('Service: serialization and timeouts', function () {
  this.timeout(90000);

  after(async () => {
    await deleteQuietly(scm, created).catch(() => {});
  });

  it('concurrent start()/stop() calls in one process run one at a time, in call order', async () => {
    const { name, logFile } = await installFixture(created, 'basic');
    const a = new scm.Service({ name, lockDir });
    const b = new scm.Service({ name, lockDir });
    const results = await Promise.all([a.start(), b.stop(), a.start(), b.stop(), a.restart({ mode: 'native' })]);
    assert.deepEqual(results.map((r) => r.state), ['running', 'stopped', 'running', 'stopped', 'running']);
    assert.deepEqual(controls(logFile), ['start', 'stop', 'start', 'stop', 'start']);
    await a.stop();
  });

  it('another process holding the lock makes start() wait for it', async () => {
    const { name, logFile } = await installFixture(created, 'basic');
    const marker = path.join(work, `${name}.locked`);
    const script = `
      const { serialized, lockKey } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/declarative/lock'))});
      const fs = require('node:fs');
      serialized(lockKey(${JSON.stringify(name)}, null), ${JSON.stringify(lockDir)}, new AbortController().signal, async () => {
        fs.writeFileSync(${JSON.stringify(marker)}, 'locked');
        await new Promise((r) => setTimeout(r, 2000));
        fs.writeFileSync(${JSON.stringify(marker)}, String(Date.now()));
      });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const deadline = Date.now() + 20000;
    while (!fs.existsSync(marker) && Date.now() < deadline) await sleep(50);
    assert.ok(fs.existsSync(marker), 'the other process took the lock');
    const started = Date.now();
    const s = await new scm.Service({ name: name.toUpperCase(), lockDir }).start();
    assert.equal(s.code, 0);
    assert.ok(Date.now() - started >= 1000, `start waited ${Date.now() - started} ms`);
    const released = Number(fs.readFileSync(marker, 'utf8'));
    const startControl = readLog(logFile).find((e) => e.event === 'control' && e.control === 'start');
    assert.ok(startControl.t >= released, 'the start reached the service after the other process released the lock');
    assert.equal(await exited, 0);
    await scm.stopService(name, { wait: 10000 });
  });

  it('a start that outlasts the timeout rejects with ERR_SCM_TIMEOUT', async () => {
    const { name } = await installFixture(created, 'slow'); // answers start after 6 s
    const svc = new scm.Service({ name, timeout: 1500, lockDir });
    const t0 = Date.now();
    await assert.rejects(svc.start(), (e) => {
      assert.ok(e instanceof scm.ScmError);
      assert.equal(e.code, 'ERR_SCM_TIMEOUT');
      assert.equal(e.service, name);
      assert.match(e.message, /start did not finish within 1500 ms/);
      return true;
    });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 1400 && elapsed < 5000, `${elapsed} ms`);
    assert.equal((await svc.status()).state, 'start_pending');
    // The lock was released: the next command runs (and waits for the slow start to finish).
    const long = new scm.Service({ name, timeout: 20000, lockDir });
    assert.equal((await long.start()).code, 0);
    await long.stop();
  });
});

describe('scm-native check / apply', function () {
  this.timeout(90000);
  let running;
  let stopped;
  let dead;

  before(async () => {
    running = (await installFixture(created, 'basic')).name;
    stopped = (await installFixture(created, 'basic')).name;
    assert.equal(await scm.startService(running, { wait: 10000 }), true);
    if (underWine) dead = await deadService();
  });

  after(async () => {
    await deleteQuietly(scm, created).catch(() => {});
  });

  it('exit code 0 when all are as expected, one line per service and a summary', async () => {
    const r = await cli(['check', servicesFile([{ name: running }, { name: stopped, expected: 'stopped' }])]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^NAME\s+EXPECTED\s+ACTUAL\s+LSB\s+RESULT$/);
    assert.match(lines[1], new RegExp(`^${running}\\s+running\\s+running\\s+0 running\\s+ok$`));
    assert.match(lines[2], new RegExp(`^${stopped}\\s+stopped\\s+stopped\\s+3 not running\\s+ok$`));
    assert.equal(lines[3], 'all 2 services as declared');
  });

  it('exit code 3 for a stopped service expected running, 1 for a running one expected stopped, 4 for a missing one', async () => {
    const three = await cli(['check', servicesFile([{ name: running }, { name: stopped }])]);
    assert.equal(three.code, 3);
    assert.match(three.stdout, /FAIL \(stopped; apply would start\)/);
    assert.match(three.stdout, /1 of 2 services not as declared/);
    assert.equal((await cli(['check', servicesFile([{ name: running, expected: 'stopped' }])])).code, 1);
    const four = await cli(['check', servicesFile([{ name: MISSING }, { name: stopped }])]);
    assert.equal(four.code, 4);
    assert.match(four.stdout, /4 unknown\s+FAIL \(cannot adjust: not installed\)/);
  });

  it('exit code 1 for a dead service (Wine: killed while RUNNING)', async function () {
    if (!underWine) this.skip();
    const r = await cli(['check', servicesFile([{ name: dead }, { name: running }]), '--json']);
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout);
    assert.deepEqual([out.ok, out.exitCode], [false, 1]);
    assert.deepEqual(out.services.map((s) => [s.code, s.ok, s.steps]), [[1, false, ['restart']], [0, true, []]]);
  });

  it('apply starts and stops services to their expected state; --dry-run changes nothing; a second apply does nothing', async () => {
    const file = servicesFile([{ name: stopped }, { name: running, expected: 'stopped' }]);
    const dry = await cli(['apply', file, '--dry-run']);
    assert.equal(dry.code, 3);
    assert.match(dry.stdout, /start \(dry run\)/);
    assert.equal(await scm.getServiceState(stopped), 'stopped');
    const applied = await cli(['apply', file, '--json']);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const out = JSON.parse(applied.stdout);
    assert.deepEqual(out.services.map((s) => [s.name, s.before.steps, s.done, s.state]), [[stopped, ['start'], ['start'], 'running'], [running, ['stop'], ['stop'], 'stopped']]);
    const again = JSON.parse((await cli(['apply', file, '--json'])).stdout);
    assert.deepEqual(again.services.map((s) => [s.before.steps, s.done]), [[[], []], [[], []]]);
    assert.equal(again.changed, false);
    const text = await cli(['apply', file]);
    assert.equal(text.code, 0);
    assert.equal(text.stdout, 'nothing to do: all 2 services as declared\n');
  });
});
