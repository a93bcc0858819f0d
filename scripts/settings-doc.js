#!/usr/bin/env node
'use strict';
// Writes docs/settings.md, the table of the service host's settings, from their rows
// (lib/host/setting-fields.ts, built into dist/). `--check` only says whether the file is current
// (a unit test runs it), so the docs cannot drift from the code.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const DOC = path.join(ROOT, 'docs', 'settings.md');

function kindText(kind) {
  switch (kind.type) {
    case 'duration': return `duration${kind.min > 0 ? ', not 0' : ''}`;
    case 'count': return `${kind.min ?? 0} to ${kind.max}`;
    case 'exit-code': return 'exit code 1 to 0xFFFFFFFF, or none';
    case 'exit-codes': return 'list of exit codes';
    case 'choice': return kind.values.map((v) => `\`${v}\``).join(', ');
    case 'file': return 'absolute file, or none';
    case 'folder': return kind.mustExist ? 'existing folder' : 'folder';
    case 'command': return 'command (program and arguments), or none';
    case 'processors': return 'processors 0-63, or all';
    case 'health-check': return 'http(s):// or tcp:// URL, or command (program and arguments), or none';
    case 'status-range': return 'HTTP status codes from-to';
    default: return kind.type.replace(/-/g, ' ');
  }
}

function defaultText(row) {
  if (row.defaultText) return row.defaultText;
  const value = row.defaultValue({ program: 'C:\\app\\server.js', kind: 'node' });
  if (value === null) return 'none';
  if (Array.isArray(value) && value.length === 0) return 'none';
  if (typeof value === 'object') return Object.keys(value).length ? JSON.stringify(value) : 'none';
  if (row.kind.type === 'duration') return value % 1000 === 0 ? `${value / 1000}s` : `${value}ms`;
  if (row.kind.type === 'size') return value % 1048576 === 0 ? `${value / 1048576}M` : `${value}`;
  return String(value);
}

function render() {
  const { SETTING_FIELDS } = require(path.join(ROOT, 'dist', 'host', 'setting-fields.js'));
  const rows = SETTING_FIELDS.map((row) => `| \`${row.option}\` | \`--${row.flag}\` | \`${row.field}\` | \`${row.key}\` | ${kindText(row.kind)} | ${defaultText(row)} | ${row.help.replace(/\|/g, '\\|')} |`);
  return [
    '# Service host settings',
    '',
    '<!-- Written by scripts/settings-doc.js from lib/host/setting-fields.ts: edit the rows, then run `node scripts/settings-doc.js`. -->',
    '',
    'Every setting of a hosted service, by its canonical name: the option of `installProgramService` and',
    '`updateProgramService`. The CLI (`install`, `update`) and the services file keep their own public',
    'spellings, listed beside it; the registry key is where the host reads it (the JSON string in the',
    "service's `Parameters` key, value `scm-native`). A services-file field `log.keep` is the field `keep`",
    'of the table `log`. Durations are written `500ms`, `5s`, `2m`, `1h` (the services file also takes a',
    'number of seconds), sizes `512K`, `10M`. Relative paths are taken from the current folder on the',
    "command line, from the services file's folder in the file.",
    '',
    '| setting (library option) | CLI flag | services-file field | registry key | value | default | what it does |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Not host settings, and so not in this table: the program and its arguments, `interpreter` (`--interpreter`),',
    'and what the SCM stores itself: `displayName`, `description`, `startup`, the account (`username`,',
    '`password`/`passwordEnv`, `virtualAccount`), `dependencies` (`--depends`) and `recovery`.',
    '',
  ].join('\n');
}

if (require.main === module) {
  const text = render();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '';
    if (current !== text) {
      process.stderr.write('docs/settings.md is out of date: run node scripts/settings-doc.js\n');
      process.exitCode = 1;
    }
  } else {
    fs.writeFileSync(DOC, text);
  }
}

module.exports = { render };
