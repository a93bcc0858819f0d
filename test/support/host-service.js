'use strict';
// Helpers for the service-host tests: running the CLI (in this process or as bin/scm-native.js in
// a child node), the hosted test program (test/fixtures/hosted-program.js) and its event lines.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { Writable, Readable } = require('node:stream');
const scm = require('../..');

const ROOT = path.join(__dirname, '..', '..');
const PROGRAM = path.join(__dirname, '..', 'fixtures', 'hosted-program.js');
const BIN = path.join(ROOT, 'bin', 'scm-native.js');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-host-'));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function collector() {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += chunk.toString(); cb(); } });
  return { stream, get text() { return text; } };
}

/** runCli in this process with captured output: { code, stdout, stderr }. */
async function cli(args, { stdin = '' } = {}) {
  const out = collector();
  const err = collector();
  const code = await scm.runCli(args, { stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]), color: false });
  return { code, stdout: out.text, stderr: err.text };
}

/** bin/scm-native.js in a child node (pipes between Windows processes work under Wine). */
function cliChild(args, { stdin = null, timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
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

async function waitFor(what, fn, timeoutMs = 15000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

async function waitForEvent(file, predicate, timeoutMs = 15000) {
  return waitFor(`an event in ${file}`, () => readEvents(file).find(predicate), timeoutMs);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) return true;
    await sleep(100);
  }
  return false;
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
  BIN, PROGRAM, alive, cleanup, cli, cliChild, gone, newCase, readEvents, readLog, sleep, waitFor, waitForEvent, workDir,
};
