'use strict';
// A small HTTP server to run as a service with `scm-native install` (the tour's section 9 and
// bench/host.bench.js use it). It knows nothing of the SCM: it is an ordinary Node program, which
// at most tells the scm-native host that it is listening (--notify-ready).
//
//   node http-server.js [--port N] [--port-file FILE] [--ready-file FILE] [--crash-after SECONDS] [--notify-ready]
//
//   --port N             port on 127.0.0.1 (default 0: any free port; the chosen one is printed)
//   --port-file FILE     write the port to FILE once listening (how a caller finds it)
//   --ready-file FILE    write a marker file once listening (pid and time, as JSON)
//   --crash-after S      exit with code 1 after S seconds (also HTTP_SERVER_CRASH_AFTER=S)
//   --notify-ready       once listening, call scm-native's notifyServiceReady(): a service
//                        installed with --ready-timeout reports RUNNING only then
//
// Routes: GET / answers JSON (pid, uptime, SCM_NATIVE_SERVICE); GET /crash answers, then exits
// with code 1 (a simulated crash); GET /hang answers, then busy-loops forever (a simulated hang:
// the process lives on and answers nothing, not even the stop request). Stopping: under the scm-native host a Node program gets the
// IPC message { type: 'scm-native:stop' }; Ctrl+C (SIGINT) does the same from a console. Either
// closes the server and lets the process end with code 0.
const fs = require('node:fs');
const http = require('node:http');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', '0'));
const portFile = option('port-file', null);
const readyFile = option('ready-file', null);
const crashAfter = Number(option('crash-after', process.env.HTTP_SERVER_CRASH_AFTER || '0'));
const notifyReady = process.argv.includes('--notify-ready');
const started = Date.now();
const service = process.env.SCM_NATIVE_SERVICE || null;

const log = (text) => process.stdout.write(`${text}\n`);

function crash(why) {
  process.stderr.write(`http-server: crashing on purpose (${why})\n`);
  process.exit(1);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/crash') {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end('crashing\n', () => setTimeout(() => crash('GET /crash'), 50));
    return;
  }
  if (req.method === 'GET' && req.url === '/hang') {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end('hanging\n', () => setTimeout(() => {
      process.stderr.write('http-server: hanging on purpose (GET /hang)\n');
      for (;;) { /* busy: the event loop never turns again */ }
    }, 50));
    return;
  }
  if (req.method === 'GET' && req.url === '/') {
    res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
    res.end(`${JSON.stringify({ pid: process.pid, uptimeMs: Date.now() - started, service })}\n`);
    return;
  }
  res.writeHead(404, { connection: 'close' });
  res.end();
});

server.listen(port, '127.0.0.1', () => {
  const actual = server.address().port;
  log(`listening on http://127.0.0.1:${actual} (pid ${process.pid}${service ? `, service ${service}` : ''})`);
  if (portFile) fs.writeFileSync(portFile, String(actual));
  if (readyFile) fs.writeFileSync(readyFile, JSON.stringify({ pid: process.pid, port: actual, at: Date.now() }));
  // false (nothing sent) when not run by the scm-native host
  if (notifyReady) require('scm-native').notifyServiceReady();
});

if (crashAfter > 0) setTimeout(() => crash(`--crash-after ${crashAfter}`), crashAfter * 1000).unref();

let stopping = false;
function stop(why) {
  if (stopping) return;
  stopping = true;
  log(`stopping (${why}): closing the server`);
  server.close(() => {
    log('server closed, exiting');
    // The IPC channel keeps the event loop alive: let it go.
    if (process.connected) process.disconnect();
  });
  server.closeAllConnections?.();
}

process.on('message', (message) => {
  if (message && message.type === 'scm-native:stop') stop('scm-native:stop');
});
process.on('SIGINT', () => stop('SIGINT'));
