'use strict';
// Health checks and the memory limit, without Windows: the settings' checks (probe URLs, status
// ranges), the CLI's reading of --health-check, the probes against local servers, the count of
// failures, and which processes of a table are the program's.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const net = require('node:net');
const { checkHealthUrl, checkStatusRange, healthTarget, looksLikeUrl, parseStatusRange } = require('../../dist/host/health-target');
const { checkStoredSetting, settingFromOption } = require('../../dist/host/setting-checks');
const { HealthCheck, describeTarget, probe } = require('../../dist/host/health-check');
const { Readable } = require('node:stream');
const path = require('node:path');
const { parseArgs } = require('../../dist/cli/args');
const { SERVICE_OPTIONS, serviceOptions } = require('../../dist/cli/service-options');
const { parse, fails } = require('../support/services-file');
const { MemoryWatch, describeProcesses, programProcesses, sampleInterval } = require('../../dist/host/memory-watch');

const KIND = { type: 'health-check' };

describe('health check settings', () => {
  it('takes http, https and tcp URLs as they are, and commands as [absolute program, ...args]', () => {
    for (const url of ['http://127.0.0.1:8080/health', 'https://localhost/ready?x=1', 'tcp://127.0.0.1:5432', 'tcp://[::1]:80']) {
      assert.equal(checkStoredSetting(KIND, url, 'healthCheck'), url);
    }
    assert.deepEqual(checkStoredSetting(KIND, ['C:\\probe.exe', '--quick'], 'healthCheck'), ['C:\\probe.exe', '--quick']);
    assert.equal(checkStoredSetting(KIND, null, 'healthCheck'), null);
    assert.equal(settingFromOption(KIND, '', 'healthCheck'), null, "'' removes it");
  });

  it('refuses bad probes with TypeError or RangeError naming the field', () => {
    const refused = [
      [42, TypeError, /healthCheck must be an http:\/\/, https:\/\/ or tcp:\/\/host:port URL, or a command/],
      ['localhost:8080', RangeError, /'localhost:' is not one of http:, https:, tcp:/],
      ['not a url', RangeError, /not a URL/],
      ['ftp://host/x', RangeError, /'ftp:' is not one of/],
      ['tcp://127.0.0.1', RangeError, /must name a port/],
      ['tcp://127.0.0.1:0', RangeError, /must name a port from 1 to 65535/],
      ['tcp://127.0.0.1:70000', RangeError, /not a URL/],
      ['tcp://127.0.0.1:80/path', RangeError, /nothing after the port/],
      ['http://user:secret@127.0.0.1/', RangeError, /must not hold a user name or password/],
      [[], RangeError, /must start with the program to run/],
      [['probe.exe'], RangeError, /must be an absolute path/],
    ];
    for (const [value, type, message] of refused) assert.throws(() => checkStoredSetting(KIND, value, 'healthCheck'), (e) => e instanceof type && message.test(e.message), String(value));
    // A batch file's arguments go through cmd.exe: no line breaks.
    assert.throws(() => settingFromOption(KIND, ['C:\\probe.cmd', 'a\nb'], 'healthCheck'), RangeError);
  });

  it('status ranges: from-to or one code, 100-599, stored as from-to', () => {
    assert.equal(checkStatusRange('200-399', 's'), '200-399');
    assert.equal(checkStatusRange(' 204 ', 's'), '204-204');
    assert.deepEqual(parseStatusRange('200 - 299'), { from: 200, to: 299 });
    for (const bad of ['', '99', '600', '300-200', '2xx', '200-', '200-399-400']) assert.throws(() => checkStatusRange(bad, 'healthStatus'), RangeError, bad);
    assert.throws(() => checkStatusRange(200, 'healthStatus'), TypeError);
  });

  it('a URL is told from a command line by its scheme; each target has its words for the log', () => {
    assert.equal(looksLikeUrl('http://x/'), true);
    assert.equal(looksLikeUrl('"C:\\Program Files\\probe.exe" --x'), false);
    assert.equal(looksLikeUrl('C:\\probe.exe'), false);
    assert.equal(describeTarget(healthTarget('tcp://[::1]:80')), 'connect [::1]:80');
    assert.equal(describeTarget(healthTarget('http://127.0.0.1:1/h')), 'GET http://127.0.0.1:1/h');
    assert.deepEqual(healthTarget('tcp://[::1]:80'), { type: 'tcp', host: '::1', port: 80 });
    assert.throws(() => checkHealthUrl(['x'], 'healthCheck'), TypeError);
  });
});

describe('health check flags', () => {
  const options = (argv) => serviceOptions(parseArgs(argv, SERVICE_OPTIONS, 'install'), { stdin: Readable.from(['']) }, 'install');

  it('--health-check: a URL as given, other text as a command line (its program made absolute), "" to remove', async () => {
    assert.deepEqual(await options(['--health-check', ' tcp://127.0.0.1:5432 ']), { healthCheck: 'tcp://127.0.0.1:5432' });
    assert.deepEqual(await options(['--health-check', '"check me.exe" --quick "a b"']), { healthCheck: [path.resolve('check me.exe'), '--quick', 'a b'] });
    assert.deepEqual(await options(['--health-check', '']), { healthCheck: null });
  });

  it('--health-retries must be 1 or more; --health-status passes through to the library check', async () => {
    await assert.rejects(options(['--health-retries', '0']), /--health-retries must be at least 1/);
    assert.deepEqual(await options(['--health-retries', '5', '--health-status', '200-204']), { healthRetries: 5, healthStatus: '200-204' });
  });
});

describe('health check in a services file', () => {
  const PROGRAM = path.resolve('app.exe');
  const entry = (fields) => ({ services: [{ name: 'svc', program: PROGRAM, ...fields }] });

  it('a URL as a string, a command as a list (its program from the file\'s folder)', () => {
    assert.deepEqual(parse(entry({ healthCheck: 'https://localhost:8443/ready', healthInsecure: true })).services[0].hosted.options,
      { healthCheck: 'https://localhost:8443/ready', healthInsecure: true });
    const dir = path.resolve('conf');
    assert.deepEqual(parse(entry({ healthCheck: ['check.exe', '--quick'], healthRetries: 5 }), path.join(dir, 'svc.json')).services[0].hosted.options,
      { healthCheck: [path.join(dir, 'check.exe'), '--quick'], healthRetries: 5 });
  });

  it('refuses an empty command, a retry count of 0 and a number for the status range, naming the field', () => {
    fails(entry({ healthCheck: [] }), /must list the program to run/, 0, 'healthCheck');
    fails(entry({ healthRetries: 0 }), /healthRetries/, 0, 'healthRetries');
    fails(entry({ healthStatus: 200 }), /must be a string/, 0, 'healthStatus');
    fails(entry({ healthStatus: '300-200' }), /field "healthStatus" must be HTTP status codes from-to within 100-599/, 0, 'healthStatus');
    fails(entry({ healthCheck: 'ftp://host/' }), /field "healthCheck" must be an http:\/\/, https:\/\/ or tcp:\/\/host:port URL.*'ftp:' is not one of/, 0, 'healthCheck');
  });
});

/** An HTTP server on 127.0.0.1 answering with `handler`; closes all on `close()`. */
async function server(handler) {
  const s = http.createServer(handler);
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  return { port: s.address().port, close: () => new Promise((r) => { s.closeAllConnections(); s.close(r); }) };
}

const OPTIONS = { timeoutMs: 300, status: { from: 200, to: 399 }, insecure: false, cwd: process.cwd(), env: process.env };
const withSignal = (o = {}) => ({ ...OPTIONS, signal: new AbortController().signal, ...o });

describe('health probes', () => {
  it('HTTP: a status in the range passes, another fails, no answer times out', async () => {
    const s = await server((req, res) => {
      if (req.url === '/hang') return; // never answers
      res.statusCode = req.url === '/bad' ? 503 : 204;
      res.end();
    });
    try {
      const url = (p) => new URL(`http://127.0.0.1:${s.port}${p}`);
      assert.deepEqual(await probe({ type: 'http', url: url('/ok') }, withSignal()), { ok: true, detail: 'status 204' });
      assert.deepEqual(await probe({ type: 'http', url: url('/bad') }, withSignal()), { ok: false, detail: 'status 503, not 200-399' });
      assert.deepEqual(await probe({ type: 'http', url: url('/ok') }, withSignal({ status: { from: 200, to: 200 } })), { ok: false, detail: 'status 204, not 200-200' });
      assert.deepEqual(await probe({ type: 'http', url: url('/hang') }, withSignal()), { ok: false, detail: 'timeout after 0.3 s' });
    } finally {
      await s.close();
    }
  });

  it('HTTPS: a self-signed certificate fails unless healthInsecure', async () => {
    const tls = path.join(__dirname, '..', 'fixtures', 'tls');
    const s = https.createServer({ cert: fs.readFileSync(path.join(tls, 'self-signed-localhost.cert.pem')), key: fs.readFileSync(path.join(tls, 'self-signed-localhost.key.pem')) },
      (req, res) => res.end('ok'));
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    try {
      const target = healthTarget(`https://127.0.0.1:${s.address().port}/`);
      const verified = await probe(target, withSignal({ timeoutMs: 5000 }));
      assert.equal(verified.ok, false);
      assert.match(verified.detail, /self[- ]signed certificate/);
      assert.deepEqual(await probe(target, withSignal({ timeoutMs: 5000, insecure: true })), { ok: true, detail: 'status 200' });
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('TCP: an accepted connection passes, a refused one fails; an aborted probe settles at once', async () => {
    const s = net.createServer((socket) => socket.destroy());
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address();
    assert.deepEqual(await probe({ type: 'tcp', host: '127.0.0.1', port }, withSignal()), { ok: true, detail: 'connected' });
    await new Promise((r) => s.close(r));
    const refused = await probe({ type: 'tcp', host: '127.0.0.1', port }, withSignal());
    assert.equal(refused.ok, false);
    assert.match(refused.detail, /ECONNREFUSED/);
    const abort = new AbortController();
    const hanging = await server(() => {});
    const pending = probe({ type: 'http', url: new URL(`http://127.0.0.1:${hanging.port}/`) }, withSignal({ timeoutMs: 60000, signal: abort.signal }));
    abort.abort();
    assert.deepEqual(await pending, { ok: false, detail: 'cancelled' });
    await hanging.close();
  });

  it('a command: exit code 0 passes, another fails with its last output, a slow one is terminated', async () => {
    const node = (code) => ({ type: 'command', argv: [process.execPath, '-e', code] });
    assert.deepEqual(await probe(node('process.exit(0)'), withSignal({ timeoutMs: 20000 })), { ok: true, detail: 'exit code 0' });
    assert.deepEqual(await probe(node('console.log("db down"); process.exit(2)'), withSignal({ timeoutMs: 20000 })), { ok: false, detail: 'exit code 2 (last output: db down)' });
    const slow = await probe(node('setTimeout(() => {}, 60000)'), withSignal({ timeoutMs: 500 }));
    assert.deepEqual(slow, { ok: false, detail: 'timeout after 0.5 s: terminated' });
  });
});

/** Settings of a health check against a local server, fast. */
function checkSettings(port, more = {}) {
  return {
    healthCheck: `http://127.0.0.1:${port}/`, healthInterval: 20, healthTimeout: 200, healthRetries: 3, healthGrace: 0, healthStatus: '200-399', healthInsecure: false,
    cwd: process.cwd(), env: {}, envUnset: [], pathPrepend: [], ...more,
  };
}

describe('health check loop', () => {
  it('restarts after the third failure in a row; a pass in between starts the count again; one probe at a time', async () => {
    const answers = [200, 500, 500, 200, 500, 500, 500, 200];
    let inFlight = 0;
    let most = 0;
    const s = await server((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        res.statusCode = answers.shift() ?? 200;
        res.end();
      }, 5);
    });
    const notes = [];
    try {
      const why = await new Promise((resolve) => {
        const check = new HealthCheck(checkSettings(s.port), 'svc', { note: (m) => notes.push(m), unhealthy: resolve });
        check.begin();
      });
      assert.equal(why, `health check failed 3 times: GET http://127.0.0.1:${s.port}/: status 500, not 200-399`);
      assert.equal(answers.length, 1, 'no probe after the restart decision');
      assert.equal(most, 1, 'never two probes at once');
      assert.ok(notes.includes(`health check passed again after 2 failures: GET http://127.0.0.1:${s.port}/: status 200`), notes.join('\n'));
    } finally {
      await s.close();
    }
  });

  it('failures in the grace period do not count; end() stops the probes', async () => {
    let requests = 0;
    const s = await server((req, res) => {
      requests++;
      res.statusCode = 500;
      res.end();
    });
    const notes = [];
    let unhealthy = 0;
    let done;
    const ended = new Promise((r) => { done = r; });
    const graced = () => notes.filter((m) => m.startsWith('health check failed within the grace period (not counted)')).length;
    // Ended from its own note, as a restart ends it: no probe is in flight then.
    const check = new HealthCheck(checkSettings(s.port, { healthGrace: 60000 }), 'svc', {
      note: (m) => {
        notes.push(m);
        if (graced() === 5) {
          check.end();
          done();
        }
      },
      unhealthy: () => unhealthy++,
    });
    try {
      check.begin();
      await ended;
      assert.equal(check.active, false);
      const seen = requests;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(requests, seen, 'no probe after end()');
      assert.equal(unhealthy, 0);
    } finally {
      check.end();
      await s.close();
    }
  });
});

describe('memory limit', () => {
  const p = (pid, parentPid, createdMs = pid) => ({ pid, parentPid, createdMs, exeName: 'x.exe', image: null, commandLine: null });
  // host 10 -> program 20 -> 21 -> 22; host 10 -> hook 30 -> 31; orphan 40 (parent gone); 50 with a reused parent pid 60.
  const table = [p(10, 1, 1), p(20, 10), p(21, 20), p(22, 21), p(30, 10), p(31, 30), p(40, 99), p(60, 10, 100), p(50, 60, 55)];

  it("the program's processes: its tree; in the job also orphans, never the host's own helpers", () => {
    assert.deepEqual(programProcesses(table, 20, 10, [10, 20, 21, 22, 30, 31, 40, 50], true), [20, 21, 22, 40, 50]);
    assert.deepEqual(programProcesses(table, 20, 10, null, false), [20, 21, 22]);
  });

  it('names the largest processes first, at most six', () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ pid: 100 + i, name: 'w.exe', privateBytes: i * 1048576 }));
    assert.equal(describeProcesses(many), '8 processes (w.exe 107: 7.0 MiB, w.exe 106: 6.0 MiB, w.exe 105: 5.0 MiB, w.exe 104: 4.0 MiB, w.exe 103: 3.0 MiB, w.exe 102: 2.0 MiB, 2 more)');
  });

  it('samples every fifth of the duration, within 0.5 to 5 s', () => {
    assert.deepEqual([sampleInterval(1000), sampleInterval(10000), sampleInterval(600000)], [500, 2000, 5000]);
  });

  it('restarts only after the samples stayed above the limit for the duration, with the figures', async () => {
    const mib = 1048576;
    const samples = [300, 100, 300, 300, 300].map((m) => ({ bytes: m * mib, processes: [{ pid: 21, name: 'conhost.exe', privateBytes: 10 * mib }, { pid: 20, name: 'node.exe', privateBytes: (m - 10) * mib }] }));
    const notes = [];
    const why = await new Promise((resolve) => {
      const watch = new MemoryWatch({ memoryLimit: 200 * mib, memoryLimitFor: 600 }, true, { note: (m) => notes.push(m), overLimit: resolve }, async () => samples.shift());
      watch.begin(20);
    });
    assert.match(why, /^memory above the limit for [\d.]+ s: 300\.0 MiB private in 2 processes \(node\.exe 20: 290\.0 MiB, conhost\.exe 21: 10\.0 MiB\), limit 200\.0 MiB for 0\.6 s$/);
    assert.equal(samples.length, 0);
    assert.match(notes[0], /^memory above the limit of 200\.0 MiB: 300\.0 MiB private in 2 processes/);
    assert.match(notes[1], /^memory back under the limit of 200\.0 MiB: 100\.0 MiB/);
  });
});
