'use strict';
// Node programs running as real services under the SCM, through runAsService
// (test/fixtures/node-service.js). Each scenario installs the fixture with its own log file.
const path = require('node:path');
const { spawn } = require('../support/child');
const scm = require('../..');
const { binding } = require('../../binding');
const { assert, deleteQuietly, itWindowsOnly, rejectsWithCode, underWine, uniqueServiceName } = require('../support/scm');
const { FIXTURE, installFixture, logDir, processGone, readLog, waitForLog } = require('../support/fixture-service');

const created = [];
const install = (scenario, options) => installFixture(created, scenario, options);

const control = (name, code) => binding.controlService(null, null, name, code);

describe('runAsService: a Node program as a service', function () {
  this.timeout(60000);
  after(async () => {
    await deleteQuietly(scm, created);
  });

  it('starts with arguments, pauses, continues, takes user and paramchange controls, stops with exit codes, exits by itself', async () => {
    const { name, logFile } = await install('basic');
    assert.equal(await scm.startService(name, { args: ['exit=0', 'service=42'], wait: 15000 }), true);
    const startLine = await waitForLog(logFile, (e) => e.control === 'start');
    assert.deepEqual(startLine.extra, [['exit=0', 'service=42']]);
    assert.ok(startLine.seq > 0);
    const first = readLog(logFile)[0];
    assert.equal(first.isRunningAsService, true, 'isRunningAsService() inside the service');
    const running = await scm.getServiceStatus(name);
    assert.equal(running.state, 'running');
    assert.equal(running.pid, startLine.pid);
    assert.ok(running.acceptedControls.includes('pause_continue'));

    await control(name, 2);
    assert.equal((await scm.waitForServiceState(name, 'paused', { timeout: 5000 })).outcome, 'reached');
    await control(name, 3);
    assert.equal((await scm.waitForServiceState(name, 'running', { timeout: 5000 })).outcome, 'reached');
    await control(name, 200);
    await waitForLog(logFile, (e) => e.control === 'user_defined' && e.code === 200);
    await control(name, 6);
    await waitForLog(logFile, (e) => e.control === 'paramchange');
    const seqs = readLog(logFile).filter((e) => e.event === 'control').map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'sequence numbers increase');

    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
    const stopped = await scm.getServiceStatus(name);
    assert.equal(stopped.exitCode, 1066);
    assert.equal(stopped.serviceCode, 42);
    await waitForLog(logFile, (e) => e.control === 'all_stopped');
    await waitForLog(logFile, (e) => e.event === 'all-done');
    assert.equal(await processGone(startLine.pid), true, 'the service process exited by itself');
  });

  it('a handler that answers pause/continue at once makes its answer the reply to the control itself', async () => {
    // HandlerEx waits a moment for the app's answer and reports it from its own thread, so the
    // client's ControlService returns the final state (as from a native service) instead of the
    // pending one. A busy machine may miss the moment now and then: one of three cycles suffices.
    const { name } = await install('basic');
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    const answers = [];
    for (let i = 0; i < 3 && !answers.includes('7/4'); i++) {
      const paused = await control(name, 2);
      assert.equal((await scm.waitForServiceState(name, 'paused', { timeout: 5000 })).outcome, 'reached');
      const resumed = await control(name, 3);
      assert.equal((await scm.waitForServiceState(name, 'running', { timeout: 5000 })).outcome, 'reached');
      answers.push(`${paused.currentState}/${resumed.currentState}`);
    }
    assert.ok(answers.includes('7/4'), `ControlService answers (pause/continue states): ${answers.join(', ')}`);
    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
  });

  it('keeps the SCM informed while a slow handler has not answered start', async () => {
    const { name, logFile } = await install('slow');
    assert.equal(await scm.startService(name, { wait: 0 }), false);
    const checkpoints = [];
    const deadline = Date.now() + 12000;
    let state;
    do {
      const status = await scm.getServiceStatus(name);
      state = status.state;
      if (state === 'start_pending') checkpoints.push(status.checkpoint);
      await new Promise((r) => setTimeout(r, 400));
    } while (state !== 'running' && Date.now() < deadline);
    assert.equal(state, 'running');
    assert.ok(checkpoints.length >= 3, `saw start_pending ${checkpoints.length} times`);
    assert.ok(Math.max(...checkpoints) > Math.min(...checkpoints), `checkpoints advanced: ${checkpoints}`);
    assert.equal((await waitForLog(logFile, (e) => e.event === 'answered')).applied, true);
    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
  });

  it('ignores an answer carrying an older sequence number', async () => {
    const { name, logFile } = await install('stale');
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
    assert.equal((await waitForLog(logFile, (e) => e.event === 'stale-answer')).applied, false);
    assert.equal((await waitForLog(logFile, (e) => e.event === 'answered')).applied, true);
  });

  it('a throwing start handler stops the service with the failure exit code, and the process exits', async () => {
    const { name, logFile } = await install('throws');
    assert.equal(await scm.startService(name, { wait: 15000 }), false);
    const status = await scm.getServiceStatus(name);
    assert.equal(status.state, 'stopped');
    assert.equal(status.exitCode, 1066);
    assert.equal(status.serviceCode, 7);
    const start = await waitForLog(logFile, (e) => e.control === 'start');
    assert.equal(await processGone(start.pid), true);
  });

  it('a rejected promise from a handler stops the service too', async () => {
    const { name, logFile } = await install('rejects');
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    await control(name, 2);
    const result = await scm.waitForServiceState(name, 'stopped', { timeout: 8000 });
    assert.equal(result.outcome, 'reached');
    assert.equal(result.status.serviceCode, 7);
    await waitForLog(logFile, (e) => e.event === 'all-done');
  });

  it('hosts several services from one program (each in its own process under Wine)', async () => {
    const a = uniqueServiceName('multi-a');
    const b = uniqueServiceName('multi-b');
    const first = await install('basic', { names: [a, b], serviceType: 'win32_share_process' });
    const second = await install('basic', { names: [b, a], serviceType: 'win32_share_process' });
    assert.equal(await scm.startService(a, { wait: 15000 }), true);
    assert.equal(await scm.startService(b, { wait: 15000 }), true);
    await waitForLog(first.logFile, (e) => e.control === 'start' && e.name === a);
    assert.equal(await scm.stopService(a, { wait: 10000 }), true);
    assert.equal(await scm.stopService(b, { wait: 10000 }), true);
    const logs = [...readLog(first.logFile), ...readLog(second.logFile)];
    assert.ok(logs.some((e) => e.control === 'start' && e.name === b), 'b was started by its handler');
    await waitForLog(first.logFile, (e) => e.event === 'all-done');
  });

  it('rejects at once with a clear ScmError when the SCM did not start the process', async () => {
    const logFile = path.join(logDir, 'console-run.log');
    const child = spawn(process.execPath, [FIXTURE, logFile, 'basic'], { stdio: 'ignore' });
    const started = Date.now();
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, 'the process exits by itself');
    assert.ok(Date.now() - started < 15000);
    const entries = readLog(logFile);
    assert.equal(entries[0].isRunningAsService, false);
    const failed = entries.find((e) => e.event === 'run-failed');
    assert.equal(failed.code, 'ERROR_FAILED_SERVICE_CONTROLLER_CONNECT');
    assert.match(failed.message, /not started by the Service Control Manager/);
  });

  it("decodes notification kinds and data, and returns the handler's answer to the SCM", async () => {
    const { name, logFile } = await install('basic');
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    await control(name, 201);
    await waitForLog(logFile, (e) => e.event === 'simulated' && e.label === 'triggerevent');
    const lines = readLog(logFile);
    const seen = (c) => lines.find((e) => e.event === 'control' && e.control === c && e.code !== 201);
    assert.deepEqual(seen('sessionchange').extra, ['session_lock', 3]);
    const power = lines.filter((e) => e.control === 'powerevent').map((e) => e.extra[0]);
    assert.deepEqual(power, ['apmquerysuspend', 'apmresumeautomatic', 'apmpowerstatuschange']);
    assert.deepEqual(seen('hardwareprofilechange').extra, ['querychangeconfig']);
    assert.ok(seen('timechange') && seen('triggerevent'));
    const result = (label) => lines.find((e) => e.event === 'simulated' && e.label === label).result;
    assert.equal(result('powerevent-query'), 0x424d5144, "'deny' becomes BROADCAST_QUERY_DENY");
    assert.equal(result('hardwareprofilechange'), 0, "'allow' becomes 0");
    assert.equal(result('sessionchange'), 0);
    // Controls the app does not handle: ERROR_CALL_NOT_IMPLEMENTED (120), as HandlerEx's
    // documentation asks, never success; but an unhandled power event is not vetoed.
    assert.equal(result('user-handled'), 0, 'a user control answered 0');
    assert.equal(result('user-unhandled'), 120, 'a user control the handler returns undefined for');
    assert.equal(result('timechange'), 120, 'a notification the handler returns undefined for');
    assert.equal(result('unknown-code'), 120, 'a control code the library has no token for');
    assert.equal(result('powerevent-unhandled'), 0, 'an unhandled power event is granted, not denied');
    if (underWine) {
      // Wine's SCM ignores HandlerEx's return value: the unhandled control still succeeds there
      // (docs/wine.md); on Windows it fails (the Windows-only test below).
      const status = await control(name, 210);
      assert.equal(status.currentState, 4);
      await waitForLog(logFile, (e) => e.control === 'user_defined' && e.code === 210);
    }
    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
  });

  // Under Wine the SCM ignores HandlerEx's return value (docs/wine.md): the control succeeds
  // whatever the handler answers, so only Windows shows the caller's side. What HandlerEx returns
  // is checked under Wine by the test above (simulateControl) and the native handshake test.
  itWindowsOnly('a user-defined control the service does not handle fails the sender with ERROR_INVALID_SERVICE_CONTROL',
    "Wine's SCM ignores HandlerEx's return value", async () => {
      const { name, logFile } = await install('basic');
      assert.equal(await scm.startService(name, { wait: 15000 }), true);
      const handled = await scm.controlService(name, 200);
      assert.equal(handled.state, 'running');
      await rejectsWithCode(scm.controlService(name, 210), 'ERROR_INVALID_SERVICE_CONTROL');
      await waitForLog(logFile, (e) => e.control === 'user_defined' && e.code === 210);
      assert.equal(await scm.stopService(name, { wait: 10000 }), true);
    }, { rejects: { name: 'AssertionError', message: /^Missing expected rejection/ } }); // control 210 succeeds for the sender

  it('answers ERROR_CALL_NOT_IMPLEMENTED when a notification handler does not settle within replyTimeout', async () => {
    const { name, logFile } = await install('basic');
    assert.equal(await scm.startService(name, { wait: 15000 }), true);
    await control(name, 202);
    const line = await waitForLog(logFile, (e) => e.event === 'simulated' && e.label === 'unanswered');
    assert.equal(line.result, 120);
    assert.ok(line.elapsed >= 900 && line.elapsed < 5000, `waited ${line.elapsed} ms for a 1000 ms replyTimeout`);
    assert.equal(await scm.stopService(name, { wait: 10000 }), true);
  });
});
