'use strict';
// The host's lifecycle in the event log, through a recording sender: each restart once, with its
// reason and the right type (a crash in hex with its name), giving up, an early failure; the
// event ids of docs/service-host.md; exit codes as text.
const assert = require('node:assert/strict');
const { exitCodeName, exitCodeText } = require('../../dist/exit-code-text');
const { HOST_EVENT_IDS, HostEventLog } = require('../../dist/host/host-event-log');
const { showSupervisorEvent } = require('../../dist/host/host-events');
const { LineRing } = require('../../dist/host/log-writer');
const { Supervisor } = require('../../dist/host/supervisor');
const { FakeClock, flush } = require('../support/fake-clock');

const SETTINGS = {
  restart: 'on-failure', backoffInitial: 5000, backoffLimit: 300000, backoffReset: 30000, stopTimeout: 10000, giveUpExitCode: null,
  successExitCodes: [], noRestartExitCodes: [], earlyExitWindow: 10000, stopMethod: 'ipc', killTree: true,
  log: { direct: false, stderr: 'merge' },
};

/** A supervisor whose events go through showSupervisorEvent to a recording event log. */
function hosted(settings = {}) {
  const s = { ...SETTINGS, ...settings };
  const clock = new FakeClock();
  const sent = [];
  const eventLog = new HostEventLog('svc', true, async (source, type, message, eventId) => { sent.push({ source, type, message, eventId }); });
  const runs = [];
  const targets = {
    settings: s, status: { publish() {} }, log: { host() {} }, eventLog, pidFile: { write() {}, remove() {} },
    stderrTail: new LineRing(20), readiness: { pending: false },
  };
  const launch = (run) => {
    let resolve;
    const program = {
      pid: 100 + run, exited: new Promise((r) => { resolve = r; }),
      requestStop() { resolve({ code: 0 }); }, kill() { resolve({ code: 1 }); }, exit(code) { resolve({ code }); },
    };
    runs.push(program);
    return program;
  };
  const sup = new Supervisor(s, launch, (e) => showSupervisorEvent(e, targets), clock);
  return { clock, sent, sup, runs, targets };
}

describe('host event log', () => {
  it('exit codes as text: small ones in decimal, NTSTATUS in hex with their name', () => {
    assert.equal(exitCodeText(3), '3');
    assert.equal(exitCodeText(null), 'none');
    assert.equal(exitCodeText(0xc0000005), '0xC0000005 access violation');
    assert.equal(exitCodeText(-1073741819), '0xC0000005 access violation', 'signed as well');
    assert.equal(exitCodeText(0xc000013a), '0xC000013A ended by Ctrl+C (STATUS_CONTROL_C_EXIT)');
    assert.equal(exitCodeText(0xc0001234), '0xC0001234', 'no name known: hex alone');
    assert.equal(exitCodeName(0xc00000fd), 'stack overflow');
    assert.equal(exitCodeName(5), null);
  });

  it('reports each restart once with its reason: a crash (warning), the host\'s reason, the program\'s request (information)', async () => {
    const { clock, sent, sup, runs } = hosted();
    sup.start();
    await clock.advance(60000);
    runs[0].exit(0xc0000005);
    await flush();
    assert.equal(sent.length, 1);
    assert.deepEqual({ ...sent[0], message: undefined }, { source: 'svc', type: 'warning', eventId: HOST_EVENT_IDS.restart, message: undefined });
    assert.equal(sent[0].message, 'svc: restarting the program in 5.0 s (restart 1): it exited with code 0xC0000005 access violation after 60 s');
    await clock.advance(5000);
    assert.equal(runs.length, 2);
    assert.equal(sup.restart({ text: 'the health check failed 3 times in a row', severity: 'warning' }), true);
    await flush();
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1], { source: 'svc', type: 'warning', eventId: 3, message: 'svc: restarting the program: the health check failed 3 times in a row' });
    assert.equal(runs.length, 3, 'started again at once');
    assert.equal(sup.restart(), true);
    await flush();
    assert.deepEqual(sent.slice(2), [{ source: 'svc', type: 'information', eventId: 3, message: 'svc: restarting the program: the program asked to be restarted' }]);
    assert.equal(sup.restart(), true);
    assert.equal(sup.restart(), false, 'a restart under way: nothing more');
    await flush();
    assert.equal(sent.length, 4, 'one entry per restart');
  });

  it('an early failure is an error with the stderr lines, then its restart; a restart after success (restart always) is information', async () => {
    const { clock, sent, sup, runs, targets } = hosted({ restart: 'always' });
    sup.start();
    targets.stderrTail.push('Error: cannot listen on port 80');
    await clock.advance(2000);
    runs[0].exit(3);
    await flush();
    assert.deepEqual(sent.map((e) => [e.type, e.eventId]), [['error', HOST_EVENT_IDS['early-failure']], ['warning', HOST_EVENT_IDS.restart]]);
    assert.match(sent[0].message, /^svc: the program exited with code 3 2\.0 s after it started\. Last lines of its stderr:\nError: cannot listen on port 80$/);
    assert.match(sent[1].message, /it exited with code 3 after 2\.0 s$/);
    await clock.advance(5000);
    await clock.advance(40000);
    runs[1].exit(0);
    await flush();
    assert.equal(sent.length, 3);
    assert.deepEqual([sent[2].type, sent[2].eventId], ['information', 3]);
    assert.match(sent[2].message, /it exited with code 0 after 40 s, and the restart policy is always$/);
  });

  it("with --log-direct and one file for stdout and stderr, the early failure's lines are 'its output'", async () => {
    const { clock, sent, sup, runs, targets } = hosted({ log: { direct: true, stderr: 'merge' } });
    sup.start();
    targets.stderrTail.push('listening failed');
    await clock.advance(1000);
    runs[0].exit(3);
    await flush();
    assert.match(sent[0].message, /Last lines of its output:\nlistening failed$/);
  });

  it('giving up is one error with the exit code as text, after the restarts that led to it', async () => {
    const { clock, sent, sup, runs } = hosted({ backoffLimit: 10000 });
    sup.start();
    for (let i = 0; i < 10 && sup.currentState !== 'finished'; i++) {
      await clock.advance(20000);
      runs[runs.length - 1].exit(0xc0000409);
      await flush();
      // To the end of the backoff: each run lasts 20 s, short of the 30 s that reset the backoff.
      if (clock.timers.length) await clock.advance(clock.timers[0].at - clock.time);
    }
    assert.equal(sup.currentState, 'finished');
    const gaveUp = sent.filter((e) => e.eventId === HOST_EVENT_IDS['gave-up']);
    assert.equal(gaveUp.length, 1);
    assert.equal(gaveUp[0].type, 'error');
    assert.match(gaveUp[0].message, /service-specific exit code 0xC0000409 stack buffer overrun \(fail fast\)\.$/);
    const restarts = sent.filter((e) => e.eventId === HOST_EVENT_IDS.restart);
    assert.equal(restarts.length, runs.length - 1, 'one restart entry per restart');
    assert.equal(sent[sent.length - 1], gaveUp[0], 'giving up comes last');
  });

  it('sends nothing when disabled (debug mode), and a sender that throws loses the entry, not the host', async () => {
    const sent = [];
    new HostEventLog('svc', false, async (...a) => { sent.push(a); }).report('started', 'information', 'x');
    assert.equal(sent.length, 0);
    const throwing = new HostEventLog('svc', true, () => { throw new Error('no event log'); });
    throwing.report('stopped', 'information', 'x');
    const rejecting = new HostEventLog('svc', true, async () => { throw new Error('no event log'); });
    rejecting.report('stopped', 'information', 'x');
    await rejecting.flush(1000);
  });
});
