'use strict';
// The services file beyond names and states (issue 6): hosted programs with the host's settings,
// YAML and TOML, dependency checks, and the scheduler that runs apply's steps in dependency order.
const assert = require('node:assert/strict');
const path = require('node:path');
const { runScheduled } = require('../../dist/declarative/schedule');
const { fails, parse } = require('../support/services-file');
const { sleep } = require('../support/wait');


describe('services file: hosted programs', () => {
  it('reads every host setting, resolving paths against the file folder', () => {
    const f = parse({
      services: [{
        name: 'web', program: 'app/server.js', args: ['--port', '8080'], cwd: 'app', env: { PORT: 8080, DEBUG: false, NAME: 'x' },
        displayName: 'Web app', description: '', startup: 'delayed', username: '.\\svc', passwordEnv: 'WEB_PASSWORD', dependencies: ['db'],
        restart: 'always', backoff: '2s', backoffLimit: 60, backoffReset: '1m', giveUpCode: 7, stopMethod: 'ipc', stopTimeout: 0,
        killTree: false, earlyExit: '5s', priority: 'below_normal', pidFile: 'run/web.pid', readyTimeout: '20s',
        successCodes: [3], noRestartCodes: [78, 79], passStartArgs: true, affinity: [0, 1],
        log: { dir: 'logs', timestamps: true, maxSize: '1M', daily: false, keep: 3, stderr: 'separate' }, recovery: { delay: '30s', count: 2, resetPeriod: '1h' },
      }],
    }, path.join('conf', 'svc.json'));
    const d = f.services[0];
    const dir = path.resolve('conf');
    assert.equal(d.expected, 'running');
    assert.deepEqual(d.hosted, {
      program: path.join(dir, 'app', 'server.js'), args: ['--port', '8080'], passwordEnv: 'WEB_PASSWORD',
      options: {
        cwd: path.join(dir, 'app'), env: { PORT: '8080', DEBUG: 'false', NAME: 'x' }, displayName: 'Web app', description: '',
        startup: 'delayed', username: '.\\svc', dependencies: ['db'], restart: 'always', backoffInitial: 2000, backoffLimit: 60000,
        backoffReset: 60000, giveUpExitCode: 7, stopMethod: 'ipc', stopTimeout: 0, killTree: false, earlyExitWindow: 5000,
        priority: 'below_normal', pidFile: path.join(dir, 'run', 'web.pid'), readyTimeout: 20000, successExitCodes: [3], noRestartExitCodes: [78, 79], passStartArgs: true, affinity: [0, 1], logDir: path.join(dir, 'logs'), logTimestamps: true,
        logMaxSize: 1048576, logDaily: false, logKeep: 3, logStderr: 'separate', recovery: { delay: 30000, count: 2, resetPeriod: 3600 },
      },
    });
  });

  it('reads recovery as none or a table, with its defaults', () => {
    const recovery = (value) => parse({ services: [{ name: 'web', program: 'a.js', recovery: value }] }).services[0].hosted.options.recovery;
    assert.equal(recovery('none'), null);
    assert.deepEqual(recovery({}), { delay: 60000 });
    assert.deepEqual(recovery({ delay: 0, count: 100, resetPeriod: 0 }), { delay: 0, count: 100, resetPeriod: 0 });
    assert.equal('recovery' in parse({ services: [{ name: 'web', program: 'a.js' }] }).services[0].hosted.options, false);
  });

  it('names the entry and the (dotted) field of every mistake in a hosted entry', () => {
    const one = (fields) => ({ services: [{ name: 'web', program: 'a.js', ...fields }] });
    fails({ services: [{ name: 'web', args: ['x'] }] }, /services\[0\] \("web"\): field "args" needs "program"/, 0, 'args');
    fails(one({ args: 'x' }), /field "args" must be a list of strings, got "x"/, 0, 'args');
    fails(one({ args: ['a', 1] }), /field "args" \[1\] must be a string, got 1/, 0, 'args');
    fails({ services: [{ name: 'b', program: 'run.cmd', passStartArgs: true }] }, /field "passStartArgs" cannot be true for a \.cmd or \.bat program/, 0, 'passStartArgs');
    fails({ services: [{ name: 'b', program: 'run.BAT', args: ['ok', 'x\ny'] }] }, /field "args" \[1\] must not contain a line break/, 0, 'args');
    assert.equal(parse({ services: [{ name: 'b', program: 'run.cmd', interpreter: 'node', passStartArgs: true }] }).services[0].hosted.options.passStartArgs, true, 'run by an interpreter: not through cmd.exe');
    fails(one({ priority: 'low' }), /field "priority" must be one of "idle", "below_normal", "normal", "above_normal", "high", "realtime", got "low"/, 0, 'priority');
    fails(one({ restart: true }), /field "restart" must be one of "always", "on-failure", "never", got true/, 0, 'restart');
    fails(one({ backoff: '5 minutes' }), /field "backoff" must be a number of seconds or a duration/, 0, 'backoff');
    fails(one({ log: { maxSize: '10 MB!' } }), /field "log.maxSize" must be a number of bytes or a size/, 0, 'log.maxSize');
    fails(one({ log: { rotate: true } }), /field "log.rotate" is unknown \(allowed: dir, timestamps, maxSize, daily, keep, stderr, compress, rotateOnStart, direct\)/, 0, 'log.rotate');
    fails(one({ log: 'x' }), /field "log" must be a table, got "x"/, 0, 'log');
    fails(one({ env: { A: [1] } }), /field "env.A" must be a string, number or boolean, got an array/, 0, 'env.A');
    fails(one({ env: { 'A=B': '1' } }), /field "env" has an invalid variable name "A=B"/, 0, 'env');
    fails(one({ passwordEnv: 'P' }), /field "passwordEnv" needs "username"/, 0, 'passwordEnv');
    fails(one({ recovery: 'restart' }), /field "recovery" must be "none" or a table \(delay, count, resetPeriod\), got "restart"/, 0, 'recovery');
    fails(one({ recovery: { count: 0 } }), /field "recovery.count" must be a whole number from 1 to 100, got 0/, 0, 'recovery.count');
    fails(one({ recovery: { resetPeriod: '1500ms' } }), /field "recovery.resetPeriod" must be whole seconds/, 0, 'recovery.resetPeriod');
    fails(one({ recovery: { times: 3 } }), /field "recovery.times" is unknown \(allowed: delay, count, resetPeriod\)/, 0, 'recovery.times');
    fails({ services: [{ name: 'Spooler', recovery: 'none' }] }, /field "recovery" needs "program"/, 0, 'recovery');
    fails(one({ virtualAccount: true, username: 'u' }), /field "virtualAccount" excludes "username"/, 0, 'virtualAccount');
    fails(one({ system: 'other' }), /field "system" cannot be used with "program"/, 0, 'system');
    fails(one({ giveUpCode: 0 }), /field "giveUpCode" must be a whole number from 1 to 4294967295, got 0/, 0, 'giveUpCode');
    fails(one({ successCodes: 3 }), /field "successCodes" must be a list of whole numbers, got 3/, 0, 'successCodes');
    fails(one({ noRestartCodes: [1, -2] }), /field "noRestartCodes" \[1\] must be a whole number from 0 to 4294967295, got -2/, 0, 'noRestartCodes');
    fails(one({ program: '' }), /field "program" must not be empty/, 0, 'program');
    fails(one({ stopTimeout: -1 }), /field "stopTimeout" must be a non-negative duration/, 0, 'stopTimeout');
  });

  it('refuses dependency cycles, self-dependencies, a running service that needs a stopped one and any that needs an absent one', () => {
    const svc = (name, deps, expected = 'running') => ({ name, program: 'a.js', dependencies: deps, expected });
    fails({ services: [svc('a', ['b']), svc('b', ['c']), svc('c', ['A'])] }, /services\[0\] \("a"\): field "dependencies" make a cycle: a -> b -> c -> a/, 0, 'dependencies');
    fails({ services: [svc('a', ['a'])] }, /field "dependencies" names the service itself/, 0, 'dependencies');
    fails({ services: [svc('a', ['b']), svc('b', [], 'stopped')] }, /services\[0\] \("a"\): field "dependencies" names "b", which is expected stopped/, 0, 'dependencies');
    // A service expected absent: nothing may depend on it, it may depend on anything.
    fails({ services: [svc('a', ['b'], 'stopped'), svc('b', [], 'absent')] }, /services\[0\] \("a"\): field "dependencies" names "b", which is expected absent/, 0, 'dependencies');
    assert.deepEqual(parse({ services: [svc('a', [], 'stopped'), svc('b', ['a'], 'absent'), { name: 'Old', expected: 'absent' }] }).services.map((s) => s.expected), ['stopped', 'absent', 'absent']);
    // Dependencies outside the file are the SCM's business.
    assert.equal(parse({ services: [svc('a', ['Tcpip']), svc('b', ['a'])] }).services.length, 2);
  });
});

describe('services file: YAML and TOML', () => {
  const expected = (file) => [
    { name: 'Spooler', expected: 'stopped', timeout: 30000 },
    { name: 'web', expected: 'running', hosted: { program: path.resolve('app.js'), args: ['-v'], options: { env: { PORT: '8080' }, priority: 'high' } } },
  ].map((s) => ({ ...s, ...(s.hosted ? { hosted: { ...s.hosted, program: path.join(path.dirname(path.resolve(file)), 'app.js') } } : {}) }));

  it('reads the same declaration from YAML (by extension .yaml or .yml)', () => {
    const yaml = 'services:\n  - name: Spooler\n    expected: stopped\n    timeout: 30s\n  - name: web\n    program: app.js\n    args: [-v]\n    env:\n      PORT: 8080\n    priority: high\n';
    for (const file of ['s.yaml', 'S.YML']) {
      const f = parse(yaml, file);
      assert.equal(f.format, 'yaml');
      assert.deepEqual(f.services, expected(file));
    }
  });

  it('reads the same declaration from TOML', () => {
    const toml = '[[services]]\nname = "Spooler"\nexpected = "stopped"\ntimeout = "30s"\n\n[[services]]\nname = "web"\nprogram = "app.js"\nargs = ["-v"]\npriority = "high"\n[services.env]\nPORT = 8080\n';
    const f = parse(toml, 'svc.toml');
    assert.equal(f.format, 'toml');
    assert.deepEqual(f.services, expected('svc.toml'));
  });

  it('reports syntax errors with their line, and field errors the same way in every format', () => {
    fails('services:\n  - name: a\n  - name: a\n    name: b\n', /^s.yaml: not valid YAML: Map keys must be unique at line 4, column 5$/, undefined, undefined, 's.yaml');
    fails('[[services]]\nname = \n', /^s.toml: not valid TOML \(line 2, column 8\)/, undefined, undefined, 's.toml');
    fails('services:\n  - name: web\n    expected: up\n', /s.yaml: services\[0\] \("web"\): field "expected" must be one of "running", "stopped", "absent", got "up"/, 0, 'expected', 's.yaml');
    fails('[[services]]\nname = "web"\nwhen = 2026-01-01\n', /field "when" is unknown/, 0, 'when', 's.toml');
    fails('[[services]]\nname = "web"\nprogram = "a.js"\ncwd = 1979-05-27\n', /field "cwd" must be a string, got a date/, 0, 'cwd', 's.toml');
    // YAML 1.2: `no` is a string, not false.
    fails('services:\n  - name: web\n    program: a.js\n    killTree: no\n', /field "killTree" must be true or false, got "no"/, 0, 'killTree', 's.yaml');
  });
});

describe('apply scheduling (dependency order, bounded parallelism)', () => {
  function jobs(spec, log, { fail = [] } = {}) {
    let active = 0;
    const stats = { max: 0 };
    const list = Object.entries(spec).map(([id, after]) => ({
      id, after,
      async run() {
        active++;
        stats.max = Math.max(stats.max, active);
        log.push(`${id}>`);
        await sleep(10);
        log.push(`<${id}`);
        active--;
        if (fail.includes(id)) throw new Error(`${id} broke`);
      },
    }));
    return { list, stats };
  }

  it('runs a job only after the jobs it comes after, at most `parallel` at once', async () => {
    const log = [];
    const { list, stats } = jobs({ db: [], cache: [], web: ['db', 'cache'], worker: ['db'], ghost: ['not-in-file'] }, log);
    const out = await runScheduled(list, 2);
    assert.equal(stats.max, 2);
    for (const [job, dep] of [['web', 'db'], ['web', 'cache'], ['worker', 'db']]) assert.ok(log.indexOf(`${job}>`) > log.indexOf(`<${dep}`), `${job} after ${dep}: ${log}`);
    assert.deepEqual([...out.values()].map((o) => o.status), ['done', 'done', 'done', 'done', 'done']);
  });

  it('skips what comes after a failed job, transitively, and runs the rest', async () => {
    const log = [];
    const { list } = jobs({ db: [], web: ['db'], front: ['web'], other: [] }, log, { fail: ['db'] });
    const out = await runScheduled(list, 4);
    assert.equal(out.get('db').status, 'failed');
    assert.match(out.get('db').error.message, /db broke/);
    assert.deepEqual(out.get('web'), { status: 'skipped', because: 'db' });
    assert.deepEqual(out.get('front'), { status: 'skipped', because: 'web' });
    assert.equal(out.get('other').status, 'done');
    assert.ok(!log.includes('web>'));
  });

  it('refuses a cycle before running anything, and a bad parallel', async () => {
    const log = [];
    await assert.rejects(runScheduled(jobs({ a: ['b'], b: ['a'] }, log).list, 1), /jobs wait for each other: a -> b -> a/);
    assert.deepEqual(log, []);
    await assert.rejects(runScheduled([], 0), RangeError);
    assert.deepEqual([...(await runScheduled([], 1))], []);
  });
});
