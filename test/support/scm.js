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
 * `it` for behaviour Wine does not implement: runs on real Windows (the Windows CI workflow) and
 * is reported as skipped under Wine, with the reason in its title.
 */
function itWindowsOnly(title, reason, fn) {
  const fullTitle = `${title} [Windows only: ${reason}]`;
  return underWine ? it.skip(fullTitle, fn) : it(fullTitle, fn);
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
