'use strict';
// The prebuilt addons as files: each prebuilds/win32-<arch>/scm-native.node is a DLL for its own
// machine (x64 0x8664, arm64 0xAA64) exporting the Node-API entry point. The arm64 addon cannot
// be loaded here (no Windows on Arm, no arm64 Wine): this is all that is checked of it on Linux.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { MACHINES, readPe, checkAddon } = require('../../scripts/lib/pe');

const root = path.join(__dirname, '..', '..');

describe('prebuilt addons', () => {
  for (const arch of ['x64', 'arm64']) {
    const file = path.join(root, 'prebuilds', `win32-${arch}`, 'scm-native.node');
    it(`prebuilds/win32-${arch}/scm-native.node is a ${arch} DLL exporting napi_register_module_v1`, function () {
      if (!fs.existsSync(file)) this.skip();
      const image = checkAddon(fs.readFileSync(file), arch, `win32-${arch}`);
      assert.equal(image.machine, MACHINES[arch]);
      assert.ok(image.dll);
      assert.ok(image.exports.includes('napi_register_module_v1'));
    });
  }

  it('the check refuses the wrong machine, and files that are not PE images', function () {
    const x64 = path.join(root, 'prebuilds', 'win32-x64', 'scm-native.node');
    if (fs.existsSync(x64)) {
      assert.throws(() => checkAddon(fs.readFileSync(x64), 'arm64', 'x64 addon'), /not arm64 \(0xaa64\)/);
    }
    assert.throws(() => readPe(Buffer.from('\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0'.padEnd(64, '\0'), 'latin1')), /no MZ header/);
    const mzOnly = Buffer.alloc(128);
    mzOnly.write('MZ', 0, 'latin1');
    mzOnly.writeUInt32LE(64, 0x3c);
    assert.throws(() => readPe(mzOnly), /no PE signature/);
    assert.throws(() => checkAddon(mzOnly, 'arm64', 'x'), /x is not a Windows DLL/);
  });
});
