#!/usr/bin/env node
'use strict';
// npm pack / npm publish: builds what the package ships first (dist/ with the ESM entry and the
// declarations, prebuilds/win32-x64 cross-built with mingw-w64 on Linux), installing the tools it
// needs, and refuses to pack without them: a package without the addon installs but cannot work.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, ensureAptPackages, ensureNodeModules, log } = require('./lib/toolchain');

/** What the package must hold; each a path from the package root. */
const REQUIRED = ['dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/host/host-main.js', 'prebuilds/win32-x64/scm-native.node', 'LICENSE', 'README.md'];

function main() {
  ensureNodeModules();
  if (process.platform !== 'win32') ensureAptPackages();
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the build failed: nothing is packed');
  const missing = REQUIRED.filter((file) => !fs.existsSync(path.join(ROOT, file)));
  if (missing.length) throw new Error(`refusing to pack without ${missing.join(', ')}`);
  const addon = fs.readFileSync(path.join(ROOT, 'prebuilds', 'win32-x64', 'scm-native.node'));
  // A Windows DLL starts with "MZ"; a Linux build left there would install and never load.
  if (addon.subarray(0, 2).toString('latin1') !== 'MZ') throw new Error('prebuilds/win32-x64/scm-native.node is not a Windows DLL: refusing to pack');
  log(`packing with ${REQUIRED.join(', ')}`);
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
