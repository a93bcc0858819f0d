'use strict';
// For every host setting row (lib/host/setting-fields.ts): a value other than its default, as the
// command line writes it, as a services file writes it, and as the library's option it becomes.
// Made per kind, so a new row of an existing kind is covered without touching this file.
const os = require('node:os');
const path = require('node:path');

const DIR = os.tmpdir();

/** The sample of one row: { argv, file, option } (`file` is the field's value in the entry). */
function sampleFor(row, programPart) {
  const kind = row.kind;
  const flag = `--${row.flag}`;
  const same = (text, value) => ({ argv: [flag, text], file: value, option: value });
  switch (kind.type) {
    case 'duration': return { argv: [flag, '7s'], file: '7s', option: 7000 };
    case 'size': return { argv: [flag, '2M'], file: '2M', option: 2 * 1024 * 1024 };
    case 'count': {
      const n = row.defaultValue(programPart) === 3 ? 4 : 3;
      return { argv: [flag, String(n)], file: n, option: n };
    }
    case 'exit-code': return { argv: [flag, '42'], file: 42, option: 42 };
    case 'exit-codes': return { argv: [flag, '3,4'], file: [3, 4], option: [3, 4] };
    case 'choice': {
      const value = kind.values.find((v) => v !== row.defaultValue(programPart) && v !== 'ipc' && v !== 'realtime');
      return same(value, value);
    }
    case 'boolean': {
      const value = !row.defaultValue(programPart);
      return { argv: [value ? flag : `--no-${row.flag}`], file: value, option: value };
    }
    case 'file': return same(path.join(DIR, `${row.option}.sample`), path.join(DIR, `${row.option}.sample`));
    case 'folder': return same(DIR, DIR);
    case 'folders': return { argv: [flag, DIR], file: [DIR], option: [DIR] };
    case 'variable-names': return { argv: [flag, 'TEMP'], file: ['TEMP'], option: ['TEMP'] };
    case 'command': {
      const exe = path.join(DIR, 'hook.exe');
      return { argv: [flag, `"${exe}" --up`], file: [exe, '--up'], option: [exe, '--up'] };
    }
    case 'processors': return { argv: [flag, '1,2'], file: [1, 2], option: [1, 2] };
    case 'environment': return { argv: [flag, 'SAMPLE=1'], file: { SAMPLE: '1' }, option: { SAMPLE: '1' } };
    case 'accounts': return { argv: [flag, 'Backup Operators'], file: ['Backup Operators'], option: ['Backup Operators'] };
    case 'arguments': return { argv: [flag, '--sample'], file: ['--sample'], option: ['--sample'] };
    case 'health-check': return same('http://127.0.0.1:8080/health', 'http://127.0.0.1:8080/health');
    case 'status-range': return same('200-299', '200-299');
    case 'name': return same(`sample-${row.option}`, `sample-${row.option}`);
    default: throw new Error(`no sample for the kind '${kind.type}' of ${row.key}: add one here`);
  }
}

/**
 * Rows that cannot all take their samples at once, by a rule of lib/host/setting-checks.ts: in
 * each pair the second row's sample is given only in a set where the first stays at its default.
 */
const APART = [
  ['log.timestamps', 'log.direct'], // checkDirectLog: a log the program writes itself has no timestamps
];

/**
 * Sets of [row, sample] that together give every row a value other than its default, each set
 * one that install accepts (a row missing from a set stays at its default).
 */
function sampleSets(rows, defaults) {
  const all = rows.map((row) => [row, sampleFor(row, defaults)]);
  return [
    all.filter(([row]) => !APART.some(([, second]) => second === row.key)),
    all.filter(([row]) => !APART.some(([first]) => first === row.key)),
  ];
}

/** `entry` with a services-file field (dotted: in a table) set to a value. */
function entryWith(field, value, entry = {}) {
  const [table, name] = field.split('.');
  if (name === undefined) return { ...entry, [table]: value };
  return { ...entry, [table]: { ...entry[table], [name]: value } };
}

module.exports = { entryWith, sampleFor, sampleSets };
