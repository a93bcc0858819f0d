'use strict';
// Section 7: a service's configuration and security descriptor. Create a service with options,
// read its configuration back, change some fields and see that only those changed, then the
// levels and descriptors that Wine does not implement (shown as Wine answers them), and delete it.
const { inline } = require('./support');

// The program is never started here, so it need not exist; the spaces show the quoting.
const PROGRAM_FILES = process.env.ProgramFiles || 'C:\\Program Files';
const PROGRAM = `${PROGRAM_FILES}\\scm-native tour\\config-demo.exe`;

/** The config-2 levels Wine 8 answers with ERROR_INVALID_LEVEL (docs/wine.md). */
const WINE_LACKS = ['failureActions', 'failureActionsOnNonCrashFailures', 'delayedAutoStart', 'sidType', 'requiredPrivileges', 'triggers', 'launchProtected'];

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The ACEs of an SDDL string as { type, rights (two-letter codes), trustee }. */
function aces(sddl) {
  return [...sddl.matchAll(/\(([^;()]*);([^;()]*);([^;()]*);([^;()]*);([^;()]*);([^;()]*)\)/g)]
    .map((m) => ({ type: m[1], rights: (m[3].match(/../g) || []).sort().join(''), trustee: m[6] }));
}

async function configuration(t, name) {
  const { scm } = t;
  const displayName = `scm-native tour config demo (${t.runId})`;
  const description = 'Created by the scm-native tour to show getServiceConfiguration and setServiceConfiguration.';
  const command = { path: PROGRAM, args: ['--mode', 'first run', '--data', 'C:\\tour data\\'] };

  t.say('Create a service with some options: display name, description, a preshutdown timeout');
  t.say('(both are ChangeServiceConfig2W levels, applied right after CreateServiceW), demand start:');
  await t.call([
    `await scm.createService('${name}',`,
    `  ${inline(command)},`,
    `  { displayName: '${displayName}', startType: 'demand_start',`,
    '    description: \'Created by the scm-native tour ...\', preshutdownTimeout: 30000 })',
  ].join('\n'), () => scm.createService(name, command, { displayName, description, startType: 'demand_start', preshutdownTimeout: 30000 }));

  t.say();
  t.say('Read the whole configuration back (QueryServiceConfigW + one QueryServiceConfig2W per level):');
  const { value: before } = await t.call(`await scm.getServiceConfiguration('${name}')`, () => scm.getServiceConfiguration(name), { show: false });
  t.fields(before);
  t.check(before.command === scm.quoteCommandLine([command.path, ...command.args]), `command ${before.command}`);
  t.check(same(scm.parseCommandLine(before.command), [command.path, ...command.args]), 'the command line does not split back into path and args');
  t.check(before.displayName === displayName && before.description === description, 'display name or description differ');
  t.check(before.startType === 'demand_start' && before.preshutdownTimeout === 30000, `startType ${before.startType}, preshutdownTimeout ${before.preshutdownTimeout}`);
  t.check(before.serviceType === 'win32_own_process' && before.account === 'LocalSystem' && before.errorControl === 'normal',
    `defaults: ${before.serviceType}, ${before.account}, ${before.errorControl}`);

  const missing = scm.CONFIGURATION_FIELDS.filter((field) => !(field in before));
  t.say();
  if (missing.length === 0) {
    t.say('Every field of CONFIGURATION_FIELDS is there: this system implements every level.');
  } else {
    t.say(`Left out: ${missing.join(', ')}.`);
    t.say('Without `fields`, a level the system answers with ERROR_INVALID_LEVEL is left out rather than');
    t.say(`failing the call${t.underWine ? ': Wine 8 implements only the description and preshutdown levels' : ''}.`);
  }
  if (t.underWine) t.check(same(missing, WINE_LACKS), `under Wine, expected ${WINE_LACKS.join(', ')} to be left out, got ${missing.join(', ')}`);

  t.say();
  t.say('Change some fields; the others are not touched (ChangeServiceConfigW with SERVICE_NO_CHANGE,');
  t.say('then ChangeServiceConfig2W for the description and the preshutdown timeout):');
  const changes = {
    command: { path: PROGRAM, args: ['--mode', 'second run'] },
    startType: 'disabled',
    errorControl: 'ignore',
    description: 'Changed by setServiceConfiguration.',
    preshutdownTimeout: 60000,
  };
  await t.call(`await scm.setServiceConfiguration('${name}', ${inline(changes)})`, () => scm.setServiceConfiguration(name, changes));
  const { value: after } = await t.call(`await scm.getServiceConfiguration('${name}')`, () => scm.getServiceConfiguration(name), { show: false });
  const expected = { ...before, ...changes, command: scm.quoteCommandLine([changes.command.path, ...changes.command.args]) };
  t.table(Object.keys(after).map((field) => ({ field, before: before[field], after: after[field] })), [
    ['FIELD', (r) => r.field],
    ['CHANGED', (r) => (same(r.before, r.after) ? '' : 'yes')],
    ['NOW', (r) => inline(r.after)],
  ]);
  for (const field of Object.keys(expected)) {
    t.check(same(after[field], expected[field]), `${field} is ${inline(after[field])}, expected ${inline(expected[field])}`);
  }
  t.check(same(Object.keys(after), Object.keys(before)), 'the set of fields read changed');

  t.say();
  t.say('`fields` reads only what is named (and makes only the calls those need); the Sync twin is the same:');
  const { value: some } = await t.call(`scm.getServiceConfigurationSync('${name}', { fields: ['startType', 'description'] })`,
    () => scm.getServiceConfigurationSync(name, { fields: ['startType', 'description'] }));
  t.check(same(some, { startType: 'disabled', description: changes.description }), `read ${inline(some)}`);

  t.say();
  if (t.underWine) {
    t.say('What Wine does with the levels it lacks. Naming one in `fields` is an error, not an omission:');
    await t.expectError(`await scm.getServiceConfiguration('${name}', { fields: ['delayedAutoStart'] })`,
      () => scm.getServiceConfiguration(name, { fields: ['delayedAutoStart'] }), { code: 'ERROR_INVALID_LEVEL' });
    t.say('Setting it fails the same way (the core fields and earlier levels of the same call stay applied):');
    await t.expectError(`await scm.setServiceConfiguration('${name}', { delayedAutoStart: true })`,
      () => scm.setServiceConfiguration(name, { delayedAutoStart: true }), { code: 'ERROR_INVALID_LEVEL' });
    t.say('Failure actions: Wine answers success, stores nothing, and cannot read them back:');
    const failureActions = { resetPeriod: 86400, actions: [{ type: 'restart', delay: 5000 }] };
    await t.call(`await scm.setServiceConfiguration('${name}', { failureActions: ${inline(failureActions)} })`,
      () => scm.setServiceConfiguration(name, { failureActions }));
    await t.expectError(`await scm.getServiceConfiguration('${name}', { fields: ['failureActions'] })`,
      () => scm.getServiceConfiguration(name, { fields: ['failureActions'] }), { code: 'ERROR_INVALID_LEVEL' });
  } else {
    t.say('The recovery settings (failure actions): restart after 5 s, then after 60 s; reset the count after a day:');
    const failureActions = { resetPeriod: 86400, actions: [{ type: 'restart', delay: 5000 }, { type: 'restart', delay: 60000 }] };
    await t.call(`await scm.setServiceConfiguration('${name}', { failureActions: ${inline(failureActions)} })`,
      () => scm.setServiceConfiguration(name, { failureActions }));
    const { value: read } = await t.call(`await scm.getServiceConfiguration('${name}', { fields: ['failureActions', 'delayedAutoStart', 'sidType'] })`,
      () => scm.getServiceConfiguration(name, { fields: ['failureActions', 'delayedAutoStart', 'sidType'] }));
    t.check(same(read.failureActions, { ...failureActions, rebootMessage: '', command: '' }), `failure actions ${inline(read.failureActions)}`);
  }
}

async function security(t, name) {
  const { scm } = t;
  t.say('The security descriptor, as SDDL (QueryServiceObjectSecurity: owner, group, DACL):');
  const { value: sddl } = await t.call(`await scm.getServiceSecurity('${name}')`, () => scm.getServiceSecurity(name));
  t.check(typeof sddl === 'string' && sddl.includes('D:'), `no DACL in ${inline(sddl)}`);
  if (t.underWine) t.say("Wine's service security descriptors are stubs: an empty DACL, and nothing else.");
  const dacl = sddl.slice(sddl.indexOf('D:'));

  t.say();
  t.say('Let Builtin Users start, stop and query this one service: add the ACE (A;;RPWPLC;;;BU) to the DACL');
  t.say('(A = allow, RP = SERVICE_START, WP = SERVICE_STOP, LC = SERVICE_QUERY_STATUS):');
  const granted = `${dacl}(A;;RPWPLC;;;BU)`;
  await t.call(`await scm.setServiceSecurity('${name}', '${granted}')`, () => scm.setServiceSecurity(name, granted));
  const { value: now } = await t.call(`await scm.getServiceSecurity('${name}')`, () => scm.getServiceSecurity(name));
  const forUsers = aces(now).filter((ace) => ace.trustee === 'BU');
  if (t.underWine) {
    t.say('Under Wine the call succeeds and changes nothing (the stub again); on Windows the ACE reads back.');
    t.check(now === sddl, 'the Wine stub changed');
  } else {
    t.check(forUsers.length === 1 && forUsers[0].type === 'A' && forUsers[0].rights === 'LCRPWP', `ACEs for BU: ${inline(forUsers)}`);
    t.say('Put the DACL back as it was:');
    await t.call(`await scm.setServiceSecurity('${name}', dacl)`, () => scm.setServiceSecurity(name, dacl));
    t.check((await scm.getServiceSecurity(name)) === sddl, 'the descriptor did not return to what it was');
  }

  t.say();
  t.say('The SDDL is converted, and so checked, before the SCM is contacted: a bad string is a RangeError.');
  await t.expectError(`await scm.setServiceSecurity('${name}', 'D:(A;;XX;;;BU)')`,
    () => scm.setServiceSecurity(name, 'D:(A;;XX;;;BU)'), { type: RangeError });
}

module.exports = {
  title: 'Configuration and security (getServiceConfiguration, setServiceConfiguration, getServiceSecurity)',
  admin: true,
  async run(t) {
    const { scm } = t;
    const name = t.serviceName('config');
    t.deferDelete(name); // only if a step below fails before the deletion
    await configuration(t, name);
    t.say();
    await security(t, name);

    t.say();
    t.say('Delete it:');
    await t.call(`await scm.deleteService('${name}')`, () => scm.deleteService(name));
    const { value: exists } = await t.call(`await scm.serviceExists('${name}')`, () => scm.serviceExists(name));
    t.check(exists === false, 'the service still exists after deleteService');
  },
};
