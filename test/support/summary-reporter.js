'use strict';
// Mocha's spec output plus a JSON summary in the file named by SCM_TEST_SUMMARY, which
// scripts/run-tests.js adds up across the Linux unit run and each Windows node.exe run.
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const summary = { passed: 0, failed: 0, skipped: 0, failures: [] };
    runner.on('pass', () => { summary.passed++; });
    runner.on('pending', () => { summary.skipped++; });
    runner.on('fail', (test, error) => {
      summary.failed++;
      summary.failures.push({ title: test.fullTitle(), message: String(error && error.message) });
    });
    runner.once('end', () => {
      if (process.env.SCM_TEST_SUMMARY) fs.writeFileSync(process.env.SCM_TEST_SUMMARY, JSON.stringify(summary));
    });
  }
}

module.exports = SummaryReporter;
