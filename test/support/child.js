'use strict';
// The tests' only way to start a child process. Under Wine, CreateProcess now and then fails at
// once and libuv reports `UNKNOWN` (docs/wine.md: seen for node.exe and for reg.exe, in CI runs
// alone too). Each helper here tries once more on exactly that error under Wine and says so on
// stderr; every other error, and every error on Windows, is the caller's.
const childProcess = require('node:child_process');
const { underWine } = require('./scm');

const RETRIED_CODE = 'UNKNOWN';

/**
 * Runs `start` (one of child_process's starts of `file`); under Wine, runs it once more when the
 * process never started: thrown, or in spawnSync's `.error`, with RETRIED_CODE and no exit status.
 */
function startRetrying(file, args, start) {
  let result;
  let thrown = null;
  try {
    result = start();
  } catch (error) {
    thrown = error;
  }
  const failure = thrown ?? result?.error;
  if (!underWine || !failure || failure.code !== RETRIED_CODE || failure.status != null) {
    if (thrown) throw thrown;
    return result;
  }
  process.stderr.write(`[test] spawn ${file} failed with ${RETRIED_CODE} under Wine: spawning again once (${[file, ...args].join(' ')})\n`);
  return start();
}

/** child_process.spawn, with the one retry. */
const spawn = (file, args = [], options = {}) => startRetrying(file, args, () => childProcess.spawn(file, args, options));

/** child_process.spawnSync, with the one retry. */
const spawnSync = (file, args = [], options = {}) => startRetrying(file, args, () => childProcess.spawnSync(file, args, options));

/** child_process.execFileSync, with the one retry (a process that ran and failed has a status: not retried). */
const execFileSync = (file, args = [], options = {}) => startRetrying(file, args, () => childProcess.execFileSync(file, args, options));

module.exports = { execFileSync, spawn, spawnSync };
