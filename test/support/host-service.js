'use strict';
// Helpers for the service-host tests: running the CLI (in this process, see ./cli, or as
// bin/scm-native.js in a child node), the hosted test program (test/fixtures/hosted-program.js)
// and its event lines.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('./child');
const scm = require('../..');
const { cli } = require('./cli');
const { alive, processGone, sleep, waitFor } = require('./wait');

const ROOT = path.join(__dirname, '..', '..');
const PROGRAM = path.join(__dirname, '..', 'fixtures', 'hosted-program.js');
const BIN = path.join(ROOT, 'bin', 'scm-native.js');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-host-'));

/** bin/scm-native.js in a child node (pipes between Windows processes work under Wine). */
function cliChild(args, { stdin = null, timeoutMs = 60000, env = undefined } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => { child.kill(); reject(new Error(`CLI ${args.join(' ')} timed out:\n${stdout}\n${stderr}`)); }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (stdin !== null) child.stdin.end(stdin);
    else child.stdin.end();
  });
}

function readEvents(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

async function waitForEvent(file, predicate, timeoutMs = 15000) {
  return waitFor(`an event in ${file}`, () => readEvents(file).find(predicate), timeoutMs);
}

let counter = 0;
/** A unique service name, its events file and log folder. */
function newCase(tag) {
  counter += 1;
  const name = `scmn-host-${tag}-${process.pid}-${counter}`;
  const dir = path.join(workDir, name);
  fs.mkdirSync(dir, { recursive: true });
  return { name, events: path.join(dir, 'events.log'), logDir: path.join(dir, 'logs'), dir };
}

function readLog(logDir, name) {
  const file = path.join(logDir, `${name}.log`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}

/**
 * The text of every log file in `logDir`, or null when the host renamed one between listing and
 * reading (rotation runs while the test reads; the caller tries again).
 */
function readLogsWhileRotating(logDir) {
  const texts = [];
  for (const f of fs.readdirSync(logDir).filter((n) => n.endsWith('.log'))) {
    try {
      texts.push(fs.readFileSync(path.join(logDir, f), 'utf8'));
    } catch (error) {
      if (error.code === 'ENOENT') return null;
      throw error;
    }
  }
  return texts.join('');
}

/** Deletes services left by tests: stop with a short wait, then delete. */
async function cleanup(names) {
  for (const name of names) {
    try {
      await scm.removeProgramService(name, { wait: 8000 });
    } catch {
      try {
        await scm.deleteService(name);
      } catch {
        // gone already
      }
    }
  }
}

module.exports = {
  BIN, PROGRAM, alive, cleanup, cli, cliChild, newCase, processGone, readEvents, readLog, readLogsWhileRotating, sleep, waitFor, waitForEvent, workDir,
};
