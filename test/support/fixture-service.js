'use strict';
// Installing test/fixtures/node-service.js (a Node program using runAsService) as a real
// service, and reading the JSON lines it logs.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { uniqueServiceName } = require('./scm');
const { processGone, sleep } = require('./wait');

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'node-service.js');
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-svc-'));

function readLog(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

async function waitForLog(file, predicate, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = readLog(file);
    const found = entries.find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`log ${file} has no matching entry after ${timeoutMs} ms:\n${JSON.stringify(entries, null, 1)}`);
    await sleep(100);
  }
}

/** Creates a demand-start service running the fixture with `scenario`; pushes its name to `created`. */
async function installFixture(created, scenario, { names, serviceType, dependencies } = {}) {
  const name = names ? names[0] : uniqueServiceName(scenario);
  const logFile = path.join(logDir, `${name}.log`);
  const args = [FIXTURE, logFile, scenario, ...(names ? [names.join(',')] : [])];
  await scm.createService(name, { path: process.execPath, args }, {
    startType: 'demand_start', ...(serviceType ? { serviceType } : {}), ...(dependencies ? { dependencies } : {}),
  });
  created.push(name);
  return { name, logFile };
}

module.exports = { FIXTURE, installFixture, logDir, processGone, readLog, waitForLog };
