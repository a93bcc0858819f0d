#!/usr/bin/env node
'use strict';
// npm pack / npm publish: builds what the package ships first (dist/ with the ESM entry and the
// declarations; prebuilds/win32-x64, and on Linux prebuilds/win32-arm64, cross-built), installing
// the tools it needs, and refuses to pack without them: a package without the addon installs but
// cannot work.
// SCM_NATIVE_PREBUILT=1 (the release workflow's pack job): the prebuilds come from elsewhere (the
// MSVC builds on Windows x64 and Windows on Arm); only dist/ is built, nothing native is, and both
// prebuilds/win32-x64 and prebuilds/win32-arm64 must be there.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, ensureAptPackages, ensureNodeModules, log, npm } = require('./lib/toolchain');
const { checkAddon } = require('./lib/pe');

const prebuilt = process.env.SCM_NATIVE_PREBUILT === '1';
const addon = (arch) => `prebuilds/win32-${arch}/scm-native.node`;
/** What the package must hold; each a path from the package root. */
const REQUIRED = ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/host/host-main.js', addon('x64'), 'LICENSE', 'README.md',
  ...(prebuilt ? [addon('arm64')] : [])];

function main() {
  ensureNodeModules();
  if (prebuilt) {
    log('SCM_NATIVE_PREBUILT=1: packing the prebuilds as they are; building dist/ only');
    npm(['run', 'build:ts']);
  } else {
    if (process.platform !== 'win32') ensureAptPackages();
    const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed: nothing is packed');
  }
  const missing = REQUIRED.filter((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missing.length) throw new Error(`refusing to pack without ${missing.join(', ')}`);
  // Each addon must be a Windows DLL for its own machine: a Linux build, or an x64 file in the
  // arm64 folder, would install and never load.
  const archs = fs.readdirSync(path.join(ROOT, 'prebuilds')).filter((d) => d.startsWith('win32-')).map((d) => d.slice('win32-'.length));
  for (const arch of archs) {
    try {
      checkAddon(fs.readFileSync(path.join(ROOT, addon(arch))), arch, addon(arch));
    } catch (error) {
      throw new Error(`${error.message}: refusing to pack`);
    }
  }
  log(`packing with ${[...new Set([...REQUIRED, ...archs.map(addon)])].join(', ')}`);
}

// `npm pack --json` reads this script's stdout too: the work runs in a child whose output all
// goes to stderr.
if (process.argv[2] !== '--work') {
  const child = spawnSync(process.execPath, [__filename, '--work'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  process.exitCode = child.status === null ? 1 : child.status;
} else {
  try {
    main();
  } catch (error) {
    process.stderr.write(`[prepack] ${error.message}\n`);
    process.exitCode = 1;
  }
}
