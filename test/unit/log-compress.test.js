'use strict';
// `--log-compress` and `--log-rotate-on-start`: rotated files become .gz in the background (every
// one but the newest), retention counts .gz files as the rotated files they were, what a crash
// left is tidied at the next start, a failure leaves the plain file; a new file at each start.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const zlib = require('node:zlib');
const { LogWriter } = require('../../dist/host/log-writer');
const { LogFollower } = require('../../dist/host/log-follower');
const { readableRotatedLogs, rotatedLogSet } = require('../../dist/host/rotated-logs');

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-gz-'));
const files = (dir) => fs.readdirSync(dir).sort();
const gunzip = (file) => zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
/** Every line of the log in order: rotated files (plain or .gz) oldest first, then the live file. */
const allLines = (dir, name = 'svc') => [...readableRotatedLogs(dir, name), path.join(dir, `${name}.log`)]
  .map((f) => (f.endsWith('.gz') ? gunzip(f) : fs.readFileSync(f, 'utf8'))).join('').split('\n').filter((l) => l !== '');

/** A writer on a clock that moves one second per line, so rotated names differ. */
function writer(dir, options = {}) {
  let t = new Date(2024, 4, 1, 12, 0, 0).getTime();
  const notes = [];
  const w = new LogWriter({ dir, name: 'svc', compress: true, now: () => new Date(t), notePrefix: () => '[host] ', ...options });
  return { w, notes, tick: () => { t += 1000; } };
}

describe('host log compression', () => {
  it('compresses every rotated file but the newest; the .gz hold exactly the lines written, none lost or doubled', async () => {
    const dir = tmp();
    const { w, tick } = writer(dir, { maxSize: 200 });
    const written = [];
    for (let i = 0; i < 100; i++) {
      const line = `line ${String(i).padStart(3, '0')} ${'z'.repeat(i % 17)}`;
      written.push(line);
      w.writeLine(line);
      tick();
    }
    await w.compressionIdle();
    w.close();
    const set = rotatedLogSet(dir, 'svc');
    assert.ok(set.length > 5, `rotated ${set.length} times`);
    const newest = set[set.length - 1];
    assert.deepEqual([newest.hasPlain, newest.hasGz], [true, false], 'the newest rotated file stays plain');
    for (const log of set.slice(0, -1)) assert.deepEqual([log.hasPlain, log.hasGz, log.hasTmp], [false, true, false], path.basename(log.plain));
    assert.deepEqual(allLines(dir), written);
  });

  it('keeps the live file written while a compression runs', async () => {
    const dir = tmp();
    const { w, tick } = writer(dir, { maxSize: 50 * 1024 });
    const big = 'q'.repeat(1000);
    let n = 0;
    // Three rotations: the first rotated file is compressed while more lines are written.
    for (; n < 160; n++) {
      w.writeLine(`${n} ${big}`);
      tick();
    }
    const busy = w.compressionIdle();
    for (; n < 200; n++) w.writeLine(`${n} ${big}`);
    await busy;
    await w.compressionIdle();
    w.close();
    const lines = allLines(dir);
    assert.equal(lines.length, 200);
    assert.deepEqual(lines.map((l) => Number(l.split(' ')[0])), Array.from({ length: 200 }, (_, i) => i));
    assert.ok(files(dir).some((f) => f.endsWith('.log.gz')));
  });

  it('counts .gz files with the plain rotated files for log.keep', async () => {
    const dir = tmp();
    const { w, tick } = writer(dir, { maxSize: 20, keep: 3 });
    for (let i = 0; i < 20; i++) {
      w.writeLine(`entry number ${String(i).padStart(2, '0')}`);
      tick();
      await w.compressionIdle();
    }
    w.close();
    const set = rotatedLogSet(dir, 'svc');
    assert.equal(set.length, 3);
    assert.deepEqual(set.map((l) => [l.hasPlain, l.hasGz]), [[false, true], [false, true], [true, false]]);
    assert.deepEqual(allLines(dir), ['entry number 16', 'entry number 17', 'entry number 18', 'entry number 19']);
  });

  it('many rotations within one second: new names sort after the compressed and deleted ones, so nothing is overwritten or pruned out of turn', async () => {
    const dir = tmp();
    const frozen = new Date(2024, 4, 1, 12, 0, 0);
    const w = new LogWriter({ dir, name: 'svc', compress: true, maxSize: 20, keep: 3, now: () => frozen });
    for (let i = 0; i < 30; i++) {
      w.writeLine(`entry number ${String(i).padStart(2, '0')}`);
      await w.compressionIdle();
    }
    w.close();
    const set = rotatedLogSet(dir, 'svc');
    assert.deepEqual(set.map((l) => path.basename(l.plain)), ['svc.20240501-120000.027.log', 'svc.20240501-120000.028.log', 'svc.20240501-120000.029.log']);
    assert.deepEqual(allLines(dir), ['entry number 26', 'entry number 27', 'entry number 28', 'entry number 29']);
    const unkept = new LogWriter({ dir: tmp(), name: 'svc', compress: true, maxSize: 20, now: () => frozen });
    const written = [];
    for (let i = 0; i < 30; i++) {
      written.push(`entry number ${String(i).padStart(2, '0')}`);
      unkept.writeLine(written[i]);
      if (i % 3 === 0) await unkept.compressionIdle();
    }
    await unkept.compressionIdle();
    unkept.close();
    assert.deepEqual(allLines(unkept.file.slice(0, -'svc.log'.length - 1)), written, 'every line once, in order');
  });

  it('tidies what a crash left at the next start: a .gz.tmp is deleted and compressed again, a plain file beside its .gz deleted', async () => {
    const dir = tmp();
    const p = (n) => path.join(dir, n);
    fs.writeFileSync(p('svc.20240101-000000.001.log'), 'one\n');
    fs.writeFileSync(p('svc.20240101-000000.001.log.gz.tmp'), 'partial gzip');
    fs.writeFileSync(p('svc.20240101-000001.001.log'), 'two\n');
    fs.writeFileSync(p('svc.20240101-000001.001.log.gz'), zlib.gzipSync('two\n'));
    // A .gz that is not a complete copy of its plain file (a truncated one): compressed again.
    fs.writeFileSync(p('svc.20240101-000001.002.log'), 'two and a half\n');
    fs.writeFileSync(p('svc.20240101-000001.002.log.gz'), zlib.gzipSync('two and a half\n').subarray(0, 20));
    // A .gz of the same size but other bytes (planted by another account that may add files): not trusted.
    fs.writeFileSync(p('svc.20240101-000001.003.log'), 'two and 3/4\n');
    fs.writeFileSync(p('svc.20240101-000001.003.log.gz'), zlib.gzipSync('forged text\n'));
    fs.writeFileSync(p('svc.20240101-000002.001.log'), 'three\n');
    fs.writeFileSync(p('svc.log'), 'four\n');
    const { w } = writer(dir);
    w.writeLine('five');
    await w.compressionIdle();
    w.close();
    assert.deepEqual(files(dir), [
      'svc.20240101-000000.001.log.gz', 'svc.20240101-000001.001.log.gz', 'svc.20240101-000001.002.log.gz', 'svc.20240101-000001.003.log.gz',
      'svc.20240101-000002.001.log', 'svc.log',
    ]);
    assert.deepEqual(allLines(dir), ['one', 'two', 'two and a half', 'two and 3/4', 'three', 'four', 'five']);
  });

  it('a failed compression leaves the plain rotated file and says so in the log, once', async () => {
    const dir = tmp();
    const p = (n) => path.join(dir, n);
    fs.writeFileSync(p('svc.20240101-000000.001.log'), 'old\n');
    fs.writeFileSync(p('svc.20240101-000001.001.log'), 'newer\n');
    // A folder where the .gz must go: the rename onto it fails (and it is no complete copy).
    fs.mkdirSync(p('svc.20240101-000000.001.log.gz'));
    const { w, tick } = writer(dir, { maxSize: 30 });
    w.writeLine('first line of this run');
    await w.compressionIdle();
    w.writeLine('second line of this run, rotating');
    tick();
    await w.compressionIdle();
    w.close();
    assert.equal(fs.readFileSync(p('svc.20240101-000000.001.log'), 'utf8'), 'old\n');
    const log = fs.readFileSync(p('svc.log'), 'utf8') + readableRotatedLogs(dir, 'svc').filter((f) => !f.endsWith('.gz')).map((f) => fs.readFileSync(f, 'utf8')).join('');
    const notes = log.split('\n').filter((l) => l.startsWith('[host] '));
    assert.equal(notes.filter((l) => l.includes('svc.20240101-000000.001.log')).length, 1, log);
    assert.match(notes[0], /could not compress the rotated log .*svc\.20240101-000000\.001\.log .*it stays as it is/);
  });

  it('never compresses the stand-in the writer has open', async () => {
    const dir = tmp();
    const { w } = writer(dir);
    w.writeLine('x');
    // Make a stand-in open and two older rotated files, then sweep.
    w.standIn = true;
    w.standInFile = path.join(dir, 'svc.20240101-000001.001.log');
    fs.writeFileSync(path.join(dir, 'svc.20240101-000000.001.log'), 'a\n');
    fs.writeFileSync(w.standInFile, 'b\n');
    fs.writeFileSync(path.join(dir, 'svc.20240101-000002.001.log'), 'c\n');
    w.compressor.schedule();
    await w.compressionIdle();
    w.standIn = false;
    w.close();
    assert.deepEqual(files(dir), ['svc.20240101-000000.001.log.gz', 'svc.20240101-000001.001.log', 'svc.20240101-000002.001.log', 'svc.log']);
  });

  it('without compress, rotated files stay plain', () => {
    const dir = tmp();
    const { w, tick } = writer(dir, { compress: false, maxSize: 10 });
    for (let i = 0; i < 5; i++) {
      w.writeLine(`line ${i}`);
      tick();
    }
    w.close();
    assert.ok(files(dir).every((f) => f.endsWith('.log')));
  });

  it('logs --lines reaches back into compressed rotated files', async () => {
    const dir = tmp();
    const { w, tick } = writer(dir, { maxSize: 30 });
    for (let i = 0; i < 12; i++) {
      w.writeLine(`line ${i} padding`);
      tick();
    }
    await w.compressionIdle();
    w.close();
    assert.ok(files(dir).filter((f) => f.endsWith('.gz')).length >= 5);
    const lines = new LogFollower(dir, 'svc').start(10);
    assert.deepEqual(lines, Array.from({ length: 10 }, (_, i) => `line ${i + 2} padding`));
  });
});

describe('host log: a new file at each start', () => {
  it('rotates a non-empty log when the writer first opens it, not on later writes, and not an empty one', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'svc.log'), 'earlier run\n');
    const w = new LogWriter({ dir, name: 'svc', rotateOnStart: true });
    w.writeLine('this run');
    w.close();
    w.writeLine('this run, after a close');
    w.close();
    assert.equal(fs.readFileSync(path.join(dir, 'svc.log'), 'utf8'), 'this run\nthis run, after a close\n');
    const rotated = readableRotatedLogs(dir, 'svc');
    assert.equal(rotated.length, 1);
    assert.equal(fs.readFileSync(rotated[0], 'utf8'), 'earlier run\n');
    fs.writeFileSync(path.join(dir, 'svc.log'), '');
    const empty = new LogWriter({ dir, name: 'svc', rotateOnStart: true });
    empty.writeLine('next run');
    empty.close();
    assert.equal(readableRotatedLogs(dir, 'svc').length, 1, 'an empty file is not rotated');
  });

  it('with compress, the file of two starts ago is compressed at the start', async () => {
    const dir = tmp();
    for (const run of ['one', 'two', 'three']) {
      const w = new LogWriter({ dir, name: 'svc', rotateOnStart: true, compress: true });
      w.writeLine(`run ${run}`);
      await w.compressionIdle();
      w.close();
    }
    const set = rotatedLogSet(dir, 'svc');
    assert.deepEqual(set.map((l) => [l.hasPlain, l.hasGz]), [[false, true], [true, false]]);
    assert.deepEqual(allLines(dir), ['run one', 'run two', 'run three']);
  });
});
