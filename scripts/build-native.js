#!/usr/bin/env node
'use strict';
// Builds prebuilds/win32-x64/scm-native.node. On Linux: prebuildify drives cmake-js through
// scripts/cmake-js-gyp-shim.js with the mingw-w64 toolchain. On Windows: cmake-js with MSVC,
// copied to the same place. build/Release is emptied afterwards: node-gyp-build prefers it over
// prebuilds/, and nothing stale may ever be loaded from there.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const target = path.join(root, 'prebuilds', 'win32-x64', 'scm-native.node');
const inputs = ['CMakeLists.txt', 'cmake', 'src-native', 'package.json'];

function newestInput(file) {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((f) => newestInput(path.join(file, f))));
}

function upToDate() {
  if (!fs.existsSync(target) || process.argv.includes('--force')) return false;
  const built = fs.statSync(target).mtimeMs;
  return inputs.every((input) => newestInput(path.join(root, input)) <= built);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`scm-native: native build failed (${command} ${args.join(' ')})`);
    process.exit(result.status || 1);
  }
}

// Two builds in one checkout (parallel test runs) would wipe each other's build/ directory:
// the second waits for the first, then usually finds the addon up to date.
const lockDir = path.join(root, '.cache', 'native-build.lock');
function acquireLock() {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 10 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      process.on('exit', () => fs.rmSync(lockDir, { recursive: true, force: true }));
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than the longest build belongs to a build that died.
      const age = Date.now() - fs.statSync(lockDir).mtimeMs;
      if (age > 5 * 60 * 1000) fs.rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another native build holds ${lockDir}`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
}

acquireLock();
if (upToDate()) {
  console.log('scm-native: native addon is up to date');
  process.exit(0);
}
if (process.platform === 'win32') {
  run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'rebuild', '--arch', 'x64']);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.copyFileSync(path.join(root, 'build', 'Release', 'scm_native.node'), target);
} else {
  run(process.execPath, [require.resolve('prebuildify/bin.js'), '--napi', '--platform', 'win32', '--arch', 'x64',
    '--node-gyp', path.join(root, 'scripts', 'cmake-js-gyp-shim.js')]);
}
fs.rmSync(path.join(root, 'build', 'Release'), { recursive: true, force: true });
if (!fs.existsSync(target)) {
  console.error(`scm-native: the build did not produce ${path.relative(root, target)}`);
  process.exit(1);
}
console.log(`scm-native: built ${path.relative(root, target)}`);
