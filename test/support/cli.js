'use strict';
// Running the scm-native CLI in this process (runCli) with its output captured.
const { Writable, Readable } = require('node:stream');
const scm = require('../..');

/** A writable stream that keeps what is written: `text`, and `lines` (non-empty ones). */
function collector() {
  let text = '';
  const stream = new Writable({ write(chunk, _enc, cb) { text += chunk.toString(); cb(); } });
  return { stream, get text() { return text; }, get lines() { return text.split('\n').filter(Boolean); } };
}

/** runCli in this process with captured output: { code, stdout, stderr }. */
async function cli(args, { stdin = '' } = {}) {
  const out = collector();
  const err = collector();
  const code = await scm.runCli(args, { stdout: out.stream, stderr: err.stream, stdin: Readable.from([stdin]), color: false });
  return { code, stdout: out.text, stderr: err.text };
}

module.exports = { cli, collector };
