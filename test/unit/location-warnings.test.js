'use strict';
// Install-time warnings about where a hosted service's files live: the npx cache, and user
// profiles under a low-privilege service account.
const assert = require('node:assert/strict');
const { serviceLocationWarnings } = require('../../dist/host/location-warnings');

const base = {
  node: 'C:\\Program Files\\nodejs\\node.exe',
  hostMain: 'C:\\srv\\app\\node_modules\\scm-native\\dist\\host\\host-main.js',
  program: 'C:\\srv\\app\\server.js',
  interpreter: null,
  account: null,
  profilesDir: 'C:\\Users',
};
const warn = (changes) => serviceLocationWarnings({ ...base, ...changes });

describe('install location warnings', () => {
  it('none for a project install run as LocalSystem', () => {
    assert.deepEqual(warn({}), []);
    assert.deepEqual(warn({ program: 'C:\\Users\\ann\\app\\server.js' }), [], 'LocalSystem reads profiles');
  });

  it("warns when the host runs from npm's npx cache, whatever the account", () => {
    const w = warn({ hostMain: 'C:\\Users\\ann\\AppData\\Local\\npm-cache\\_npx\\1f2e\\node_modules\\scm-native\\dist\\host\\host-main.js' });
    assert.equal(w.length, 1);
    assert.match(w[0], /^the scm-native host is in npm's npx cache \(C:\\Users\\ann\\AppData\\Local\\npm-cache\\_npx\\1f2e.*\), which npm may clean.*: install scm-native in a project or globally/s);
  });

  it('warns about each file in a user profile under LocalService, NetworkService or a virtual account', () => {
    const inProfile = { node: 'C:\\Users\\ann\\nvm\\v22\\node.exe', program: 'c:\\users\\ann\\app\\server.js' };
    for (const account of ['NT AUTHORITY\\LocalService', 'NT AUTHORITY\\NetworkService', 'NT SERVICE\\my-api', 'LocalService', 'nt authority\\network service']) {
      const w = warn({ ...inProfile, account });
      assert.equal(w.length, 2, account);
      assert.match(w[0], /^node\.exe \(C:\\Users\\ann\\nvm\\v22\\node\.exe\) is in a user's profile, which the service account .* usually cannot read/);
      assert.match(w[1], /^the program \(c:\\users\\ann\\app\\server\.js\)/);
    }
  });

  it('no profile warning for the Public profile, other folders, or an ordinary user account', () => {
    assert.deepEqual(warn({ account: 'NT AUTHORITY\\LocalService', program: 'C:\\Users\\Public\\app\\server.js' }), []);
    assert.deepEqual(warn({ account: 'NT AUTHORITY\\LocalService', program: 'C:\\UsersData\\app.js' }), [], 'a prefix is not a parent');
    assert.deepEqual(warn({ account: '.\\svc-user', program: 'C:\\Users\\svc-user\\app.js' }), []);
    assert.equal(warn({ account: 'NT SERVICE\\x', interpreter: 'C:\\Users\\ann\\py\\python.exe' }).length, 1, 'the interpreter too');
  });
});
