'use strict';
// --system and fleets against a real SCM. Under Wine there is one machine: its own name (the
// COMPUTERNAME Wine takes from `hostname`) is the host that works, and a name that does not
// resolve (nosuchhost.invalid) is the unreachable one. What needs a second machine is Windows-only
// (SCM_TEST_REMOTE_HOST names one on the Windows CI), with Wine's behaviour asserted instead.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { readSettings } = require('../../dist/host/settings');
const { assert, createDemandService, deleteQuietly, itWindowsOnly } = require('../support/scm');
const { PROGRAM, cleanup, cli, cliChild, newCase } = require('../support/host-service');

const ME = process.env.COMPUTERNAME;
const UNREACHABLE = 'nosuchhost.invalid';
/** An address no machine answers at (TEST-NET-1, RFC 5737). */
const UNROUTABLE = '192.0.2.1';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-fleets-'));

function servicesFile(services) {
  const file = path.join(work, `services-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify({ services }));
  return file;
}

describe('fleets: --system HOST', function () {
  this.timeout(120000);
  const hosted = [];
  const plain = [];

  // The checks below expect RpcSs running. Wine starts it on demand, so a fresh prefix may not
  // have it running yet (seen once on a loaded machine): start it first.
  before(async () => {
    if ((await scm.getServiceStatus('RpcSs')).state !== 'running') await scm.startService('RpcSs', { wait: 30000 });
  });

  after(async () => {
    await cleanup(hosted);
    await deleteQuietly(scm, plain).catch(() => {});
  });

  it("this computer's own name, with or without \\\\, reaches the SCM (OpenSCManagerW)", async () => {
    assert.ok(ME, 'COMPUTERNAME is set');
    for (const system of [ME, `\\\\${ME}`, ME.toLowerCase()]) {
      const status = await scm.getServiceStatus('RpcSs', { system });
      assert.equal(status.name, 'RpcSs', system);
    }
  });

  itWindowsOnly('a name that does not resolve fails OpenSCManagerW with a Win32 error', "Wine's OpenSCManagerW opens the local SCM whatever the name", async () => {
    await assert.rejects(scm.getServiceStatus('RpcSs', { system: UNREACHABLE }), (error) => {
      assert.equal(error.syscall, 'OpenSCManagerW');
      assert.ok([53, 1707, 1722].includes(error.errno), `errno ${error.errno}`);
      return true;
    });
  }, {
    test: async () => {
      assert.equal((await scm.getServiceStatus('RpcSs', { system: UNREACHABLE })).name, 'RpcSs');
    },
  });

  it("the host's settings through the remote registry (RegConnectRegistryW): this computer's name reads them, an unknown one fails", async () => {
    const c = newCase('fleet-reg');
    hosted.push(c.name);
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    const settings = await readSettings(c.name, ME);
    assert.equal(settings.program, (await readSettings(c.name)).program);
    await assert.rejects(readSettings(c.name, UNREACHABLE), (error) => {
      assert.equal(error.syscall, 'RegConnectRegistryW');
      assert.ok([53, 1707, 1722].includes(error.errno), `errno ${error.errno}`);
      return true;
    });
  });

  it('start, status, list and stop with --system <this computer> (name and \\\\name)', async () => {
    const c = newCase('fleet-cli');
    hosted.push(c.name);
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    const started = await cli(['start', c.name, '--system', ME]);
    assert.equal(started.code, 0, started.stderr);
    assert.match(started.stdout, new RegExp(`running ${c.name} \\(pid \\d+\\)`));
    const status = await cli(['status', c.name, '--json', '--system', `\\\\${ME}`]);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).state, 'running');
    const listed = await cli(['list', '--json', '--system', ME, '--filter', c.name]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout).map((s) => [s.name, s.state]), [[c.name, 'running']]);
    const all = await cli(['list', '--all', '--json', '--system', ME, '--filter', 'RpcSs']);
    assert.deepEqual(JSON.parse(all.stdout).map((s) => s.name), ['RpcSs']);
    const stopped = await cli(['stop', c.name, '--system', ME]);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((await scm.getServiceStatus(c.name)).state, 'stopped');
  });

  itWindowsOnly('list --system <a machine nobody answers at>: exit 1, the Win32 error and what to check', "Wine's OpenSCManagerW opens the local SCM for any address", async () => {
    const r = await cli(['list', '--system', UNROUTABLE]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /OpenSCManagerW failed .*\((RPC_S_SERVER_UNAVAILABLE, 1722|ERROR_BAD_NETPATH, 53)\); 192\.0\.2\.1 cannot be reached: .*Remote Service Management/);
  }, {
    test: async () => {
      // Wine: the services come from the local SCM, and the settings of the first hosted one
      // through RegConnectRegistryW, which Wine refuses for any name but the computer's.
      const c = newCase('fleet-list');
      hosted.push(c.name);
      assert.equal((await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--', PROGRAM, c.events, 'serve'])).code, 0);
      const r = await cli(['list', '--system', UNROUTABLE]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /RegConnectRegistryW failed .*\(ERROR_BAD_NETPATH, 53\); the registry of 192\.0\.2\.1 cannot be reached: its Remote Registry service must be running/);
      const all = await cli(['list', '--all', '--json', '--system', UNROUTABLE, '--filter', c.name]);
      assert.deepEqual(JSON.parse(all.stdout).map((s) => s.name), [c.name]);
    },
  });

  it('commands that need this machine refuse another one: exit 2 and why, nothing done', async () => {
    for (const [args, why] of [
      [['status', 'x'], /status file/],
      [['logs', 'x'], /log files are on the service's own machine/],
      [['install', 'x', '--system', 'otherhost', '--', 'prog.exe'], /%ProgramFiles%/],
      [['remove', 'x'], /data folders/],
    ]) {
      const r = await cli(args.includes('--system') ? args : [...args, '--system', 'otherhost']);
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, why);
      assert.match(r.stderr, /--system otherhost/);
    }
    const two = await cli(['start', 'x', '--system', `${ME},otherhost`]);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /takes one host/);
  });

  it('check --system <me>,nosuchhost.invalid: one host checked, the other unreachable with its own row; exit code the worst (4)', async () => {
    const stopped = await createDemandService(scm, plain, 'fleet-stopped');
    const file = servicesFile([
      { name: 'RpcSs', expected: 'running' },
      { name: stopped, expected: 'stopped' },
      { name: 'scmn-test-fleet-none', expected: 'absent' },
    ]);
    const json = await cli(['check', file, '--system', `${ME},${UNREACHABLE}`, '--json']);
    assert.equal(json.code, 4, json.stderr);
    const out = JSON.parse(json.stdout);
    assert.equal(out.ok, false);
    assert.equal(out.exitCode, 4);
    assert.deepEqual(out.hosts.map((h) => [h.host, h.status, h.exitCode]), [[ME, 'done', 0], [UNREACHABLE, 'unreachable', 4]]);
    assert.deepEqual(out.hosts[0].services.map((s) => [s.name, s.ok]), [['RpcSs', true], [stopped, true], ['scmn-test-fleet-none', true]]);
    assert.equal(out.hosts[0].system, null);
    assert.deepEqual(out.hosts[1].services, []);
    assert.equal(out.hosts[1].error.syscall, 'getaddrinfo');
    assert.match(out.hosts[1].error.message, /does not resolve/);

    const text = await cli(['check', file, '--system', `${ME},${UNREACHABLE}`]);
    assert.equal(text.code, 4);
    const lines = text.stdout.split('\n');
    assert.match(lines[0], /^HOST\s+NAME\s+EXPECTED\s+ACTUAL\s+LSB\s+RESULT$/);
    assert.ok(lines.some((l) => new RegExp(`^${ME}\\s+RpcSs\\s+running\\s+running\\s+0 running\\s+ok$`).test(l)), text.stdout);
    assert.ok(lines.some((l) => new RegExp(`^${UNREACHABLE.replace(/\./g, '\\.')}\\s+-\\s+-\\s+unreachable\\s+4 unknown\\s+FAIL`).test(l)), text.stdout);
    assert.match(text.stdout, /2 hosts: 1 as declared, 1 not \(1 could not be handled\)/);

    const hostsFile = path.join(work, 'hosts.txt');
    fs.writeFileSync(hostsFile, `# the fleet\n${ME}   # this one\n\n`);
    const ok = await cli(['check', file, '--hosts-file', hostsFile, '--json']);
    assert.equal(ok.code, 0, ok.stdout);
    assert.deepEqual(JSON.parse(ok.stdout).hosts.map((h) => [h.host, h.ok]), [[ME, true]]);
  });

  it('apply --system <me>,nosuchhost.invalid starts what should run on the reachable host and reports the other', async () => {
    const c = newCase('fleet-apply');
    hosted.push(c.name);
    assert.equal((await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--', PROGRAM, c.events, 'serve'])).code, 0);
    const file = servicesFile([{ name: c.name, expected: 'running' }]);
    const r = await cli(['apply', file, '--system', `${ME},${UNREACHABLE}`, '--json']);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.hosts.map((h) => [h.host, h.status]), [[ME, 'done'], [UNREACHABLE, 'unreachable']]);
    assert.deepEqual(out.hosts[0].services.map((s) => [s.name, s.done, s.state]), [[c.name, ['start'], 'running']]);
    assert.equal(out.changed, true);
    assert.match(r.stderr, new RegExp(`${ME}: started ${c.name}`));
    assert.equal((await scm.getServiceStatus(c.name)).state, 'running');
  });

  it('watch --system <me>,nosuchhost.invalid watches the reachable host and reports the other (exit 1)', async () => {
    const r = await cliChild(['watch', 'RpcSs', '--system', `${ME},${UNREACHABLE}`, '--json', '--timeout', '2s']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const unreachable = lines.find((l) => l.host === UNREACHABLE);
    assert.equal(unreachable.state, 'unreachable');
    assert.equal(unreachable.error.syscall, 'getaddrinfo');
    const initial = lines.find((l) => l.name === 'RpcSs');
    assert.equal(initial.initial, true);
    assert.match(r.stderr, new RegExp(`${UNREACHABLE.replace(/\./g, '\\.')}: unreachable`));
  });

  itWindowsOnly('check on another machine: hosted entries skipped with why, existing services checked there', 'needs a second machine (SCM_TEST_REMOTE_HOST) with remote service management allowed', async function () {
    const remote = process.env.SCM_TEST_REMOTE_HOST;
    if (!remote) this.skip();
    const file = servicesFile([{ name: 'RpcSs', expected: 'running' }, { name: 'scmn-test-fleet-hosted', program: 'C:\\x\\p.exe' }]);
    const r = await cli(['check', file, '--system', remote, '--json']);
    const host = JSON.parse(r.stdout).hosts[0];
    assert.equal(host.status, 'done', r.stdout);
    assert.deepEqual(host.services.map((s) => s.name), ['RpcSs']);
    assert.deepEqual(host.skipped.map((s) => s.name), ['scmn-test-fleet-hosted']);
    assert.match(host.skipped[0].reason, /hosted program/);
  }, { skip: 'one machine only: every name Wine does not resolve is unreachable, and every name it resolves opens the local SCM' });

  itWindowsOnly('an address nobody answers at is unreachable within --host-timeout, the other host checked all the same', "Wine's OpenSCManagerW opens the local SCM for any address", async () => {
    const file = servicesFile([{ name: 'RpcSs', expected: 'running' }]);
    const r = await cli(['check', file, '--system', `${ME},${UNROUTABLE}`, '--host-timeout', '30s', '--json']);
    const out = JSON.parse(r.stdout);
    assert.equal(r.code, 4);
    assert.deepEqual(out.hosts.map((h) => [h.host, h.status]), [[ME, 'done'], [UNROUTABLE, 'unreachable']]);
  }, {
    test: async () => {
      // Wine: the address is not looked up (an IP) and OpenSCManagerW opens the local SCM, so the
      // entry for an existing service is checked "there", through the remote code path.
      const file = servicesFile([{ name: 'RpcSs', expected: 'running' }, { name: 'scmn-test-fleet-hosted', program: 'C:\\x\\p.exe' }]);
      const r = await cli(['check', file, '--system', UNROUTABLE, '--json']);
      const host = JSON.parse(r.stdout).hosts[0];
      assert.equal(r.code, 0, r.stdout);
      assert.deepEqual([host.host, host.system, host.status], [UNROUTABLE, UNROUTABLE, 'done']);
      assert.deepEqual(host.services.map((s) => [s.name, s.ok]), [['RpcSs', true]]);
      assert.deepEqual(host.skipped.map((s) => s.name), ['scmn-test-fleet-hosted']);
      assert.match(host.skipped[0].reason, /hosted program/);
    },
  });
});
