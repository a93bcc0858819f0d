#!/usr/bin/env node
'use strict';
// npm test. Does all set-up itself, then runs:
//   1. the unit tests (test/unit) in this node;
//   2. the integration tests (test/integration) against a real SCM: on Linux inside Windows
//      node.exe (each version in NODE_WIN_VERSIONS) under Wine, one node.exe per file with a
//      watchdog; on Windows natively in this node;
//   3. on Linux, the release tests (test/release): the packed package installed and run.
// Ends with one line "N passed, N failed, N skipped" and exits non-zero when anything failed.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, CACHE, NODE_WIN_VERSIONS, ensureAptPackages, ensureNodeExe, ensureNodeModules, log } = require('./lib/toolchain');

const MOCHA = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const FILE_WATCHDOG_MS = Number(process.env.SCM_TEST_FILE_TIMEOUT_MS || 180000);
const totals = { passed: 0, failed: 0, skipped: 0, failures: [] };

function listTests(dir) {
  const full = path.join(ROOT, 'test', dir);
  if (!fs.existsSync(full)) return [];
  // e.g. SCM_TEST_ONLY=status,lifecycle runs the files whose names contain one of the parts.
  const only = (process.env.SCM_TEST_ONLY || '').split(',').filter(Boolean);
  return fs.readdirSync(full).filter((f) => f.endsWith('.test.js') && (only.length === 0 || only.some((part) => f.includes(part)))).sort()
    .map((f) => path.join('test', dir, f));
}

function add(label, summary) {
  totals.passed += summary.passed;
  totals.failed += summary.failed;
  totals.skipped += summary.skipped;
  for (const f of summary.failures) totals.failures.push(`${label}: ${f.title}: ${f.message}`);
}

function readSummary(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function build() {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

function runMochaHere(label, files) {
  if (files.length === 0) return;
  fs.mkdirSync(CACHE, { recursive: true });
  const summaryFile = path.join(CACHE, `summary-${label}.json`);
  fs.rmSync(summaryFile, { force: true });
  const result = spawnSync(process.execPath, [MOCHA, ...files], {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, SCM_TEST_SUMMARY: summaryFile },
  });
  const summary = readSummary(summaryFile);
  if (summary) add(label, summary);
  else add(label, { passed: 0, failed: 1, skipped: 0, failures: [{ title: files.join(' '), message: `mocha exited ${result.status} without a summary` }] });
}

async function runUnderWine(files) {
  const { createPrefix, killWineserver, runNodeExe } = require('./lib/wine');
  const outDir = path.join(CACHE, 'test-output');
  fs.mkdirSync(outDir, { recursive: true });
  for (const version of NODE_WIN_VERSIONS) {
    const nodeExe = ensureNodeExe(version);
    log(`Wine prefix for node ${version}`);
    const prefix = createPrefix();
    try {
      for (const file of files) {
        const label = `node${version}-${path.basename(file, '.test.js')}`;
        const summaryFile = path.join(outDir, `${label}.summary.json`);
        fs.rmSync(summaryFile, { force: true });
        process.stdout.write(`\n=== ${file} in Windows node ${version} under Wine\n`);
        const run = await runNodeExe({
          nodeExe, prefix, cwd: ROOT, label, outDir, timeoutMs: FILE_WATCHDOG_MS,
          args: [MOCHA, '--reporter', path.join(ROOT, 'test', 'support', 'summary-reporter.js'), file],
          env: { SCM_TEST_SUMMARY: summaryFile },
        });
        process.stdout.write(run.stdout);
        if (run.stderr.trim()) process.stdout.write(run.stderr);
        const summary = readSummary(summaryFile);
        if (run.timedOut) {
          add(label, { passed: summary ? summary.passed : 0, failed: 1, skipped: 0,
            failures: [{ title: file, message: `watchdog: still running after ${FILE_WATCHDOG_MS} ms; the Wine prefix was killed` }] });
          killWineserver(prefix);
        } else if (summary) {
          add(label, summary);
        } else {
          add(label, { passed: 0, failed: 1, skipped: 0, failures: [{ title: file, message: `node.exe exited ${run.code} without a summary` }] });
        }
      }
    } finally {
      killWineserver(prefix);
    }
  }
}

async function main() {
  const unit = listTests('unit');
  const integration = listTests('integration');
  ensureNodeModules();
  if (process.platform !== 'win32') ensureAptPackages();
  build();
  runMochaHere('unit', unit);
  if (process.platform === 'win32') runMochaHere('integration', integration);
  else if (integration.length > 0) await runUnderWine(integration);
  // The package as a user gets it (npm pack, install, run under Wine): Linux drives it (npm, tsc).
  if (process.platform !== 'win32') runMochaHere('release', listTests('release'));
}

main().catch((error) => {
  totals.failed++;
  totals.failures.push(`set-up: ${error.message}`);
}).finally(() => {
  if (totals.failures.length) {
    process.stdout.write('\nFailures:\n');
    for (const f of totals.failures) process.stdout.write(`  - ${f}\n`);
  }
  process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
});
