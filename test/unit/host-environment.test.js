'use strict';
// The hosted program's environment: the host's, minus envUnset, plus env, PATH prepended, and
// SCM_NATIVE_SERVICE; Windows names compared without case.
const assert = require('node:assert/strict');
const { programEnvironment } = require('../../dist/host/environment');

const none = { env: {}, envUnset: [], pathPrepend: [] };

describe('hosted program environment', () => {
  it('passes the host environment on and names the service', () => {
    assert.deepEqual(programEnvironment({ A: '1', Path: 'C:\\Windows' }, none, 'svc'), { A: '1', Path: 'C:\\Windows', SCM_NATIVE_SERVICE: 'svc' });
  });

  it('unsets and overrides whatever the case, keeping one spelling of each name', () => {
    const env = programEnvironment({ Temp: 'C:\\T', windir: 'C:\\W', Keep: 'k', PORT: '1' }, { env: { port: '8080', NEW: 'n' }, envUnset: ['TEMP', 'WINDIR', 'absent'], pathPrepend: [] }, 'svc');
    assert.deepEqual(env, { Keep: 'k', PORT: '8080', NEW: 'n', SCM_NATIVE_SERVICE: 'svc' });
  });

  it('puts pathPrepend folders before PATH, in order, under the existing spelling', () => {
    const env = programEnvironment({ Path: 'C:\\Windows;C:\\Tools' }, { ...none, pathPrepend: ['C:\\app\\bin', 'D:\\x'] }, 's');
    assert.equal(env.Path, 'C:\\app\\bin;D:\\x;C:\\Windows;C:\\Tools');
    assert.equal(Object.keys(env).filter((k) => k.toLowerCase() === 'path').length, 1);
    assert.equal(programEnvironment({}, { ...none, pathPrepend: ['C:\\a'] }, 's').Path, 'C:\\a', 'no PATH before');
    assert.equal(programEnvironment({ PATH: 'C:\\w' }, { env: { PATH: 'C:\\mine' }, envUnset: [], pathPrepend: ['C:\\a'] }, 's').PATH, 'C:\\a;C:\\mine', 'after env');
  });

  it('the service variable cannot be overridden or unset', () => {
    const env = programEnvironment({ scm_native_service: 'x' }, { env: { SCM_NATIVE_SERVICE: 'y' }, envUnset: ['SCM_NATIVE_SERVICE'], pathPrepend: [] }, 'svc');
    assert.deepEqual(Object.values(env), ['svc'], 'one variable, whatever its spelling');
    assert.deepEqual(Object.entries(programEnvironment({ scm_native_service: 'x' }, none, 'svc')), [['scm_native_service', 'svc']], 'spelling kept');
  });
});
