'use strict';
// Wait latency (issue 3), run by `npm run bench` inside Windows node. A real service,
// bench/native/bench-service.cc, logs the QueryPerformanceCounter time at which it reports each
// state; node's hrtime is the same clock (checked at start-up), so the time from a service's
// report to the moment each client sees the new state is measured directly:
//   "start latency" = client saw RUNNING - service called SetServiceStatus(RUNNING)
//   "stop latency"  = client saw STOPPED - service called SetServiceStatus(STOPPED)
// and so are the full legs: "start" = StartServiceW call .. RUNNING seen, "stop" = stop control ..
// STOPPED seen, "total" = start + stop (the untimed gaps between legs are not included).
// Contenders, each running the same start -> RUNNING -> stop -> STOPPED cycles of the same service:
//   - library: `await startService(name, { wait })`, `await stopService(name, { wait })`
//   - C++ poll: scm-loop.exe cycle-poll (StartServiceW / ControlService(STOP), then
//     QueryServiceStatusEx every 1 ms)                          target: library within 1.2x of it
//   - C++ notify: scm-loop.exe cycle-notify (one NotifyServiceStatusChangeW + alertable wait)
//   - raw addon (diagnostic): binding.startService / controlService, then binding.waitForStatus,
//     timed in two parts, to tell the control call from the wait.
// Two services, both measured in every round:
//   - immediate: reports RUNNING at once in ServiceMain and STOPPED inside its handler. Under Wine,
//     StartServiceW returns only after the service's first status report and ControlService only
//     after the handler returns, so the state is already reached when each client starts waiting:
//     the latency is the cost of *starting* a wait (and of getting the control call's answer back).
//   - delayed: START_PENDING, then RUNNING SCM_BENCH_DELAY_MS later; STOP_PENDING from the handler,
//     STOPPED that much later. The client is already waiting when the state changes: the latency
//     is that of the wait mechanism itself (polling versus notification).
// Between legs and cycles every contender sleeps SCM_BENCH_GAP_MS (untimed) and, after a stop,
// waits (untimed) for the service process to exit: Wine's StartServiceW fails while it lives.
// Environment: SCM_BENCH_ROUNDS (default 30), SCM_BENCH_CYCLES (cycles per round per contender
// and service, default 3), SCM_BENCH_GAP_MS (default 20), SCM_BENCH_DELAY_MS (default 50).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('..');
const { binding } = require('../binding');
const h = require('./lib/harness');

const ROUNDS = h.envInt('SCM_BENCH_ROUNDS', 30);
const CYCLES = h.envInt('SCM_BENCH_CYCLES', 3);
const GAP_MS = h.envInt('SCM_BENCH_GAP_MS', 20);
const DELAY_MS = h.envInt('SCM_BENCH_DELAY_MS', 50);
const WAIT_MS = 15000;
const NOTIFY_STOPPED = 0x1;
const NOTIFY_RUNNING = 0x8;
const CONTROL_STOP = 1;

/** The service's log: new lines since the last read, as { state, before, after, pid } (us). */
class ServiceLog {
  constructor(file, frequency) {
    this.file = file;
    this.frequency = frequency;
    this.offset = 0;
  }

  /** Like next(), but waits (up to 5 s) until `cycles` STOPPED reports are there. */
  async collect(cycles) {
    const reports = [];
    const deadline = Date.now() + 5000;
    for (;;) {
      reports.push(...this.next());
      if (reports.filter((r) => r.state === 'stopped').length >= cycles || Date.now() > deadline) return reports;
      await h.sleep(5);
    }
  }

  next() {
    const text = fs.existsSync(this.file) ? fs.readFileSync(this.file, 'latin1') : '';
    const fresh = text.slice(this.offset);
    const end = fresh.lastIndexOf('\n') + 1;
    this.offset += end;
    return fresh.slice(0, end).split('\n').filter(Boolean).map((line) => {
      const [state, before, after, pid] = line.split(' ');
      return { state, before: h.ticksToUs(Number(before), this.frequency), after: h.ticksToUs(Number(after), this.frequency), pid: Number(pid) };
    });
  }
}

/**
 * Per-cycle client times { t0, t1, t2, t3 } (us) and the service's reports of the same run ->
 * the series of one run. Checks that each report falls inside the leg that caused it.
 */
function toSeries(label, cycles, reports, serviceSide, extra = {}) {
  const running = reports.filter((r) => r.state === 'running');
  const stopped = reports.filter((r) => r.state === 'stopped');
  if (running.length !== cycles.length || stopped.length !== cycles.length) {
    throw new Error(`${label}: ${cycles.length} cycles but the service logged ${running.length} running / ${stopped.length} stopped reports`);
  }
  const series = { start: [], stop: [], total: [], 'start latency': [], 'stop latency': [], ...Object.fromEntries(Object.keys(extra).map((k) => [k, []])) };
  cycles.forEach((c, i) => {
    const r = running[i];
    const s = stopped[i];
    if (!(c.t0 <= r.before && r.before <= c.t1) || !(c.t2 <= s.before && s.before <= c.t3)) {
      throw new Error(`${label}: cycle ${i}: a service report lies outside its leg (${JSON.stringify({ c, r, s })})`);
    }
    series.start.push(c.t1 - c.t0);
    series.stop.push(c.t3 - c.t2);
    series.total.push(c.t1 - c.t0 + (c.t3 - c.t2));
    series['start latency'].push(c.t1 - r.before);
    series['stop latency'].push(c.t3 - s.before);
    serviceSide.setRunning.push(r.after - r.before);
    serviceSide.setStopped.push(s.after - s.before);
    for (const [k, values] of Object.entries(extra)) series[k].push(values[i]);
  });
  return series;
}

function libraryContender(service, serviceSide) {
  return {
    name: `${service.kind}: library startService/stopService`,
    run: async () => {
      const cycles = [];
      const reports = [];
      for (let i = 0; i < CYCLES; i++) {
        const t0 = h.nowUs();
        const started = await scm.startService(service.name, { wait: WAIT_MS });
        const t1 = h.nowUs();
        if (!started) throw new Error(`startService(${service.name}) resolved false`);
        await h.sleep(GAP_MS);
        const t2 = h.nowUs();
        const stopped = await scm.stopService(service.name, { wait: WAIT_MS });
        const t3 = h.nowUs();
        if (!stopped) throw new Error(`stopService(${service.name}) resolved false`);
        cycles.push({ t0, t1, t2, t3 });
        const logged = await service.log.collect(1);
        reports.push(...logged);
        await waitGone(logged);
        await h.sleep(GAP_MS);
      }
      return { series: toSeries(service.kind, cycles, reports, serviceSide), last: cycles.length };
    },
  };
}

function rawAddonContender(service, serviceSide) {
  return {
    name: `${service.kind}: raw addon (diag)`,
    run: async () => {
      const cycles = [];
      const reports = [];
      const startCall = [];
      const stopCall = [];
      for (let i = 0; i < CYCLES; i++) {
        const t0 = h.nowUs();
        await binding.startService(null, null, service.name, []);
        const m1 = h.nowUs();
        const up = await binding.waitForStatus(null, null, service.name, NOTIFY_RUNNING | NOTIFY_STOPPED, WAIT_MS).promise;
        const t1 = h.nowUs();
        if (up.status.currentState !== 4) throw new Error(`raw wait: state ${up.status.currentState} after the start`);
        await h.sleep(GAP_MS);
        const t2 = h.nowUs();
        await binding.controlService(null, null, service.name, CONTROL_STOP);
        const m2 = h.nowUs();
        const down = await binding.waitForStatus(null, null, service.name, NOTIFY_STOPPED, WAIT_MS).promise;
        const t3 = h.nowUs();
        if (down.status.currentState !== 1) throw new Error(`raw wait: state ${down.status.currentState} after the stop`);
        cycles.push({ t0, t1, t2, t3 });
        startCall.push(m1 - t0);
        stopCall.push(m2 - t2);
        const logged = await service.log.collect(1);
        reports.push(...logged);
        await waitGone(logged);
        await h.sleep(GAP_MS);
      }
      const series = toSeries(service.kind, cycles, reports, serviceSide, { 'start: StartServiceW call': startCall, 'stop: ControlService call': stopCall });
      series['start: waitForStatus'] = series.start.map((v, i) => v - startCall[i]);
      series['stop: waitForStatus'] = series.stop.map((v, i) => v - stopCall[i]);
      return { series, last: cycles.length };
    },
  };
}

function nativeContender(service, serviceSide, mode, label, polls) {
  return {
    name: `${service.kind}: ${label}`,
    run: async () => {
      const out = h.nativeJson([mode, CYCLES, service.name, GAP_MS]);
      const us = (ticks) => h.ticksToUs(ticks, out.qpcFrequency);
      const cycles = out.cycles.map(([t0, t1, polls1, t2, t3, polls2]) => {
        if (polls) {
          polls.start.push(polls1);
          polls.stop.push(polls2);
        }
        return { t0: us(t0), t1: us(t1), t2: us(t2), t3: us(t3) };
      });
      return { series: toSeries(service.kind, cycles, await service.log.collect(cycles.length), serviceSide), last: cycles.length };
    },
  };
}

/** After a stop: waits (untimed) for the service's process to exit. */
async function waitGone(reports) {
  const pid = reports.length ? reports[reports.length - 1].pid : 0;
  if (pid && !(await h.waitProcessGone(pid))) throw new Error(`service process ${pid} still alive 15 s after STOPPED`);
}

/** On a failure: what the SCM and the service's log say, for the error message. */
function describeFailure(service, error) {
  let status;
  try {
    const st = scm.getServiceStatusSync(service.name);
    status = `state ${st.state}, pid ${st.pid}, exit ${st.exitCode}/${st.serviceCode}`;
  } catch (e) {
    status = `status query failed: ${e.message}`;
  }
  const tail = fs.existsSync(service.logFile) ? fs.readFileSync(service.logFile, 'latin1').trim().split('\n').slice(-6).join(' | ') : '(no log)';
  error.message = `${service.kind} service: ${error.message} [SCM: ${status}; log tail: ${tail}]`;
  return error;
}

/**
 * Wine's StartServiceW now and then fails with ERROR_INTERNAL_ERROR (1359; docs/wine.md), which
 * would end the whole run. Such a round of one contender is run again once, from a stopped
 * service, and counted; any other failure ends the run with its diagnostics.
 */
const wineRetries = [];

function isWineInternalError(error) {
  return binding.underWine && (error.code === 'ERROR_INTERNAL_ERROR' || error.errno === 1359 || /\b1359\b/.test(String(error.message)));
}

function withDiagnostics(service, contender) {
  const run = contender.run;
  return {
    ...contender,
    run: async (round) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await run(round);
        } catch (error) {
          if (attempt > 1 || !isWineInternalError(error)) throw describeFailure(service, error);
          wineRetries.push({ round, contender: contender.name, message: error.message });
          if (scm.getServiceStatusSync(service.name).state !== 'stopped') await scm.stopService(service.name, { wait: WAIT_MS });
          await service.log.collect(0);
        }
      }
    },
  };
}

async function main() {
  const env = h.environment(); // taken at the start: its date is when the run began
  const loadBefore = h.machineLoad();
  const frequency = h.checkSharedClock();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-bench-wait-'));
  const services = [
    { kind: 'immediate', delay: 0 },
    { kind: 'delayed', delay: DELAY_MS },
  ].map((s) => {
    const name = `scmn-bench-wait-${s.kind}-${process.pid}`;
    const logFile = path.join(logDir, `${name}.log`);
    return { ...s, name, logFile, log: new ServiceLog(logFile, frequency) };
  });
  const serviceSide = { setRunning: [], setStopped: [] };
  const polls = {};
  const started = Date.now();
  let stats;
  try {
    for (const s of services) {
      await h.installService(s.name, { path: h.SERVICE_EXE, args: [s.name, s.logFile, String(s.delay)] });
    }
    const contenders = [];
    const groups = [];
    for (const s of services) {
      polls[s.kind] = { start: [], stop: [] };
      const list = [
        libraryContender(s, serviceSide),
        nativeContender(s, serviceSide, 'cycle-poll', 'C++ poll 1 ms', polls[s.kind]),
        nativeContender(s, serviceSide, 'cycle-notify', 'C++ NotifyServiceStatusChangeW'),
        rawAddonContender(s, serviceSide),
      ];
      contenders.push(...list.map((c) => withDiagnostics(s, c)));
      groups.push(list.map((c) => c.name));
    }
    stats = await h.runRounds({
      contenders, groups, rounds: ROUNDS,
      onRound: (round) => process.stdout.write(`round ${round}/${ROUNDS}${round === 0 ? ' (warm-up)' : ''} done at ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
    });
  } finally {
    await h.removeServices();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
  const loadAfter = h.machineLoad();

  const comparisons = [];
  for (const s of services) {
    const lib = `${s.kind}: library startService/stopService`;
    const poll = `${s.kind}: C++ poll 1 ms`;
    const notify = `${s.kind}: C++ NotifyServiceStatusChangeW`;
    for (const metric of ['start latency', 'stop latency']) {
      comparisons.push(h.compare(stats, `${lib} | ${metric}`, `${poll} | ${metric}`, { max: 1.2 }, `${s.kind}: library / C++ poll, ${metric}`));
    }
    for (const metric of ['start', 'stop', 'total']) {
      comparisons.push(h.compare(stats, `${lib} | ${metric}`, `${poll} | ${metric}`, { max: 1.2 }, `${s.kind}: library / C++ poll, ${metric}`));
    }
    for (const metric of ['start latency', 'stop latency', 'total']) {
      comparisons.push(h.compare(stats, `${lib} | ${metric}`, `${notify} | ${metric}`, null, `${s.kind}: library / C++ notify, ${metric}`));
      comparisons.push(h.compare(stats, `${notify} | ${metric}`, `${poll} | ${metric}`, null, `${s.kind}: C++ notify / C++ poll, ${metric}`));
    }
  }

  const result = {
    bench: 'wait',
    ...env,
    loadBefore,
    loadAfter,
    config: { rounds: ROUNDS, warmupRounds: 1, cyclesPerRound: CYCLES, gapMs: GAP_MS, delayMs: DELAY_MS, qpcFrequency: frequency },
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    serviceSide: { setServiceStatusRunningUs: h.summarize(serviceSide.setRunning), setServiceStatusStoppedUs: h.summarize(serviceSide.setStopped) },
    wineRetries,
    cppPollQueries: Object.fromEntries(Object.entries(polls).map(([k, v]) => [k, { start: h.summarize(v.start), stop: h.summarize(v.stop) }])),
    stats,
    comparisons,
  };
  const file = h.writeResult('wait', result, stats);
  process.stdout.write(`\n${h.formatTable(stats, comparisons)}\n\n`);
  process.stdout.write(`service side: SetServiceStatus(RUNNING) median ${result.serviceSide.setServiceStatusRunningUs.median.toFixed(0)} us, (STOPPED) ${result.serviceSide.setServiceStatusStoppedUs.median.toFixed(0)} us\n`);
  for (const [k, v] of Object.entries(result.cppPollQueries)) {
    process.stdout.write(`C++ poll queries per leg (${k}): start median ${v.start.median} (max ${v.start.max}), stop median ${v.stop.median} (max ${v.stop.max})\n`);
  }
  process.stdout.write(`rounds run again after Wine's StartServiceW ERROR_INTERNAL_ERROR: ${wineRetries.length}${wineRetries.map((r) => `\n  round ${r.round}, ${r.contender}: ${r.message}`).join('')}\n`);
  process.stdout.write(`load average before ${loadBefore.loadavg.join(' ')}, after ${loadAfter.loadavg.join(' ')} (${loadAfter.cpus} cpus)\nwritten: ${file}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
