'use strict';
// Memory of an idle Node service (issue 4), run by `npm run bench` inside Windows node. In each
// round four fresh processes are started (in a rotating order), left idle for SCM_BENCH_SETTLE_MS,
// then sampled together 3 times 500 ms apart (the median of the 3 is the round's value), then
// stopped:
//   - Node service: bench/fixtures/node-pause-service.js started by the SCM (runAsService, idle);
//   - C++ service: bench/native/bench-service.cc started by the SCM (idle);
//   - plain node: node.exe -e "setInterval(() => {}, 1000)" (reference: node itself);
//   - node + scm-native loaded (diagnostic): the same, after require() of this package (the addon
//     loaded, no call made).
// Figures, two sources:
//   - GetProcessMemoryInfo (scm-loop.exe mem <pid>...; `tasklist` is a stub in Wine 8 and prints
//     nothing): WorkingSetSize, which Wine 8 takes from /proc/<unix pid>/status VmRSS, and
//     PrivateUsage, which Wine 8 always reports as 0 (so under Wine "private bytes" come from the
//     second source; on Windows, where there is no /proc, only this source is used);
//   - Linux's own accounting of the same process, read through Wine's Z: drive (each process is
//     found by a unique marker in its /proc/<pid>/cmdline): RssAnon (anonymous resident memory,
//     the closest analogue of private bytes), RssFile (resident file-backed pages: node.exe's
//     image, Wine's DLLs - shared with every other Wine process mapping them), and from
//     smaps_rollup Pss (shared pages divided among their users) and Private (Private_Clean +
//     Private_Dirty: pages no other process maps).
// Environment: SCM_BENCH_ROUNDS (default 6), SCM_BENCH_SETTLE_MS (default 5000).
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const scm = require('..');
const h = require('./lib/harness');

const ROUNDS = h.envInt('SCM_BENCH_ROUNDS', 6);
const SETTLE_MS = h.envInt('SCM_BENCH_SETTLE_MS', 5000);
const WAIT_MS = 15000;
const FIXTURE = path.join(__dirname, 'fixtures', 'node-pause-service.js');
const KIB = 1024;

const WS = 'working set, GetProcessMemoryInfo (KiB)';
const ANON = 'RssAnon (KiB)';
const FILE = 'RssFile (KiB)';
const PSS = 'Pss (KiB)';
const PRIVATE = 'Private, smaps_rollup (KiB)';
const PRIVATE_WIN = 'private bytes, GetProcessMemoryInfo (KiB)';
// Linux's /proc through Wine's Z: drive; absent on real Windows, where PrivateUsage is filled in.
const { PROC, linuxMemory, unixPidOf } = require('./lib/linux-proc');
const METRICS = PROC ? [WS, PRIVATE_WIN, ANON, FILE, PSS, PRIVATE] : [WS, PRIVATE_WIN];

function serviceContender(kind, name, command) {
  return {
    name: `${kind} service (idle)`,
    marker: () => name,
    install: () => h.installService(name, command),
    start: async () => {
      if (!(await scm.startService(name, { wait: WAIT_MS }))) throw new Error(`${kind} service ${name} did not start`);
      return scm.getServiceStatusSync(name).pid;
    },
    stop: async () => {
      if (!(await scm.stopService(name, { wait: WAIT_MS }))) throw new Error(`${kind} service ${name} did not stop`);
    },
  };
}

function processContender(label, code, tag) {
  let child = null;
  let count = 0;
  let marker = '';
  return {
    name: label,
    marker: () => marker,
    install: async () => {},
    start: async () => {
      count += 1;
      marker = `scmn-bench-mem-${tag}-${process.pid}-${count}`;
      child = spawn(process.execPath, ['-e', code, marker], { stdio: 'ignore', windowsHide: true });
      await new Promise((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
      return child.pid;
    },
    stop: async () => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await gone;
    },
  };
}

async function main() {
  const env = h.environment(); // taken at the start: its date is when the run began
  const loadBefore = h.machineLoad();
  const nodeName = `scmn-bench-mem-node-${process.pid}`;
  const cppName = `scmn-bench-mem-cpp-${process.pid}`;
  const contenders = [
    serviceContender('Node', nodeName, { path: process.execPath, args: [FIXTURE, nodeName] }),
    serviceContender('C++', cppName, { path: h.SERVICE_EXE, args: [cppName] }),
    processContender('plain node -e setInterval', 'setInterval(() => {}, 1000)', 'plain'),
    processContender('node + scm-native loaded (diag)', `require(${JSON.stringify(h.ROOT)}); setInterval(() => {}, 1000)`, 'addon'),
  ];
  const values = new Map(contenders.flatMap((c) => METRICS.map((m) => [`${c.name} | ${m}`, []])));
  const vmRssVersusWorkingSet = [];
  let privateUsageNonZero = false;
  const started = Date.now();
  try {
    for (const c of contenders) await c.install();
    for (let round = 0; round <= ROUNDS; round++) {
      const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
      const pids = new Map();
      try {
        for (const c of order) pids.set(c.name, await c.start());
        await h.sleep(SETTLE_MS);
        const unixPids = PROC ? contenders.map((c) => unixPidOf(c.marker())) : [];
        const samples = [];
        for (let i = 0; i < 3; i++) {
          if (i) await h.sleep(500);
          const windows = h.nativeJson(['mem', ...contenders.map((c) => pids.get(c.name))]).processes;
          samples.push(contenders.map((c, index) => ({ windows: windows[index], linux: PROC ? linuxMemory(unixPids[index]) : null })));
        }
        if (round > 0) { // round 0 is a warm-up (first start of each program: cold file cache)
          contenders.forEach((c, index) => {
            const per = samples.map((s) => s[index]);
            const bad = per.find((p) => p.windows.error !== undefined || p.windows.pid !== pids.get(c.name));
            if (bad) throw new Error(`${c.name}: GetProcessMemoryInfo(${pids.get(c.name)}) failed: ${JSON.stringify(bad.windows)}`);
            const median = (pick) => h.summarize(per.map(pick)).median;
            values.get(`${c.name} | ${WS}`).push(median((p) => p.windows.workingSet / KIB));
            values.get(`${c.name} | ${PRIVATE_WIN}`).push(median((p) => p.windows.privateUsage / KIB));
            if (per.some((p) => p.windows.privateUsage !== 0)) privateUsageNonZero = true;
            if (!PROC) return;
            values.get(`${c.name} | ${ANON}`).push(median((p) => p.linux.rssAnon));
            values.get(`${c.name} | ${FILE}`).push(median((p) => p.linux.rssFile));
            values.get(`${c.name} | ${PSS}`).push(median((p) => p.linux.pss));
            values.get(`${c.name} | ${PRIVATE}`).push(median((p) => p.linux.private));
            // Consistency of the two sources: Wine's working set is VmRSS, read a moment apart.
            for (const p of per) vmRssVersusWorkingSet.push(p.windows.workingSet / KIB / p.linux.vmRss);
          });
        }
      } finally {
        for (const c of order) if (pids.has(c.name)) await c.stop();
      }
      process.stdout.write(`round ${round}/${ROUNDS}${round === 0 ? ' (warm-up)' : ''} done at ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  } finally {
    await h.removeServices();
  }
  const loadAfter = h.machineLoad();

  const stats = {};
  for (const [key, list] of values) stats[key] = { ...h.summarize(list), roundMedians: list.map((v) => Math.round(v)) };
  const comparisons = [];
  for (const metric of PROC ? [WS, ANON, PRIVATE] : [WS, PRIVATE_WIN]) {
    comparisons.push(h.compare(stats, `Node service (idle) | ${metric}`, `C++ service (idle) | ${metric}`, null, `Node service / C++ service, ${metric}`));
    comparisons.push(h.compare(stats, `Node service (idle) | ${metric}`, `plain node -e setInterval | ${metric}`, null, `Node service / plain node, ${metric}`));
    comparisons.push(h.compare(stats, `node + scm-native loaded (diag) | ${metric}`, `plain node -e setInterval | ${metric}`, null, `node + addon / plain node, ${metric}`));
  }
  const diff = (a, b, metric) => Math.round(stats[`${a} | ${metric}`].median - stats[`${b} | ${metric}`].median);
  const differencesOf = (a, b) => Object.fromEntries(METRICS.map((m) => [m, diff(a, b, m)]));
  const differences = {
    'Node service - plain node': differencesOf('Node service (idle)', 'plain node -e setInterval'),
    'node + addon - plain node': differencesOf('node + scm-native loaded (diag)', 'plain node -e setInterval'),
    'Node service - node + addon': differencesOf('Node service (idle)', 'node + scm-native loaded (diag)'),
    'Node service - C++ service': differencesOf('Node service (idle)', 'C++ service (idle)'),
  };
  const consistency = { workingSetOverVmRss: PROC ? h.summarize(vmRssVersusWorkingSet) : null, privateUsageNonZero };

  const result = {
    bench: 'memory',
    ...env,
    loadBefore,
    loadAfter,
    config: { rounds: ROUNDS, warmupRounds: 1, settleMs: SETTLE_MS, samplesPerRound: 3, source: 'GetProcessMemoryInfo (Wine: /proc/<pid>/status VmRSS, RssAnon+VmSwap)' },
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    stats,
    differences,
    consistency,
    comparisons,
  };
  const file = h.writeResult('memory', result);
  process.stdout.write(`\n${h.formatTable(stats, comparisons)}\n\ndifferences of medians (KiB):\n${Object.entries(differences).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`).join('\n')}\n`);
  if (PROC) {
    const c = consistency.workingSetOverVmRss;
    process.stdout.write(`GetProcessMemoryInfo working set / Linux VmRSS: median ${c.median.toFixed(3)} (min ${c.min.toFixed(3)}, max ${c.max.toFixed(3)}); `);
  }
  process.stdout.write(`PrivateUsage ever non-zero: ${privateUsageNonZero}\n`);
  process.stdout.write(`load average before ${loadBefore.loadavg.join(' ')}, after ${loadAfter.loadavg.join(' ')} (${loadAfter.cpus} cpus)\nwritten: ${file}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
