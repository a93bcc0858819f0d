'use strict';
// Section 10: services declared in a file, as an operator keeps them. A YAML file declares two
// hosted programs (examples/apps/http-server.js twice, one depending on the other, one at below
// normal priority with a pid file) and Spooler. `check` reports the machine against the file,
// `apply` installs and starts (dependencies first) until a second apply has nothing to do; then
// `scm-native watch` streams the state changes while apply repairs drift and stops a service;
// then both programs are declared absent and apply removes them. Last, a command-defined service
// (simplevisor's `daemon`): the same app run by commands, not registered with the SCM.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { waitFor } = require('./support');
const { BIN, readText, run } = require('./cli-support');

const APP = path.join(__dirname, '..', 'apps', 'http-server.js');

function commandsYaml({ dir, expected }) {
  return [
    '# a command service: no SCM registration; scm-native runs the command detached and keeps its pid',
    'services:',
    '  - name: tour-cmd',
    `    start: [node, ${JSON.stringify(APP)}, --port-file, ${JSON.stringify(path.join(dir, 'cmd.port'))}]`,
    '    daemon: run/cmd.pid          # foreground program: started detached, pid file written by scm-native',
    `    path: ${JSON.stringify(path.dirname(process.execPath))}   # where "node" is found (never the current folder)`,
    `    expected: ${expected}`,
    '    timeout: 20s',
    '',
  ].join('\n').replace(/\r?\n/g, os.EOL);
}

function servicesYaml({ api, web, dir, apiPriority, webExpected, apiExpected = 'running' }) {
  // Paths in the file are relative to the file's folder; the app is given absolute (it lives in the package).
  return [
    '# scm-native services file (YAML; JSON and TOML work the same way)',
    'services:',
    `  - name: ${api}`,
    `    program: ${JSON.stringify(APP)}`,
    '    allowInsecureLocation: true   # the demo lives in the checkout (see section 9)',
    '    args: [--port-file, api.port]',
    `    expected: ${apiExpected}`,
    `    priority: ${apiPriority}`,
    '    pidFile: run/api.pid',
    '    log: { dir: logs, maxSize: 1M, keep: 3 }',
    '    stopTimeout: 5s',
    `  - name: ${web}`,
    `    program: ${JSON.stringify(APP)}`,
    '    allowInsecureLocation: true',
    '    args: [--port-file, web.port]',
    `    dependencies: [${api}]`,
    `    expected: ${webExpected}`,
    '    env: { GREETING: hello }',
    '    log: { dir: logs }',
    '    stopTimeout: 5s',
    '  - name: Spooler',
    '    expected: running',
    '    timeout: 30s',
    '',
  ].join('\n').replace(/\r?\n/g, os.EOL).replace('api.port', path.join(dir, 'api.port')).replace('web.port', path.join(dir, 'web.port'));
}

/**
 * `scm-native watch --file <file> --timeout <t>` in a child: its lines as they come. It ends by
 * itself (closing its notifications): under Wine a watcher killed after a notification leaves its
 * services undeletable until wineserver restarts (docs/wine.md).
 */
function startWatch(file, timeout) {
  const child = spawn(process.execPath, [BIN, 'watch', '--file', file, '--timeout', timeout], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const lines = [];
  let partial = '';
  child.stdout.on('data', (d) => {
    const text = partial + d;
    const parts = text.split(/\r?\n/);
    partial = parts.pop();
    lines.push(...parts.filter(Boolean));
  });
  const closed = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return { child, lines, closed };
}

module.exports = {
  title: 'Declared services: a services file applied, checked and watched',
  admin: true,
  timeoutMs: 180000,
  async run(t) {
    const { scm } = t;
    const dir = t.tempDir('scmn-tour-file-');
    const api = t.serviceName('api');
    const web = t.serviceName('web');
    t.defer(async () => {
      for (const name of [web, api]) if (await scm.serviceExists(name)) await scm.removeProgramService(name, { wait: 15000 });
    });
    const file = path.join(dir, 'services.yaml');
    const write = (options) => fs.writeFileSync(file, servicesYaml({ api, web, dir, ...options }));
    write({ apiPriority: 'below_normal', webExpected: 'running' });

    t.say('The file (services.yaml):');
    for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean)) t.write(`    | ${line.replace(dir, '<tmp>')}\n`);

    t.say();
    t.say('check compares the machine with the file: the two programs are not installed yet (LSB 4),');
    t.say('so the exit code is 4, what a monitoring system would alert on:');
    await run(t, ['check', file], { shown: ['check', 'services.yaml'], expectCode: 4 });

    t.say();
    t.say('apply installs both programs, starts the one the other depends on first, and starts Spooler;');
    t.say('progress lines come as each step begins and ends, then a summary:');
    const applied = await run(t, ['apply', file], { shown: ['apply', 'services.yaml'] });
    t.check(applied.stderr.indexOf(`started ${api}`) < applied.stderr.indexOf(`starting ${web}`), `${web} started before ${api}`);
    const apiPort = Number(await waitFor('the api port file', () => readText(path.join(dir, 'api.port'))));
    const pid = Number(await waitFor('the pid file', () => readText(path.join(dir, 'run', 'api.pid'))));
    const status = await scm.getProgramServiceStatus(api);
    t.check(status.programPid === pid, `pid file ${pid}, program pid ${status.programPid}`);
    t.result(`${api} listens on 127.0.0.1:${apiPort}; run/api.pid holds its pid ${pid}, priority ${status.priority}`);

    t.say();
    t.say('Everything as declared now; a second apply has nothing to do:');
    await run(t, ['check', file], { shown: ['check', 'services.yaml'] });
    await run(t, ['apply', file], { shown: ['apply', 'services.yaml'] });

    t.say();
    t.say('From here `scm-native watch --file services.yaml --timeout 20s` runs alongside, streaming each');
    t.say('state change (one SCM notification per service; nothing polls). It prints the current states');
    t.say('first, and ends by itself after 20 s (or Ctrl+C, or --count changes).');
    const watch = startWatch(file, '20s');
    t.defer(() => watch.closed);
    await waitFor('watch to show the initial states', () => watch.lines.filter((l) => /\(initial/.test(l)).length >= 3, 30000);

    t.say();
    t.say('Someone changes a setting by hand (scm-native update --priority high): check sees the');
    t.say('drift (exit 1), apply puts the declared value back and restarts the program to use it:');
    await run(t, ['update', api, '--priority', 'high'], { quiet: true, shown: ['update', api, '--priority', 'high'] });
    await run(t, ['check', file], { shown: ['check', 'services.yaml'], expectCode: 1 });
    await run(t, ['apply', file], { shown: ['apply', 'services.yaml'] });
    t.check((await scm.getProgramServiceStatus(api)).priority === 'below_normal', 'the priority was not repaired');

    t.say();
    t.say(`Edit the file: ${web} expected stopped. apply stops it (dependents stop before what they need):`);
    write({ apiPriority: 'below_normal', webExpected: 'stopped' });
    await run(t, ['apply', file], { shown: ['apply', 'services.yaml'] });
    t.check(await scm.getServiceState(web) === 'stopped', `${web} is not stopped`);

    await waitFor('watch to see the stop', () => watch.lines.some((l) => l.includes(web) && /-> stopped/.test(l)), 20000);
    const code = await watch.closed;
    t.check(code === 0, `watch exited with ${code}`);
    t.say();
    t.say('What watch printed meanwhile (it has ended, exit code 0):');
    for (const line of watch.lines) t.write(`    | ${line}\n`);
    t.check(watch.lines.some((l) => l.includes(api) && /-> running/.test(l)), 'watch did not show the api restarting');

    t.say();
    t.say('Deleting an entry only stops apply from managing it. To take both programs off the machine,');
    t.say('the file says expected: absent for them. apply stops and removes them, web first (it depends');
    t.say('on api), and check then finds everything as declared:');
    write({ apiPriority: 'below_normal', webExpected: 'absent', apiExpected: 'absent' });
    const removed = await run(t, ['apply', file], { shown: ['apply', 'services.yaml'] });
    t.check(removed.stderr.indexOf(`removed ${web}`) < removed.stderr.indexOf(`removing ${api}`), `${web} was not removed before ${api}`);
    t.check(!(await scm.serviceExists(api)) && !(await scm.serviceExists(web)), 'the programs were not removed');
    await run(t, ['check', file], { shown: ['check', 'services.yaml'] });

    t.say();
    t.say('A service can also be a set of commands (simplevisor, COMAR): control/start/stop/status, a');
    t.say('pattern over the process table, or `daemon`, a pid file for a program that runs in the foreground:');
    const cmdFile = path.join(dir, 'commands.yaml');
    fs.writeFileSync(cmdFile, commandsYaml({ dir, expected: 'running' }));
    for (const line of fs.readFileSync(cmdFile, 'utf8').split(/\r?\n/).filter(Boolean)) t.write(`    | ${line.replace(dir, '<tmp>')}\n`);
    t.defer(async () => {
      const pidText = readText(path.join(dir, 'run', 'cmd.pid'));
      if (pidText) scm.terminateProcess(Number(pidText));
    });
    t.say('Not running (no pid file: LSB 3), so check exits 3; apply starts it and writes the pid file:');
    await run(t, ['check', cmdFile], { shown: ['check', 'commands.yaml'], expectCode: 3 });
    await run(t, ['apply', cmdFile], { shown: ['apply', 'commands.yaml'] });
    const cmdPid = Number(await waitFor('the command service pid file', () => readText(path.join(dir, 'run', 'cmd.pid'))));
    const cmdPort = Number(await waitFor('its port file', () => readText(path.join(dir, 'cmd.port'))));
    const row = (await scm.listProcesses()).find((p) => p.pid === cmdPid);
    t.check(row && row.commandLine && row.commandLine.includes('http-server.js'), 'the pid file does not name the app');
    t.result(`run/cmd.pid holds ${cmdPid}; its command line (from the native process table): ${row && row.commandLine.replace(dir, '<tmp>')}; port ${cmdPort}`);
    t.say('Declared stopped, apply ends that process and removes the pid file:');
    fs.writeFileSync(cmdFile, commandsYaml({ dir, expected: 'stopped' }));
    await run(t, ['apply', cmdFile], { shown: ['apply', 'commands.yaml'] });
    t.check(!fs.existsSync(path.join(dir, 'run', 'cmd.pid')), 'the pid file is still there');
  },
};
