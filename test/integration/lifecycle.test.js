'use strict';
// Creating and deleting services against the real SCM. What the library cannot read back yet
// (start type, error control, group, image path...) is read from the service's registry key,
// where both Windows and Wine's services.exe keep a service's configuration.
const { spawnSync } = require('../support/child');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const util = require('node:util');
const scm = require('../..');
const { binding } = require('../../binding');
const { assert, deleteQuietly, itWindowsOnly, rejectsWithCode, underWine, uniqueServiceName } = require('../support/scm');

/** The values of HKLM\System\CurrentControlSet\Services\<name> (via `reg export`), by value name. */
function serviceRegistry(name) {
  const file = path.join(os.tmpdir(), `scmn-reg-${process.pid}-${Date.now()}.reg`);
  const log = fs.openSync(`${file}.log`, 'w'); // under Wine a child's stdout must be a file
  try {
    const result = spawnSync('reg', ['export', `HKLM\\System\\CurrentControlSet\\Services\\${name}`, file, '/y'], {
      stdio: ['ignore', log, log], timeout: 20000,
    });
    assert.equal(result.status, 0, `reg export failed: ${fs.readFileSync(`${file}.log`, 'utf8')}`);
    const raw = fs.readFileSync(file);
    const text = raw[0] === 0xff && raw[1] === 0xfe ? raw.toString('utf16le').slice(1) : raw.toString('utf8');
    return parseRegExport(text);
  } finally {
    fs.closeSync(log);
    fs.rmSync(file, { force: true });
    fs.rmSync(`${file}.log`, { force: true });
  }
}

function parseRegExport(text) {
  const values = {};
  const lines = text.replace(/\\\r?\n\s*/g, '').split(/\r?\n/); // join continuation lines
  let inMainKey = false;
  for (const line of lines) {
    if (line.startsWith('[')) {
      inMainKey = !/\\[^\\\]]+\\[^\]]+\]$/.test(line.replace(/^\[HKEY_LOCAL_MACHINE\\System\\CurrentControlSet\\Services/i, '['));
      continue;
    }
    const match = /^"((?:[^"\\]|\\.)*)"=(.*)$/.exec(line);
    if (!inMainKey || !match) continue;
    const name = match[1].replace(/\\(.)/g, '$1');
    const data = match[2];
    let value;
    if (data.startsWith('"')) value = data.slice(1, -1).replace(/\\(.)/g, '$1');
    else if (data.startsWith('dword:')) value = parseInt(data.slice(6), 16);
    else if (/^hex\((2|7)\):/.test(data)) {
      const bytes = Buffer.from(data.replace(/^hex\(\d\):/, '').split(',').filter(Boolean).map((h) => parseInt(h, 16)));
      const strings = bytes.toString('utf16le').split('\0');
      value = data.startsWith('hex(2)') ? strings[0] : strings.filter((s) => s !== '');
    } else value = data;
    values[name] = value;
  }
  return values;
}

const created = [];
function newName(tag) {
  const name = uniqueServiceName(tag);
  created.push(name);
  return name;
}

describe('createService / deleteService', () => {
  after(async function () {
    this.timeout(60000);
    await deleteQuietly(scm, created);
  });

  it('creates a service with display name, interactive flag, demand start, error control, group, dependencies, description and a quoted {path,args} command', async () => {
    const name = newName('full');
    const displayName = `SCMN Test Full ${name}`;
    const command = { path: 'C:\\Program Files\\scmn test dir\\svc.exe', args: ['a b', 'q"uote', 'trailing\\', '', 'x\\\\"y'] };
    const description = `Described: é ü 日本 😀 (${name})`;
    const group = `SCMN Group ${process.pid}`;
    await scm.createService(name, command, {
      displayName, serviceType: 'win32_own_process', interactive: true, startType: 'demand_start', errorControl: 'ignore',
      loadOrderGroup: group, dependencies: ['Spooler'], description,
    });

    assert.equal(await scm.serviceExists(name), true);
    assert.equal(await scm.serviceExists(displayName), true);
    assert.equal(await scm.getServiceDisplayName(name), displayName);
    assert.equal(await scm.getServiceInternalName(displayName), name);
    const status = await scm.getServiceStatus(name);
    assert.equal(status.state, 'stopped');
    assert.equal(status.serviceType, 'win32_own_process');
    assert.equal(status.interactive, true);
    assert.equal(status.serviceTypeBits, 0x110);
    assert.equal(status.pid, -1);

    const reg = serviceRegistry(name);
    assert.equal(reg.Start, 3, 'demand_start');
    assert.equal(reg.ErrorControl, 0, 'ignore');
    assert.equal(reg.Type, 0x110);
    assert.equal(reg.Group, group);
    assert.equal(reg.DisplayName, displayName);
    assert.equal(reg.Description, description);
    assert.deepEqual(reg.DependOnService, ['Spooler']);
    // The stored command line is the quoted one, and the system's own parser splits it back.
    assert.equal(reg.ImagePath, scm.quoteCommandLine([command.path, ...command.args]));
    assert.match(reg.ImagePath, /^"C:\\Program Files\\scmn test dir\\svc\.exe" /);
    assert.deepEqual(binding.commandLineToArgv(reg.ImagePath), [command.path, ...command.args]);
  });

  it('creates a shared-process, disabled, severe service under an account with a password', async () => {
    const name = newName('acct');
    await scm.createService(name, 'C:\\scmn\\shared.exe -k group', {
      serviceType: 'win32_share_process', startType: 'disabled', errorControl: 'severe',
      account: 'NT AUTHORITY\\LocalService', password: '',
    });
    const status = await scm.getServiceStatus(name);
    assert.equal(status.serviceType, 'win32_share_process');
    assert.equal(status.interactive, false);
    assert.equal(await scm.getServiceDisplayName(name), name, 'the display name defaults to the internal name');
    const reg = serviceRegistry(name);
    assert.equal(reg.Start, 4, 'disabled');
    assert.equal(reg.ErrorControl, 2, 'severe');
    assert.equal(reg.Type, 0x20);
    assert.equal(reg.ObjectName, 'NT AUTHORITY\\LocalService');
    assert.equal(reg.ImagePath, 'C:\\scmn\\shared.exe -k group', 'a string command is stored verbatim');
    await assert.rejects(scm.startService(name), (error) => {
      assert.ok(error instanceof scm.ScmError);
      assert.equal(error.code, 'ERROR_SERVICE_DISABLED');
      assert.equal(error.errno, 1058);
      assert.equal(error.syscall, 'StartServiceW');
      return true;
    });
  });

  it('defaults: own process, auto start, normal error control, LocalSystem', async () => {
    const name = newName('dflt');
    await scm.createService(name, 'C:\\scmn\\default.exe');
    const reg = serviceRegistry(name);
    assert.equal(reg.Start, 2);
    assert.equal(reg.ErrorControl, 1);
    assert.equal(reg.Type, 0x10);
    assert.equal(reg.ObjectName, 'LocalSystem');
    assert.equal((await scm.getServiceStatus(name)).state, 'stopped');
  });

  it('a duplicate name is ERROR_SERVICE_EXISTS, and the password never shows in the error', async () => {
    const name = newName('dup');
    const password = 'Zq9-RECOGNISABLE-pw-4417';
    await scm.createService(name, 'C:\\scmn\\dup.exe', { startType: 'demand_start' });
    await assert.rejects(
      scm.createService(name, 'C:\\scmn\\dup2.exe', { account: 'NT AUTHORITY\\LocalService', password, description: 'second' }),
      (error) => {
        assert.ok(error instanceof scm.ScmError);
        assert.equal(error.code, 'ERROR_SERVICE_EXISTS');
        assert.equal(error.errno, 1073);
        assert.equal(error.syscall, 'CreateServiceW');
        assert.equal(error.service, name);
        const text = [error.message, error.stack, JSON.stringify(error), util.inspect(error, { showHidden: true, depth: 5 })].join('\n');
        assert.equal(text.includes(password), false, text);
        return true;
      },
    );
    // The first service is untouched by the failed second create.
    assert.equal(serviceRegistry(name).ImagePath, 'C:\\scmn\\dup.exe');
  });

  it('a duplicate display name is ERROR_DUPLICATE_SERVICE_NAME and creates nothing', async () => {
    const first = newName('dn1');
    const second = newName('dn2');
    const displayName = `SCMN Shared Display ${first}`;
    await scm.createService(first, 'C:\\scmn\\a.exe', { displayName, startType: 'demand_start' });
    await rejectsWithCode(scm.createService(second, 'C:\\scmn\\b.exe', { displayName, startType: 'demand_start' }), 'ERROR_DUPLICATE_SERVICE_NAME');
    await assert.rejects(scm.createService(second, 'C:\\scmn\\b.exe', { displayName }), { errno: 1078, syscall: 'CreateServiceW' });
    assert.equal(await scm.serviceExists(second), false);
  });

  itWindowsOnly('a display name equal to another service\'s internal name is ERROR_DUPLICATE_SERVICE_NAME', 'Wine compares display names only with display names', async () => {
    const first = newName('dn3');
    const second = newName('dn4');
    await scm.createService(first, 'C:\\scmn\\a.exe', { startType: 'demand_start' });
    await rejectsWithCode(scm.createService(second, 'C:\\scmn\\b.exe', { displayName: first, startType: 'demand_start' }), 'ERROR_DUPLICATE_SERVICE_NAME');
    assert.equal(await scm.serviceExists(second), false);
  }, { rejects: { name: 'AssertionError', message: /^Missing expected rejection/ } }); // Wine creates the second service

  it('deleteService removes a stopped service; deleting again is ERROR_SERVICE_DOES_NOT_EXIST', async () => {
    const name = newName('del');
    await scm.createService(name, { path: 'C:\\scmn dir\\del.exe', args: ['x y'] }, { startType: 'demand_start' });
    assert.equal(await scm.serviceExists(name), true);
    // Queries go through the shared manager handle but leave no service handle open: one left
    // open would keep the deleted service marked, and the name could not be used again below.
    await Promise.all(Array.from({ length: 20 }, () => scm.getServiceStatus(name)));
    assert.equal(scm.getServiceStatusSync(name).state, 'stopped');
    await scm.deleteService(name);
    assert.equal(await scm.serviceExists(name), false);
    assert.equal(scm.serviceExistsSync(name), false);
    await rejectsWithCode(scm.getServiceStatus(name), 'ERROR_SERVICE_DOES_NOT_EXIST');
    await assert.rejects(scm.deleteService(name), (error) => {
      assert.ok(error instanceof scm.ScmError);
      assert.equal(error.code, 'ERROR_SERVICE_DOES_NOT_EXIST');
      assert.equal(error.errno, 1060);
      assert.equal(error.syscall, 'OpenServiceW');
      assert.equal(error.service, name);
      return true;
    });
    // The name is free again.
    await scm.createService(name, 'C:\\scmn\\again.exe', { startType: 'demand_start' });
    assert.equal(await scm.serviceExists(name), true);
  });

  it('deleting a service while another handle is open marks it: a second delete is ERROR_SERVICE_MARKED_FOR_DELETE', async () => {
    const name = newName('mark');
    await scm.createService(name, 'C:\\scmn\\mark.exe', { startType: 'demand_start' });
    const controller = new AbortController();
    // A wait holds a service handle open on its own thread.
    const wait = scm.waitForServiceState(name, 'paused', { signal: controller.signal });
    const settled = wait.then(() => 'resolved', (error) => error.name);
    // The wait opens its handle on its own thread within a few milliseconds; give it ample time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    try {
      await scm.deleteService(name);
      await rejectsWithCode(scm.deleteService(name), 'ERROR_SERVICE_MARKED_FOR_DELETE');
    } finally {
      controller.abort();
    }
    const outcome = await settled;
    assert.ok(outcome === 'AbortError' || outcome === 'resolved', String(outcome));
    // Once the wait's handle is closed the service goes away. Wine's services.exe sometimes keeps
    // a marked service whose status notification was cancelled until the prefix shuts down, so
    // this part is checked on Windows only.
    if (!underWine) {
      const deadline = Date.now() + 5000;
      while (await scm.serviceExists(name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await scm.serviceExists(name), false);
    }
  });

  itWindowsOnly('a wait ends with outcome deleted when its service is deleted', 'Wine never signals SERVICE_NOTIFY_DELETE_PENDING', async () => {
    const name = newName('wdel');
    await scm.createService(name, 'C:\\scmn\\wdel.exe', { startType: 'demand_start' });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10000);
    try {
      const wait = scm.waitForServiceState(name, 'running', { signal: controller.signal });
      // Deleted before the wait's thread has opened the service, the wait would fail with
      // ERROR_SERVICE_DOES_NOT_EXIST instead (seen under Wine): let it open and register first.
      await new Promise((r) => setTimeout(r, 500));
      await scm.deleteService(name);
      const result = await wait;
      assert.equal(result.outcome, 'deleted');
    } finally {
      clearTimeout(timer);
    }
  }, { rejects: { name: 'AbortError' } }); // the wait is still pending when the test's 10 s abort comes
});
