'use strict';
// Section 6: a Node program as a real service. examples/services/hello-service.js calls
// runAsService; the tour installs it with node.exe as the service program, starts it with
// arguments, talks to it over HTTP, pauses, continues, sends it a user-defined control, stops it,
// reads its log and deletes it. Then the same program outside the SCM, and in debug mode.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { processGone, request, waitFor } = require('./support');

const SCRIPT = path.join(__dirname, '..', 'services', 'hello-service.js');
const WAIT_MS = 20000;

const httpGet = (port, urlPath = '/') => request('GET', port, urlPath);
const httpPost = (port, urlPath) => request('POST', port, urlPath);

function readLog(file) {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** The first log line matching `pattern`, waiting up to `timeoutMs` for it. */
function waitForLog(file, pattern, timeoutMs = 10000) {
  return waitFor(`a line matching ${pattern} in ${file}`, () => readLog(file).find((l) => pattern.test(l)), timeoutMs);
}

function portFrom(line) {
  return Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line)[1]);
}

/** The log's lines, without the date (the time of day is enough here). */
function showLog(t, file) {
  for (const line of readLog(file)) t.write(`    | ${line.replace(/^\d{4}-\d\d-\d\dT/, '')}\n`);
}

/** Runs `node hello-service.js args...` as an ordinary child (no pipes: node.exe under Wine needs files). */
function runChild(t, args, stderrFile) {
  const errFd = fs.openSync(stderrFile, 'w');
  const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'ignore', errFd], windowsHide: true });
  fs.closeSync(errFd);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  t.defer(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
      await exited;
    }
  });
  return { child, exited };
}

module.exports = {
  title: 'A Node program as a service (runAsService)',
  admin: true,
  timeoutMs: 150000,
  async run(t) {
    const { scm } = t;
    const dir = t.tempDir('scmn-tour-');
    const name = t.serviceName('hello');
    const logFile = path.join(dir, 'hello-service.log');
    const displayName = `scm-native tour hello service (${t.runId})`;
    const description = 'examples/services/hello-service.js: a Node HTTP service on 127.0.0.1, installed by the scm-native tour.';

    t.say('examples/services/hello-service.js is an ordinary Node program that calls runAsService:');
    t.say('an HTTP server on 127.0.0.1 that answers with its state; pause makes it answer 503, user');
    t.say('control 200 bumps a counter; it writes a log file and never touches stdout.');
    t.say('The service program is node.exe itself, with the script and its options as arguments:');
    t.deferDelete(name, { stop: true }); // only if a step below fails before the deletion
    const command = { path: process.execPath, args: [SCRIPT, '--log', logFile, '--name', name] };
    await t.call([
      `await scm.createService('${name}',`,
      '  { path: process.execPath, args: [script, \'--log\', logFile, \'--name\', name] },',
      `  { startType: 'demand_start', displayName: '${displayName}',`,
      '    description: \'examples/services/hello-service.js: ...\' })',
    ].join('\n'), () => scm.createService(name, command, { startType: 'demand_start', displayName, description }));

    t.say();
    t.say('Start it with arguments (they reach the start handler) and wait until it runs:');
    const { value: started } = await t.call(`await scm.startService('${name}', { args: ['--greeting', 'Hello from the tour'], wait: ${WAIT_MS} })`,
      () => scm.startService(name, { args: ['--greeting', 'Hello from the tour'], wait: WAIT_MS }));
    t.check(started === true, `${name} did not reach running`);
    const { value: status } = await t.call(`await scm.getServiceStatus('${name}')`, () => scm.getServiceStatus(name), { show: false });
    t.fields({ state: status.state, pid: status.pid, acceptedControls: status.acceptedControls });
    t.check(status.state === 'running' && status.pid > 0, `state ${status.state}, pid ${status.pid}`);
    t.check(['stop', 'pause_continue', 'shutdown'].every((c) => status.acceptedControls.includes(c)),
      `accepted controls ${status.acceptedControls}`);
    const pid = status.pid;

    const listening = await waitForLog(logFile, /listening on/);
    const port = portFrom(listening);
    t.say();
    t.say(`Its log says where it listens (port 0 = any free port): 127.0.0.1:${port}. Ask it:`);
    const { value: hello } = await t.call(`await httpGet('http://127.0.0.1:${port}/')`, () => httpGet(port));
    const answer = JSON.parse(hello.body);
    t.check(hello.status === 200 && answer.state === 'running' && answer.greeting === 'Hello from the tour',
      `unexpected answer ${hello.status} ${hello.body}`);
    t.check(answer.pid === pid && answer.startedBySCM === true, `answer from pid ${answer.pid} (startedBySCM ${answer.startedBySCM}), service pid ${pid}`);

    t.say();
    t.say('Pause it (SERVICE_CONTROL_PAUSE, waiting until it is paused), and it answers 503:');
    const { value: paused } = await t.call(`await scm.pauseService('${name}', { wait: 5000 })`,
      () => scm.pauseService(name, { wait: 5000 }));
    t.check(paused === true, `${name} did not reach paused`);
    const { value: unavailable } = await t.call(`await httpGet('http://127.0.0.1:${port}/')`, () => httpGet(port));
    t.check(unavailable.status === 503, `a paused service answered ${unavailable.status}`);

    t.say();
    t.say('Continue it, then send the user-defined control 200 (codes 128-255 are the service\'s own):');
    const { value: resumed } = await t.call(`await scm.continueService('${name}', { wait: 5000 })`,
      () => scm.continueService(name, { wait: 5000 }));
    t.check(resumed === true, `${name} did not return to running`);
    const { value: controlled } = await t.call(`await scm.controlService('${name}', 200)`, () => scm.controlService(name, 200), { show: false });
    t.result(`{ state: '${controlled.state}', ... }`);
    await waitForLog(logFile, /control 200: counter is now 1/);
    const { value: after } = await t.call(`await httpGet('http://127.0.0.1:${port}/')`, () => httpGet(port));
    const counted = JSON.parse(after.body);
    t.check(after.status === 200 && counted.counter === 1, `after control 200: ${after.status} ${after.body}`);

    t.say();
    t.say('Stop it and wait: its stop handler closes the server, then answers with updateServiceStatus:');
    const { value: stopped } = await t.call(`await scm.stopService('${name}', { wait: ${WAIT_MS} })`,
      () => scm.stopService(name, { wait: WAIT_MS }));
    t.check(stopped === true, `${name} did not stop`);
    const final = await scm.getServiceStatus(name);
    t.fields({ state: final.state, pid: final.pid, exitCode: final.exitCode, serviceCode: final.serviceCode });
    t.check(final.state === 'stopped' && final.exitCode === 0, `after stop: ${final.state}, exit code ${final.exitCode}`);
    await waitForLog(logFile, /runAsService finished/);
    const { value: gone } = await t.call(`process ${pid} exited`, () => processGone(pid));
    t.check(gone === true, `the service process ${pid} is still there`);
    t.say();
    t.say(`The service's log (${path.basename(logFile)}):`);
    showLog(t, logFile);

    t.say();
    t.say('Delete it:');
    await t.call(`await scm.deleteService('${name}')`, () => scm.deleteService(name));
    const { value: exists } = await t.call(`await scm.serviceExists('${name}')`, () => scm.serviceExists(name));
    t.check(exists === false, 'the service still exists after deleteService');

    t.say();
    t.say('The same program started by hand, not by the SCM: runAsService rejects at once.');
    const consoleLog = path.join(dir, 'console-run.log');
    const plain = runChild(t, ['--log', consoleLog], path.join(dir, 'console-run.stderr.txt'));
    t.write(`  > node hello-service.js --log ${path.basename(consoleLog)}\n`);
    const { value: plainCode } = await t.call('await exited   // its exit code', () => plain.exited);
    showLog(t, consoleLog);
    t.check(plainCode === 1, `exit code ${plainCode}`);
    t.check(readLog(consoleLog).some((l) => l.includes('ERROR_FAILED_SERVICE_CONTROLLER_CONNECT')),
      'the log does not show ERROR_FAILED_SERVICE_CONTROLLER_CONNECT');

    t.say();
    t.say('With { debug: true } (--debug) the same handlers run from a console: start is sent at once,');
    t.say('Ctrl+C would send stop. Here the program\'s debug-only POST /debug/stop calls sendDebugControl:');
    const debugLog = path.join(dir, 'debug-run.log');
    const debugErr = path.join(dir, 'debug-run.stderr.txt');
    const debugRun = runChild(t, ['--log', debugLog, '--debug'], debugErr);
    t.write(`  > node hello-service.js --log ${path.basename(debugLog)} --debug\n`);
    const debugPort = portFrom(await waitForLog(debugLog, /listening on/, 15000));
    const { value: debugHello } = await t.call(`await httpGet('http://127.0.0.1:${debugPort}/')`, () => httpGet(debugPort));
    t.check(debugHello.status === 200 && JSON.parse(debugHello.body).startedBySCM === false, `debug answer ${debugHello.body}`);
    await t.call(`await httpPost('http://127.0.0.1:${debugPort}/debug/stop')`, () => httpPost(debugPort, '/debug/stop'));
    const { value: debugCode } = await t.call('await exited   // its exit code', () => debugRun.exited);
    t.check(debugCode === 0, `debug run exit code ${debugCode}`);
    showLog(t, debugLog);
    t.say('  and what the debug runner wrote to stderr:');
    for (const line of readLog(debugErr)) t.write(`    | ${line}\n`);
  },
};
