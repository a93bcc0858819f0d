'use strict';
// Locks that cannot be planted or stolen (issue 12, part 3; docs/security.md, "Locks"), in Windows
// node under Wine or on Windows: the cross-process lock is the lock file held open with share
// mode 0. Two processes contending are serialized; a killed holder's lock is free at once; a file
// planted beforehand (not held) does not block; a waiter never deletes the holder's file, and
// nobody else can delete or rename it while it is held.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('../support/child');
const { acquireLockFile, serialized, lockFileName, lockKey } = require('../../dist/declarative/lock');
const { underWine } = require('../support/scm');
const { alive, waitFor } = require('../support/wait');

const LOCK_MODULE = JSON.stringify(path.resolve(__dirname, '../../dist/declarative/lock'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-locks-'));
const lockDir = path.join(work, 'locks');
let caseCounter = 0;
const children = [];

/** A fresh lock key and its file for one test. */
function newLock(tag) {
  caseCounter += 1;
  const key = lockKey(`scmn-lock-${tag}-${process.pid}-${caseCounter}`, null);
  return { key, file: path.join(lockDir, lockFileName(key)) };
}

/** node.exe -e `script`; under Wine, one retry of a `spawn UNKNOWN` (docs/wine.md). */
function spawnNode(script) {
  const run = () => spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  let child;
  try {
    child = run();
  } catch (error) {
    if (!underWine || error.code !== 'UNKNOWN') throw error;
    process.stderr.write('[test] spawn UNKNOWN under Wine: spawning again once\n');
    child = run();
  }
  children.push(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited };
}

/**
 * A child that takes the lock of `file`, writes `marker`, then holds the lock until killed. With
 * `grandchild`, it first starts a node of its own (pid written to `marker`) that outlives it.
 */
async function holder(file, { grandchild = false } = {}) {
  const marker = `${file}.${caseCounter}.held`;
  const h = spawnNode(`
    const fs = require('node:fs');
    const { spawn } = require('node:child_process');
    const { acquireLockFile } = require(${LOCK_MODULE});
    acquireLockFile(${JSON.stringify(file)}, new AbortController().signal).then(() => {
      const g = ${grandchild} ? spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore', detached: true }) : null;
      fs.writeFileSync(${JSON.stringify(marker)}, String(g ? g.pid : ''));
      setInterval(() => {}, 1000);
    });`);
  await waitFor('the child to hold the lock', () => fs.existsSync(marker), 30000, 25);
  const pid = Number(fs.readFileSync(marker, 'utf8'));
  return { ...h, grandchildPid: pid > 0 ? pid : null };
}

/** Calls to fs functions that delete or rename a `.lock` file, made in this process. */
const removals = [];
const SPIED = ['rmSync', 'unlinkSync', 'renameSync', 'rm', 'unlink', 'rename'];
const originals = {};

/** Enters the lock of `key` twice, writing enter/exit lines around a 400 ms hold (also run as a child's source). */
async function enterTwice(serializedFn, key, dir, journal, who) {
  const fsm = require('node:fs');
  for (let i = 0; i < 2; i++) {
    await serializedFn(key, dir, new AbortController().signal, async () => {
      fsm.appendFileSync(journal, `enter ${who} ${Date.now()}\n`);
      await new Promise((r) => setTimeout(r, 400));
      fsm.appendFileSync(journal, `exit ${who} ${Date.now()}\n`);
    });
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('locks held with share mode 0', function () {
  this.timeout(90000);

  before(() => {
    for (const name of SPIED) {
      originals[name] = fs[name];
      fs[name] = function spy(target, ...rest) {
        if (String(target).endsWith('.lock')) removals.push(`${name} ${target}`);
        return originals[name].call(this, target, ...rest);
      };
    }
  });

  after(() => {
    for (const name of SPIED) fs[name] = originals[name];
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill();
  });

  it('two processes contending for one lock are serialized', async () => {
    const { key } = newLock('contend');
    const journal = path.join(work, `journal-${caseCounter}.txt`);
    const go = path.join(work, `go-${caseCounter}`);
    const ready = path.join(work, `ready-${caseCounter}`);
    const args = [key, lockDir, journal];
    const { exited } = spawnNode(`
      const fs = require('node:fs');
      const { serialized } = require(${LOCK_MODULE});
      (async () => {
        fs.writeFileSync(${JSON.stringify(ready)}, '');
        while (!fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 10));
        await (${enterTwice})(serialized, ...${JSON.stringify(args)}, 'child');
      })().then(() => process.exit(0), () => process.exit(1));`);
    await waitFor('the child to start', () => fs.existsSync(ready), 30000, 25);
    fs.writeFileSync(go, '');
    await enterTwice(serialized, ...args, 'parent');
    assert.deepEqual(await exited, { code: 0, signal: null });
    const lines = fs.readFileSync(journal, 'utf8').trim().split('\n').map((l) => l.split(' '));
    assert.equal(lines.length, 8, lines.join('\n'));
    for (let i = 0; i < lines.length; i += 2) {
      assert.equal(lines[i][0], 'enter', lines.join('\n'));
      assert.equal(lines[i + 1][0], 'exit', lines.join('\n'));
      assert.equal(lines[i + 1][1], lines[i][1], 'the same process leaves what it entered');
      if (i > 0) assert.ok(Number(lines[i][2]) >= Number(lines[i - 1][2]), 'no one enters before the last one left');
    }
    assert.deepEqual(new Set(lines.map((l) => l[1])), new Set(['parent', 'child']));
  });

  it("a killed holder's lock is free at once", async () => {
    const { file } = newLock('killed');
    const { child, exited } = await holder(file);
    await assert.rejects(acquireLockFile(file, AbortSignal.timeout(300)), { name: 'TimeoutError' }, 'held by the child');
    child.kill();
    await exited;
    const t0 = Date.now();
    const release = await acquireLockFile(file, AbortSignal.timeout(10000));
    const took = Date.now() - t0;
    release();
    assert.ok(took < 500, `took ${took} ms`);
  });

  it("a process the holder started does not keep the lock once the holder is killed (handles are not inherited)", async () => {
    const { file } = newLock('inherit');
    const { child, exited, grandchildPid } = await holder(file, { grandchild: true });
    assert.ok(grandchildPid, 'the holder started a process');
    try {
      child.kill();
      await exited;
      assert.ok(alive(grandchildPid), 'the process the holder started still runs');
      (await acquireLockFile(file, AbortSignal.timeout(2000)))();
    } finally {
      try { process.kill(grandchildPid); } catch { /* gone */ }
    }
  });

  it('a planted lock file (created beforehand, not held) does not block', async () => {
    const { file } = newLock('planted');
    fs.mkdirSync(lockDir, { recursive: true });
    // What the old scheme read as a live owner: this very process's pid, a fresh time.
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, token: 'planted', at: new Date().toISOString() }));
    fs.chmodSync(file, 0o444); // FILE_ATTRIBUTE_READONLY
    const t0 = Date.now();
    const release = await acquireLockFile(file, AbortSignal.timeout(10000));
    const took = Date.now() - t0;
    release();
    assert.ok(took < 500, `took ${took} ms`);
    assert.equal(fs.existsSync(file), true, 'the holder leaves the file in place');
    // And the next process takes it too.
    const { exited } = spawnNode(`
      const { acquireLockFile } = require(${LOCK_MODULE});
      acquireLockFile(${JSON.stringify(file)}, AbortSignal.timeout(5000)).then((release) => { release(); process.exit(0); }, () => process.exit(3));`);
    assert.deepEqual(await exited, { code: 0, signal: null });
  });

  it("a waiter never deletes the holder's file, and nobody can delete or rename it while held", async () => {
    const { file } = newLock('waiter');
    const { child, exited } = await holder(file);
    const before = fs.statSync(file); // reading attributes is not refused by share mode 0
    await assert.rejects(acquireLockFile(file, AbortSignal.timeout(800)), { name: 'TimeoutError' });
    assert.deepEqual(removals, [], 'the lock code removed or renamed nothing');
    assert.equal(fs.existsSync(file), true);
    assert.equal(fs.statSync(file).ino, before.ino, 'the same file');
    // A hostile process of the same account cannot take it away either.
    assert.throws(() => fs.unlinkSync(file), { code: 'EBUSY' });
    assert.throws(() => fs.renameSync(file, `${file}.moved`), { code: 'EBUSY' });
    assert.throws(() => fs.openSync(file, 'r'), { code: 'EBUSY' });
    removals.length = 0;
    await assert.rejects(acquireLockFile(file, AbortSignal.timeout(300)), { name: 'TimeoutError' }, 'still held by the child');
    child.kill();
    await exited;
    (await acquireLockFile(file, AbortSignal.timeout(10000)))();
  });
});
