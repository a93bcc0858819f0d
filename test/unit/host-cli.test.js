'use strict';
// The CLI's argument parsing, durations and sizes, the host settings' validation, how programs
// are run (kind by extension, cmd.exe quoting), and CLI errors that need no SCM.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');
const { parseArgs, parseDuration, parseSize, parseCount, UsageError } = require('../../dist/cli/args');
const { checkSettings, cmdLine, programCommand, parseSettings } = require('../../dist/host/settings');
const { programKind } = require('../../dist/host/manage');
const { SERVICE_OPTIONS, serviceOptions } = require('../../dist/cli/service-options');
const { writePidFile, removePidFile } = require('../../dist/host/pid-file');
const { PRIORITY_VALUES, applyPriority } = require('../../dist/host/program');
const { table, humanDuration } = require('../../dist/cli/output');
const scm = require('../..');
const { cli } = require('../support/cli');

const SPECS = {
  name: { type: 'string', help: '' },
  flag: { type: 'boolean', help: '' },
  env: { type: 'list', help: '' },
  follow: { type: 'boolean', alias: 'f', help: '' },
};

/** Runs `fn` with SystemRoot (where cmd.exe comes from) set to `root`, as on Windows. */
function withSystemRoot(root, fn) {
  const saved = { SystemRoot: process.env.SystemRoot, SYSTEMROOT: process.env.SYSTEMROOT, windir: process.env.windir, WINDIR: process.env.WINDIR };
  for (const key of Object.keys(saved)) delete process.env[key];
  process.env.SystemRoot = root;
  const restore = () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  let result;
  try {
    result = fn();
  } catch (error) {
    restore();
    throw error;
  }
  if (result instanceof Promise) return result.finally(restore);
  restore();
  return result;
}

function validSettings(extra = {}) {
  return {
    version: 1, program: 'C:\\app\\server.js', args: ['--port', '80'], kind: 'node', interpreter: 'C:\\node\\node.exe', interpreterArgs: [],
    cwd: 'C:\\app', env: { A: '1' }, restart: 'on-failure', backoffInitial: 5000, backoffLimit: 300000, backoffReset: 30000,
    giveUpExitCode: null, stopMethod: 'ipc', stopTimeout: 10000, killTree: true, earlyExitWindow: 10000,
    log: { dir: 'C:\\logs', timestamps: false, maxSize: 1024, daily: true, keep: 10 },
    ...extra,
  };
}

describe('CLI arguments', () => {
  it('parses positionals, --opt value, --opt=value, booleans, --no-, lists, aliases and --', () => {
    const p = parseArgs(['svc', '--name', 'a b', '--flag', '--env', 'A=1', '--env=B=2', '-f', '--', 'prog', '--flag'], SPECS);
    assert.deepEqual(p.positionals, ['svc']);
    assert.deepEqual(p.options, { name: 'a b', flag: true, env: ['A=1', 'B=2'], follow: true });
    assert.deepEqual(p.rest, ['prog', '--flag']);
    assert.equal(parseArgs(['--no-flag'], SPECS).options.flag, false);
    assert.equal(parseArgs(['--flag=false'], SPECS).options.flag, false);
    assert.equal(parseArgs([], SPECS).rest, null);
    assert.deepEqual(parseArgs(['--'], SPECS).rest, []);
  });

  it('rejects unknown options and missing values without echoing values', () => {
    assert.throws(() => parseArgs(['--pasword', 'hunter2'], SPECS), (e) => e instanceof UsageError && e.message === 'unknown option --pasword');
    assert.throws(() => parseArgs(['--name'], SPECS), /--name needs a value/);
    assert.throws(() => parseArgs(['--name', '--'], SPECS), /--name needs a value/);
    assert.throws(() => parseArgs(['--flag=maybe'], SPECS), /takes no value/);
    assert.throws(() => parseArgs(['--no-name'], SPECS), /unknown option --no-name/);
    assert.throws(() => parseArgs(['-x'], SPECS), /unknown option -x/);
  });

  it('durations, sizes and counts', () => {
    assert.equal(parseDuration('500ms', 'd'), 500);
    assert.equal(parseDuration('5s', 'd'), 5000);
    assert.equal(parseDuration('5', 'd'), 5000);
    assert.equal(parseDuration('1.5s', 'd'), 1500);
    assert.equal(parseDuration('2m', 'd'), 120000);
    assert.equal(parseDuration('1h', 'd'), 3600000);
    assert.throws(() => parseDuration('soon', '--backoff'), /--backoff must be a duration/);
    assert.throws(() => parseDuration('-1s', 'd'), UsageError);
    assert.equal(parseSize('512', 's'), 512);
    assert.equal(parseSize('16K', 's'), 16384);
    assert.equal(parseSize('10M', 's'), 10485760);
    assert.equal(parseSize('1gb', 's'), 1073741824);
    assert.throws(() => parseSize('big', 's'), UsageError);
    assert.equal(parseCount('12', 'n'), 12);
    assert.throws(() => parseCount('1.5', 'n'), UsageError);
  });

  it('formats tables and durations', () => {
    assert.equal(table(['A', 'LONGER'], [['xyz', '1'], ['q', '22']]), 'A    LONGER\nxyz  1\nq    22');
    assert.equal(humanDuration(1234), '1.2s');
    assert.equal(humanDuration(65000), '1m 5s');
    assert.equal(humanDuration(90061000), '1d 1h 1m');
  });
});

describe('host settings', () => {
  it('accepts a complete record and fills defaults', () => {
    const s = checkSettings(validSettings());
    assert.equal(s.stopMethod, 'ipc');
    const minimal = validSettings();
    for (const k of ['restart', 'backoffInitial', 'backoffLimit', 'backoffReset', 'stopMethod', 'stopTimeout', 'killTree', 'earlyExitWindow']) delete minimal[k];
    const filled = checkSettings(minimal);
    assert.equal(filled.restart, 'on-failure');
    assert.equal(filled.backoffInitial, 5000);
    assert.equal(filled.backoffLimit, 300000);
    assert.equal(filled.backoffReset, 30000);
    assert.equal(filled.stopTimeout, 10000);
    assert.equal(filled.killTree, true);
    assert.equal(checkSettings(validSettings({ kind: 'exe', interpreter: null, stopMethod: undefined })).stopMethod, 'ctrl-c');
  });

  it('rejects wrong fields with TypeError / RangeError naming them', () => {
    assert.throws(() => checkSettings(validSettings({ restart: 'sometimes' })), (e) => e instanceof RangeError && /settings\.restart/.test(e.message));
    assert.throws(() => checkSettings(validSettings({ backoffInitial: -1 })), RangeError);
    assert.throws(() => checkSettings(validSettings({ args: 'x' })), TypeError);
    assert.throws(() => checkSettings(validSettings({ password: 'x' })), /unknown field 'password'/);
    assert.throws(() => checkSettings(validSettings({ env: { 'A=B': '1' } })), /invalid variable name/);
    assert.throws(() => checkSettings(validSettings({ kind: 'node', interpreter: null })), /interpreter is required/);
    assert.throws(() => checkSettings(validSettings({ version: 2 })), RangeError);
    assert.throws(() => parseSettings('{nope', 'svc'), /not valid JSON/);
  });

  it('priority and pidFile: defaults for settings written before them, checked when present', () => {
    const old = checkSettings(validSettings());
    assert.equal(old.priority, 'normal');
    assert.equal(old.pidFile, null);
    const s = checkSettings(validSettings({ priority: 'below_normal', pidFile: 'C:\\run\\app.pid' }));
    assert.equal(s.priority, 'below_normal');
    assert.equal(s.pidFile, 'C:\\run\\app.pid');
    assert.equal(checkSettings(validSettings({ pidFile: null })).pidFile, null);
    assert.throws(() => checkSettings(validSettings({ priority: 'turbo' })), (e) => e instanceof RangeError && /settings\.priority/.test(e.message));
    assert.throws(() => checkSettings(validSettings({ priority: 3 })), TypeError);
    assert.throws(() => checkSettings(validSettings({ pidFile: 'app.pid' })), (e) => e instanceof RangeError && /settings\.pidFile must be an absolute path/.test(e.message));
    assert.throws(() => checkSettings(validSettings({ pidFile: 12 })), TypeError);
    assert.throws(() => checkSettings(validSettings({ pidFile: '' })), RangeError);
  });

  it('readyTimeout: 0 for settings written before it, a Node program only when set', () => {
    assert.equal(checkSettings(validSettings()).readyTimeout, 0);
    assert.equal(checkSettings(validSettings({ readyTimeout: 15000 })).readyTimeout, 15000);
    assert.equal(checkSettings(validSettings({ kind: 'exe', interpreter: null, stopMethod: 'kill', readyTimeout: 0 })).readyTimeout, 0);
    assert.throws(() => checkSettings(validSettings({ kind: 'exe', interpreter: null, stopMethod: 'kill', readyTimeout: 5000 })),
      (e) => e instanceof RangeError && /settings\.readyTimeout needs a Node program .*'exe'/.test(e.message));
    assert.throws(() => checkSettings(validSettings({ readyTimeout: -1 })), RangeError);
    assert.throws(() => checkSettings(validSettings({ readyTimeout: '5s' })), TypeError);
  });

  it('hooks: none for settings written before them; an absolute program first', () => {
    const old = checkSettings(validSettings());
    assert.deepEqual([old.preStart, old.postStop, old.hookTimeout], [null, null, 30000]);
    assert.deepEqual(checkSettings(validSettings({ preStart: ['C:\\t\\m.exe', ''] })).preStart, ['C:\\t\\m.exe', '']);
    assert.throws(() => checkSettings(validSettings({ preStart: [] })), /must start with the program to run/);
    assert.throws(() => checkSettings(validSettings({ postStop: ['m.exe'] })), /postStop\[0\] must be an absolute path/);
    assert.throws(() => checkSettings(validSettings({ hookTimeout: 0 })), RangeError);
  });

  it('envUnset and pathPrepend: none for settings written before them; names and absolute folders', () => {
    const old = checkSettings(validSettings());
    assert.deepEqual([old.envUnset, old.pathPrepend], [[], []]);
    assert.throws(() => checkSettings(validSettings({ envUnset: ['A=B'] })), RangeError);
    assert.throws(() => checkSettings(validSettings({ pathPrepend: ['bin'] })), (e) => e instanceof RangeError && /must be an absolute path/.test(e.message));
    assert.throws(() => checkSettings(validSettings({ pathPrepend: ['C:\\a;C:\\b'] })), /must not contain ';'/);
  });

  it('affinity: all for settings written before it; sorted processors 0-63, at least one', () => {
    assert.equal(checkSettings(validSettings()).affinity, null);
    assert.deepEqual(checkSettings(validSettings({ affinity: [3, 1, 3] })).affinity, [1, 3]);
    assert.throws(() => checkSettings(validSettings({ affinity: [] })), RangeError);
    assert.throws(() => checkSettings(validSettings({ affinity: [64] })), (e) => e instanceof RangeError && /settings\.affinity\[0\]/.test(e.message));
    assert.throws(() => checkSettings(validSettings({ affinity: 3 })), TypeError);
  });

  it('exit code lists: none for settings written before them; sorted, without repeats, 0 to 0xFFFFFFFF', () => {
    const old = checkSettings(validSettings());
    assert.deepEqual([old.successExitCodes, old.noRestartExitCodes], [[], []]);
    assert.deepEqual(checkSettings(validSettings({ successExitCodes: [4, 3, 4], noRestartExitCodes: [0xffffffff] })).successExitCodes, [3, 4]);
    assert.throws(() => checkSettings(validSettings({ successExitCodes: [-1] })), (e) => e instanceof RangeError && /successExitCodes\[0\]/.test(e.message));
    assert.throws(() => checkSettings(validSettings({ noRestartExitCodes: 3 })), TypeError);
    assert.throws(() => checkSettings(validSettings({ noRestartExitCodes: ['3'] })), TypeError);
  });

  it('maps each priority class to the os.setPriority value libuv turns into that class', () => {
    const p = os.constants.priority;
    assert.deepEqual(PRIORITY_VALUES, {
      idle: p.PRIORITY_LOW, below_normal: p.PRIORITY_BELOW_NORMAL, normal: p.PRIORITY_NORMAL,
      above_normal: p.PRIORITY_ABOVE_NORMAL, high: p.PRIORITY_HIGH, realtime: p.PRIORITY_HIGHEST,
    });
  });

  it('a priority class that cannot be set is noted, not thrown', () => {
    const notes = [];
    applyPriority(0x7ffffff0, 'high', (m) => notes.push(m));
    assert.equal(notes.length, 1);
    assert.match(notes[0], /^could not set the program's priority class to high: /);
  });

  it('builds the command line per kind; cmd.exe gets one quoted /c line', () => {
    assert.deepEqual(programCommand(checkSettings(validSettings())), { file: 'C:\\node\\node.exe', args: ['C:\\app\\server.js', '--port', '80'] });
    assert.deepEqual(programCommand(checkSettings(validSettings({ kind: 'exe', interpreter: null, program: 'C:\\app\\a.exe' }))),
      { file: 'C:\\app\\a.exe', args: ['--port', '80'] });
    // The system's cmd.exe, whatever the stored interpreter (older versions stored ComSpec).
    const cmd = withSystemRoot('D:\\Win', () => programCommand(checkSettings(validSettings({ kind: 'cmd', interpreter: 'C:\\Users\\x\\cmd.exe', program: 'C:\\my app\\run.cmd', args: ['a b', 'plain', 'x&y', ''] }))));
    assert.equal(cmd.file, 'D:\\Win\\System32\\cmd.exe');
    assert.deepEqual(cmd.args.slice(0, 5), ['/d', '/e:ON', '/v:OFF', '/s', '/c']);
    assert.equal(cmd.args[5], '""C:\\my app\\run.cmd" "a b" plain "x&y" """');
    assert.equal(cmdLine('C:\\r.bat', ['say "hi"']), '""C:\\r.bat" "say ""hi""""');
    const py = programCommand(checkSettings(validSettings({ kind: 'interpreter', interpreter: 'C:\\py\\python.exe', interpreterArgs: ['-u'], program: 'C:\\app\\a.py', args: [] })));
    assert.deepEqual(py, { file: 'C:\\py\\python.exe', args: ['-u', 'C:\\app\\a.py'] });
  });

  it("appends a start's arguments after the program's, for every kind but cmd", () => {
    assert.deepEqual(programCommand(checkSettings(validSettings()), ['--x', 'a b']).args, ['C:\\app\\server.js', '--port', '80', '--x', 'a b']);
    assert.deepEqual(programCommand(checkSettings(validSettings({ kind: 'exe', interpreter: null, program: 'C:\\a.exe' })), ['y']).args, ['--port', '80', 'y']);
    // Never for a .cmd/.bat program: start arguments come from whoever may start the service
    // (install refuses passStartArgs for one; settings written before that may still hold it).
    const cmd = withSystemRoot('C:\\Windows', () => programCommand(checkSettings(validSettings({ kind: 'cmd', interpreter: 'C:\\cmd.exe', program: 'C:\\r.cmd', args: [], passStartArgs: true })), ['a&b']));
    assert.equal(cmd.args[5], '""C:\\r.cmd""', 'not passed to cmd.exe');
    assert.equal(checkSettings(validSettings()).passStartArgs, false, 'off for settings written before it');
    assert.throws(() => checkSettings(validSettings({ passStartArgs: 'yes' })), TypeError);
  });

  it('picks how to run a program from its extension', () => {
    assert.deepEqual(programKind('C:\\a\\server.js'), { kind: 'node', interpreter: process.execPath });
    assert.equal(programKind('C:\\a\\server.mjs').kind, 'node');
    assert.equal(programKind('C:\\a\\server.CJS').kind, 'node');
    assert.deepEqual(programKind('C:\\a\\tool.exe'), { kind: 'exe', interpreter: null });
    assert.deepEqual(withSystemRoot('C:\\Windows', () => programKind('C:\\a\\run.cmd')), { kind: 'cmd', interpreter: 'C:\\Windows\\System32\\cmd.exe' });
    assert.equal(withSystemRoot('C:\\Windows', () => programKind('C:\\a\\run.BAT')).kind, 'cmd');
    // cmd.exe comes from the system directory, never from ComSpec (any user may set their own).
    const comspec = process.env.ComSpec;
    process.env.ComSpec = 'C:\\Users\\evil\\cmd.exe';
    try {
      assert.equal(withSystemRoot('C:\\Windows', () => programKind('C:\\a\\run.cmd')).interpreter, 'C:\\Windows\\System32\\cmd.exe');
    } finally {
      if (comspec === undefined) delete process.env.ComSpec;
      else process.env.ComSpec = comspec;
    }
    assert.throws(() => programKind('C:\\a\\script.py'), /give --interpreter/);
    assert.throws(() => programKind('C:\\a\\script.py', path.join(os.tmpdir(), 'no-such-python')), /interpreter not found/);
    assert.deepEqual(programKind('x.py', process.execPath), { kind: 'node', interpreter: process.execPath });
  });
});

describe('pid file', () => {
  it('is written atomically (folder created, stale file replaced) and deleted only while it holds our pid', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-pid-'));
    const file = path.join(dir, 'run', 'app.pid');
    assert.equal(writePidFile(file, 1234), null);
    assert.equal(fs.readFileSync(file, 'utf8'), '1234\n');
    fs.writeFileSync(file, '99\n');
    assert.equal(writePidFile(file, 4321), null, 'a stale file is overwritten');
    assert.equal(fs.readFileSync(file, 'utf8'), '4321\n');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['app.pid'], 'no temporary file left');
    assert.equal(removePidFile(file, 1234), null);
    assert.ok(fs.existsSync(file), 'another pid: not ours to delete');
    assert.equal(removePidFile(file, 4321), null);
    assert.ok(!fs.existsSync(file));
    assert.equal(removePidFile(file, 4321), null, 'already gone is fine');
    fs.writeFileSync(path.join(dir, 'blocker'), '');
    assert.match(writePidFile(path.join(dir, 'blocker', 'app.pid'), 1), /\w/, 'a failure is returned, not thrown');
  });
});

describe('CLI without an SCM', () => {
  const options = (argv) => serviceOptions(parseArgs(argv, SERVICE_OPTIONS, 'install'), { stdin: Readable.from(['']) }, 'install');

  it('--priority and --pid-file / --no-pid-file become options', async () => {
    assert.deepEqual(await options(['--priority', 'high', '--pid-file', path.join(os.tmpdir(), 'a.pid')]), { priority: 'high', pidFile: path.join(os.tmpdir(), 'a.pid') });
    assert.deepEqual(await options(['--priority', 'below-normal']), { priority: 'below_normal' }, 'hyphens too');
    assert.deepEqual(await options(['--pid-file', 'rel.pid']), { pidFile: path.resolve('rel.pid') }, 'relative to the current folder');
    assert.deepEqual(await options(['--pid-file', '']), { pidFile: null });
    assert.deepEqual(await options(['--no-pid-file']), { pidFile: null });
    assert.deepEqual(await options([]), {});
    assert.deepEqual(await options(['--ready-timeout', '45s']), { readyTimeout: 45000 });
    assert.deepEqual(await options(['--pass-start-args']), { passStartArgs: true });
    assert.deepEqual(await options(['--affinity', '0, 2-3']), { affinity: [0, 2, 3] });
    assert.deepEqual(await options(['--affinity', 'all']), { affinity: null });
    assert.deepEqual(await options(['--pre-start', 'tools\\migrate.exe --up "a b"', '--post-stop', '', '--hook-timeout', '5s']),
      { preStart: [path.resolve('tools\\migrate.exe'), '--up', 'a b'], postStop: null, hookTimeout: 5000 });
    assert.deepEqual(await options(['--env-unset', 'TEMP', '--env-unset', 'TMP', '--path-prepend', 'bin']), { envUnset: ['TEMP', 'TMP'], pathPrepend: [path.resolve('bin')] });
    for (const bad of ['64', '3-1', 'x', '1,,2']) await assert.rejects(options(['--affinity', bad]), (e) => e instanceof UsageError && /--affinity must be processor numbers/.test(e.message), bad);
    assert.deepEqual(await options(['--no-pass-start-args']), { passStartArgs: false });
    assert.deepEqual(await options(['--success-codes', '3, 4', '--no-restart-codes', '78,0xC0000005']), { successExitCodes: [3, 4], noRestartExitCodes: [78, 0xc0000005] });
    assert.deepEqual(await options(['--success-codes', '']), { successExitCodes: [] }, '"" clears (update)');
    await assert.rejects(options(['--no-restart-codes', '3,x']), (e) => e instanceof UsageError && /--no-restart-codes must be exit codes .*got 'x'/.test(e.message));
    await assert.rejects(options(['--success-codes', '-1']), UsageError);
    await assert.rejects(options(['--success-codes', '4294967296']), UsageError);
    await assert.rejects(options(['--ready-timeout', 'soon']), (e) => e instanceof UsageError && /--ready-timeout must be a duration/.test(e.message));
    await assert.rejects(options(['--priority', 'turbo']), (e) => e instanceof UsageError && /--priority must be idle, below_normal/.test(e.message));
    await assert.rejects(options(['--pid-file', 'x', '--no-pid-file']), UsageError);
  });

  it('the library checks priority and pidFile before any SCM call', async () => {
    await assert.rejects(scm.installProgramService('svc', __filename, [], { priority: 'turbo' }), (e) => e instanceof RangeError && /options\.priority/.test(e.message));
    await assert.rejects(scm.installProgramService('svc', __filename, [], { pidFile: 'app.pid' }), (e) => e instanceof RangeError && /options\.pidFile must be an absolute path/.test(e.message));
    await assert.rejects(scm.installProgramService('svc', __filename, [], { pidFile: 5 }), TypeError);
    await assert.rejects(scm.installProgramService('svc', __filename, [], { readyTimeout: -5 }), (e) => e instanceof RangeError && /options\.readyTimeout/.test(e.message));
  });

  it('a .cmd program or hook: passStartArgs and arguments with CR, LF or NUL are refused before any SCM call', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cmdsafe-'));
    const script = path.join(dir, 'run.cmd');
    fs.writeFileSync(script, '@echo off\r\n');
    await withSystemRoot('C:\\Windows', async () => {
      await assert.rejects(scm.installProgramService('svc', script, [], { passStartArgs: true }),
        (e) => e instanceof RangeError && /passStartArgs \(--pass-start-args\) cannot be used with a \.cmd or \.bat program/.test(e.message));
      await assert.rejects(scm.installProgramService('svc', script, ['ok', 'a\r\ncalc.exe']),
        (e) => e instanceof RangeError && /^args\[1\] must not contain a carriage return \(CR\)/.test(e.message));
      await assert.rejects(scm.installProgramService('svc', __filename, [], { preStart: [script, 'x', 'a\nb'] }),
        (e) => e instanceof RangeError && /^options\.preStart\[2\] must not contain a line feed \(LF\)/.test(e.message));
      await assert.rejects(scm.installProgramService('svc', __filename, [], { postStop: [`${script}.`, 'a\0b'] }),
        (e) => e instanceof RangeError && /^options\.postStop\[1\] must not contain NUL/.test(e.message));
      assert.throws(() => scm.plannedProgramSettings('svc', script, [], { passStartArgs: true }), /cannot be used with a \.cmd or \.bat program/);
      // Not a batch file: nothing of cmd.exe applies.
      assert.equal(scm.plannedProgramSettings('svc', __filename, ['a\nb'], { passStartArgs: true, preStart: [process.execPath, 'a\nb'] }).passStartArgs, true);
      const r = await cli(['install', 'svc', '--pass-start-args', '--', script]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /cannot be used with a \.cmd or \.bat program: the start's arguments come from whoever may start the service/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  });

  it('--version and -v print the package version, and help says so', async () => {
    const { version } = require('../../package.json');
    for (const flag of ['--version', '-v']) {
      const r = await cli([flag]);
      assert.deepEqual([r.code, r.stdout], [0, `${version}\n`], flag);
    }
    assert.match((await cli(['help'])).stdout, /--version \(-v\)/);
  });

  it('prints help, and exits 2 for usage mistakes with one line', async () => {
    const help = await cli(['help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /install\s+install a program as a service/);
    const installHelp = await cli(['install', '--help']);
    assert.match(installHelp.stdout, /--stop-timeout <duration>/);
    assert.match(installHelp.stdout, /--priority <idle\|below_normal\|normal\|above_normal\|high\|realtime>/);
    assert.match(installHelp.stdout, /--pid-file <path>/);
    for (const args of [[], ['frobnicate'], ['install', 'x', '--priority', 'turbo', '--', 'p.js'], ['update', 'x', '--priority'],
      ['update', 'x', '--pid-file', 'a.pid', '--no-pid-file'], ['status', 'a', 'b'], ['install', 'x', '--restart', 'sometimes', '--', 'p.js'], ['start'], ['stop', 'x', '--', 'y'],
      ['install', 'x'], ['logs', 'x', '--lines', 'many']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      if (args.length) assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: one line: ${r.stderr}`);
    }
  });

  it('a missing program fails before any SCM call, on one line, exit 1', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scmn-cli-'));
    const r = await cli(['install', 'svc', '--', path.join(dir, 'missing.js')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^scm-native: error: program not found: .*missing\.js\n$/);
    const noCwd = await cli(['install', 'svc', '--cwd', path.join(dir, 'nope'), '--', __filename]);
    assert.match(noCwd.stderr, /working directory not found/);
  });

  it('never echoes a password, also with --verbose', async () => {
    const secret = 'Pa55-w0rd-xyz';
    const runs = [
      // --password VALUE is refused (usage error) wherever the value is put, without echoing it.
      await cli(['install', 'svc', '--password', secret, '--verbose', '--', __filename]),
      await cli(['install', 'svc', '--username', 'u', '--password', secret, '--virtual-account', '--verbose', '--', __filename]),
      await cli(['install', 'svc', '--pasword', secret, '--', __filename]),
      await cli(['install', 'svc', '--password', '--password-stdin', '--', __filename], { stdin: `${secret}\n` }),
      await cli(['install', 'svc', '--username', 'u', '--password', secret, '--verbose', '--', path.join(os.tmpdir(), 'none.js')]),
      await cli(['install', 'svc', `--password=${secret}`, '--', __filename]),
      await cli(['install', 'svc', '--password', `-${secret}`, '--', __filename]),
      // A password that is read (stdin) and then fails later: not echoed either.
      await cli(['install', 'svc', '--username', 'u', '--password-stdin', '--verbose', '--', path.join(os.tmpdir(), 'none.js')], { stdin: `${secret}\n` }),
      await cli(['install', 'svc', '--username', 'u', '--password-stdin', '--virtual-account', '--verbose', '--', __filename], { stdin: `${secret}\n` }),
    ];
    for (const r of runs) {
      assert.notEqual(r.code, 0);
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), r.stderr);
    }
    for (const r of [runs[0], runs[1], runs[4], runs[5], runs[6]]) {
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--password takes no value: .*--password alone .*--password-stdin/);
    }
  });
});
