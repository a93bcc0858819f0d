'use strict';
// Pure parts of the configuration API: validation, token and shape conversion, trigger data and
// GUID encoding. Runs on any platform; a call that passes validation reaches the platform check
// (ERR_SCM_UNSUPPORTED_PLATFORM off Windows), one that does not throws TypeError/RangeError first.
const assert = require('node:assert/strict');
const scm = require('../..');
const config2 = require('../../dist/services/config2');
const triggers = require('../../dist/services/triggers');
const configuration = require('../../dist/services/configuration');

const onWindows = process.platform === 'win32';
const PASSES = onWindows ? undefined : { code: 'ERR_SCM_UNSUPPORTED_PLATFORM' };

function rawCore(overrides = {}) {
  return {
    serviceType: 0x10, startType: 3, errorControl: 1, binaryPath: 'C:\\svc.exe', loadOrderGroup: null, tagId: 0,
    dependencies: [], account: 'LocalSystem', displayName: 'Shown', ...overrides,
  };
}

describe('configuration: optional levels (config2)', () => {
  it('encodes every optional field to its SERVICE_CONFIG_* level and raw value, in a fixed order', () => {
    const raw = config2.encodeOptionalSettings({
      launchProtected: 'antimalware_light',
      triggers: [],
      preshutdownTimeout: 0,
      requiredPrivileges: ['SeChangeNotifyPrivilege'],
      sidType: 'restricted',
      delayedAutoStart: true,
      failureActionsOnNonCrashFailures: false,
      failureActions: { resetPeriod: 60, rebootMessage: '', actions: [{ type: 'restart', delay: 1000 }, { type: 'run_command', delay: 0 }] },
      description: '',
    }, 'options.');
    assert.deepEqual(raw, [
      { level: 1, value: '' },
      { level: 2, value: { resetPeriod: 60, rebootMessage: '', command: null, actions: [{ type: 1, delay: 1000 }, { type: 3, delay: 0 }] } },
      { level: 4, value: false },
      { level: 3, value: true },
      { level: 5, value: 3 },
      { level: 6, value: ['SeChangeNotifyPrivilege'] },
      { level: 7, value: 0 },
      { level: 8, value: [] },
      { level: 12, value: 3 },
    ]);
    assert.deepEqual(config2.encodeOptionalSettings({}, 'x.'), [], 'nothing given, nothing changed');
  });

  it('keeps absent and empty apart: omitted failure-action parts are null (unchanged), [] clears', () => {
    const [clear] = config2.encodeOptionalSettings({ failureActions: { actions: [] } }, '');
    assert.deepEqual(clear.value, { resetPeriod: 0, rebootMessage: null, command: null, actions: [] });
    const [message] = config2.encodeOptionalSettings({ failureActions: { rebootMessage: 'bye' } }, '');
    assert.deepEqual(message.value, { resetPeriod: 0, rebootMessage: 'bye', command: null, actions: null });
  });

  it('accepts raw numbers for values the token tables do not name', () => {
    const raw = config2.encodeOptionalSettings({ sidType: 2, launchProtected: 7, failureActions: { resetPeriod: 1, actions: [{ type: 9, delay: 5 }] } }, '');
    assert.deepEqual(raw.map((r) => r.value), [{ resetPeriod: 1, rebootMessage: null, command: null, actions: [{ type: 9, delay: 5 }] }, 2, 7]);
  });

  it('decodes levels to tokens, numbers for unknown values, empty strings for unset ones', () => {
    assert.equal(config2.decodeOptionalValue('description', null), '');
    assert.deepEqual(config2.decodeOptionalValue('failureActions', {
      resetPeriod: 0xffffffff, rebootMessage: null, command: 'x.exe', actions: [{ type: 2, delay: 10 }, { type: 8, delay: 0 }],
    }), { resetPeriod: scm.INFINITE_RESET_PERIOD, rebootMessage: '', command: 'x.exe', actions: [{ type: 'reboot', delay: 10 }, { type: 8, delay: 0 }] });
    assert.equal(config2.decodeOptionalValue('sidType', 3), 'restricted');
    assert.equal(config2.decodeOptionalValue('sidType', 2), 2);
    assert.equal(config2.decodeOptionalValue('launchProtected', 0), 'none');
    assert.equal(config2.decodeOptionalValue('launchProtected', 2), 'windows_light');
    assert.equal(config2.decodeOptionalValue('delayedAutoStart', true), true);
  });

  it('what decoding returns, encoding takes back to the same raw values', () => {
    const rawLevels = {
      1: 'text', 2: { resetPeriod: 86400, rebootMessage: 'm', command: 'c', actions: [{ type: 1, delay: 60000 }, { type: 0, delay: 0 }] },
      3: false, 4: true, 5: 1, 6: ['SeAuditPrivilege', 'SeChangeNotifyPrivilege'], 7: 180000, 12: 0,
      8: [{ type: 20, action: 1, subtype: triggers.guidToBytes('11111111-2222-3333-4455-66778899aabb'),
        data: [{ type: 3, bytes: Uint8Array.of(4) }, { type: 2, bytes: new Uint8Array(Buffer.from('a\0b\0\0', 'utf16le')) }] }],
    };
    const record = {};
    for (const field of config2.OPTIONAL_FIELDS) record[field] = config2.decodeOptionalValue(field, rawLevels[config2.CONFIG2_LEVELS[field]]);
    const again = config2.encodeOptionalSettings(record, '');
    for (const { level, value } of again) assert.deepEqual(value, rawLevels[level], `level ${level}`);
    assert.equal(again.length, Object.keys(rawLevels).length);
  });

  it('rejects bad optional values with TypeError or RangeError', () => {
    const bad = (settings, type) => assert.throws(() => config2.encodeOptionalSettings(settings, 'options.'), type, JSON.stringify(settings));
    bad({ delayedAutoStart: 'yes' }, TypeError);
    bad({ failureActionsOnNonCrashFailures: 1 }, TypeError);
    bad({ sidType: 'sometimes' }, RangeError);
    bad({ sidType: -1 }, RangeError);
    bad({ launchProtected: 'max' }, RangeError);
    bad({ preshutdownTimeout: -5 }, RangeError);
    bad({ preshutdownTimeout: 1.5 }, RangeError);
    bad({ requiredPrivileges: 'SeDebugPrivilege' }, TypeError);
    bad({ requiredPrivileges: [''] }, RangeError);
    bad({ description: 5 }, TypeError);
    bad({ failureActions: [] }, TypeError);
    bad({ failureActions: { actions: [{ type: 'explode', delay: 0 }], resetPeriod: 0 } }, RangeError);
    bad({ failureActions: { actions: [{ type: 'restart', delay: -1 }], resetPeriod: 0 } }, RangeError);
    bad({ failureActions: { actions: [{ type: 'restart' }], resetPeriod: 0 } }, TypeError);
    bad({ failureActions: { actions: [{ type: 'restart', delay: 1 }] } }, /resetPeriod is required/);
    bad({ failureActions: { resetPeriod: 10 } }, /needs options.failureActions.actions/);
    bad({ failureActions: { resetPeriod: 10, actions: [], reset: 1 } }, /unknown field 'reset'/);
    bad({ triggers: {} }, TypeError);
  });
});

describe('configuration: triggers', () => {
  it('encodes GUIDs in Windows memory order and formats them back lower case', () => {
    const bytes = triggers.guidToBytes('{4F27F2DE-14E2-430B-A549-7CD48CBC8245}');
    assert.deepEqual([...bytes], [0xde, 0xf2, 0x27, 0x4f, 0xe2, 0x14, 0x0b, 0x43, 0xa5, 0x49, 0x7c, 0xd4, 0x8c, 0xbc, 0x82, 0x45]);
    assert.equal(triggers.bytesToGuid(bytes), '4f27f2de-14e2-430b-a549-7cd48cbc8245');
    for (const bad of ['4f27f2de-14e2-430b-a549-7cd48cbc824', '{4f27f2de-14e2-430b-a549-7cd48cbc8245', 'zf27f2de-14e2-430b-a549-7cd48cbc8245', '']) {
      assert.throws(() => triggers.guidToBytes(bad), RangeError, bad);
    }
  });

  it('encodes each data type to the bytes Windows expects', () => {
    const enc = (type, value) => Buffer.from(triggers.encodeTriggerData({ type, value }, 'd').bytes);
    assert.deepEqual(enc('string', 'pipe'), Buffer.from('pipe\0', 'utf16le'));
    assert.deepEqual(enc('string', ['5001', 'UDP']), Buffer.from('5001\0UDP\0\0', 'utf16le'));
    assert.deepEqual(enc('string', ''), Buffer.from('\0', 'utf16le'));
    assert.deepEqual(enc('level', 255), Buffer.from([255]));
    assert.deepEqual(enc('keyword_any', 0x8000000000000001n), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0x80]));
    assert.deepEqual(enc('keyword_all', 0x10), Buffer.from([0x10, 0, 0, 0, 0, 0, 0, 0]));
    assert.deepEqual(enc('binary', Buffer.from([1, 2, 3])), Buffer.from([1, 2, 3]));
    assert.deepEqual(enc(9, Uint8Array.of(7)), Buffer.from([7]));
    assert.equal(triggers.encodeTriggerData({ type: 'level', value: 1 }, 'd').type, 3);
  });

  it('decodes data items by type, and keeps ill-sized ones as raw bytes that encode back unchanged', () => {
    const dec = (type, bytes) => triggers.decodeTriggerData({ type, bytes: Uint8Array.from(bytes) });
    assert.deepEqual(dec(2, Buffer.from('pipe\0', 'utf16le')), { type: 'string', value: 'pipe' });
    assert.deepEqual(dec(2, Buffer.from('pipe\0\0', 'utf16le')), { type: 'string', value: 'pipe' });
    assert.deepEqual(dec(2, Buffer.from('a\0b\0\0', 'utf16le')), { type: 'string', value: ['a', 'b'] });
    assert.deepEqual(dec(3, [9]), { type: 'level', value: 9 });
    assert.deepEqual(dec(4, [1, 0, 0, 0, 0, 0, 0, 0]), { type: 'keyword_any', value: 1n });
    assert.deepEqual(dec(5, [0, 0, 0, 0, 0, 0, 0, 0x80]), { type: 'keyword_all', value: 0x8000000000000000n });
    assert.deepEqual(dec(1, [1, 2]), { type: 'binary', value: Buffer.from([1, 2]) });
    for (const [type, bytes] of [[3, [1, 2]], [4, [1]], [2, [0x61]], [42, [1, 2, 3]]]) {
      const item = dec(type, bytes);
      assert.equal(item.type, type, 'unknown or ill-sized data keeps its numeric type');
      assert.deepEqual([...triggers.encodeTriggerData(item, 'd').bytes], bytes);
    }
  });

  it('converts triggers with tokens and well-known subtypes both ways', () => {
    const input = [
      { type: 'ip_address_availability', action: 'start', subtype: 'first_ip_address_arrival' },
      { type: 'network_endpoint', action: 'stop', subtype: 'named_pipe_event', data: [{ type: 'string', value: 'my-pipe' }] },
      { type: 99, action: 7, subtype: '{ABCDEF01-2345-6789-ABCD-EF0123456789}', data: [{ type: 'binary', value: Buffer.from([0]) }] },
      { type: 'aggregate', action: 'start', subtype: null },
    ];
    const raw = triggers.encodeTriggers(input, 'triggers');
    assert.deepEqual(raw.map((t) => [t.type, t.action]), [[2, 1], [6, 2], [99, 7], [30, 1]]);
    assert.equal(raw[3].subtype, null);
    assert.deepEqual(triggers.decodeTriggers(raw), [
      { type: 'ip_address_availability', action: 'start', subtype: 'first_ip_address_arrival', data: [] },
      { type: 'network_endpoint', action: 'stop', subtype: 'named_pipe_event', data: [{ type: 'string', value: 'my-pipe' }] },
      { type: 99, action: 7, subtype: 'abcdef01-2345-6789-abcd-ef0123456789', data: [{ type: 'binary', value: Buffer.from([0]) }] },
      { type: 'aggregate', action: 'start', subtype: null, data: [] },
    ]);
  });

  it('rejects bad triggers with TypeError or RangeError', () => {
    const bad = (trigger, type) => assert.throws(() => triggers.encodeTriggers([trigger], 't'), type,
      JSON.stringify(trigger, (k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    bad({ type: 'usb', action: 'start', subtype: 'domain_join' }, RangeError);
    bad({ type: 'domain_join', action: 'pause', subtype: 'domain_join' }, RangeError);
    bad({ type: 'domain_join', action: 'start', subtype: 'not-a-guid' }, RangeError);
    bad({ type: 'domain_join', action: 'start' }, TypeError);
    bad({ type: 'firewall_port_event', action: 'start', subtype: 'domain_join' }, /belongs to triggers of type 'domain_join'/);
    bad({ type: 'custom', action: 'start', subtype: '11111111-2222-3333-4444-555555555555', data: {} }, TypeError);
    const custom = (data) => ({ type: 'custom', action: 'start', subtype: '11111111-2222-3333-4444-555555555555', data: [data] });
    bad(custom({ type: 'level', value: 256 }), RangeError);
    bad(custom({ type: 'level', value: '1' }), TypeError);
    bad(custom({ type: 'keyword_any', value: -1n }), RangeError);
    bad(custom({ type: 'keyword_any', value: 1n << 64n }), RangeError);
    bad(custom({ type: 'keyword_all', value: 1.5 }), RangeError);
    bad(custom({ type: 'string', value: [] }), RangeError);
    bad(custom({ type: 'string', value: ['a', ''] }), RangeError);
    bad(custom({ type: 'string', value: 'a\0b' }), RangeError);
    bad(custom({ type: 'binary', value: [1, 2] }), TypeError);
    bad(custom({ type: 'binary', value: Buffer.alloc(1025) }), /at most 1024 bytes/);
    bad(custom({ type: 'text', value: 'x' }), RangeError);
    bad(custom(null), TypeError);
  });
});

describe('configuration: core fields', () => {
  it('reads the core record with tokens, the interactive bit apart, and empty strings for null', () => {
    const raw = { core: rawCore({ serviceType: 0x110, loadOrderGroup: null, account: null, binaryPath: null }), levels: { 1: null, 7: 5000 } };
    assert.deepEqual(configuration.configurationFromRaw(raw, scm.CONFIGURATION_FIELDS, 'svc'), {
      command: '', displayName: 'Shown', serviceType: 'win32_own_process', interactive: true, startType: 'demand_start',
      errorControl: 'normal', loadOrderGroup: '', dependencies: [], account: '', description: '', preshutdownTimeout: 5000,
    });
  });

  it('keeps unknown numbers without the interactive bit, and falls back to the key name for a missing display name', () => {
    const raw = { core: rawCore({ serviceType: 0x150, startType: 9, errorControl: 7, displayName: '' }), levels: {} };
    const record = configuration.configurationFromRaw(raw, ['serviceType', 'interactive', 'startType', 'errorControl', 'displayName'], 'svc');
    assert.deepEqual(record, { serviceType: 0x50, interactive: true, startType: 9, errorControl: 7, displayName: 'svc' });
    assert.deepEqual(configuration.configurationFromRaw({ core: rawCore({ displayName: null }), levels: {} }, ['displayName'], 'k'), { displayName: 'k' });
  });

  it('returns only the asked fields', () => {
    const raw = { core: rawCore(), levels: { 1: 'd' } };
    assert.deepEqual(configuration.configurationFromRaw(raw, ['description', 'account'], 'svc'), { account: 'LocalSystem', description: 'd' });
    assert.deepEqual(configuration.configurationFromRaw({ levels: { 7: 1 } }, ['preshutdownTimeout'], 'svc'), { preshutdownTimeout: 1 });
  });

  it('prepares changes: omitted fields stay null (SERVICE_NO_CHANGE), empty ones are kept', () => {
    const none = configuration.prepareChanges({});
    assert.deepEqual(none, { core: null, levels: [], commandObject: null, clearPrivileges: false });
    const only2 = configuration.prepareChanges({ description: 'x' });
    assert.equal(only2.core, null);
    const { core } = configuration.prepareChanges({ dependencies: [], loadOrderGroup: '', startType: 'disabled', password: '' });
    assert.deepEqual(core, {
      serviceType: null, interactive: null, startType: 4, errorControl: null, binaryPath: null, loadOrderGroup: '',
      dependencies: [], account: null, password: '', displayName: null,
    });
  });

  it('quotes a { path, args } command for the type given, or leaves it for the current type', () => {
    const own = configuration.prepareChanges({ command: { path: 'C:\\Program Files\\a.exe', args: ['x y'] }, serviceType: 'win32_share_process' });
    assert.equal(own.core.binaryPath, '"C:\\Program Files\\a.exe" "x y"');
    assert.equal(own.core.serviceType, 0x20);
    const driver = configuration.prepareChanges({ command: { path: 'System32\\drivers\\my driver.sys' }, serviceType: 'kernel_driver' });
    assert.equal(driver.core.binaryPath, 'System32\\drivers\\my driver.sys');
    const later = configuration.prepareChanges({ command: { path: 'C:\\a b\\x.exe' } });
    assert.deepEqual(later.commandObject, { path: 'C:\\a b\\x.exe' });
    assert.notEqual(later.core, null);
    assert.equal(configuration.prepareChanges({ command: '"C:\\a b\\x.exe" raw' }).core.binaryPath, '"C:\\a b\\x.exe" raw');
  });

  it('takes back a whole record as read, with numbers where tokens are unknown', () => {
    const record = configuration.configurationFromRaw({ core: rawCore({ serviceType: 0x150, dependencies: ['RpcSs', '+Grp'] }), levels: { 1: '', 7: 10 } },
      scm.CONFIGURATION_FIELDS, 'svc');
    const { core, levels } = configuration.prepareChanges(record);
    assert.deepEqual(core, {
      serviceType: 0x50, interactive: true, startType: 3, errorControl: 1, binaryPath: 'C:\\svc.exe', loadOrderGroup: '',
      dependencies: ['RpcSs', '+Grp'], account: 'LocalSystem', password: null, displayName: 'Shown',
    });
    assert.deepEqual(levels, [{ level: 1, value: '' }, { level: 7, value: 10 }]);
  });

  it('rejects bad changes with TypeError or RangeError', () => {
    const bad = (changes, type) => assert.throws(() => configuration.prepareChanges(changes), type, JSON.stringify(changes));
    bad(null, TypeError);
    bad([], TypeError);
    bad({ system: 'host' }, /unknown field 'system'/);
    bad({ startTyp: 'auto_start' }, RangeError);
    bad({ serviceType: 'daemon' }, RangeError);
    bad({ serviceType: 0x110 }, /SERVICE_INTERACTIVE_PROCESS/);
    bad({ serviceType: 'win32_own_process', startType: 'boot_start' }, /only valid for drivers/);
    bad({ serviceType: 'kernel_driver', interactive: true }, /only valid for Win32 services/);
    bad({ interactive: true, account: 'NT AUTHORITY\\LocalService' }, /requires the LocalSystem account/);
    bad({ interactive: 'yes' }, TypeError);
    bad({ errorControl: 4.5 }, RangeError);
    bad({ dependencies: 'RpcSs' }, TypeError);
    bad({ displayName: '' }, RangeError);
    bad({ command: 42 }, TypeError);
    bad({ command: { path: 'C:\\d.sys', args: ['x'] }, serviceType: 'kernel_driver' }, /takes no command arguments/);
    bad({ password: 7 }, TypeError);
  });
});

describe('configuration: public functions validate before any native call', () => {
  it('getServiceConfiguration checks name, fields and options', async () => {
    await assert.rejects(scm.getServiceConfiguration(''), RangeError);
    await assert.rejects(scm.getServiceConfiguration('svc', { fields: ['colour'] }), RangeError);
    await assert.rejects(scm.getServiceConfiguration('svc', { fields: 'description' }), TypeError);
    assert.throws(() => scm.getServiceConfigurationSync('svc', { fields: [1] }), TypeError);
    assert.throws(() => scm.getServiceConfigurationSync('svc', 'x'), TypeError);
    if (PASSES) {
      await assert.rejects(scm.getServiceConfiguration('svc', { fields: ['description', 'command'] }), PASSES);
      assert.throws(() => scm.getServiceConfigurationSync('svc'), PASSES);
    }
  });

  it('setServiceConfiguration and createService check every field first', async () => {
    await assert.rejects(scm.setServiceConfiguration('svc', { triggers: [{ type: 'custom', action: 'start', subtype: 'x' }] }), RangeError);
    await assert.rejects(scm.setServiceConfiguration('svc', { delayedAutoStart: 'true' }), TypeError);
    await assert.rejects(scm.setServiceConfiguration('svc', {}, { system: 5 }), TypeError);
    await assert.rejects(scm.createService('svc', 'C:\\x.exe', { sidType: 'all' }), RangeError);
    await assert.rejects(scm.createService('svc', 'C:\\x.exe', { failureActions: { resetPeriod: 1, actions: [{ type: 'restart', delay: -1 }] } }), RangeError);
    await assert.rejects(scm.createService('svc', 'C:\\x.exe', { requiredPrivileges: [5] }), TypeError);
    if (PASSES) {
      await assert.rejects(scm.setServiceConfiguration('svc', { description: '', triggers: [], dependencies: [] }), PASSES);
      await assert.rejects(scm.createService('svc', 'C:\\x.exe', { delayedAutoStart: true, triggers: [{ type: 'domain_join', action: 'start', subtype: 'domain_leave' }] }), PASSES);
    }
  });

  it('the security functions check name, SDDL string and parts', async () => {
    await assert.rejects(scm.getServiceSecurity('svc', { sacl: 'yes' }), TypeError);
    await assert.rejects(scm.setServiceSecurity('svc', ''), RangeError);
    await assert.rejects(scm.setServiceSecurity('svc', 42), TypeError);
    await assert.rejects(scm.setServiceSecurity('svc', 'D:', { dacl: false }), /at least one part/);
    await assert.rejects(scm.setServiceSecurity('svc', 'D:', { owner: 1 }), TypeError);
    if (PASSES) {
      await assert.rejects(scm.getServiceSecurity('svc', { sacl: true }), PASSES);
      await assert.rejects(scm.setServiceSecurity('svc', 'D:(A;;RPWPLC;;;BU)'), PASSES);
    }
  });
});
