'use strict';
// Environment files (env-file.ts), %NAME% expansion (expand.ts) and the order the program's
// environment is built in (environment.ts): machine, then the file, then `env`, each seeing the
// ones before it.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { decodeEnvFile, parseEnvFile, readEnvFile } = require('../../dist/host/env-file');
const { expandVariables, lookupIn } = require('../../dist/host/expand');
const { programEnvironment } = require('../../dist/host/environment');
const { startEnvironment, withExpandedArgs, expandedCommand } = require('../../dist/host/start-environment');
const { cmdLine } = require('../../dist/host/batch');

const pairs = (entries) => entries.map(({ name, value }) => [name, value]);

describe('environment files', () => {
  it('reads NAME=VALUE lines, skipping blanks and # comments, LF or CRLF', () => {
    const text = '# settings\r\nPORT=8080\r\n\r\n   # indented comment\nURL=http://x/#frag\n  SPACED  =  a b  \nEMPTY=\nEQ=a=b\n';
    assert.deepEqual(pairs(parseEnvFile(text, 'f')), [['PORT', '8080'], ['URL', 'http://x/#frag'], ['SPACED', 'a b'], ['EMPTY', ''], ['EQ', 'a=b']]);
  });

  it('keeps a double-quoted value verbatim between the quotes, without escapes', () => {
    assert.deepEqual(pairs(parseEnvFile('A="  padded  "\nB="a"b"\nC="\nD=""\n', 'f')), [['A', '  padded  '], ['B', 'a"b'], ['C', '"'], ['D', '']]);
  });

  it('names the file and line of a bad line', () => {
    assert.throws(() => parseEnvFile('A=1\nnot a setting\n', 'the environment file x.env'), /^RangeError: the environment file x\.env line 2: expected NAME=VALUE/);
    assert.throws(() => parseEnvFile('=1', 'f'), /line 1: the variable name is empty/);
    assert.throws(() => parseEnvFile('export A=1', 'f'), /line 1: 'export A' is not a variable name/);
    assert.throws(() => parseEnvFile('A=x\0y', 'f'), /line 1: the value of A contains NUL/);
  });

  it('decodes UTF-8 with or without BOM, and UTF-16LE with BOM', () => {
    assert.equal(decodeEnvFile(Buffer.from('\ufeffA=é', 'utf8')), 'A=é');
    assert.equal(decodeEnvFile(Buffer.from('A=é', 'utf8')), 'A=é');
    assert.equal(decodeEnvFile(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('A=é\r\n', 'utf16le')])), 'A=é\r\n');
  });

  it('a missing file is an error that names it', () => {
    const missing = path.join(os.tmpdir(), `scm-native-no-such-${process.pid}.env`);
    assert.throws(() => readEnvFile(missing), (e) => e.message === `the environment file ${missing} cannot be read: it does not exist`);
  });
});

describe('%NAME% expansion (ExpandEnvironmentStrings rules)', () => {
  const lookup = lookupIn({ Path: 'C:\\W', HOME: 'C:\\U', EMPTY: '', PCT: '%HOME%' });
  const cases = [
    ['%PATH%;C:\\x', 'C:\\W;C:\\x', 'case-insensitive names'],
    ['a%home%b%Path%c', 'aC:\\UbC:\\Wc', 'several, any separator'],
    ['%NOPE%', '%NOPE%', 'an undefined name stays'],
    ['%NOPE%PATH%', '%NOPEC:\\W', "an undefined name's closing % opens the next reference"],
    ['100%', '100%', 'a lone % stays'],
    ['50% of %HOME%', '50% of C:\\U', "'% of ' names nothing: kept, and its closing % opens %HOME%"],
    ['%%', '%%', '%% is an empty name: stays'],
    ['x%EMPTY%y', 'xy', 'an empty value is defined'],
    ['%PCT%', '%HOME%', 'a value is not expanded again'],
    ['no percent', 'no percent', 'plain text'],
  ];
  for (const [input, output, why] of cases) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(output)} (${why})`, () => assert.equal(expandVariables(input, lookup), output));
  }
});

describe('the environment order: machine, environment file, env', () => {
  const settings = { env: {}, envUnset: [], pathPrepend: [] };

  it('the file sees the machine and the lines above; env sees both, and wins', () => {
    const file = [{ name: 'APP', value: '%ROOT%\\app' }, { name: 'DATA', value: '%APP%\\data' }, { name: 'PORT', value: '1' }, { name: 'path', value: '%PATH%;%APP%\\bin' }];
    const env = programEnvironment({ ROOT: 'D:', Path: 'C:\\W' }, { ...settings, env: { PORT: '2', URL: 'http://h:%PORT%/%DATA%' } }, 'svc', file);
    assert.deepEqual(env, { ROOT: 'D:', Path: 'C:\\W;D:\\app\\bin', SCM_NATIVE_SERVICE: 'svc', APP: 'D:\\app', DATA: 'D:\\app\\data', PORT: '2', URL: 'http://h:1/D:\\app\\data' });
  });

  it('env values never see each other (a table has no order), and a variable can extend itself', () => {
    const env = programEnvironment({ A: 'm' }, { ...settings, env: { B: '%C%', C: 'c', A: '%A%+env' } }, 's');
    assert.equal(env.B, '%C%');
    assert.equal(env.A, 'm+env');
  });

  it('envUnset applies to the machine only; SCM_NATIVE_SERVICE can be referred to and not overridden', () => {
    const env = programEnvironment({ SECRET: 's', X: 'x' }, { ...settings, envUnset: ['secret'], env: { NAME: '%SCM_NATIVE_SERVICE%-%SECRET%' } }, 'svc', [{ name: 'SECRET', value: 'from-file' }, { name: 'SCM_NATIVE_SERVICE', value: 'no' }]);
    assert.equal(env.SECRET, 'from-file');
    assert.equal(env.NAME, 'svc-from-file');
    assert.equal(env.SCM_NATIVE_SERVICE, 'svc');
  });

  it('pathPrepend comes last and is not expanded', () => {
    const env = programEnvironment({ PATH: 'C:\\W' }, { ...settings, pathPrepend: ['C:\\%X%'], env: { X: 'y' } }, 's');
    assert.equal(env.PATH, 'C:\\%X%;C:\\W');
  });
});

describe('a start: arguments expanded, paths not, then cmd.exe escaping', () => {
  let dir;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scm-native-envfile-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const base = { program: 'C:\\app\\%X%.exe', args: ['--port=%PORT%', '%NOPE%'], interpreterArgs: ['%X%'], cwd: 'C:\\%X%', env: { PORT: '%FILEPORT%0' }, envUnset: [], pathPrepend: [], envFile: null };

  it('reads the environment file at each start', () => {
    const file = path.join(dir, 'a.env');
    fs.writeFileSync(file, 'FILEPORT=80\nX=x\n');
    const settings = { ...base, envFile: file };
    const first = startEnvironment(settings, 'svc', {});
    assert.equal(first.env.PORT, '800');
    const expanded = withExpandedArgs(settings, first);
    assert.deepEqual([expanded.args, expanded.interpreterArgs, expanded.program, expanded.cwd], [['--port=800', '%NOPE%'], ['x'], 'C:\\app\\%X%.exe', 'C:\\%X%']);
    assert.deepEqual(expandedCommand(['C:\\%X%\\stop.exe', '-p', '%PORT%'], first), ['C:\\%X%\\stop.exe', '-p', '800']);
    fs.writeFileSync(file, 'FILEPORT=90\n');
    assert.equal(startEnvironment(settings, 'svc', {}).env.PORT, '900', 'an edit applies at the next start');
    fs.rmSync(file);
    assert.throws(() => startEnvironment(settings, 'svc', {}), /does not exist/);
  });

  it('a value that expands to cmd.exe syntax stays inert: % and operators are escaped after expansion', () => {
    const start = startEnvironment({ ...base, env: { EVIL: '%NOPE%" & calc & "' } }, 'svc', { PATH: 'C:\\W' });
    assert.equal(start.expand('%EVIL%'), '%NOPE%" & calc & "');
    const line = cmdLine('C:\\app\\run.cmd', [start.expand('%EVIL%')]);
    // Each " doubled (cmd's quote state toggles twice: the & stay inside quotes), each % defused.
    assert.equal(line, '""C:\\app\\run.cmd" "%%cd:~,%NOPE%%cd:~,%"" & calc & """"');
  });
});
