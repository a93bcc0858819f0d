'use strict';
// The service's own security (docs/security.md, "The service's own security"): the SDDL reader,
// setServiceSecurity's refusal of DACLs that give a service away to standard users, the hosted
// service's DACL and Parameters key DACL, the service SID, and the rule of requested log rotations.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const scm = require('../..');
const { serviceAccountSid, serviceSid } = require('../../dist/security/accounts');
const { parseRights, parseSddlDacl, sidOfTrustee, unsafeServiceGrant, SERVICE_RIGHTS } = require('../../dist/services/sddl');
const {
  CONTROL_RIGHTS, QUERY_RIGHTS, hostedServiceDacl, parametersDacl, resolveControlSids, sameDacl,
} = require('../../dist/host/service-security');
const {
  LogWriter, REQUESTED_ROTATION_GROWTH, REQUESTED_ROTATION_INTERVAL_MS, requestedRotationRefusal, rotatedLogFiles,
} = require('../../dist/host/log-writer');

/** Runs `fn` with the addon replaced by `fake` (the calls recorded in `fake.calls`). */
async function withBinding(fake, fn) {
  const loaded = require('../../binding');
  const saved = loaded.binding;
  loaded.binding = fake;
  try {
    return await fn();
  } finally {
    loaded.binding = saved;
  }
}

/** A binding whose setSecurity records its calls. */
function recordingBinding(extra = {}) {
  const calls = [];
  return { calls, underWine: false, setSecurity: async (...args) => { calls.push(['setSecurity', ...args]); }, ...extra };
}

describe('SDDL: the DACL read in TypeScript', () => {
  it('reads rights as two-letter codes or a number', () => {
    assert.equal(parseRights('CCLCSWRPWPDTLOCRRC'), 0x201fd);
    assert.equal(parseRights('ccdc'), 0x3, 'case-blind');
    assert.equal(parseRights('0xF01FF'), SERVICE_RIGHTS.ALL_ACCESS);
    assert.equal(parseRights('983551'), 0xf01ff, 'decimal');
    assert.equal(parseRights('GA'), 0x10000000);
    assert.equal(parseRights('KA'), 0xf003f);
    assert.equal(parseRights('FA'), 0x1f01ff);
    assert.equal(parseRights(''), 0);
    assert.throws(() => parseRights('XX'), /unknown right 'XX'/);
    assert.throws(() => parseRights('CCL'), /two-letter/);
    assert.throws(() => parseRights('0x1FFFFFFFF'), /32-bit/);
  });

  it('resolves aliases to SIDs and leaves SID strings', () => {
    assert.equal(sidOfTrustee('BU'), 'S-1-5-32-545');
    assert.equal(sidOfTrustee('wd'), 'S-1-1-0');
    assert.equal(sidOfTrustee('s-1-5-11'), 'S-1-5-11');
    assert.equal(sidOfTrustee('S-1-5-21-1-2-3-1001'), 'S-1-5-21-1-2-3-1001');
  });

  it('splits a descriptor into its DACL, with flags, conditional ACEs and a SACL after it', () => {
    const dacl = parseSddlDacl('O:BAG:SYD:PAI(A;;CCLC;;;BU)(A;OICIIO;GA;;;CO)(XA;;FX;;;WD;(@User.Title=="PM"))S:(AU;FA;CCDC;;;WD)');
    assert.equal(dacl.flags, 'PAI');
    assert.deepEqual(dacl.aces.map((a) => [a.type, a.flags, a.mask, a.sid]), [
      ['A', '', 0x5, 'S-1-5-32-545'], ['A', 'OICIIO', 0x10000000, 'S-1-3-0'], ['XA', '', 0x1200a0, 'S-1-1-0'],
    ]);
    assert.equal(dacl.aces[2].text, '(XA;;FX;;;WD;(@User.Title=="PM"))');
    assert.equal(parseSddlDacl('O:BA'), null, 'no DACL');
    assert.deepEqual(parseSddlDacl('D:NO_ACCESS_CONTROL'), { flags: 'NO_ACCESS_CONTROL', aces: null });
    assert.deepEqual(parseSddlDacl('D:').aces, [], 'an empty DACL (what Wine reports) is not a NULL DACL');
    assert.throws(() => parseSddlDacl('D:(A;;CC;;;BU)x'), /outside its ACEs/);
    assert.throws(() => parseSddlDacl('D:(A;;CC;;BU)'), /at least 6/);
    assert.throws(() => parseSddlDacl('D:(A;;CC;;;BU'), /unclosed/);
  });
});

describe('setServiceSecurity refuses DACLs that give the service to standard users', () => {
  const unsafe = [
    ['D:NO_ACCESS_CONTROL', /NULL DACL/],
    ['D:(A;;CCLCRPWPWD;;;BU)', /\(A;;CCLCRPWPWD;;;BU\) grants Users \(BU\) WRITE_DAC/],
    ['D:(A;;WO;;;WD)', /Everyone \(WD\) WRITE_OWNER/],
    ['D:(A;;DC;;;AU)', /Authenticated Users \(AU\) SERVICE_CHANGE_CONFIG/],
    ['D:(A;;GW;;;IU)', /Interactive \(IU\) GENERIC_WRITE/],
    ['D:(A;;GA;;;AN)', /Anonymous \(AN\) GENERIC_ALL/],
    ['D:(A;;SD;;;BU)', /DELETE/],
    ['D:(A;;0xF01FF;;;S-1-5-32-545)', /Users \(BU\) SERVICE_ALL_ACCESS/],
    ['D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;s-1-1-0)', /Everyone \(WD\) SERVICE_ALL_ACCESS/],
    ['O:BAD:(A;;CCLC;;;SY)(A;;2;;;BU)S:(AU;FA;GA;;;WD)', /\(A;;2;;;BU\)/],
    ['D:(OA;;DC;;;BU)', /SERVICE_CHANGE_CONFIG/],
  ];
  for (const [sddl, message] of unsafe) {
    it(`refuses ${sddl} with a RangeError naming the ACE, before any native call`, async () => {
      assert.match(unsafeServiceGrant(sddl), message);
      const fake = recordingBinding();
      await withBinding(fake, () => assert.rejects(scm.setServiceSecurity('svc', sddl), (error) => {
        assert.ok(error instanceof RangeError, error.stack);
        assert.match(error.message, message);
        assert.match(error.message, /allowUnsafe/);
        return true;
      }));
      assert.equal(fake.calls.length, 0, 'nothing reached the addon');
    });
  }

  it('accepts safe grants: control rights, deny ACEs, inherit-only, other groups, admins full', async () => {
    for (const sddl of [
      hostedServiceDacl([]),
      hostedServiceDacl(['S-1-5-32-551']),
      'D:(A;;RPWPDTCRLC;;;BU)', // start/stop/control to Users: the operator's choice, not a takeover
      'D:(D;;GA;;;WD)', // deny
      'D:(A;CIIO;GA;;;BU)', // inherit-only: applies to nothing on a service
      'D:(A;;GA;;;BO)(A;;GA;;;S-1-5-21-1-2-3-1001)', // not a standard users' group
      'D:', // Wine's empty DACL
      'O:BA', // no DACL
    ]) {
      assert.equal(unsafeServiceGrant(sddl), null, sddl);
    }
    const fake = recordingBinding();
    await withBinding(fake, () => scm.setServiceSecurity('svc', 'D:(A;;RPWPLC;;;BU)'));
    assert.equal(fake.calls.length, 1);
  });

  it('sets an unsafe DACL with { allowUnsafe: true }, and does not judge a DACL that is not set', async () => {
    const fake = recordingBinding();
    await withBinding(fake, async () => {
      await scm.setServiceSecurity('svc', 'D:NO_ACCESS_CONTROL', { allowUnsafe: true });
      await scm.setServiceSecurity('svc', 'O:BAD:NO_ACCESS_CONTROL', { dacl: false, owner: true });
    });
    assert.equal(fake.calls.length, 2);
    await assert.rejects(scm.setServiceSecurity('svc', 'D:NO_ACCESS_CONTROL', { allowUnsafe: 1 }), TypeError);
  });

  it('a DACL it cannot read is a RangeError too', async () => {
    const fake = recordingBinding();
    await withBinding(fake, () => assert.rejects(scm.setServiceSecurity('svc', 'D:(A;;XX;;;BU)'), /not a valid security descriptor string: ACE \(A;;XX;;;BU\): .*unknown right 'XX'/));
    assert.equal(fake.calls.length, 0);
  });
});

describe('the hosted service DACL and the Parameters key DACL', () => {
  it("is Windows' default minus the standard users' control rights, plus allowControl", () => {
    const dacl = parseSddlDacl(hostedServiceDacl(['S-1-5-32-551', 's-1-5-32-551']));
    const by = Object.fromEntries(dacl.aces.map((a) => [a.sid, a.mask]));
    assert.equal(by['S-1-5-18'], SERVICE_RIGHTS.ALL_ACCESS, 'SYSTEM full');
    assert.equal(by['S-1-5-32-544'], SERVICE_RIGHTS.ALL_ACCESS, 'Administrators full');
    const query = SERVICE_RIGHTS.QUERY_CONFIG | SERVICE_RIGHTS.QUERY_STATUS | SERVICE_RIGHTS.ENUMERATE_DEPENDENTS | SERVICE_RIGHTS.INTERROGATE | SERVICE_RIGHTS.READ_CONTROL;
    const control = SERVICE_RIGHTS.START | SERVICE_RIGHTS.STOP | SERVICE_RIGHTS.PAUSE_CONTINUE | SERVICE_RIGHTS.USER_DEFINED_CONTROL;
    for (const sid of ['S-1-5-4', 'S-1-5-6', 'S-1-5-11']) {
      assert.equal(by[sid], query, `${sid} may query and interrogate only`);
      assert.equal(by[sid] & control, 0, `${sid} may not start, stop, pause or send controls`);
    }
    assert.equal(by['S-1-5-32-551'], query | control, 'the allowControl group may control');
    assert.equal(dacl.aces.length, 6, 'a SID given twice is one ACE');
    assert.equal(parseRights(QUERY_RIGHTS), query);
    assert.equal(parseRights(CONTROL_RIGHTS), query | control);
  });

  it('computes service SIDs as Windows does (NT SERVICE\\TrustedInstaller)', () => {
    assert.equal(serviceSid('TrustedInstaller'), 'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464');
    assert.equal(serviceSid('trustedinstaller'), serviceSid('TrustedInstaller'), 'the name is upper-cased first');
  });

  it('protects the Parameters key: SYSTEM and Administrators full, the service SID and account read', async () => {
    const sid = serviceSid('web');
    assert.equal(parametersDacl('web', null), `D:P(A;;KA;;;SY)(A;;KA;;;BA)(A;;KR;;;${sid})`);
    assert.equal(parametersDacl('web', 'S-1-5-19'), `D:P(A;;KA;;;SY)(A;;KA;;;BA)(A;;KR;;;${sid})(A;;KR;;;S-1-5-19)`);
    assert.equal(parametersDacl('web', sid), `D:P(A;;KA;;;SY)(A;;KA;;;BA)(A;;KR;;;${sid})`, 'a virtual account is the service SID');
    assert.equal(unsafeServiceGrant(parametersDacl('web', null)), null);
    assert.equal(await serviceAccountSid(undefined), null, 'LocalSystem: SYSTEM is in already');
    assert.equal(await serviceAccountSid('LocalSystem'), null);
    assert.equal(await serviceAccountSid('NT AUTHORITY\\LocalService'), 'S-1-5-19');
    assert.equal(await serviceAccountSid('NT AUTHORITY\\NetworkService'), 'S-1-5-20');
    assert.equal(await serviceAccountSid('NT SERVICE\\web'), sid);
  });

  it('resolves allowControl names through LookupAccountNameW, SID strings as given; an unknown name is an error', async () => {
    const fake = { accountSid: async (name) => ({ 'Backup Operators': 'S-1-5-32-551' })[name] ?? null };
    await withBinding(fake, async () => {
      assert.deepEqual(await resolveControlSids(['Backup Operators', 's-1-5-32-556']), ['S-1-5-32-551', 'S-1-5-32-556']);
      await assert.rejects(resolveControlSids(['Nobody Here'], 'options.allowControl'), /options.allowControl: no account or group is named 'Nobody Here'/);
    });
  });

  it('compares DACLs by their ACEs, not their spelling', () => {
    assert.ok(sameDacl('D:(A;;CCLC;;;BU)(A;;GA;;;SY)', 'O:BAD:(A;;0x10000000;;;S-1-5-18)(A;;LCCC;;;S-1-5-32-545)'));
    assert.ok(sameDacl('D:P(A;;KA;;;SY)', 'D:(A;;KA;;;SY)'), 'the protection is compared apart');
    assert.ok(!sameDacl('D:(A;;CCLC;;;BU)', 'D:(A;;CCLCCR;;;BU)'));
    assert.ok(!sameDacl(hostedServiceDacl([]), 'D:'), "Wine's stub DACL is not the hosted one");
    assert.ok(sameDacl(hostedServiceDacl([]), 'D:(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLORC;;;IU)(A;;CCLCSWLORC;;;SU)(A;;CCLCSWLORC;;;AU)(A;ID;GA;;;SY)'), 'inherited ACEs aside');
  });
});

describe('requested log rotations are limited', () => {
  const base = { size: 500, programLines: 3, lastRequestedAt: null, now: 1e6 };
  it('the rule: program output needed, at most one a minute unless the file reached 1 MiB', () => {
    assert.equal(requestedRotationRefusal(base), null, 'the first request with program output rotates');
    assert.match(requestedRotationRefusal({ ...base, size: 0, programLines: 0 }), /empty/);
    assert.match(requestedRotationRefusal({ ...base, programLines: 0 }), /only the host's own lines/);
    assert.match(requestedRotationRefusal({ ...base, lastRequestedAt: base.now - 1000 }), /less than 60 s ago.*59 s to wait/);
    assert.equal(requestedRotationRefusal({ ...base, lastRequestedAt: base.now - REQUESTED_ROTATION_INTERVAL_MS }), null, 'a minute later');
    assert.equal(requestedRotationRefusal({ ...base, size: REQUESTED_ROTATION_GROWTH, lastRequestedAt: base.now - 1000 }), null, 'grown to 1 MiB');
    assert.match(requestedRotationRefusal({ ...base, size: REQUESTED_ROTATION_GROWTH - 1, lastRequestedAt: base.now - 1000 }), /less than 60 s/);
  });

  it('the writer: a burst of requests rotates once; host lines alone never rotate; size rotation stays unlimited', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-rot-'));
    let now = new Date(2024, 0, 1, 12, 0, 0);
    const w = new LogWriter({ dir, name: 'svc', now: () => now });
    w.writeLine('[host] starting', '', true);
    assert.match(w.requestRotation(), /only the host's own lines/);
    w.writeLine('program line');
    for (let i = 0; i < 20; i++) w.requestRotation();
    assert.equal(rotatedLogFiles(dir, 'svc').length, 1, 'twenty requests, one rotation');
    w.writeLine('more program output');
    assert.match(w.requestRotation(), /less than 60 s/);
    now = new Date(now.getTime() + REQUESTED_ROTATION_INTERVAL_MS);
    w.writeLine('[host] only mine', '', true);
    assert.equal(w.requestRotation(), null, 'a minute later, with program output');
    w.writeLine('[host] only mine', '', true);
    now = new Date(now.getTime() + 10 * REQUESTED_ROTATION_INTERVAL_MS);
    assert.match(w.requestRotation(), /only the host's own lines/, 'a fresh file with host lines only is kept');
    assert.equal(rotatedLogFiles(dir, 'svc').length, 2);
    assert.equal(w.rotateNow(), true, 'rotateNow (unconditional) is unchanged');
    w.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a file found at start counts as holding the program output of an earlier run', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-rot-'));
    fs.writeFileSync(path.join(dir, 'svc.log'), 'from an earlier run\n');
    const w = new LogWriter({ dir, name: 'svc' });
    assert.equal(w.requestRotation(), null);
    w.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
