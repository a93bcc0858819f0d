'use strict';
// Section 1: every Win32 service on the machine, as one EnumServicesStatusExW call returns them.
const MAX_ROWS = 40;

module.exports = {
  title: 'Services on this machine',
  admin: false,
  async run(t) {
    const { scm } = t;
    t.say('getMultipleServiceStatus() returns one status record per service, display name included.');
    const { value: services } = await t.call(
      "scm.getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'] })",
      () => scm.getMultipleServiceStatus({ types: ['win32_own_process', 'win32_share_process'] }),
      { show: false },
    );
    const running = services.filter((s) => s.state === 'running').length;
    t.result(`${services.length} services, ${running} running, ${services.length - running} not running`);
    t.check(services.length > 0, 'the SCM listed no services');

    // Running services first, then by name; a real Windows machine has hundreds, so cut the list.
    const sorted = [...services].sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running')
      || a.name.localeCompare(b.name));
    t.say();
    t.table(sorted.slice(0, MAX_ROWS), [
      ['NAME', (s) => s.name],
      ['STATE', (s) => s.state],
      ['PID', (s) => (s.pid === -1 ? '-' : s.pid)],
      ['DISPLAY NAME', (s) => s.displayName],
    ]);
    if (sorted.length > MAX_ROWS) t.say(`  ... and ${sorted.length - MAX_ROWS} more`);

    t.say();
    t.say("Drivers are services too: filter by type, or by state ('active' = not stopped).");
    const { value: drivers } = await t.call(
      "scm.getMultipleServiceStatus({ types: ['kernel_driver', 'file_system_driver'], state: 'active' })",
      () => scm.getMultipleServiceStatus({ types: ['kernel_driver', 'file_system_driver'], state: 'active' }),
      { show: false },
    );
    t.result(`${drivers.length} active drivers${drivers.length ? `, e.g. ${drivers.slice(0, 3).map((d) => d.name).join(', ')}` : ''}`);
    t.check(drivers.every((d) => d.state !== 'stopped'), "state: 'active' returned a stopped driver");
  },
};
