'use strict';
// Who can change a path a service uses (lib/security/path-writers.ts), judged from owners and
// DACLs modelled on a real Windows machine's: C:\ (Authenticated Users may create folders there),
// C:\Program Files (admins only), C:\ProgramData (Users may add files), a user's profile.
const assert = require('node:assert/strict');
const { ALWAYS_TRUSTED, SIDS, WRITE_RIGHTS, findUntrustedWriter, pathAndFolders, untrustedWriterOf } = require('../../dist/security/path-writers');

const ALICE = 'S-1-5-21-111-222-333-1001';
const FULL = 0x1f01ff;
const READ_EXECUTE = 0x1200a9;
const OI_CI = 0x03;
const INHERIT_ONLY = 0x08;
const allow = (sid, mask, flags = 0) => ({ type: 0, flags, mask, sid });
const deny = (sid, mask) => ({ type: 1, flags: 0, mask, sid });
const admins = [allow(SIDS.system, FULL, OI_CI), allow(SIDS.administrators, FULL, OI_CI)];
const trusted = new Set(ALWAYS_TRUSTED);

const MACHINE = {
  'C:\\': { owner: SIDS.trustedInstaller, protected: true, dacl: [...admins, allow(SIDS.users, READ_EXECUTE, OI_CI), allow(SIDS.authenticatedUsers, 0x4), allow(SIDS.authenticatedUsers, 0x1301bf, OI_CI | INHERIT_ONLY)] },
  'C:\\Program Files': { owner: SIDS.trustedInstaller, protected: true, dacl: [...admins, allow(SIDS.trustedInstaller, FULL), allow(SIDS.users, READ_EXECUTE, OI_CI), allow(SIDS.creatorOwner, 0x10000000, OI_CI | INHERIT_ONLY)] },
  'C:\\Program Files\\app': { owner: SIDS.administrators, protected: false, dacl: [...admins, allow(SIDS.users, READ_EXECUTE, OI_CI)] },
  'C:\\Program Files\\app\\app.exe': { owner: SIDS.administrators, protected: false, dacl: [...admins, allow(SIDS.users, READ_EXECUTE)] },
  'C:\\ProgramData': { owner: SIDS.system, protected: true, dacl: [...admins, allow(SIDS.users, READ_EXECUTE, OI_CI), allow(SIDS.users, 0x116, 0x02)] },
  'C:\\ProgramData\\tool': { owner: SIDS.administrators, protected: true, dacl: [...admins, allow(SIDS.users, READ_EXECUTE, OI_CI)] },
  'C:\\ProgramData\\tool\\tool.exe': { owner: SIDS.administrators, protected: false, dacl: [...admins, allow(SIDS.users, READ_EXECUTE)] },
  'C:\\ProgramData\\shared': { owner: SIDS.administrators, protected: false, dacl: [...admins, allow(SIDS.users, 0x116, 0x02)] },
  'C:\\Users': { owner: SIDS.system, protected: true, dacl: [...admins, allow(SIDS.users, READ_EXECUTE, OI_CI)] },
  'C:\\Users\\alice': { owner: SIDS.system, protected: true, dacl: [...admins, allow(ALICE, FULL, OI_CI)] },
  'C:\\Users\\alice\\app.exe': { owner: ALICE, protected: false, dacl: [...admins, allow(ALICE, FULL)] },
  'C:\\open': { owner: SIDS.administrators, protected: false, dacl: null },
  'C:\\denied': { owner: SIDS.administrators, protected: false, dacl: [deny(SIDS.users, FULL), allow(SIDS.users, FULL), ...admins] },
  'C:\\owners': { owner: SIDS.administrators, protected: false, dacl: [...admins, allow(SIDS.ownerRights, FULL), allow(SIDS.creatorOwner, FULL)] },
};
const read = async (p) => MACHINE[p] ?? null;
const find = (target, role, trust = trusted) => findUntrustedWriter(target, role, trust, read);

describe('who can change a path a service uses', () => {
  it('lists a path and its folders up to the root', () => {
    assert.deepEqual(pathAndFolders('C:\\a\\b\\c.exe'), ['C:\\a\\b\\c.exe', 'C:\\a\\b', 'C:\\a', 'C:\\']);
  });

  it('trusts SYSTEM, Administrators and TrustedInstaller: a program under Program Files is safe', async () => {
    assert.equal(await find('C:\\Program Files\\app\\app.exe', 'executable'), null);
    assert.equal(await find('C:\\Program Files\\app', 'folder'), null);
  });

  it('a file owned by a user is hers to change, whatever its DACL says', async () => {
    assert.deepEqual(await find('C:\\Users\\alice\\app.exe', 'executable'), { path: 'C:\\Users\\alice\\app.exe', sid: ALICE, how: 'owner' });
  });

  it("an executable's folder counts: whoever may add a file there plants a DLL beside it", async () => {
    MACHINE['C:\\ProgramData\\shared\\run.exe'] = MACHINE['C:\\ProgramData\\tool\\tool.exe'];
    assert.deepEqual(await find('C:\\ProgramData\\shared\\run.exe', 'executable'), { path: 'C:\\ProgramData\\shared', sid: SIDS.users, how: 'acl' });
    assert.equal(await find('C:\\ProgramData\\shared\\run.exe', 'file'), null, 'a file only read: adding beside it changes nothing');
    assert.equal(await find('C:\\ProgramData\\tool\\tool.exe', 'executable'), null);
  });

  it("folders above only count for replacing what they hold: Users adding to C:\\ProgramData, or folders to C:\\, is no threat", async () => {
    assert.equal(await find('C:\\ProgramData\\tool', 'folder'), null);
  });

  it('a path that does not exist yet is judged by the nearest folder: whoever can add there can create it first', async () => {
    assert.deepEqual(await find('C:\\ProgramData\\scm-native\\logs', 'folder'), { path: 'C:\\ProgramData', sid: SIDS.users, how: 'acl' });
    assert.deepEqual(await find('C:\\newdir\\app.exe', 'executable'), { path: 'C:\\', sid: SIDS.authenticatedUsers, how: 'acl' });
  });

  it('a NULL DACL lets Everyone write; deny ACEs are not weighed (a conservative answer); OWNER RIGHTS and CREATOR OWNER stand for the owner', async () => {
    assert.deepEqual(await find('C:\\open', 'folder'), { path: 'C:\\open', sid: SIDS.everyone, how: 'null-dacl' });
    assert.deepEqual(await find('C:\\denied', 'folder'), { path: 'C:\\denied', sid: SIDS.users, how: 'acl' });
    assert.equal(await find('C:\\owners', 'folder'), null);
  });

  it("the service's own account is trusted when the caller says so", async () => {
    assert.equal(await find('C:\\Users\\alice\\app.exe', 'executable', new Set([...ALWAYS_TRUSTED, ALICE])), null);
  });

  it('rights: inherit-only ACEs do not apply to the path itself; only write-like rights count', () => {
    const sec = { owner: SIDS.system, protected: false, dacl: [allow(SIDS.users, FULL, OI_CI | INHERIT_ONLY), allow(SIDS.users, READ_EXECUTE)] };
    assert.equal(untrustedWriterOf(sec, WRITE_RIGHTS.file, trusted), null);
    const writable = { ...sec, dacl: [allow(SIDS.users, 0x2)] };
    assert.deepEqual(untrustedWriterOf(writable, WRITE_RIGHTS.file, trusted), { sid: SIDS.users, how: 'acl' });
    assert.equal(untrustedWriterOf(writable, WRITE_RIGHTS.ancestor, trusted), null, 'adding a file to a folder above replaces nothing');
  });
});

describe("scm-native's data folders", () => {
  const { dataFolderSddl } = require('../../dist/security/data-folders');

  it('SYSTEM and Administrators only, protected from what %ProgramData% would pass on', () => {
    assert.equal(dataFolderSddl(), 'D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)');
  });

  it("the service's account may add files, and controls only what it created (CREATOR OWNER)", () => {
    assert.equal(dataFolderSddl(SIDS.localService), `D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;;0x1200af;;;${SIDS.localService})(A;OICIIO;FA;;;CO)`);
  });
});
