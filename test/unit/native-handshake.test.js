'use strict';
// The service dispatcher's handshake state (src-native/control_handshake.h) is plain C++ with no
// Win32 in it, so its own tests (test/native/control_handshake_test.cc) build with the host's g++
// and run here, outside Wine. Skipped where no g++ is on the PATH (a Windows runner with MSVC).
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const SOURCE = path.join(ROOT, 'test', 'native', 'control_handshake_test.cc');
const OUT_DIR = path.join(ROOT, '.cache', 'native-unit');

describe('native: the dispatcher handshake state (g++)', () => {
  it('passes its checks', function () {
    if (spawnSync('g++', ['--version']).status !== 0) this.skip();
    fs.mkdirSync(OUT_DIR, { recursive: true });
    const exe = path.join(OUT_DIR, `control_handshake_test${process.platform === 'win32' ? '.exe' : ''}`);
    const build = spawnSync('g++', ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-o', exe, SOURCE], { encoding: 'utf8' });
    assert.equal(build.status, 0, `g++ failed:\n${build.stderr}`);
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /all checks passed/);
  });
});
