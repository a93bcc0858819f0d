'use strict';
// The addon loader on Windows: a copy of the package without the prebuild for this architecture
// (Windows on Arm runs arm64 Node, which cannot load the x64 addon) says which prebuild is
// missing and how to build it from source; SCM_NATIVE_PREBUILD loads the addon from a folder.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('../support/child');
const { assert } = require('../support/scm');

const ROOT = path.join(__dirname, '..', '..');

/** Runs `code` in a child node with `env`; its JSON result. */
function inChild(code, env = {}) {
  const result = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const TRY_STATUS = (entry) => `const scm = require(${JSON.stringify(entry)});
try { scm.getServiceStatusSync('x'); console.log(JSON.stringify({ ok: true })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;

describe('addon loader', function () {
  this.timeout(60000);

  it('a package without the prebuild for this architecture names the missing prebuild and how to build it', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-noprebuild-'));
    for (const part of ['package.json', 'dist', 'binding']) fs.cpSync(path.join(ROOT, part), path.join(copy, part), { recursive: true });
    const out = inChild(TRY_STATUS(path.join(copy, 'dist', 'index.js')));
    assert.equal(out.code, 'ERR_SCM_ADDON_NOT_FOUND');
    assert.match(out.message, new RegExp(`no prebuilt addon for win32-${process.arch} \\(prebuilds/win32-${process.arch}/scm-native\\.node is missing; it has none\\)`));
    assert.match(out.message, /npx cmake-js rebuild/);
    fs.rmSync(copy, { recursive: true, force: true });
  });

  it('SCM_NATIVE_PREBUILD loads the addon from a folder, and a folder without it is a clear error', () => {
    const prebuild = path.join(ROOT, 'prebuilds', `win32-${process.arch}`);
    assert.deepEqual(inChild(TRY_STATUS(path.join(ROOT, 'dist', 'index.js')), { SCM_NATIVE_PREBUILD: prebuild }).code, 'ERROR_SERVICE_DOES_NOT_EXIST');
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-empty-'));
    const out = inChild(TRY_STATUS(path.join(ROOT, 'dist', 'index.js')), { SCM_NATIVE_PREBUILD: empty });
    assert.equal(out.code, 'ERR_SCM_ADDON_NOT_FOUND');
    assert.match(out.message, /could not be loaded: .*scm-native\.node/);
    // Where it was loaded from, and the Node-API the addon needs and this Node has.
    assert.match(out.message, /\(from SCM_NATIVE_PREBUILD .+, built for Node-API 8, into Node v\d+\.\d+\.\d+ \w+, Node-API \d+\)/);
  });
});
