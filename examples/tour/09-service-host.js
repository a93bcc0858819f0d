'use strict';
// Section 9: any program as a service, with the scm-native CLI. examples/apps/http-server.js is an
// ordinary Node HTTP server that knows nothing of the SCM; `scm-native install` makes a service
// whose process is the scm-native host, which runs the server, supervises it, and keeps its log.
// The tour starts it, reads `status` and `logs`, crashes the server (GET /crash), watches the host
// restart it after the backoff, and removes the service.
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { formatMs, processGone, request, waitFor } = require('./support');
const { ROOT, cli, deferServiceCleanup, readText, run } = require('./cli-support');

const APP = path.join(__dirname, '..', 'apps', 'http-server.js');
const BACKOFF = '2s';

const httpGet = (port, urlPath) => request('GET', port, urlPath);

module.exports = {
  title: 'Any program as a service: the scm-native CLI and its host',
  admin: true,
  timeoutMs: 150000,
  async run(t) {
    const { scm } = t;
    const dir = t.tempDir('scmn-tour-host-');
    const name = t.serviceName('http');
    const logDir = path.join(dir, 'logs');
    const portFile = path.join(dir, 'port.txt');
    const programPids = new Set();
    const hostPids = new Set();
    // Whatever happens below: remove the service (stop, wait, delete), then make sure neither
    // the host nor any server it started is left running.
    deferServiceCleanup(t, scm, [name], () => [...programPids, ...hostPids]);

    t.say('examples/apps/http-server.js is an ordinary Node HTTP server on 127.0.0.1 (GET / answers');
    t.say('JSON, GET /crash exits with code 1). `scm-native install` makes it a service: the service');
    t.say('process is the scm-native host, which starts the server, restarts it when it fails (backoff');
    t.say(`${BACKOFF} here, doubling; 5 s by default) and writes its output to a rotating log:`);
    const shortDir = '<tmp>';
    const installArgs = ['install', name, '--display-name', `scm-native tour HTTP server (${t.runId})`,
      '--log-dir', logDir, '--backoff', BACKOFF, '--backoff-limit', '60s', '--stop-timeout', '5s', '--log-timestamps',
      '--ready-timeout', '30s', '--', APP, '--port-file', portFile, '--notify-ready'];
    const shownInstall = ['install', name, '--log-dir', `${shortDir}\\logs`, '--backoff', BACKOFF, '--backoff-limit', '60s',
      '--stop-timeout', '5s', '--log-timestamps', '--ready-timeout', '30s', '--', 'examples\\apps\\http-server.js',
      '--port-file', `${shortDir}\\port.txt`, '--notify-ready'];
    t.say('A service runs as LocalSystem: whoever can change its program can run code as SYSTEM.');
    t.say('This program lives in the checkout, which your own account can change, so install refuses it');
    t.say('(it reads the real owner and DACL of every file and folder the service uses):');
    const refused = await run(t, installArgs, { shown: shownInstall, expectCode: 1 });
    t.check(/ERR_SCM_INSECURE_LOCATION|refusing to run as LocalSystem/.test(refused.stderr), `not refused: ${refused.stderr.trim()}`);
    t.say('Real services belong in a folder only administrators can write (C:\\Program Files). The tour');
    t.say('accepts the risk for its demo with --allow-insecure-location, which turns the error into a warning:');
    await run(t, [installArgs[0], installArgs[1], '--allow-insecure-location', ...installArgs.slice(2)],
      { shown: [shownInstall[0], shownInstall[1], '--allow-insecure-location', ...shownInstall.slice(2)], quiet: true });
    const config = await scm.getServiceConfiguration(name, { fields: ['command', 'startType'] });
    t.say('The SCM runs node.exe with the host script; the program and its options live in the registry:');
    t.fields({ command: config.command.replace(ROOT, '<scm-native>'), startType: config.startType });

    t.say();
    t.say('Start it. With --ready-timeout the service stays START_PENDING until the server, once');
    t.say('listening, calls notifyServiceReady(); the CLI waits for RUNNING, so the server answers at once:');
    await run(t, ['start', name]);
    const portText = readText(portFile);
    t.check(portText !== null, 'the server was not listening when start returned');
    const port = Number(portText);
    const { value: hello } = await t.call(`await httpGet('http://127.0.0.1:${port}/')`, () => httpGet(port, '/'));
    const answer = JSON.parse(hello.body);
    t.check(hello.status === 200 && answer.service === name, `unexpected answer ${hello.status} ${hello.body}`);
    t.say(`(the host gives the program SCM_NATIVE_SERVICE=${answer.service})`);
    programPids.add(answer.pid);

    t.say();
    const first = JSON.parse((await cli(['status', name, '--json'])).stdout);
    hostPids.add(first.hostPid);
    t.check(first.hostState === 'running' && first.programPid === answer.pid && first.restarts === 0,
      `status: host ${first.hostState}, program pid ${first.programPid}, restarts ${first.restarts}`);
    await run(t, ['status', name]);
    t.say();
    t.say('show prints all there is to know about one service; --format yaml (or toml, json) prints it');
    t.say('as a services file that `check` finds as declared and `apply` leaves alone (defaults left out):');
    const shown = await run(t, ['show', name, '--format', 'yaml']);
    t.check(/expected: running/.test(shown.stdout) && /backoff: 2s/.test(shown.stdout), `show --format yaml: ${shown.stdout}`);
    fs.writeFileSync(path.join(dir, 'http.yaml'), shown.stdout);
    await run(t, ['check', path.join(dir, 'http.yaml')], { shown: ['check', `${shortDir}\\http.yaml`] });
    t.say();
    t.say("The log holds the host's own lines ([scm-native]) and the program's stdout and stderr:");
    await run(t, ['logs', name, '--lines', '10']);

    t.say();
    t.say('Crash the server: GET /crash makes it exit with code 1. The host logs the exit, waits');
    t.say(`the backoff (${BACKOFF}), and starts it again; the service itself stays running:`);
    const crashedAt = performance.now();
    fs.rmSync(portFile, { force: true });
    await t.call(`await httpGet('http://127.0.0.1:${port}/crash')`, () => httpGet(port, '/crash'));
    const backoff = await waitFor('the host in backoff', async () => {
      const s = JSON.parse((await cli(['status', name, '--json'])).stdout);
      return s.hostState === 'backoff' || s.restarts > 0 ? s : null;
    }, 10000);
    if (backoff.hostState === 'backoff') {
      t.say('While it waits:');
      await run(t, ['status', name]);
    }
    const restarted = await waitFor('the restart', async () => {
      const s = JSON.parse((await cli(['status', name, '--json'])).stdout);
      return s.restarts === 1 && s.hostState === 'running' && s.programPid ? s : null;
    }, 30000);
    const newPort = Number(await waitFor('the new port file', () => readText(portFile)));
    programPids.add(restarted.programPid);
    const again = await httpGet(newPort, '/');
    const restartMs = performance.now() - crashedAt;
    t.check(again.status === 200 && JSON.parse(again.body).pid === restarted.programPid, `after the restart: ${again.status} ${again.body}`);
    t.check(restarted.programPid !== answer.pid, 'the program pid did not change');
    t.check(restarted.hostPid === first.hostPid, 'the host itself restarted');
    t.check(restarted.lastExit && restarted.lastExit.code === 1, `last exit ${JSON.stringify(restarted.lastExit)}`);
    t.check(restartMs >= 2000, `restarted after ${formatMs(restartMs)}, before the backoff`);
    t.say(`Answering again on 127.0.0.1:${newPort} (new pid ${restarted.programPid}, same host pid ${restarted.hostPid}),`);
    t.say(`${formatMs(restartMs)} after the crash. status shows the restart and the last exit:`);
    await run(t, ['status', name]);
    const logs = await run(t, ['logs', name, '--lines', '6']);
    t.check(/restarting in 2(\.0)? s/.test(logs.stdout), 'the log does not show the backoff');

    t.say();
    t.say('Remove it: the host asks the server to stop over IPC ({ type: \'scm-native:stop\' }), the');
    t.say('server closes and exits 0, the service stops and is deleted (its logs are kept):');
    await run(t, ['remove', name]);
    const { value: exists } = await t.call(`await scm.serviceExists('${name}')`, () => scm.serviceExists(name));
    t.check(exists === false, 'the service still exists after remove');
    for (const pid of [...programPids, ...hostPids]) t.check(await processGone(pid), `process ${pid} is still running`);
    t.result(`no process left: host ${first.hostPid}, servers ${[...programPids].join(', ')} all exited`);
    const finalLog = fs.readFileSync(path.join(logDir, `${name}.log`), 'utf8');
    t.check(/stopping \(scm-native:stop\)/.test(finalLog) && /program exited with code 0 .*\(stopping\)/.test(finalLog),
      'the log does not show a graceful stop');
    t.say('The last lines of its log:');
    for (const line of finalLog.split(/\r?\n/).filter(Boolean).slice(-5)) t.write(`    | ${line}\n`);
  },
};
