'use strict';
// Control round trip of a Node service (issue 4), run by `npm run bench` inside Windows node.
// Two services answer pause and continue at once:
//   - Node: bench/fixtures/node-pause-service.js under runAsService (its handler returns
//     'paused' / 'running'); the library's HandlerEx reports PAUSE_PENDING / CONTINUE_PENDING,
//     hands the control to the event loop, and the handler's answer becomes SetServiceStatus;
//   - C++: bench/native/bench-service.cc, whose HandlerEx calls SetServiceStatus(PAUSED / RUNNING)
//     itself before returning.
// The same client measures both, in interleaved rounds:
//   - library client: `await pauseService(name, { wait })` until PAUSED, then (after an untimed
//     gap) `await continueService(name, { wait })` until RUNNING;     target: Node within 1.5x of C++
//   - C++ client (diagnostic): scm-loop.exe control-poll, ControlService(PAUSE / CONTINUE) then
//     QueryServiceStatusEx every 1 ms; its smaller fixed cost shows the services' own difference
//     more sharply.
// Series: "pause" (control sent .. PAUSED seen), "continue", "round trip" (pause + continue).
// Both services run for the whole benchmark; each cycle checks that neither has restarted (same
// pid) and the services are stopped and deleted at the end, also on failure.
// Environment: SCM_BENCH_ROUNDS (default 40), SCM_BENCH_CYCLES (pause/continue cycles per round per
// contender, default 4), SCM_BENCH_GAP_MS (default 20).
const path = require('node:path');
const scm = require('..');
const h = require('./lib/harness');

const ROUNDS = h.envInt('SCM_BENCH_ROUNDS', 40);
const CYCLES = h.envInt('SCM_BENCH_CYCLES', 4);
const GAP_MS = h.envInt('SCM_BENCH_GAP_MS', 20);
const WAIT_MS = 15000;
const FIXTURE = path.join(__dirname, 'fixtures', 'node-pause-service.js');

function libraryClient(service) {
  return {
    name: `library client -> ${service.kind} service`,
    run: async () => {
      const series = { pause: [], continue: [], 'round trip': [] };
      for (let i = 0; i < CYCLES; i++) {
        const t0 = h.nowUs();
        const paused = await scm.pauseService(service.name, { wait: WAIT_MS });
        const t1 = h.nowUs();
        if (!paused) throw new Error(`pauseService(${service.name}) resolved false`);
        await h.sleep(GAP_MS);
        const t2 = h.nowUs();
        const resumed = await scm.continueService(service.name, { wait: WAIT_MS });
        const t3 = h.nowUs();
        if (!resumed) throw new Error(`continueService(${service.name}) resolved false`);
        await h.sleep(GAP_MS);
        series.pause.push(t1 - t0);
        series.continue.push(t3 - t2);
        series['round trip'].push(t1 - t0 + (t3 - t2));
      }
      return { series, last: service };
    },
    check: checkAlive,
  };
}

function nativeClient(service) {
  return {
    name: `C++ poll client -> ${service.kind} service (diag)`,
    run: () => {
      const out = h.nativeJson(['control-poll', CYCLES, service.name, GAP_MS]);
      const us = (ticks) => h.ticksToUs(ticks, out.qpcFrequency);
      const series = { pause: [], continue: [], 'round trip': [] };
      for (const [t0, t1, , t2, t3] of out.cycles) {
        series.pause.push(us(t1) - us(t0));
        series.continue.push(us(t3) - us(t2));
        series['round trip'].push(us(t1) - us(t0) + (us(t3) - us(t2)));
      }
      return { series, last: service };
    },
    check: checkAlive,
  };
}

/** The service must still be the same running process (no crash, no restart). */
function checkAlive(service) {
  const status = scm.getServiceStatusSync(service.name);
  if (status.state !== 'running' || status.pid !== service.pid) {
    throw new Error(`${service.kind} service: state ${status.state}, pid ${status.pid} (started as pid ${service.pid})`);
  }
}

async function main() {
  const env = h.environment(); // taken at the start: its date is when the run began
  const loadBefore = h.machineLoad();
  const services = [
    { kind: 'Node', name: `scmn-bench-ctl-node-${process.pid}`, command: { path: process.execPath, args: [FIXTURE, `scmn-bench-ctl-node-${process.pid}`] } },
    { kind: 'C++', name: `scmn-bench-ctl-cpp-${process.pid}`, command: { path: h.SERVICE_EXE, args: [`scmn-bench-ctl-cpp-${process.pid}`] } },
  ];
  const started = Date.now();
  let stats;
  try {
    for (const s of services) {
      await h.installService(s.name, s.command);
      if (!(await scm.startService(s.name, { wait: WAIT_MS }))) throw new Error(`${s.kind} service ${s.name} did not start`);
      s.pid = scm.getServiceStatusSync(s.name).pid;
    }
    const contenders = [...services.map(libraryClient), ...services.map(nativeClient)];
    const groups = [contenders.slice(0, 2).map((c) => c.name), contenders.slice(2).map((c) => c.name)];
    stats = await h.runRounds({
      contenders, groups, rounds: ROUNDS,
      onRound: (round) => process.stdout.write(`round ${round}/${ROUNDS}${round === 0 ? ' (warm-up)' : ''} done at ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
    });
  } finally {
    await h.removeServices();
  }
  const loadAfter = h.machineLoad();

  const comparisons = [];
  for (const metric of ['pause', 'continue', 'round trip']) {
    comparisons.push(h.compare(stats, `library client -> Node service | ${metric}`, `library client -> C++ service | ${metric}`, { max: 1.5 }, `Node / C++ service, library client, ${metric}`));
  }
  for (const metric of ['pause', 'continue', 'round trip']) {
    comparisons.push(h.compare(stats, `C++ poll client -> Node service (diag) | ${metric}`, `C++ poll client -> C++ service (diag) | ${metric}`, null, `Node / C++ service, C++ poll client, ${metric}`));
  }
  for (const kind of ['Node', 'C++']) {
    comparisons.push(h.compare(stats, `library client -> ${kind} service | round trip`, `C++ poll client -> ${kind} service (diag) | round trip`, null, `library / C++ poll client, ${kind} service, round trip`));
  }

  const result = {
    bench: 'control',
    ...env,
    loadBefore,
    loadAfter,
    config: { rounds: ROUNDS, warmupRounds: 1, cyclesPerRound: CYCLES, gapMs: GAP_MS },
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    stats,
    comparisons,
  };
  const file = h.writeResult('control', result, stats);
  process.stdout.write(`\n${h.formatTable(stats, comparisons)}\n\n`);
  process.stdout.write(`load average before ${loadBefore.loadavg.join(' ')}, after ${loadAfter.loadavg.join(' ')} (${loadAfter.cpus} cpus)\nwritten: ${file}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
