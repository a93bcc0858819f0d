'use strict';
// What the CLI says when a name is wrong, against the real SCM: a service that does not exist is
// said to not exist by every command that takes a name (not "was not installed by scm-native"),
// and removing a service scm-native did not install points to --force.
const scm = require('../..');
const { assert, createDemandService, deleteQuietly, uniqueServiceName } = require('../support/scm');
const { cli } = require('../support/cli');

const created = [];

/** The last line of `text` (progress lines such as "Removing x..." come before the error). */
const lastLine = (text) => text.trimEnd().split('\n').pop();

describe('CLI messages about a service name', function () {
  this.timeout(60000);
  after(() => deleteQuietly(scm, created));

  it('a name that does not exist: every command says so (ERROR_SERVICE_DOES_NOT_EXIST, exit 1)', async () => {
    const name = uniqueServiceName('missing');
    const commands = [
      ['update', name, '--restart', 'always'], ['update', name, '--args', '--', 'x'], ['remove', name], ['remove', name, '--force'], ['upgrade', name],
      ['start', name], ['stop', name], ['restart', name], ['status', name], ['logs', name], ['rotate', name], ['debug', name],
    ];
    for (const args of commands) {
      const r = await cli(args);
      const what = `${args.join(' ')}: ${r.stderr}`;
      assert.equal(r.code, 1, what);
      assert.equal(lastLine(r.stderr), `scm-native: error: service '${name}' does not exist (ERROR_SERVICE_DOES_NOT_EXIST, 1060)`, what);
      assert.doesNotMatch(r.stderr, /not installed by scm-native|force/, what);
    }
    assert.equal(await scm.serviceExists(name), false);
  });

  it('the library: a missing service is ERROR_SERVICE_DOES_NOT_EXIST for status, settings changes, logs and remove', async () => {
    const name = uniqueServiceName('missing');
    const calls = [
      () => scm.getProgramServiceStatus(name), () => scm.updateProgramService(name, {}, { restart: 'always' }), () => scm.removeProgramService(name),
      () => scm.removeProgramService(name, { force: true }),
    ];
    for (const call of calls) await assert.rejects(call(), (e) => e.code === 'ERROR_SERVICE_DOES_NOT_EXIST' && e.service === name);
  });

  it('a service scm-native did not install: remove says to pass --force, status and update say it is not hosted; remove --force deletes it', async () => {
    const name = await createDemandService(scm, created, 'plain');
    const refused = await cli(['remove', name]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(lastLine(refused.stderr), `scm-native: error: Service Control Manager call failed for service '${name}': service '${name}' was not installed by scm-native: ` +
      `pass --force to remove it anyway (scm-native remove ${name} --force) (ERR_SCM_NOT_HOSTED)`);
    assert.equal(await scm.serviceExists(name), true, 'still there');
    for (const args of [['status', name], ['update', name, '--restart', 'always'], ['logs', name]]) {
      const r = await cli(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(lastLine(r.stderr), new RegExp(`service '${name}' was not installed by scm-native .*\\(ERR_SCM_NOT_HOSTED\\)$`), args.join(' '));
    }
    const forced = await cli(['remove', name, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, new RegExp(`removed ${name}`));
    // Gone, or (a handle still open somewhere) marked for deletion.
    const after = await scm.getServiceStatus(name).then(() => 'exists', (e) => e.code);
    assert.ok(['ERROR_SERVICE_DOES_NOT_EXIST', 'exists'].includes(after), after);
    if (after === 'exists') await assert.rejects(scm.deleteService(name), { code: 'ERROR_SERVICE_MARKED_FOR_DELETE' });
  });
});
