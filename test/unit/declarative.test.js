'use strict';
// The declarative Service (issue 6) without an SCM: LSB codes, check/adjust decisions, timeouts,
// serialization in one process and across processes (lock files), the services file and `check`.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lsbFromStatus, lsbFromError } = require('../../dist/declarative/lsb');
const { acquireLockFile, serialized, lockDirFor, lockFileName, lockKey } = require('../../dist/declarative/lock');
const { worstCode } = require('../../dist/declarative/apply');
const scm = require('../..');
const { cli } = require('../support/cli');
const { fails, parse } = require('../support/services-file');
const { sleep } = require('../support/wait');

const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-locks-'));
const alive = () => true;
const status = (state, extra = {}) => ({ name: 'svc', state, pid: state === 'stopped' ? -1 : 1234, exitCode: 0, serviceCode: 0, ...extra });

/** A fake SCM for one service: state changes after `delay` ms; records the calls. */
function fakeBackend({ state = 'stopped', delay = 20, missing = false, isAlive = alive, hang = false } = {}) {
  const b = {
    state, calls: [], active: 0, maxActive: 0, signals: [],
    async queryStatus() {
      if (missing) throw new scm.ScmError({ errno: 1060, service: 'svc' });
      return status(b.state);
    },
    async start(_n, _s, wait, signal) {
      return b.op('start', 'running', wait, signal);
    },
    async stop(_n, _s, wait, signal) {
      return b.op('stop', 'stopped', wait, signal);
    },
    async op(name, target, wait, signal) {
      b.signals.push(signal);
      b.calls.push(`${name}>`);
      b.active++;
      b.maxActive = Math.max(b.maxActive, b.active);
      try {
        if (hang) await new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        await sleep(delay);
        b.state = target;
        return true;
      } finally {
        b.active--;
        b.calls.push(`<${name}`);
      }
    },
    isAlive,
  };
  return b;
}

describe('LSB codes of a status (the rule in docs/declarative.md)', () => {
  it('running with a live process is 0, stopped cleanly is 3', () => {
    assert.equal(lsbFromStatus(status('running'), alive).code, 0);
    assert.equal(lsbFromStatus(status('stopped'), alive).code, 3);
    assert.equal(lsbFromStatus(status('stopped', { exitCode: 1077 }), alive).code, 3);
  });
  it('1 for an active state whose recorded pid is gone, and for a stop after a failure', () => {
    const dead = lsbFromStatus(status('running'), () => false);
    assert.equal(dead.code, 1);
    assert.match(dead.detail, /process 1234 is gone/);
    const failed = lsbFromStatus(status('stopped', { exitCode: 1066, serviceCode: 5 }), alive);
    assert.equal(failed.code, 1);
    assert.match(failed.detail, /service-specific exit code 5/);
    assert.equal(lsbFromStatus(status('stopped', { exitCode: 2 }), alive).code, 1);
  });
  it('4 for transitional states and for every status failure; other errors are rethrown', () => {
    assert.equal(lsbFromStatus(status('start_pending'), alive).code, 4);
    assert.equal(lsbFromStatus(status('paused'), alive).code, 4);
    assert.deepEqual(lsbFromError(new scm.ScmError({ errno: 1060 })), { code: 4, detail: 'not installed' });
    assert.deepEqual(lsbFromError(new scm.ScmError({ errno: 5 })), { code: 4, detail: 'access denied' });
    assert.throws(() => lsbFromError(new TypeError('x')), TypeError);
  });
});

describe('Service (fake SCM)', () => {
  const make = (backend, decl = {}) => new scm.Service({ name: 'svc', lockDir, ...decl }, backend);

  it('validates its declaration', () => {
    assert.throws(() => new scm.Service({ name: 'a', expected: 'runing' }), /declaration.expected must be 'running' or 'stopped'/);
    assert.throws(() => new scm.Service({ name: 'a', timeout: -1 }), RangeError);
    assert.throws(() => new scm.Service({}), TypeError);
    const s = new scm.Service({ name: 'a' });
    assert.equal(s.expected, 'running');
    assert.equal(s.timeout, 60000);
  });

  it('status() reports the LSB code with state and detail; a missing service is 4', async () => {
    const st = await make(fakeBackend({ state: 'running' })).status();
    assert.deepEqual([st.code, st.meaning, st.state, st.pid], [0, 'running', 'running', 1234]);
    const missing = await make(fakeBackend({ missing: true })).status();
    assert.deepEqual([missing.code, missing.state, missing.detail], [4, null, 'not installed']);
    assert.equal(missing.error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
  });

  it('check() says what adjust() would do, and adjust() does it', async () => {
    const cases = [
      ['running', 'stopped', false, 'start'], ['running', 'running', true, 'none'],
      ['stopped', 'running', false, 'stop'], ['stopped', 'stopped', true, 'none'],
    ];
    for (const [expected, state, ok, action] of cases) {
      const b = fakeBackend({ state });
      const svc = make(b, { expected });
      const c = await svc.check();
      assert.deepEqual([c.ok, c.action, c.expected], [ok, action, expected], `${expected}/${state}`);
      const a = await svc.adjust();
      assert.equal(a.done, action !== 'none');
      assert.equal(a.after.state, expected);
      assert.equal(b.state, expected);
    }
    const dead = await make(fakeBackend({ state: 'running', isAlive: () => false })).check();
    assert.deepEqual([dead.code, dead.ok, dead.action], [1, false, 'restart']);
    const missing = await make(fakeBackend({ missing: true })).check();
    assert.deepEqual([missing.ok, missing.action], [false, 'none']);
    assert.match(missing.reason, /cannot adjust: not installed/);
  });

  it('a command that outlasts the timeout rejects with ERR_SCM_TIMEOUT and cancels the wait', async () => {
    const b = fakeBackend({ hang: true });
    const started = Date.now();
    await assert.rejects(make(b, { timeout: 200 }).start(), (e) => {
      assert.equal(e.name, 'ScmError');
      assert.equal(e.code, 'ERR_SCM_TIMEOUT');
      assert.match(e.message, /start did not finish within 200 ms/);
      return true;
    });
    assert.ok(Date.now() - started < 1500);
    assert.equal(b.signals[0].aborted, true);
  });

  it('a caller signal cancels a command', async () => {
    const ac = new AbortController();
    const p = make(fakeBackend({ hang: true })).stop({ signal: ac.signal });
    ac.abort(new Error('cancelled by caller'));
    await assert.rejects(p, /cancelled by caller/);
  });

  it('start/stop/restart on one service never interleave in one process', async () => {
    const b = fakeBackend({ delay: 30 });
    const svc = make(b);
    const other = make(b); // a second object for the same name shares the queue
    await Promise.all([svc.start(), other.stop(), svc.restart({ mode: 'native' }), other.start(), svc.restart()]);
    assert.equal(b.maxActive, 1);
    assert.deepEqual(b.calls.slice(0, 4), ['start>', '<start', 'stop>', '<stop']);
    assert.equal(b.calls.length, 14);
  });

  it('restart() rejects an unknown mode', () => {
    assert.throws(() => make(fakeBackend()).restart({ mode: 'graceful' }), /options.mode must be 'stop\+start' or 'native'/);
  });
});

describe('locks across processes', () => {
  const lockModule = JSON.stringify(path.resolve(__dirname, '../../dist/declarative/lock'));
  // A child that takes the lock, says 'locked', holds it `holdMs` (forever if null), then releases.
  const childScript = (file, holdMs) => `
    const { acquireLockFile } = require(${lockModule});
    acquireLockFile(${JSON.stringify(file)}, new AbortController().signal).then((release) => {
      process.stdout.write('locked\\n');
      if (${holdMs} === null) { setInterval(() => {}, 1000); return; }
      setTimeout(() => { release(); process.stdout.write('released\\n'); }, ${holdMs});
    });`;
  const holder = async (file, holdMs) => {
    const child = spawn(process.execPath, ['-e', childScript(file, holdMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => child.stdout.once('data', resolve));
    return { child, exited };
  };
  const unlinks = [];
  const spied = ['rmSync', 'unlinkSync', 'renameSync', 'rm', 'unlink', 'rename'];
  const originals = {};
  before(() => {
    for (const name of spied) {
      originals[name] = fs[name];
      fs[name] = function spy(target, ...rest) {
        if (String(target).endsWith('.lock')) unlinks.push(`${name} ${target}`);
        return originals[name].call(this, target, ...rest);
      };
    }
  });
  after(() => {
    for (const name of spied) fs[name] = originals[name];
  });

  it('a second process waits until the first releases', async () => {
    const file = path.join(lockDir, lockFileName(lockKey('Cross', null)));
    const { exited } = await holder(file, 400);
    const t0 = Date.now();
    const release = await acquireLockFile(file, new AbortController().signal);
    const waited = Date.now() - t0;
    release();
    await exited;
    assert.ok(waited >= 250, `waited ${waited} ms`);
    assert.deepEqual(unlinks, []);
  });

  it("a killed holder's lock is free at once", async () => {
    const file = path.join(lockDir, 'killed.lock');
    const { child, exited } = await holder(file, null);
    await assert.rejects(acquireLockFile(file, AbortSignal.timeout(150)), { name: 'TimeoutError' });
    child.kill('SIGKILL');
    await exited;
    const t0 = Date.now();
    const release = await acquireLockFile(file, new AbortController().signal);
    assert.ok(Date.now() - t0 < 200, `took ${Date.now() - t0} ms`);
    release();
  });

  it('a planted lock file nobody holds does not block, whatever it holds', async () => {
    const file = path.join(lockDir, lockFileName(lockKey('planted', null)));
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, token: 'not mine' }));
    fs.chmodSync(file, 0o444);
    const t0 = Date.now();
    const release = await acquireLockFile(file, new AbortController().signal);
    assert.ok(Date.now() - t0 < 200, `took ${Date.now() - t0} ms`);
    release();
    release(); // twice is harmless
    assert.equal(fs.existsSync(file), true, 'left in place');
  });

  it("a waiter that gives up leaves the holder's lock held and its file in place", async () => {
    const file = path.join(lockDir, 'waiter.lock');
    const release = await acquireLockFile(file, new AbortController().signal);
    await assert.rejects(acquireLockFile(file, AbortSignal.timeout(200)), { name: 'TimeoutError' });
    await assert.rejects(acquireLockFile(file, AbortSignal.timeout(100)), { name: 'TimeoutError' }, 'still held');
    if (process.platform === 'win32') assert.equal(fs.existsSync(file), true);
    assert.deepEqual(unlinks, []);
    release();
    (await acquireLockFile(file, new AbortController().signal))();
  });

  it('an aborted signal rejects at once, a lock or not', async () => {
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await assert.rejects(acquireLockFile(path.join(lockDir, 'aborted.lock'), ac.signal), /gone/);
  });

  it('waiting for a lock another holder has ends with the timeout error', async () => {
    const release = await acquireLockFile(path.join(lockDir, lockFileName(lockKey('held', null))), new AbortController().signal);
    try {
      const svc = new scm.Service({ name: 'held', lockDir, timeout: 300 }, fakeBackend());
      await assert.rejects(svc.stop(), (e) => e.code === 'ERR_SCM_TIMEOUT' && /stop did not finish within 300 ms/.test(e.message));
    } finally {
      release();
    }
  });

  it('the lock folder is chosen in one place: explicit, else SCM_NATIVE_LOCK_DIR, else the default', () => {
    const saved = process.env.SCM_NATIVE_LOCK_DIR;
    try {
      process.env.SCM_NATIVE_LOCK_DIR = path.join(lockDir, 'from-env');
      assert.equal(lockDirFor('explicit'), 'explicit');
      assert.equal(lockDirFor(), path.join(lockDir, 'from-env'));
      assert.equal(new scm.Service({ name: 'x' }).lockDir, path.join(lockDir, 'from-env'));
      delete process.env.SCM_NATIVE_LOCK_DIR;
      assert.equal(lockDirFor(null), process.platform === 'win32' ? path.join(process.env.ProgramData || 'C:\\ProgramData', 'scm-native', 'locks') : path.join(os.tmpdir(), 'scm-native-locks'));
    } finally {
      if (saved === undefined) delete process.env.SCM_NATIVE_LOCK_DIR;
      else process.env.SCM_NATIVE_LOCK_DIR = saved;
    }
  });

  it('serialized() with another key does not wait', async () => {
    const order = [];
    const signal = new AbortController().signal;
    await Promise.all([
      serialized('a', lockDir, signal, async () => { order.push('a>'); await sleep(50); order.push('<a'); }),
      serialized('b', lockDir, signal, async () => { order.push('b>'); await sleep(10); order.push('<b'); }),
    ]);
    assert.deepEqual(order, ['a>', 'b>', '<b', '<a']);
  });
});

describe('services file', () => {

  it('parses entries with defaults, seconds or duration timeouts', () => {
    const f = parse({ services: [{ name: 'Spooler' }, { name: 'B', expected: 'stopped', timeout: 5 }, { name: 'C', timeout: '1500ms' }] });
    assert.deepEqual(f.services, [{ name: 'Spooler', expected: 'running' }, { name: 'B', expected: 'stopped', timeout: 5000 }, { name: 'C', expected: 'running', timeout: 1500 }]);
  });

  it('names the entry and the field of every mistake', () => {
    fails('{"services": [', /^svc.json: not valid JSON/, undefined, undefined);
    fails([], /must be a table with a "services" list/, undefined, undefined);
    fails({ servics: [] }, /unknown field "servics"/, undefined, 'servics');
    fails({ services: {} }, /field "services" must be a list/, undefined, 'services');
    fails({ services: [{ name: 'a' }, 'b'] }, /^svc.json: services\[1\] must be a table \(object\), got "b"/, 1, undefined);
    fails({ services: [{ expected: 'running' }] }, /services\[0\]: field "name" is required/, 0, 'name');
    fails({ services: [{ name: 'a/b' }] }, /services\[0\] \("a\/b"\): field "name" is not a service name/, 0, 'name');
    fails({ services: [{ name: 'web', expected: 'runing' }] }, /services\[0\] \("web"\): field "expected" must be one of "running", "stopped", "absent", got "runing"/, 0, 'expected');
    fails({ services: [{ name: 'web', timeout: 'soon' }] }, /field "timeout" must be a number of seconds or a duration/, 0, 'timeout');
    fails({ services: [{ name: 'web', timeout: 0 }] }, /field "timeout" must be a positive duration/, 0, 'timeout');
    fails({ services: [{ name: 'web', strat: 'x' }] }, /services\[0\] \("web"\): field "strat" is unknown/, 0, 'strat');
    fails({ services: [{ name: 'Web' }, { name: 'web' }] }, /services\[1\] \("web"\): field "name" repeats services\[0\]/, 1, 'name');
  });

  it('loadServicesFile names an unreadable file', () => {
    assert.throws(() => scm.loadServicesFile(path.join(lockDir, 'none.json')), /none.json: cannot read: ENOENT/);
  });
});

describe('scm-native check / apply (no SCM)', () => {
  it('the exit code is 0 when all are as expected, else the worst LSB code (a wrong 0 counts as 1)', () => {
    assert.equal(worstCode([{ ok: true, code: 0 }, { ok: true, code: 3 }]), 0);
    assert.equal(worstCode([{ ok: false, code: 0 }]), 1);
    assert.equal(worstCode([{ ok: false, code: 3 }, { ok: false, code: 1 }]), 3);
    assert.equal(worstCode([{ ok: false, code: 3 }, { ok: false, code: 4 }, { ok: true, code: 0 }]), 4);
    // A service expected absent that exists is drift (1) whatever its state; one unreadable stays 4.
    assert.equal(worstCode([{ ok: false, code: 3, expected: 'absent' }]), 1);
    assert.equal(worstCode([{ ok: false, code: 4, expected: 'absent' }]), 4);
    assert.equal(worstCode([{ ok: true, code: 4, expected: 'absent' }]), 0);
  });

  it('an invalid or unreadable services file is exit code 2 (not LSB 4) with the entry and field named; --json: the error on stdout', async () => {
    const file = path.join(lockDir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ services: [{ name: 'web', expected: 'up' }] }));
    for (const command of ['check', 'apply']) {
      const r = await cli([command, file]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /services\[0\] \("web"\): field "expected" must be one of "running", "stopped", "absent", got "up"/);
      const json = await cli([command, file, '--json']);
      assert.equal(json.code, 2);
      assert.equal(json.stderr, '');
      const { error } = JSON.parse(json.stdout);
      assert.deepEqual([error.code, error.file, error.entry, error.field], ['ERR_SCM_SERVICES_FILE', file, 0, 'expected']);
      const missing = await cli([command, path.join(lockDir, 'no-such.json')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /no-such\.json: cannot read: ENOENT/);
    }
    assert.equal((await cli(['check', 'a', 'b'])).code, 2);
  });

  if (process.platform !== 'win32') {
    it('without an SCM every service is 4 unknown', async () => {
      const file = path.join(lockDir, 'ok.json');
      fs.writeFileSync(file, JSON.stringify({ services: [{ name: 'web' }] }));
      const r = await cli(['check', file, '--json']);
      assert.equal(r.code, 4);
      const out = JSON.parse(r.stdout);
      assert.deepEqual([out.ok, out.services[0].code, out.services[0].steps], [false, 4, []]);
    });
  }
});
