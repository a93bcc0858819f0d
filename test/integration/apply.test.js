'use strict';
// `scm-native apply` / `check` over a services file that mixes an existing service with hosted
// programs (issue 6): install, dependency order, priority and pid file, drift found and repaired
// (a restart so the host reads the new settings), idempotence, and a YAML file.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { assert, deleteQuietly, itWindowsOnly, underWine } = require('../support/scm');
const { installFixture } = require('../support/fixture-service');
const { PROGRAM, cleanup, cli, newCase, readEvents, waitFor, waitForEvent } = require('../support/host-service');

const fixtures = [];
const hosted = [];

function writeFile(dir, name, text) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('scm-native apply: hosted programs and existing services', function () {
  this.timeout(150000);
  let existing;
  let db;
  let web;
  let idle;
  let dir;
  let services;

  before(async () => {
    existing = (await installFixture(fixtures, 'basic')).name;
    assert.equal(await scm.startService(existing, { wait: 10000 }), true);
    db = newCase('db');
    web = newCase('web');
    idle = newCase('idle');
    hosted.push(db.name, web.name, idle.name);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-apply-'));
    // web depends on db and is listed first: apply must still start db first.
    services = [
      { name: web.name, program: PROGRAM, allowInsecureLocation: true, args: [web.events, 'serve'], dependencies: [db.name], env: { FIXTURE_VALUE: 'web' }, startup: 'auto', restart: 'always', log: { dir: web.logDir },
        // Wine refuses failure actions (ChangeServiceConfig2W: ERROR_INVALID_LEVEL; docs/wine.md).
        ...(underWine ? {} : { recovery: { delay: '30s', count: 2, resetPeriod: '1h' } }) },
      { name: db.name, program: PROGRAM, allowInsecureLocation: true, args: [db.events, 'serve'], priority: 'below_normal', pidFile: 'run/db.pid', log: { dir: db.logDir }, timeout: '40s' },
      { name: idle.name, program: PROGRAM, allowInsecureLocation: true, args: [idle.events, 'serve'], expected: 'stopped', log: { dir: idle.logDir } },
      { name: existing, expected: 'stopped' },
    ];
  });

  /** A plain service whose program does not exist, and a hosted program's case; both removed after the suite. */
  async function plainAndHosted(plainTag, caseTag) {
    const plain = `scmn-apply-${plainTag}-${process.pid}`;
    const hostedCase = newCase(caseTag);
    hosted.push(hostedCase.name);
    await scm.createService(plain, { path: path.join(dir, `${plainTag}.exe`) }, { startType: 'demand_start' });
    fixtures.push(plain);
    return { plain, hostedCase };
  }

  after(async () => {
    await cleanup(hosted);
    await deleteQuietly(scm, fixtures).catch(() => {});
  });

  it('check before apply: hosted programs are 4 (not installed) with install steps; exit code 4', async () => {
    const file = writeFile(dir, 'before.json', JSON.stringify({ services }));
    const r = await cli(['check', file, '--json']);
    assert.equal(r.code, 4, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.services.map((s) => [s.name, s.installed, s.code, s.steps]), [
      [web.name, false, 4, ['install', 'start']], [db.name, false, 4, ['install', 'start']], [idle.name, false, 4, ['install']],
      [existing, true, 0, ['stop']],
    ]);
  });

  it('apply installs, starts in dependency order, stops the existing service; progress on stderr; exit 0', async () => {
    const file = writeFile(dir, 'services.json', JSON.stringify({ services }));
    const r = await cli(['apply', file, '--parallel', '2']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const name of [web.name, db.name, idle.name]) assert.match(r.stderr, new RegExp(`installed ${name} \\(`));
    assert.match(r.stderr, new RegExp(`started ${db.name} \\(`));
    assert.match(r.stderr, new RegExp(`stopped ${existing} \\(`));
    assert.ok(r.stderr.indexOf(`started ${db.name}`) < r.stderr.indexOf(`starting ${web.name}`), `db is running before web starts:\n${r.stderr}`);
    // --parallel 2: never more than two steps between their begin and end lines.
    let inFlight = 0;
    let most = 0;
    for (const line of r.stderr.split(/\r?\n/)) {
      if (/^ {2}(installing|updating|starting|stopping|restarting|removing) .*\.\.\.$/.test(line)) most = Math.max(most, ++inFlight);
      else if (/^ {2}(installed|updated|started|stopped|restarted|removed|\w+ failed) /.test(line)) inFlight--;
    }
    assert.equal(inFlight, 0, r.stderr);
    assert.equal(most, 2, `at most 2 at once, and 2 were:\n${r.stderr}`);
    assert.match(r.stdout, /all 4 services as declared/);
    assert.deepEqual(await Promise.all([web.name, db.name, idle.name, existing].map((n) => scm.getServiceState(n))), ['running', 'running', 'stopped', 'stopped']);

    const dbStart = await waitForEvent(db.events, (e) => e.event === 'start');
    const webStart = await waitForEvent(web.events, (e) => e.event === 'start');
    assert.ok(dbStart.t <= webStart.t, 'the dependency started first');
    assert.equal(webStart.fixtureEnv, 'web');
    const pidFile = path.join(dir, 'run', 'db.pid');
    await waitFor('the pid file', () => fs.existsSync(pidFile));
    assert.equal(fs.readFileSync(pidFile, 'utf8'), `${dbStart.pid}\n`);
    assert.equal(os.getPriority(dbStart.pid), os.constants.priority.PRIORITY_BELOW_NORMAL);
    const config = await scm.getServiceConfiguration(web.name, { fields: ['dependencies', 'startType'] });
    assert.equal(config.startType, 'auto_start', 'startup: auto');
    // Wine stores the dependency but QueryServiceConfigW returns none (docs/wine.md).
    assert.deepEqual(config.dependencies, underWine ? [] : [db.name]);
    if (!underWine) {
      const recovery = await scm.getServiceConfiguration(web.name, { fields: ['failureActions', 'failureActionsOnNonCrashFailures'] });
      assert.deepEqual([recovery.failureActions.resetPeriod, recovery.failureActions.actions, recovery.failureActionsOnNonCrashFailures],
        [3600, [{ type: 'restart', delay: 30000 }, { type: 'restart', delay: 30000 }, { type: 'none', delay: 0 }], true]);
    }
  });

  it('a second apply finds nothing to do and says so; check exits 0', async () => {
    const file = path.join(dir, 'services.json');
    const again = await cli(['apply', file]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'nothing to do: all 4 services as declared\n');
    assert.equal(again.stderr, '');
    assert.equal((await cli(['check', file])).code, 0);
  });

  it('drift (settings changed behind its back) is reported by check and repaired by apply, with a restart', async () => {
    const file = path.join(dir, 'services.json');
    await scm.updateProgramService(db.name, { args: [db.events, 'serve', 'extra'] }, { priority: 'high', env: { X: '1' } });
    await scm.setServiceConfiguration(db.name, { displayName: 'Renamed by hand' });
    const before = readEvents(db.events).filter((e) => e.event === 'start').length;
    const checked = await cli(['check', file, '--json']);
    assert.equal(checked.code, 1, checked.stdout);
    const entry = JSON.parse(checked.stdout).services.find((s) => s.name === db.name);
    assert.deepEqual([entry.ok, entry.code, entry.drift.sort(), entry.steps], [false, 0, ['args', 'displayName', 'env', 'priority'], ['update', 'restart']]);

    const applied = await cli(['apply', file, '--json']);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    const out = JSON.parse(applied.stdout).services.find((s) => s.name === db.name);
    assert.deepEqual([out.done, out.ok, out.drift], [['update', 'restart'], true, []]);
    const settings = await scm.getProgramServiceStatus(db.name);
    assert.deepEqual([settings.args, settings.priority, settings.displayName], [[db.events, 'serve'], 'below_normal', db.name]);
    await waitFor('a new run of the program', () => readEvents(db.events).filter((e) => e.event === 'start').length > before);
    assert.equal((await cli(['check', file])).code, 0);
  });

  itWindowsOnly('recovery changed by hand is drift; apply sets the declared failure actions back', 'Wine refuses failure actions', async () => {
    const file = path.join(dir, 'services.json');
    await scm.setServiceConfiguration(web.name, { failureActions: { resetPeriod: 0, actions: [] } });
    const checked = await cli(['check', file, '--json']);
    assert.equal(checked.code, 1, checked.stdout);
    assert.deepEqual(JSON.parse(checked.stdout).services.find((s) => s.name === web.name).drift, ['recovery']);
    assert.equal((await cli(['apply', file])).code, 0);
    const recovery = await scm.getServiceConfiguration(web.name, { fields: ['failureActions'] });
    assert.deepEqual(recovery.failureActions.actions.map((a) => a.type), ['restart', 'restart', 'none']);
    assert.equal((await cli(['check', file])).code, 0);
  }, {
    // Setting failure actions without the flag succeeds (and stores nothing); the file declares no
    // recovery under Wine and check compares it on Windows only: no drift, exit code 0.
    rejects: { name: 'AssertionError', actual: 0, expected: 1 },
  });

  it('the same services declared in YAML are already in line; editing the YAML changes the service', async () => {
    const yaml = (stopTimeout) => `services:\n${services.map((s) => {
      const lines = [`  - name: ${s.name}`];
      for (const [k, v] of Object.entries(s)) if (k !== 'name') lines.push(`    ${k}: ${JSON.stringify(v)}`);
      if (stopTimeout && s.name === idle.name) lines.push(`    stopTimeout: ${stopTimeout}`);
      return lines.join('\n');
    }).join('\n')}\n`;
    // The pid file is relative to the services file's folder: the YAML sits in the same folder.
    const file = writeFile(dir, 'services.yaml', yaml());
    const r = await cli(['check', file]);
    assert.equal(r.code, 0, r.stdout);
    // And in TOML (JSON strings, numbers, booleans and string arrays are TOML values as they are).
    const tomlValue = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v)
      ? `{ ${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)} = ${tomlValue(x)}`).join(', ')} }`
      : JSON.stringify(v));
    const toml = services.map((e) => `[[services]]\n${Object.entries(e).map(([k, v]) => `${k} = ${tomlValue(v)}`).join('\n')}\n`).join('\n');
    const t = await cli(['check', writeFile(dir, 'services.toml', toml), '--json']);
    assert.equal(t.code, 0, t.stdout + t.stderr);
    assert.equal(JSON.parse(t.stdout).services.length, services.length);
    fs.writeFileSync(file, yaml('3s'));
    const dry = await cli(['apply', file, '--dry-run', '--json']);
    assert.deepEqual(JSON.parse(dry.stdout).services.find((s) => s.name === idle.name).steps, ['update']);
    const applied = await cli(['apply', file]);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stderr, new RegExp(`updated ${idle.name}`));
    assert.equal(await scm.getServiceState(idle.name), 'stopped', 'an update of a stopped service does not start it');
    assert.equal((await scm.getProgramServiceStatus(idle.name)).program, PROGRAM);
  });

  it('a hosted entry whose program is missing, or that names a service not installed by scm-native, fails that entry only', async () => {
    const file = writeFile(dir, 'broken.json', JSON.stringify({ services: [
      { name: `${db.name}-x`, program: path.join(dir, 'no-such.js') },
      { name: existing, program: PROGRAM, allowInsecureLocation: true, expected: 'stopped' },
      { name: idle.name, program: PROGRAM, allowInsecureLocation: true, args: [idle.events, 'serve'], expected: 'stopped', log: { dir: idle.logDir }, stopTimeout: 3 },
    ] }));
    const r = await cli(['check', file, '--json']);
    assert.equal(r.code, 4);
    const out = JSON.parse(r.stdout).services;
    assert.match(out[0].reason, /cannot apply: program not found: .*no-such\.js/);
    assert.match(out[1].reason, /exists but was not installed by scm-native/);
    assert.deepEqual([out[2].ok, out[2].steps], [true, []]);
  });

  it('a failed start skips the services that depend on it; the rest is applied; exit code 3', async () => {
    const { plain: broken, hostedCase: after } = await plainAndHosted('broken', 'after');
    const file = writeFile(dir, 'failing.json', JSON.stringify({ services: [
      { name: after.name, program: PROGRAM, allowInsecureLocation: true, args: [after.events, 'serve'], dependencies: [broken], log: { dir: after.logDir } },
      { name: broken, timeout: 20 },
    ] }));
    const r = await cli(['apply', file, '--json']);
    const out = JSON.parse(r.stdout).services;
    assert.match(out[1].error, /^start failed: /);
    assert.equal(out[0].error, `start skipped: ${broken} failed`);
    assert.deepEqual([out[0].done, out[0].installed, out[0].state], [['install'], true, 'stopped']);
    assert.match(r.stderr, new RegExp(`start skipped ${after.name}: ${broken} failed`));
    assert.equal(r.code, 3, 'the worst LSB code: both are not running');
  });

  it('expected absent: check says remove (exit 1); apply stops and deletes a plain service and a hosted program; then nothing to do', async () => {
    const { plain, hostedCase: gone } = await plainAndHosted('gone', 'gone');
    const installed = writeFile(dir, 'gone-present.json', JSON.stringify({ services: [
      { name: gone.name, program: PROGRAM, allowInsecureLocation: true, args: [gone.events, 'serve'], log: { dir: gone.logDir } },
    ] }));
    assert.equal((await cli(['apply', installed])).code, 0);
    assert.equal(await scm.getServiceState(gone.name), 'running');

    const entries = [
      { name: gone.name, program: PROGRAM, allowInsecureLocation: true, args: [gone.events, 'serve'], expected: 'absent', log: { dir: gone.logDir } },
      { name: plain, expected: 'absent' },
      { name: `scmn-apply-never-${process.pid}`, expected: 'absent' },
    ];
    const file = writeFile(dir, 'absent.json', JSON.stringify({ services: entries }));
    const c = await cli(['check', file, '--json']);
    assert.equal(c.code, 1, 'a service that exists although expected absent counts as drift');
    assert.deepEqual(JSON.parse(c.stdout).services.map((x) => [x.installed, x.ok, x.steps]), [[true, false, ['remove']], [true, false, ['remove']], [false, true, []]]);

    const r = await cli(['apply', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, new RegExp(`removed ${gone.name} \\(`));
    assert.match(r.stderr, new RegExp(`removed ${plain} \\(`));
    assert.equal(await scm.serviceExists(gone.name), false);
    assert.equal(await scm.serviceExists(plain), false);
    assert.ok(await waitForEvent(gone.events, (e) => e.event === 'graceful-exit' || e.event === 'signal'), 'the hosted program was asked to stop');
    const again = await cli(['apply', file]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing to do: all 3 services as declared/);
  });

  it('expected absent never removes a service scm-native did not install through a hosted entry', async () => {
    const file = writeFile(dir, 'absent-foreign.json', JSON.stringify({ services: [{ name: existing, program: PROGRAM, allowInsecureLocation: true, expected: 'absent' }] }));
    const r = await cli(['apply', file, '--json']);
    assert.equal(r.code, 1);
    assert.match(JSON.parse(r.stdout).services[0].error, /^remove failed: .*was not installed by scm-native/);
    assert.equal(await scm.serviceExists(existing), true);
  });

  it('a bad services file is exit code 2 (not LSB 4), naming the entry and the field (YAML line numbers for syntax)', async () => {
    const bad = writeFile(dir, 'bad.yaml', 'services:\n  - name: web\n    program: a.js\n    priority: low\n');
    const r = await cli(['apply', bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml: services\[0\] \("web"\): field "priority" must be one of "idle", /);
    const syntax = writeFile(dir, 'syntax.yaml', 'services:\n  - name: [web\n');
    const s2 = await cli(['check', syntax]);
    assert.equal(s2.code, 2);
    assert.match(s2.stderr, /syntax\.yaml: not valid YAML: .* at line \d+, column \d+/);
  });

  it('stops dependents before what they depend on: web (depends on db) stops before db', async () => {
    const stopping = services.map((s) => (s.name === web.name || s.name === db.name ? { ...s, expected: 'stopped' } : s));
    await scm.startService(db.name, { wait: 10000 });
    await scm.startService(web.name, { wait: 10000 });
    const file = writeFile(dir, 'stopping.json', JSON.stringify({ services: stopping }));
    const r = await cli(['apply', file, '--parallel', '4']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(r.stderr.indexOf(`stopped ${web.name} (`) >= 0 && r.stderr.indexOf(`stopped ${web.name} (`) < r.stderr.indexOf(`stopping ${db.name}...`), `web stops first:\n${r.stderr}`);
    assert.deepEqual(await Promise.all([web.name, db.name].map((n) => scm.getServiceState(n))), ['stopped', 'stopped']);
  });
});
