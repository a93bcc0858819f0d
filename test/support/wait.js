'use strict';
// Waiting helpers shared by the tests: sleeping, polling for a value, and whether a process is
// still there.
const { spawnSync } = require('./child');
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

/**
 * Ends process `pid` at once (TerminateProcess, exit code 1) the way an administrator can on
 * Windows: `taskkill /F /PID`. `process.kill(pid)` asks OpenProcess for PROCESS_TERMINATE, which a
 * LocalSystem service's processes (a service, the host's program and its children) refuse to an
 * administrator (EPERM); taskkill enables the administrator's SeDebugPrivilege first. Under Wine
 * every process is the one Unix user's and process.kill works; Wine's taskkill /F works too but
 * ends the process with exit code 0 (Windows': 1), which the host takes for a clean exit and does
 * not restart, so under Wine this is process.kill (exit code 1, as Windows' taskkill).
 */
function terminateProcess(pid) {
  if (process.env.SCM_NATIVE_UNDER_WINE === '1') {
    process.kill(pid);
    return;
  }
  const result = spawnSync('taskkill', ['/F', '/PID', String(pid)], { encoding: 'utf8', windowsHide: true });
  if (result.status !== 0) {
    throw new Error(`taskkill /F /PID ${pid} exited ${result.status}${result.error ? ` (${result.error.message})` : ''}: ${result.stdout}${result.stderr}`);
  }
}

module.exports = { alive, processGone, sleep, terminateProcess, waitFor };
