'use strict';
// hello-service: a small, complete Windows service written in Node with scm-native's runAsService.
//
//   node hello-service.js --log <file> [--port <n>] [--name <service name>] [--debug]
//
// Install it from an administrator shell (the SCM runs node.exe with this script and its options):
//
//   await scm.createService('hello', { path: process.execPath, args: ['C:\\apps\\hello-service.js', '--log', 'C:\\ProgramData\\hello.log'] },
//     { startType: 'demand_start', displayName: 'Hello from Node' });
//   await scm.startService('hello', { args: ['--greeting', 'Hi'], wait: 30000 });
//
// What it does with each control:
//   start [--greeting <text>]  listens on 127.0.0.1:<port> (--port, default 0 = any free port; the
//                              log says which) and answers every request with its state as JSON
//   pause / continue           while paused it answers 503
//   user-defined control 200   adds one to a counter (shown in its answers) and logs it
//   stop / shutdown            closes the server and reports 'stopped'; the process then exits
// A service has no console: this program never writes to stdout. The log file is where it speaks.
//
// --debug runs the same handlers from a console (runAsService's debug mode): start is sent at
// once, Ctrl+C sends stop. In debug mode only, POST /debug/<pause|continue|stop|200> sends that
// control through sendDebugControl, so it can be driven without a console too.
const fs = require('node:fs');
const http = require('node:http');
const scm = require('scm-native');

function option(name, fallback) {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}

const logFile = option('log');
if (!logFile) throw new Error('usage: node hello-service.js --log <file> [--port <n>] [--name <service name>] [--debug]');
const port = Number(option('port', '0'));
// The name in runAsService's table. An own-process service is started whatever its table entry is
// called; the handler gets this name, and updateServiceStatus takes it.
const serviceName = option('name', 'hello');
const debug = process.argv.includes('--debug');
const startedBySCM = scm.isRunningAsService();

function log(text) {
  fs.appendFileSync(logFile, `${new Date().toISOString()} [pid ${process.pid}] ${text}\n`);
}

const state = { status: 'stopped', greeting: 'Hello', counter: 0, requests: 0 };
let server = null;

function answer(request, response) {
  const debugControl = debug && request.method === 'POST' && /^\/debug\/(pause|continue|stop|\d+)$/.exec(request.url);
  if (debugControl) {
    const control = /^\d+$/.test(debugControl[1]) ? Number(debugControl[1]) : debugControl[1];
    response.writeHead(202, { 'content-type': 'text/plain', connection: 'close' });
    response.end(`sending ${control}\n`);
    // After the answer is out: a stop closes every connection.
    response.on('finish', () => scm.sendDebugControl(serviceName, control));
    return;
  }
  state.requests += 1;
  const body = {
    service: serviceName, state: state.status, greeting: state.greeting, counter: state.counter,
    requests: state.requests, pid: process.pid, startedBySCM,
  };
  response.writeHead(state.status === 'paused' ? 503 : 200, { 'content-type': 'application/json', connection: 'close' });
  response.end(`${JSON.stringify(body)}\n`);
}

/** start: resolves 'running' once the server listens; a rejection stops the service (failureExitCode). */
function start(args) {
  const i = args.indexOf('--greeting');
  if (i >= 0 && i + 1 < args.length) state.greeting = args[i + 1];
  state.status = 'start_pending';
  return new Promise((resolve, reject) => {
    server = http.createServer(answer);
    server.once('error', (error) => {
      log(`cannot listen on 127.0.0.1:${port}: ${error.message}`);
      reject(error);
    });
    server.listen(port, '127.0.0.1', () => {
      log(`started with arguments ${JSON.stringify(args)}; listening on http://127.0.0.1:${server.address().port}`);
      state.status = 'running';
      resolve('running');
    });
  });
}

/** stop: answered later, with updateServiceStatus and the control's sequence number. */
function stop(name, seq, control) {
  log(`${control}: closing the server (requests served: ${state.requests})`);
  state.status = 'stop_pending';
  server.close(() => {
    state.status = 'stopped';
    log('stopped');
    scm.updateServiceStatus(name, seq, 'stopped', { exitCode: 0 });
  });
  server.closeAllConnections();
}

function handler(control, name, seq, code, ...extra) {
  switch (control) {
    case 'start':
      return start(extra[0]);
    case 'pause':
      state.status = 'paused';
      log('paused: answering 503 until continued');
      return 'paused';
    case 'continue':
      state.status = 'running';
      log('continued');
      return 'running';
    case 'stop':
    case 'shutdown':
      stop(name, seq, control);
      return undefined;
    case 'user_defined':
      if (code === 200) {
        state.counter += 1;
        log(`control 200: counter is now ${state.counter}`);
      } else {
        log(`control ${code}: not one of mine, ignored`);
      }
      return 0;
    case 'all_stopped':
      log('all services stopped: the process exits');
      return undefined;
    default:
      return undefined;
  }
}

log(`process started ${startedBySCM ? 'by the Service Control Manager' : 'outside the Service Control Manager'}${debug ? ' (debug mode)' : ''}`);
scm.runAsService({ [serviceName]: handler }, { controls: ['stop', 'shutdown', 'pause_continue'], debug, failureExitCode: 10 }).then(
  () => log('runAsService finished'),
  (error) => {
    log(`runAsService failed: ${error.code}: ${error.message}`);
    process.exitCode = 1;
  },
);
