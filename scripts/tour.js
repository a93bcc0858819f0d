#!/usr/bin/env node
'use strict';
// npm start: the tour (examples/tour.js) against a real Service Control Manager.
//   Linux:   does all set-up itself, as npm test does (Wine and mingw-w64 from Debian when root,
//            Windows node.exe via npm pack, the build, a fresh Wine prefix, $SCM_NATIVE_WINE_PREFIX
//            respected), then runs the tour inside Windows node.exe under Wine with its output
//            going to files that are streamed here, a watchdog, and always `wineserver -k` last.
//   Windows: builds, then runs the tour in this node. Outside an administrator shell it says so
//            and the tour runs its read-only sections only.
// Exits with the tour's exit code (non-zero when a step failed).
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, CACHE, WINE_DIR, ensureAptPackages, ensureNodeExe, ensureNodeModules, log } = require('./lib/toolchain');

const TOUR = path.join(ROOT, 'examples', 'tour.js');
const NODE_WIN_VERSION = '20.20.2';
const WATCHDOG_MS = Number(process.env.SCM_TOUR_TIMEOUT_MS || 300000);

function build() {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

/** Copies what is appended to `file` to `stream`, from `state.offset` on. */
function drain(file, stream, state) {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return;
  }
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, state.offset);
      if (n === 0) break;
      state.offset += n;
      stream.write(buffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Runs node.exe examples/tour.js in the prefix. node.exe under Wine dies with EBADF on a pipe,
 * so its stdout/stderr go to files, tailed here while it runs.
 */
function runTourUnderWine(nodeExe, prefix, killWineserver, wineEnv) {
  const outDir = path.join(CACHE, 'tour-output');
  fs.mkdirSync(outDir, { recursive: true });
  const files = { out: path.join(outDir, 'tour.stdout.txt'), err: path.join(outDir, 'tour.stderr.txt') };
  const outFd = fs.openSync(files.out, 'w');
  const errFd = fs.openSync(files.err, 'w');
  const tails = [[files.out, process.stdout, { offset: 0 }], [files.err, process.stderr, { offset: 0 }]];
  const pump = () => tails.forEach(([file, stream, state]) => drain(file, stream, state));
  const wine64 = path.join(WINE_DIR, 'wine64');
  return new Promise((resolve) => {
    const child = spawn(wine64, [nodeExe, TOUR], { cwd: ROOT, env: wineEnv(prefix), stdio: ['ignore', outFd, errFd] });
    const ticker = setInterval(pump, 200);
    let timedOut = false;
    const watchdog = setTimeout(() => {
      timedOut = true;
      process.stderr.write(`\n[tour] watchdog: still running after ${WATCHDOG_MS / 1000} s; killing the Wine prefix\n`);
      killWineserver(prefix);
      child.kill('SIGKILL');
    }, WATCHDOG_MS);
    const onSignal = (signal) => {
      process.stderr.write(`\n[tour] ${signal}: stopping the Wine prefix\n`);
      killWineserver(prefix);
      child.kill('SIGKILL');
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    child.on('exit', (code) => {
      clearInterval(ticker);
      clearTimeout(watchdog);
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      pump();
      fs.closeSync(outFd);
      fs.closeSync(errFd);
      resolve(timedOut ? 1 : code === null ? 1 : code);
    });
  });
}

async function onLinux() {
  ensureAptPackages();
  const nodeExe = ensureNodeExe(NODE_WIN_VERSION);
  build();
  const { createPrefix, killWineserver, wineEnv } = require('./lib/wine');
  log(`Wine prefix${process.env.SCM_NATIVE_WINE_PREFIX ? ` ${process.env.SCM_NATIVE_WINE_PREFIX}` : ''} (a fresh one, ~10 s)`);
  let prefix = null;
  try {
    prefix = createPrefix('wine-prefix-tour');
    log(`running examples/tour.js in Windows node ${NODE_WIN_VERSION} under Wine\n`);
    return await runTourUnderWine(nodeExe, prefix, killWineserver, wineEnv);
  } finally {
    // Services die with the wineserver; nothing of the run survives it.
    if (prefix === null) prefix = process.env.SCM_NATIVE_WINE_PREFIX || path.join(CACHE, 'wine-prefix-tour');
    killWineserver(prefix);
    log('wineserver -k: the Wine prefix is stopped');
  }
}

function onWindows() {
  build();
  const { isElevated } = require(path.join(ROOT, 'examples', 'tour', 'support'));
  const elevated = isElevated();
  if (!elevated) {
    process.stdout.write('\n[tour] This shell is not elevated. Creating, starting and stopping services needs an\n'
      + '[tour] administrator shell (right-click the terminal, "Run as administrator"); the read-only\n'
      + '[tour] sections run now, the others are skipped.\n\n');
  }
  const result = spawnSync(process.execPath, [TOUR], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, SCM_TOUR_ELEVATED: elevated ? '1' : '0' },
  });
  return result.status === null ? 1 : result.status;
}

async function main() {
  ensureNodeModules();
  if (process.platform === 'win32') return onWindows();
  if (process.platform !== 'linux') {
    throw new Error(`the tour needs Windows, or Linux with Wine; this is ${process.platform}`);
  }
  return onLinux();
}

main().then((code) => {
  process.exitCode = code;
}, (error) => {
  process.stderr.write(`[tour] ${error.message}\n`);
  process.exitCode = 1;
});
