'use strict';
// Running the scm-native CLI from the tour (sections 9 and 10): as bin/scm-native.js in a child
// node, its output shown indented under the command line, and reading a file that may not exist yet.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { formatMs, processGone } = require('./support');

const ROOT = path.join(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'scm-native.js');

/** `node bin/scm-native.js args...` in a child: { code, stdout, stderr } (pipes between Windows processes work). */
function cli(args, timeoutMs = 60000) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`scm-native ${args.join(' ')} timed out after ${formatMs(timeoutMs)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Prints `$ scm-native args`, runs it, shows its output indented (stderr, where progress goes, first), fails the section on a non-zero exit. */
async function run(t, args, { shown = args, expectCode = 0, quiet = false } = {}) {
  t.write(`  $ scm-native ${shown.join(' ')}\n`);
  const start = performance.now();
  const result = await cli(args);
  const ms = performance.now() - start;
  if (!quiet) {
    for (const line of `${result.stderr}${result.stdout}`.split(/\r?\n/).filter(Boolean)) t.write(`    | ${line}\n`);
  }
  t.write(`    = exit code ${result.code}   (${formatMs(ms)})\n`);
  t.check(result.code === expectCode, `scm-native ${args[0]} exited with ${result.code}: ${result.stderr.trim()}`);
  return result;
}

/**
 * Whatever happens in the section: remove the services `names` (stop, wait, delete), then make
 * sure none of the processes `pids()` gives then (the hosts and programs the section saw) is
 * left running.
 */
function deferServiceCleanup(t, scm, names, pids) {
  t.defer(async () => {
    for (const pid of pids()) {
      if (!(await processGone(pid, 3000))) {
        try {
          process.kill(pid);
        } catch {
          // gone meanwhile
        }
      }
    }
  });
  t.defer(async () => {
    for (const name of names) if (await scm.serviceExists(name)) await scm.removeProgramService(name, { wait: 15000 });
  });
}

module.exports = { BIN, ROOT, cli, deferServiceCleanup, readText, run };
