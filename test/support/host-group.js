'use strict';
// Helpers of the host-group tests (test/integration/host-group*.test.js): installing members of a
// group, and checking after each step which members run, undisturbed, and which are stopped.
const { assert, underWine } = require('./scm');
const { PROGRAM, alive, cli, newCase, processGone, readLog, waitFor } = require('./host-service');

const FAST = ['--backoff', '300ms', '--backoff-limit', '1s', '--stop-timeout', '2s'];

/** Installs a member of `group` running the fixture program in `mode`. */
async function install(created, tag, group, mode = 'serve', extra = []) {
  const c = newCase(tag);
  const result = await cli(['install', c.name, '--allow-insecure-location', '--log-dir', c.logDir, '--host-group', group, ...FAST, ...extra, '--', PROGRAM, c.events, mode]);
  assert.equal(result.code, 0, `install failed: ${result.stderr}`);
  created.push(c.name);
  c.installed = result;
  return c;
}

async function statusJson(name) {
  const result = await cli(['status', name, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

/** The member's program pid once its host reports it running (the status file). */
async function runningProgram(c) {
  return waitFor(`${c.name} running its program`, async () => {
    const s = await statusJson(c.name);
    return s.state === 'running' && s.hostState === 'running' && s.programPid && alive(s.programPid) ? s : null;
  }, 20000);
}

/** Lines the program wrote to its log go on growing: it runs and its output reaches its own log. */
async function answering(c) {
  const before = readLog(c.logDir, c.name).length;
  await waitFor(`${c.name}'s log to grow`, () => readLog(c.logDir, c.name).length > before, 10000);
}

/**
 * Checks every member: those in `running` run the program they ran before (pids in `programs`,
 * updated for newly started ones) and answer; the others are stopped with their program gone.
 * On Windows the running members share one host pid.
 */
async function expectRunning(members, running, programs) {
  const hostPids = new Set();
  for (const c of members) {
    if (running.includes(c)) {
      const s = await runningProgram(c);
      if (programs.has(c.name)) assert.equal(s.programPid, programs.get(c.name), `${c.name}'s program was not disturbed`);
      programs.set(c.name, s.programPid);
      hostPids.add(s.hostPid);
      await answering(c);
    } else {
      const s = await statusJson(c.name);
      assert.equal(s.state, 'stopped', `${c.name} is stopped`);
      const before = programs.get(c.name);
      if (before) assert.ok(await processGone(before), `${c.name}'s program ${before} ended with its service`);
      programs.delete(c.name);
    }
  }
  if (!underWine && running.length > 0) assert.equal(hostPids.size, 1, `one host process for the group: ${[...hostPids]}`);
  if (underWine) assert.equal(hostPids.size, running.length, 'Wine: one process per service');
  return [...hostPids];
}

async function start(c) {
  const r = await cli(['start', c.name]);
  assert.equal(r.code, 0, `start ${c.name}: ${r.stderr}`);
}

async function stop(c) {
  const r = await cli(['stop', c.name]);
  assert.equal(r.code, 0, `stop ${c.name}: ${r.stderr}`);
}

function permutations(items) {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

module.exports = { answering, expectRunning, install, permutations, runningProgram, start, statusJson, stop };
