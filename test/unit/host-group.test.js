'use strict';
// Host groups without an SCM: the name's rule, the command line every member shares (the SCM
// shares a process only between identical image paths), the CLI flags, and runAsService's
// `shared` option. The groups themselves run against Wine's SCM (test/integration/host-group*).
const assert = require('node:assert/strict');
const { Readable } = require('node:stream');
const { parseArgs, UsageError } = require('../../dist/cli/args');
const { SERVICE_OPTIONS, serviceOptions } = require('../../dist/cli/service-options');
const { checkHostGroup, sameHostGroup, settingFromOption, comparableSetting } = require('../../dist/host/setting-checks');
const { HOST_NODE_FLAGS, hostCommandIn } = require('../../dist/host/host-runtime');
const { SETTING_FIELDS } = require('../../dist/host/setting-fields');
const scm = require('../..');

const RUNTIME = { root: 'C:\\Program Files\\scm-native\\1.0.0-abc', node: 'C:\\Program Files\\scm-native\\node\\node.exe', hostMain: 'C:\\Program Files\\scm-native\\1.0.0-abc\\dist\\host\\host-main.js' };

describe('host groups without an SCM', () => {
  it('a group name is 1-64 letters, digits, -, _ or ., starting with a letter or digit; null is none', () => {
    for (const good of ['apps', 'A1', 'web-tier_2.prod', 'x'.repeat(64)]) assert.equal(checkHostGroup(good, 'g'), good);
    assert.equal(checkHostGroup(null, 'g'), null);
    assert.equal(checkHostGroup(undefined, 'g'), null);
    for (const bad of ['', 'two words', '-lead', '.hidden', 'x'.repeat(65), 'a/b', 'a\\b', 'é', 'a"b']) {
      assert.throws(() => checkHostGroup(bad, 'options.hostGroup'), (e) => (e instanceof RangeError || e instanceof TypeError) && /options\.hostGroup/.test(e.message), bad);
    }
    assert.throws(() => checkHostGroup(7, 'g'), TypeError);
  });

  it('names compare case-blind; none is in no group', () => {
    assert.equal(sameHostGroup('Apps', 'aPPs'), true);
    assert.equal(sameHostGroup('apps', 'apps2'), false);
    assert.equal(sameHostGroup(null, null), false);
    const row = SETTING_FIELDS.find((r) => r.key === 'hostGroup');
    assert.equal(settingFromOption(row.kind, '', 'o'), null, "'' leaves the group (update)");
    assert.equal(comparableSetting(row.kind, 'Apps'), comparableSetting(row.kind, 'apps'), 'drift is case-blind');
  });

  it('every member of a group gets the same command line, naming the group (lower case), never the service', () => {
    const a = hostCommandIn(RUNTIME, 'web', 'Apps');
    const b = hostCommandIn(RUNTIME, 'jobs', 'apps');
    assert.deepEqual(a, b);
    assert.deepEqual(a, { path: RUNTIME.node, args: [...HOST_NODE_FLAGS, RUNTIME.hostMain, '--group', 'apps'] });
    assert.deepEqual(hostCommandIn(RUNTIME, 'web', null).args, [...HOST_NODE_FLAGS, RUNTIME.hostMain, '--service', 'web']);
    assert.deepEqual(hostCommandIn(RUNTIME, 'web').args, [...HOST_NODE_FLAGS, RUNTIME.hostMain, '--service', 'web']);
  });

  it('--host-group NAME and --no-host-group become options; both at once is a usage error', async () => {
    const options = (argv) => serviceOptions(parseArgs(argv, SERVICE_OPTIONS, 'install'), { stdin: Readable.from(['']) }, 'install');
    assert.deepEqual(await options(['--host-group', 'apps']), { hostGroup: 'apps' });
    assert.deepEqual(await options(['--no-host-group']), { hostGroup: null });
    assert.deepEqual(await options(['--host-group', '']), { hostGroup: null });
    await assert.rejects(options(['--host-group', 'apps', '--no-host-group']), UsageError);
  });

  it("runAsService's shared option must be a boolean (checked before any native call)", async () => {
    await assert.rejects(scm.runAsService({ one: () => undefined }, { shared: 'yes' }), (e) => e instanceof TypeError && /options\.shared/.test(e.message));
  });

  it('installProgramService refuses a bad group name before touching the SCM', async () => {
    await assert.rejects(scm.installProgramService('svc', __filename, [], { hostGroup: 'no spaces' }), (e) => e instanceof RangeError && /options\.hostGroup/.test(e.message));
  });
});
