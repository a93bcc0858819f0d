'use strict';
// Command-defined services under a real Windows node (issue 15): a pg_ctl-like control script
// with LSB status codes (.cmd -> node), a daemon found only by its pattern, and a foreground
// program kept by `daemon` (pid file), taken through check, apply, restart and stop; a stop by
// process-table scan ends every matching process and no other; a hung status command is cut at
// the timeout with ERR_SCM_TIMEOUT.
const { spawn } = require('../support/child');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');
const { cli } = require('../support/cli');
const { processGone, sleep, waitFor } = require('../support/wait');

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const SLEEPER = path.join(FIXTURES, 'sleeper.js');
const marker = `scmn-cmd-${process.pid}`;

/** The processes whose command line holds `text` (this process aside). */
async function running(text) {
  return (await scm.listProcesses()).filter((p) => p.pid !== process.pid && p.commandLine && p.commandLine.includes(text));
}

describe('command services: check, apply, restart, stop under Windows node', function () {
  this.timeout(120000);
  let dir;
  let file;
  let services;
  const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cmd-locks-'));
  const nodeDir = path.dirname(process.execPath);

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cmd-'));
    process.env.PGCTL_DIR = dir;
    process.env.SCM_NATIVE_LOCK_DIR = lockDir;
    // control prefix "pgctl <marker>": the script gets the marker, then the action.
    fs.writeFileSync(path.join(dir, 'pgctl.cmd'), `@echo off\r\nnode "${path.join(FIXTURES, 'pgctl.js')}" %2 %1-pg\r\nexit /b %ERRORLEVEL%\r\n`);
    services = [
      { name: 'pg', control: `pgctl ${marker}`, path: `${dir};${nodeDir}`, timeout: 30 },
      { name: 'pat', start: ['node', path.join(FIXTURES, 'launch-detached.js'), `${marker}-pat`], pattern: `sleeper\\.js"? ${marker}-pat\\b`, path: nodeDir, timeout: 30 },
      { name: 'dmn', start: `node ${SLEEPER.replace(/ /g, '%20')} ${marker}-dmn`, daemon: 'run/dmn.pid', path: nodeDir, timeout: 30 },
    ];
    file = path.join(dir, 'services.json');
    fs.writeFileSync(file, JSON.stringify({ services }));
  });

  after(async () => {
    for (const p of await running(marker)) scm.terminateProcess(p.pid, { createdMs: p.createdMs });
    delete process.env.PGCTL_DIR;
    delete process.env.SCM_NATIVE_LOCK_DIR;
  });

  it('check before apply: all three not running (3) with a start step; exit code 3', async () => {
    const r = await cli(['check', file, '--json']);
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.services.map((s) => [s.name, s.commandDefined, s.code, s.steps]), [
      ['pg', true, 3, ['start']], ['pat', true, 3, ['start']], ['dmn', true, 3, ['start']],
    ]);
    const pg = out.services[0];
    assert.deepEqual(pg.output.map((o) => [o.argv.slice(1).join(' '), o.exitCode]), [[`${marker} status`, 3]]);
    assert.match(pg.output[0].stdout, /pgctl: no server running/);
    assert.match(pg.output[0].program, /pgctl\.cmd$/i);
  });

  it('apply starts them; the daemon gets its pid file; a second apply has nothing to do', async () => {
    const r = await cli(['apply', file, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.services.map((s) => [s.name, s.code, s.done]), [['pg', 0, ['start']], ['pat', 0, ['start']], ['dmn', 0, ['start']]]);
    assert.match(out.services[0].stepOutput.map((o) => o.stdout).join(''), /pgctl: server started/);
    const pid = Number(fs.readFileSync(path.join(dir, 'run', 'dmn.pid'), 'utf8'));
    assert.deepEqual((await running(`${marker}-dmn`)).map((p) => p.pid), [pid]);
    assert.equal((await running(`${marker}-pat`)).length, 1);
    assert.equal((await running(`${marker}-pg`)).filter((p) => /sleeper/.test(p.commandLine)).length, 1);
    const again = await cli(['apply', file]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /nothing to do: all 3 services as declared/);
  });

  it('check: the table holds no command output; --verbose lists every command after it', async () => {
    const r = await cli(['check', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /pgctl:/);
    const v = await cli(['check', file, '--verbose']);
    const [tablePart, commands] = v.stdout.split('commands:\n');
    assert.doesNotMatch(tablePart, /pgctl:/);
    assert.match(commands, new RegExp(`\\$ pgctl ${marker} status  \\(exit 0`));
    assert.match(commands, /stdout\| pgctl: server is running \(PID: \d+\)/);
  });

  it('check over hosts (--system <this computer>,<unreachable> --verbose): command services checked here, their commands after the table', async () => {
    const v = await cli(['check', file, '--system', `${process.env.COMPUTERNAME},nosuchhost.invalid`, '--verbose']);
    assert.equal(v.code, 4, v.stdout + v.stderr);
    const [tablePart, commands] = v.stdout.split('commands:\n');
    assert.match(tablePart, new RegExp(`${process.env.COMPUTERNAME}\\s+pg\\s+running\\s+running\\s+0 running\\s+ok`));
    assert.match(tablePart, /nosuchhost\.invalid\s+-\s+-\s+unreachable\s+4 unknown\s+FAIL/);
    assert.doesNotMatch(tablePart, /pgctl:/);
    assert.match(commands, new RegExp(`\\$ pgctl ${marker} status  \\(exit 0`));
  });

  it('restart follows the declaration: <control> restart, stop then start for the daemon', async () => {
    const pg = new scm.Service({ ...services[0], timeout: 30000, baseDir: dir });
    const before = (await running(`${marker}-pg`)).filter((p) => /sleeper/.test(p.commandLine)).map((p) => p.pid);
    const r = await pg.restart();
    assert.equal(r.code, 0);
    assert.deepEqual(r.output.map((o) => o.argv.at(-1)), ['restart', 'status']);
    const afterPids = (await running(`${marker}-pg`)).filter((p) => /sleeper/.test(p.commandLine)).map((p) => p.pid);
    assert.equal(afterPids.length, 1);
    assert.notDeepEqual(afterPids, before);

    const dmn = new scm.Service({ ...services[2], timeout: 30000, baseDir: dir });
    const old = Number(fs.readFileSync(path.join(dir, 'run', 'dmn.pid'), 'utf8'));
    const d = await dmn.restart();
    assert.equal(d.code, 0);
    assert.notEqual(d.pid, old);
    assert.ok(await processGone(old), 'the old daemon process ended');
    assert.equal(Number(fs.readFileSync(path.join(dir, 'run', 'dmn.pid'), 'utf8')), d.pid);
  });

  it('a daemon killed from outside is dead (1) with its pid file; apply restarts it', async () => {
    const pid = Number(fs.readFileSync(path.join(dir, 'run', 'dmn.pid'), 'utf8'));
    assert.equal(scm.terminateProcess(pid), true);
    await processGone(pid);
    const r = await cli(['check', file, '--json']);
    const dmn = JSON.parse(r.stdout).services[2];
    assert.deepEqual([r.code, dmn.code, dmn.steps], [1, 1, ['restart']]);
    assert.match(dmn.detail, new RegExp(`names process ${pid}, which is gone`));
    const a = await cli(['apply', file, '--json']);
    assert.equal(a.code, 0, a.stdout + a.stderr);
    assert.deepEqual(JSON.parse(a.stdout).services[2].done, ['restart']);
  });

  it('a stop by process-table scan ends every matching process and no other', async () => {
    // Two more processes that match the pattern, and two that look alike but do not.
    const extra = [spawn(process.execPath, [SLEEPER, `${marker}-pat`, 'second'], { stdio: 'ignore' })];
    const others = [spawn(process.execPath, [SLEEPER, `${marker}-pattern-not`], { stdio: 'ignore' }), spawn(process.execPath, [SLEEPER, `${marker}-other`], { stdio: 'ignore' })];
    const pattern = new RegExp(services[1].pattern);
    const matching = await waitFor('two matching processes', async () => {
      const found = (await scm.listProcesses()).filter((p) => p.commandLine && pattern.test(p.commandLine));
      return found.length === 2 && found;
    });
    assert.equal(matching.length, 2);
    const pat = new scm.Service({ ...services[1], timeout: 30000, baseDir: dir });
    const after = await pat.stop();
    assert.equal(after.code, 3);
    for (const p of matching) assert.ok(await processGone(p.pid), `pid ${p.pid} ended`);
    for (const o of others) assert.equal(o.exitCode, null, `pid ${o.pid} left alone`);
    assert.ok((await running(`${marker}-other`)).length === 1);
    for (const c of [...extra, ...others]) if (c.exitCode === null) c.kill();
  });

  it('watch polls command services and prints their changes as SCM services\' (initial, then each change)', async () => {
    const f = path.join(dir, 'watch.json');
    fs.writeFileSync(f, JSON.stringify({ services: [services[0], services[2]] }));
    const watching = cli(['watch', '--file', f, '--json', '--interval', '300ms', '--count', '2', '--timeout', '40s']);
    await sleep(2000);
    const pid = Number(fs.readFileSync(path.join(dir, 'run', 'dmn.pid'), 'utf8'));
    scm.terminateProcess(pid);
    await sleep(1500);
    const a = await cli(['apply', f]);
    assert.equal(a.code, 0, a.stdout + a.stderr);
    const r = await watching;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => [l.name, l.initial, l.previous, l.state, l.lsb]), [
      ['pg', true, null, 'running', 0], ['dmn', true, null, 'running', 0], ['dmn', false, 'running', 'dead', 1], ['dmn', false, 'dead', 'running', 0],
    ]);
    assert.equal(lines[1].pid, pid);
    assert.notEqual(lines[3].pid, pid);
  });

  it('apply toward stopped: control stop, the daemon stopped and its pid file removed', async () => {
    const stopped = services.map((s) => ({ ...s, expected: 'stopped' }));
    const f = path.join(dir, 'stopped.json');
    fs.writeFileSync(f, JSON.stringify({ services: stopped }));
    const r = await cli(['apply', f, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.services.map((s) => [s.name, s.code, s.done]), [['pg', 3, ['stop']], ['pat', 3, []], ['dmn', 3, ['stop']]]);
    assert.equal(fs.existsSync(path.join(dir, 'run', 'dmn.pid')), false);
    await waitFor('no daemon left', async () => (await running(marker)).length === 0);
  });

  it('a status command that hangs is cut at the timeout with ERR_SCM_TIMEOUT, and its process tree ended', async () => {
    fs.writeFileSync(path.join(dir, 'hang.cmd'), `@echo off\r\necho checking\r\nnode "${SLEEPER}" ${marker}-hang\r\n`);
    const svc = new scm.Service({ name: 'hang', start: 'x', status: 'hang', path: `${dir};${nodeDir}`, timeout: 3000, baseDir: dir });
    const started = Date.now();
    await assert.rejects(svc.status(), (e) => {
      assert.equal(e.code, 'ERR_SCM_TIMEOUT');
      assert.match(e.message, /status did not finish within 3000 ms/);
      assert.match(e.output[0].error, /cut at the timeout/);
      return true;
    });
    assert.ok(Date.now() - started < 8000, `${Date.now() - started} ms`);
    await waitFor('the hung command and its child ended', async () => (await running(`${marker}-hang`)).length === 0, 10000);
    // In a services file: check reports it as 4 with the reason, and goes on.
    const f = path.join(dir, 'hang.json');
    fs.writeFileSync(f, JSON.stringify({ services: [{ name: 'hang', start: 'x', status: 'hang', path: `${dir};${nodeDir}`, timeout: '2s' }] }));
    const r = await cli(['check', f, '--json']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const [h] = JSON.parse(r.stdout).services;
    assert.match(h.reason, /ERR_SCM_TIMEOUT/);
    assert.match(h.output[0].stdout, /checking/);
    await waitFor('the hung command and its child ended', async () => (await running(`${marker}-hang`)).length === 0, 10000);
  });
});

describe("command services: COMAR's pid-file start and stop under Windows node", function () {
  this.timeout(60000);
  const nodeDir = path.dirname(process.execPath);
  const m = `scmn-comar-${process.pid}`;
  let dir;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-comar-'));
  });
  after(async () => {
    for (const p of await running(m)) scm.terminateProcess(p.pid, { createdMs: p.createdMs });
  });

  it('pidFile the program writes: started once, isServiceRunning semantics, stopped by pid file (file removed)', async () => {
    const pidFile = path.join(dir, 'own.pid');
    const svc = new scm.Service({
      name: 'comar-own', start: ['node', path.join(FIXTURES, 'launch-detached.js'), `${m}-own`, '--pid-file', pidFile], pidFile, path: nodeDir, timeout: 20000, lockDir: dir, baseDir: dir,
    });
    assert.equal((await svc.status()).code, 3, 'no pid file: 3');
    await svc.start();
    const pid = Number(await waitFor('the program to write its pid file', () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8')));
    const s = await svc.status();
    assert.deepEqual([s.code, s.pid], [0, pid]);
    await svc.start();
    assert.equal((await running(`${m}-own`)).length, 1, 'not started again while the pid file names a live process');
    const after = await svc.stop();
    assert.equal(after.code, 3);
    assert.ok(await processGone(pid));
    assert.equal(fs.existsSync(pidFile), false);
  });

  it('makepid + priority (nice): scm-native writes the pid file and sets the priority class of the detached process', async () => {
    const pidFile = path.join(dir, 'made.pid');
    const svc = new scm.Service({
      name: 'comar-made', start: ['node', SLEEPER, `${m}-made`], pidFile, makepid: true, priority: 'below_normal', path: nodeDir, timeout: 20000, lockDir: dir, baseDir: dir,
    });
    const s = await svc.start();
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    assert.deepEqual([s.code, s.pid], [0, pid]);
    assert.equal(os.getPriority(pid), os.constants.priority.PRIORITY_BELOW_NORMAL);
    scm.terminateProcess(pid);
    await processGone(pid);
    const dead = await svc.status();
    assert.equal(dead.code, 1, 'a pid file naming a dead process: 1');
    await svc.stop();
    assert.equal(fs.existsSync(pidFile), false, 'stop removes the dead pid file');
  });
});
