'use strict';
// Helpers for integration tests that run against a real Service Control Manager (Windows, or
// Wine's services.exe on Linux).
const assert = require('node:assert/strict');

const underWine = process.env.SCM_NATIVE_UNDER_WINE === '1';
const onWindows = process.platform === 'win32';

/** Test names made unique per process, so parallel or leftover runs never collide. */
let counter = 0;
function uniqueServiceName(tag = 'svc') {
  counter += 1;
  return `scmn-test-${tag}-${process.pid}-${counter}`;
}

/**
 * `it` for behaviour Wine does not implement. On Windows (the Windows CI workflow) `fn` is an
 * ordinary test. Under Wine the Windows path still runs, and `wine` says what Wine does instead:
 *
 * - `{ rejects: expected }`: `fn` runs and must fail with an error matching `expected`, checked
 *   as `assert.rejects` checks it (an object whose properties must be equal, RegExp values
 *   matching strings, e.g. `{ code: 'ERROR_INVALID_LEVEL', syscall: 'ChangeServiceConfig2W' }`
 *   or `{ name: 'AssertionError', actual: 'D:' }`; a RegExp for the message; a function).
 *   A body that passes fails with "passes under Wine now: remove the Windows-only mark"; any
 *   other error fails the test with both the expectation and the error.
 * - `{ test: async function }`: a body of its own asserting Wine's exact behaviour, for paths
 *   whose Windows body would hang or wait out a timeout under Wine.
 * - `{ skip: why }`: reported as skipped under Wine; only for paths Wine cannot reach at all.
 *
 * Without `wine` the test fails under Wine, naming the error its body gave there.
 */
function itWindowsOnly(title, reason, fn, wine) {
  const fullTitle = `${title} [Windows only: ${reason}]`;
  if (!underWine) return it(fullTitle, fn);
  if (wine && wine.skip) return it.skip(`${fullTitle} [not reachable under Wine: ${wine.skip}]`, fn);
  if (wine && wine.test) return it(`${fullTitle} [Wine's behaviour]`, wine.test);
  return it(`${fullTitle} [expected to fail under Wine]`, async function () {
    let failure = null;
    try {
      await fn.call(this);
    } catch (error) {
      failure = error || new Error(`the body threw ${error}`);
    }
    if (!failure) throw new Error(`passes under Wine now: remove the Windows-only mark (${reason})`);
    if (!wine || !('rejects' in wine)) {
      throw new Error(`no Wine expectation given: under Wine the body fails with ${describeError(failure)}`);
    }
    try {
      await assert.rejects(Promise.reject(failure), wine.rejects);
    } catch (mismatch) {
      mismatch.message = `fails under Wine, but not as expected: ${mismatch.message}\nthe error: ${describeError(failure)}`;
      throw mismatch;
    }
  });
}

function describeError(error) {
  const fields = {};
  for (const key of ['name', 'code', 'errno', 'syscall', 'actual', 'expected']) if (error && error[key] !== undefined) fields[key] = error[key];
  return `${JSON.stringify(fields, (k, v) => (typeof v === 'bigint' ? `${v}n` : v))} ${error && error.stack}`;
}

/** Deletes services a test created, ignoring ones already gone. */
async function deleteQuietly(scm, names) {
  for (const name of names) {
    try {
      await scm.stopService(name, { wait: 5000 });
    } catch {
      // not running, or not stoppable: deletion below still marks it
    }
    try {
      await scm.deleteService(name);
    } catch (error) {
      if (error.code !== 'ERROR_SERVICE_DOES_NOT_EXIST' && error.code !== 'ERROR_SERVICE_MARKED_FOR_DELETE') throw error;
    }
  }
}

/** Asserts that `promise` rejects with an ScmError of `code`. */
async function rejectsWithCode(promise, code) {
  await assert.rejects(promise, (error) => {
    assert.equal(error.name, 'ScmError');
    assert.equal(error.code, code);
    return true;
  });
}

/** Creates a demand-start service running `file` (which need not exist), recorded in `created` for deleteQuietly. */
async function createDemandService(scm, created, tag, file = 'C:\\scmn\\p.exe') {
  const name = uniqueServiceName(tag);
  created.push(name);
  await scm.createService(name, file, { startType: 'demand_start' });
  return name;
}

module.exports = { assert, createDemandService, deleteQuietly, itWindowsOnly, onWindows, rejectsWithCode, underWine, uniqueServiceName };
