'use strict';
// Native state kept free of Win32 (src-native/control_handshake.h, service_set.h) has its own
// tests (test/native/*_test.cc), built with the host's g++ and run here, outside Wine.
// Skipped where no g++ is on the PATH (a Windows runner with MSVC).
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const OUT_DIR = path.join(ROOT, '.cache', 'native-unit');

// Each plain-C++ test: its source under test/native/ and what it covers.
const TESTS = [
  ['control_handshake_test', 'the dispatcher handshake state and notification replies (control_handshake.h)'],
  ['service_set_test', "watchServices' known-service set and its resync after ERROR_SERVICE_NOTIFY_CLIENT_LAGGING (service_set.h)"],
];

describe('native: plain C++ state machines (g++)', () => {
  for (const [name, what] of TESTS) {
    it(`${what} passes its checks`, function () {
      if (spawnSync('g++', ['--version']).status !== 0) this.skip();
      fs.mkdirSync(OUT_DIR, { recursive: true });
      const exe = path.join(OUT_DIR, `${name}${process.platform === 'win32' ? '.exe' : ''}`);
      const source = path.join(ROOT, 'test', 'native', `${name}.cc`);
      const build = spawnSync('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-o', exe, source], { encoding: 'utf8' });
      assert.equal(build.status, 0, `g++ failed:\n${build.stderr}`);
      const run = spawnSync(exe, [], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /all checks passed/);
    });
  }
});
