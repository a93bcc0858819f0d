'use strict';
// Waiting helpers shared by the tests: sleeping, polling for a value, and whether a process is
// still there.
const { processAlive } = require('../../dist/process-alive');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `intervalMs` until it returns a truthy value (returned); throws after `timeoutMs`. */
async function waitFor(what, fn, timeoutMs = 15000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/**
 * Whether process `pid` exists: the library's processAlive, so a process we may not signal
 * (EPERM: another account's, say a LocalSystem service's) counts as there.
 */
const alive = processAlive;

/** Resolves true once process `pid` has exited, false if it is still there after `timeoutMs`. */
async function processGone(pid, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(100);
  }
  return false;
}

module.exports = { alive, processGone, sleep, waitFor };
