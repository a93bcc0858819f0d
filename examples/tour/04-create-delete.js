'use strict';
// Section 4: a service's life cycle: create it, look at it, fail to start it, delete it.
const { inline } = require('./support');

// An existing folder (Program Files) and a program that is not there: StartServiceW fails the same
// way every time, and nothing runs. The spaces show the quoting createService does.
const PROGRAM_FILES = process.env.ProgramFiles || 'C:\\Program Files';
const MISSING_PROGRAM = `${PROGRAM_FILES}\\scm-native tour (not installed).exe`;

module.exports = {
  title: 'Creating, inspecting and deleting a service',
  admin: true,
  async run(t) {
    const { scm } = t;
    const name = t.serviceName('demo');
    const displayName = `scm-native tour demo (${t.runId})`;
    const command = { path: MISSING_PROGRAM, args: ['--greeting', 'hello world', '--data', 'C:\\tour data\\'] };

    t.say('A command given as { path, args } is quoted so that CommandLineToArgvW gives back exactly');
    t.say('[path, ...args]: no "unquoted service path" hole, and arguments with spaces survive.');
    const { value: commandLine } = await t.call('scm.quoteCommandLine([command.path, ...command.args])',
      () => scm.quoteCommandLine([command.path, ...command.args]));
    const { value: parsed } = await t.call('scm.parseCommandLine(commandLine)', () => scm.parseCommandLine(commandLine));
    t.check(JSON.stringify(parsed) === JSON.stringify([command.path, ...command.args]), 'quoting did not round-trip');

    t.say();
    t.say('Create it (demand start, so Windows never starts it on its own):');
    t.deferDelete(name); // only if a step below fails before the deletion
    const description = 'Created by the scm-native tour; deleted a moment later.';
    await t.call([
      `await scm.createService('${name}',`,
      `  ${inline(command)},`,
      `  { displayName: '${displayName}', startType: 'demand_start',`,
      `    description: '${description}' })`,
    ].join('\n'), () => scm.createService(name, command, { displayName, description, startType: 'demand_start' }));

    t.say();
    t.say('Its status and names:');
    const { value: status } = await t.call(`await scm.getServiceStatus('${name}')`, () => scm.getServiceStatus(name), { show: false });
    t.fields({ state: status.state, serviceType: status.serviceType, pid: status.pid, exitCode: status.exitCode });
    t.check(status.state === 'stopped' && status.serviceType === 'win32_own_process', `unexpected status ${status.state} ${status.serviceType}`);
    const { value: shown } = await t.call(`await scm.getServiceDisplayName('${name}')`, () => scm.getServiceDisplayName(name));
    t.check(shown === displayName, `display name ${shown}`);
    const { value: back } = await t.call(`await scm.getServiceInternalName('${displayName}')`, () => scm.getServiceInternalName(displayName));
    t.check(back === name, `internal name ${back}`);
    const { value: listed } = await t.call("(await scm.getMultipleServiceStatus()).find((s) => s.name === name)",
      async () => (await scm.getMultipleServiceStatus()).find((s) => s.name === name), { show: false });
    t.check(listed !== undefined, 'the new service is not listed');
    t.result(`{ name: '${listed.name}', state: '${listed.state}', displayName: '${listed.displayName}', ... }`);

    t.say();
    t.say('Creating it a second time is an ScmError:');
    await t.expectError(`await scm.createService('${name}', 'C:\\\\x.exe')`, () => scm.createService(name, 'C:\\x.exe'),
      { code: 'ERROR_SERVICE_EXISTS' });

    t.say();
    t.say('Starting it fails: its program does not exist. The SCM reports why:');
    const error = await t.expectError(`await scm.startService('${name}', { wait: 10000 })`,
      () => scm.startService(name, { wait: 10000 }), { code: 'ERROR_FILE_NOT_FOUND' });
    t.check(error.syscall === 'StartServiceW' && error.service === name, `syscall ${error.syscall}, service ${error.service}`);
    t.check((await scm.getServiceState(name)) === 'stopped', 'the service is not stopped after a failed start');

    t.say();
    t.say('Delete it, and it is gone:');
    await t.call(`await scm.deleteService('${name}')`, () => scm.deleteService(name));
    const { value: stillThere } = await t.call(`await scm.serviceExists('${name}')`, () => scm.serviceExists(name));
    t.check(stillThere === false, 'the service still exists after deleteService');
    await t.expectError(`await scm.getServiceStatus('${name}')`, () => scm.getServiceStatus(name),
      { code: 'ERROR_SERVICE_DOES_NOT_EXIST' });
  },
};
