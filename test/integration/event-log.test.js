'use strict';
// Event sources and events. Wine keeps the registration in its registry but its event log is a
// stub (ReportEventW succeeds and stores nothing): reading events back is Windows-only.
const { execFileSync } = require('../support/child');
const scm = require('../..');
const { assert, itWindowsOnly } = require('../support/scm');

const SOURCE = `scmn-test-source-${process.pid}`;
const KEY = `HKLM\\SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\${SOURCE}`;

function regQuery(key) {
  try {
    return execFileSync('reg', ['query', key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

describe('event log', function () {
  this.timeout(30000);
  after(async () => {
    try {
      await scm.removeEventSource(SOURCE);
    } catch {
      // already removed by the test
    }
  });

  it('installEventSource registers the source with its message file; removeEventSource deletes it', async () => {
    await scm.installEventSource(SOURCE);
    const values = regQuery(KEY);
    assert.ok(values, 'the source key exists');
    assert.match(values, /EventMessageFile\s+REG_EXPAND_SZ\s+%SystemRoot%\\System32\\EventCreate\.exe/i);
    assert.match(values, /TypesSupported\s+REG_DWORD\s+0x7/i);
    await scm.removeEventSource(SOURCE);
    assert.equal(regQuery(KEY), null, 'the source key is gone');
    await assert.rejects(scm.removeEventSource(SOURCE), { name: 'ScmError', code: 'ERROR_FILE_NOT_FOUND', syscall: 'RegDeleteKeyW' });
  });

  it('reportEvent accepts every event type and validates its arguments', async () => {
    await scm.installEventSource(SOURCE);
    for (const type of ['error', 'warning', 'information', 'success']) {
      await scm.reportEvent(SOURCE, type, `scm-native ${type} event`, { eventId: 100, category: 0 });
    }
    await assert.rejects(scm.reportEvent(SOURCE, 'fatal', 'x'), RangeError);
    await assert.rejects(scm.reportEvent(SOURCE, 'error', 'x', { eventId: -1 }), RangeError);
    await assert.rejects(scm.reportEvent('', 'error', 'x'), RangeError);
  });

  itWindowsOnly('an event written with reportEvent can be read back with its text', 'Wine stubs the event log', async () => {
    await scm.installEventSource(SOURCE);
    const text = `scm-native read-back ${Date.now()}`;
    await scm.reportEvent(SOURCE, 'warning', text, { eventId: 101 });
    const query = `*[System[Provider[@Name='${SOURCE}'] and EventID=101]]`;
    const out = execFileSync('wevtutil', ['qe', 'Application', `/q:${query}`, '/c:1', '/rd:true', '/f:text'], { encoding: 'utf8' });
    assert.match(out, new RegExp(text));
    assert.match(out, /Level:\s+Warning/);
  }, { rejects: { name: 'AssertionError', actual: '' } }); // ReportEventW succeeds; Wine's wevtutil exits 0 and prints nothing

  itWindowsOnly('a message longer than ReportEventW takes is written cut, with the cut marked, not lost', 'Wine stubs the event log', async () => {
    await scm.installEventSource(SOURCE);
    const stamp = `scm-native long ${Date.now()}`;
    // As the host's early-exit report can be: 20 stderr lines of 8,000 characters.
    const text = `${stamp} head\n${Array.from({ length: 20 }, (_, i) => `line ${i} ${'x'.repeat(8000)}`).join('\n')}\n${stamp} tail`;
    await scm.reportEvent(SOURCE, 'error', text, { eventId: 102 });
    const query = `*[System[Provider[@Name='${SOURCE}'] and EventID=102]]`;
    const out = execFileSync('wevtutil', ['qe', 'Application', `/q:${query}`, '/c:1', '/rd:true', '/f:text'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    assert.match(out, new RegExp(`${stamp} head`));
    assert.match(out, new RegExp(`${stamp} tail`));
    assert.match(out, /characters cut: an event message holds at most 31839/);
  }, { rejects: { name: 'AssertionError', actual: '' } }); // as above
});
