'use strict';
// The host's supervision policy with a fake clock and fake programs: backoff doubling, reset
// after a healthy run, giving up past the limit, restart policies, stop in every state.
const assert = require('node:assert/strict');
const { Supervisor } = require('../../dist/host/supervisor');
const { FakeClock, flush } = require('../support/fake-clock');

/** Programs the test ends by hand: exit(code), and records of stop requests and kills. */
function fakeLauncher() {
  const runs = [];
  const launch = (run) => {
    let resolve;
    const exited = new Promise((r) => { resolve = r; });
    const program = {
      run,
      pid: 1000 + run,
      exited,
      stopRequests: 0,
      kills: 0,
      requestStop() { this.stopRequests++; },
      kill() { this.kills++; resolve({ code: 1, error: 'terminated' }); },
      exit(code) { resolve({ code }); },
    };
    runs.push(program);
    return program;
  };
  return { runs, launch };
}

const OPTIONS = { restart: 'on-failure', backoffInitial: 5000, backoffLimit: 300000, backoffReset: 30000, stopTimeout: 10000, giveUpExitCode: null };

function setup(options = {}) {
  const clock = new FakeClock();
  const { runs, launch } = fakeLauncher();
  const events = [];
  const sup = new Supervisor({ ...OPTIONS, ...options }, launch, (e) => events.push(e), clock);
  return { clock, runs, events, sup };
}

describe('host supervisor', () => {
  it('restarts a failing program after 5 s, doubling, and gives up once the waits pass 300 s', async () => {
    const { clock, runs, events, sup } = setup();
    sup.start();
    const delays = [];
    for (;;) {
      runs[runs.length - 1].exit(1);
      await flush();
      const last = events[events.length - 1];
      if (last.type !== 'backoff') break;
      delays.push(last.delayMs);
      await clock.advance(last.delayMs);
    }
    // 5+10+20+40+80+160 = 315 > 300: the seventh failure gives up (the recipe's rule).
    assert.deepEqual(delays, [5000, 10000, 20000, 40000, 80000, 160000]);
    assert.equal(runs.length, 7);
    assert.equal(sup.restarts, 6);
    const outcome = await sup.finished;
    assert.deepEqual(outcome, { reason: 'gave-up', serviceCode: 1, lastExit: { code: 1 } });
    assert.ok(events.some((e) => e.type === 'give-up' && e.cumulativeMs === 315000 && e.serviceCode === 1));
    assert.equal(sup.currentState, 'finished');
  });

  it("reports the program's last exit code when giving up, or the configured code", async () => {
    const a = setup({ backoffInitial: 100, backoffLimit: 50 });
    a.sup.start();
    a.runs[0].exit(7);
    await flush();
    await a.clock.advance(100);
    a.runs[1].exit(9);
    assert.equal((await a.sup.finished).serviceCode, 9);

    const b = setup({ backoffInitial: 100, backoffLimit: 50, giveUpExitCode: 42 });
    b.sup.start();
    b.runs[0].exit(7);
    await flush();
    await b.clock.advance(100);
    b.runs[1].exit(9);
    assert.equal((await b.sup.finished).serviceCode, 42);

    const c = setup({ backoffInitial: 100, backoffLimit: 0 });
    c.sup.start();
    c.runs[0].exit(3221225477); // 0xC0000005, a crash
    await flush();
    await c.clock.advance(100);
    c.runs[1].exit(3221225477);
    assert.equal((await c.sup.finished).serviceCode, 3221225477);
  });

  it('resets the backoff after a run of 30 s', async () => {
    const { clock, runs, events, sup } = setup();
    sup.start();
    runs[0].exit(1);
    await flush();
    await clock.advance(5000);
    runs[1].exit(1);
    await flush();
    assert.equal(events.filter((e) => e.type === 'backoff').map((e) => e.delayMs).join(), '5000,10000');
    await clock.advance(10000);
    await clock.advance(30000); // healthy for 30 s
    runs[2].exit(1);
    await flush();
    const last = events[events.length - 1];
    assert.equal(last.type, 'backoff');
    assert.equal(last.delayMs, 5000);
    assert.equal(last.cumulativeMs, 5000);
    sup.stop();
  });

  it('exit code 0 ends supervision unless restart is always; never ends it on any exit', async () => {
    const a = setup();
    a.sup.start();
    a.runs[0].exit(0);
    assert.deepEqual(await a.sup.finished, { reason: 'exited', serviceCode: 0, lastExit: { code: 0 } });

    const b = setup({ restart: 'always' });
    b.sup.start();
    b.runs[0].exit(0);
    await flush();
    assert.equal(b.sup.currentState, 'backoff');
    await b.clock.advance(5000);
    assert.equal(b.runs.length, 2);
    b.sup.stop();

    const c = setup({ restart: 'never' });
    c.sup.start();
    c.runs[0].exit(5);
    assert.deepEqual(await c.sup.finished, { reason: 'failed', serviceCode: 5, lastExit: { code: 5 } });
  });

  it('success codes end supervision cleanly under on-failure; no-restart codes end it under any policy', async () => {
    const a = setup({ successExitCodes: [3] });
    a.sup.start();
    a.runs[0].exit(3);
    assert.deepEqual(await a.sup.finished, { reason: 'exited', serviceCode: 0, lastExit: { code: 3 } });
    assert.equal(a.runs.length, 1);

    const b = setup({ successExitCodes: [3] });
    b.sup.start();
    b.runs[0].exit(4);
    await flush();
    assert.equal(b.sup.currentState, 'backoff', 'other codes are still failures');
    b.sup.stop();

    const c = setup({ restart: 'always', noRestartExitCodes: [78] });
    c.sup.start();
    c.runs[0].exit(1);
    await flush();
    await c.clock.advance(5000);
    assert.equal(c.runs.length, 2);
    c.runs[1].exit(78);
    assert.deepEqual(await c.sup.finished, { reason: 'failed', serviceCode: 78, lastExit: { code: 78 } });
    assert.equal(c.runs.length, 2, 'not restarted after 78');

    const d = setup({ restart: 'always', successExitCodes: [2], noRestartExitCodes: [2] });
    d.sup.start();
    d.runs[0].exit(2);
    assert.deepEqual(await d.sup.finished, { reason: 'exited', serviceCode: 0, lastExit: { code: 2 } }, 'both: a clean end');

    const e = setup({ noRestartExitCodes: [0xc0000005] });
    e.sup.start();
    e.runs[0].exit(0xc0000005);
    assert.deepEqual(await e.sup.finished, { reason: 'failed', serviceCode: 0xc0000005, lastExit: { code: 0xc0000005 } });
  });

  it('restart(): stops the running program as a stop does and starts it again at once, with a fresh backoff', async () => {
    const { clock, runs, events, sup } = setup();
    sup.start();
    runs[0].exit(1);
    await flush();
    await clock.advance(5000); // one failure: the next backoff would be 10 s
    assert.equal(runs.length, 2);
    assert.equal(sup.restart(), true);
    assert.equal(runs[1].stopRequests, 1, 'asked to exit');
    assert.equal(sup.currentState, 'stopping');
    assert.equal(sup.restart(), false, 'one restart at a time');
    runs[1].exit(0);
    await flush();
    assert.equal(runs.length, 3, 'started again without a wait');
    assert.equal(sup.currentState, 'running');
    assert.equal(sup.restarts, 2);
    assert.ok(events.some((e) => e.type === 'restart-requested'));
    runs[2].exit(1);
    await flush();
    assert.equal(events[events.length - 1].delayMs, 5000, 'the backoff starts over');
    sup.stop();
  });

  it('restart(): a program that ignores the request is terminated at the stop timeout, then started again', async () => {
    const { clock, runs, sup } = setup();
    sup.start();
    sup.restart();
    await clock.advance(10000);
    assert.equal(runs[0].kills, 1);
    await flush();
    assert.equal(runs.length, 2);
    assert.equal(sup.currentState, 'running');
    sup.stop();
  });

  it('a stop during a requested restart ends supervision: the program is not started again', async () => {
    const { runs, sup } = setup();
    sup.start();
    sup.restart();
    const finished = sup.stop();
    runs[0].exit(0);
    assert.deepEqual(await finished, { reason: 'stopped', serviceCode: 0, lastExit: { code: 0 } });
    assert.equal(runs.length, 1);
    assert.equal(setup().sup.restart(), false, 'nothing to restart before the start');
  });

  it('a program that cannot be started counts as a failure (service code 1 when giving up)', async () => {
    const clock = new FakeClock();
    const events = [];
    let calls = 0;
    const sup = new Supervisor({ ...OPTIONS, backoffInitial: 10, backoffLimit: 5 }, () => {
      calls++;
      throw new Error('spawn ENOENT');
    }, (e) => events.push(e), clock);
    sup.start();
    await flush();
    await clock.advance(10);
    const outcome = await sup.finished;
    assert.equal(calls, 2);
    assert.equal(outcome.reason, 'gave-up');
    assert.equal(outcome.serviceCode, 1);
    assert.equal(outcome.lastExit.error, 'spawn ENOENT');
  });

  it('stop asks the program, and ends when it exits', async () => {
    const { runs, events, sup } = setup();
    sup.start();
    const stopping = sup.stop();
    assert.equal(runs[0].stopRequests, 1);
    assert.equal(sup.currentState, 'stopping');
    runs[0].exit(0);
    assert.deepEqual(await stopping, { reason: 'stopped', serviceCode: 0, lastExit: { code: 0 } });
    assert.ok(events.some((e) => e.type === 'exited' && e.stopping));
    assert.equal(runs[0].kills, 0);
  });

  it('a failure exit while stopping is still a stop (no restart, no exit code)', async () => {
    const { runs, sup } = setup();
    sup.start();
    const stopping = sup.stop();
    runs[0].exit(1);
    assert.equal((await stopping).serviceCode, 0);
    assert.equal(runs.length, 1);
  });

  it('terminates the program at the stop timeout', async () => {
    const { clock, runs, events, sup } = setup({ stopTimeout: 2000 });
    sup.start();
    const stopping = sup.stop();
    await clock.advance(1999);
    assert.equal(runs[0].kills, 0);
    await clock.advance(1);
    assert.equal(runs[0].kills, 1);
    assert.ok(events.some((e) => e.type === 'stop-timeout' && e.pid === 1001));
    assert.equal((await stopping).reason, 'stopped');
  });

  it('a stop during the backoff ends at once without another run', async () => {
    const { clock, runs, events, sup } = setup();
    sup.start();
    runs[0].exit(1);
    await flush();
    assert.equal(sup.currentState, 'backoff');
    const outcome = await sup.stop();
    assert.equal(outcome.reason, 'stopped');
    assert.equal(outcome.serviceCode, 0);
    await clock.advance(60000);
    assert.equal(runs.length, 1, 'the pending restart was cancelled');
    assert.ok(events.some((e) => e.type === 'stop-requested' && e.state === 'backoff'));
  });

  it('stop is idempotent and works after the end', async () => {
    const { runs, sup } = setup();
    sup.start();
    const a = sup.stop();
    const b = sup.stop();
    runs[0].exit(0);
    assert.equal(await a, await b);
    assert.equal((await sup.stop()).reason, 'stopped');
    assert.throws(() => sup.start(), /already started/);
  });
  it('recycle (health check, memory limit): a graceful stop, then a restart after the backoff, whatever the exit code and policy', async () => {
    const { clock, runs, events, sup } = setup({ restart: 'never' });
    sup.start();
    assert.equal(sup.recycle('health check failed 3 times'), true);
    assert.deepEqual(events[events.length - 1], { type: 'recycle', why: 'health check failed 3 times' });
    assert.equal(runs[0].stopRequests, 1);
    assert.equal(sup.recycle('again'), false, 'only while running');
    runs[0].exit(0);
    await flush();
    const backoff = events[events.length - 1];
    assert.deepEqual([backoff.type, backoff.delayMs, backoff.cumulativeMs], ['backoff', 5000, 5000]);
    await clock.advance(5000);
    assert.equal(runs.length, 2);
    assert.equal(sup.restarts, 1);
    // The next recycle doubles the delay: it counts toward the give-up limit as a failure does.
    sup.recycle('memory above the limit');
    runs[1].exit(0);
    await flush();
    assert.equal(events[events.length - 1].delayMs, 10000);
    sup.stop();
  });

  it('recycle ends at the stop timeout for a program that does not exit, and a stop meanwhile ends supervision', async () => {
    const a = setup();
    a.sup.start();
    a.sup.recycle('hung');
    await a.clock.advance(10000);
    assert.equal(a.runs[0].kills, 1);
    await flush();
    assert.equal(a.events[a.events.length - 1].type, 'backoff');
    a.sup.stop();

    const b = setup();
    b.sup.start();
    b.sup.recycle('hung');
    const stopped = b.sup.stop();
    b.runs[0].exit(0);
    assert.equal((await stopped).reason, 'stopped');
    assert.equal(b.runs.length, 1);
  });

  it('a program that stays unwell is given up on once the backoff passes its limit', async () => {
    const { clock, runs, sup } = setup({ backoffInitial: 100, backoffLimit: 250 });
    sup.start();
    for (const delay of [100, 200]) {
      sup.recycle('unwell');
      runs[runs.length - 1].exit(0);
      await flush();
      await clock.advance(delay);
    }
    sup.recycle('unwell');
    runs[runs.length - 1].exit(0);
    assert.deepEqual(await sup.finished, { reason: 'gave-up', serviceCode: 1, lastExit: { code: 0 } });
  });
});
