'use strict';
// Section 8: status changes as they happen. The tour installs the Node sample service
// (examples/services/hello-service.js, as section 6 does), watches it with watchService while it
// starts, pauses, continues and stops it, iterates a watcher with for await, cancels a wait with
// an AbortSignal, and deletes the service. First, watchServices on the whole SCM database.
const { once } = require('node:events');
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { win32ErrorName } = require('../..');
const { errorFields, formatMs, processGone, waitFor } = require('./support');

const SCRIPT = path.join(__dirname, '..', 'services', 'hello-service.js');
const WAIT_MS = 20000;

/** Resolves once `predicate()` is true (checked every 50 ms); rejects after 10 s. */
const until = (predicate, what) => waitFor(what, predicate, 10000, 50);

/** One line per status, as a watcher reports it. */
function describeStatus(status) {
  const details = [];
  if (status.pid > 0) details.push(`pid ${status.pid}`);
  if (status.state.endsWith('_pending')) details.push(`checkpoint ${status.checkpoint}, wait hint ${status.waitHint} ms`);
  if (status.state === 'stopped') details.push(`exit code ${status.exitCode}${status.exitCode === 0 ? '' : ` ${win32ErrorName(status.exitCode)}`}`);
  return `${status.state}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * watchServices(): services created and deleted. Resolves { watcher, changes, supported }; under
 * Wine the watcher reports ERROR_CALL_NOT_IMPLEMENTED and closes.
 */
async function watchDatabase(t) {
  const { scm } = t;
  t.say('watchServices() watches the SCM database for services created and deleted (an EventEmitter');
  t.say("with 'created', 'deleted', 'change', 'error' and 'close'). unref() lets the process exit while it watches:");
  const changes = [];
  const errors = [];
  const { value: watcher } = await t.call('const db = scm.watchServices().unref()', () => scm.watchServices().unref(), { show: false });
  t.defer(() => watcher.close());
  watcher.on('change', (change) => {
    changes.push(change);
    t.write(`    [watchServices] ${change.type} ${change.name}\n`);
  });
  watcher.on('error', (error) => errors.push(error));
  if (t.underWine) {
    await until(() => errors.length > 0 && watcher.closed, "watchServices' error under Wine");
    t.say("Wine's SCM has no database notifications: the watcher emits this 'error', then closes:");
    t.fields(errorFields(errors[0]), '      ');
    t.check(errors[0].code === 'ERROR_CALL_NOT_IMPLEMENTED', `watchServices failed with ${errors[0].code}`);
    return { watcher, changes, supported: false };
  }
  // Give the native thread time to register before the service is created.
  await new Promise((r) => setTimeout(r, 500));
  t.check(errors.length === 0, `watchServices failed: ${errors[0] && errors[0].message}`);
  return { watcher, changes, supported: true };
}

/** Starts, pauses, continues, controls and stops the service while a watcher prints each change. */
async function watchLive(t, name) {
  const { scm } = t;
  t.say();
  t.say('watchService(name) reports the current status, then every change, as it happens');
  t.say('(NotifyServiceStatusChangeW on a native thread, re-armed after each report: no polling).');
  t.say('Each [watcher] line below is printed by the watcher\'s listener while the calls run:');
  const began = performance.now();
  const seen = [];
  const errors = [];
  const { value: watcher } = await t.call([
    `const watcher = scm.watchService('${name}')`,
    "watcher.on('change', (status) => console.log(status.state, ...))",
  ].join('\n'), () => scm.watchService(name), { show: false });
  t.defer(() => watcher.close());
  watcher.on('change', (status) => {
    seen.push(status.state);
    t.write(`    [watcher +${formatMs(performance.now() - began)}] ${describeStatus(status)}\n`);
  });
  watcher.on('error', (error) => {
    errors.push(error);
    t.write(`    [watcher] error: ${error.message}\n`);
  });
  // The first report is the current status. Waiting for it before the next SCM call also keeps
  // clear of a race in Wine's RPC client (docs/wine.md).
  await until(() => seen.length > 0, 'the first status from watchService');

  const { value: started } = await t.call(`await scm.startService('${name}', { wait: ${WAIT_MS} })`,
    () => scm.startService(name, { wait: WAIT_MS }));
  t.check(started === true, `${name} did not reach running`);
  const { value: paused } = await t.call(`await scm.pauseService('${name}', { wait: 5000 })`, () => scm.pauseService(name, { wait: 5000 }));
  t.check(paused === true, `${name} did not pause`);
  const { value: asked } = await t.call(`await scm.interrogateService('${name}')   // the service reports its status now`,
    () => scm.interrogateService(name), { show: false });
  t.result(`{ state: '${asked.state}', pid: ${asked.pid}, acceptedControls: [${asked.acceptedControls.map((c) => `'${c}'`).join(', ')}], ... }`);
  t.check(asked.state === 'paused', `interrogate says ${asked.state}`);
  const { value: resumed } = await t.call(`await scm.continueService('${name}', { wait: 5000 })`, () => scm.continueService(name, { wait: 5000 }));
  t.check(resumed === true, `${name} did not continue`);
  const { value: controlled } = await t.call(`await scm.controlService('${name}', 200)   // user-defined: 128-255`,
    () => scm.controlService(name, 200), { show: false });
  t.result(`{ state: '${controlled.state}', ... }   (no state change: the watcher stays quiet)`);
  const { value: stopped } = await t.call(`await scm.stopService('${name}', { wait: ${WAIT_MS} })`, () => scm.stopService(name, { wait: WAIT_MS }));
  t.check(stopped === true, `${name} did not stop`);
  await until(() => seen.length > 1 && seen[seen.length - 1] === 'stopped', "the watcher's 'stopped'");

  await t.call('watcher.close()   // then it emits \'close\'', async () => {
    watcher.close();
    if (!watcher.closed) await once(watcher, 'close');
  }, { show: false });
  t.check(errors.length === 0, `the watcher reported ${errors.length} error(s)`);
  const main = seen.filter((state, i) => ['stopped', 'running', 'paused'].includes(state) && state !== seen[i - 1]);
  t.say(`Seen: ${seen.join(' -> ')}`);
  t.check(main.join(' ') === 'stopped running paused running stopped', `the watcher saw ${seen.join(', ')}`);
}

/** A watcher as an async iterator, while the service starts; `break` closes the watcher. */
async function iterate(t, name) {
  const { scm } = t;
  t.say();
  t.say('A watcher is also an async iterator. Start the service after the first status arrives; leaving');
  t.say('the loop with break closes the watcher:');
  t.write([
    `  > for await (const status of scm.watchService('${name}')) {`,
    '      console.log(status.state);',
    `      if (first) starting = scm.startService('${name}', { wait: ${WAIT_MS} });`,
    "      if (status.state === 'running') break;",
    '    }',
  ].join('\n') + '\n');
  const watcher = scm.watchService(name);
  t.defer(() => watcher.close());
  // Should the service never run, closing the watcher ends the loop.
  const guard = setTimeout(() => watcher.close(), WAIT_MS + 5000);
  let starting = null;
  const states = [];
  try {
    for await (const status of watcher) {
      states.push(status.state);
      t.write(`    ${describeStatus(status)}\n`);
      if (starting === null) {
        starting = scm.startService(name, { wait: WAIT_MS });
        starting.catch(() => watcher.close());
      }
      if (status.state === 'running') break;
    }
  } finally {
    clearTimeout(guard);
  }
  const started = await starting;
  t.check(started === true && states[states.length - 1] === 'running', `the loop ended after ${states.join(', ')}`);
  await until(() => watcher.closed, 'the watcher closing after break');
  t.result(`watcher.closed: ${watcher.closed}`);
}

/** A wait cancelled with an AbortSignal. */
async function abortWait(t, name) {
  const { scm } = t;
  t.say();
  t.say('Every wait takes an AbortSignal. Wait for a state nobody asks for (paused), and abort after 300 ms:');
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 300);
  const { value: outcome, ms } = await t.call([
    'const controller = new AbortController(); setTimeout(() => controller.abort(), 300);',
    `await scm.waitForServiceState('${name}', 'paused', { signal: controller.signal })`,
  ].join('\n'), async () => {
    try {
      const result = await scm.waitForServiceState(name, 'paused', { signal: controller.signal });
      return { resolved: result };
    } catch (error) {
      return { rejected: error };
    } finally {
      clearTimeout(timer);
    }
  }, { show: false });
  t.check(outcome.rejected !== undefined, `the wait resolved: ${JSON.stringify(outcome.resolved)}`);
  t.write(`    rejects ${outcome.rejected.name}: ${outcome.rejected.message}   (${formatMs(ms)})\n`);
  t.check(outcome.rejected.name === 'AbortError', `rejected with ${outcome.rejected.name}`);
  t.check(ms >= 250 && ms < 5000, `the wait ended after ${formatMs(ms)}`);
  const { value: state } = await t.call(`await scm.getServiceState('${name}')   // the service itself is untouched`,
    () => scm.getServiceState(name));
  t.check(state === 'running', `the service is ${state}`);

  t.say('The same signal option works for the waits of startService, stopService, pauseService and');
  t.say('continueService (the control is sent; only the wait is cancelled). An aborted signal rejects at once:');
  const { value: early } = await t.call(`await scm.waitForServiceState('${name}', 'stopped', { signal: AbortSignal.abort() })`,
    async () => scm.waitForServiceState(name, 'stopped', { signal: AbortSignal.abort() }).then(() => 'resolved', (e) => e.name),
    { show: false });
  t.result(`rejects ${early}`);
  t.check(early === 'AbortError', `an aborted signal gave ${early}`);
}

module.exports = {
  title: 'Watching a service live (watchService, pause/continue, for await, AbortSignal)',
  admin: true,
  timeoutMs: 150000,
  async run(t) {
    const { scm } = t;
    const dir = t.tempDir('scmn-tour-');
    const name = t.serviceName('watched');
    const logFile = path.join(dir, 'hello-service.log');
    t.deferDelete(name, { stop: true }); // only if a step below fails before the deletion

    const db = await watchDatabase(t);

    t.say();
    t.say('Install the Node sample service (examples/services/hello-service.js, as in section 6):');
    const command = { path: process.execPath, args: [SCRIPT, '--log', logFile, '--name', name] };
    await t.call([
      `await scm.createService('${name}',`,
      '  { path: process.execPath, args: [script, \'--log\', logFile, \'--name\', name] },',
      `  { startType: 'demand_start', displayName: 'scm-native tour watched service (${t.runId})' })`,
    ].join('\n'), () => scm.createService(name, command, { startType: 'demand_start', displayName: `scm-native tour watched service (${t.runId})` }));
    if (db.supported) await until(() => db.changes.some((c) => c.type === 'created' && c.name === name), `'created' ${name} from watchServices`);

    await watchLive(t, name);
    const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    t.check(/control 200: counter is now 1/.test(log), 'the service did not log user control 200');

    await iterate(t, name);
    await abortWait(t, name);

    t.say();
    t.say('Stop and delete it:');
    const { pid } = await scm.getServiceStatus(name);
    const { value: stopped } = await t.call(`await scm.stopService('${name}', { wait: ${WAIT_MS} })`, () => scm.stopService(name, { wait: WAIT_MS }));
    t.check(stopped === true, `${name} did not stop`);
    t.check(await processGone(pid), `the service process ${pid} is still there`);
    await t.call(`await scm.deleteService('${name}')`, () => scm.deleteService(name));
    const { value: exists } = await t.call(`await scm.serviceExists('${name}')`, () => scm.serviceExists(name));
    t.check(exists === false, 'the service still exists after deleteService');
    if (db.supported) {
      await until(() => db.changes.some((c) => c.type === 'deleted' && c.name === name), `'deleted' ${name} from watchServices`);
      db.watcher.close();
    }
  },
};
