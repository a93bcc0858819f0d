'use strict';
// The figures section of bench/nssm.bench.js in bench/RESULTS.md: one section under a heading with
// the run's date, which the next run replaces (every other section of the file is kept).
const fs = require('node:fs');
const path = require('node:path');
const { replaceSection } = require('./race');

const RESULTS = path.join(__dirname, '..', 'RESULTS.md');
/** The heading every run's section starts with (the date follows). */
const HEADING = '## The NSSM race: figures of';

const fmt = (v) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));

function ratioCell(c) {
  const p = c.pairedRatio;
  return `${c.ratio}x (${p.median}x, ${p.ci95[0]}-${p.ci95[1]}x)`;
}

function verdict(c) {
  if (!c.target) return '';
  const goal = c.target.max !== undefined ? `<= ${c.target.max}` : `>= ${c.target.min}`;
  return `${goal}: ${c.met ? 'met' : 'missed'}, CI ${c.ciVersusTarget}`;
}

/** The markdown section for one run's result object. */
function raceSection(result) {
  const date = result.date.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const table = (label, comparisons) => [
    '',
    `| metric (median) | ${label} | NSSM | ${label} / NSSM: pooled (per-round median, 95% CI) | target |`,
    '|---|---|---|---|---|',
    ...comparisons.map((c) => `| ${c.numerator.split(' | ')[1]} | ${fmt(result.stats[c.numerator].median)} | ${fmt(result.stats[c.denominator].median)} | ${ratioCell(c)} | ${verdict(c)} |`),
  ];
  const lines = [
    `${HEADING} ${date}`,
    '',
    `Command: \`npm run bench -- nssm\` (bench/nssm.bench.js), Windows node ${result.node} under ${result.underWine ? 'Wine 8' : 'Windows'}, ` +
      `${result.cpus} cpus, load average ${result.loadBefore.loadavg.join(' ')} before and ${result.loadAfter.loadavg.join(' ')} after; ` +
      `${result.durationSeconds} s. NSSM: ${result.nssm.exe} ${result.nssm.version} from ${result.nssm.package}.`,
    `Race: ${result.config.rounds} rounds after one warm-up, contenders' order alternating; ${result.config.logLines.toLocaleString('en-US')} log lines per round. ` +
      `Memory: ${result.config.memRounds} rounds of 1 and ${result.config.many} services per host, ${result.config.settleMs} ms settle, ` +
      `${result.config.idleMs} ms idle window. Settings: scm-native ${result.config.scmNative}; NSSM ${result.config.nssm}.`,
    ...table('scm-native', result.comparisons),
  ];
  // The program writing its log itself (--log-direct), as NSSM's program does: a third contender.
  if (result.directComparisons) lines.push(...table('scm-native --log-direct', result.directComparisons));
  const checked = result.logIntegrity;
  const lost = checked.reduce((a, r) => a + r.missing + r.duplicates + r.outOfOrder, 0);
  lines.push('', `Log integrity: ${checked.length} runs of ${result.config.logLines.toLocaleString('en-US')} numbered lines checked in the log files ` +
    `(warm-up included); lines lost, duplicated or reordered: ${lost}.`);
  if (result.memory) {
    lines.push('', `| host | memory (${result.memory.what ?? 'private: RssAnon'}) and idle CPU | median over rounds | per round |`, '|---|---|---|---|');
    for (const [key, s] of Object.entries(result.memory.stats)) {
      const [host, figure] = key.split(' | ');
      lines.push(`| ${host} | ${figure} | ${fmt(s.median)} | ${s.roundMedians.map(fmt).join(' ')} |`);
    }
    lines.push('', '| ratio | pooled (per-round median, 95% CI) | target |', '|---|---|---|');
    for (const c of result.memComparisons) lines.push(`| ${c.label} | ${ratioCell(c)} | ${verdict(c)} |`);
  } else {
    lines.push('', 'Memory: not measured.');
  }
  lines.push('', `Shared host (\`--host-group\`): ${result.sharedHost === 'measured' ? 'measured above (contender "scm-native shared")' : 'not available in this build'}.`);
  return `${lines.join('\n')}\n`;
}

/** Writes the section into bench/RESULTS.md (replacing a previous run's); returns the file. */
function writeRaceSection(result, file = RESULTS) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  fs.writeFileSync(file, replaceSection(text, HEADING, raceSection(result)));
  return file;
}

module.exports = { HEADING, raceSection, writeRaceSection };
