'use strict';
// The package on the platform the tests run on: on Windows the addon loads and SCM calls reach
// the SCM; elsewhere it imports, its pure helpers work, and SCM calls fail clearly. Either way
// argument errors come first, ESM named imports work and the declarations ship.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');

const root = path.join(__dirname, '..', '..');
const onWindows = process.platform === 'win32';
/** A service name no SCM has. */
const MISSING = `scmn-unit-missing-${process.pid}`;

describe(`package on ${onWindows ? 'Windows' : 'a non-Windows platform'} (${process.platform})`, () => {
  if (onWindows) {
    it('the addon loads, and SCM calls reach the Service Control Manager', async () => {
      const loaded = require('../../binding');
      assert.equal(loaded.loadError, null, loaded.loadError && loaded.loadError.stack);
      assert.equal(typeof loaded.binding, 'object');
      assert.notEqual(loaded.binding, null);
      assert.throws(() => scm.getServiceStatusSync(MISSING), (error) => {
        assert.ok(error instanceof scm.ScmError);
        assert.equal(error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
        return true;
      });
      for (const call of [() => scm.getServiceStatus(MISSING), () => scm.startService(MISSING)]) {
        await assert.rejects(call(), { name: 'ScmError', code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
      }
      const all = await scm.getMultipleServiceStatus();
      assert.ok(Array.isArray(all) && all.length > 0, 'the SCM lists services');
    });
  } else {
    it('every SCM function throws ScmError ERR_SCM_UNSUPPORTED_PLATFORM naming the platform', async () => {
      assert.throws(() => scm.getServiceStatusSync('Spooler'), (error) => {
        assert.ok(error instanceof scm.ScmError);
        assert.equal(error.code, 'ERR_SCM_UNSUPPORTED_PLATFORM');
        assert.match(error.message, new RegExp(`'${process.platform}'`));
        return true;
      });
      for (const call of [() => scm.getServiceStatus('Spooler'), () => scm.startService('Spooler'),
        () => scm.createService('x', 'C:\\x.exe'), () => scm.getMultipleServiceStatus()]) {
        await assert.rejects(call(), { code: 'ERR_SCM_UNSUPPORTED_PLATFORM' });
      }
    });
  }

  it('argument errors still come first, as TypeError/RangeError', async () => {
    await assert.rejects(scm.getServiceStatus(''), RangeError);
    await assert.rejects(scm.createService('x', 42), TypeError);
  });

  it('works from ESM with named imports', () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e',
      "import { quoteCommandLine, ScmError, getServiceStatus } from 'scm-native'; console.log(typeof getServiceStatus, quoteCommandLine(['a b']), ScmError.name)"],
    { cwd: root, encoding: 'utf8' });
    assert.equal(result.stdout.trim(), 'function "a b" ScmError');
  });

  it('ships declarations generated from the sources', () => {
    const dts = fs.readFileSync(path.join(root, 'dist', 'index.d.ts'), 'utf8');
    assert.match(dts, /getServiceStatus/);
    const query = fs.readFileSync(path.join(root, 'dist', 'services', 'query.d.ts'), 'utf8');
    assert.match(query, /Wraps OpenSCManagerW \+ OpenServiceW \+ QueryServiceStatusEx/);
  });

  // On Windows the target is Windows: npm test's own build is that configure succeeding.
  (onWindows ? it.skip : it)('CMake refuses to build for a non-Windows target (no Linux binary can reach Windows node)', function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cmake-'));
    const result = spawnSync('cmake', ['-S', root, '-B', dir], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /builds only for Windows targets/);
  });
});
