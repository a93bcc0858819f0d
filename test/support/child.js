'use strict';
// The tests' only way to start a child process. Under Wine, CreateProcess now and then fails at
// once and libuv reports `UNKNOWN` (docs/wine.md: seen for node.exe and for reg.exe, in CI runs
// alone too). Each helper here tries once more on exactly that error under Wine and says so on
// stderr; every other error, and every error on Windows, is the caller's.
const childProcess = require('node:child_process');
const { underWine } = require('./scm');

const RETRIED_CODE = 'UNKNOWN';

function announce(file, args) {
  process.stderr.write(`[test] spawn ${file} failed with ${RETRIED_CODE} under Wine: spawning again once (${[file, ...args].join(' ')})\n`);
}

/** child_process.spawn, with the one retry. */
function spawn(file, args = [], options = {}) {
  try {
    return childProcess.spawn(file, args, options);
  } catch (error) {
    if (!underWine || error.code !== RETRIED_CODE) throw error;
    announce(file, args);
    return childProcess.spawn(file, args, options);
  }
}

/** child_process.spawnSync, with the one retry (spawnSync reports the failure in `.error`). */
function spawnSync(file, args = [], options = {}) {
  const result = childProcess.spawnSync(file, args, options);
  if (!underWine || !result.error || result.error.code !== RETRIED_CODE) return result;
  announce(file, args);
  return childProcess.spawnSync(file, args, options);
}

/** child_process.execFileSync, with the one retry (only when the process never started). */
function execFileSync(file, args = [], options = {}) {
  try {
    return childProcess.execFileSync(file, args, options);
  } catch (error) {
    // A process that ran and failed has a status; a CreateProcess failure has none.
    if (!underWine || error.code !== RETRIED_CODE || error.status != null) throw error;
    announce(file, args);
    return childProcess.execFileSync(file, args, options);
  }
}

module.exports = { execFileSync, spawn, spawnSync };
