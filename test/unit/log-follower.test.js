'use strict';
// Following the service log (`scm-native logs --follow`): the backlog across rotated files, then
// every later line once and in order, however many rotations happen between two polls.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { LogFollower } = require('../../dist/host/log-follower');
const { LogWriter } = require('../../dist/host/log-writer');

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-follow-'));
const line = (n) => `line ${n} ${'x'.repeat(n % 50)}`;
const numbers = (text) => text.split('\n').filter(Boolean).map((l) => Number(/^line (\d+) x*$/.exec(l)[1]));
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('host log follower', () => {
  it('starts with the last lines, reaching back into rotated files, then returns only new lines', () => {
    const dir = tmp();
    const writer = new LogWriter({ dir, name: 'svc', maxSize: 1024 });
    for (let n = 1; n <= 200; n++) writer.writeLine(line(n));
    assert.ok(writer.rotatedFiles().length >= 5);
    const follower = new LogFollower(dir, 'svc');
    assert.deepEqual(follower.start(150).map((l) => Number(/^line (\d+)/.exec(l)[1])), range(51, 200));
    assert.equal(follower.poll(), '');
    for (let n = 201; n <= 205; n++) writer.writeLine(line(n));
    assert.deepEqual(numbers(follower.poll()), range(201, 205));
    assert.equal(follower.poll(), '');
    writer.close();
  });

  it('returns every line once, in order, when several rotations happen between two polls', () => {
    const dir = tmp();
    const writer = new LogWriter({ dir, name: 'svc', maxSize: 512 });
    writer.writeLine(line(1));
    const follower = new LogFollower(dir, 'svc');
    const seen = numbers(`${follower.start(10).join('\n')}\n`);
    let n = 1;
    for (const burst of [1, 3, 40, 0, 100, 7, 250]) {
      for (let i = 0; i < burst; i++) writer.writeLine(line(++n));
      seen.push(...numbers(follower.poll()));
    }
    assert.ok(writer.rotatedFiles().length >= 20);
    assert.deepEqual(seen, range(1, n));
    writer.close();
  });

  it('holds back a half-written line, a split multi-byte character included, until its newline', () => {
    const dir = tmp();
    const file = path.join(dir, 'svc.log');
    fs.writeFileSync(file, '');
    const follower = new LogFollower(dir, 'svc');
    assert.deepEqual(follower.start(5), []);
    const euro = Buffer.from('€');
    fs.appendFileSync(file, Buffer.concat([Buffer.from('price 5'), euro.subarray(0, 1)]));
    assert.equal(follower.poll(), '');
    fs.appendFileSync(file, Buffer.concat([euro.subarray(1), Buffer.from('\nnext')]));
    assert.equal(follower.poll(), 'price 5€\n');
    fs.appendFileSync(file, '\n');
    assert.equal(follower.poll(), 'next\n');
  });

  it('goes on with the current file when `keep` deleted the file it was in', () => {
    const dir = tmp();
    const writer = new LogWriter({ dir, name: 'svc', maxSize: 256, keep: 1 });
    for (let n = 1; n <= 3; n++) writer.writeLine(line(n));
    const follower = new LogFollower(dir, 'svc');
    follower.start(0);
    let n = 3;
    for (let i = 0; i < 60; i++) writer.writeLine(line(++n));
    const seen = numbers(follower.poll());
    assert.ok(seen.length > 0 && seen.length < n - 3, `${seen.length} lines`);
    assert.deepEqual(seen, range(seen[0], n), 'the lines still on disk, in order, none twice');
    writer.close();
  });

  it('before the log exists: no backlog, then the first lines once they are written', () => {
    const dir = path.join(tmp(), 'logs');
    const follower = new LogFollower(dir, 'svc');
    assert.deepEqual(follower.start(10), []);
    assert.equal(follower.poll(), '');
    const writer = new LogWriter({ dir, name: 'svc', maxSize: 4096 });
    writer.writeLine(line(1));
    writer.writeLine(line(2));
    assert.deepEqual(numbers(follower.poll()), [1, 2]);
    writer.close();
  });

  it('follows another process writing and rotating at full speed: every line once, in order', async () => {
    const dir = tmp();
    const total = 20000;
    const script = `
      const { LogWriter } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/host/log-writer'))});
      const w = new LogWriter({ dir: ${JSON.stringify(dir)}, name: 'svc', maxSize: 2048 });
      for (let n = 1; n <= ${total}; n++) w.writeLine('line ' + n + ' ' + 'x'.repeat(n % 50));
      w.close();`;
    const follower = new LogFollower(dir, 'svc');
    follower.start(0);
    const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let done = false;
    exited.then(() => { done = true; });
    const seen = [];
    while (!done) {
      seen.push(...numbers(follower.poll()));
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    assert.equal(await exited, 0);
    seen.push(...numbers(follower.poll()));
    assert.ok(fs.readdirSync(dir).length > 100, 'the writer rotated often');
    assert.equal(seen.length, total);
    assert.deepEqual(seen, range(1, total));
  });
});
