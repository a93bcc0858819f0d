'use strict';
// Stop method `command` (stop-command.ts, program.ts): the settings refuse it without a command;
// the command runs with the start's environment, its arguments expanded, and its end is logged;
// a start whose environment file is gone fails as a run that could not start.
const assert = require('node:assert/strict');
const path = require('node:path');
const os = require('node:os');
const { checkSettings } = require('../../dist/host/settings');
const { runStopCommand } = require('../../dist/host/stop-command');
const { startEnvironment } = require('../../dist/host/start-environment');
const { launchProgram } = require('../../dist/host/program');

const stored = (extra) => ({
  version: 1, program: 'C:\\app\\app.exe', args: [], kind: 'exe', interpreter: null, cwd: 'C:\\app', log: { dir: 'C:\\logs' }, ...extra,
});

function waitForNote(notes, pattern) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const found = notes.find((n) => pattern.test(n));
      if (found) resolve(found);
      else if (Date.now() - started > 10000) reject(new Error(`no note matching ${pattern}: ${notes.join(' | ')}`));
      else setTimeout(check, 20);
    };
    check();
  });
}

describe('stop command', () => {
  it("stored settings with stop method 'command' need a stop command", () => {
    assert.throws(() => checkSettings(stored({ stopMethod: 'command' })), /stop method 'command' needs the command to run/);
    const ok = checkSettings(stored({ stopMethod: 'command', stopCommand: ['C:\\app\\ctl.exe', 'stop'] }));
    assert.deepEqual([ok.stopMethod, ok.stopCommand, ok.envFile, ok.postStart, ok.preStop], ['command', ['C:\\app\\ctl.exe', 'stop'], null, null, null]);
    assert.equal(checkSettings(stored({ stopCommand: ['C:\\app\\ctl.exe'] })).stopMethod, 'ctrl-c', 'kept, unused, with another method');
  });

  it('runs with the start environment, arguments expanded, output and end logged', async () => {
    const notes = [];
    const lines = [];
    const start = startEnvironment(stored({ env: { WHO: 'app' }, envUnset: [], pathPrepend: [], envFile: null }), 'svc', { PATH: process.env.PATH });
    runStopCommand([process.execPath, '-e', 'console.log(process.argv[1], process.env.SCM_NATIVE_SERVICE); process.exit(3)', 'stop-%WHO%'], {
      cwd: os.tmpdir(), start, timeoutMs: 10000, note: (m) => notes.push(m), output: (l) => lines.push(l), programExited: () => false,
    });
    assert.match(notes[0], /^asking the program to stop: running the stop command .* stop-app$/);
    await waitForNote(notes, /the stop command exited with code 3; the program's process tree is terminated at the stop timeout/);
    assert.deepEqual(lines, ['[stop-command] stop-app svc']);
  });

  it('a command that outlives the stop timeout is terminated', async () => {
    const notes = [];
    const start = startEnvironment(stored({ env: {}, envUnset: [], pathPrepend: [], envFile: null }), 'svc', {});
    runStopCommand([process.execPath, '-e', 'setTimeout(() => {}, 60000)'], {
      cwd: os.tmpdir(), start, timeoutMs: 300, note: (m) => notes.push(m), output: () => {}, programExited: () => true,
    });
    await waitForNote(notes, /the stop command did not finish within 0\.3 s: terminated \(the program had exited by then\)/);
  });

  it('a start whose environment file is gone is a run that could not start, and says why', async () => {
    const notes = [];
    let ended = false;
    const envFile = path.join(os.tmpdir(), `scm-native-gone-${process.pid}.env`);
    const settings = checkSettings(stored({ envFile, stopMethod: 'kill' }));
    const program = launchProgram({
      service: 'svc', settings, inJob: false, note: (m) => notes.push(m), output: { stdout() {}, stderr() {}, end() { ended = true; } },
    });
    assert.equal(program.pid, undefined);
    const exit = await program.exited;
    assert.equal(exit.code, null);
    assert.match(exit.error, /environment file .* does not exist/);
    assert.match(notes[0], /^the program cannot start: the environment file/);
    assert.equal(ended, true);
  });
});
