'use strict';
// What loading the package costs: the library entry does not load the CLI (nor the services
// file's YAML/TOML parsers) until runCli is called.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');

/** Runs `code` in a fresh node (this process's require.cache already holds the CLI) and parses its JSON output. */
function inFreshNode(code) {
  const result = spawnSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const LOADED = `const loaded = () => Object.keys(require.cache);`;

describe('package entry loading', () => {
  it('requiring dist/index.js loads no module from dist/cli/ and neither YAML nor TOML parser', () => {
    const files = inFreshNode(`${LOADED} require('./dist/index.js'); console.log(JSON.stringify(loaded()));`);
    assert.ok(files.some((file) => file === path.join(root, 'dist', 'index.js')));
    const cli = path.join(root, 'dist', 'cli') + path.sep;
    assert.deepEqual(files.filter((file) => file.startsWith(cli)), []);
    const parsers = files.filter((file) => /[\\/]node_modules[\\/](yaml|smol-toml)[\\/]/.test(file));
    assert.deepEqual(parsers, []);
  });

  it('runCli loads the CLI on its first call and behaves as before', () => {
    const out = inFreshNode(`${LOADED}
      const { PassThrough } = require('node:stream');
      const { runCli } = require('./dist/index.js');
      const stdout = new PassThrough();
      let text = '';
      stdout.on('data', (chunk) => { text += chunk; });
      const cliLoaded = () => loaded().includes(require.resolve('./dist/cli/main.js'));
      const before = cliLoaded();
      runCli(['--version'], { stdout }).then((code) => {
        const after = cliLoaded();
        console.log(JSON.stringify({ before, after, code, text }));
      });`);
    const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.deepEqual(out, { before: false, after: true, code: 0, text: `${version}\n` });
  });

  it('both entries export runCli', () => {
    const esm = spawnSync(process.execPath, ['--input-type=module', '-e',
      "import { runCli } from 'scm-native'; import cjs from 'scm-native'; console.log(typeof runCli, runCli === cjs.runCli)"],
    { cwd: root, encoding: 'utf8' });
    assert.equal(esm.stdout.trim(), 'function true', esm.stderr);
    assert.equal(typeof require('../..').runCli, 'function');
  });

  it("the entry declares runCli with cli/main's signature", () => {
    const declaration = (file) => {
      const text = fs.readFileSync(path.join(root, 'dist', ...file), 'utf8');
      return text.match(/^export declare function runCli\(.*$/m)?.[0];
    };
    assert.ok(declaration(['cli', 'main.d.ts']));
    assert.equal(declaration(['index.d.ts']), declaration(['cli', 'main.d.ts']));
  });
});
