'use strict';
// Service configuration against a real SCM. Under Wine the core settings and the two levels
// Wine implements (description, preshutdown timeout) round-trip; for the other levels Wine's own
// answers are asserted, and their real behaviour is tested on Windows only.
const scm = require('../..');
const { assert, deleteQuietly, itWindowsOnly, rejectsWithCode, underWine, uniqueServiceName } = require('../support/scm');

/** A test of what Wine itself answers; on Windows the same calls succeed (see the Windows-only tests). */
function itUnderWine(title, fn) {
  return underWine ? it(`${title} [Wine behaviour]`, fn) : it.skip(`${title} [Wine behaviour]`, fn);
}

const WINE_LEVELS = 'Wine 8 fails this config-2 level with ERROR_INVALID_LEVEL';
const CORE_FIELDS = ['command', 'displayName', 'serviceType', 'interactive', 'startType', 'errorControl', 'loadOrderGroup', 'dependencies', 'account'];
const WINE_FIELDS = [...CORE_FIELDS, 'description', 'preshutdownTimeout'];
const UNIMPLEMENTED_BY_WINE = ['failureActions', 'failureActionsOnNonCrashFailures', 'delayedAutoStart', 'sidType', 'requiredPrivileges', 'triggers', 'launchProtected'];

describe('service configuration', function () {
  this.timeout(60000);
  const created = [];
  after(() => deleteQuietly(scm, created));

  async function create(tag, command, options = {}) {
    const name = uniqueServiceName(tag);
    created.push(name);
    await scm.createService(name, command, { startType: 'demand_start', ...options });
    return name;
  }

  it('createService options read back through getServiceConfiguration', async () => {
    const path = 'C:\\Program Files\\scmn test\\svc.exe';
    const args = ['--name', 'a b', 'say "hi"', 'C:\\dir\\'];
    const name = await create('cfg', { path, args }, {
      displayName: `${uniqueServiceName('shown')} display`, interactive: true, errorControl: 'severe',
      loadOrderGroup: 'scmn-group', description: 'A scm-native test service', preshutdownTimeout: 45000,
    });
    const config = await scm.getServiceConfiguration(name, { fields: WINE_FIELDS });
    assert.deepEqual(Object.keys(config), WINE_FIELDS);
    assert.equal(config.command, scm.quoteCommandLine([path, ...args]));
    assert.deepEqual(scm.parseCommandLine(config.command), [path, ...args]);
    assert.match(config.displayName, / display$/);
    assert.deepEqual({ ...config, command: undefined, displayName: undefined }, {
      command: undefined, displayName: undefined, serviceType: 'win32_own_process', interactive: true, startType: 'demand_start',
      errorControl: 'severe', loadOrderGroup: 'scmn-group', dependencies: [], account: 'LocalSystem',
      description: 'A scm-native test service', preshutdownTimeout: 45000,
    });

    const other = await create('cfg2', 'C:\\scmn\\raw.exe -x', {
      serviceType: 'win32_share_process', startType: 'disabled', errorControl: 'ignore', account: 'NT AUTHORITY\\LocalService', password: '',
    });
    assert.deepEqual(await scm.getServiceConfiguration(other, { fields: ['command', 'serviceType', 'interactive', 'startType', 'errorControl', 'account', 'description', 'loadOrderGroup'] }), {
      command: 'C:\\scmn\\raw.exe -x', serviceType: 'win32_share_process', interactive: false, startType: 'disabled', errorControl: 'ignore',
      loadOrderGroup: '', account: 'NT AUTHORITY\\LocalService', description: '',
    });
  });

  it('options.fields limits the result, and the Sync twin reads the same', async () => {
    const name = await create('fields', { path: 'C:\\scmn\\f.exe' }, { description: 'only this' });
    assert.deepEqual(await scm.getServiceConfiguration(name, { fields: ['description'] }), { description: 'only this' });
    assert.deepEqual(await scm.getServiceConfiguration(name, { fields: ['account', 'command'] }), { command: 'C:\\scmn\\f.exe', account: 'LocalSystem' });
    assert.deepEqual(await scm.getServiceConfiguration(name, { fields: [] }), {});
    assert.deepEqual(scm.getServiceConfigurationSync(name), await scm.getServiceConfiguration(name));
    assert.deepEqual(scm.getServiceConfigurationSync(name, { fields: ['preshutdownTimeout'] }), await scm.getServiceConfiguration(name, { fields: ['preshutdownTimeout'] }));
  });

  it('without options.fields, every field this system implements is read', async () => {
    const name = await create('all', { path: 'C:\\scmn\\all.exe' });
    const config = await scm.getServiceConfiguration(name);
    // Wine answers the other levels with ERROR_INVALID_LEVEL: they are left out, not an error.
    assert.deepEqual(Object.keys(config), underWine ? WINE_FIELDS : scm.CONFIGURATION_FIELDS);
  });

  it('setServiceConfiguration changes each field and leaves the others unchanged', async () => {
    const name = await create('set', { path: 'C:\\scmn\\a.exe' }, { displayName: `${uniqueServiceName('shown')} set` });
    let expected = await scm.getServiceConfiguration(name);
    const steps = [
      { command: '"C:\\scmn dir\\b.exe" --raw' },
      { command: { path: 'C:\\scmn dir\\c.exe', args: ['x y', 'tail\\'] } },
      { displayName: `${uniqueServiceName('shown')} renamed` },
      { serviceType: 'win32_share_process' },
      { interactive: true },
      { serviceType: 'win32_own_process' },
      { interactive: false },
      { startType: 'disabled' },
      { startType: 'auto_start', errorControl: 'ignore' },
      { loadOrderGroup: 'scmn-group' },
      { loadOrderGroup: '' },
      { account: 'NT AUTHORITY\\LocalService', password: '' },
      { description: 'described' },
      { description: '' },
      { preshutdownTimeout: 1234 },
      {},
    ];
    for (const change of steps) {
      await scm.setServiceConfiguration(name, change);
      const { password, ...visible } = change;
      if (typeof visible.command === 'object') visible.command = scm.quoteCommandLine([visible.command.path, ...visible.command.args]);
      expected = { ...expected, ...visible };
      assert.deepEqual(await scm.getServiceConfiguration(name), expected, `after ${JSON.stringify(change)}`);
    }
    assert.equal(expected.interactive, false, 'the interactive flag survived type changes as set');
  });

  it('get -> set(the same record) -> get is the identity', async () => {
    const name = await create('identity', { path: 'C:\\Program Files\\scmn\\id.exe', args: ['--x', 'y z'] }, {
      displayName: `${uniqueServiceName('shown')} identity`, description: 'same', preshutdownTimeout: 5000, loadOrderGroup: 'scmn-group',
      errorControl: 'critical',
    });
    const before = await scm.getServiceConfiguration(name);
    await scm.setServiceConfiguration(name, before);
    assert.deepEqual(await scm.getServiceConfiguration(name), before);
  });

  it('failures are ScmError with codes, and a password never appears in one', async () => {
    const missing = uniqueServiceName('missing');
    await assert.rejects(scm.getServiceConfiguration(missing), (error) => {
      assert.ok(error instanceof scm.ScmError);
      assert.equal(error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
      assert.equal(error.errno, 1060);
      assert.equal(error.syscall, 'OpenServiceW');
      assert.equal(error.service, missing);
      return true;
    });
    assert.throws(() => scm.getServiceConfigurationSync(missing), { code: 'ERROR_SERVICE_DOES_NOT_EXIST', errno: 1060 });
    await assert.rejects(scm.setServiceConfiguration(missing, { account: '.\\someone', password: 'Secret-Pw-4711' }), (error) => {
      assert.equal(error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
      assert.doesNotMatch(`${error.message} ${error.stack}`, /Secret-Pw-4711/);
      return true;
    });
    // The SCM refuses an interactive service that does not run as LocalSystem.
    const name = await create('badset', { path: 'C:\\scmn\\x.exe' }, { account: 'NT AUTHORITY\\LocalService', password: '' });
    await assert.rejects(scm.setServiceConfiguration(name, { interactive: true }), { code: 'ERROR_INVALID_PARAMETER', errno: 87, syscall: 'ChangeServiceConfigW' });
    assert.equal((await scm.getServiceConfiguration(name, { fields: ['interactive'] })).interactive, false);
  });

  it('the native layer rejects malformed calls with TypeError, never a crash', async () => {
    const { binding } = require('../../binding');
    const name = await create('abuse', { path: 'C:\\scmn\\x.exe' });
    const typeErrors = [
      () => binding.queryConfigSync(null, null, name, 'yes', [], false),
      () => binding.queryConfigSync(null, null, name, true, [99], false),
      () => binding.queryConfigSync(null, null, name, true, 'all', false),
      () => binding.changeConfig(null, null, name, { serviceType: -1 }, []),
      () => binding.changeConfig(null, null, name, { dependencies: 'RpcSs' }, []),
      () => binding.changeConfig(null, null, name, null, [{ level: 2, value: { resetPeriod: 0, actions: [{ type: 1 }] } }]),
      () => binding.changeConfig(null, null, name, null, [{ level: 8, value: [{ type: 1, action: 1, subtype: new Uint8Array(15), data: [] }] }]),
      () => binding.changeConfig(null, null, name, null, [{ level: 8, value: [{ type: 1, action: 1, subtype: null, data: [{ type: 1, bytes: [1] }] }] }]),
      () => binding.changeConfig(null, null, name, null, [{ level: 8, value: [{ type: 1, action: 1, subtype: null, data: [{ type: 1, bytes: new Uint8Array(1025) }] }] }]),
      () => binding.changeConfig(null, null, name, null, [{ level: 6, value: ['a\0b'] }]),
      () => binding.changeConfig(null, null, name, null, [{ level: 9, value: 1 }]),
      () => binding.changeConfig(null, null, name, null, {}),
      () => binding.querySecurity(null, null, name, 0),
      () => binding.setSecurity(null, null, name, 'D:', 16),
    ];
    for (const call of typeErrors) assert.throws(call, TypeError, String(call));
    assert.throws(() => binding.setSecurity(null, null, name, 'D:(', 4), RangeError);
    // Nothing above reached the SCM: the service is as created.
    assert.equal((await scm.getServiceConfiguration(name, { fields: ['command'] })).command, 'C:\\scmn\\x.exe');
  });

  itUnderWine('naming a level Wine lacks rejects with ERROR_INVALID_LEVEL (124); left out otherwise', async () => {
    const name = await create('winelevels', { path: 'C:\\scmn\\w.exe' });
    for (const field of UNIMPLEMENTED_BY_WINE) {
      await assert.rejects(scm.getServiceConfiguration(name, { fields: [field] }), { code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: 'QueryServiceConfig2W' }, field);
    }
    for (const change of [{ delayedAutoStart: true }, { failureActionsOnNonCrashFailures: true }, { sidType: 'unrestricted' }, { requiredPrivileges: ['SeChangeNotifyPrivilege'] }]) {
      await assert.rejects(scm.setServiceConfiguration(name, change), { code: 'ERROR_INVALID_LEVEL', syscall: 'ChangeServiceConfig2W' }, JSON.stringify(change));
    }
    // Wine's TRIGGER_INFO and LAUNCH_PROTECTED setters fail in its RPC marshalling.
    await rejectsWithCode(scm.setServiceConfiguration(name, { triggers: [] }), 'RPC_S_INVALID_TAG');
    await rejectsWithCode(scm.setServiceConfiguration(name, { launchProtected: 'none' }), 'RPC_S_INVALID_TAG');
    // FAILURE_ACTIONS: Wine returns success and stores nothing.
    await scm.setServiceConfiguration(name, { failureActions: { resetPeriod: 60, actions: [{ type: 'restart', delay: 1000 }] } });
    await rejectsWithCode(scm.getServiceConfiguration(name, { fields: ['failureActions'] }), 'ERROR_INVALID_LEVEL');
  });

  it('a description of 4091 characters reads back; 4092 is refused before the SCM (8 KB query limit)', async () => {
    const name = await create('longdesc', { path: 'C:\\scmn\\d.exe' }, { description: 'd'.repeat(4091) });
    assert.equal((await scm.getServiceConfiguration(name, { fields: ['description'] })).description, 'd'.repeat(4091));
    await assert.rejects(scm.setServiceConfiguration(name, { description: 'e'.repeat(4092) }), RangeError);
    assert.equal((await scm.getServiceConfiguration(name, { fields: ['description'] })).description, 'd'.repeat(4091), 'unchanged');
    const refused = uniqueServiceName('longdesc');
    await assert.rejects(scm.createService(refused, 'C:\\scmn\\d.exe', { description: 'e'.repeat(4092) }), RangeError);
    assert.equal(await scm.serviceExists(refused), false);
  });

  itUnderWine('QueryServiceConfigW reports no dependencies under Wine', async () => {
    const name = await create('winedeps', { path: 'C:\\scmn\\d.exe' }, { dependencies: ['RpcSs'] });
    assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['dependencies'] })).dependencies, []);
  });

  itUnderWine('createService deletes the new service again when a config-2 step fails', async () => {
    for (const [options, code] of [[{ description: 'set first', delayedAutoStart: true }, 'ERROR_INVALID_LEVEL'],
      [{ triggers: [{ type: 'domain_join', action: 'start', subtype: 'domain_join' }] }, 'RPC_S_INVALID_TAG']]) {
      const name = uniqueServiceName('rollback');
      created.push(name);
      await assert.rejects(scm.createService(name, 'C:\\scmn\\r.exe', options), { code, syscall: 'ChangeServiceConfig2W', service: name });
      assert.equal(await scm.serviceExists(name), false, `${name} was deleted`);
    }
  });

  itWindowsOnly('createService applies every optional setting, read back in full', WINE_LEVELS, async () => {
    const settings = {
      description: 'all of it',
      failureActions: { resetPeriod: 3600, rebootMessage: 'scm-native test', command: 'C:\\scmn\\on-failure.exe --count %1%',
        actions: [{ type: 'restart', delay: 60000 }, { type: 'run_command', delay: 1000 }, { type: 'reboot', delay: 600000 }, { type: 'none', delay: 0 }] },
      failureActionsOnNonCrashFailures: true,
      delayedAutoStart: true,
      sidType: 'unrestricted',
      requiredPrivileges: ['SeChangeNotifyPrivilege', 'SeCreateGlobalPrivilege'],
      preshutdownTimeout: 20000,
      triggers: [{ type: 'ip_address_availability', action: 'start', subtype: 'first_ip_address_arrival', data: [] }],
      launchProtected: 'none',
    };
    const name = await create('full', { path: 'C:\\scmn\\full.exe' }, { startType: 'auto_start', dependencies: ['RpcSs', 'EventLog'], ...settings });
    const config = await scm.getServiceConfiguration(name);
    assert.deepEqual(Object.keys(config), scm.CONFIGURATION_FIELDS);
    for (const [field, value] of Object.entries(settings)) assert.deepEqual(config[field], value, field);
    assert.deepEqual(config.dependencies, ['RpcSs', 'EventLog']);
  }, { rejects: { code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: 'ChangeServiceConfig2W' } }); // the first level Wine lacks; createService rolls back

  itWindowsOnly('dependencies read back, and [] clears them', 'Wine\'s QueryServiceConfigW returns no dependencies', async () => {
    const name = await create('deps', { path: 'C:\\scmn\\d.exe' }, { dependencies: ['RpcSs'] });
    assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['dependencies'] })).dependencies, ['RpcSs']);
    await scm.setServiceConfiguration(name, { dependencies: ['RpcSs', 'EventLog'] });
    assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['dependencies'] })).dependencies, ['RpcSs', 'EventLog']);
    await scm.setServiceConfiguration(name, { description: 'deps untouched' });
    assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['dependencies'] })).dependencies, ['RpcSs', 'EventLog']);
    await scm.setServiceConfiguration(name, { dependencies: [] });
    assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['dependencies'] })).dependencies, []);
  }, { rejects: { name: 'AssertionError', actual: [], expected: ['RpcSs'] } }); // stored (apply.test.js sees them work), never read back

  itWindowsOnly('failure actions and the non-crash flag round-trip; actions: [] deletes them', 'Wine stores no failure actions and lacks the flag level', async () => {
    const name = await create('failure', { path: 'C:\\scmn\\f.exe' });
    const read = async () => scm.getServiceConfiguration(name, { fields: ['failureActions', 'failureActionsOnNonCrashFailures'] });
    assert.deepEqual(await read(), { failureActions: { resetPeriod: 0, rebootMessage: '', command: '', actions: [] }, failureActionsOnNonCrashFailures: false });
    const failureActions = { resetPeriod: scm.INFINITE_RESET_PERIOD, rebootMessage: 'going down', command: 'C:\\scmn\\notify.exe',
      actions: [{ type: 'restart', delay: 5000 }, { type: 'reboot', delay: 60000 }, { type: 'run_command', delay: 0 }] };
    await scm.setServiceConfiguration(name, { failureActions, failureActionsOnNonCrashFailures: true });
    assert.deepEqual(await read(), { failureActions, failureActionsOnNonCrashFailures: true });
    await scm.setServiceConfiguration(name, { failureActions: { command: '' } });
    assert.deepEqual((await read()).failureActions, { ...failureActions, command: '' }, 'only the command changed');
    await scm.setServiceConfiguration(name, { failureActions: { actions: [], rebootMessage: '' }, failureActionsOnNonCrashFailures: false });
    assert.deepEqual(await read(), { failureActions: { resetPeriod: 0, rebootMessage: '', command: '', actions: [] }, failureActionsOnNonCrashFailures: false });
  }, { rejects: { code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: 'QueryServiceConfig2W' } }); // the very first read: FAILURE_ACTIONS_FLAG

  itWindowsOnly('delayedAutoStart, sidType, requiredPrivileges and preshutdownTimeout round-trip', WINE_LEVELS, async () => {
    const name = await create('levels', { path: 'C:\\scmn\\l.exe' }, { startType: 'auto_start' });
    const fields = ['delayedAutoStart', 'sidType', 'requiredPrivileges', 'preshutdownTimeout'];
    const first = { delayedAutoStart: true, sidType: 'restricted', requiredPrivileges: ['SeChangeNotifyPrivilege', 'SeImpersonatePrivilege'], preshutdownTimeout: 90000 };
    await scm.setServiceConfiguration(name, first);
    assert.deepEqual(await scm.getServiceConfiguration(name, { fields }), first);
    const second = { delayedAutoStart: false, sidType: 'none', requiredPrivileges: [], preshutdownTimeout: 0 };
    await scm.setServiceConfiguration(name, second);
    assert.deepEqual(await scm.getServiceConfiguration(name, { fields }), second);
  }, { rejects: { code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: 'ChangeServiceConfig2W' } });

  itWindowsOnly('triggers of every type, with data items, round-trip; [] deletes them', 'Wine fails TRIGGER_INFO with 1733 / 124', async () => {
    const name = await create('triggers', { path: 'C:\\scmn\\t.exe' });
    const triggers = [
      { type: 'device_interface_arrival', action: 'start', subtype: '53f56307-b6bf-11d0-94f2-00a0c91efb8b',
        data: [{ type: 'string', value: 'USBSTOR\\GenDisk' }] },
      { type: 'ip_address_availability', action: 'start', subtype: 'first_ip_address_arrival', data: [] },
      { type: 'ip_address_availability', action: 'stop', subtype: 'last_ip_address_removal', data: [] },
      { type: 'domain_join', action: 'start', subtype: 'domain_join', data: [] },
      { type: 'domain_join', action: 'stop', subtype: 'domain_leave', data: [] },
      { type: 'firewall_port_event', action: 'start', subtype: 'firewall_port_open', data: [{ type: 'string', value: ['5001', 'UDP'] }] },
      { type: 'firewall_port_event', action: 'stop', subtype: 'firewall_port_close', data: [{ type: 'string', value: ['5001', 'UDP'] }] },
      { type: 'group_policy', action: 'start', subtype: 'machine_policy_present', data: [] },
      { type: 'group_policy', action: 'start', subtype: 'user_policy_present', data: [] },
      { type: 'network_endpoint', action: 'start', subtype: 'named_pipe_event', data: [{ type: 'string', value: 'scmn-test-pipe' }] },
      { type: 'network_endpoint', action: 'start', subtype: 'rpc_interface_event', data: [{ type: 'string', value: '12345678-1234-abcd-ef00-0123456789ab' }] },
      { type: 'custom', action: 'start', subtype: '22222222-3333-4444-5555-666666666666', data: [
        { type: 'level', value: 4 },
        { type: 'keyword_any', value: 0x8000000000000010n },
        { type: 'keyword_all', value: 0x3n },
        { type: 'binary', value: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
      ] },
    ];
    await scm.setServiceConfiguration(name, { triggers });
    assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['triggers'] })).triggers, triggers);
    await scm.setServiceConfiguration(name, { triggers: [] });
    assert.deepEqual((await scm.getServiceConfiguration(name, { fields: ['triggers'] })).triggers, []);
    await scm.setServiceConfiguration(name, { triggers: [] }); // none left to delete: still fine
  }, { rejects: { code: 'RPC_S_INVALID_TAG', errno: 1733, syscall: 'ChangeServiceConfig2W' } }); // the structures built, refused by Wine's RPC marshalling

  itWindowsOnly('launchProtected reads none for an ordinary service', 'Wine lacks SERVICE_CONFIG_LAUNCH_PROTECTED', async () => {
    const name = await create('protected', { path: 'C:\\scmn\\p.exe' });
    assert.deepEqual(await scm.getServiceConfiguration(name, { fields: ['launchProtected'] }), { launchProtected: 'none' });
  }, { rejects: { code: 'ERROR_INVALID_LEVEL', errno: 124, syscall: 'QueryServiceConfig2W' } });

  itWindowsOnly('createService rolls back when a config-2 step fails (unknown privilege)', 'the privilege check happens in Windows\' SCM', async () => {
    const name = uniqueServiceName('rollback');
    created.push(name);
    await assert.rejects(scm.createService(name, 'C:\\scmn\\r.exe', { description: 'first', requiredPrivileges: ['SeNoSuchThingPrivilege'] }), (error) => {
      assert.ok(error instanceof scm.ScmError);
      assert.equal(error.syscall, 'ChangeServiceConfig2W');
      assert.notEqual(error.code, 'ERROR_INVALID_LEVEL', 'refused for the privilege, not for the level');
      return true;
    });
    assert.equal(await scm.serviceExists(name), false);
  }, { rejects: { name: 'AssertionError', actual: 'ERROR_INVALID_LEVEL', message: 'refused for the privilege, not for the level' } });
});
