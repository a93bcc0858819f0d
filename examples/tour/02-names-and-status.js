'use strict';
// Section 2: one service's names and full status record (read-only: works without elevation).

/** Spooler when there is one (Windows and Wine both have it), else the first running service. */
async function pickService(scm) {
  if (await scm.serviceExists('Spooler')) return 'Spooler';
  const running = await scm.getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'], state: 'active' });
  if (running.length === 0) throw new Error('no service to look at');
  return running[0].name;
}

module.exports = {
  title: 'Names and the status record',
  admin: false,
  async run(t) {
    const { scm } = t;
    const name = await pickService(scm);
    t.say('A service has an internal (key) name and a display name; these functions take either.');
    const { value: displayName } = await t.call(`await scm.getServiceDisplayName('${name.toLowerCase()}')`,
      () => scm.getServiceDisplayName(name.toLowerCase()));
    const { value: internal } = await t.call(`await scm.getServiceInternalName('${displayName}')`,
      () => scm.getServiceInternalName(displayName));
    t.check(internal === name, `internal name ${internal}, expected ${name}`);
    const { value: exists } = await t.call(`await scm.serviceExists('${displayName}')`, () => scm.serviceExists(displayName));
    t.check(exists === true, `serviceExists('${displayName}') is false`);

    t.say();
    t.say("getServiceStatus() is twapi's get_service_status record, camelCase (pid -1 = not running):");
    const { value: status } = await t.call(`await scm.getServiceStatus('${name}')`, () => scm.getServiceStatus(name), { show: false });
    t.fields(status);
    t.check(status.name === name && typeof status.pid === 'number', 'incomplete status record');
    t.say();
    t.say('Every query also has a synchronous twin:');
    await t.call(`scm.getServiceStateSync('${name}')`, () => scm.getServiceStateSync(name));
  },
};
