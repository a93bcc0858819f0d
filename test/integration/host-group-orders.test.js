'use strict';
// Host groups: two and three members started, stopped, restarted and removed in many orders
// (every order for two, a representative sequence for three). After each step every member that
// should run runs with the same program as before the step (nothing else was disturbed) and
// answers, and every other one is stopped with its program gone; the host process ends with its
// last member. On Windows the running members share one host pid; Wine 8 gives each its own
// (docs/wine.md).
const scm = require('../..');
const { assert } = require('../support/scm');
const { cleanup, cli, processGone } = require('../support/host-service');
const groups = require('../support/host-group');

const created = [];
const install = (...args) => groups.install(created, ...args);
const { expectRunning, permutations, start, statusJson, stop } = groups;

describe('host groups: members started, stopped, restarted and removed in every order', function () {
  this.timeout(240000);
  after(async () => {
    await cleanup(created);
  });

  it('two members: started and stopped in every order, restarted, removed in both orders', async () => {
    const a = await install('g2a', 'grp-two');
    const b = await install('g2b', 'grp-two');
    const members = [a, b];
    const programs = new Map();
    for (const startOrder of permutations(members)) {
      for (const stopOrder of permutations(members)) {
        const running = [];
        for (const c of startOrder) {
          await start(c);
          running.push(c);
          await expectRunning(members, running, programs);
        }
        const hostPids = await expectRunning(members, running, programs);
        for (const c of stopOrder) {
          await stop(c);
          running.splice(running.indexOf(c), 1);
          await expectRunning(members, running, programs);
        }
        // The host process ends with the last service it ran.
        for (const pid of hostPids) assert.ok(await processGone(pid, 15000), `host ${pid} ended with its last service`);
      }
    }
    // A restart of one member leaves the other's program alone.
    await start(a);
    await start(b);
    await expectRunning(members, [a, b], programs);
    const restarted = await cli(['restart', a.name]);
    assert.equal(restarted.code, 0, restarted.stderr);
    programs.delete(a.name);
    await expectRunning(members, [a, b], programs);
    await stop(a);
    await stop(b);
    // Removing either member first stops only it; the host ends with the last one's removal.
    for (const [round, first] of [[1, 0], [2, 1]]) {
      const pair = [await install(`g2r${round}a`, 'grp-two'), await install(`g2r${round}b`, 'grp-two')];
      const progs = new Map();
      for (const c of pair) await start(c);
      await expectRunning(pair, pair, progs);
      const [gone, kept] = first === 0 ? pair : [pair[1], pair[0]];
      const removed = await cli(['remove', gone.name]);
      assert.equal(removed.code, 0, removed.stderr);
      await assert.rejects(scm.getServiceStatus(gone.name), (e) => e.errno === 1060);
      assert.ok(await processGone(progs.get(gone.name)), 'the removed member\'s program ended');
      progs.delete(gone.name);
      await expectRunning([kept], [kept], progs);
      const hostPid = (await statusJson(kept.name)).hostPid;
      assert.equal((await cli(['remove', kept.name])).code, 0);
      assert.ok(await processGone(hostPid, 15000), 'the host ended with its last service');
    }
  });

  it('three members: a representative set of orders, each step disturbing no other member', async () => {
    const [a, b, c] = [await install('g3a', 'grp-three'), await install('g3b', 'grp-three'), await install('g3c', 'grp-three')];
    const members = [a, b, c];
    const programs = new Map();
    const steps = [
      ['start', a], ['start', b], ['start', c],
      ['stop', b], ['restart', a], ['start', b], ['stop', a], ['stop', c], ['start', a], ['start', c],
      ['restart', c], ['stop', b], ['stop', c], ['stop', a],
      ['start', c], ['start', b], ['start', a], ['remove', b], ['stop', a], ['remove', c], ['remove', a],
    ];
    let running = [];
    let present = [...members];
    for (const [action, m] of steps) {
      const r = await cli([action, m.name]);
      assert.equal(r.code, 0, `${action} ${m.name}: ${r.stderr}`);
      if (action === 'start') running.push(m);
      if (action === 'stop' || action === 'remove') running = running.filter((x) => x !== m);
      if (action === 'restart') programs.delete(m.name);
      if (action === 'remove') present = present.filter((x) => x !== m);
      await expectRunning(present, running, programs);
    }
  });

});
