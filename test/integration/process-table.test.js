'use strict';
// The native process table (issue 15): image paths and command lines read from each process's PEB
// (Wine 8 refuses ProcessCommandLineInformation), and a terminate that leaves a reused pid alone.
const { spawn } = require('../support/child');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');
const { processGone, waitFor } = require('../support/wait');

const SLEEPER = path.join(__dirname, '..', 'fixtures', 'sleeper.js');

describe('process table: listProcesses and terminateProcess', function () {
  this.timeout(60000);
  const children = [];
  const marker = `scmn-pt-${process.pid}`;

  function sleeper(...args) {
    const child = spawn(process.execPath, [SLEEPER, ...args], { stdio: 'ignore' });
    children.push(child);
    return child;
  }

  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill();
  });

  it('lists this process with its image path and its command line', async () => {
    const table = await scm.listProcesses();
    const me = table.find((p) => p.pid === process.pid);
    assert.ok(me, 'this process is listed');
    assert.equal(path.win32.normalize(me.image).toLowerCase(), path.win32.normalize(process.execPath).toLowerCase());
    assert.equal(typeof me.commandLine, 'string');
    assert.match(me.commandLine, /mocha/i);
    assert.equal(typeof me.createdMs, 'number');
    assert.ok(me.createdMs <= Date.now() && me.createdMs > Date.now() - 3600000, `created ${new Date(me.createdMs).toISOString()}`);
    assert.equal(me.exeName.toLowerCase(), path.win32.basename(process.execPath).toLowerCase());
    assert.ok(table.length > 3, `${table.length} processes`);
  });

  it('reads the command lines of child processes, arguments with spaces included', async () => {
    const a = sleeper(`${marker}-a`, 'with space');
    const b = sleeper(`${marker}-b`);
    const rows = await waitFor('both children listed', async () => {
      const t = await scm.listProcesses();
      const found = [a, b].map((c) => t.find((p) => p.pid === c.pid && p.commandLine));
      return found.every(Boolean) && found;
    });
    assert.equal(rows[0].parentPid, process.pid);
    assert.deepEqual(scm.parseCommandLine(rows[0].commandLine).slice(1), [SLEEPER, `${marker}-a`, 'with space']);
    assert.deepEqual(scm.parseCommandLine(rows[1].commandLine).slice(1), [SLEEPER, `${marker}-b`]);
  });

  it('terminateProcess ends the process named by pid and creation time, and refuses another creation time', async () => {
    const c = sleeper(`${marker}-t`);
    const row = await waitFor('the child listed', async () => (await scm.listProcesses()).find((p) => p.pid === c.pid));
    assert.equal(scm.terminateProcess(c.pid, { createdMs: row.createdMs - 1000 }), false, 'another creation time: left alone');
    assert.equal(c.exitCode, null);
    assert.equal(scm.terminateProcess(c.pid, { createdMs: row.createdMs, exitCode: 7 }), true);
    assert.ok(await processGone(c.pid), 'terminated');
    await waitFor('the exit event', () => c.exitCode !== null);
    assert.equal(c.exitCode, 7);
    assert.equal(scm.terminateProcess(c.pid, { createdMs: row.createdMs }), false, 'gone: false');
  });

  it('checks its arguments before any native call', () => {
    assert.throws(() => scm.terminateProcess(0), RangeError);
    assert.throws(() => scm.terminateProcess('1'), TypeError);
    assert.throws(() => scm.terminateProcess(5, { createdMs: 'x' }), TypeError);
  });
});
