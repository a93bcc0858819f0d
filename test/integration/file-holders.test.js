'use strict';
// Files the host writes while another process holds them (issue 13, part A), with real holds, in
// Windows node under Wine or on Windows. The holder opens the file with share mode 0 (libuv's
// UV_FS_O_EXLOCK, as lib/declarative/lock.ts does): no FILE_SHARE_DELETE, so a rename of the file
// (or onto it) is refused, and no write sharing either. Every line written must be found exactly
// once across the log files; the status and pid files must get their new content once the hold
// ends within the retry window.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('../support/child');
const { LogWriter, rotatedLogFiles } = require('../../dist/host/log-writer');
const { readStatusFile, writeStatusFile } = require('../../dist/host/status-file');
const { writePidFile } = require('../../dist/host/pid-file');
const { underWine } = require('../support/scm');

const EXLOCK = 0x10000000; // UV_FS_O_EXLOCK: share mode 0 (not in fs.constants on Windows)
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-holders-'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
const newDir = () => {
  counter += 1;
  const dir = path.join(work, `case${counter}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
};

/** Every line of the log `name`, rotated files (oldest first) then the current one. */
function allLines(dir, name) {
  const files = [...rotatedLogFiles(dir, name), path.join(dir, `${name}.log`)].filter((f) => fs.existsSync(f));
  return files.flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean));
}

/**
 * Another node.exe holding `file` with share mode 0 for `ms` after it has it; resolves once it
 * holds it, with a promise of its exit.
 */
function holdInChild(file, ms) {
  const script = `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(file)}, fs.constants.O_RDONLY | ${EXLOCK});`
    + ` process.stdout.write('held\\n'); setTimeout(() => { fs.closeSync(fd); process.exit(0); }, ${ms});`;
  const spawnIt = () => spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let child;
  try {
    child = spawnIt();
  } catch (error) {
    if (!underWine || error.code !== 'UNKNOWN') throw error;
    process.stderr.write('[test] spawn UNKNOWN under Wine: spawning again once\n');
    child = spawnIt();
  }
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('held')) resolve({ exited });
    });
    child.on('exit', (code) => reject(new Error(`holder exited ${code} before holding: ${err}`)));
  });
}

describe('files held by another process (share mode 0)', function () {
  this.timeout(60000);

  it('the log writer keeps its file open through a rotation: a holder cannot get in, the rename works', () => {
    const dir = newDir();
    const w = new LogWriter({ dir, name: 'svc', maxSize: 50 });
    w.writeLine('first');
    assert.throws(() => fs.openSync(path.join(dir, 'svc.log'), fs.constants.O_RDONLY | EXLOCK), { code: 'EBUSY' });
    for (let i = 0; i < 20; i++) w.writeLine(`line ${i}`);
    w.close();
    assert.ok(rotatedLogFiles(dir, 'svc').length >= 2, 'rotated while open');
    assert.deepEqual(allLines(dir, 'svc'), ['first', ...Array.from({ length: 20 }, (_, i) => `line ${i}`)]);
  });

  it('log lines written while the log is held (rotation refused, file not openable) all arrive, each once', async () => {
    const dir = newDir();
    const file = path.join(dir, 'svc.log');
    const w = new LogWriter({ dir, name: 'svc', maxSize: 400, retryMs: 50, notePrefix: () => '[host] ' });
    const written = [];
    const line = (i) => {
      const text = `line ${i} ${'x'.repeat(i % 17)}`;
      written.push(text);
      w.writeLine(text);
    };
    for (let i = 1; i <= 30; i++) line(i);
    // The host closes its log when the service stops; a reader takes it with no sharing.
    w.close();
    const holder = fs.openSync(file, fs.constants.O_RDONLY | EXLOCK);
    assert.throws(() => fs.renameSync(file, `${file}.moved`), (e) => e.code === 'EBUSY' || e.code === 'EPERM');
    try {
      for (let i = 31; i <= 70; i++) line(i);
      w.rotateNow();
      for (let i = 71; i <= 80; i++) line(i);
    } finally {
      fs.closeSync(holder);
    }
    await sleep(100);
    for (let i = 81; i <= 100; i++) line(i);
    w.close();
    const lines = allLines(dir, 'svc');
    assert.deepEqual(lines.filter((l) => l.startsWith('line ')), written, 'every line once, in order');
    const notes = lines.filter((l) => l.startsWith('[host] '));
    assert.ok(notes.some((l) => /cannot open the log file .*svc\.log \(EBUSY: another process holds it without sharing\)/.test(l)), notes.join('\n'));
    assert.ok(notes.some((l) => /can be written again/.test(l)), notes.join('\n'));
  });

  it('status and pid files: a rename onto a file another process holds is tried again until the hold ends', async () => {
    const dir = newDir();
    const status = path.join(dir, 'svc.status.json');
    const pidFile = path.join(dir, 'svc.pid');
    writeStatusFile(status, { service: 'svc', state: 'old' });
    fs.writeFileSync(pidFile, '1\n');
    for (const [file, write, check] of [
      [status, () => writeStatusFile(status, { service: 'svc', state: 'new' }), () => assert.equal(readStatusFile(status).state, 'new')],
      [pidFile, () => assert.equal(writePidFile(pidFile, 4242), null), () => assert.equal(fs.readFileSync(pidFile, 'utf8'), '4242\n')],
    ]) {
      const { exited } = await holdInChild(file, 200);
      const started = Date.now();
      write();
      const took = Date.now() - started;
      check();
      await exited;
      assert.ok(took < 3000, `the write took ${took} ms`);
      assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
    }
  });
});
