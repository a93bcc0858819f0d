'use strict';
// The service log: whole lines only, rotation by size and by day between lines, retention.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { LineRing, LineSplitter, LogWriter } = require('../../dist/host/log-writer');

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-log-'));
const files = (dir) => fs.readdirSync(dir).sort();
const read = (dir, f) => fs.readFileSync(path.join(dir, f), 'utf8');

describe('host log writer', () => {
  it('splits chunks into lines, across chunk boundaries, CRLF included, and flushes the rest', () => {
    const lines = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('ab');
    s.push('c\r\nde');
    s.push(Buffer.from('f\n\ng'));
    assert.deepEqual(lines, ['abc', 'def', '']);
    s.flush();
    assert.deepEqual(lines, ['abc', 'def', '', 'g']);
    s.flush();
    assert.equal(lines.length, 4);
  });

  it('keeps a multi-byte character split across chunks whole', () => {
    const lines = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('héllo €\n');
    s.push(bytes.subarray(0, 2));
    s.push(bytes.subarray(2, 8));
    s.push(bytes.subarray(8));
    assert.deepEqual(lines, ['héllo €']);
  });

  it('cuts an endless line into 64 KiB pieces', () => {
    const lines = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push('x'.repeat(150 * 1024));
    assert.equal(lines.length, 2);
    assert.ok(lines.every((l) => l.length === 64 * 1024));
    s.flush();
    assert.equal(lines[2].length, 22 * 1024);
  });

  it('rotates by size between lines: no line lost, none split, no file over the limit', () => {
    const dir = tmp();
    let t = new Date(2024, 4, 1, 12, 0, 0);
    const w = new LogWriter({ dir, name: 'svc', maxSize: 1000, now: () => t });
    for (let i = 1; i <= 500; i++) {
      w.writeLine(`line ${i} ${'y'.repeat(i % 50)}`);
      if (i % 100 === 0) t = new Date(t.getTime() + 1000);
    }
    w.close();
    const names = files(dir);
    assert.ok(names.includes('svc.log'));
    const rotated = names.filter((n) => n !== 'svc.log');
    assert.ok(rotated.length > 10);
    assert.ok(rotated.every((n) => /^svc\.20240501-1200\d\d\.\d{3}\.log$/.test(n)), rotated.join());
    const all = [];
    for (const n of [...rotated, 'svc.log']) {
      const text = read(dir, n);
      assert.ok(Buffer.byteLength(text) <= 1000);
      assert.ok(text.endsWith('\n'));
      all.push(...text.split('\n').filter(Boolean));
    }
    assert.deepEqual(all.map((l) => Number(l.split(' ')[1])), Array.from({ length: 500 }, (_, i) => i + 1), 'in order, each once');
    assert.ok(all.every((l, i) => l === `line ${i + 1} ${'y'.repeat((i + 1) % 50)}`));
  });

  it('a line longer than the limit gets a file of its own', () => {
    const dir = tmp();
    const w = new LogWriter({ dir, name: 'svc', maxSize: 10 });
    w.writeLine('short');
    w.writeLine('a much longer line than ten bytes');
    w.writeLine('x');
    w.close();
    const texts = files(dir).map((f) => read(dir, f));
    assert.deepEqual(texts.sort(), ['a much longer line than ten bytes\n', 'short\n', 'x\n'].sort());
  });

  it('keeps only the newest rotated files', () => {
    const dir = tmp();
    let t = new Date(2024, 0, 1, 0, 0, 0);
    const w = new LogWriter({ dir, name: 'svc', maxSize: 20, keep: 3, now: () => t });
    for (let i = 0; i < 20; i++) {
      w.writeLine(`entry number ${String(i).padStart(2, '0')}`);
      t = new Date(t.getTime() + 1000);
    }
    w.close();
    const rotated = files(dir).filter((n) => n !== 'svc.log');
    assert.equal(rotated.length, 3);
    assert.deepEqual(rotated.map((n) => read(dir, n).trim()), ['entry number 16', 'entry number 17', 'entry number 18']);
    assert.equal(read(dir, 'svc.log').trim(), 'entry number 19');
  });

  it('rotates when the day changes, and on open when the file is from an earlier day', () => {
    const dir = tmp();
    let t = new Date(2024, 0, 1, 23, 59, 58);
    const w = new LogWriter({ dir, name: 'svc', daily: true, now: () => t });
    w.writeLine('monday');
    t = new Date(2024, 0, 2, 0, 0, 1);
    w.writeLine('tuesday');
    w.close();
    assert.deepEqual(files(dir), ['svc.20240102-000001.001.log', 'svc.log']);
    assert.equal(read(dir, 'svc.20240102-000001.001.log'), 'monday\n');
    // A host starting on a later day finds yesterday's file: it is rotated before writing.
    fs.utimesSync(path.join(dir, 'svc.log'), new Date(2024, 0, 2, 10), new Date(2024, 0, 2, 10));
    t = new Date(2024, 0, 3, 8, 0, 0);
    const w2 = new LogWriter({ dir, name: 'svc', daily: true, now: () => t });
    w2.writeLine('wednesday');
    w2.close();
    assert.equal(read(dir, 'svc.log'), 'wednesday\n');
    assert.equal(files(dir).length, 3);
  });

  it('appends to an existing file and counts its size', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'svc.log'), 'x'.repeat(15) + '\n');
    const w = new LogWriter({ dir, name: 'svc', maxSize: 20 });
    w.writeLine('abcdefgh');
    w.close();
    assert.equal(files(dir).length, 2);
    assert.equal(read(dir, 'svc.log'), 'abcdefgh\n');
  });

  it('prefixes time stamps when asked, and a host prefix', () => {
    const dir = tmp();
    const w = new LogWriter({ dir, name: 'svc', timestamps: true, now: () => new Date(Date.UTC(2024, 1, 3, 4, 5, 6, 7)) });
    w.writeLine('hello', '[scm-native] ');
    w.close();
    assert.equal(read(dir, 'svc.log'), '2024-02-03T04:05:06.007Z [scm-native] hello\n');
  });

  it('does not treat other files in the folder as rotated logs', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'svc.status.json'), '{}');
    fs.writeFileSync(path.join(dir, 'svc2.20240101-000000.001.log'), 'other service');
    const w = new LogWriter({ dir, name: 'svc', maxSize: 5, keep: 1 });
    w.writeLine('aaaa');
    w.writeLine('bbbb');
    w.writeLine('cccc');
    w.close();
    assert.ok(files(dir).includes('svc.status.json'));
    assert.ok(files(dir).includes('svc2.20240101-000000.001.log'));
    assert.deepEqual(w.rotatedFiles().length, 1);
  });

  it('LineRing keeps the last lines', () => {
    const r = new LineRing(3);
    for (const l of ['a', 'b', 'c', 'd']) r.push(l);
    assert.deepEqual(r.items, ['b', 'c', 'd']);
    r.clear();
    assert.deepEqual(r.items, []);
  });
  it('rotateNow starts a new file between two lines, and does nothing to an empty file', () => {
    const dir = tmp();
    const w = new LogWriter({ dir, name: 'svc' });
    assert.equal(w.rotateNow(), false, 'nothing written yet');
    w.writeLine('one');
    assert.equal(w.rotateNow(), true);
    assert.equal(w.rotateNow(), false, 'the new file is empty');
    w.writeLine('two');
    w.close();
    const names = files(dir);
    assert.equal(names.length, 2);
    assert.match(names[0], /^svc\.\d{8}-\d{6}\.001\.log$/);
    assert.equal(read(dir, names[0]), 'one\n');
    assert.equal(read(dir, 'svc.log'), 'two\n');
  });
  it('batch: the lines of one batch go to the file in one write, written before batch returns', () => {
    const dir = tmp();
    const w = new LogWriter({ dir, name: 'svc' });
    w.writeLine('before');
    const original = fs.writeSync;
    const writes = [];
    fs.writeSync = function counted(fd, buffer, ...rest) {
      writes.push(Buffer.from(buffer).toString('utf8'));
      return original.call(this, fd, buffer, ...rest);
    };
    try {
      w.batch(() => {
        for (let i = 0; i < 100; i++) w.writeLine(`line ${i}`);
        assert.equal(writes.length, 0);
      });
    } finally {
      fs.writeSync = original;
    }
    assert.equal(writes.length, 1);
    const expected = ['before', ...Array.from({ length: 100 }, (_, i) => `line ${i}`)];
    assert.deepEqual(read(dir, 'svc.log').split('\n').slice(0, -1), expected);
    w.close();
  });

  it('batch: rotations by size inside a batch keep every line whole, in order, in the file its check chose', () => {
    const dir = tmp();
    const t = new Date(2024, 4, 1, 12, 0, 0);
    const w = new LogWriter({ dir, name: 'svc', maxSize: 1000, now: () => t });
    let n = 0;
    for (let chunk = 0; chunk < 20; chunk++) {
      w.batch(() => {
        for (let i = 0; i < 25; i++) w.writeLine(`line ${++n} ${'y'.repeat(n % 50)}`);
      });
    }
    w.close();
    const names = files(dir);
    const rotated = names.filter((f) => f !== 'svc.log');
    assert.ok(rotated.length > 10, names.join());
    const all = [];
    for (const f of [...rotated, 'svc.log']) {
      const text = read(dir, f);
      assert.ok(Buffer.byteLength(text) <= 1000, `${f}: ${Buffer.byteLength(text)} bytes`);
      assert.ok(text.endsWith('\n'));
      all.push(...text.split('\n').slice(0, -1));
    }
    assert.deepEqual(all, Array.from({ length: 500 }, (_, i) => `line ${i + 1} ${'y'.repeat((i + 1) % 50)}`));
  });

  it('batch: a requested rotation and close inside or after a batch write the pending lines first', () => {
    const dir = tmp();
    const w = new LogWriter({ dir, name: 'svc' });
    w.batch(() => {
      w.writeLine('old 1');
      w.writeLine('old 2');
      assert.equal(w.rotateNow(), true);
      w.writeLine('new 1');
    });
    w.batch(() => w.writeLine('new 2'));
    w.close();
    const rotated = files(dir).filter((f) => f !== 'svc.log');
    assert.equal(rotated.length, 1);
    assert.equal(read(dir, rotated[0]), 'old 1\nold 2\n');
    assert.equal(read(dir, 'svc.log'), 'new 1\nnew 2\n');
  });
});

describe('host log writer: a log the program writes itself (direct)', () => {
  const { readOutputTail } = require('../../dist/host/output-tail');
  const { checkDirectLog } = require('../../dist/host/setting-checks');

  it("never rotates between the host's lines; rotates by size at the program's start, reading the size from the file", () => {
    const dir = tmp();
    const w = new LogWriter({ dir, name: 'svc', maxSize: 100, direct: true });
    const first = w.programHandle();
    assert.equal(first.offset, 0);
    assert.equal(first.file, path.join(dir, 'svc.log'));
    // The program writes through its own handle (here: a write to the same descriptor).
    fs.writeSync(first.fd, 'p'.repeat(150) + '\n');
    for (let i = 0; i < 5; i++) w.writeLine(`host ${i}`);
    assert.deepEqual(files(dir), ['svc.log'], 'no rotation while the program may hold the file');
    const second = w.programHandle();
    assert.equal(second.offset, 0, 'a new file for the next run');
    w.close();
    const rotated = files(dir).filter((f) => f !== 'svc.log');
    assert.equal(rotated.length, 1);
    assert.equal(read(dir, rotated[0]), `${'p'.repeat(150)}\n${[0, 1, 2, 3, 4].map((i) => `host ${i}\n`).join('')}`);
  });

  it("keeps a file under the size limit, and rotates a file begun on another day at the program's start, not at the host's lines", () => {
    const dir = tmp();
    let t = new Date(2024, 0, 1, 12, 0, 0);
    const w = new LogWriter({ dir, name: 'svc', maxSize: 1000, daily: true, direct: true, now: () => t });
    const h = w.programHandle();
    fs.writeSync(h.fd, 'monday\n');
    assert.equal(w.programHandle().offset, 7, 'same day, small file: the same file, the next run starts at its end');
    t = new Date(2024, 0, 2, 9, 0, 0);
    w.writeLine('a host line on tuesday: no rotation yet');
    assert.deepEqual(files(dir), ['svc.log']);
    assert.equal(w.programHandle().offset, 0);
    w.close();
    assert.deepEqual(files(dir), ['svc.20240102-090000.001.log', 'svc.log']);
    assert.equal(read(dir, 'svc.20240102-090000.001.log'), 'monday\na host line on tuesday: no rotation yet\n');
  });

  it("the output tail: this run's lines only, without the host's, the first cut line dropped", () => {
    const dir = tmp();
    const file = path.join(dir, 'svc.log');
    fs.writeFileSync(file, 'an earlier run\n');
    const offset = fs.statSync(file).size;
    fs.appendFileSync(file, 'one\r\n2026-12-06T09:00:00.000Z [scm-native] program started (pid 4)\ntwo\n\nthree');
    assert.deepEqual(readOutputTail(file, offset), ['one', 'two', 'three']);
    assert.deepEqual(readOutputTail(path.join(dir, 'missing.log'), 0), []);
    fs.writeFileSync(file, `${'x'.repeat(70 * 1024)}\nlast\n`);
    assert.deepEqual(readOutputTail(file, 0), ['last'], 'a line cut by the 64 KiB limit is left out');
  });

  it('a direct log with timestamps is a RangeError naming both settings', () => {
    assert.throws(() => checkDirectLog({ direct: true, timestamps: true }, 'options'), { name: 'RangeError', message: /log\.direct.*--log-direct.*log\.timestamps.*--log-timestamps/ });
    checkDirectLog({ direct: true, timestamps: false }, 'options');
    checkDirectLog({ direct: false, timestamps: true }, 'options');
  });
});
