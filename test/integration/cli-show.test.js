'use strict';
// `scm-native show` against the real SCM: a service installed from the command line with every
// host setting at a value other than its default, shown as a services file in YAML, TOML and JSON,
// which check finds as declared and apply --dry-run leaves alone; --json of the main commands,
// errors included; NTSTATUS exit codes in status.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { SETTING_FIELDS } = require('../../dist/host/setting-fields');
const { assert, itWindowsOnly } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, waitFor } = require('../support/host-service');
const { sampleSets } = require('../support/setting-samples');

const MISSING = `scmn-show-missing-${process.pid}`;

describe('scm-native show', function () {
  this.timeout(120000);
  const created = [];
  after(async () => {
    await cleanup(created);
  });

  it('--format yaml, toml, json: a services file that check finds as declared and apply --dry-run leaves alone', async () => {
    const defaults = scm.plannedProgramSettings('show', PROGRAM);
    // Every row at a sample value other than its default (rows that cannot be set together in a
    // second service: support/setting-samples.js), and the SCM's part Wine stores (delayed start
    // and recovery it cannot: docs/wine.md).
    for (const set of sampleSets(SETTING_FIELDS, defaults)) await showsAll(set);
  });

  async function showsAll(set) {
    const c = newCase('show');
    const samples = set.map(([, sample]) => sample);
    const defaulted = SETTING_FIELDS.filter((row) => !set.some(([given]) => given === row));
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--display-name', `Show ${c.name}`, '--description', 'shown: "all" of it',
      '--startup', 'auto', ...samples.flatMap((s) => s.argv), '--', PROGRAM, c.events, 'serve', 'two words']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);

    const human = await cli(['show', c.name]);
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`^Service +${c.name} \\(Show ${c.name}\\)$`, 'm'));
    assert.match(human.stdout, /^Description +shown: "all" of it$/m);
    assert.match(human.stdout, /^Startup +auto$/m);
    assert.match(human.stdout, /^State +stopped$/m);
    assert.match(human.stdout, /^ {2}log\.maxSize +2M$/m);
    assert.match(human.stdout, /^ {2}stopTimeout +7s$/m);
    for (const row of defaulted) assert.match(human.stdout, new RegExp(`^ {2}${row.field.replace('.', '\\.')} .*\\(default\\)$`, 'm'), row.field);
    assert.equal(human.stdout.match(/\(default\)/g)?.length ?? 0, defaulted.length, 'every other setting was given a value other than its default');
    for (const row of SETTING_FIELDS) assert.match(human.stdout, new RegExp(`^ {2}${row.field.replace('.', '\\.')} `, 'm'), row.field);

    const json = await cli(['show', c.name, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepEqual([doc.name, doc.status.state, doc.entry.expected, doc.entry.args], [c.name, 'stopped', 'stopped', [c.events, 'serve', 'two words']]);

    for (const format of ['yaml', 'toml', 'json']) {
      const shown = await cli(['show', c.name, '--format', format]);
      assert.equal(shown.code, 0, `${format}: ${shown.stderr}`);
      assert.doesNotMatch(shown.stdout, /password/i, format);
      const file = path.join(c.dir, `shown.${format}`);
      fs.writeFileSync(file, shown.stdout);
      const check = await cli(['check', file, '--json']);
      assert.equal(check.code, 0, `${format}: ${check.stdout}${check.stderr}\n${shown.stdout}`);
      const [report] = JSON.parse(check.stdout).services;
      assert.deepEqual([report.name, report.ok, report.drift, report.steps], [c.name, true, [], []], format);
      const dry = await cli(['apply', file, '--dry-run']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.equal(dry.stdout, 'nothing to do: all 1 services as declared\n', format);
    }
  }

  itWindowsOnly('--format with delayed start, recovery and dependencies: check finds it as declared', 'Wine 8 stores no failure actions, rejects the delayed auto-start level (124) and returns no dependencies', async () => {
    const c = newCase('showscm');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--startup', 'delayed', '--recovery', 'restart:30s:2',
      '--depends', 'RpcSs', '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    const human = await cli(['show', c.name]);
    assert.match(human.stdout, /^Recovery +restart after 30s, restart after 30s, none; reset after 1d/m, human.stdout);
    for (const format of ['yaml', 'toml', 'json']) {
      const shown = await cli(['show', c.name, '--format', format]);
      const file = path.join(c.dir, `scm.${format}`);
      fs.writeFileSync(file, shown.stdout);
      const [d] = scm.parseServicesFile(shown.stdout, file).services;
      assert.deepEqual([d.hosted.options.startup, d.hosted.options.recovery, d.hosted.options.dependencies], ['delayed', { delay: 30000, count: 2 }, ['RpcSs']], format);
      const check = await cli(['check', file]);
      assert.equal(check.code, 0, `${format}: ${check.stdout}${check.stderr}`);
    }
  }, { rejects: /ERROR_INVALID_LEVEL|Invalid level/ });

  it('a running service shows as expected running; --json of start, status, list, logs, rotate, stop and remove', async () => {
    const c = newCase('showjson');
    const installed = await cli(['install', c.name, '--json', '--allow-insecure-location', '--log-dir', c.logDir, '--start', '--', PROGRAM, c.events, 'serve']);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    const install = JSON.parse(installed.stdout);
    assert.deepEqual([install.name, install.state, install.settings.log.dir], [c.name, 'running', c.logDir]);

    const started = JSON.parse((await cli(['start', c.name, '--json'])).stdout);
    assert.deepEqual([started.name, started.state, typeof started.pid], [c.name, 'running', 'number']);
    const status = JSON.parse((await cli(['status', c.name, '--json'])).stdout);
    assert.deepEqual([status.name, status.state], [c.name, 'running']);
    const listed = JSON.parse((await cli(['list', '--filter', c.name, '--json'])).stdout);
    assert.deepEqual(listed.map((s) => [s.name, s.state]), [[c.name, 'running']]);
    await waitFor('a tick in the log', () => fs.existsSync(path.join(c.logDir, `${c.name}.log`)) && /tick/.test(fs.readFileSync(path.join(c.logDir, `${c.name}.log`), 'utf8')));
    const logs = JSON.parse((await cli(['logs', c.name, '--lines', '5', '--json'])).stdout);
    assert.equal(logs.file, path.join(c.logDir, `${c.name}.log`));
    assert.ok(logs.lines.length > 0 && logs.lines.length <= 5, logs.lines.join('\n'));
    const rotated = JSON.parse((await cli(['rotate', c.name, '--json'])).stdout);
    assert.deepEqual([rotated.name, rotated.rotated], [c.name, true]);

    const yaml = await cli(['show', c.name, '--format', 'yaml']);
    assert.match(yaml.stdout, /expected: running/);
    const file = path.join(c.dir, 'running.yaml');
    fs.writeFileSync(file, yaml.stdout);
    const check = await cli(['check', file]);
    assert.equal(check.code, 0, check.stdout + check.stderr);

    const stopped = await cli(['stop', c.name, '--json']);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.deepEqual(JSON.parse(stopped.stdout), { name: c.name, state: 'stopped', pid: null, stoppedDependents: [] });
    // Now the file says running and the service is stopped: the dry run says start, and only that.
    const dry = await cli(['apply', file, '--dry-run']);
    assert.equal(dry.code, 3, dry.stdout + dry.stderr);
    assert.match(dry.stdout, /^NAME +EXPECTED +NOW +WOULD DO +LSB$/m);
    assert.match(dry.stdout, /stopped +start \(dry run\) +3 not running/);
    assert.match(dry.stdout, /^dry run: apply would change 1 of 1 services$/m);
    assert.doesNotMatch(dry.stdout, /as declared|nothing to do/);
    const removed = await cli(['remove', c.name, '--json']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.deepEqual(JSON.parse(removed.stdout), { name: c.name, removed: true, hostGone: null });
    created.splice(created.indexOf(c.name), 1);
  });

  it('--json errors: a missing service is ERROR_SERVICE_DOES_NOT_EXIST (errno 1060) on stdout, exit 1; text errors stay one line on stderr', async () => {
    for (const command of ['show', 'start', 'stop']) {
      const r = await cli([command, MISSING, '--json']);
      assert.equal(r.code, 1, `${command}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stderr.replace(/^Starting .*\n|^Stopping .*\n/gm, ''), '', command);
      const { error } = JSON.parse(r.stdout);
      assert.deepEqual([error.code, error.errno, error.service], ['ERROR_SERVICE_DOES_NOT_EXIST', 1060, MISSING], command);
      assert.match(error.message, /ERROR_SERVICE_DOES_NOT_EXIST/);
    }
    const text = await cli(['show', MISSING]);
    assert.equal(text.code, 1);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /^scm-native: error: .*ERROR_SERVICE_DOES_NOT_EXIST, 1060\)\n$/);
  });

  it('a program that crashed with an NTSTATUS: status and show print it in hex with its name', async () => {
    const c = newCase('ntstatus');
    const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--restart', 'never', '--', PROGRAM, c.events, 'crash', String(0xc0000005)]);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    await cli(['start', c.name]);
    await waitFor('the service stopped after the crash', async () => (await scm.getServiceStatus(c.name)).state === 'stopped', 20000);
    const status = await cli(['status', c.name]);
    assert.match(status.stdout, /^Last exit +0xC0000005 access violation \(/m, status.stdout);
    assert.match(status.stdout, /^Exit code +service-specific 0xC0000005 access violation$/m, status.stdout);
    assert.doesNotMatch(status.stdout, /^(Restarts|Priority|Pid file|Affinity|Ready timeout) /m, 'rows at their default are left out');
    const json = JSON.parse((await cli(['status', c.name, '--json'])).stdout);
    assert.equal(json.lastExit.code, 0xc0000005, '--json keeps the number');
    const log = fs.readFileSync(path.join(c.logDir, `${c.name}.log`), 'utf8');
    assert.match(log, /program exited with code 0xC0000005 access violation/);
  });
});
