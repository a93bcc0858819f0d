'use strict';
// ScmError: its shape, and how a native Win32 failure becomes one.
const assert = require('node:assert/strict');
const { ScmError, win32ErrorName } = require('../..');
const { toScmError } = require('../../dist/native/binding');

describe('ScmError', () => {
  it('derives the symbolic code from errno and keeps every field', () => {
    const error = new ScmError({ errno: 1060, syscall: 'OpenServiceW', service: 'Foo', system: 'HOST', detail: 'The specified service does not exist' });
    assert.ok(error instanceof Error);
    assert.ok(error instanceof ScmError);
    assert.equal(error.name, 'ScmError');
    assert.equal(error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
    assert.equal(error.code, win32ErrorName(1060));
    assert.equal(error.errno, 1060);
    assert.equal(error.syscall, 'OpenServiceW');
    assert.equal(error.service, 'Foo');
    assert.equal(error.system, 'HOST');
    for (const part of ['OpenServiceW', "'Foo'", "'HOST'", 'The specified service does not exist', 'ERROR_SERVICE_DOES_NOT_EXIST', '1060']) {
      assert.ok(error.message.includes(part), `message lacks ${part}: ${error.message}`);
    }
    assert.match(String(error), /^ScmError: /);
    assert.match(error.stack, /^ScmError: /);
  });

  it('names codes from the generated table and falls back to UNKNOWN_WIN32_ERROR_<n>', () => {
    assert.equal(win32ErrorName(5), 'ERROR_ACCESS_DENIED');
    assert.equal(win32ErrorName(1073), 'ERROR_SERVICE_EXISTS');
    assert.equal(win32ErrorName(1078), 'ERROR_DUPLICATE_SERVICE_NAME');
    assert.equal(win32ErrorName(1058), 'ERROR_SERVICE_DISABLED');
    assert.equal(win32ErrorName(0x7ffffff1), `UNKNOWN_WIN32_ERROR_${0x7ffffff1}`);
    const error = new ScmError({ errno: 987654321, syscall: 'StartServiceW' });
    assert.equal(error.code, 'UNKNOWN_WIN32_ERROR_987654321');
    assert.equal(error.errno, 987654321);
    assert.match(error.message, /UNKNOWN_WIN32_ERROR_987654321, 987654321/);
  });

  it('an explicit code wins, and absent fields stay absent', () => {
    const error = new ScmError({ code: 'ERR_SCM_SOMETHING', detail: 'explained' });
    assert.equal(error.code, 'ERR_SCM_SOMETHING');
    for (const field of ['errno', 'syscall', 'service', 'system']) assert.equal(Object.hasOwn(error, field), false, field);
    assert.match(error.message, /explained/);
    assert.match(error.message, /ERR_SCM_SOMETHING/);
  });

  it('toScmError turns the addon failure (errno, syscall, win32Message) into ScmError with context', () => {
    const raw = Object.assign(new Error('Access is denied'), { errno: 5, syscall: 'OpenSCManagerW', win32Message: 'Access is denied' });
    const error = toScmError(raw, { service: 'Spooler', system: null });
    assert.ok(error instanceof ScmError);
    assert.equal(error.code, 'ERROR_ACCESS_DENIED');
    assert.equal(error.errno, 5);
    assert.equal(error.syscall, 'OpenSCManagerW');
    assert.equal(error.service, 'Spooler');
    assert.equal(Object.hasOwn(error, 'system'), false);
    assert.match(error.message, /^OpenSCManagerW failed for service 'Spooler': Access is denied \(ERROR_ACCESS_DENIED, 5\)$/);
  });

  it('toScmError attaches a failed control\'s lastStatus as a status record', () => {
    const raw = Object.assign(new Error('x'), {
      errno: 1061, syscall: 'ControlService', win32Message: 'cannot accept control',
      lastStatus: { serviceType: 0x10, currentState: 3, controlsAccepted: 0, win32ExitCode: 0, serviceSpecificExitCode: 0, checkPoint: 1, waitHint: 500, processId: 0, serviceFlags: 0 },
    });
    const error = toScmError(raw, { service: 'Foo', system: 'HOST' });
    assert.equal(error.code, 'ERROR_SERVICE_CANNOT_ACCEPT_CTRL');
    assert.equal(error.system, 'HOST');
    assert.equal(error.lastStatus.state, 'stop_pending');
    assert.equal(error.lastStatus.name, 'Foo');
    assert.equal(error.lastStatus.pid, -1);
  });

  it('toScmError passes anything else through untouched', () => {
    const plain = new TypeError('bad');
    assert.equal(toScmError(plain, {}), plain);
    const noSyscall = Object.assign(new Error('x'), { errno: 5 });
    assert.equal(toScmError(noSyscall, {}), noSyscall);
  });
});
