'use strict';
// The package as a user gets it: `npm pack` (its prepack builds what is shipped), the file list,
// an install into an empty project with the npm client, the shipped types compiled by a strict
// consumer in both module systems, then in Windows node.exe under Wine: require and import,
// a service query, the installed bin (`--version`, `status`), and an upgrade of the package
// while a hosted service runs (it keeps running; `scm-native upgrade` moves it to the new host).
// Runs in Linux node (npm, tsc), driving node.exe through scripts/lib/wine.js.
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, WINE_DIR, NODE_WIN_VERSIONS, ensureNodeExe } = require('../../scripts/lib/toolchain');
const { createPrefix, killWineserver, runNodeExe, wineEnv } = require('../../scripts/lib/wine');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-release-'));
const consumer = path.join(work, 'consumer');
const VERSION = require('../../package.json').version;

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}: ${result.stderr}${result.stdout}`);
  return result.stdout;
}

/** `npm pack` of `dir` into `work`: npm's JSON report of the tarball. */
function pack(dir, extra = []) {
  const [report] = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', work, ...extra], { cwd: dir, maxBuffer: 64 << 20 }));
  return { ...report, tarball: path.join(work, report.filename) };
}

describe('the package: pack, install, run', function () {
  this.timeout(900000);
  let packed;
  let prefix;
  let nodeExe;

  /** node.exe under Wine in the consumer project: { code, stdout, stderr }. */
  const windowsNode = (args, label) => runNodeExe({ nodeExe, prefix, args, cwd: consumer, timeoutMs: 120000, outDir: work, label });

  before(() => {
    packed = pack(ROOT);
    fs.mkdirSync(consumer, { recursive: true });
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    sh('npm', ['install', '--no-audit', '--no-fund', packed.tarball], { cwd: consumer });
    nodeExe = ensureNodeExe(NODE_WIN_VERSIONS[0]);
    prefix = createPrefix('wine-release');
    // Services die with the last Wine process of the prefix: keep the wineserver between node.exe runs.
    spawnSync(path.join(WINE_DIR, 'wineserver'), ['-p'], { env: wineEnv(prefix), stdio: 'ignore' });
  });

  after(() => {
    if (prefix) killWineserver(prefix);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('packs what a user needs and nothing else', () => {
    const files = packed.files.map((f) => f.path);
    for (const file of ['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/host/host-main.js',
      'bin/scm-native.js', 'binding/index.js', 'prebuilds/win32-x64/scm-native.node']) assert.ok(files.includes(file), `${file} is packed`);
    for (const file of files) assert.doesNotMatch(file, /^(test|bench|examples|\.cache|node_modules|build|scripts\/(?!cmake-js-gyp-shim))\//, `${file} is not packed`);
    process.stdout.write(`      packed ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KiB, unpacked ${(packed.unpackedSize / 1024).toFixed(0)} KiB, ${files.length} files\n`);
  });

  it('the shipped types compile in a strict consumer, CommonJS and ESM', () => {
    const use = (imp) => `${imp}
async function main(): Promise<void> {
  const status: ServiceStatus = await getServiceStatus('Spooler');
  const code: string = new ScmError({ code: 'ERR_SCM_UNKNOWN' }).code;
  const options: ProgramServiceOptions = { restart: 'always', stopTimeout: 5000, logStderr: 'separate' };
  const watcher = watchService('Spooler');
  watcher.close();
  const result = await installProgramService('svc', 'C:\\\\app\\\\server.js', [], options);
  console.log(status.state, code, result.warnings, quoteCommandLine(['a b']), await runCli(['--version']));
}
void main();
`;
    const names = 'getServiceStatus, installProgramService, quoteCommandLine, runCli, ScmError, watchService';
    const types = 'ProgramServiceOptions, ServiceStatus';
    fs.writeFileSync(path.join(consumer, 'cjs.ts'), use(`import { ${names} } from 'scm-native';\nimport type { ${types} } from 'scm-native';`));
    fs.writeFileSync(path.join(consumer, 'esm.mts'), use(`import { ${names} } from 'scm-native';\nimport type { ${types} } from 'scm-native';`));
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const common = ['--strict', '--skipLibCheck', 'false', '--noEmit', '--target', 'ES2022', '--typeRoots', path.join(ROOT, 'node_modules', '@types'), '--types', 'node'];
    sh(process.execPath, [tsc, ...common, '--module', 'commonjs', '--moduleResolution', 'node10', 'cjs.ts'], { cwd: consumer });
    sh(process.execPath, [tsc, ...common, '--module', 'nodenext', '--moduleResolution', 'nodenext', 'esm.mts'], { cwd: consumer });
  });

  it('in Windows node: require and import it, query a service, and run the installed bin', async () => {
    fs.writeFileSync(path.join(consumer, 'use.js'), `const scm = require('scm-native');
(async () => {
  const esm = await import('scm-native');
  const all = await scm.getMultipleServiceStatus();
  console.log(JSON.stringify({ same: esm.getServiceStatus === scm.getServiceStatus, services: all.length, rpc: (await scm.getServiceStatus(all[0].name)).name }));
})();
`);
    const used = await windowsNode(['use.js'], 'use');
    assert.equal(used.code, 0, used.stderr);
    const out = JSON.parse(used.stdout);
    assert.equal(out.same, true, 'require and import give the same functions');
    assert.ok(out.services > 0, 'services listed');
    const bin = path.join(consumer, 'node_modules', 'scm-native', 'bin', 'scm-native.js');
    const version = await windowsNode([bin, '--version'], 'version');
    assert.deepEqual([version.code, version.stdout.trim()], [0, VERSION]);
    const status = await windowsNode([bin, 'status'], 'status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /no services installed by scm-native/);
  });

  it('an upgrade of the package while a hosted service runs neither fails nor stops it; upgrade then moves it', async () => {
    const bin = path.join(consumer, 'node_modules', 'scm-native', 'bin', 'scm-native.js');
    fs.writeFileSync(path.join(consumer, 'app.js'), "setInterval(() => {}, 1000); process.on('message', (m) => { if (m && m.type === 'scm-native:stop') process.exit(0); });\n");
    const name = `scmn-release-${process.pid}`;
    const installed = await windowsNode([bin, 'install', name, '--allow-insecure-location', '--stop-timeout', '3s', '--start', '--', 'app.js'], 'install');
    assert.equal(installed.code, 0, installed.stderr + installed.stdout);
    const pidOf = async () => JSON.parse((await windowsNode([bin, 'status', name, '--json'], 'status-json')).stdout).hostPid;
    const before = await pidOf();
    assert.ok(before > 0);

    // Version + 1 patch, packed from the unpacked tarball (no build: it is the same code).
    const next = path.join(work, 'next');
    fs.mkdirSync(next);
    sh('tar', ['-xzf', packed.tarball, '-C', next]);
    const manifest = path.join(next, 'package', 'package.json');
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    pkg.version = VERSION.replace(/\d+$/, (n) => String(Number(n) + 1));
    fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2));
    const newer = pack(path.join(next, 'package'), ['--ignore-scripts']);
    sh('npm', ['install', '--no-audit', '--no-fund', newer.tarball], { cwd: consumer });

    assert.equal(await pidOf(), before, 'still running on its host after npm replaced the package');
    const upgraded = await windowsNode([bin, 'upgrade', '--all'], 'upgrade');
    assert.equal(upgraded.code, 0, upgraded.stderr);
    assert.match(upgraded.stdout, new RegExp(`upgraded ${name} \\(restarted\\)`));
    const after = await pidOf();
    assert.ok(after > 0 && after !== before, 'restarted on the new host');
    const { stdout } = await windowsNode(['-e', `require('scm-native').getServiceConfiguration(${JSON.stringify(name)}, { fields: ['command'] }).then((c) => console.log(c.command))`], 'command');
    assert.match(stdout, new RegExp(`scm-native\\\\${pkg.version.replace(/\./g, '\\.')}-[0-9a-f]{12}\\\\dist`));
    const removed = await windowsNode([bin, 'remove', name], 'remove');
    assert.equal(removed.code, 0, removed.stderr);
  });
});
