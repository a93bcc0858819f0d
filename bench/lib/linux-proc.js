'use strict';
// Linux-side memory figures of Wine processes: under Wine, tasklist prints nothing and the private
// bytes counter reads 0, so the benchmarks read /proc of the Linux process that runs each Windows
// program (reachable from Windows node as Z:\\proc).
const fs = require('node:fs');
const path = require('node:path');

/** /proc as Windows node under Wine sees it (Z:\proc), or /proc natively; null elsewhere. */
const PROC = ['Z:\\proc', '/proc'].find((dir) => fs.existsSync(path.join(dir, 'self'))) || null;

/** The Linux pid of the one process whose command line contains `marker`. */
function unixPidOf(marker) {
  const found = [];
  for (const entry of fs.readdirSync(PROC)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(path.join(PROC, entry, 'cmdline'), 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  if (found.length !== 1) throw new Error(`${found.length} Linux processes have '${marker}' in their command line`);
  return found[0];
}

/** KiB figures from /proc/<pid>/status and smaps_rollup. */
function linuxMemory(unixPid) {
  const field = (text, name) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    if (!m) throw new Error(`no ${name} for Linux pid ${unixPid}`);
    return Number(m[1]);
  };
  const status = fs.readFileSync(path.join(PROC, String(unixPid), 'status'), 'latin1');
  const rollup = fs.readFileSync(path.join(PROC, String(unixPid), 'smaps_rollup'), 'latin1');
  return {
    vmRss: field(status, 'VmRSS'),
    rssAnon: field(status, 'RssAnon'),
    rssFile: field(status, 'RssFile'),
    vmSwap: field(status, 'VmSwap'),
    pss: field(rollup, 'Pss'),
    private: field(rollup, 'Private_Clean') + field(rollup, 'Private_Dirty'),
  };
}

module.exports = { PROC, linuxMemory, unixPidOf };
