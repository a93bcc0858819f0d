'use strict';
// The settings schema against the real registry: one service installed with every host setting
// at a value other than its default, given on the command line; each reads back from the
// service's Parameters key as the library option it stands for, and a services-file entry with
// the same values shows no drift.
const scm = require('../..');
const { readSettings } = require('../../dist/host/settings');
const { SETTING_FIELDS, settingAt } = require('../../dist/host/setting-fields');
const { hostedDrift } = require('../../dist/declarative/hosted-drift');
const { assert } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase } = require('../support/host-service');
const { parse } = require('../support/services-file');
const { entryWith, sampleSets } = require('../support/setting-samples');

describe('host settings schema: every setting through the registry', function () {
  this.timeout(60000);
  const created = [];
  after(async () => {
    await cleanup(created);
  });

  it('installs every setting from its flag, reads it back from the registry, and a file declaring the same has no drift', async () => {
    const defaults = scm.plannedProgramSettings('schema', PROGRAM);
    // Rows that cannot take their samples together (support/setting-samples.js) take two installs.
    for (const samples of sampleSets(SETTING_FIELDS, defaults)) await installsAll(samples);
  });

  async function installsAll(samples) {
    const c = newCase('schema');
    const installed = await cli(['install', c.name, '--allow-insecure-location', ...samples.flatMap(([, s]) => s.argv), '--', PROGRAM]);
    assert.equal(installed.code, 0, installed.stderr);
    created.push(c.name);
    const stored = await readSettings(c.name);
    for (const [row, sample] of samples) assert.deepEqual(settingAt(stored, row.key), sample.option, row.key);

    const entry = samples.reduce((e, [row, s]) => entryWith(row.field, s.file, e), { name: c.name, program: PROGRAM });
    const declared = parse({ services: [entry] }).services[0];
    const drift = await hostedDrift(c.name, declared.hosted);
    assert.deepEqual([drift.installed, drift.fields], [true, []]);
  }
});
