'use strict';
// runAsService({ debug: true }): the same handlers driven from a console, on any platform. It
// shares its control delivery, sequence numbers and failure handling with the real runner.
const assert = require('node:assert/strict');
const scm = require('../..');

function recorder() {
  const calls = [];
  const handler = (control, name, seq, code, ...extra) => {
    calls.push({ control, name, seq, code, extra });
    if (control === 'start') return 'running';
    if (control === 'pause') return 'paused';
    if (control === 'continue') return 'running';
    if (control === 'stop') scm.updateServiceStatus(name, seq, 'stopped');
    return undefined;
  };
  return { calls, handler };
}

describe('runAsService in debug mode', () => {
  it('sends start with the arguments, then delivers controls with increasing sequence numbers', async () => {
    const { calls, handler } = recorder();
    const done = scm.runAsService({ demo: handler }, { debug: true, args: ['--port', '80'], controls: ['stop', 'pause_continue'] });
    await new Promise((r) => setImmediate(r));
    scm.sendDebugControl('demo', 'pause');
    scm.sendDebugControl('demo', 'continue');
    scm.sendDebugControl('demo', 200);
    scm.sendDebugControl('demo', 'stop');
    await done;
    assert.deepEqual(calls.map((c) => c.control), ['start', 'pause', 'continue', 'user_defined', 'stop', 'all_stopped']);
    assert.deepEqual(calls[0].extra, [['--port', '80']]);
    assert.equal(calls[3].code, 200);
    const seqs = calls.slice(0, 5).map((c) => c.seq);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
  });

  it('ignores a stale answer (an older sequence number)', async () => {
    let startSeq = 0;
    const applied = [];
    const done = scm.runAsService({
      demo(control, name, seq) {
        if (control === 'start') {
          startSeq = seq;
          return 'running';
        }
        if (control === 'stop') {
          applied.push(scm.updateServiceStatus(name, startSeq, 'running'));
          applied.push(scm.updateServiceStatus(name, seq, 'stopped'));
        }
        return undefined;
      },
    }, { debug: true });
    await new Promise((r) => setImmediate(r));
    scm.sendDebugControl('demo', 'stop');
    await done;
    assert.deepEqual(applied, [false, true]);
  });

  it('a handler that throws stops its service; the run still ends', async () => {
    const seen = [];
    await scm.runAsService({
      broken(control) {
        seen.push(control);
        if (control === 'start') throw new Error('boom');
      },
    }, { debug: true });
    assert.deepEqual(seen, ['start', 'all_stopped']);
  });

  it('Ctrl+C (SIGINT) sends stop to every running service', async () => {
    const a = recorder();
    const b = recorder();
    const done = scm.runAsService({ a: a.handler, b: b.handler }, { debug: true });
    await new Promise((r) => setImmediate(r));
    process.emit('SIGINT');
    await done;
    assert.ok(a.calls.some((c) => c.control === 'stop'));
    assert.ok(b.calls.some((c) => c.control === 'stop'));
    assert.equal(process.listenerCount('SIGINT'), 0, 'the SIGINT listener is removed afterwards');
  });

  it('updateServiceStatus outside runAsService is an ScmError; bad arguments are TypeError/RangeError', () => {
    assert.throws(() => scm.updateServiceStatus('demo', 0, 'running'), { name: 'ScmError', code: 'ERR_SCM_NOT_RUNNING_AS_SERVICE' });
    assert.throws(() => scm.updateServiceStatus('demo', -1, 'running'), RangeError);
    assert.throws(() => scm.updateServiceStatus('demo', 1, 'sleeping'), RangeError);
    assert.throws(() => scm.updateServiceStatus('demo', 1.5, 'running'), RangeError);
    assert.throws(() => scm.sendDebugControl('demo', 'stop'), { code: 'ERR_SCM_NOT_IN_DEBUG_MODE' });
  });

  it('rejects bad runAsService arguments before anything runs', async () => {
    await assert.rejects(scm.runAsService({}), RangeError);
    await assert.rejects(scm.runAsService({ demo: 42 }), TypeError);
    await assert.rejects(scm.runAsService({ demo() {} }, { controls: ['teleport'] }), RangeError);
    await assert.rejects(scm.runAsService({ 'a/b': () => {} }, { debug: true }), RangeError);
    await assert.rejects(scm.runAsService({ demo() {} }, { replyTimeout: 60000 }), RangeError);
  });

  it('isRunningAsService() is false off Windows', () => {
    if (process.platform !== 'win32') assert.equal(scm.isRunningAsService(), false);
  });
});
