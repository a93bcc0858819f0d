'use strict';
// The scm-native service host's own cost, run by `npm run bench [-- host]` inside Windows node.
// One service is installed with installProgramService (what `scm-native install` does) running
// examples/apps/http-server.js. In each round, in a rotating order:
//   - service: startService, then the host (node.exe dist/host/host-main.js --service <name>)
//     starts the server; the server writes a marker file with Date.now() once it listens;
//   - direct:  child_process.spawn(node.exe, [http-server.js, ...]) from this process, the same
//     marker file.
// Measured per round:
//   - start to ready (ms): from just before startService / spawn to the marker's Date.now()
//     (one wall clock, ms resolution); for the service also the time startService({ wait })
//     took to see RUNNING;
//   - after SCM_BENCH_SETTLE_MS of idling: memory of the host, of its program, and of the direct
//     server: GetProcessMemoryInfo's working set (bench/native scm-loop.exe mem; Wine 8 takes it
//     from VmRSS, and its PrivateUsage is always 0) and Linux's accounting of the same processes
//     read through Z:\proc (RssAnon ~ private bytes, Pss, Private from smaps_rollup);
//   - CPU while everything idles: utime+stime from /proc/<pid>/stat (10 ms ticks) over
//     SCM_BENCH_IDLE_MS. `tasklist` and `wmic` are stubs/absent under Wine 8, and GetProcessTimes
//     would need a new native helper; the Linux figures are the same process's.
// Environment: SCM_BENCH_ROUNDS (default 5), SCM_BENCH_SETTLE_MS (3000), SCM_BENCH_IDLE_MS (10000).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('..');
const h = require('./lib/harness');

const ROUNDS = h.envInt('SCM_BENCH_ROUNDS', 5);
const SETTLE_MS = h.envInt('SCM_BENCH_SETTLE_MS', 3000);
const IDLE_MS = h.envInt('SCM_BENCH_IDLE_MS', 10000);
const APP = path.join(h.ROOT, 'examples', 'apps', 'http-server.js');
const { PROC, linuxMemory, unixPidOf } = require('./lib/linux-proc');
const CLK_TCK = 100; // USER_HZ on Linux x86-64

/** CPU time (ms) used so far by a Linux process: utime + stime. */
function cpuMs(unixPid) {
  const stat = fs.readFileSync(path.join(PROC, String(unixPid), 'stat'), 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Working sets (KiB) by Windows pid via scm-loop.exe mem; null when the helper (or harness.nativeJson) is unavailable. */
function workingSets(pids) {
  try {
    const out = h.nativeJson(['mem', ...pids]).processes;
    return out.map((p) => (p.error === undefined ? p.workingSet / 1024 : null));
  } catch (error) {
    process.stdout.write(`(scm-loop.exe mem unavailable: ${error.message})\n`);
    return pids.map(() => null);
  }
}

async function waitForFile(file, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      // not there (or half-written) yet
    }
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs} ms`);
    await h.sleep(5);
  }
}

/** Waits (untimed, polling every 20 ms) for process `pid` to exit; throws after `timeoutMs`. */
async function waitGone(pid, timeoutMs = 15000) {
  if (!(await h.waitProcessGone(pid, timeoutMs, 20))) throw new Error(`process ${pid} still there after ${timeoutMs} ms`);
}

async function main() {
  const env = h.environment();
  const loadBefore = h.machineLoad();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-bench-host-'));
  const name = `scmn-bhost-svc-${process.pid}`;
  const svcReady = path.join(dir, 'svc-ready.json');
  const directReady = path.join(dir, 'direct-ready.json');
  const series = new Map();
  const add = (key, value) => {
    if (value === null || value === undefined || Number.isNaN(value)) return;
    if (!series.has(key)) series.set(key, []);
    series.get(key).push(value);
  };
  const started = Date.now();
  /** CPU ms over all idle windows together (one 10 ms tick is the resolution). */
  const cpuTotals = {};
  let direct = null;
  try {
    await scm.installProgramService(name, APP, ['--ready-file', svcReady], {
      logDir: path.join(dir, 'logs'), stopTimeout: 5000, backoffInitial: 1000,
      // The bench app lives in the checkout, which the user running the bench can change.
      allowInsecureLocation: true,
    });
    for (let round = 0; round <= ROUNDS; round++) {
      const order = round % 2 === 0 ? ['service', 'direct'] : ['direct', 'service'];
      let hostPid = 0;
      let svc = null;
      let dir0 = null;
      try {
        for (const which of order) {
          if (which === 'service') {
            fs.rmSync(svcReady, { force: true });
            const t0 = Date.now();
            const running = await scm.startService(name, { wait: 30000 });
            const runningMs = Date.now() - t0;
            if (!running) throw new Error(`${name} did not start`);
            svc = await waitForFile(svcReady);
            hostPid = scm.getServiceStatusSync(name).pid;
            if (round > 0) {
              add('start to ready, service (ms)', svc.at - t0);
              add('startService({ wait }) to RUNNING (ms)', runningMs);
            }
          } else {
            fs.rmSync(directReady, { force: true });
            const t0 = Date.now();
            direct = spawn(process.execPath, [APP, '--ready-file', directReady], { stdio: 'ignore', windowsHide: true });
            dir0 = await waitForFile(directReady);
            if (round > 0) add('start to ready, direct spawn (ms)', dir0.at - t0);
          }
        }
        if (round === 0) continue; // warm-up: cold caches
        await h.sleep(SETTLE_MS);
        const who = [
          ['host', hostPid, name],
          ['program under host', svc.pid, 'svc-ready.json'],
          ['direct node', dir0.pid, 'direct-ready.json'],
        ];
        const unix = who.map(([, , marker]) => unixPidOf(marker));
        const cpu0 = unix.map(cpuMs);
        const ws = workingSets(who.map(([, pid]) => pid));
        const mem = unix.map(linuxMemory);
        who.forEach(([label], i) => {
          add(`${label} | working set (KiB)`, ws[i]);
          add(`${label} | RssAnon (KiB)`, mem[i].rssAnon);
          add(`${label} | Pss (KiB)`, mem[i].pss);
          add(`${label} | Private (KiB)`, mem[i].private);
        });
        const t0 = Date.now();
        await h.sleep(IDLE_MS);
        const cpu1 = unix.map(cpuMs);
        const seconds = (Date.now() - t0) / 1000;
        who.forEach(([label], i) => {
          add(`${label} | CPU while idle (ms per 10 s)`, ((cpu1[i] - cpu0[i]) / seconds) * 10);
          cpuTotals[label] = cpuTotals[label] || { cpuMs: 0, seconds: 0 };
          cpuTotals[label].cpuMs += cpu1[i] - cpu0[i];
          cpuTotals[label].seconds += seconds;
        });
      } finally {
        if (direct && direct.exitCode === null) {
          const gone = new Promise((r) => direct.once('exit', r));
          direct.kill();
          await gone;
        }
        direct = null;
        const status = await scm.getServiceStatus(name);
        if (status.state !== 'stopped') await scm.stopService(name, { wait: 30000 });
        if (hostPid) await waitGone(hostPid);
        if (svc) await waitGone(svc.pid);
      }
      process.stdout.write(`round ${round}/${ROUNDS}${round === 0 ? ' (warm-up)' : ''} done at ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    if (direct && direct.exitCode === null) direct.kill();
    try {
      await scm.removeProgramService(name, { wait: 30000 });
    } catch (error) {
      process.stderr.write(`removing ${name}: ${error.message}\n`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = h.machineLoad();

  const stats = {};
  for (const [key, list] of series) stats[key] = { ...h.summarize(list), roundMedians: list.map((v) => Math.round(v * 10) / 10) };
  const comparisons = [
    h.compare(stats, 'start to ready, service (ms)', 'start to ready, direct spawn (ms)', null, 'start to ready: service / direct'),
  ];
  const result = {
    bench: 'host',
    ...env,
    loadBefore,
    loadAfter,
    config: { rounds: ROUNDS, warmupRounds: 1, settleMs: SETTLE_MS, idleMs: IDLE_MS, program: 'examples/apps/http-server.js' },
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    stats,
    cpuTotals,
    comparisons,
  };
  const file = h.writeResult('host', result);
  const width = Math.max(...Object.keys(stats).map((k) => k.length));
  const lines = Object.entries(stats).map(([k, s]) => `  ${k.padEnd(width)}  median ${s.median.toFixed(1).padStart(8)}  min ${s.min.toFixed(1).padStart(8)}  max ${s.max.toFixed(1).padStart(8)}  rounds ${s.roundMedians.join(' ')}`);
  process.stdout.write(`\n${lines.join('\n')}\n`);
  for (const [label, t] of Object.entries(cpuTotals)) process.stdout.write(`  CPU over all idle windows, ${label}: ${t.cpuMs} ms in ${t.seconds.toFixed(1)} s\n`);
  for (const c of comparisons) process.stdout.write(`${JSON.stringify(c)}\n`);
  process.stdout.write(`load average before ${loadBefore.loadavg.join(' ')}, after ${loadAfter.loadavg.join(' ')} (${loadAfter.cpus} cpus)\nwritten: ${file}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
