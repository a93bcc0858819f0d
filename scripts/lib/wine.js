'use strict';
// Running Windows node.exe under Wine 8 (see shared notes: windows-on-linux.md). The facts encoded
// here: a fresh prefix needs wineboot, Windows 10 mode and a wineserver restart before services
// start; node.exe dies with EBADF when stdout/stderr is a pipe, so output goes to files; every
// wine command's stderr is redirected so services.exe does not hold a caller's pipe open; every
// run ends with `wineserver -k`.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { CACHE, WINE_DIR, log } = require('./toolchain');

const WINE64 = path.join(WINE_DIR, 'wine64');
const WINESERVER = path.join(WINE_DIR, 'wineserver');

function wineEnv(prefix, extra = {}) {
  return {
    ...process.env,
    WINEPREFIX: prefix,
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    PATH: `${process.env.PATH}:${WINE_DIR}`,
    SCM_NATIVE_UNDER_WINE: '1',
    ...extra,
  };
}

function quiet(command, args, env) {
  const log = fs.openSync(path.join(CACHE, 'wine-setup.log'), 'a');
  try {
    return spawnSync(command, args, { env, stdio: ['ignore', log, log] });
  } finally {
    fs.closeSync(log);
  }
}

/** Stops every process of the prefix (services included). */
function killWineserver(prefix) {
  quiet(WINESERVER, ['-k'], wineEnv(prefix));
  quiet(WINESERVER, ['-w'], wineEnv(prefix));
}

/**
 * A fresh prefix in Windows 10 mode whose SCM accepts StartService straight away. Its path is
 * .cache/<name>, or $SCM_NATIVE_WINE_PREFIX so that parallel runs each have their own.
 */
function createPrefix(name = 'wine-prefix') {
  fs.mkdirSync(CACHE, { recursive: true });
  const prefix = process.env.SCM_NATIVE_WINE_PREFIX || path.join(CACHE, name);
  if (fs.existsSync(prefix)) {
    killWineserver(prefix);
    fs.rmSync(prefix, { recursive: true, force: true });
  }
  const env = wineEnv(prefix);
  let boot = quiet(WINE64, ['wineboot', '--init'], env);
  if (boot.status !== 0) {
    // Seen once in a long run (exit 1, nothing logged) and not again: start over once.
    log(`wineboot --init failed (exit ${boot.status}) for ${prefix}: creating the prefix again`);
    killWineserver(prefix);
    fs.rmSync(prefix, { recursive: true, force: true });
    boot = quiet(WINE64, ['wineboot', '--init'], env);
  }
  if (boot.status !== 0) throw new Error(`wineboot --init failed (exit ${boot.status}); see .cache/wine-setup.log`);
  quiet(WINE64, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/t', 'REG_SZ', '/d', 'win10', '/f'], env);
  // Straight after wineboot every StartServiceW fails with 1055 until the wineserver restarts.
  quiet(WINESERVER, ['-w'], env);
  return prefix;
}

/**
 * Runs `node.exe args...` in the prefix with output to files, killing the whole prefix if it runs
 * past `timeoutMs` (a hung services.exe otherwise hangs every later SCM call).
 * Resolves { code, timedOut, stdout, stderr }.
 */
function runNodeExe({ nodeExe, prefix, args, cwd, timeoutMs, env = {}, outDir = CACHE, label = 'run' }) {
  fs.mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `${label}.stdout.txt`);
  const errFile = path.join(outDir, `${label}.stderr.txt`);
  const out = fs.openSync(outFile, 'w');
  const err = fs.openSync(errFile, 'w');
  return new Promise((resolve) => {
    const child = spawn(WINE64, [nodeExe, ...args], { cwd, env: wineEnv(prefix, env), stdio: ['ignore', out, err] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killWineserver(prefix);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fs.closeSync(out);
      fs.closeSync(err);
      resolve({
        code: code === null ? -1 : code,
        timedOut,
        stdout: fs.readFileSync(outFile, 'utf8'),
        stderr: fs.readFileSync(errFile, 'utf8'),
      });
    });
  });
}

module.exports = { createPrefix, killWineserver, runNodeExe, wineEnv };
