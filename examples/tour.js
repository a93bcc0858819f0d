#!/usr/bin/env node
'use strict';
// The scm-native tour: a walk through the public API against the real Service Control Manager.
// `npm start` runs it (under Wine on Linux, directly on Windows); `node examples/tour.js` runs it
// on Windows by hand.
//
// Each section is a file examples/tour/NN-name.js exporting { title, admin, run(t) }, run in
// file-name order. `admin: true` sections change services and are skipped (not failed) in a shell
// that is not elevated. A section fails when a step throws; its clean-ups (t.defer) run either
// way. Exit code: 0 when every section that ran passed, 1 otherwise.
//
// Environment: SCM_TOUR_ONLY=<text> runs only the sections whose file name contains it;
// SCM_TOUR_ELEVATED=1|0 overrides the administrator check; SCM_TOUR_SECTION_TIMEOUT_MS (90000).
const fs = require('node:fs');
const path = require('node:path');
const scm = require('..');
const { Tour, formatMs, isElevated, stopAndDelete } = require('./tour/support');

const SECTION_DIR = path.join(__dirname, 'tour');
const SECTION_TIMEOUT_MS = Number(process.env.SCM_TOUR_SECTION_TIMEOUT_MS || 90000);
/** Every service the tour creates is named scmn-tour-<runId>-<tag> (Tour#serviceName). */
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;

function loadSections() {
  const only = process.env.SCM_TOUR_ONLY;
  return fs.readdirSync(SECTION_DIR)
    .filter((file) => /^\d\d-.+\.js$/.test(file) && (!only || file.includes(only)))
    .sort()
    .map((file) => ({ file, ...require(path.join(SECTION_DIR, file)) }));
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} still running after ${formatMs(ms)}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Stops and deletes any service a section created (t.serviceName) and left behind, say after a
 * failure its clean-ups could not handle. Resolves the number of leftovers.
 */
async function sweepLeftovers(names, out) {
  let left = 0;
  for (const name of names) {
    if (!(await scm.serviceExists(name))) continue;
    left += 1;
    out(`  ! ${name} was left behind: stopping and deleting it\n`);
    try {
      await stopAndDelete(scm, name); // a failed stop does not matter here: deleting still marks it
    } catch (error) {
      out(`  ! could not delete ${name}: ${error.message}\n`);
    }
  }
  return left;
}

async function main() {
  const out = (text) => process.stdout.write(text);
  const underWine = process.env.SCM_NATIVE_UNDER_WINE === '1';
  const elevated = process.env.SCM_TOUR_ELEVATED !== undefined ? process.env.SCM_TOUR_ELEVATED === '1' : isElevated();
  out(`scm-native tour: Node ${process.version} on ${process.platform}-${process.arch}`
    + `${underWine ? ' (Windows node.exe under Wine)' : ''}, administrator: ${elevated ? 'yes' : 'no'}\n`);
  if (process.platform !== 'win32') {
    out('The Service Control Manager exists on Windows only: on Linux run `npm start`, which runs this under Wine.\n');
    return 1;
  }
  if (!elevated) {
    out('This shell is not elevated: sections that change services are skipped.\n'
      + 'Run the tour from an administrator shell ("Run as administrator") to see them.\n');
  }

  const results = [];
  const created = new Set();
  const sections = loadSections();
  for (const [index, section] of sections.entries()) {
    out(`\n== ${index + 1}. ${section.title} ==\n`);
    if (section.admin && !elevated) {
      out('  (skipped: needs an administrator shell)\n');
      results.push({ section, outcome: 'skipped' });
      continue;
    }
    const tour = new Tour({ scm, elevated, underWine, runId: RUN_ID, created, write: out });
    let failure = null;
    try {
      await withTimeout(Promise.resolve().then(() => section.run(tour)), section.timeoutMs || SECTION_TIMEOUT_MS, `section ${section.file}`);
    } catch (error) {
      failure = error;
    }
    const cleanupFailures = await tour.runCleanups();
    if (!failure && cleanupFailures.length > 0) failure = cleanupFailures[0];
    if (failure) out(`  FAILED: ${failure.stack || failure.message || failure}\n`);
    results.push({ section, outcome: failure ? 'failed' : 'passed' });
  }

  if (await sweepLeftovers(created, out) > 0) results.push({ section: { file: 'leftover check' }, outcome: 'failed' });

  const count = (outcome) => results.filter((r) => r.outcome === outcome).length;
  out(`\nTour finished: ${count('passed')} sections passed, ${count('failed')} failed, ${count('skipped')} skipped\n`);
  for (const r of results.filter((x) => x.outcome === 'failed')) out(`  failed: ${r.section.file}\n`);
  return count('failed') > 0 ? 1 : 0;
}

main().then((code) => {
  // Exit explicitly: a section that timed out may still hold a native wait open.
  process.exit(code);
}, (error) => {
  process.stderr.write(`tour: ${error.stack || error}\n`);
  process.exit(1);
});
