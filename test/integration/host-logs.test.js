'use strict';
// The service host's log features against a real SCM: `--log-compress` (rotated files gzipped in
// the background, every line once across .gz, plain and live files; `--log-keep` counting .gz),
// `--log-rotate-on-start` (a new file at each service start, not at a program restart), and the
// lifecycle the host reports (exit codes as text). Reading the event log back is Windows-only
// (Wine's event log is a stub, docs/wine.md).
const { execFileSync } = require('../support/child');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const scm = require('../..');
const { rotatedLogSet } = require('../../dist/host/rotated-logs');
const { assert, itWindowsOnly } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, processGone, readLog, sleep, waitFor, waitForEvent } = require('../support/host-service');

const created = [];
const FAST = ['--backoff', '300ms', '--backoff-limit', '5s', '--stop-timeout', '2s'];

async function install(c, mode, extra = [], modeArgs = []) {
  const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, ...FAST, ...extra, '--', PROGRAM, c.events, mode, ...modeArgs]);
  assert.equal(result.code, 0, `install failed: ${result.stderr}`);
  created.push(c.name);
}

/** Stops the service and waits until its host process is gone (it finishes a compression under way first). */
async function stopAndWaitForHost(name) {
  const { pid } = await scm.getServiceStatus(name);
  assert.equal((await cli(['stop', name])).code, 0);
  if (pid > 0) assert.ok(await processGone(pid, 15000), `host ${pid} gone`);
}

/**
 * The text of each file of the log, oldest first: every rotated file once (plain where it still
 * is, else its .gz, decompressed), then the live file. Null when a file went away while reading
 * (the running host rotated or compressed it: the caller tries again).
 */
function logTexts(logDir, name) {
  const texts = [];
  try {
    for (const log of rotatedLogSet(logDir, name)) {
      if (log.hasPlain) texts.push(fs.readFileSync(log.plain, 'utf8'));
      else if (log.hasGz) texts.push(zlib.gunzipSync(fs.readFileSync(`${log.plain}.gz`)).toString('utf8'));
    }
    const live = path.join(logDir, `${name}.log`);
    if (fs.existsSync(live)) texts.push(fs.readFileSync(live, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
  return texts;
}

/**
 * The numbers of the flood lines (`line 000042 xx... end`) in the order the files hold them (the
 * program's stdout and stderr reach the log through two pipes, so not in the order written).
 */
const floodNumbers = (texts) => [...texts.join('').matchAll(/^line (\d{6}) x+ end$/gm)].map((m) => Number(m[1]));

describe('service host: log compression, a new file at each start, lifecycle reports', function () {
  this.timeout(120000);
  after(async () => {
    await cleanup(created);
  });

  it('--log-compress: rotated files become .gz (the newest stays plain); every line once across .gz, plain and live files', async () => {
    const c = newCase('gzip');
    const lines = 3000;
    await install(c, 'flood', ['--log-max-size', '16K', '--log-keep', '0', '--log-compress'], [String(lines)]);
    await cli(['start', c.name]);
    await waitForEvent(c.events, (e) => e.event === 'flooded');
    await waitFor('every line in the logs', () => {
      const texts = logTexts(c.logDir, c.name);
      return texts !== null && floodNumbers(texts).length >= lines;
    }, 30000);
    await stopAndWaitForHost(c.name);
    const set = rotatedLogSet(c.logDir, c.name);
    assert.ok(set.length >= 10, `${set.length} rotated files`);
    assert.deepEqual(set.filter((l) => l.hasTmp).map((l) => l.plain), [], 'no compression left half done');
    const newest = set[set.length - 1];
    assert.deepEqual([newest.hasPlain, newest.hasGz], [true, false], 'the newest rotated file stays plain');
    for (const log of set.slice(0, -1)) assert.deepEqual([log.hasPlain, log.hasGz], [false, true], `${path.basename(log.plain)} compressed, plain one deleted`);
    const texts = logTexts(c.logDir, c.name);
    for (const text of texts.slice(0, -1)) assert.ok(text.endsWith('\n'), 'each file ends with a whole line');
    assert.deepEqual(floodNumbers(texts).sort((a, b) => a - b), Array.from({ length: lines }, (_, i) => i + 1), 'every line once');
    // `logs` prints the live file, and `--lines` reaches back through the plain into the .gz files.
    const all = texts.join('').split('\n').filter(Boolean);
    const tail = await cli(['logs', c.name, '--lines', '400']);
    assert.equal(tail.code, 0, tail.stderr);
    assert.deepEqual(tail.stdout.split('\n').filter(Boolean), all.slice(-400));
    assert.ok(texts[texts.length - 1].split('\n').length + texts[texts.length - 2].split('\n').length < 400, 'the 400 lines reach into a .gz file');
  });

  it('--log-keep counts .gz files as the rotated files they were', async () => {
    const c = newCase('gzkeep');
    await install(c, 'flood', ['--log-max-size', '8K', '--log-keep', '3', '--log-compress'], ['2000']);
    await cli(['start', c.name]);
    await waitForEvent(c.events, (e) => e.event === 'flooded');
    // The program ticks on stdout once its flood is written: the last stdout line is in by then.
    await waitFor('the program serving after its flood', () => /^tick 2$/m.test(readLog(c.logDir, c.name)), 30000);
    await stopAndWaitForHost(c.name);
    const set = rotatedLogSet(c.logDir, c.name).filter((l) => l.hasPlain || l.hasGz);
    assert.equal(set.length, 3, set.map((l) => path.basename(l.plain)).join());
    assert.deepEqual(set.map((l) => l.hasGz), [true, true, false]);
    const texts = logTexts(c.logDir, c.name);
    for (const text of texts.slice(0, -1)) assert.ok(text.endsWith('\n'), 'each kept file (.gz ones decompressed) ends with a whole line');
    const numbers = floodNumbers(texts);
    // 1999: the last line on stdout (every fifth line went to stderr, which may arrive earlier and be rotated away).
    assert.ok(numbers.includes(1999));
    assert.equal(new Set(numbers).size, numbers.length, 'no line twice');
    assert.ok(numbers.length < 2000, 'older files were deleted');
  });

  it('--log-rotate-on-start: each service start begins a new file (a program restart does not); older ones compressed', async () => {
    const c = newCase('perstart');
    const marker = path.join(c.dir, 'crashed-once');
    await install(c, 'crash-once', ['--log-rotate-on-start', '--log-compress'], [marker]);
    const startsIn = (text) => (text.match(/\[scm-native\] service \S+ starting/g) || []).length;
    for (let start = 1; start <= 3; start++) {
      await cli(['start', c.name]);
      // The first start's program fails once and is restarted within the same start.
      await waitFor(`start ${start} serving`, () => /tick 2\b/.test(readLog(c.logDir, c.name)), 20000);
      if (start === 1) assert.match(readLog(c.logDir, c.name), /program started \(run 1[\s\S]*program started \(run 2/, 'the restart wrote to the same file');
      await stopAndWaitForHost(c.name);
    }
    // The third start compressed the first start's file; the second's stays plain (the newest rotated).
    const set = rotatedLogSet(c.logDir, c.name);
    assert.deepEqual(set.map((l) => [l.hasPlain, l.hasGz]), [[false, true], [true, false]]);
    const texts = logTexts(c.logDir, c.name);
    assert.deepEqual(texts.map(startsIn), [1, 1, 1], 'one start per file');
    assert.match(texts[0], /first run fails/);
    assert.match(texts[2], /service stopped/);
  });

  it('a crash exit code is logged in hex with its name, as the stop reason too', async () => {
    const c = newCase('ntstatus');
    await install(c, 'crash', ['--restart', 'never'], [String(0xc0000005)]);
    await cli(['start', c.name]);
    const status = await waitFor('the service stopped', async () => {
      const s = await scm.getServiceStatus(c.name);
      return s.state === 'stopped' ? s : null;
    }, 20000);
    assert.equal(status.serviceCode, 0xc0000005);
    await waitFor('the stop line', () => /service stopped/.test(readLog(c.logDir, c.name)));
    const log = readLog(c.logDir, c.name);
    assert.match(log, /program exited with code 0xC0000005 access violation after/);
    assert.match(log, /service stopped \(failed, service-specific exit code 0xC0000005 access violation\)/);
  });

  itWindowsOnly('the event log holds the start, the restart with its reason, the early failure and the stop, once each', 'Wine stubs the event log', async () => {
    const c = newCase('events');
    const marker = path.join(c.dir, 'crashed-once');
    await install(c, 'crash-once', [], [marker]);
    await cli(['start', c.name]);
    await waitFor('the restarted program serving', () => /program started \(run 2/.test(readLog(c.logDir, c.name)), 20000);
    await sleep(500);
    await stopAndWaitForHost(c.name);
    const query = `*[System[Provider[@Name='${c.name}']]]`;
    const out = execFileSync('wevtutil', ['qe', 'Application', `/q:${query}`, '/f:text'], { encoding: 'utf8' });
    const events = out.split(/^Event\[\d+\]:/m).slice(1).map((e) => ({
      id: Number(/Event ID:\s+(\d+)/.exec(e)[1]), level: /Level:\s+(\w+)/.exec(e)[1], text: /Description:\s*\n?([\s\S]*)$/.exec(e)[1].trim(),
    }));
    assert.deepEqual(events.map((e) => [e.id, e.level]), [[1, 'Information'], [6, 'Error'], [3, 'Warning'], [2, 'Information']], out);
    assert.match(events[1].text, /the program exited with code 4 .* after it started\. Last lines of its stderr:\s+first run fails/);
    assert.match(events[2].text, new RegExp(`^${c.name}: restarting the program in 0\\.3 s \\(restart 1\\): it exited with code 4 after`));
    assert.match(events[3].text, /service stopped \(stopped\)/);
  }, { rejects: { name: 'AssertionError' } }); // ReportEventW succeeds under Wine; wevtutil prints nothing, so no entries
});
