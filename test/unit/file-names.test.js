'use strict';
// Names as Windows file names (lib/file-names.ts): a service's log, stderr log and status file, and
// lock files, never reach a device, an alternate data stream or another name's file.
const assert = require('node:assert/strict');
const { fileBaseName } = require('../../dist/file-names');
const { logName, stderrLogName } = require('../../dist/host/log-writer');
const { statusFilePath } = require('../../dist/host/status-file');

describe('names as file names', () => {
  it('leaves ordinary service names as they are (existing logs stay where they were)', () => {
    for (const name of ['web', 'My Service', 'api-2_x.y', 'Dienst (äöü)']) assert.equal(fileBaseName(name), name);
  });

  it('encodes what a file name cannot hold, and % itself, so that the encoding is one-to-one', () => {
    assert.equal(fileBaseName('a:b'), 'a%3ab', 'not the stream b of the file a');
    assert.equal(fileBaseName('a*b?c<d>e|f"g'), 'a%2ab%3fc%3cd%3ee%7cf%22g');
    assert.equal(fileBaseName('50%3a'), '50%253a');
    assert.notEqual(fileBaseName('a%3ab'), fileBaseName('a:b'));
    assert.equal(fileBaseName('tab\there'), 'tab%09here');
    assert.equal(fileBaseName('trailing.'), 'trailing%2e');
    assert.equal(fileBaseName('trailing '), 'trailing%20');
  });

  it('keeps device names (CON, NUL, COM1, LPT¹ ..., with or without an extension) from reaching the device', () => {
    for (const name of ['NUL', 'nul', 'CON', 'aux', 'COM1', 'lpt9', 'COM¹', 'NUL.backup', 'con .x']) {
      const base = fileBaseName(name);
      assert.match(base, /^%[0-9a-f]{2}/, name);
      assert.doesNotMatch(base.split('.')[0].trimEnd(), /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i, name);
    }
    assert.equal(fileBaseName('CONSOLE'), 'CONSOLE');
    assert.equal(fileBaseName('COM10'), 'COM10');
  });

  it("is what a service's files are named by", () => {
    assert.equal(logName('NUL'), '%4eUL');
    assert.equal(stderrLogName('a:b'), 'a%3ab.err');
    assert.match(statusFilePath('C:\\logs', 'COM1'), /%43OM1\.status\.json$/);
  });
});
