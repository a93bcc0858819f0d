'use strict';
// Argument checks run before any native call, so they are the same on every platform: off Windows
// a valid call gets as far as ERR_SCM_UNSUPPORTED_PLATFORM, an invalid one fails earlier. On
// Windows the valid calls are not made: they would act on the real SCM (create services named
// 's' and 'ok', wait for their states); the integration tests make such calls there.
const assert = require('node:assert/strict');
const scm = require('../..');

const UNSUPPORTED = { code: 'ERR_SCM_UNSUPPORTED_PLATFORM' };
const onWindows = process.platform === 'win32';

/** Off Windows: `call` passes every argument check and fails only for want of an SCM. */
async function passesValidation(call) {
  if (!onWindows) await assert.rejects(call(), UNSUPPORTED);
}
const PASSWORD = 'Pw-7f3a9c-RECOGNISABLE-secret';

describe('argument validation', () => {
  it('service names: empty, too long, separators, NUL, non-strings', async () => {
    await assert.rejects(scm.getServiceStatus(''), RangeError);
    await assert.rejects(scm.getServiceStatus('x'.repeat(257)), RangeError);
    await passesValidation(() => scm.getServiceStatus('x'.repeat(256))); // the limit itself is fine
    await assert.rejects(scm.getServiceStatus('a/b'), RangeError);
    await assert.rejects(scm.getServiceStatus('a\\b'), RangeError);
    await assert.rejects(scm.startService('a\0b'), RangeError);
    await assert.rejects(scm.deleteService(null), TypeError);
    await assert.rejects(scm.createService(42, 'C:\\x.exe'), TypeError);
    assert.throws(() => scm.getServiceStatusSync(undefined), TypeError);
    assert.throws(() => scm.serviceExistsSync('y'.repeat(257)), RangeError);
    // Functions that accept a display name allow separators there.
    await passesValidation(() => scm.serviceExists('Some / display \\ name'));
    await passesValidation(() => scm.createService('ok', 'C:\\x.exe', { displayName: 'A/B\\C' }));
    await assert.rejects(scm.createService('ok', 'C:\\x.exe', { displayName: '' }), RangeError);
  });

  it('unknown enum tokens are RangeError, non-strings TypeError', async () => {
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { serviceType: 'own_process' }), RangeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { serviceType: 0x10 }), TypeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { startType: 'manual' }), RangeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { startType: 3 }), TypeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { errorControl: 'fatal' }), RangeError);
    await assert.rejects(scm.waitForServiceState('s', 'started'), RangeError);
    await assert.rejects(scm.waitForServiceState('s', ['running', 'Stopped']), RangeError);
    await assert.rejects(scm.waitForServiceState('s', [4]), TypeError);
    await assert.rejects(scm.waitForServiceState('s', []), RangeError);
    await assert.rejects(scm.getMultipleServiceStatus({ state: 'sleeping' }), RangeError);
    await assert.rejects(scm.getMultipleServiceStatus({ types: ['daemon'] }), RangeError);
    await assert.rejects(scm.getMultipleServiceStatus({ types: [] }), RangeError);
    await assert.rejects(scm.getMultipleServiceStatus({ types: 'kernel_driver' }), TypeError);
    // Every valid token passes validation.
    for (const startType of ['auto_start', 'demand_start', 'disabled']) {
      await passesValidation(() => scm.createService('s', 'C:\\x.exe', { startType }));
    }
    for (const errorControl of Object.keys(scm.ERROR_CONTROLS)) {
      await passesValidation(() => scm.createService('s', 'C:\\x.exe', { errorControl }));
    }
    for (const state of Object.keys(scm.SERVICE_STATES)) await passesValidation(() => scm.waitForServiceState('s', state));
  });

  it('timeouts must be non-negative integers of milliseconds', async () => {
    await assert.rejects(scm.startService('s', { wait: 1.5 }), RangeError);
    await assert.rejects(scm.startService('s', { wait: -1 }), RangeError);
    await assert.rejects(scm.stopService('s', { wait: NaN }), RangeError);
    await assert.rejects(scm.stopService('s', { wait: Infinity }), RangeError);
    await assert.rejects(scm.stopService('s', { wait: 2 ** 31 }), RangeError);
    await assert.rejects(scm.stopService('s', { wait: '100' }), TypeError);
    await assert.rejects(scm.waitForServiceState('s', 'running', { timeout: -5 }), RangeError);
    await assert.rejects(scm.waitForServiceState('s', 'running', { timeout: 0.25 }), RangeError);
    await assert.rejects(scm.waitForServiceState('s', 'running', { timeout: null }), TypeError);
    await passesValidation(() => scm.startService('s', { wait: 0 }));
    await passesValidation(() => scm.stopService('s', { wait: 2 ** 31 - 1 }));
  });

  it('options of the wrong type', async () => {
    await assert.rejects(scm.getServiceStatus('s', 'HOST'), TypeError);
    await assert.rejects(scm.getServiceStatus('s', ['HOST']), TypeError);
    await assert.rejects(scm.getServiceStatus('s', { system: 42 }), TypeError);
    await assert.rejects(scm.getServiceStatus('s', { database: '' }), RangeError);
    await assert.rejects(scm.startService('s', { args: 'a b' }), TypeError);
    await assert.rejects(scm.startService('s', { args: ['a', 1] }), TypeError);
    await assert.rejects(scm.startService('s', { signal: {} }), TypeError);
    await assert.rejects(scm.waitForServiceState('s', 'running', { signal: 'abort' }), TypeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { interactive: 'yes' }), TypeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { dependencies: 'Spooler' }), TypeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { loadOrderGroup: 7 }), TypeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { description: {} }), TypeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { account: '' }), RangeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { startType: 'boot_start' }), RangeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { interactive: true, account: 'NT AUTHORITY\\LocalService' }), RangeError);
    await assert.rejects(scm.createService('s', 'C:\\x.exe', { serviceType: 'kernel_driver', interactive: true }), RangeError);
    await assert.rejects(scm.createService('s', { path: 'C:\\d.sys', args: ['x'] }, { serviceType: 'kernel_driver' }), RangeError);
  });

  it('commands: a string, or { path, args } with string args (empty ones allowed)', async () => {
    await assert.rejects(scm.createService('s', ''), RangeError);
    await assert.rejects(scm.createService('s', null), TypeError);
    await assert.rejects(scm.createService('s', ['C:\\x.exe']), TypeError);
    await assert.rejects(scm.createService('s', { path: '' }), RangeError);
    await assert.rejects(scm.createService('s', { path: 'C:\\x.exe', args: 'a' }), TypeError);
    await assert.rejects(scm.createService('s', { path: 'C:\\x.exe', args: [null] }), TypeError);
    await assert.rejects(scm.createService('s', { path: 'C:\\x "y".exe' }), RangeError);
    await passesValidation(() => scm.createService('s', { path: 'C:\\x.exe', args: ['', 'a b'] }));
  });

  it('a password never appears in an error message or stack', async () => {
    const cases = [
      { account: 'DOMAIN\\user', password: PASSWORD, startType: 'sometimes' },
      { account: 'DOMAIN\\user', password: PASSWORD, serviceType: 'own' },
      { account: 'DOMAIN\\user', password: PASSWORD, errorControl: 42 },
      { account: 'DOMAIN\\user', password: PASSWORD, interactive: true },
      { account: 42, password: PASSWORD },
      { password: PASSWORD },
      { account: 'DOMAIN\\user', password: `${PASSWORD}\0` },
      { account: 'DOMAIN\\user', password: PASSWORD, dependencies: [PASSWORD.length] },
      { account: 'DOMAIN\\user', password: PASSWORD }, // valid: fails later, off Windows
    ];
    let seen = 0;
    for (const options of cases) {
      await assert.rejects(scm.createService('svc', 'C:\\x.exe', options), (error) => {
        seen++;
        const text = `${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${String(error)}`;
        assert.equal(text.includes(PASSWORD), false, `password leaked: ${text}`);
        assert.equal(text.includes(PASSWORD.slice(0, 12)), false, `password prefix leaked: ${text}`);
        return true;
      });
    }
    assert.equal(seen, cases.length);
    await assert.rejects(scm.createService('svc', 'C:\\x.exe', { password: 5 }), TypeError);
  });
});
