'use strict';
// `show --format` entries read back as the same settings (every row, three formats), --json
// errors, the exit-code table in the docs, NTSTATUS exit codes, and the state word of status/list.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { SETTING_FIELDS } = require('../../dist/host/setting-fields');
const { hostedEntry, servicesFileText, durationText, sizeText, passwordVariableFor } = require('../../dist/declarative/entry-writer');
const { parseServicesFile } = require('../../dist/declarative/services-file');
const { ServicesFileError } = require('../../dist/declarative/services-file-error');
const { exitCodeText, isNtStatus } = require('../../dist/exit-code-text');
const { jsonError, exitCodeOf } = require('../../dist/cli/json-output');
const { EXIT, exitCodeMarkdown } = require('../../dist/cli/exit-codes');
const { UsageError } = require('../../dist/cli/args');
const { stateWord } = require('../../dist/cli/output');
const { sampleSets } = require('../support/setting-samples');
const { cli } = require('../support/cli');

const FORMATS = ['yaml', 'toml', 'json'];
const SCM_PART = { displayName: 'Web API', description: 'serves: the "API"', startType: 'auto_start', delayedAutoStart: true, account: 'LocalSystem', dependencies: ['Tcpip'] };

describe('show --format: a services-file entry apply takes back unchanged', () => {
  let dir;
  let program;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-show-'));
    program = path.join(dir, 'app.js');
    fs.writeFileSync(program, '');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** The entry's text in `format`, parsed back as the services file reads it. */
  const roundTrip = (settings, config, format, state = 'stopped') => {
    const text = servicesFileText([hostedEntry('web', settings, config, state)], format);
    return parseServicesFile(text, path.join(dir, `services.${format}`)).services[0];
  };

  it('every setting at a value other than its default comes back as the same settings, in each format', () => {
    const defaults = scm.plannedProgramSettings('web', program);
    for (const set of sampleSets(SETTING_FIELDS, defaults)) roundTripsAll(Object.fromEntries(set.map(([row, sample]) => [row.option, sample.option])));
  });

  /** The settings from `options`, and other parts of the entry, back through each format. */
  function roundTripsAll(options) {
    const settings = scm.plannedProgramSettings('web', program, ['a b', '--x=1'], options);
    for (const format of FORMATS) {
      const d = roundTrip(settings, SCM_PART, format);
      assert.deepEqual(scm.plannedProgramSettings('web', d.hosted.program, d.hosted.args, d.hosted.options), settings, format);
      const o = d.hosted.options;
      assert.deepEqual([d.expected, o.displayName, o.description, o.startup, o.dependencies, o.username], ['stopped', 'Web API', 'serves: the "API"', 'delayed', ['Tcpip'], undefined], format);
    }
  }

  it('a service with every setting at its default is a minimal entry: name, expected, program', () => {
    const settings = scm.plannedProgramSettings('web', program);
    for (const format of FORMATS) {
      const text = servicesFileText([hostedEntry('web', settings, { displayName: 'web', startType: 'demand_start', account: 'LocalSystem' }, 'running')], format);
      const d = parseServicesFile(text, path.join(dir, `min.${format}`)).services[0];
      assert.deepEqual(Object.keys(d.hosted.options), [], format);
      assert.equal(d.expected, 'running');
    }
    assert.deepEqual(Object.keys(hostedEntry('web', settings, {}, 'running')), ['name', 'expected', 'program']);
  });

  it('accounts: a virtual account, LocalService without a password, a user with passwordEnv (never a password)', () => {
    const settings = scm.plannedProgramSettings('web-api', program);
    const entry = (account) => hostedEntry('web-api', settings, { account }, 'stopped');
    assert.equal(entry('NT SERVICE\\web-api').virtualAccount, true);
    assert.deepEqual([entry('NT AUTHORITY\\LocalService').username, entry('NT AUTHORITY\\LocalService').passwordEnv], ['NT AUTHORITY\\LocalService', undefined]);
    assert.deepEqual([entry('.\\bob').username, entry('.\\bob').passwordEnv], ['.\\bob', 'WEB_API_PASSWORD']);
    assert.equal(entry('CORP\\gmsa$').passwordEnv, undefined);
    assert.equal(entry('LocalSystem').username, undefined);
    assert.equal(passwordVariableFor('my.svc 2'), 'MY_SVC_2_PASSWORD');
  });

  it('recovery as install writes it reads back; none and unreadable (Wine) are left out', () => {
    const settings = scm.plannedProgramSettings('web', program);
    const restart = (delay) => ({ type: 'restart', delay });
    const config = { failureActions: { resetPeriod: 3600, actions: [restart(30000), restart(30000), { type: 'none', delay: 0 }] }, failureActionsOnNonCrashFailures: true };
    const d = roundTrip(settings, config, 'toml');
    assert.deepEqual(d.hosted.options.recovery, { delay: 30000, count: 2, resetPeriod: 3600 });
    assert.equal(hostedEntry('web', settings, { failureActions: { actions: [] } }, 'stopped').recovery, undefined);
    assert.equal(hostedEntry('web', settings, {}, 'stopped').recovery, undefined);
  });

  it('a zero backoff, which the file refuses, is left out (check then names it as drift)', () => {
    const settings = scm.plannedProgramSettings('web', program, [], { backoffInitial: 0, stopTimeout: 0 });
    const entry = hostedEntry('web', settings, {}, 'stopped');
    assert.deepEqual([entry.backoff, entry.stopTimeout], [undefined, '0s']);
    parseServicesFile(servicesFileText([entry], 'json'), path.join(dir, 'zero.json'));
  });

  it('durations and sizes in the largest unit that divides them', () => {
    assert.deepEqual([0, 1500, 7000, 120000, 7200000].map(durationText), ['0s', '1500ms', '7s', '2m', '2h']);
    assert.deepEqual([0, 1000, 2048, 10 * 1024 * 1024, 1024 ** 3].map(sizeText), [0, 1000, '2K', '10M', '1G']);
  });

  it('usage: an unknown --format, or --format with --json, is exit 2', async () => {
    const bad = await cli(['show', 'web', '--format', 'xml']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be one of yaml, toml, json/);
    assert.equal((await cli(['show', 'web', '--format', 'json', '--json'])).code, 2);
    assert.equal((await cli(['show'])).code, 2);
  });
});

describe('--json: one document on stdout, errors included', () => {
  it('a usage mistake is {"error": {"code": "USAGE"}} on stdout, exit 2, nothing on stderr', async () => {
    for (const argv of [['instal', '--json'], ['start', '--json'], ['status', 'a', 'b', '--json'], ['list', '--bogus', '--json']]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.equal(r.stderr, '', argv.join(' '));
      const { error } = JSON.parse(r.stdout);
      assert.equal(error.code, 'USAGE');
      assert.equal(typeof error.message, 'string');
    }
    assert.equal(JSON.parse((await cli(['start', '--json'])).stdout).error.command, 'start');
  });

  it('--version --json', async () => {
    const r = await cli(['--version', '--json']);
    assert.deepEqual(JSON.parse(r.stdout), { version: require('../../package.json').version });
  });

  it('error objects: an ScmError keeps code, errno, syscall and service; a services file error its file, entry and field', () => {
    const e = new scm.ScmError({ errno: 1060, syscall: 'OpenServiceW', service: 'web' });
    assert.deepEqual(jsonError(e), { code: 'ERROR_SERVICE_DOES_NOT_EXIST', errno: 1060, syscall: 'OpenServiceW', service: 'web', message: e.message });
    assert.equal(exitCodeOf(e), EXIT.failure);
    const f = new ServicesFileError('f.json: services[1] ("a"): field "x" is unknown', 'f.json', 1, 'x');
    assert.deepEqual(jsonError(f), { code: 'ERR_SCM_SERVICES_FILE', file: 'f.json', entry: 1, field: 'x', message: f.message });
    assert.equal(exitCodeOf(f), EXIT.usage);
    assert.deepEqual(jsonError(new UsageError('missing <name>', 'start')), { code: 'USAGE', command: 'start', message: 'missing <name>' });
    assert.deepEqual(jsonError(new RangeError('program not found:\n x')), { code: 'ERR_INVALID_ARGUMENT', message: 'program not found: x' });
  });

  if (process.platform !== 'win32') {
    it('without an SCM: status --json is the ScmError as JSON, exit 1', async () => {
      const r = await cli(['status', 'web', '--json']);
      assert.equal(r.code, 1);
      assert.equal(JSON.parse(r.stdout).error.code, 'ERR_SCM_UNSUPPORTED_PLATFORM');
    });
  }
});

describe('exit codes and exit-code text', () => {
  it('docs/service-host.md holds the exit-code table as the code has it', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'service-host.md'), 'utf8');
    assert.ok(doc.includes(exitCodeMarkdown()), 'docs/service-host.md: paste exitCodeMarkdown() from dist/cli/exit-codes.js under "Exit codes"');
    assert.deepEqual([EXIT.ok, EXIT.failure, EXIT.usage], [0, 1, 2]);
  });

  it('NTSTATUS codes in hex with their name, signed or unsigned; other codes in decimal', () => {
    assert.equal(exitCodeText(3221225477), '0xC0000005 access violation');
    assert.equal(exitCodeText(-1073741819), '0xC0000005 access violation');
    assert.equal(exitCodeText(0xc0000374), '0xC0000374 heap corruption');
    assert.equal(exitCodeText(0xc000013a), '0xC000013A ended by Ctrl+C (STATUS_CONTROL_C_EXIT)');
    assert.equal(exitCodeText(0xc0000409), '0xC0000409 stack buffer overrun (fail fast)');
    assert.equal(exitCodeText(0xc00000fd), '0xC00000FD stack overflow');
    assert.equal(exitCodeText(0x40010004), '0x40010004 terminated by a debugger (DBG_TERMINATE_PROCESS)');
    assert.equal(exitCodeText(0xc0000123), '0xC0000123');
    assert.equal(exitCodeText(0x80000005), '0x80000005');
    assert.deepEqual([0, 1, 42, 0x7fffffff, 0x40000000].map(exitCodeText), ['0', '1', '42', '2147483647', '1073741824']);
    assert.equal(exitCodeText(null), 'none');
    assert.deepEqual([isNtStatus(-1), isNtStatus(259), isNtStatus(0x40010004)], [true, false, true]);
  });

  it('status and list say backoff for a host waiting to restart, else the SCM state', () => {
    assert.deepEqual([stateWord('running', 'backoff'), stateWord('running', 'running'), stateWord('stop_pending', null), stateWord(7)], ['backoff', 'running', 'stop_pending', '7']);
  });
});
