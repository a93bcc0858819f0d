'use strict';
// What the SCM would store but never return (QueryServiceConfig2W answers at most 8 KB, MS-SCMR
// bounds triggers and data items to 64): refused before any native call. And the pure parts of
// `requiredPrivileges: []` and of the services file's account comparison.
const assert = require('node:assert/strict');
const scm = require('../..');
const config2 = require('../../dist/services/config2');
const triggers = require('../../dist/services/triggers');
const configuration = require('../../dist/services/configuration');
const { sameAccount } = require('../../dist/declarative/hosted-drift');
const { fails, parse } = require('../support/services-file');

const onWindows = process.platform === 'win32';
const PASSES = onWindows ? undefined : { code: 'ERR_SCM_UNSUPPORTED_PLATFORM' };
const tooLong = (e) => e instanceof RangeError;

describe('config limits: descriptions (8 KB query answer)', () => {
  it('allows 4091 characters, the most whose SERVICE_DESCRIPTIONW answer fits in 8192 bytes, and refuses 4092', () => {
    assert.equal(config2.CONFIG2_QUERY_MAX_BYTES, 8192);
    assert.equal(config2.MAX_DESCRIPTION_LENGTH, 4091);
    assert.equal(8 + (config2.MAX_DESCRIPTION_LENGTH + 1) * 2, 8192);
    assert.equal(config2.checkDescription('x'.repeat(4091), 'd').length, 4091);
    assert.throws(() => config2.checkDescription('x'.repeat(4092), 'options.description'),
      (e) => tooLong(e) && /options\.description must be at most 4091 characters \(UTF-16 code units\), got 4092/.test(e.message));
    // Code units, as the SCM counts them: 2046 astral characters are 4092 units.
    assert.throws(() => config2.checkDescription('\u{1F600}'.repeat(2046), 'd'), RangeError);
    assert.equal(config2.checkDescription('', 'd'), '');
  });

  it('createService and setServiceConfiguration refuse a longer one before the SCM', async () => {
    await assert.rejects(scm.createService('svc', 'C:\\svc.exe', { description: 'x'.repeat(4092) }), tooLong);
    await assert.rejects(scm.setServiceConfiguration('svc', { description: 'x'.repeat(5000) }), tooLong);
    assert.throws(() => configuration.prepareChanges({ description: 'x'.repeat(4092) }), tooLong);
    assert.equal(configuration.prepareChanges({ description: 'x'.repeat(4091) }).levels[0].value.length, 4091);
    if (PASSES) await assert.rejects(scm.setServiceConfiguration('svc', { description: 'x'.repeat(4091) }), PASSES);
  });

  it('a services file refuses a longer description when it is read', () => {
    const entry = (description) => ({ services: [{ name: 'web', program: 'C:\\app\\web.exe', allowInsecureLocation: true, description }] });
    assert.equal(parse(entry('x'.repeat(4091))).services[0].hosted.options.description.length, 4091);
    fails(entry('x'.repeat(4092)), /field "description" must be at most 4091 characters, got 4092/, 0, 'description');
  });
});

describe('config limits: triggers (64 triggers, 64 data items, 8 KB)', () => {
  const trigger = (data = []) => ({ type: 'custom', action: 'start', subtype: '11111111-2222-3333-4455-66778899aabb', data });
  const items = (n, bytes = 1) => Array.from({ length: n }, () => ({ type: 'binary', value: new Uint8Array(bytes) }));

  it('allows 64 triggers and refuses 65', () => {
    assert.equal(triggers.MAX_TRIGGERS, 64);
    assert.equal(triggers.encodeTriggers(Array.from({ length: 64 }, () => trigger()), 't').length, 64);
    assert.throws(() => triggers.encodeTriggers(Array.from({ length: 65 }, () => trigger()), 'changes.triggers'),
      (e) => tooLong(e) && /changes\.triggers must hold at most 64 triggers \(MS-SCMR SERVICE_TRIGGER_INFO\), got 65/.test(e.message));
  });

  it('allows 64 data items in a trigger and refuses 65', () => {
    assert.equal(triggers.MAX_TRIGGER_DATA_ITEMS, 64);
    assert.equal(triggers.encodeTriggers([trigger(items(64))], 't')[0].data.length, 64);
    assert.throws(() => triggers.encodeTriggers([trigger(items(65))], 't'),
      (e) => tooLong(e) && /t\[0\]\.data must hold at most 64 data items \(MS-SCMR SERVICE_TRIGGER\), got 65/.test(e.message));
  });

  it('refuses a list whose query answer would pass 8192 bytes, at the byte', () => {
    // 24 + 32 + 16 (GUID) + n items of 16 + 1024 bytes: 7 items = 7352 bytes.
    const seven = triggers.encodeTriggers([trigger(items(7, 1024))], 't');
    assert.equal(triggers.triggerQueryBytes(seven), 24 + 48 + 7 * 1040);
    // Fill to exactly 8192: 8192 - 7352 = 840 = 16 + 824 bytes of one more item.
    const exact = [trigger([...items(7, 1024), ...items(1, 824)])];
    assert.equal(triggers.triggerQueryBytes(triggers.encodeTriggers(exact, 't')), 8192);
    const over = [trigger([...items(7, 1024), ...items(1, 825)])];
    assert.throws(() => triggers.encodeTriggers(over, 'options.triggers'),
      (e) => tooLong(e) && /options\.triggers would need 8200 bytes to read back, more than the 8192/.test(e.message));
  });

  it('createService and setServiceConfiguration refuse them before the SCM', async () => {
    await assert.rejects(scm.createService('svc', 'C:\\svc.exe', { triggers: Array.from({ length: 65 }, () => trigger()) }), tooLong);
    await assert.rejects(scm.setServiceConfiguration('svc', { triggers: [trigger(items(65))] }), tooLong);
  });
});

describe('requiredPrivileges: [] (no ChangeServiceConfig2W call)', () => {
  it('is taken out of the SCM levels and becomes a deletion of the RequiredPrivileges value', () => {
    const cleared = configuration.prepareChanges({ requiredPrivileges: [], description: 'd' });
    assert.deepEqual(cleared.levels, [{ level: 1, value: 'd' }]);
    assert.equal(cleared.clearPrivileges, true);
    const set = configuration.prepareChanges({ requiredPrivileges: ['SeChangeNotifyPrivilege'] });
    assert.deepEqual(set.levels, [{ level: 6, value: ['SeChangeNotifyPrivilege'] }]);
    assert.equal(set.clearPrivileges, false);
    assert.equal(config2.REQUIRED_PRIVILEGES_VALUE, 'RequiredPrivileges');
  });
});

describe('services file: account comparison (sameAccount)', () => {
  it('treats COMPUTER\\user as .\\user, case-insensitively', () => {
    assert.equal(sameAccount('.\\svc-user', 'WEB01\\svc-user', 'WEB01'), true);
    assert.equal(sameAccount('WEB01\\svc-user', '.\\SVC-User', 'web01'), true);
    assert.equal(sameAccount('.\\svc-user', 'web01\\SVC-USER', 'WEB01'), true);
    assert.equal(sameAccount('CONTOSO\\svc', 'contoso\\SVC', 'WEB01'), true);
    assert.equal(sameAccount('.\\svc-user', 'CONTOSO\\svc-user', 'WEB01'), false, 'a domain account is another account');
    assert.equal(sameAccount('.\\svc-user', 'WEB011\\svc-user', 'WEB01'), false);
    assert.equal(sameAccount('.\\a', '.\\b', 'WEB01'), false);
  });

  it('treats every spelling of LocalSystem, LocalService and NetworkService as one', () => {
    for (const a of ['LocalSystem', '.\\LocalSystem', 'NT AUTHORITY\\SYSTEM', 'localsystem', 'nt authority\\system']) {
      assert.equal(sameAccount(a, 'LocalSystem', 'WEB01'), true, a);
    }
    assert.equal(sameAccount('NT AUTHORITY\\LocalService', 'NT AUTHORITY\\Local Service', 'WEB01'), true);
    assert.equal(sameAccount('nt authority\\networkservice', 'NT AUTHORITY\\Network Service', 'WEB01'), true);
    assert.equal(sameAccount('NT AUTHORITY\\LocalService', 'LocalSystem', 'WEB01'), false);
    assert.equal(sameAccount('NT SERVICE\\web', 'nt service\\WEB', 'WEB01'), true);
  });
});
