'use strict';
// Host groups (--host-group): services that share one host process (SERVICE_WIN32_SHARE_PROCESS),
// each with its own program, job, log, backoff and status, against a real SCM: install, update
// and status of members, validation, and a crashing member beside a steady one (the orders of
// start, stop, restart and remove are host-group-orders.test.js).
// Wine 8's SCM starts every service in a process of its own, SHARE_PROCESS or not (docs/wine.md):
// there the members of a group run in one host process each, and what only Windows does (one
// process for the group, ERROR_SERVICE_NOT_IN_EXE for a member the running host does not know)
// is a Windows-only test.
const path = require('node:path');
const scm = require('../..');
const { assert, itWindowsOnly } = require('../support/scm');
const { PROGRAM, alive, cleanup, cli, processGone, readEvents, sleep, waitFor, waitForEvent } = require('../support/host-service');
const { terminateProcess } = require('../support/wait');
const groups = require('../support/host-group');

const created = [];
const install = (...args) => groups.install(created, ...args);
const { answering, runningProgram, start, statusJson, stop } = groups;

describe('host groups: services sharing one host process', function () {
  this.timeout(240000);
  after(async () => {
    await cleanup(created);
  });

  it('installs members as SHARE_PROCESS with one command line naming the group; checks the name and the account', async () => {
    const a = await install('ga', 'Grp-One');
    const b = await install('gb', 'grp-one');
    const [ca, cb] = await Promise.all([a, b].map((c) => scm.getServiceConfiguration(c.name, { fields: ['command', 'serviceType'] })));
    assert.equal(ca.serviceType, 'win32_share_process');
    assert.equal(cb.serviceType, 'win32_share_process');
    assert.equal(ca.command, cb.command, 'the SCM matches a running shared process by its image path string');
    assert.deepEqual(scm.parseCommandLine(ca.command).slice(-2), ['--group', 'grp-one']);

    const bad = await cli(['install', 'scmn-host-badgroup', '--allow-insecure-location', '--host-group', 'no spaces', '--', PROGRAM, path.join(a.dir, 'x'), 'serve']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /letters, digits/);
    const virtual = await cli(['install', 'scmn-host-virtgroup', '--allow-insecure-location', '--virtual-account', '--host-group', 'grp-one', '--', PROGRAM, path.join(a.dir, 'x'), 'serve']);
    assert.notEqual(virtual.code, 0);
    assert.match(virtual.stderr, /virtual account/);
    await assert.rejects(scm.getServiceStatus('scmn-host-virtgroup'), (e) => e.errno === 1060, 'nothing was created');
    // A member running as another account than the group's: refused, nothing changed.
    await assert.rejects(scm.updateProgramService(b.name, {}, { username: 'NT AUTHORITY\\LocalService' }), (e) => e.code === 'ERR_SCM_HOST_GROUP_ACCOUNT' && /one account/.test(e.message));
    assert.equal((await scm.getServiceConfiguration(b.name, { fields: ['account'] })).account, 'LocalSystem');

    // status and list show the group.
    const s = await statusJson(a.name);
    assert.equal(s.hostGroup, 'Grp-One');
    const text = await cli(['status', a.name]);
    assert.match(text.stdout, /Host group\s+Grp-One \(a shared host\)/);
    const list = JSON.parse((await cli(['list', '--json', '--filter', 'scmn-host-g*'])).stdout);
    assert.deepEqual(list.filter((e) => e.name === a.name || e.name === b.name).map((e) => e.hostGroup), ['Grp-One', 'grp-one']);
    const table = (await cli(['list', '--filter', a.name])).stdout;
    assert.match(table.split('\n')[0], /GROUP/);
    assert.match(table, new RegExp(`${a.name}\\s+stopped\\s+-\\s+\\S+\\s+Grp-One\\s*$`, 'm'));
    const all = (await cli(['status'])).stdout;
    assert.match(all.split('\n')[0], /LAST EXIT\s+GROUP/);
    assert.match(all, new RegExp(`${a.name}\\s+stopped\\s.*\\sGrp-One\\s*$`, 'm'));

    // update moves a service out of its group and back in: the service type goes with the command.
    await scm.updateProgramService(b.name, {}, { hostGroup: null });
    let cfg = await scm.getServiceConfiguration(b.name, { fields: ['command', 'serviceType'] });
    assert.equal(cfg.serviceType, 'win32_own_process');
    assert.deepEqual(scm.parseCommandLine(cfg.command).slice(-2), ['--service', b.name]);
    assert.equal((await statusJson(b.name)).hostGroup, null);
    const back = await cli(['update', b.name, '--host-group', 'GRP-ONE']);
    assert.equal(back.code, 0, back.stderr);
    cfg = await scm.getServiceConfiguration(b.name, { fields: ['command', 'serviceType'] });
    assert.equal(cfg.serviceType, 'win32_share_process');
    assert.equal(cfg.command, ca.command);
    const out = await cli(['update', b.name, '--no-host-group']);
    assert.equal(out.code, 0, out.stderr);
    assert.equal((await scm.getServiceConfiguration(b.name, { fields: ['serviceType'] })).serviceType, 'win32_own_process');
    await cleanup([a.name, b.name]);
  });

  it('a crashing program in one member leaves the others running and answering', async () => {
    const crash = await install('gcr', 'grp-crash', 'crash');
    const steady = await install('gst', 'grp-crash');
    await start(steady);
    const before = await runningProgram(steady);
    await start(crash);
    // The crashing member restarts with backoff, then gives up (backoff limit 1 s) and stops.
    await waitFor('the crashing member to give up', async () => (await statusJson(crash.name)).state === 'stopped', 30000);
    const crashed = await statusJson(crash.name);
    assert.ok(crashed.restarts >= 1, `restarted first: ${crashed.restarts}`);
    assert.equal(crashed.exitCode, 1066, 'stopped with a service-specific exit code');
    assert.ok(readEvents(crash.events).filter((e) => e.event === 'start').length >= 2, 'the crashing program ran more than once');
    const after = await runningProgram(steady);
    assert.equal(after.programPid, before.programPid, 'the steady member kept its program');
    assert.equal(after.hostPid, before.hostPid, 'and its host');
    assert.equal(after.restarts, 0);
    await answering(steady);
    await stop(steady);
    assert.ok(await processGone(before.hostPid, 15000));
  });

  it("each member's program tree is its own job: a stop ends that tree only, killing the host ends every member's", async () => {
    const tree = await install('gtr', 'grp-tree', 'tree');
    const other = await install('got', 'grp-tree', 'tree');
    await start(other);
    const otherTree = await waitForEvent(other.events, (e) => e.event === 'grandchild');
    await start(tree);
    const { grandchildPid, detachedPid } = await waitForEvent(tree.events, (e) => e.event === 'grandchild');
    const program = readEvents(tree.events).find((e) => e.event === 'start').pid;
    assert.ok(alive(grandchildPid) && alive(detachedPid));
    await stop(tree);
    assert.ok(await processGone(program), 'program gone');
    assert.ok(await processGone(grandchildPid), 'grandchild gone after stop');
    assert.ok(await processGone(detachedPid), 'detached grandchild gone after stop (it never left the program\'s job)');
    const otherProgram = readEvents(other.events).find((e) => e.event === 'start').pid;
    for (const pid of [otherProgram, otherTree.grandchildPid, otherTree.detachedPid]) assert.ok(alive(pid), `the other member's process ${pid} runs on`);
    // The host dying takes its members' trees with it (each program's job closes with the host).
    const hostPid = (await statusJson(other.name)).hostPid;
    terminateProcess(hostPid);
    assert.ok(await processGone(hostPid), 'host gone');
    for (const pid of [otherProgram, otherTree.grandchildPid, otherTree.detachedPid]) assert.ok(await processGone(pid), `process ${pid} gone with the host`);
  });

  itWindowsOnly('the members of a group run in one host process; a member installed while it runs cannot start in it', 'Wine 8 starts each SHARE_PROCESS service in a process of its own', async () => {
    const a = await install('gwa', 'grp-win');
    const b = await install('gwb', 'grp-win');
    await start(a);
    await start(b);
    const [sa, sb] = [await runningProgram(a), await runningProgram(b)];
    assert.equal(sa.hostPid, sb.hostPid);
    assert.notEqual(sa.programPid, sb.programPid);
    const late = await install('gwc', 'grp-win');
    assert.match(late.installed.stderr, new RegExp(`warning: host group 'grp-win' runs .* does not know ${late.name}`));
    await assert.rejects(scm.startService(late.name), (e) => e.errno === 1083);
    const explained = await cli(['start', late.name]);
    assert.equal(explained.code, 1);
    assert.match(explained.stderr, /started before .* joined the group/);
    await stop(a);
    await stop(b);
    assert.ok(await processGone(sa.hostPid, 15000));
    await start(late);
    await runningProgram(late);
    await stop(late);
  }, {
    test: async () => {
      const a = await install('gwa', 'grp-win');
      const b = await install('gwb', 'grp-win');
      await start(a);
      await start(b);
      const [sa, sb] = [await runningProgram(a), await runningProgram(b)];
      assert.notEqual(sa.hostPid, sb.hostPid, 'Wine: a process per service');
      const late = await install('gwc', 'grp-win');
      // What install and update say is the SCM's state, the same under Wine: the group runs.
      assert.match(late.installed.stderr, new RegExp(`warning: host group 'grp-win' runs .* does not know ${late.name}`));
      const outsider = await install('gwd', 'grp-win-other');
      const joined = await cli(['update', outsider.name, '--host-group', 'grp-win']);
      assert.equal(joined.code, 0, joined.stderr);
      assert.match(joined.stderr, new RegExp(`warning: host group 'grp-win' runs .* does not know ${outsider.name}`));
      await start(late);
      await runningProgram(late);
      for (const c of [a, b, late]) await stop(c);
      await sleep(100);
    },
  });
});
