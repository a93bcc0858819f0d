'use strict';
// The settings schema (lib/host/setting-fields.ts): every host setting row is reachable from the
// CLI, the library and the services file, gives the same value through each, and survives the
// registry's JSON round trip; the surfaces list exactly the rows' names.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { Readable } = require('node:stream');
const { SETTING_FIELDS, settingAt } = require('../../dist/host/setting-fields');
const { parseArgs } = require('../../dist/cli/args');
const { SERVICE_OPTIONS, serviceOptions } = require('../../dist/cli/service-options');
const { HOSTED_FIELDS } = require('../../dist/declarative/hosted-entry');
const { parseSettings, serializeSettings } = require('../../dist/host/settings');
const scm = require('../..');
const { parse } = require('../support/services-file');
const { entryWith, sampleFor } = require('../support/setting-samples');
const { render } = require('../../scripts/settings-doc');

const PROGRAM = __filename; // a .js file: a Node program
const defaults = scm.plannedProgramSettings('svc', PROGRAM);

describe('host settings schema', () => {
  it('has one row per key, option, services-file field and CLI flag', () => {
    for (const prop of ['key', 'option', 'field', 'flag']) {
      const names = SETTING_FIELDS.map((row) => row[prop]);
      assert.equal(new Set(names).size, names.length, `${prop}s are unique`);
    }
    for (const row of SETTING_FIELDS) {
      assert.ok(SERVICE_OPTIONS[row.flag], `--${row.flag} is a flag of install/update`);
      assert.equal(SERVICE_OPTIONS[row.flag].help, row.help);
      assert.ok(HOSTED_FIELDS.includes(row.field.split('.')[0]), `${row.field} is a services-file field`);
    }
  });

  it('docs/settings.md is written from the rows (node scripts/settings-doc.js)', () => {
    assert.equal(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'settings.md'), 'utf8'), render());
  });

  for (const row of SETTING_FIELDS) {
    describe(`${row.key} (--${row.flag}, ${row.field}, options.${row.option})`, () => {
      const sample = sampleFor(row, defaults);

      it('the CLI flag gives the library option', async () => {
        const args = parseArgs(sample.argv, SERVICE_OPTIONS, 'install');
        assert.deepEqual(await serviceOptions(args, { stdin: Readable.from(['']) }, 'install'), { [row.option]: sample.option });
      });

      it('the services-file field gives the library option', () => {
        const file = parse({ services: [{ name: 'svc', program: PROGRAM, ...entryWith(row.field, sample.file) }] });
        assert.deepEqual(file.services[0].hosted.options, { [row.option]: sample.option });
      });

      it('the library option sets the stored setting, other than its default, and it survives the registry JSON', () => {
        const settings = scm.plannedProgramSettings('svc', PROGRAM, [], { [row.option]: sample.option });
        assert.deepEqual(settingAt(settings, row.key), sample.option);
        assert.notDeepEqual(settingAt(settings, row.key), settingAt(defaults, row.key), 'the sample is not the default');
        const stored = parseSettings(serializeSettings(settings), 'svc');
        assert.deepEqual(stored, settings);
        for (const other of SETTING_FIELDS) {
          if (other !== row) assert.deepEqual(settingAt(stored, other.key), settingAt(defaults, other.key), `${other.key} untouched`);
        }
      });

      it('settings stored before the setting existed read as its default', () => {
        const old = JSON.parse(serializeSettings(defaults));
        const [table, name] = row.key.split('.');
        if (name === undefined) delete old[table];
        else delete old[table][name];
        if (row.required) assert.throws(() => parseSettings(JSON.stringify(old), 'svc'), TypeError);
        else assert.deepEqual(settingAt(parseSettings(JSON.stringify(old), 'svc'), row.key), settingAt(defaults, row.key));
      });
    });
  }
});
