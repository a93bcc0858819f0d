#!/usr/bin/env node
'use strict';
// Builds prebuilds/win32-<arch>/scm-native.node for each architecture asked for, each only when
// older than its inputs (--force: always):
// - on Linux, win32-x64 and win32-arm64: prebuildify drives cmake-js through
//   scripts/cmake-js-gyp-shim.js, x64 with Debian's mingw-w64 (cmake/mingw-w64-x86_64.cmake),
//   arm64 with zig from the npm registry (cmake/zig-aarch64-windows.cmake, scripts/zig-cxx.js;
//   fetched on first use by scripts/lib/toolchain.js). The arm64 addon cannot be run here (no
//   Windows on Arm, no arm64 Wine): it is checked as a file only (an ARM64 PE DLL exporting
//   napi_register_module_v1).
// - on Windows, the machine's own architecture: cmake-js with MSVC, copied to the same place.
// SCM_NATIVE_ARCHS (e.g. "x64" or "x64,arm64") chooses the architectures.
// build/Release is emptied afterwards: node-gyp-build prefers it over prebuilds/, and nothing
// stale may ever be loaded from there.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { checkAddon } = require('./lib/pe');

const root = path.resolve(__dirname, '..');
const SUPPORTED = ['x64', 'arm64'];
const defaultArchs = process.platform === 'win32' ? [process.arch] : ['x64', 'arm64'];
const archs = process.env.SCM_NATIVE_ARCHS ? process.env.SCM_NATIVE_ARCHS.split(',').map((a) => a.trim()).filter(Boolean) : defaultArchs;
for (const arch of archs) {
  if (!SUPPORTED.includes(arch)) {
    console.error(`scm-native: SCM_NATIVE_ARCHS names ${arch}; the addon is built for ${SUPPORTED.join(', ')}`);
    process.exit(2);
  }
}
const commonInputs = ['CMakeLists.txt', 'cmake', 'src-native', 'package.json'];
const extraInputs = { x64: [], arm64: process.platform === 'win32' ? [] : ['scripts/zig-cxx.js'] };
const targetOf = (arch) => path.join(root, 'prebuilds', `win32-${arch}`, 'scm-native.node');

function newestInput(file) {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(file).map((f) => newestInput(path.join(file, f))));
}

function upToDate(arch) {
  const target = targetOf(arch);
  if (!fs.existsSync(target) || process.argv.includes('--force')) return false;
  const built = fs.statSync(target).mtimeMs;
  return [...commonInputs, ...extraInputs[arch]].every((input) => newestInput(path.join(root, input)) <= built);
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
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

function build(arch) {
  const target = targetOf(arch);
  if (process.platform === 'win32') {
    run(process.execPath, [require.resolve('cmake-js/bin/cmake-js'), 'rebuild', '--arch', arch]);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, 'build', 'Release', 'scm_native.node'), target);
  } else {
    let env = process.env;
    if (arch === 'arm64') {
      const { ensureZig } = require('./lib/toolchain');
      env = { ...process.env, SCM_NATIVE_ZIG: ensureZig(), SCM_NATIVE_NODE: process.execPath };
    }
    run(process.execPath, [require.resolve('prebuildify/bin.js'), '--napi', '--platform', 'win32', '--arch', arch,
      '--node-gyp', path.join(root, 'scripts', 'cmake-js-gyp-shim.js')], env);
  }
  fs.rmSync(path.join(root, 'build', 'Release'), { recursive: true, force: true });
  const relative = path.relative(root, target);
  if (!fs.existsSync(target)) {
    console.error(`scm-native: the build did not produce ${relative}`);
    process.exit(1);
  }
  try {
    checkAddon(fs.readFileSync(target), arch, relative);
  } catch (error) {
    fs.rmSync(target, { force: true });
    console.error(`scm-native: ${error.message}`);
    process.exit(1);
  }
  console.log(`scm-native: built ${relative}`);
}

acquireLock();
for (const arch of archs) {
  if (upToDate(arch)) console.log(`scm-native: native addon for win32-${arch} is up to date`);
  else build(arch);
}
