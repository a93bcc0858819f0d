'use strict';
// Fleets without an SCM: host names and hosts files, which commands take --system, the entries a
// remote host gets, reaching a host (fake name lookup and SCM), hosts run a bounded number at a
// time with a per-host timeout, and what a host's failure says.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs, UsageError } = require('../../dist/cli/args');
const { parseHost, parseHostList, parseHostsText, readHostsFile, thisComputerNames } = require('../../dist/cli/hosts');
const { fleetHosts, fleetLimits, hostFailure, FLEET_OPTIONS } = require('../../dist/cli/fleet');
const { targetsForHost } = require('../../dist/cli/fleet-watch');
const { REMOTE_SUPPORT } = require('../../dist/cli/system-option');
const { remoteHint } = require('../../dist/cli/remote-errors');
const { fileForHost, forEachHost, reachHost } = require('../../dist/declarative/multi-host');
const { parseServicesFile } = require('../../dist/declarative/services-file');
const { ScmError } = require('../../dist/errors/scm-error');
const { cli } = require('../support/cli');

const LOCAL = thisComputerNames({ COMPUTERNAME: 'BUILD01', USERDNSDOMAIN: 'CORP.EXAMPLE' }, 'build01');
const args = (argv, command = 'check') => parseArgs(argv, { system: { type: 'string' }, ...FLEET_OPTIONS }, command);

describe('fleets: host names', () => {
  it('takes name, \\\\name, FQDN, IPv4 and IPv6; this computer\'s names mean the local SCM (system null)', () => {
    assert.deepEqual(parseHost('web01', '--system', LOCAL), { label: 'web01', system: 'web01' });
    assert.deepEqual(parseHost('\\\\web01', '--system', LOCAL), { label: '\\\\web01', system: 'web01' });
    assert.deepEqual(parseHost('web01.corp.example', '--system', LOCAL), { label: 'web01.corp.example', system: 'web01.corp.example' });
    assert.deepEqual(parseHost('10.1.2.3', '--system', LOCAL), { label: '10.1.2.3', system: '10.1.2.3' });
    assert.deepEqual(parseHost('fe80::1', '--system', LOCAL), { label: 'fe80::1', system: 'fe80::1' });
    for (const me of ['.', 'localhost', '\\\\.', '127.0.0.1', '::1', 'BUILD01', 'build01', '\\\\Build01', 'build01.corp.example']) {
      assert.equal(parseHost(me, '--system', LOCAL).system, null, me);
    }
  });

  it('refuses what is not a host name, naming the option', () => {
    for (const bad of ['', '\\\\', 'a b', 'a/b', 'web01\\c$', '\\\\web01\\share', 'x'.repeat(256)]) {
      assert.throws(() => parseHost(bad, '--system', LOCAL), (e) => e instanceof UsageError && /^--system: /.test(e.message), JSON.stringify(bad));
    }
  });

  it('a list drops repeats, case-insensitively, and two names of this computer are one host', () => {
    assert.deepEqual(parseHostList('a, B ,b,A,localhost,build01', '--system', LOCAL).map((h) => h.label), ['a', 'B', 'localhost']);
  });

  it('a hosts file: one per line, # comments (whole or trailing), blank lines; errors name the line', () => {
    const hosts = parseHostsText('\uFEFF# fleet\r\nweb01\n\n  web02.corp.example  # second\nweb01\n', 'hosts.txt', LOCAL);
    assert.deepEqual(hosts.map((h) => h.system), ['web01', 'web02.corp.example']);
    assert.throws(() => parseHostsText('web01\nweb02 web03\n', 'hosts.txt', LOCAL), { message: "hosts.txt:2: one host per line, got 'web02 web03'" });
    assert.throws(() => parseHostsText('ok\nbad/name\n', 'hosts.txt', LOCAL), { message: /^hosts\.txt:2: 'bad\/name' is not a host name/ });
    assert.throws(() => parseHostsText('# none\n\n', 'hosts.txt', LOCAL), { message: 'hosts.txt names no hosts' });
    assert.throws(() => readHostsFile(path.join(os.tmpdir(), 'scmn-no-such-hosts-file')), { name: 'UsageError', message: /cannot read .*ENOENT/ });
  });
});

describe('fleets: command line', () => {
  it('--system and --hosts-file together, repeats dropped; neither: null (the usual output)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-fleet-'));
    const file = path.join(dir, 'hosts');
    fs.writeFileSync(file, 'web02\nWEB01\n');
    assert.deepEqual(fleetHosts(args(['--system', 'web01', '--hosts-file', file]), 'check').map((h) => h.label), ['web01', 'web02']);
    assert.equal(fleetHosts(args([]), 'check'), null);
  });

  it('--host-parallel and --host-timeout: defaults 8 and 60s, bounds, and only with hosts', () => {
    assert.deepEqual(fleetLimits(args(['--system', 'a']), 'check'), { parallel: 8, timeoutMs: 60000 });
    assert.deepEqual(fleetLimits(args(['--system', 'a', '--host-parallel', '2', '--host-timeout', '5s']), 'check'), { parallel: 2, timeoutMs: 5000 });
    assert.throws(() => fleetLimits(args(['--host-parallel', '0']), 'check'), { message: '--host-parallel must be at least 1', command: 'check' });
    assert.throws(() => fleetLimits(args(['--host-parallel', '65']), 'check'), { message: /at most 64/ });
    assert.throws(() => fleetLimits(args(['--host-timeout', '0s']), 'apply'), { message: '--host-timeout must be longer than 0', command: 'apply' });
    assert.throws(() => fleetHosts(args(['--host-timeout', '5s']), 'watch'), { message: '--host-timeout needs --system or --hosts-file', command: 'watch' });
  });

  it('every command that acts on services says what --system does for it', () => {
    for (const name of ['start', 'stop', 'restart', 'list', 'check', 'apply', 'watch', 'status', 'logs', 'rotate', 'install', 'update', 'upgrade', 'remove', 'debug']) {
      assert.ok(REMOTE_SUPPORT[name], name);
    }
    assert.deepEqual(Object.entries(REMOTE_SUPPORT).filter(([, s]) => s.hosts === 'many').map(([n]) => n), ['check', 'apply', 'watch']);
  });

  it("docs/fleets.md's table says for every command what REMOTE_SUPPORT says", () => {
    const KIND = { 'one host': 'one', 'several hosts': 'many', 'this computer only': 'local' };
    const documented = {};
    for (const line of fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'fleets.md'), 'utf8').split('\n')) {
      const m = /^\| ((?:`[a-z]+`(?:, )?)+) \| ([a-z ]+) \|/.exec(line);
      if (m) for (const [, name] of m[1].matchAll(/`([a-z]+)`/g)) documented[name] = KIND[m[2]];
    }
    assert.deepEqual(documented, Object.fromEntries(Object.entries(REMOTE_SUPPORT).map(([name, s]) => [name, s.hosts])));
  });

  it('a local-only command with another machine: exit 2, why, and its usage; with this computer it runs as without', async () => {
    const refused = await cli(['logs', 'svc', '--system', 'web01']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^scm-native: --system web01: the log files are on the service's own machine .*\(usage: scm-native logs /);
    const update = await cli(['update', 'svc', '--system', 'web01', '--', 'x.exe']);
    assert.equal(update.code, 2);
    // localhost is this computer: `status` goes on, and fails as it does without --system off Windows.
    const local = await cli(['status', 'svc', '--system', 'localhost']);
    assert.equal(local.code, 1);
    assert.doesNotMatch(local.stderr, /--system/);
  });

  it('one-host commands take one host; a bad host name is a usage error of the command', async () => {
    const two = await cli(['stop', 'svc', '--system', 'a,b']);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /stop takes one host in --system .*\(usage: scm-native stop /);
    const bad = await cli(['start', 'svc', '--system', 'a b']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'a b' is not a host name .*\(usage: scm-native start /);
  });

  it('check over hosts that do not resolve: every host has its row and JSON object, exit 4, nothing hidden', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-fleet-'));
    const file = path.join(dir, 'services.json');
    fs.writeFileSync(file, JSON.stringify({ services: [{ name: 'Spooler' }] }));
    const r = await cli(['check', file, '--system', 'nosuchhost-a.invalid,nosuchhost-b.invalid', '--json']);
    assert.equal(r.code, 4, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(out), ['file', 'ok', 'exitCode', 'hosts']);
    assert.deepEqual(out.hosts.map((h) => [h.host, h.system, h.status, h.ok, h.exitCode, h.error.code, h.error.syscall]), [
      ['nosuchhost-a.invalid', 'nosuchhost-a.invalid', 'unreachable', false, 4, 'ENOTFOUND', 'getaddrinfo'],
      ['nosuchhost-b.invalid', 'nosuchhost-b.invalid', 'unreachable', false, 4, 'ENOTFOUND', 'getaddrinfo'],
    ]);
    assert.deepEqual(Object.keys(out.hosts[0]), ['host', 'system', 'status', 'ok', 'exitCode', 'error', 'services', 'skipped']);
  });
});

describe('fleets: entries per host', () => {
  const file = parseServicesFile(JSON.stringify({
    services: [
      { name: 'Spooler' },
      { name: 'old', expected: 'absent' },
      { name: 'pinned', system: 'db01' },
      { name: 'app', program: 'C:\\app\\app.exe' },
      { name: 'cmd', start: 'x.exe' },
    ],
  }), 'services.json');

  it('another machine gets the entries for existing services with its name as system; the others are skipped with why', () => {
    const { file: remote, skipped } = fileForHost(file, { label: 'web01', system: 'web01' });
    assert.deepEqual(remote.services.map((d) => [d.name, d.system]), [['Spooler', 'web01'], ['old', 'web01']]);
    assert.deepEqual(skipped.map((s) => s.name), ['pinned', 'app', 'cmd']);
    assert.match(skipped[0].reason, /names its own machine \(system: db01\)/);
    assert.match(skipped[1].reason, /hosted program/);
    assert.match(skipped[2].reason, /command service/);
    assert.equal(file.services[0].system, undefined, 'the loaded file is not changed');
  });

  it('this computer gets every entry as written', () => {
    const local = fileForHost(file, { label: 'localhost', system: null });
    assert.equal(local.file, file);
    assert.deepEqual(local.skipped, []);
  });

  it('watch targets: the same rule (command services and entries naming a machine stay out)', () => {
    const targets = [{ name: 'a' }, { name: 'b', system: 'db01' }, { name: 'c', commands: { start: ['x'] } }];
    const r = targetsForHost(targets, { label: 'web01', system: 'web01' });
    assert.deepEqual(r.targets, [{ name: 'a', system: 'web01' }]);
    assert.deepEqual(r.skipped.map((s) => s.name), ['b', 'c']);
    assert.deepEqual(targetsForHost(targets, { label: '.', system: null }).targets, targets);
  });
});

describe('fleets: reaching a host', () => {
  const scmError = (errno, syscall) => new ScmError({ errno, syscall, system: 'web01' });

  it('a name that does not resolve: ScmError with the lookup code, syscall getaddrinfo; the SCM is not asked', async () => {
    let asked = false;
    const deps = { lookup: async () => { throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' }); }, query: async () => { asked = true; } };
    await assert.rejects(reachHost('web01', 'Spooler', deps), (e) => e instanceof ScmError && e.code === 'ENOTFOUND' && e.syscall === 'getaddrinfo' && e.system === 'web01');
    assert.equal(asked, false);
  });

  it('an IP address is not looked up; OpenSCManagerW failing is the host\'s failure, OpenServiceW\'s is not', async () => {
    const lookups = [];
    const fails = (error) => ({ lookup: async (n) => { lookups.push(n); }, query: async () => { throw error; } });
    await assert.rejects(reachHost('10.0.0.5', 'Spooler', fails(scmError(1722, 'OpenSCManagerW'))), { errno: 1722, syscall: 'OpenSCManagerW' });
    assert.deepEqual(lookups, []);
    await reachHost('web01', 'Spooler', fails(scmError(1060, 'OpenServiceW')));
    assert.deepEqual(lookups, ['web01']);
    await reachHost('web01', null, fails(scmError(1722, 'OpenSCManagerW')));
  });

  it('what a failure says: unreachable (lookup, RPC, timeout), denied, failed; with what to check', () => {
    const host = { label: 'web01', system: 'web01' };
    const unreachable = hostFailure(scmError(1722, 'OpenSCManagerW'), host);
    assert.equal(unreachable.status, 'unreachable');
    assert.equal(unreachable.errno, 1722);
    assert.match(unreachable.message, /RPC_S_SERVER_UNAVAILABLE, 1722\); web01 cannot be reached: .*Remote Service Management/);
    const denied = hostFailure(scmError(5, 'OpenSCManagerW'), host);
    assert.equal(denied.status, 'denied');
    assert.match(denied.message, /administrator rights there/);
    assert.equal(hostFailure(new ScmError({ code: 'ERR_SCM_TIMEOUT', detail: 'no answer' }), host).status, 'unreachable');
    assert.equal(hostFailure(new ScmError({ code: 'ENOTFOUND', syscall: 'getaddrinfo', detail: 'x' }), host).status, 'unreachable');
    assert.equal(hostFailure(scmError(1060, 'OpenServiceW'), host).status, 'failed');
    assert.match(remoteHint('web01', 53, 'RegConnectRegistryW'), /Remote Registry service/);
    // A machine without a service: `on 'web01'`, not `for on 'web01'`.
    assert.equal(new ScmError({ errno: 1722, syscall: 'OpenSCManagerW', system: 'web01' }).message, "OpenSCManagerW failed on 'web01' (RPC_S_SERVER_UNAVAILABLE, 1722)");
    assert.match(new ScmError({ errno: 5, syscall: 'OpenServiceW', service: 'x', system: 'web01' }).message, /^OpenServiceW failed for service 'x' on 'web01'/);
    assert.equal(remoteHint('web01', 1060, 'OpenServiceW'), null);
  });
});

describe('fleets: hosts run a bounded number at a time', () => {
  const hosts = Array.from({ length: 7 }, (_, i) => ({ label: `h${i}`, system: `h${i}` }));

  it('never more than `parallel` at once; results in the hosts\' order; a failure stays with its host', async () => {
    let running = 0;
    let most = 0;
    const results = await forEachHost(hosts, { parallel: 3, timeoutMs: null }, async (host) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      if (host.label === 'h2') throw new Error('boom');
      return host.label.toUpperCase();
    });
    assert.equal(most, 3);
    assert.deepEqual(results.map((r) => [r.host.label, r.value, r.error?.message]), [
      ['h0', 'H0', undefined], ['h1', 'H1', undefined], ['h2', undefined, 'boom'], ['h3', 'H3', undefined],
      ['h4', 'H4', undefined], ['h5', 'H5', undefined], ['h6', 'H6', undefined],
    ]);
  });

  it('a host that never answers is given up at the timeout (ERR_SCM_TIMEOUT) and the others still run', async () => {
    const never = new Promise(() => {});
    const results = await forEachHost(hosts.slice(0, 3), { parallel: 1, timeoutMs: 20 }, (host) => (host.label === 'h0' ? never : Promise.resolve('ok')));
    assert.equal(results[0].error.code, 'ERR_SCM_TIMEOUT');
    assert.equal(results[0].error.system, 'h0');
    assert.deepEqual(results.slice(1).map((r) => r.value), ['ok', 'ok']);
  });
});
