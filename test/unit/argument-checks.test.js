'use strict';
// Wrong argument types reach the library's own TypeError/RangeError before anything else runs
// (issue 13, part B). These run before any native call, so they run on Linux too; the seeded fuzz
// of the whole API runs in Windows node (test/integration/fuzz.test.js).
const assert = require('node:assert/strict');
const scm = require('../..');
const { checkSignal } = require('../../dist/validation');

const typeError = (pattern) => (e) => e instanceof TypeError && pattern.test(e.message) && !/is not a function|Cannot read prop/.test(e.message);

describe('argument checks of the exported functions', () => {
  it('a signal must be a real AbortSignal: a plain object or a forged prototype is refused', async () => {
    assert.throws(() => checkSignal({ aborted: false }), typeError(/options\.signal must be an AbortSignal, got type object/));
    assert.throws(() => checkSignal(Object.create(AbortSignal.prototype)), typeError(/options\.signal must be an AbortSignal/));
    assert.throws(() => checkSignal({ aborted: false, addEventListener() {}, removeEventListener() {} }), typeError(/AbortSignal/));
    const real = new AbortController().signal;
    assert.equal(checkSignal(real), real);
    const timed = AbortSignal.timeout(1000);
    assert.equal(checkSignal(timed), timed);
    const both = AbortSignal.any([real, timed]);
    assert.equal(checkSignal(both), both);
    assert.equal(checkSignal(undefined), undefined);
    for (const fn of [scm.startService, scm.stopService, scm.pauseService, scm.continueService]) {
      await assert.rejects(fn('svc', { signal: { aborted: false } }), typeError(/options\.signal must be an AbortSignal/));
    }
    await assert.rejects(scm.waitForServiceState('svc', 'running', { signal: { aborted: false } }), typeError(/options\.signal/));
    await assert.rejects(scm.restartService('svc', { wait: 10, signal: { aborted: false } }), typeError(/options\.signal/));
    await assert.rejects(new scm.Service({ name: 'svc' }).status({ signal: { aborted: false } }), typeError(/options\.signal/));
  });

  it('functions that reached engine errors name their argument now', async () => {
    assert.throws(() => scm.needsServiceLogonRight(10n), typeError(/^account must be a string, got type bigint$/));
    assert.throws(() => scm.needsServiceLogonRight(false), typeError(/^account must be a string/));
    assert.equal(scm.needsServiceLogonRight(undefined), false);
    assert.equal(scm.needsServiceLogonRight('.\\alice'), true);
    assert.throws(() => scm.parseServicesFile(null, 'x.json'), typeError(/^text must be a string, got null$/));
    assert.throws(() => scm.parseServicesFile('{}', 5), typeError(/^file must be a string/));
    assert.throws(() => scm.parseServicesFile('{}', 'x', 'xml'), (e) => e instanceof RangeError && /format must be one of json, yaml, toml/.test(e.message));
    assert.throws(() => scm.loadServicesFile(Symbol('s')), typeError(/^file must be a string, got type symbol$/));
    await assert.rejects(scm.checkServices([1, 2]), typeError(/^file must be a parsed services file/));
    await assert.rejects(scm.applyServices({ services: [{}] }), typeError(/file\.services\[0\]\.name must be a string/));
    await assert.rejects(scm.applyServices({ services: [] }, 5), typeError(/^options must be an object/));
    await assert.rejects(scm.runCli(0), typeError(/^argv must be an array of strings/));
    await assert.rejects(scm.runCli([{}]), typeError(/^argv\[0\] must be a string/));
    await assert.rejects(scm.runCli(['help'], { stdout: 1 }), typeError(/^io\.stdout must be a writable stream/));
    await assert.rejects(scm.runHost(Symbol('s')), typeError(/^service must be a string/));
    await assert.rejects(scm.runHost('svc', 3), typeError(/^options must be an object/));
    // null options are no options (the next failure is the platform's or the SCM's, not an engine error).
    await assert.rejects(scm.removeProgramService('svc', null), (e) => e instanceof scm.ScmError);
    await assert.rejects(scm.removeProgramService('svc', { wait: 'soon' }), typeError(/options\.wait must be a number/));
    await assert.rejects(scm.updateProgramService('svc', 7), typeError(/^change must be an object/));
    await assert.rejects(scm.updateProgramService('svc', { program: 1 }), typeError(/^change\.program must be a string/));
    await assert.rejects(scm.upgradeProgramServices(null, 5), typeError(/^progress must be a function/));
    await assert.rejects(scm.programServiceLogFile('svc', 5), typeError(/^options must be an object/));
    await assert.rejects(scm.readProgramServiceLog('svc', 5, { stderr: 'yes' }), typeError(/options\.stderr must be a boolean/));
    assert.throws(() => scm.sendDebugControl(1, 'stop'), typeError(/^name must be a string/));
    assert.throws(() => scm.sendDebugControl('svc', 'bogus'), (e) => e instanceof RangeError && /control must be one of/.test(e.message));
  });

  it('the watcher classes check their arguments as watchService and watchServices do', () => {
    assert.throws(() => new scm.ServiceWatcher(42), typeError(/^name must be a string/));
    assert.throws(() => new scm.ServiceWatcher('a/b'), RangeError);
    assert.throws(() => new scm.ServiceWatcher('svc', 'opts'), typeError(/^options must be an object/));
    assert.throws(() => new scm.ServicesWatcher(5), typeError(/^options must be an object/));
    assert.throws(() => new scm.ServicesWatcher({ system: 1 }), typeError(/^options\.system must be a string/));
  });
});
