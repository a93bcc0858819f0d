'use strict';
// Status benchmarks (foundation issue), run by `npm run bench` inside Windows node:
//   (1) getServiceStatusSync('Spooler') versus the same Win32 sequence in a C++ loop
//       (OpenSCManagerW(SC_MANAGER_CONNECT) + OpenServiceW(SERVICE_QUERY_STATUS) +
//       QueryServiceStatusEx + 2x CloseServiceHandle).                        target <= 1.10x
//       The library opens the service through one manager handle it keeps (src-native/
//       scm_access.cc), so (1b) also compares it with a C++ loop doing exactly that: OpenServiceW
//       through a manager opened before the loop + QueryServiceStatusEx + CloseServiceHandle.
//   (2) getMultipleServiceStatusSync() versus a C++ EnumServicesStatusExW enumeration (manager
//       open + size probe + exact-size call, type mask 0x3f, SERVICE_STATE_ALL).  target <= 1.15x
//   (3) both versus spawning `sc.exe query Spooler` from node (execFile, no shell, awaited one at
//       a time: what npm packages that shell out do, minus the cmd.exe they often add).
//                                                                             target >= 25x
//       A diagnostic row also times exec('sc query ...') through the shell (cmd.exe), the form
//       many packages use; the target is judged on the cheaper execFile form only.
// Diagnostic rows without a target: the addon's raw exports (binding.queryStatusSync /
// enumStatusSync, no TypeScript facade), to split the library's cost between facade and addon.
// Environment: SCM_BENCH_ROUNDS (default 40), SCM_BENCH_ITERATIONS (calls per round per
// contender, default 50), SCM_BENCH_SPAWNS (sc.exe runs per round, default 3),
// SCM_BENCH_SERVICE (default Spooler).
const scm = require('..');
const { binding } = require('../binding');
const h = require('./lib/harness');

const ROUNDS = h.envInt('SCM_BENCH_ROUNDS', 40);
const ITERATIONS = h.envInt('SCM_BENCH_ITERATIONS', 50);
const SPAWNS = h.envInt('SCM_BENCH_SPAWNS', 3);
const SERVICE = process.env.SCM_BENCH_SERVICE || 'Spooler';
const TYPE_MASK = 0x3f; // SERVICE_TYPE_ALL_ENUMERABLE, what getMultipleServiceStatusSync() asks for

function expectEqual(what, actual, expected) {
  if (actual !== expected) throw new Error(`${what}: got ${actual}, the C++ baseline saw ${expected}`);
}

async function main() {
  const env = h.environment(); // taken at the start: its date is when the run began
  // What each side must agree on, taken once before timing.
  const reference = {
    state: scm.SERVICE_STATES[scm.getServiceStatusSync(SERVICE).state],
    services: scm.getMultipleServiceStatusSync().length,
  };
  const nativeStatus = h.nativeLoop('status', 1, [SERVICE]);
  expectEqual('state', reference.state, nativeStatus.last);
  const nativeEnum = h.nativeLoop('enum', 1, [`0x${TYPE_MASK.toString(16)}`]);
  expectEqual('service count', reference.services, nativeEnum.last);

  const contenders = [
    {
      name: 'status: getServiceStatusSync',
      run: () => h.timeSync(() => scm.getServiceStatusSync(SERVICE), ITERATIONS),
      check: (last) => expectEqual('state', scm.SERVICE_STATES[last.state], reference.state),
    },
    {
      name: 'status: addon queryStatusSync (raw)',
      run: () => h.timeSync(() => binding.queryStatusSync(null, null, SERVICE), ITERATIONS),
      check: (last) => expectEqual('state', last.currentState, reference.state),
    },
    {
      name: 'status: C++ Win32 loop',
      run: () => h.nativeLoop('status', ITERATIONS, [SERVICE]),
      check: (last) => expectEqual('state', last, reference.state),
    },
    {
      name: 'status: C++ Win32 loop, held manager',
      run: () => h.nativeLoop('status-held', ITERATIONS, [SERVICE]),
      check: (last) => expectEqual('state', last, reference.state),
    },
    {
      name: 'enum: getMultipleServiceStatusSync',
      run: () => h.timeSync(() => scm.getMultipleServiceStatusSync(), ITERATIONS),
      check: (last) => expectEqual('service count', last.length, reference.services),
    },
    {
      name: 'enum: addon enumStatusSync (raw)',
      run: () => h.timeSync(() => binding.enumStatusSync(null, null, TYPE_MASK, 3, null), ITERATIONS),
      check: (last) => expectEqual('service count', last.length, reference.services),
    },
    {
      name: 'enum: C++ Win32 loop',
      run: () => h.nativeLoop('enum', ITERATIONS, [`0x${TYPE_MASK.toString(16)}`]),
      check: (last) => expectEqual('service count', last, reference.services),
    },
    {
      name: `spawn: sc.exe query ${SERVICE}`,
      run: () => h.timeAsync(() => h.execFileAsync('sc.exe', ['query', SERVICE]), SPAWNS),
      check: (last) => {
        if (!new RegExp(`SERVICE_NAME: ${SERVICE}\\b`).test(last.stdout) || !/STATE\s+:\s+\d/.test(last.stdout)) {
          throw new Error(`sc.exe query ${SERVICE} printed no status: ${last.stdout}`);
        }
      },
    },
    {
      name: `spawn (diag): exec('sc query ${SERVICE}') via cmd.exe`,
      run: () => h.timeAsync(() => h.execAsync(`sc query ${SERVICE}`), SPAWNS),
      check: (last) => {
        if (!new RegExp(`SERVICE_NAME: ${SERVICE}\\b`).test(last.stdout)) throw new Error(`exec('sc query ${SERVICE}') printed no status: ${last.stdout}`);
      },
    },
  ];
  const groups = [
    ['status: getServiceStatusSync', 'status: C++ Win32 loop', 'status: C++ Win32 loop, held manager', 'status: addon queryStatusSync (raw)'],
    ['enum: getMultipleServiceStatusSync', 'enum: C++ Win32 loop', 'enum: addon enumStatusSync (raw)'],
    [`spawn: sc.exe query ${SERVICE}`, `spawn (diag): exec('sc query ${SERVICE}') via cmd.exe`],
  ];

  const started = Date.now();
  const stats = await h.runRounds({
    contenders, groups, rounds: ROUNDS,
    onRound: (round) => process.stdout.write(`round ${round}/${ROUNDS}${round === 0 ? ' (warm-up)' : ''} done at ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
  });

  const spawnName = `spawn: sc.exe query ${SERVICE}`;
  const comparisons = [
    h.compare(stats, 'status: getServiceStatusSync', 'status: C++ Win32 loop', { max: 1.1 }, '(1) getServiceStatusSync / C++ loop'),
    h.compare(stats, 'status: getServiceStatusSync', 'status: C++ Win32 loop, held manager', { max: 1.1 }, '(1b) getServiceStatusSync / C++ loop with a held manager (the same RPCs)'),
    h.compare(stats, 'enum: getMultipleServiceStatusSync', 'enum: C++ Win32 loop', { max: 1.15 }, '(2) getMultipleServiceStatusSync / C++ loop'),
    h.compare(stats, spawnName, 'status: getServiceStatusSync', { min: 25 }, '(3a) sc.exe spawn / getServiceStatusSync'),
    h.compare(stats, spawnName, 'enum: getMultipleServiceStatusSync', { min: 25 }, '(3b) sc.exe spawn / getMultipleServiceStatusSync'),
    h.compare(stats, spawnName, 'status: C++ Win32 loop', null, '(3c) sc.exe spawn / C++ status loop'),
    h.compare(stats, `spawn (diag): exec('sc query ${SERVICE}') via cmd.exe`, 'status: getServiceStatusSync', null, '(diag) exec via cmd.exe / getServiceStatusSync'),
    h.compare(stats, 'status: addon queryStatusSync (raw)', 'status: C++ Win32 loop', null, '(diag) raw addon status / C++ loop'),
    h.compare(stats, 'enum: addon enumStatusSync (raw)', 'enum: C++ Win32 loop', null, '(diag) raw addon enum / C++ loop'),
    h.compare(stats, 'status: getServiceStatusSync', 'status: addon queryStatusSync (raw)', null, '(diag) facade status / raw addon'),
    h.compare(stats, 'enum: getMultipleServiceStatusSync', 'enum: addon enumStatusSync (raw)', null, '(diag) facade enum / raw addon'),
  ];

  const result = {
    bench: 'status',
    ...env,
    config: { rounds: ROUNDS, warmupRounds: 1, iterationsPerRound: ITERATIONS, spawnsPerRound: SPAWNS, service: SERVICE, typeMask: TYPE_MASK, servicesEnumerated: reference.services },
    durationSeconds: Math.round((Date.now() - started) / 100) / 10,
    stats,
    comparisons,
  };
  const file = h.writeResult('status', result, stats);
  process.stdout.write(`\n${h.formatTable(stats, comparisons)}\n\nwritten: ${file}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exitCode = 1;
});
