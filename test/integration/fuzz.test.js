'use strict';
// A seeded fuzz of the exported API with wrong shapes (issue 13, part B), in Windows node under
// Wine or on Windows. test/fixtures/fuzz-api.js makes thousands of calls in a child node run with
// `--unhandled-rejections=strict`: every call must settle, reject (or throw) only with a
// TypeError, RangeError or ScmError carrying the library's own message (no engine message such as
// "x is not a function"), and leave nothing rejecting unhandled (the child would die). Nothing may
// be created: the service list is the same before and after. SCM_FUZZ_SEED and SCM_FUZZ_CALLS
// change the seed (default 13) and the number of calls (default 4000).
const path = require('node:path');
const { spawn } = require('../support/child');
const scm = require('../..');
const { assert, underWine } = require('../support/scm');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'fuzz-api.js');
const SEED = Number(process.env.SCM_FUZZ_SEED || 13);
const CALLS = Number(process.env.SCM_FUZZ_CALLS || 4000);

function runFuzz(seed, calls) {
  return new Promise((resolve, reject) => {
    const args = ['--unhandled-rejections=strict', FIXTURE, String(seed), String(calls)];
    let child;
    try {
      child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      if (!underWine || error.code !== 'UNKNOWN') throw error;
      process.stderr.write('[test] spawn UNKNOWN under Wine: spawning again once\n');
      child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    }
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill(); reject(new Error(`the fuzz did not end within 240 s:\n${stderr}`)); }, 240000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const serviceNames = async () => (await scm.getMultipleServiceStatus()).map((s) => s.name.toLowerCase()).sort();

describe('fuzz of the exported API with wrong shapes', function () {
  this.timeout(300000);

  it(`seed ${SEED}, ${CALLS} calls: every call settles with the library's own TypeError/RangeError/ScmError, nothing unhandled, nothing created`, async () => {
    const before = await serviceNames();
    const started = Date.now();
    const run = await runFuzz(SEED, CALLS);
    const took = Date.now() - started;
    const lines = run.stdout.trim().split('\n');
    assert.equal(run.code, 0, `the fuzz process exited ${run.code} (an unhandled rejection ends it under --unhandled-rejections=strict):\n${run.stderr.slice(-3000)}`);
    const summary = JSON.parse(lines[lines.length - 1]);
    assert.equal(summary.settled, summary.calls, 'every call settled');
    assert.deepEqual(summary.problems, [], summary.problems.join('\n'));
    assert.deepEqual(await serviceNames(), before, 'no service created or deleted');
    process.stderr.write(`[test] fuzz: ${summary.calls} calls in ${took} ms\n`);
  });
});
