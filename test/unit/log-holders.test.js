'use strict';
// The log writer, the status file and the pid file when another process holds a file (issue 13):
// Windows refuses a rename (EBUSY/EPERM) while a reader holds the file without FILE_SHARE_DELETE,
// and an open while one holds it with no sharing at all. Simulated here by failing fs calls (the
// real holds run under Wine in test/integration/file-holders.test.js).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { LogWriter } = require('../../dist/host/log-writer');
const { writeStatusFile, readStatusFile } = require('../../dist/host/status-file');
const { writePidFile } = require('../../dist/host/pid-file');
const { renameWithRetry } = require('../../dist/host/atomic-rename');

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-hold-'));
const busy = (syscall, code = 'EBUSY') => Object.assign(new Error(`${code}: resource busy or locked, ${syscall}`), { code, syscall });

/** Replaces fs[name] while `held()` says so for `file`; returns the restore function. */
function failWhile(name, file, held, code = 'EBUSY', calls = { n: 0 }) {
  const original = fs[name];
  fs[name] = function patched(target, ...rest) {
    // The path given, or for a rename its target (the file being replaced).
    const paths = name === 'renameSync' ? [target, rest[0]] : [target];
    if (paths.some((p) => path.resolve(String(p)) === path.resolve(file)) && held(rest)) {
      calls.n += 1;
      throw busy(name, code);
    }
    return original.call(this, target, ...rest);
  };
  return () => { fs[name] = original; };
}

/** Every line of every log file of `name` in `dir`, oldest file first. */
function allLines(dir, name) {
  const rotated = fs.readdirSync(dir).filter((n) => n.startsWith(`${name}.`) && n !== `${name}.log` && n.endsWith('.log')).sort();
  const order = [...rotated, ...(fs.existsSync(path.join(dir, `${name}.log`)) ? [`${name}.log`] : [])];
  return order.flatMap((n) => fs.readFileSync(path.join(dir, n), 'utf8').split('\n').filter(Boolean));
}

describe('files held by another process', () => {
  it('log: a rotation whose rename fails keeps appending, says so once, and rotates once the rename works', () => {
    const dir = tmp();
    let t = new Date(2024, 4, 1, 12, 0, 0);
    let held = false;
    const w = new LogWriter({ dir, name: 'svc', maxSize: 200, now: () => t, retryMs: 5000, notePrefix: () => '[host] ' });
    const restore = failWhile('renameSync', path.join(dir, 'svc.log'), () => held, 'EBUSY');
    try {
      for (let i = 1; i <= 100; i++) {
        if (i === 20) held = true;
        if (i === 70) held = false;
        w.writeLine(`line ${i}`);
        t = new Date(t.getTime() + 200);
      }
    } finally {
      restore();
      w.close();
    }
    const lines = allLines(dir, 'svc');
    const numbered = lines.filter((l) => l.startsWith('line ')).map((l) => Number(l.slice(5)));
    assert.deepEqual(numbered, Array.from({ length: 100 }, (_, i) => i + 1), 'every line once, in order');
    const notes = lines.filter((l) => l.startsWith('[host] '));
    assert.equal(notes.length, 1, notes.join('\n'));
    assert.match(notes[0], /cannot rotate the log file .*svc\.log \(EBUSY: another process holds it without delete sharing\): appending to it and trying again every 5 s/);
    assert.ok(fs.statSync(path.join(dir, 'svc.log')).size <= 200, 'rotating again after the hold');
  });

  it('log: EPERM (access denied, as Windows reports a delete-pending or held file) is treated the same', () => {
    const dir = tmp();
    let t = new Date(2024, 4, 1, 12, 0, 0);
    const w = new LogWriter({ dir, name: 'svc', maxSize: 50, now: () => t, retryMs: 1000 });
    const restore = failWhile('renameSync', path.join(dir, 'svc.log'), () => true, 'EPERM');
    try {
      for (let i = 1; i <= 30; i++) {
        w.writeLine(`line ${i}`);
        t = new Date(t.getTime() + 100);
      }
      assert.equal(w.rotateNow(), false, 'rotateNow reports the failed rotation');
    } finally {
      restore();
      w.close();
    }
    assert.deepEqual(allLines(dir, 'svc').map((l) => Number(l.slice(5))), Array.from({ length: 30 }, (_, i) => i + 1));
  });

  for (const batchOf of [1, 7]) it(`log: a current file that cannot be opened (no sharing) gets a stand-in file; every line once, in order (${batchOf === 1 ? 'a write per line' : `batches of ${batchOf} lines`})`, () => {
    const dir = tmp();
    let t = new Date(2024, 4, 1, 12, 0, 0);
    let held = false;
    const file = path.join(dir, 'svc.log');
    // 10 ms a line: the rotated files, stand-ins included, share their time stamps (names differ by counter).
    const w = new LogWriter({ dir, name: 'svc', maxSize: 120, now: () => t, retryMs: 200, notePrefix: () => '[host] ' });
    const restoreOpen = failWhile('openSync', file, () => held);
    const restoreRename = failWhile('renameSync', file, () => held);
    try {
      for (let first = 1; first <= 100; first += batchOf) {
        w.batch(() => {
          for (let i = first; i < first + batchOf && i <= 100; i++) {
            if (i === 25) { w.close(); held = true; }
            if (i === 60) held = false;
            w.writeLine(`line ${i}`);
            t = new Date(t.getTime() + 10);
          }
        });
      }
    } finally {
      restoreOpen();
      restoreRename();
      w.close();
    }
    const lines = allLines(dir, 'svc');
    assert.deepEqual(lines.filter((l) => l.startsWith('line ')).map((l) => Number(l.slice(5))), Array.from({ length: 100 }, (_, i) => i + 1), 'every line once, in order');
    assert.ok(lines.some((l) => /^\[host\] cannot open the log file .*svc\.log \(EBUSY: another process holds it without sharing\): writing to svc\.\d{8}-\d{6}\.\d{3}\.log until it can$/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^\[host\] the log file .*svc\.log can be written again$/.test(l)));
  });

  it('status and pid files: a rename refused for a while (EPERM/EBUSY) is tried again; a lasting one is bounded', () => {
    const dir = tmp();
    const status = path.join(dir, 'svc.status.json');
    const pid = path.join(dir, 'svc.pid');
    for (const code of ['EPERM', 'EBUSY']) {
      const calls = { n: 0 };
      let restore = failWhile('renameSync', status, () => calls.n < 3, code, calls);
      try {
        writeStatusFile(status, { service: 'svc', hostPid: 1, state: code });
      } finally {
        restore();
      }
      assert.equal(readStatusFile(status).state, code);
      const pidCalls = { n: 0 };
      restore = failWhile('renameSync', pid, () => pidCalls.n < 3, code, pidCalls);
      try {
        assert.equal(writePidFile(pid, 4242), null);
      } finally {
        restore();
      }
      assert.equal(fs.readFileSync(pid, 'utf8'), '4242\n');
    }
    const restore = failWhile('renameSync', pid, () => true, 'EBUSY');
    const started = Date.now();
    try {
      assert.match(writePidFile(pid, 7), /EBUSY/);
      assert.throws(() => renameWithRetry(`${pid}.x`, pid, [1, 1]), /EBUSY/);
    } finally {
      restore();
    }
    assert.ok(Date.now() - started < 3000);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  });
});
