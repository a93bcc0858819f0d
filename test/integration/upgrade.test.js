'use strict';
// Hosted services run the host from a versioned runtime folder in %ProgramFiles%\scm-native
// (lib/host/host-runtime.ts); `scm-native upgrade` points them to this version's folder,
// restarting running ones, and removes the folders no service uses any more.
const fs = require('node:fs');
const path = require('node:path');
const scm = require('../..');
const { assert } = require('../support/scm');
const { PROGRAM, cleanup, cli, newCase, waitForEvent } = require('../support/host-service');

describe('scm-native upgrade', function () {
  this.timeout(90000);
  const created = [];
  const runtimes = path.join(process.env.ProgramFiles, 'scm-native');
  const old = path.join(runtimes, '0.0.0-000000000000');
  after(async () => {
    await cleanup(created);
    fs.rmSync(old, { recursive: true, force: true });
  });

  /** [node.exe, the host script] of a service's command line (node's own flags come between them). */
  async function hostMainOf(name) {
    const { command } = await scm.getServiceConfiguration(name, { fields: ['command'] });
    const [node, ...args] = scm.parseCommandLine(command);
    return [node, args.find((arg) => !arg.startsWith('-'))];
  }

  it('re-points every hosted service to this version, restarts the running one, and removes the unused folder', async () => {
    const running = newCase('upgrade-running');
    const stopped = newCase('upgrade-stopped');
    for (const c of [running, stopped]) {
      const installed = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--stop-timeout', '2s', '--', PROGRAM, c.events, 'serve']);
      assert.equal(installed.code, 0, installed.stderr);
      created.push(c.name);
    }
    const [node, hostMain] = await hostMainOf(running.name);
    const current = path.dirname(path.dirname(path.dirname(hostMain)));
    assert.equal(path.dirname(current).toLowerCase(), runtimes.toLowerCase(), 'installed into the runtime folder');
    // An "older version": a copy of this runtime under another name, which both services run from.
    fs.cpSync(current, old, { recursive: true });
    for (const c of [running, stopped]) {
      await scm.setServiceConfiguration(c.name, { command: { path: node, args: [path.join(old, 'dist', 'host', 'host-main.js'), '--service', c.name] } });
    }
    assert.equal((await cli(['start', running.name])).code, 0);
    const before = await scm.getServiceStatus(running.name);

    const usage = await cli(['upgrade']);
    assert.equal(usage.code, 2, 'names or --all');
    const upgraded = await cli(['upgrade', '--all']);
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.match(upgraded.stdout, new RegExp(`upgraded ${running.name} \\(restarted\\)`));
    assert.match(upgraded.stdout, new RegExp(`upgraded ${stopped.name}\\n`));
    assert.match(upgraded.stderr, /removed .*0\.0\.0-000000000000/);

    for (const c of [running, stopped]) assert.equal((await hostMainOf(c.name))[1].toLowerCase(), hostMain.toLowerCase(), `${c.name} on this version`);
    const after = await scm.getServiceStatus(running.name);
    assert.equal(after.state, 'running');
    assert.notEqual(after.pid, before.pid, 'restarted on the new host');
    assert.equal((await scm.getServiceStatus(stopped.name)).state, 'stopped', 'a stopped service is not started');
    assert.equal(fs.existsSync(old), false, 'the unused folder is gone');
    assert.equal(fs.existsSync(current), true, 'the folder in use stays');

    const again = await cli(['upgrade', running.name]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already on this version/);
    await waitForEvent(running.events, (e) => e.event === 'start');
  });
});
