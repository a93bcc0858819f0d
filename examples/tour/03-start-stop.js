'use strict';
// Section 3: starting and stopping an existing service, waiting for each change without polling,
// and putting the service back the way it was.
const { formatMs } = require('./support');

/** Tried in order; a candidate that is disabled or has running dependents is passed over. */
const CANDIDATES = ['Spooler', 'BITS'];
const WAIT_MS = 30000;
const PASS_OVER = new Set(['ERROR_SERVICE_DISABLED', 'ERROR_DEPENDENT_SERVICES_RUNNING']);

async function start(t, name) {
  t.say(`Start ${name} and wait until it runs (startService resolves true once it is running):`);
  const { value: started, ms } = await t.call(`await scm.startService('${name}', { wait: ${WAIT_MS} })`,
    () => t.scm.startService(name, { wait: WAIT_MS }));
  t.check(started === true, `${name} did not reach running within ${WAIT_MS} ms`);
  const status = await t.scm.getServiceStatus(name);
  t.say(`  -> ${status.state}, pid ${status.pid}, took ${formatMs(ms)}`);
  t.check(status.state === 'running' && status.pid > 0, `${name} is ${status.state} with pid ${status.pid}`);
}

async function stop(t, name) {
  t.say(`Stop ${name} without waiting, then wait for 'stopped' with waitForServiceState`);
  t.say('(NotifyServiceStatusChangeW on a native thread: no polling, the event loop stays free):');
  const began = Date.now();
  await t.call(`await scm.stopService('${name}')`, () => t.scm.stopService(name));
  const { value: result } = await t.call(`await scm.waitForServiceState('${name}', 'stopped', { timeout: ${WAIT_MS} })`,
    () => t.scm.waitForServiceState(name, 'stopped', { timeout: WAIT_MS }), { show: false });
  t.result(`{ outcome: '${result.outcome}', status: { state: '${result.status && result.status.state}', ... } }`);
  t.check(result.outcome === 'reached', `waiting for ${name} to stop ended with '${result.outcome}'`);
  const status = await t.scm.getServiceStatus(name);
  t.say(`  -> ${status.state}, pid ${status.pid}, took ${formatMs(Date.now() - began)}`);
  t.check(status.state === 'stopped', `${name} is ${status.state}`);
}

module.exports = {
  title: 'Starting and stopping a service',
  admin: true,
  async run(t) {
    const { scm } = t;
    for (const name of CANDIDATES) {
      if (!(await scm.serviceExists(name))) {
        t.say(`${name} does not exist here; trying the next candidate.`);
        continue;
      }
      const before = await scm.getServiceStatus(name);
      const displayName = await scm.getServiceDisplayName(name);
      t.say(`${name} (${displayName}) is ${before.state}${before.pid > 0 ? `, pid ${before.pid}` : ''}.`);
      if (before.state !== 'running' && before.state !== 'stopped') {
        t.say(`  it is busy (${before.state}); trying the next candidate.`);
        continue;
      }
      const wasRunning = before.state === 'running';
      // Whatever happens below, leave the service as it was found.
      t.defer(async () => {
        const now = await scm.getServiceState(name);
        if (wasRunning && now !== 'running') await scm.startService(name, { wait: WAIT_MS });
        if (!wasRunning && now !== 'stopped') await scm.stopService(name, { wait: WAIT_MS });
      });
      try {
        t.say();
        if (wasRunning) {
          await stop(t, name);
          t.say();
          await start(t, name);
        } else {
          await start(t, name);
          t.say();
          await stop(t, name);
        }
      } catch (error) {
        if (!(error instanceof scm.ScmError && PASS_OVER.has(error.code))) throw error;
        t.say(`  ${name} cannot be used here (${error.code}); trying the next candidate.`);
        continue;
      }
      t.say();
      t.say(`${name} is ${await scm.getServiceState(name)} again, as it was found.`);
      t.say("Starting a running service or stopping a stopped one is not an error (twapi's semantics):");
      await t.call(`await scm.${wasRunning ? 'startService' : 'stopService'}('${name}')`,
        () => (wasRunning ? scm.startService(name) : scm.stopService(name)));
      return;
    }
    throw new Error(`none of ${CANDIDATES.join(', ')} could be started and stopped`);
  },
};
