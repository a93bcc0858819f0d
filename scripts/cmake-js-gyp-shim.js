#!/usr/bin/env node
'use strict';
// prebuildify drives a node-gyp compatible executable: it spawns
//   <shim> rebuild --target=V --devdir=D --arch=A --release
// and then collects build/Release/*.node. cmake-js reads --target as a CMake target, so this
// shim translates the call into `cmake-js rebuild`, adding the toolchain file of the architecture
// when the addon is cross-built for Windows on another OS.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const arch = (args.find((a) => a.startsWith('--arch=')) || '--arch=x64').slice('--arch='.length);
const cmakeJs = require.resolve('cmake-js/bin/cmake-js', { paths: [root] });
const cmakeArgs = ['rebuild', '--directory', root, '--out', path.join(root, 'build'), '--arch', arch];
// win32-x64 with Debian's mingw-w64, win32-arm64 with zig (SCM_NATIVE_ZIG, set by build-native.js).
const TOOLCHAINS = { x64: 'mingw-w64-x86_64.cmake', arm64: 'zig-aarch64-windows.cmake' };
if (process.platform !== 'win32') {
  if (!TOOLCHAINS[arch]) {
    console.error(`scm-native: cross builds exist for win32-x64 and win32-arm64 only (asked for ${arch})`);
    process.exit(2);
  }
  cmakeArgs.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'cmake', TOOLCHAINS[arch])}`);
}
const result = spawnSync(process.execPath, [cmakeJs, ...cmakeArgs], { cwd: root, stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
