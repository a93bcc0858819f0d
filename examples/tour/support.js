'use strict';
// Helpers shared by the tour's sections: printing steps, tables and timings, checking results,
// running clean-ups, finding out whether this process may change services, polling, and HTTP
// requests to the sample servers.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const util = require('node:util');

/** A step whose result was not what the tour expected. */
class TourStepError extends Error {
  constructor(message) {
    super(message);
    this.name = 'TourStepError';
  }
}

/** Milliseconds as "412 ms" or "1.23 s". */
function formatMs(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A value on one line, as util.inspect shows it (strings quoted, objects compact). */
function inline(value) {
  return util.inspect(value, { breakLength: Infinity, depth: 4 });
}

/** Rows of objects as an aligned text table; `columns` is [[header, row => text], ...]. */
function formatTable(rows, columns, indent = '    ') {
  const cells = rows.map((row) => columns.map(([, get]) => String(get(row))));
  const widths = columns.map(([header], i) => Math.max(header.length, ...cells.map((c) => c[i].length)));
  const line = (values) => indent + values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
  return [
    line(columns.map(([header]) => header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/** The fields of an ScmError (or any error) worth showing, in a fixed order. */
function errorFields(error) {
  const fields = { name: error.name };
  for (const key of ['code', 'errno', 'syscall', 'service', 'system']) {
    if (error[key] !== undefined) fields[key] = error[key];
  }
  fields.message = error.message;
  return fields;
}

/**
 * Whether this process may create, start and stop services. Under Wine every process may;
 * on Windows, `fsutil dirty query` and `net session` both succeed only in an elevated shell
 * (net session also needs the Server service, hence fsutil first).
 */
function isElevated() {
  if (process.platform !== 'win32') return false;
  if (process.env.SCM_NATIVE_UNDER_WINE === '1') return true;
  const drive = process.env.SystemDrive || 'C:';
  for (const [command, args] of [['fsutil', ['dirty', 'query', drive]], ['net', ['session']]]) {
    const result = spawnSync(command, args, { stdio: 'ignore', windowsHide: true, timeout: 15000 });
    if (result.status === 0) return true;
  }
  return false;
}

/**
 * Removes service `name` the usual way: stop it (when `stop`; waiting up to 10 s), then delete it.
 * The delete is tried even when the stop failed; it rejects with the delete's error, and resolves
 * the stop's error (or null) for the caller to judge.
 */
async function stopAndDelete(scm, name, { stop = true } = {}) {
  let stopError = null;
  if (stop) {
    try {
      await scm.stopService(name, { wait: 10000 });
    } catch (error) {
      stopError = error;
    }
  }
  await scm.deleteService(name);
  return stopError;
}

/** What a section's run(t) receives. */
class Tour {
  constructor({ scm, elevated, underWine, runId, created = new Set(), write = (text) => process.stdout.write(text) }) {
    this.scm = scm;
    this.elevated = elevated;
    this.underWine = underWine;
    /** Unique per run: part of every name the tour creates. */
    this.runId = runId;
    /** Every service name handed out by serviceName(), checked for leftovers at the end. */
    this.created = created;
    this.write = write;
    this.cleanups = [];
  }

  /** A service name unique to this run (scmn-tour-<runId>-<tag>); the tour checks it is gone at the end. */
  serviceName(tag) {
    const name = `scmn-tour-${this.runId}-${tag}`;
    this.created.add(name);
    return name;
  }

  /** A line of explanation. */
  say(text = '') {
    this.write(text === '' ? '\n' : `  ${text}\n`);
  }

  /** A result line, aligned with the ones `call` prints. */
  result(text) {
    this.write(`    = ${text}\n`);
  }

  /** `label: value` lines, labels aligned. */
  fields(record, indent = '    ') {
    const width = Math.max(...Object.keys(record).map((k) => k.length));
    for (const [key, value] of Object.entries(record)) {
      this.write(`${indent}${`${key}:`.padEnd(width + 1)} ${typeof value === 'string' ? value : inline(value)}\n`);
    }
  }

  table(rows, columns) {
    this.write(`${formatTable(rows, columns)}\n`);
  }

  /**
   * Prints `> code`, runs `fn`, prints `= result (time)` and returns { value, ms }.
   * A rejection propagates (the section fails) after `! error` is printed.
   */
  async call(code, fn, { show = true } = {}) {
    this.write(`  > ${code.split('\n').join('\n      ')}\n`);
    const start = performance.now();
    try {
      const value = await fn();
      const ms = performance.now() - start;
      if (show) this.write(`    = ${value === undefined ? 'undefined' : inline(value)}   (${formatMs(ms)})\n`);
      return { value, ms };
    } catch (error) {
      this.write(`    ! ${error && error.message ? error.message : inline(error)}\n`);
      throw error;
    }
  }

  /**
   * Prints `> code`, runs `fn` and expects it to fail with an error of class `type` and, when
   * given, `code`. Prints the error's fields and returns the error.
   */
  async expectError(code, fn, { type = this.scm.ScmError, code: expectedCode } = {}) {
    this.write(`  > ${code.split('\n').join('\n      ')}\n`);
    let error = null;
    try {
      await fn();
    } catch (caught) {
      error = caught;
    }
    if (error === null) throw new TourStepError(`${code} succeeded, but the tour expected ${type.name}${expectedCode ? ` ${expectedCode}` : ''}`);
    if (!(error instanceof type) || (expectedCode !== undefined && error.code !== expectedCode)) {
      this.write(`    ! ${error.message}\n`);
      throw new TourStepError(`${code} failed with ${error.name} ${error.code ?? ''}, expected ${type.name} ${expectedCode ?? ''}`.trim());
    }
    this.write(`    throws ${error.name}:\n`);
    this.fields(errorFields(error), '      ');
    return error;
  }

  /** Fails the section when `condition` is false. */
  check(condition, message) {
    if (!condition) throw new TourStepError(message);
  }

  /** Registers a clean-up, run (last first) when the section ends, whether it passed or not. */
  defer(fn) {
    this.cleanups.push(fn);
  }

  /** A new folder under the temp directory (`prefix` + random), removed when the section ends. */
  tempDir(prefix) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  /**
   * Registers a clean-up that deletes service `name` if it still exists (a step failed before the
   * section deleted it), stopping it first when `stop` is true.
   */
  deferDelete(name, { stop = false } = {}) {
    this.defer(async () => {
      if (!(await this.scm.serviceExists(name))) return;
      const stopError = await stopAndDelete(this.scm, name, { stop });
      if (stopError) throw stopError;
    });
  }

  async runCleanups() {
    const failures = [];
    while (this.cleanups.length > 0) {
      const fn = this.cleanups.pop();
      try {
        await fn();
      } catch (error) {
        failures.push(error);
      }
    }
    return failures;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every `intervalMs` until it returns a truthy value (returned); throws after `timeoutMs`. */
async function waitFor(what, fn, timeoutMs = 20000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${formatMs(timeoutMs)}`);
    await sleep(intervalMs);
  }
}

/** An HTTP request to 127.0.0.1:<port><urlPath> (only ever this machine): resolves { status, body }. */
function request(method, port, urlPath) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, method, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from 127.0.0.1:${port} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Resolves true once process `pid` has exited, false if it is still there after `timeoutMs`.
 * EPERM means it exists under another account (a LocalSystem service on Windows).
 */
async function processGone(pid, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch (error) {
      if (error.code !== 'EPERM') return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

module.exports = {
  Tour, TourStepError, errorFields, formatMs, formatTable, inline, isElevated, processGone, request, sleep, stopAndDelete, waitFor,
};
