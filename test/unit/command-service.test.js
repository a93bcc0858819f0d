'use strict';
// Command-defined services (issue 15) without a machine: simplevisor's command splitting and
// decoding, the plan's defaults, and every start/stop/status/restart rule (simplevisor's and
// COMAR's) through Service with a fake CommandSystem.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { splitCommand, percentDecode } = require('../../dist/declarative/command-split');
const { commandPlan, lsbFromStatusExit } = require('../../dist/declarative/command-service');
const { resolveCommand, pathFolders, spawnPlan } = require('../../dist/declarative/command-run');

const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cmd-locks-'));

/**
 * A fake machine: `commands` maps a command line (argv joined by spaces) to { exitCode, stdout,
 * stderr } or to a function (argv, signal) returning one (or a promise); processes are rows.
 */
function fakeSystem({ commands = {}, processes = [], files = {}, alive = [] } = {}) {
  const sys = {
    calls: [], files: { ...files }, alive: new Set(alive), table: [...processes], nextPid: 900, detached: [], exitAtOnce: null,
    async run(argv, _folders, signal, record) {
      const key = argv.join(' ');
      sys.calls.push(key);
      const run = { argv: [...argv], program: argv[0], exitCode: null, stdout: '', stderr: '', ms: 1 };
      const spec = commands[key];
      if (spec === undefined) {
        run.error = 'not found';
        record(run);
        throw new scm.ScmError({ code: 'ERR_SCM_COMMAND_NOT_FOUND', detail: `${argv[0]} was not found` });
      }
      let out;
      try {
        out = typeof spec === 'function' ? await spec(argv, signal) : spec;
      } catch (error) {
        run.error = 'cut';
        record(run);
        throw error;
      }
      Object.assign(run, { stdout: '', stderr: '' }, out);
      record(run);
      return run;
    },
    async startDetached(argv) {
      sys.calls.push(`detached ${argv.join(' ')}`);
      const pid = sys.nextPid++;
      sys.detached.push(pid);
      if (sys.exitAtOnce === null) sys.alive.add(pid);
      return { pid, exitWithin: async () => sys.exitAtOnce };
    },
    resolve: (argv0) => (argv0.includes('\\') ? argv0 : `C:\\bin\\${argv0}.exe`),
    async processes() {
      return sys.table.filter((p) => sys.alive.has(p.pid));
    },
    terminate(pid) {
      sys.calls.push(`terminate ${pid}`);
      return sys.alive.delete(pid);
    },
    async sendCtrl(pid, which) {
      sys.calls.push(`${which} ${pid}`);
      sys.alive.delete(pid);
    },
    setPriority(pid, priority) {
      sys.calls.push(`priority ${pid} ${priority}`);
    },
    isAlive: (pid) => sys.alive.has(pid),
    readPidFile(file) {
      if (!(file in sys.files)) return null;
      const t = sys.files[file];
      return /^\d+$/.test(t.trim()) ? Number(t.trim()) : NaN;
    },
    writePidFile(file, pid) {
      sys.calls.push(`write ${file} ${pid}`);
      sys.files[file] = `${pid}\n`;
    },
    removePidFile(file) {
      sys.calls.push(`remove ${file}`);
      delete sys.files[file];
    },
    selfPid: 1,
    sleep: (ms, signal) => new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const t = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
    }),
  };
  return sys;
}

const proc = (pid, commandLine, image = 'C:\\bin\\x.exe') => ({ pid, parentPid: 4, exeName: path.win32.basename(image), image, commandLine, createdMs: 1000 + pid });
const service = (decl, sys) => new scm.Service({ name: 'cmdsvc', lockDir, ...decl }, undefined, sys);

describe('command services: splitting and decoding (simplevisor)', () => {
  it('splits a string on white space and %XX-decodes each piece', () => {
    assert.deepEqual(splitCommand('/path/to/script --conf  /path/conf\t--space hello%20world start'), ['/path/to/script', '--conf', '/path/conf', '--space', 'hello world', 'start']);
    assert.deepEqual(splitCommand('C:\\Program%20Files\\pg\\pg_ctl.exe -D data'), ['C:\\Program Files\\pg\\pg_ctl.exe', '-D', 'data']);
    assert.deepEqual(splitCommand('echo 100%25 "quoted words"'), ['echo', '100%', '"quoted', 'words"'], 'quotes are ordinary characters; %25 is %');
  });

  it('decodes UTF-8 sequences and keeps a % that starts no escape', () => {
    assert.equal(percentDecode('caf%C3%A9'), 'café');
    assert.equal(percentDecode('50%'), '50%');
    assert.equal(percentDecode('%zz%4'), '%zz%4');
    assert.equal(percentDecode('a%2fb'), 'a/b');
  });

  it('takes a list as it is: no splitting, no decoding', () => {
    assert.deepEqual(splitCommand(['C:\\My Tools\\run.exe', 'hello%20world', '']), ['C:\\My Tools\\run.exe', 'hello%20world', '']);
  });

  it('refuses an empty command, NUL and other types', () => {
    assert.throws(() => splitCommand('   ', 'start'), /start must name a program to run/);
    assert.throws(() => splitCommand([], 'start'), RangeError);
    assert.throws(() => splitCommand('a%00b', 'start'), /NUL/);
    assert.throws(() => splitCommand(['a', 1], 'start'), TypeError);
    assert.throws(() => splitCommand(5, 'start'), TypeError);
  });
});

describe('command services: the plan (simplevisor defaults)', () => {
  it('control is the prefix of every command; an explicit command wins', () => {
    const p = commandPlan({ control: 'pg_ctl -D C:\\data' });
    assert.deepEqual([p.start, p.stop, p.status, p.restart], [
      ['pg_ctl', '-D', 'C:\\data', 'start'], ['pg_ctl', '-D', 'C:\\data', 'stop'], ['pg_ctl', '-D', 'C:\\data', 'status'], ['pg_ctl', '-D', 'C:\\data', 'restart'],
    ]);
    const q = commandPlan({ control: 'ctl', start: 'run --fast' });
    assert.deepEqual(q.start, ['run', '--fast']);
    assert.deepEqual(q.stop, ['ctl', 'stop']);
  });

  it('restart: unset is <control> restart, else stop then start; stop+start; anything else is the command', () => {
    assert.equal(commandPlan({ start: 'a' }).restart, 'stop+start');
    assert.equal(commandPlan({ start: 'a' }).restartDeclared, false);
    assert.equal(commandPlan({ control: 'c', restart: 'stop+start' }).restart, 'stop+start');
    assert.deepEqual(commandPlan({ start: 'a', restart: 'a --reload' }).restart, ['a', '--reload']);
    assert.deepEqual(commandPlan({ control: 'c' }).restart, ['c', 'restart']);
  });

  it('without control, start is required; without stop/status the pid file or the process table decides', () => {
    assert.throws(() => commandPlan({ stop: 'x' }), /needs "start" or "control"/);
    const p = commandPlan({ start: 'srv --daemon' });
    assert.equal(p.stop, null);
    assert.equal(p.status, null);
    assert.equal(p.pattern, null);
  });

  it('daemon is pidFile + makepid + detach, and excludes control, stop, status and pidFile', () => {
    const p = commandPlan({ start: 'srv', daemon: 'run\\srv.pid' });
    assert.deepEqual([p.pidFile, p.makepid, p.detach], ['run\\srv.pid', true, true]);
    assert.throws(() => commandPlan({ control: 'c', daemon: 'x.pid' }), /daemon cannot be used with "control"/);
    assert.throws(() => commandPlan({ start: 's', stop: 't', daemon: 'x.pid' }), /daemon sets stop and status/);
    assert.throws(() => commandPlan({ start: 's', pidFile: 'y', daemon: 'x.pid' }), /not both/);
  });

  it('COMAR fields: makepid needs pidFile and implies detach; priority needs detach; stopSignal is checked; pattern must compile', () => {
    assert.throws(() => commandPlan({ start: 's', makepid: true }), /makepid needs "pidFile"/);
    assert.equal(commandPlan({ start: 's', pidFile: 'p', makepid: true }).detach, true);
    assert.throws(() => commandPlan({ start: 's', priority: 'high' }), /priority needs "detach"/);
    assert.throws(() => commandPlan({ start: 's', detach: true, priority: 'nice' }), /priority must be one of/);
    assert.throws(() => commandPlan({ start: 's', stopSignal: 'SIGTERM' }), /stopSignal must be one of terminate, ctrl-c, ctrl-break/);
    assert.throws(() => commandPlan({ start: 's', pattern: '(' }), /pattern is not a valid regular expression/);
    assert.deepEqual(commandPlan({ start: 's', path: 'C:\\a; ;C:\\b;' }).folders, ['C:\\a', 'C:\\b']);
  });

  it('status exit codes: 0 running, 3 stopped, 1 and 2 dead, anything else 4 with the detail', () => {
    assert.deepEqual([0, 3, 1, 2, 4, 5, 150, null].map((c) => lsbFromStatusExit(c).code), [0, 3, 1, 1, 4, 4, 4, 4]);
    assert.match(lsbFromStatusExit(5).detail, /exited 5 \(dirty\/zombie\/hung state\)/);
  });

  it('a Service with commands refuses system, and tells it is command-defined', () => {
    assert.throws(() => new scm.Service({ name: 'x', start: 's', system: 'far' }), /system cannot be used with commands/);
    assert.equal(new scm.Service({ name: 'x', start: 's' }).commandDefined, true);
    assert.equal(new scm.Service({ name: 'x' }).commandDefined, false);
  });
});

describe('command services: finding programs (path, PATHEXT, never the current folder)', () => {
  const files = new Set(['C:\\tools\\pg_ctl.exe', 'C:\\Windows\\System32\\where.exe', 'C:\\svc\\bin\\run.cmd', 'C:\\cwd\\evil.exe', 'C:\\other\\pg_ctl.cmd', 'C:\\svc\\x.js']);
  const ctx = (folders, env = { PATH: 'C:\\other;C:\\Windows\\System32', PATHEXT: '.COM;.EXE;.BAT;.CMD' }) => ({ folders, env, baseDir: 'C:\\svc', isFile: (f) => files.has(f) });

  it("searches the entry's folders first, then PATH, trying PATHEXT's extensions in order", () => {
    assert.equal(resolveCommand('pg_ctl', ctx(['C:\\tools'])), 'C:\\tools\\pg_ctl.exe');
    assert.equal(resolveCommand('pg_ctl', ctx([])), 'C:\\other\\pg_ctl.cmd');
    assert.equal(resolveCommand('where', ctx([])), 'C:\\Windows\\System32\\where.exe');
  });

  it('never looks in the current folder, and ignores relative PATH entries', () => {
    assert.equal(resolveCommand('evil', ctx([], { PATH: '.;cwd', PATHEXT: '.EXE' })), null);
  });

  it('takes a path with a folder as it is, a relative one from the services file folder', () => {
    assert.equal(resolveCommand('bin\\run.cmd', ctx([])), 'C:\\svc\\bin\\run.cmd');
    assert.equal(resolveCommand('bin\\run', ctx([])), 'C:\\svc\\bin\\run.cmd');
    assert.equal(resolveCommand('C:\\tools\\pg_ctl.exe', ctx([])), 'C:\\tools\\pg_ctl.exe');
    assert.equal(resolveCommand('x.js', ctx(['C:\\svc'])), null, '.js is not in PATHEXT');
  });

  it('splits path on ";"; a .cmd goes through the system cmd.exe with batch.ts escaping', () => {
    assert.deepEqual(pathFolders('C:\\a;;C:\\b '), ['C:\\a', 'C:\\b']);
    const plan = spawnPlan('C:\\svc\\bin\\run.cmd', ['a b', '%PATH%'], { SystemRoot: 'C:\\Windows' });
    assert.equal(plan.verbatim, true);
    assert.equal(plan.file, 'C:\\Windows\\System32\\cmd.exe');
    assert.equal(plan.args.at(-1), '""C:\\svc\\bin\\run.cmd" "a b" "%%cd:~,%PATH%%cd:~,%""');
    assert.throws(() => spawnPlan('C:\\svc\\bin\\run.cmd', ['a\nb'], { SystemRoot: 'C:\\Windows' }), /must not contain a line feed/);
    assert.deepEqual(spawnPlan('C:\\tools\\pg_ctl.exe', ['a b']), { file: 'C:\\tools\\pg_ctl.exe', args: ['a b'], verbatim: false });
  });
});

describe('command services: status rules', () => {
  it('a status command: its exit code is the LSB code; its output is kept', async () => {
    for (const [exit, code, state] of [[0, 0, 'running'], [3, 3, 'stopped'], [1, 1, 'stopped'], [7, 4, null]]) {
      const sys = fakeSystem({ commands: { 'pg_ctl status': { exitCode: exit, stdout: `pg_ctl: exit ${exit}\n`, stderr: 'warn\n' } } });
      const s = await service({ control: 'pg_ctl' }, sys).status();
      assert.deepEqual([s.code, s.state], [code, state], `exit ${exit}`);
      assert.equal(s.output.length, 1);
      assert.deepEqual([s.output[0].argv, s.output[0].exitCode, s.output[0].stdout, s.output[0].stderr], [['pg_ctl', 'status'], exit, `pg_ctl: exit ${exit}\n`, 'warn\n']);
    }
  });

  it("COMAR's isServiceRunning over a pid file: live pid 0, dead pid with its file 1, no file 3", async () => {
    const decl = { start: 'srv', daemon: 'srv.pid' };
    assert.equal((await service(decl, fakeSystem({ files: { 'srv.pid': '42\n' }, alive: [42] })).status()).code, 0);
    const dead = await service(decl, fakeSystem({ files: { 'srv.pid': '42\n' } })).status();
    assert.equal(dead.code, 1);
    assert.match(dead.detail, /names process 42, which is gone/);
    assert.equal((await service(decl, fakeSystem()).status()).code, 3);
    assert.equal((await service(decl, fakeSystem({ files: { 'srv.pid': 'junk' } })).status()).code, 1);
  });

  it('the process table: found by pattern 0 (all pids), else 3; this process is never matched', async () => {
    const processes = [proc(1, 'node sleeper.js tag-a'), proc(10, 'node sleeper.js tag-a --x'), proc(11, 'node sleeper.js tag-b'), proc(12, null)];
    const sys = fakeSystem({ processes, alive: [1, 10, 11, 12] });
    const s = await service({ start: 'node sleeper.js tag-a', pattern: 'sleeper\\.js tag-a' }, sys).status();
    assert.deepEqual([s.code, s.pid, s.detail], [0, 10, 'running (pid 10)']);
    assert.equal((await service({ start: 'x', pattern: 'nothing-like-this' }, sys).status()).code, 3);
  });

  it('without a pattern, the start command: the same program (resolved) and the same arguments', async () => {
    const processes = [
      proc(20, '"C:\\bin\\srv.exe" --conf "a b"', 'C:\\bin\\srv.exe'),
      proc(21, 'C:\\bin\\srv.exe --conf a', 'C:\\bin\\srv.exe'),
      proc(22, 'C:\\bin\\other.exe --conf "a b"', 'C:\\bin\\other.exe'),
    ];
    const s = await service({ start: 'srv --conf a%20b' }, fakeSystem({ processes, alive: [20, 21, 22] })).status();
    assert.deepEqual(s.output, []);
    assert.equal(s.detail, 'running (pid 20)');
  });

  it('check: expected running, 0 ok, 3 start, anything else restart; expected stopped, 3 ok, anything else stop', async () => {
    const actions = async (expected) => {
      const out = [];
      for (const exit of [0, 3, 1, 5]) {
        const sys = fakeSystem({ commands: { 'c status': { exitCode: exit } } });
        const r = await service({ control: 'c', expected }, sys).check();
        out.push([exit, r.ok, r.action]);
      }
      return out;
    };
    assert.deepEqual(await actions('running'), [[0, true, 'none'], [3, false, 'start'], [1, false, 'restart'], [5, false, 'restart']]);
    assert.deepEqual(await actions('stopped'), [[0, false, 'stop'], [3, true, 'none'], [1, false, 'stop'], [5, false, 'stop']]);
  });

  it('a status command that cannot run is code 4 and check leaves it alone with the reason', async () => {
    const r = await service({ control: 'missing' }, fakeSystem()).check();
    assert.deepEqual([r.code, r.action, r.ok], [4, 'none', false]);
    assert.match(r.reason, /cannot adjust: status unavailable: .*missing was not found/);
  });

  it('a status command that hangs is cut at the timeout with ERR_SCM_TIMEOUT, its output kept', async () => {
    const sys = fakeSystem({ commands: { 'c status': (_argv, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))) } });
    const started = Date.now();
    await assert.rejects(service({ control: 'c', timeout: 150 }, sys).status(), (e) => {
      assert.equal(e.code, 'ERR_SCM_TIMEOUT');
      assert.match(e.message, /status did not finish within 150 ms/);
      assert.deepEqual(e.output.map((r) => r.argv.join(' ')), ['c status']);
      return true;
    });
    assert.ok(Date.now() - started < 1000);
  });
});

describe('command services: start, stop and restart rules', () => {
  it('control: start/stop/restart run <control> start|stop|restart; a failing command is ERR_SCM_COMMAND_FAILED with its output', async () => {
    const sys = fakeSystem({ commands: { 'c start': { exitCode: 0 }, 'c stop': { exitCode: 0 }, 'c restart': { exitCode: 0 }, 'c status': { exitCode: 0 } } });
    const svc = service({ control: 'c' }, sys);
    await svc.start();
    await svc.stop();
    const r = await svc.restart();
    assert.deepEqual(sys.calls, ['c start', 'c status', 'c stop', 'c status', 'c restart', 'c status']);
    assert.deepEqual(r.output.map((x) => x.argv.join(' ')), ['c restart', 'c status']);
    const bad = fakeSystem({ commands: { 'c start': { exitCode: 2, stderr: 'port in use\n' } } });
    await assert.rejects(service({ control: 'c' }, bad).start(), (e) => {
      assert.equal(e.code, 'ERR_SCM_COMMAND_FAILED');
      assert.match(e.message, /start command exited 2: port in use/);
      assert.equal(e.output[0].stderr, 'port in use\n');
      return true;
    });
  });

  it('restart: stop+start runs <control> stop then <control> start; a restart command runs as it is; no declaration: stop then start', async () => {
    const ok = { exitCode: 0 };
    const a = fakeSystem({ commands: { 'c stop': ok, 'c start': ok, 'c status': ok } });
    await service({ control: 'c', restart: 'stop+start' }, a).restart();
    assert.deepEqual(a.calls, ['c stop', 'c start', 'c status']);
    const b = fakeSystem({ commands: { 'srv --reload': ok, 'chk': ok } });
    await service({ start: 'srv', restart: 'srv --reload', status: 'chk' }, b).restart();
    assert.deepEqual(b.calls, ['srv --reload', 'chk']);
    const c = fakeSystem({ commands: { 'down': ok, 'up': ok, 'chk': ok } });
    await service({ start: 'up', stop: 'down', status: 'chk' }, c).restart();
    assert.deepEqual(c.calls, ['down', 'up', 'chk']);
  });

  it('restart modes: stop+start overrides a restart command; native needs one', async () => {
    const ok = { exitCode: 0 };
    const a = fakeSystem({ commands: { 'c stop': ok, 'c start': ok, 'c status': ok, 'c restart': ok } });
    await service({ control: 'c' }, a).restart({ mode: 'stop+start' });
    assert.deepEqual(a.calls, ['c stop', 'c start', 'c status']);
    a.calls.length = 0;
    await service({ control: 'c' }, a).restart({ mode: 'native' });
    assert.deepEqual(a.calls, ['c restart', 'c status']);
    assert.throws(() => service({ start: 'up', stop: 'down' }, a).restart({ mode: 'native' }), /needs a restart command/);
  });

  it('check -> adjust of a dirty status restarts the declared way', async () => {
    const sys = fakeSystem({ commands: { 'c status': { exitCode: 4 }, 'c restart': { exitCode: 0 } } });
    const r = await service({ control: 'c' }, sys).adjust();
    assert.deepEqual([r.action, r.done], ['restart', true]);
    assert.deepEqual(sys.calls, ['c status', 'c restart', 'c status']);
  });

  it('stop by process table: every matching process is terminated, and no other', async () => {
    const processes = [proc(30, 'node sleeper.js tag-x 1'), proc(31, 'node sleeper.js tag-x 2'), proc(32, 'node sleeper.js tag-y'), proc(33, 'node other.js')];
    const sys = fakeSystem({ processes, alive: [30, 31, 32, 33] });
    const after = await service({ start: 'node sleeper.js tag-x', pattern: 'sleeper\\.js tag-x' }, sys).stop();
    assert.deepEqual(sys.calls, ['terminate 30', 'terminate 31']);
    assert.deepEqual([...sys.alive].sort(), [32, 33]);
    assert.equal(after.code, 3);
  });

  it('stopSignal ctrl-c / ctrl-break asks the process instead of terminating it', async () => {
    const sys = fakeSystem({ files: { 'p.pid': '50' }, alive: [50] });
    await service({ start: 'srv', pidFile: 'p.pid', stopSignal: 'ctrl-break' }, sys).stop();
    assert.deepEqual(sys.calls, ['ctrl-break 50', 'remove p.pid']);
  });

  it('a stop signal the process ignores ends at the timeout (ERR_SCM_TIMEOUT), not with a silent kill', async () => {
    const sys = fakeSystem({ files: { 'p.pid': '51' }, alive: [51] });
    sys.sendCtrl = async (pid, which) => sys.calls.push(`${which} ${pid}`);
    await assert.rejects(service({ start: 'srv', pidFile: 'p.pid', stopSignal: 'ctrl-c', timeout: 200 }, sys).stop(), { code: 'ERR_SCM_TIMEOUT' });
    assert.ok(sys.alive.has(51));
  });

  it('daemon: start runs the program detached and writes its pid; a second start while it lives does nothing', async () => {
    const sys = fakeSystem();
    const svc = service({ start: 'srv --fg', daemon: 'srv.pid' }, sys);
    const s = await svc.start();
    assert.deepEqual(sys.calls, ['detached srv --fg', 'write srv.pid 900']);
    assert.deepEqual([s.code, s.pid], [0, 900]);
    assert.match(s.output[0].error, /detached: running as pid 900/);
    await svc.start();
    assert.equal(sys.detached.length, 1, 'not started again: the pid file names a live process');
  });

  it('daemon: a program that exits at once fails the start and leaves no pid file', async () => {
    const sys = fakeSystem();
    sys.exitAtOnce = 2;
    await assert.rejects(service({ start: 'srv --bad', daemon: 'srv.pid' }, sys).start(), /exited at once with code 2/);
    assert.deepEqual(sys.files, {});
  });

  it('daemon: stop terminates the pid and removes the pid file; a pid file naming a dead process is removed too', async () => {
    const sys = fakeSystem({ files: { 'srv.pid': '60\n' }, alive: [60] });
    const after = await service({ start: 'srv', daemon: 'srv.pid' }, sys).stop();
    assert.deepEqual(sys.calls, ['terminate 60', 'remove srv.pid']);
    assert.equal(after.code, 3);
    const dead = fakeSystem({ files: { 'srv.pid': '61\n' } });
    const r = await service({ start: 'srv', daemon: 'srv.pid', expected: 'stopped' }, dead).adjust();
    assert.deepEqual([r.code, r.action, r.after.code], [1, 'stop', 3]);
    assert.deepEqual(dead.calls, ['remove srv.pid']);
  });

  it('COMAR: a pid file the program writes itself; start skipped while it names a live process; nice sets the priority of a detached start', async () => {
    const ok = { exitCode: 0 };
    const sys = fakeSystem({ commands: { 'srv start': ok }, files: { 'srv.pid': '70' }, alive: [70] });
    await service({ start: 'srv start', pidFile: 'srv.pid' }, sys).start();
    assert.deepEqual(sys.calls, []);
    delete sys.files['srv.pid'];
    await service({ start: 'srv start', pidFile: 'srv.pid' }, sys).start();
    assert.deepEqual(sys.calls, ['srv start']);
    const d = fakeSystem();
    await service({ start: 'srv', pidFile: 'srv.pid', makepid: true, priority: 'below_normal' }, d).start();
    assert.deepEqual(d.calls, ['detached srv', 'priority 900 below_normal', 'write srv.pid 900']);
  });

  it('start/stop/restart of one command service take the per-service lock: they never interleave', async () => {
    let active = 0;
    let max = 0;
    const slow = async () => {
      active++;
      max = Math.max(max, active);
      await new Promise((r) => setTimeout(r, 30));
      active--;
      return { exitCode: 0 };
    };
    const sys = fakeSystem({ commands: { 'c start': slow, 'c stop': slow, 'c status': { exitCode: 0 } } });
    const a = service({ control: 'c' }, sys);
    const b = service({ control: 'c' }, sys);
    await Promise.all([a.start(), b.stop(), a.start(), b.stop()]);
    assert.equal(max, 1);
  });
});

describe('command services in the services file', () => {
  const { fails, parse } = require('../support/services-file');

  it('reads simplevisor and COMAR fields; relative pid files, daemon and path folders from the file folder', () => {
    const f = parse({ services: [
      { name: 'pg', control: 'pg_ctl -D data', path: 'tools;C:\\pg\\bin', timeout: 20 },
      { name: 'custom1', start: ['node', 'srv.js', '--conf', 'a b'], pattern: 'srv\\.js', expected: 'stopped' },
      { name: 'loop', start: 'node loop.js', daemon: 'run/loop.pid', restart: 'stop+start' },
      { name: 'comar', start: 'srv', pidFile: 'srv.pid', makepid: true, priority: 'below_normal', stopSignal: 'ctrl-break' },
    ] }, path.join('C:\\', 'etc', 'svc.json'));
    const [pg, custom, loop, comar] = f.services;
    assert.equal(pg.commands.control, 'pg_ctl -D data');
    assert.equal(pg.commands.path, `${path.resolve('C:\\', 'etc', 'tools')};${path.resolve('C:\\', 'etc', 'C:\\pg\\bin')}`);
    assert.equal(pg.timeout, 20000);
    assert.deepEqual(custom.commands.start, ['node', 'srv.js', '--conf', 'a b']);
    assert.equal(custom.expected, 'stopped');
    assert.equal(loop.commands.daemon, path.resolve('C:\\', 'etc', 'run/loop.pid'));
    assert.equal(loop.commands.restart, 'stop+start');
    assert.deepEqual([comar.commands.makepid, comar.commands.priority, comar.commands.stopSignal], [true, 'below_normal', 'ctrl-break']);
    assert.equal(comar.hosted, undefined);
  });

  it('says the restart rule for a value that fits neither kind of entry', () => {
    fails({ services: [{ name: 'a', start: 'x', restart: 'always' }] }, /field "restart" "always" is a restart policy, which needs "program": on an entry with "program" it is the restart policy .* "stop\+start" or a restart command/, 0, 'restart');
    fails({ services: [{ name: 'a', program: 'x.js', restart: 'stop+start' }] }, /field "restart" must be one of "always", "on-failure", "never", got "stop\+start": on an entry with "program"/, 0, 'restart');
    fails({ services: [{ name: 'a', restart: 'stop+start' }] }, /field "restart" needs "program" or "start"\/"control"/, 0, 'restart');
  });

  it('refuses what a command service cannot be: with program, absent, remote, hosted settings, rule breaks', () => {
    fails({ services: [{ name: 'a', program: 'x.js', start: 'y' }] }, /field "start" belongs to a command service/, 0, 'start');
    fails({ services: [{ name: 'a', start: 'y', expected: 'absent' }] }, /cannot be "absent" for a command service/, 0, 'expected');
    fails({ services: [{ name: 'a', start: 'y', system: 'far' }] }, /field "system" cannot be used with commands/, 0, 'system');
    fails({ services: [{ name: 'a', start: 'y', env: { A: '1' } }] }, /field "env" needs "program" \(a command service has only command fields\)/, 0, 'env');
    fails({ services: [{ name: 'a', control: 'c', daemon: 'x.pid' }] }, /field "daemon" cannot be used with "control"/, 0, 'daemon');
    fails({ services: [{ name: 'a', pattern: 'x' }] }, /services\[0\] \("a"\) needs "start" or "control"/, 0, undefined);
    fails({ services: [{ name: 'a', start: [] }] }, /field "start" must list the program/, 0, 'start');
    fails({ services: [{ name: 'a', start: 5 }] }, /field "start" must be a command: a string/, 0, 'start');
    fails({ services: [{ name: 'a', start: 's', pattern: '[' }] }, /field "pattern" is not a valid regular expression/, 0, 'pattern');
    fails({ services: [{ name: 'a', start: 's', stopSignal: 'SIGTERM' }] }, /field "stopSignal" must be one of "terminate", "ctrl-c", "ctrl-break"/, 0, 'stopSignal');
  });

  it('check and apply with a command service: steps, output in JSON and --verbose, never in the table', async () => {
    const { checkServices } = require('../../dist/declarative/apply');
    const f = parse({ services: [{ name: 'a', start: 'y', status: 'y-status' }] });
    const [r] = await checkServices(f);
    // y-status is not found on this machine: LSB 4, left alone, the attempt kept.
    assert.deepEqual([r.commandDefined, r.code, r.steps, r.ok], [true, 4, [], false]);
    assert.match(r.reason, /y-status was not found/);
    assert.equal(r.output.length, 1);
    assert.match(r.output[0].error, /was not found/);
  });
});

describe('command services in watch: polled, reported as SCM services are', () => {
  const { pollCommandService, commandWatchState } = require('../../dist/cli/command-watch');
  const { runWatch } = require('../../dist/cli/watch');
  const { collector } = require('../support/cli');
  const { EventEmitter } = require('node:events');

  it('LSB codes as watch states: 0 running, 3 stopped, 1 dead, else unknown', () => {
    assert.deepEqual([0, 3, 1, 4].map(commandWatchState), ['running', 'stopped', 'dead', 'unknown']);
  });

  it('prints the initial state, then each change the status command shows, in the SCM watch lines', async () => {
    const codes = [3, 3, 0, 0, 0, 1];
    let n = 0;
    const sys = fakeSystem({ commands: { 'c status': () => ({ exitCode: codes[Math.min(n++, codes.length - 1)] }) } });
    const out = collector();
    let t = 0;
    const deps = {
      watch: (target) => pollCommandService(target.name, target.commands, undefined, 10, sys),
      signals: new EventEmitter(), now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, t++)), adjust: async () => ({ action: 'none', state: null }),
    };
    const plan = { targets: [{ name: 'pg', commands: { control: 'c' }, interval: 10 }], json: false, count: 2, timeout: 5000, adjustDelay: null };
    const code = await runWatch(plan, { stdout: out.stream, stderr: collector().stream, color: false }, deps);
    assert.equal(code, 0);
    assert.deepEqual(out.lines, [
      '2026-01-01T00:00:00.000Z  pg  stopped  (initial)',
      '2026-01-01T00:00:01.000Z  pg  stopped -> running',
      '2026-01-01T00:00:02.000Z  pg  running -> dead',
    ]);
  });

  it('a status read that hangs is the state unknown, and the watch goes on', async () => {
    let n = 0;
    const sys = fakeSystem({ commands: { 'c status': (_a, signal) => (n++ === 0 ? new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))) : { exitCode: 0 }) } });
    const w = pollCommandService('pg', { control: 'c' }, 50, 10, sys);
    const states = [];
    await new Promise((resolve) => w.on('change', (s) => {
      states.push([s.state, s.lsb]);
      if (states.length === 2) resolve();
    }));
    w.close();
    await new Promise((r) => w.once('close', r));
    assert.deepEqual(states, [['unknown', 4], ['running', 0]]);
  });
});
