'use strict';
// `--success-codes` and `--no-restart-codes`: which exit codes of the hosted program end the
// service (cleanly or as a failure) instead of restarting it.
const scm = require('../..');
const { assert } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, readEvents, readLog, sleep, waitFor } = require('../support/host-service');

const created = [];

async function runToEnd(c, extra, exitCode) {
  const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--backoff', '300ms', '--backoff-limit', '5s', ...extra, '--', PROGRAM, c.events, 'crash', String(exitCode)]);
  assert.equal(installed.code, 0, installed.stderr);
  created.push(c.name);
  await cli(['start', c.name]); // the program exits at once: start may see it stopped already
  const status = await waitFor('the service stopped', async () => {
    const s = await scm.getServiceStatus(c.name);
    return s.state === 'stopped' ? s : null;
  }, 20000);
  await sleep(1000); // a restart (300 ms backoff) would show by now
  return status;
}

describe('service host: exit codes that end the service', function () {
  this.timeout(60000);
  after(async () => {
    await cleanup(created);
  });

  it('a --success-codes exit ends the service cleanly under on-failure, without a restart', async () => {
    const c = newCase('successcode');
    const status = await runToEnd(c, ['--success-codes', '3'], 3);
    assert.equal(status.exitCode, 0, 'no error exit code');
    assert.equal(readEvents(c.events).filter((e) => e.event === 'start').length, 1, 'one run');
    assert.match(readLog(c.logDir, c.name), /program exited with code 3 [^\n]*\n[^\n]*service stopped \(exited\)/);
    assert.doesNotMatch(readLog(c.logDir, c.name), /failed .* after it started/, 'not reported as an early failure');
  });

  it('a --no-restart-codes exit ends the service under restart always, with that service exit code', async () => {
    const c = newCase('norestart');
    const status = await runToEnd(c, ['--restart', 'always', '--no-restart-codes', '78'], 78);
    assert.equal(status.exitCode, 1066);
    assert.equal(status.serviceCode, 78);
    assert.equal(readEvents(c.events).filter((e) => e.event === 'start').length, 1, 'one run');
    assert.match(readLog(c.logDir, c.name), /service stopped \(failed, service-specific exit code 78\)/);
  });
});
