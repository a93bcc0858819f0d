'use strict';
// README's promise: on a fresh clone, `npm test` (and `npm start`, through the same set-up in
// scripts/lib/toolchain.js) installs what is missing itself, node_modules included. A clone of
// the committed tree, without node_modules, dist or prebuilds, runs npm test on one unit file.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

describe('a fresh clone', function () {
  this.timeout(900000);
  const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-clone-'));
  after(() => fs.rmSync(clone, { recursive: true, force: true }));

  it('npm test installs node_modules, builds and runs the tests with no npm install first', () => {
    const cloned = spawnSync('git', ['clone', '--quiet', ROOT, clone], { encoding: 'utf8' });
    assert.equal(cloned.status, 0, cloned.stderr);
    for (const generated of ['node_modules', 'dist', 'prebuilds']) assert.equal(fs.existsSync(path.join(clone, generated)), false, `${generated} is not in the clone`);
    const env = { ...process.env, SCM_TEST_ONLY: 'file-names' };
    for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key]; // as a user's shell, not this npm run
    const result = spawnSync('npm', ['test'], { cwd: clone, env, encoding: 'utf8', maxBuffer: 64 << 20 });
    const output = `${result.stdout}${result.stderr}`;
    assert.equal(result.status, 0, output.slice(-4000));
    assert.match(output, /no node_modules: npm ci/);
    assert.match(output, /^[1-9]\d* passed, 0 failed/m);
    assert.ok(fs.existsSync(path.join(clone, 'prebuilds', 'win32-x64', 'scm-native.node')), 'the addon was built');
  });
});
