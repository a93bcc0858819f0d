'use strict';
// The addon loader as Windows on Arm sees it (process.platform and process.arch faked in a child,
// node-gyp-build pointed at win32-arm64): a package with only the x64 prebuild names the missing
// prebuilds/win32-arm64 and what it has; with the arm64 folder present it loads from there.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

function asArm64(entry) {
  const code = `Object.defineProperty(process, 'platform', { value: 'win32' });
Object.defineProperty(process, 'arch', { value: 'arm64' });
const scm = require(${JSON.stringify(entry)});
try { scm.getServiceStatusSync('x'); console.log(JSON.stringify({ ok: true })); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, cause: e.cause && e.cause.message })); }`;
  const env = { ...process.env, npm_config_platform: 'win32', npm_config_arch: 'arm64', NODE_PATH: path.join(root, 'node_modules') };
  delete env.SCM_NATIVE_PREBUILD;
  const result = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

describe('addon loader on Windows on Arm', () => {
  let copy;
  before(() => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-arm64-'));
    for (const part of ['package.json', 'dist', 'binding']) fs.cpSync(path.join(root, part), path.join(copy, part), { recursive: true });
    fs.mkdirSync(path.join(copy, 'prebuilds', 'win32-x64'), { recursive: true });
    fs.writeFileSync(path.join(copy, 'prebuilds', 'win32-x64', 'scm-native.node'), 'MZ');
  });
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('without prebuilds/win32-arm64 it names the missing prebuild and the ones there are', () => {
    const out = asArm64(path.join(copy, 'dist', 'index.js'));
    assert.equal(out.code, 'ERR_SCM_ADDON_NOT_FOUND');
    assert.match(out.message, /no prebuilt addon for win32-arm64 \(prebuilds\/win32-arm64\/scm-native\.node is missing; it has win32-x64\)/);
    // For a user who installed from npm: the Node and Node-API here, and ways out before a build.
    assert.match(out.message, /which this Node needs \(Node v\d+\.\d+\.\d+ arm64, Node-API \d+\)/);
    assert.match(out.message, /npm install scm-native@latest\), run x64 Node \(Windows on Arm runs it\), set SCM_NATIVE_PREBUILD/);
    assert.doesNotMatch(out.message, /npm run build/);
    assert.match(out.message, /npx cmake-js rebuild/);
  });

  it('node-gyp-build picks prebuilds/win32-arm64/scm-native.node', () => {
    fs.mkdirSync(path.join(copy, 'prebuilds', 'win32-arm64'), { recursive: true });
    fs.writeFileSync(path.join(copy, 'prebuilds', 'win32-arm64', 'scm-native.node'), 'MZ');
    const out = asArm64(path.join(copy, 'dist', 'index.js'));
    // The prebuild is found; only loading a Windows file into Linux node fails.
    assert.equal(out.code, 'ERR_SCM_ADDON_NOT_FOUND');
    assert.match(out.message, /could not be loaded/);
    assert.match(out.cause, /win32-arm64[\\/]scm-native\.node/);
  });
});
