'use strict';
// Section 5: the error model. SCM failures are ScmError (code, errno, syscall, service); bad
// arguments are TypeError/RangeError, thrown before any call reaches Windows.

module.exports = {
  title: 'The error model',
  admin: false,
  async run(t) {
    const { scm } = t;
    const missing = 'scmn-tour-no-such-service';

    t.say('A missing service: every SCM failure is an ScmError carrying the Win32 error.');
    const error = await t.expectError(`await scm.getServiceStatus('${missing}')`, () => scm.getServiceStatus(missing),
      { code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
    t.check(error.errno === 1060 && error.syscall === 'OpenServiceW' && error.service === missing,
      `errno ${error.errno}, syscall ${error.syscall}, service ${error.service}`);
    t.check(error instanceof Error, 'ScmError is not an Error');
    await t.call('scm.win32ErrorName(1060)', () => scm.win32ErrorName(1060));

    t.say();
    t.say('The synchronous twin throws the same error; serviceExists answers false instead.');
    await t.expectError(`scm.getServiceStatusSync('${missing}')`, () => scm.getServiceStatusSync(missing),
      { code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
    const { value: exists } = await t.call(`await scm.serviceExists('${missing}')`, () => scm.serviceExists(missing));
    t.check(exists === false, 'serviceExists found a missing service');

    t.say();
    t.say('Wrong argument types are TypeError, wrong values RangeError; Windows is never called:');
    await t.expectError('await scm.getServiceStatus(42)', () => scm.getServiceStatus(42), { type: TypeError });
    await t.expectError("await scm.getServiceStatus('a/b')", () => scm.getServiceStatus('a/b'), { type: RangeError });
    await t.expectError("await scm.startService('Spooler', { wait: -1 })", () => scm.startService('Spooler', { wait: -1 }), { type: RangeError });
  },
};
