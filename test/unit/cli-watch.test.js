'use strict';
// `scm-native watch` without an SCM: its arguments, its line formats, and the watch loop with fake
// watchers (sequential registration, initial lines first, --count, --timeout, signals, deletion,
// a missing service, every watcher closed at the end), and --adjust with a fake adjuster.
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { parseArgs, UsageError } = require('../../dist/cli/args');
const { watchCommand, watchPlan, eventLine, eventJson, adjustJson, runWatch, targetLabel } = require('../../dist/cli/watch');
const scm = require('../..');
const { cli, collector } = require('../support/cli');
const { sleep } = require('../support/wait');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cli-watch-'));
const T = new Date('2025-01-02T03:04:05.678Z');
const status = (state, extra = {}) => ({
  name: 'svc', state, pid: state === 'stopped' ? -1 : 1234, exitCode: 0, serviceCode: 0, checkpoint: 0, waitHint: 0, ...extra,
});

const plan = (argv, exists = () => false, stderr = collector().stream) => watchPlan(parseArgs(argv, watchCommand.options, 'watch'), { stderr }, exists);

function file(content) {
  const f = path.join(work, `services-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

describe('watch: arguments', () => {
  it('takes names, dedupes them case-insensitively, and parses --json, --count, --timeout', () => {
    assert.deepEqual(plan(['a', 'B', 'A', '--json', '--count', '3', '--timeout', '2m']), {
      targets: [{ name: 'a' }, { name: 'B' }], json: true, count: 3, timeout: 120000, adjustDelay: null,
    });
    assert.deepEqual(plan(['a']), { targets: [{ name: 'a' }], json: false, count: null, timeout: null, adjustDelay: null });
  });

  it('without names reads the services file (--file, default services.json), systems included', () => {
    const f = file({ services: [{ name: 'one' }, { name: 'two', expected: 'stopped', system: 'host1' }, { name: 'gone', expected: 'absent' }] });
    // A service expected absent is not watched.
    assert.deepEqual(plan(['--file', f]).targets, [{ name: 'one' }, { name: 'two', system: 'host1' }]);
    assert.throws(() => plan(['--file', file({ services: [{ name: 'gone', expected: 'absent' }] })]), /declares no services that should exist: nothing to watch/);
    const cwd = process.cwd();
    process.chdir(path.dirname(f));
    try {
      fs.copyFileSync(f, 'services.json');
      assert.deepEqual(plan([], fs.existsSync).targets.map((t) => t.name), ['one', 'two']);
    } finally {
      fs.rmSync('services.json');
      process.chdir(cwd);
    }
  });

  it('a bad or missing services file is exit code 2 with a one-line error naming it', () => {
    for (const f of [file('{nope'), file({ services: [{ name: 'a', expected: 'maybe' }] }), path.join(work, 'missing.json')]) {
      const err = collector();
      assert.equal(plan(['--file', f], () => true, err.stream), 2);
      assert.equal(err.lines.length, 1);
      assert.ok(err.text.startsWith(`scm-native: error: ${f}`), err.text);
    }
  });

  it('usage mistakes are UsageErrors', () => {
    const cases = [
      [[], /give service names, or a services file/],
      [['a', '--file', 'x.json'], /names or --file, not both/],
      [['a', '--count', '0'], /--count must be at least 1/],
      [['a', '--count', 'many'], /--count must be a whole number/],
      [['a', '--timeout', 'soon'], /--timeout must be a duration/],
      [['a', '--timeout', '0'], /--timeout must be longer than 0/],
      [['a/b'], /must not contain/],
      [['--file', file({ services: [] })], /declares no services/],
    ];
    for (const [argv, message] of cases) assert.throws(() => plan(argv, () => false), (e) => e instanceof UsageError && message.test(e.message), argv.join(' '));
  });

  it('through the CLI: exit 2 with one line for usage mistakes and for a bad file; help lists the options', async () => {
    for (const argv of [['watch', 'a', '--count', '0'], ['watch', 'a', '--file', 'x.json'], ['watch', 'a', '--', 'b'], ['watch', 'a', '--every', '1s']]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /usage: scm-native watch \[names\.\.\.\]/);
    }
    assert.equal((await cli(['watch', '--file', file('[]')])).code, 2);
    const help = await cli(['help', 'watch']);
    assert.equal(help.code, 0);
    for (const option of ['--file <services file>', '--json', '--count <n>', '--timeout <duration>']) assert.ok(help.stdout.includes(option), option);
    assert.match((await cli(['help'])).stdout, /\n {2}watch {5}print state changes of services as they happen/);
  });
});

describe('watch: line formats', () => {
  const event = (kind, previous, s, target = { name: 'svc' }) => ({ time: T, kind, target, previous, status: s });

  it('text: time, padded name, state or previous -> state, and details', () => {
    const io = { color: false };
    assert.equal(eventLine(event('initial', null, status('stopped', { exitCode: 1077 })), io, 6), '2025-01-02T03:04:05.678Z  svc     stopped  (initial, never started)');
    assert.equal(eventLine(event('initial', null, status('running')), io), '2025-01-02T03:04:05.678Z  svc  running  (initial, pid 1234)');
    assert.equal(eventLine(event('change', 'stopped', status('start_pending')), io), '2025-01-02T03:04:05.678Z  svc  stopped -> start_pending  (pid 1234)');
    assert.equal(eventLine(event('change', 'stop_pending', status('stopped')), io), '2025-01-02T03:04:05.678Z  svc  stop_pending -> stopped');
    assert.equal(eventLine(event('change', 'running', status('stopped', { exitCode: 1066, serviceCode: 5 })), io),
      '2025-01-02T03:04:05.678Z  svc  running -> stopped  (service-specific code 5)');
    assert.equal(eventLine(event('change', 'running', status('stopped', { exitCode: 1067 })), io), '2025-01-02T03:04:05.678Z  svc  running -> stopped  (exit code 1067)');
    assert.equal(eventLine(event('deleted', 'stopped', status('stopped')), io), '2025-01-02T03:04:05.678Z  svc  stopped -> deleted');
    assert.equal(eventLine(event('change', 'stopped', status('running'), { name: 'svc', system: 'host1' }), io), '2025-01-02T03:04:05.678Z  \\\\host1\\svc  stopped -> running  (pid 1234)');
    assert.equal(targetLabel({ name: 'svc', system: '\\\\host1' }), '\\\\host1\\svc');
  });

  it('text: the new state coloured as elsewhere (running green, pending yellow, deleted red)', () => {
    const io = { color: true };
    assert.equal(eventLine(event('change', 'stopped', status('running')), io), '2025-01-02T03:04:05.678Z  svc  stopped -> \u001b[32mrunning\u001b[0m  (pid 1234)');
    assert.match(eventLine(event('change', 'running', status('stop_pending')), io), /\u001b\[33mstop_pending\u001b\[0m/);
    assert.match(eventLine(event('deleted', 'stopped', status('stopped')), io), /stopped -> \u001b\[31mdeleted\u001b\[0m$/);
  });

  it('JSON: one object per event with the same fields every time', () => {
    assert.deepEqual(eventJson(event('initial', null, status('stopped'))), {
      time: '2025-01-02T03:04:05.678Z', name: 'svc', initial: true, previous: null, state: 'stopped', pid: null, exitCode: 0, serviceCode: 0, checkpoint: 0, waitHint: 0,
    });
    assert.deepEqual(eventJson(event('change', 'stopped', status('start_pending', { checkpoint: 2, waitHint: 3000 }))), {
      time: '2025-01-02T03:04:05.678Z', name: 'svc', initial: false, previous: 'stopped', state: 'start_pending', pid: 1234, exitCode: 0, serviceCode: 0, checkpoint: 2, waitHint: 3000,
    });
    const deleted = eventJson(event('deleted', 'stopped', status('stopped'), { name: 'svc', system: 'host1' }));
    assert.deepEqual([deleted.system, deleted.previous, deleted.state], ['host1', 'stopped', 'deleted']);
  });
});

/** Fake watchers: each reports `initial` (a status, or an Error) when created, as the native one does. */
function fakeScm(initial, onCreate = () => {}) {
  const watchers = new Map();
  const created = [];
  const log = [];
  const signals = new EventEmitter();
  const deps = {
    signals,
    now: () => T,
    watch(target) {
      created.push(target.name);
      const w = new EventEmitter();
      w.closed = false;
      w.close = () => {
        if (w.closed) return;
        w.closed = true;
        setImmediate(() => w.emit('close'));
      };
      watchers.set(target.name, w);
      log.push(`create ${target.name}`);
      onCreate(target.name, watchers);
      setTimeout(() => {
        log.push(`report ${target.name}`);
        const first = initial[target.name];
        if (first instanceof Error) {
          w.emit('error', first);
          w.close();
        } else w.emit('change', first);
      }, 5);
      return w;
    },
  };
  return { deps, watchers, created, signals, log };
}

function start(names, initial, extra = {}, onCreate = undefined, adjust = undefined) {
  const fake = fakeScm(initial, onCreate);
  if (adjust) fake.deps.adjust = adjust;
  const out = collector();
  const err = collector();
  const io = { stdout: out.stream, stderr: err.stream, stdin: Readable.from(['']), color: false };
  const targets = names.map((name) => (typeof name === 'string' ? { name } : name));
  const done = runWatch({ targets, json: false, count: null, timeout: null, ...extra }, io, fake.deps);
  return { ...fake, out, err, done };
}

async function until(predicate) {
  for (let i = 0; i < 200 && !predicate(); i++) await sleep(5);
  assert.ok(predicate(), 'condition met');
}

describe('watch --adjust: arguments', () => {
  it('takes the expected states and timeouts from the file; --adjust-delay defaults to 2s', () => {
    const f = file({ services: [{ name: 'a', timeout: 5 }, { name: 'b', expected: 'stopped' }, { name: 'c', expected: 'absent' }] });
    const p = plan(['--file', f, '--adjust']);
    assert.deepEqual([p.targets, p.adjustDelay], [[{ name: 'a', expected: 'running', timeout: 5000 }, { name: 'b', expected: 'stopped' }], 2000]);
    assert.equal(plan(['--file', f, '--adjust', '--adjust-delay', '250ms']).adjustDelay, 250);
    assert.equal(plan(['--file', f]).adjustDelay, null);
    assert.deepEqual(plan(['--file', f]).targets, [{ name: 'a' }, { name: 'b' }], 'without --adjust, no expected states');
  });

  it('--adjust needs a services file; --adjust-delay needs --adjust', () => {
    assert.throws(() => plan(['a', '--adjust']), (e) => e instanceof UsageError && /--adjust needs a services file/.test(e.message));
    assert.throws(() => plan(['--file', file({ services: [{ name: 'a' }] }), '--adjust-delay', '1s']), /--adjust-delay needs --adjust/);
  });
});

describe('watch: the loop (fake watchers)', () => {
  it('registers one watcher after another, prints the initial lines first, then changes; --count ends it and closes all', async () => {
    // a changes while bb is being set up: printed after both initial lines.
    const run = start(['a', 'bb'], { a: status('stopped'), bb: status('running') }, { count: 2 }, (name, watchers) => {
      if (name === 'bb') watchers.get('a').emit('change', status('start_pending'));
    });
    await until(() => run.out.lines.length === 3);
    assert.deepEqual(run.out.lines, [
      '2025-01-02T03:04:05.678Z  a   stopped  (initial)',
      '2025-01-02T03:04:05.678Z  bb  running  (initial, pid 1234)',
      '2025-01-02T03:04:05.678Z  a   stopped -> start_pending  (pid 1234)',
    ]);
    assert.deepEqual(run.log, ['create a', 'report a', 'create bb', 'report bb'], 'the second watcher waits for the first one\'s status');
    run.watchers.get('bb').emit('change', status('stop_pending'));
    assert.equal(await run.done, 0);
    run.watchers.get('a').emit('change', status('running'));
    assert.equal(run.out.lines.length, 4, 'nothing after the count');
    assert.ok([...run.watchers.values()].every((w) => w.closed));
    assert.equal(run.signals.listenerCount('SIGINT'), 0);
  });

  it('a missing service: one-line error, exit 1, nothing printed, every watcher closed', async () => {
    const missing = new scm.ScmError({ errno: 1060, service: 'nope', syscall: 'OpenServiceW' });
    const run = start(['a', 'nope', 'c'], { a: status('stopped'), nope: missing, c: status('stopped') });
    assert.equal(await run.done, 1);
    assert.equal(run.out.text, '');
    assert.equal(run.err.text, 'scm-native: error: no such service: nope\n');
    assert.deepEqual(run.created, ['a', 'nope'], 'stops at the missing one');
    assert.ok([...run.watchers.values()].every((w) => w.closed));
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGBREAK']) {
    it(`${signal} ends it with exit code 0`, async () => {
      const run = start(['a'], { a: status('running') });
      await until(() => run.signals.listenerCount(signal) === 1);
      run.signals.emit(signal);
      assert.equal(await run.done, 0);
      assert.ok(run.watchers.get('a').closed);
      assert.equal(run.signals.listenerCount(signal), 0);
    });
  }

  it('--timeout ends it with exit code 0', async () => {
    const t0 = Date.now();
    const run = start(['a'], { a: status('running') }, { timeout: 100, json: true });
    assert.equal(await run.done, 0);
    assert.ok(Date.now() - t0 >= 95);
    assert.deepEqual(run.out.lines.map((l) => JSON.parse(l)), [eventJson({ time: T, kind: 'initial', target: { name: 'a' }, previous: null, status: status('running') })]);
  });

  it('deleted services print a line; when every watcher has ended, exit 0', async () => {
    const run = start(['a', 'b'], { a: status('stopped'), b: status('stopped') });
    await until(() => run.out.lines.length === 2);
    for (const name of ['a', 'b']) {
      const w = run.watchers.get(name);
      w.emit('deleted', status('stopped'));
      w.close();
    }
    assert.equal(await run.done, 0);
    assert.deepEqual(run.out.lines.slice(2), ['2025-01-02T03:04:05.678Z  a  stopped -> deleted', '2025-01-02T03:04:05.678Z  b  stopped -> deleted']);
  });

  it('a watcher failing later: its error on stderr, the others go on; exit 1 at the end', async () => {
    const run = start(['a', 'b'], { a: status('running'), b: status('running') }, { count: 1 });
    await until(() => run.out.lines.length === 2);
    const a = run.watchers.get('a');
    a.emit('error', new Error('boom'));
    a.close();
    await sleep(20);
    assert.equal(run.err.text, 'scm-native: error: watching a: boom\n');
    run.watchers.get('b').emit('change', status('stop_pending'));
    assert.equal(await run.done, 1);
  });
});

describe('watch --adjust: the loop (fake watchers and adjuster)', () => {
  /** A fake adjust: records calls; `results` gives each call's outcome in turn (an Error rejects). */
  function adjuster(results) {
    const calls = [];
    const fn = async (target, signal) => {
      calls.push({ name: target.name, expected: target.expected, at: Date.now(), signal });
      const r = results[Math.min(calls.length - 1, results.length - 1)];
      if (r instanceof Error) throw r;
      return r;
    };
    return { fn, calls };
  }

  it('a service out of its declared state is adjusted after the grace delay, once; the line says what was done', async () => {
    const a = adjuster([{ action: 'start', state: 'running' }]);
    const run = start([{ name: 'a', expected: 'running' }, { name: 'b', expected: 'stopped' }], { a: status('stopped'), b: status('stopped') },
      { adjustDelay: 30, timeout: 200 }, undefined, a.fn);
    await until(() => a.calls.length === 1);
    run.watchers.get('a').emit('change', status('running'));
    assert.equal(await run.done, 0);
    assert.deepEqual(a.calls.map((c) => [c.name, c.expected]), [['a', 'running']], 'b is as declared: never adjusted');
    assert.deepEqual(run.out.lines.slice(2), [
      '2025-01-02T03:04:05.678Z  a  adjusted: start -> running',
      '2025-01-02T03:04:05.678Z  a  stopped -> running  (pid 1234)',
    ]);
  });

  it('a service back in its state before the delay is left alone; pending states are not acted on', async () => {
    const a = adjuster([{ action: 'start', state: 'running' }]);
    const run = start([{ name: 'a', expected: 'running' }], { a: status('running') }, { adjustDelay: 60, timeout: 250 }, undefined, a.fn);
    await until(() => run.out.lines.length === 1);
    const w = run.watchers.get('a');
    w.emit('change', status('stop_pending'));
    w.emit('change', status('stopped'));
    await sleep(20);
    w.emit('change', status('start_pending'));
    w.emit('change', status('running'));
    assert.equal(await run.done, 0);
    assert.equal(a.calls.length, 0);
  });

  it('a failing adjustment is reported, retried later with a doubled delay, and ends the command with exit 1', async () => {
    const a = adjuster([new Error('StartServiceW failed: boom'), { action: 'start', state: 'stopped' }, { action: 'start', state: 'running' }]);
    const run = start([{ name: 'a', expected: 'running' }], { a: status('stopped') }, { adjustDelay: 20, timeout: 400, json: true }, undefined, a.fn);
    await until(() => a.calls.length === 3);
    run.watchers.get('a').emit('change', status('running'));
    assert.equal(await run.done, 1);
    const gaps = a.calls.slice(1).map((c, i) => c.at - a.calls[i].at);
    assert.ok(gaps[0] >= 35 && gaps[1] >= 75, `the delay doubles each time (gaps ${gaps})`);
    const adjustLines = run.out.lines.map((l) => JSON.parse(l)).filter((l) => 'adjust' in l);
    assert.deepEqual(adjustLines.map((l) => [l.adjust, l.state, l.error]), [[null, null, 'StartServiceW failed: boom'], ['start', 'stopped', undefined], ['start', 'running', undefined]]);
    assert.deepEqual(adjustJson({ time: T, target: { name: 'a', expected: 'running' }, report: { action: 'none', state: 'paused', reason: 'paused' } }),
      { time: T.toISOString(), name: 'a', expected: 'running', adjust: 'none', state: 'paused', reason: 'paused' });
  });

  it('a service that leaves its state again during an adjustment is adjusted again afterwards', async () => {
    let run;
    const a = adjuster([{ action: 'start', state: 'running' }]);
    const slow = async (target, signal) => {
      const r = await a.fn(target, signal);
      if (a.calls.length === 1) {
        // It ran, then crashed at once: both changes arrive before the adjustment returns.
        run.watchers.get('a').emit('change', status('running'));
        run.watchers.get('a').emit('change', status('stopped'));
      }
      return r;
    };
    run = start([{ name: 'a', expected: 'running' }], { a: status('stopped') }, { adjustDelay: 20, timeout: 300 }, undefined, slow);
    await until(() => a.calls.length === 2);
    run.watchers.get('a').emit('change', status('running'));
    assert.equal(await run.done, 0);
    assert.equal(a.calls.length, 2);
  });

  it('nothing to do is not retried: a reason is printed once, an adjustment that found it as declared prints nothing', async () => {
    const paused = adjuster([{ action: 'none', state: 'paused', reason: 'the service is paused: continue it (continueService)' }]);
    const run = start([{ name: 'a', expected: 'running' }], { a: status('paused') }, { adjustDelay: 10, timeout: 200 }, undefined, paused.fn);
    assert.equal(await run.done, 0);
    assert.equal(paused.calls.length, 1);
    assert.deepEqual(run.out.lines.slice(1), ['2025-01-02T03:04:05.678Z  a  not adjusted: the service is paused: continue it (continueService)']);
    const fine = adjuster([{ action: 'none', state: 'running' }]);
    const run2 = start([{ name: 'a', expected: 'running' }], { a: status('stopped') }, { adjustDelay: 10, timeout: 150 }, undefined, fine.fn);
    assert.equal(await run2.done, 0);
    assert.equal(fine.calls.length, 1);
    assert.deepEqual(run2.out.lines, ['2025-01-02T03:04:05.678Z  a  stopped  (initial)']);
  });

  it('ending the watch aborts an adjustment in progress and waits for it; nothing is printed after', async () => {
    let aborted = false;
    const run = start([{ name: 'a', expected: 'running' }], { a: status('stopped') }, { adjustDelay: 10, timeout: 100 }, undefined,
      (target, signal) => new Promise((resolve, reject) => signal.addEventListener('abort', () => {
        aborted = true;
        reject(signal.reason);
      })));
    assert.equal(await run.done, 0);
    assert.equal(aborted, true);
    assert.deepEqual(run.out.lines, ['2025-01-02T03:04:05.678Z  a  stopped  (initial)']);
  });
});
