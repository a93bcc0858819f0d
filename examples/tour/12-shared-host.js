'use strict';
// Section 11: a shared host. Two copies of examples/apps/http-server.js installed with
// `--host-group`: on Windows the SCM runs both services in one host process (one node.exe,
// SERVICE_WIN32_SHARE_PROCESS), each with its own program, log and status; one is stopped and the
// other keeps answering. Wine 8 starts each service in a process of its own, which the tour says.
const path = require('node:path');
const { processGone, request, waitFor } = require('./support');
const { cli, readText, run } = require('./cli-support');

const APP = path.join(__dirname, '..', 'apps', 'http-server.js');

module.exports = {
  title: 'A shared host: several services in one host process (--host-group)',
  admin: true,
  timeoutMs: 120000,
  async run(t) {
    const { scm } = t;
    const dir = t.tempDir('scmn-tour-group-');
    const group = `tour-${t.runId}`.slice(0, 60);
    const members = ['one', 'two'].map((tag) => ({ tag, name: t.serviceName(`group-${tag}`), portFile: path.join(dir, `${tag}.port`) }));
    const pids = new Set();
    t.defer(async () => {
      for (const m of members) if (await scm.serviceExists(m.name)) await scm.removeProgramService(m.name, { wait: 15000 });
      for (const pid of pids) await processGone(pid, 3000);
    });

    t.say('By default each service installed with scm-native has a host process (a node.exe) of its');
    t.say('own. Services installed with the same --host-group share one, as svchost services do:');
    for (const m of members) {
      const args = ['install', m.name, '--host-group', group, '--log-dir', path.join(dir, 'logs'), '--ready-timeout', '30s',
        '--allow-insecure-location', '--', APP, '--port-file', m.portFile, '--notify-ready'];
      await run(t, args, { shown: ['install', m.name, '--host-group', group, '...', '--', 'examples\\apps\\http-server.js', '...'], quiet: true });
    }
    const configs = await Promise.all(members.map((m) => scm.getServiceConfiguration(m.name, { fields: ['command', 'serviceType'] })));
    t.check(configs.every((c) => c.serviceType === 'win32_share_process'), 'not SHARE_PROCESS');
    t.check(configs[0].command === configs[1].command, 'the members have different command lines');
    t.say('Both are SHARE_PROCESS services with one command line, naming the group, not the service:');
    t.fields({ serviceType: configs[0].serviceType, command: `... host-main.js ${scm.parseCommandLine(configs[0].command).slice(2).join(' ')}` });

    t.say();
    t.say('Start both. Each runs its own server (own program pid, log, status), on Windows in one host:');
    for (const m of members) await run(t, ['start', m.name], { quiet: true });
    for (const m of members) {
      m.status = JSON.parse((await cli(['status', m.name, '--json'])).stdout);
      pids.add(m.status.hostPid);
      pids.add(m.status.programPid);
      const port = Number(readText(m.portFile));
      const answer = JSON.parse((await request('GET', port, '/')).body);
      t.check(answer.service === m.name, `${m.name} answered as ${answer.service}`);
    }
    await run(t, ['list', '--filter', `scmn-tour-${t.runId}-group-*`]);
    const shared = members[0].status.hostPid === members[1].status.hostPid;
    if (t.underWine) {
      t.say(`Under Wine 8 the SCM starts every service in a process of its own, SHARE_PROCESS or not:`);
      t.say(`host pids ${members[0].status.hostPid} and ${members[1].status.hostPid}. On Windows they are one.`);
    } else {
      t.check(shared, `two host processes: ${members[0].status.hostPid}, ${members[1].status.hostPid}`);
      t.result(`one host process (pid ${members[0].status.hostPid}) for both services`);
    }

    t.say();
    t.say('Stop one: the other keeps its program and keeps answering; the host goes on for it:');
    await run(t, ['stop', members[0].name], { quiet: true });
    const still = await waitFor('the other member', async () => {
      const s = JSON.parse((await cli(['status', members[1].name, '--json'])).stdout);
      return s.state === 'running' ? s : null;
    }, 10000);
    t.check(still.programPid === members[1].status.programPid, 'the other member\'s program changed');
    const port = Number(readText(members[1].portFile));
    t.check((await request('GET', port, '/')).status === 200, 'the other member stopped answering');
    t.result(`${members[1].name} still answers (program pid ${still.programPid}, host pid ${still.hostPid})`);
    t.say('Remove both: the host process ends with its last service.');
    for (const m of members) await run(t, ['remove', m.name], { quiet: true });
    for (const m of members) t.check(await processGone(m.status.hostPid, 15000), `host ${m.status.hostPid} still runs`);
  },
};
