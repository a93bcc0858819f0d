'use strict';
// `--log-direct` against a real SCM: the program writes its log file itself through the handle
// the host gives it (as NSSM does). Every line lands once, in the order the program wrote it
// (stdout and stderr share one handle), beside the host's own lines; the file is rotated by size
// only when the program starts again, never under it; `rotate` is refused; an early failure is
// still reported with the program's last lines, read back from the file; a separate stderr file
// works; timestamps are refused at install.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { rotatedLogSet } = require('../../dist/host/rotated-logs');
const { assert } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, readLog, waitFor, waitForEvent } = require('../support/host-service');

const created = [];
const FAST = ['--backoff', '300ms', '--backoff-limit', '5s', '--stop-timeout', '2s'];

async function install(c, mode, extra = [], modeArgs = []) {
  const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--log-direct', ...FAST, ...extra, '--', PROGRAM, c.events, mode, ...modeArgs]);
  assert.equal(result.code, 0, `install failed: ${result.stderr}`);
  created.push(c.name);
}

/** The flood lines (`line 000042 xx... end`) of a text, by number, in file order. */
const floodNumbers = (text) => [...text.matchAll(/^line (\d{6}) x+ end$/gm)].map((m) => Number(m[1]));

describe('service host: a log the program writes itself (--log-direct)', function () {
  this.timeout(120000);
  after(async () => {
    await cleanup(created);
  });

  it('every line once and in the order written, beside the host lines; rotated by size at the next start only; rotate refused', async () => {
    const c = newCase('direct');
    const lines = 3000;
    await install(c, 'flood', ['--log-max-size', '16K', '--log-keep', '0'], [String(lines)]);
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitForEvent(c.events, (e) => e.event === 'flooded');
    await waitFor('every line in the log', () => floodNumbers(readLog(c.logDir, c.name)).length >= lines, 30000);
    const first = readLog(c.logDir, c.name);
    // One handle for stdout and stderr: the file has the program's own order, 1..n, no gaps.
    assert.deepEqual(floodNumbers(first), Array.from({ length: lines }, (_, i) => i + 1));
    assert.match(first, /^\S+Z \[scm-native\] /m, "the host's own lines are in the same file");
    assert.ok(Buffer.byteLength(first) > 16 * 1024, 'past the size limit');
    assert.deepEqual(rotatedLogSet(c.logDir, c.name), [], 'not rotated under the running program');

    const rotate = await cli(['rotate', c.name]);
    assert.notEqual(rotate.code, 0);
    assert.match(rotate.stderr, /writes this log itself \(log\.direct\)/);

    // A new run of the program: the host rotates the full file before handing it over.
    assert.equal((await cli(['restart', c.name])).code, 0);
    await waitFor('the second run flooded', () => floodNumbers(readLog(c.logDir, c.name)).length >= lines, 30000);
    const set = rotatedLogSet(c.logDir, c.name);
    assert.equal(set.length, 1, 'one rotation, at the second start');
    assert.deepEqual(floodNumbers(fs.readFileSync(set[0].plain, 'utf8')), Array.from({ length: lines }, (_, i) => i + 1), 'the first run whole in the rotated file');
    assert.deepEqual(floodNumbers(readLog(c.logDir, c.name)), Array.from({ length: lines }, (_, i) => i + 1), 'the second run whole in the new file');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it("an early failure reports the program's last lines, read back from the file", async () => {
    const c = newCase('directcrash');
    await install(c, 'crash', ['--backoff', '200ms', '--backoff-limit', '500ms'], ['9']);
    await cli(['start', c.name]);
    const result = await scm.waitForServiceState(c.name, 'stopped', { timeout: 20000 });
    assert.equal(result.status.serviceCode, 9);
    const log = readLog(c.logDir, c.name);
    assert.match(log, /last lines of its output:\n.*\| fatal: something went wrong\n.*\| stack line 1\n/);
    const status = JSON.parse((await cli(['status', c.name, '--json'])).stdout);
    assert.deepEqual(status.lastStderr, ['fatal: something went wrong', 'stack line 1']);
  });

  it('--log-stderr separate: stderr to <name>.err.log, stdout to <name>.log, each written by the program', async () => {
    const c = newCase('directerr');
    const lines = 500;
    await install(c, 'flood', ['--log-stderr', 'separate'], [String(lines)]);
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitForEvent(c.events, (e) => e.event === 'flooded');
    const errFile = path.join(c.logDir, `${c.name}.err.log`);
    await waitFor('both files complete', () => floodNumbers(readLog(c.logDir, c.name)).length === lines * 0.8
      && fs.existsSync(errFile) && floodNumbers(fs.readFileSync(errFile, 'utf8')).length === lines * 0.2, 30000);
    assert.ok(floodNumbers(fs.readFileSync(errFile, 'utf8')).every((n) => n % 5 === 0), 'every fifth line is on stderr');
    assert.ok(floodNumbers(readLog(c.logDir, c.name)).every((n) => n % 5 !== 0));
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('a log file that cannot be opened does not keep the program down', async () => {
    const c = newCase('directheld');
    await install(c, 'serve');
    // A folder where the log file should be: neither the host nor the program can open it.
    fs.mkdirSync(path.join(c.logDir, `${c.name}.log`), { recursive: true });
    assert.equal((await cli(['start', c.name])).code, 0);
    await waitForEvent(c.events, (e) => e.event === 'start');
    assert.equal((await scm.getServiceStatus(c.name)).state, 'running');
    assert.equal((await cli(['stop', c.name])).code, 0);
  });

  it('--log-direct with --log-timestamps is refused at install, naming both', async () => {
    const c = newCase('directts');
    const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--log-direct', '--log-timestamps', '--', PROGRAM, c.events, 'serve']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /log\.direct.*cannot have timestamps/);
    await assert.rejects(scm.getServiceStatus(c.name), { code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
  });
});
