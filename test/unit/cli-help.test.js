'use strict';
// The CLI as a new user meets it: `scm-native` alone, help of an unknown command, did-you-mean for
// commands, flags and services-file fields, and help text that fits 100 columns with every option
// listed once (install and update under group headings).
const assert = require('node:assert/strict');
const { closestMatches, didYouMean, editDistance } = require('../../dist/did-you-mean');
const { CLI_COMMANDS, CLI_COMMON_OPTIONS } = require('../../dist/cli/main');
const { HELP_GROUPS, HELP_WIDTH, wrap } = require('../../dist/cli/help');
const { parseArgs, UsageError } = require('../../dist/cli/args');
const { SETTING_FIELDS, SETTING_GROUPS } = require('../../dist/host/setting-fields');
const { parseServicesFile } = require('../../dist/declarative/services-file');
const { cli } = require('../support/cli');

/** The line of an option in help: `  --name`, `  --name <value>` or `  -h, --name`. */
const flagPattern = (name) => new RegExp(`^ {2}(-\\w, )?--${name.replace(/[-$]/g, '\\$&')}(?=[\\s<]|$)`, 'gm');

describe('did you mean', () => {
  it('edit distance counts insertions, deletions, substitutions and swaps, without case', () => {
    assert.equal(editDistance('instal', 'install'), 1);
    assert.equal(editDistance('programm', 'program'), 1);
    assert.equal(editDistance('prgoram', 'program'), 1);
    assert.equal(editDistance('Stop', 'stop'), 0);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('suggests close words and words typed with letters left out, best first; nothing for a wild guess', () => {
    assert.deepEqual(closestMatches('instal', ['install', 'update', 'status']), ['install']);
    assert.deepEqual(closestMatches('depnds', ['depends', 'dependents', 'display-name']), ['depends', 'dependents']);
    assert.deepEqual(closestMatches('depnds', ['dependents', 'wait']), ['dependents']);
    assert.deepEqual(closestMatches('stat', ['start', 'status', 'restart']), ['start', 'status']);
    assert.deepEqual(closestMatches('frobnicate', ['install', 'update', 'status']), []);
    assert.deepEqual(closestMatches('x', ['install', 'list']), []);
    assert.equal(didYouMean('frobnicate', ['install']), '');
    assert.equal(didYouMean('instal', ['install'], (c) => `"${c}"`), '; did you mean "install"?');
  });
});

describe('CLI: a new user', () => {
  it('scm-native alone: a short usage on stderr, exit 2; help and --help: the full list on stdout, exit 0', async () => {
    const bare = await cli([]);
    assert.equal(bare.code, 2);
    assert.equal(bare.stdout, '');
    assert.match(bare.stderr, /^usage: scm-native <command>/);
    assert.match(bare.stderr, /scm-native help/);
    assert.ok(bare.stderr.split('\n').length <= 6, bare.stderr);
    for (const args of [['help'], ['--help'], ['-h']]) {
      const r = await cli(args);
      assert.deepEqual([r.code, r.stderr], [0, ''], args.join(' '));
      for (const name of Object.keys(CLI_COMMANDS)) assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'), `${args}: ${name}`);
    }
  });

  it('help of an unknown command says so (exit 2), with the command meant', async () => {
    const r = await cli(['help', 'instal']);
    assert.deepEqual([r.code, r.stdout], [2, '']);
    assert.match(r.stderr, /unknown command 'instal'; did you mean install\?/);
    const none = await cli(['help', 'frobnicate']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /unknown command 'frobnicate' \(see scm-native help\)/);
    assert.equal((await cli(['help', 'install'])).code, 0);
    // Names every object has are not commands either.
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      for (const args of [['help', name], [name]]) {
        const r = await cli(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, new RegExp(`^scm-native: unknown command '${name}'`), args.join(' '));
      }
    }
    assert.match((await cli(['hlep'])).stderr, /did you mean help\?/);
  });

  it('an unknown command or flag names the one meant, on one line, exit 2', async () => {
    const cases = [
      [['instal', 'web'], /unknown command 'instal'; did you mean install\?/],
      [['stop', 'web', '--depnds'], /unknown option --depnds; did you mean --dependents\?/],
      [['install', 'web', '--depnds', 'db', '--', 'a.js'], /unknown option --depnds; did you mean --depends\?/],
      [['install', 'web', '--stop-timout', '5s', '--', 'a.js'], /did you mean --stop-timeout\?/],
      [['update', 'web', '--no-pidfile'], /did you mean --no-pid-file\?/],
      [['status', '--jsn'], /did you mean --json\?/],
      [['list', '--frobnicate'], /^scm-native: unknown option --frobnicate \(usage: /],
    ];
    for (const [args, pattern] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, pattern, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.throws(() => parseArgs(['--flg'], { flag: { type: 'boolean', help: '' } }), (e) => e instanceof UsageError && e.message === 'unknown option --flg; did you mean --flag?');
  });

  it("every command's help fits 100 columns and lists each of its options, and the common ones, exactly once", async () => {
    assert.equal(HELP_WIDTH, 100);
    for (const [name, command] of Object.entries(CLI_COMMANDS)) {
      for (const args of [['help', name], [name, '--help']]) {
        const r = await cli(args);
        assert.equal(r.code, 0, args.join(' '));
        r.stdout.split('\n').forEach((line, i) => assert.ok(line.length <= HELP_WIDTH, `${args.join(' ')}: line ${i + 1} has ${line.length} columns: ${line}`));
        for (const option of Object.keys({ ...command.options, ...CLI_COMMON_OPTIONS })) {
          const count = (r.stdout.match(flagPattern(option)) ?? []).length;
          assert.equal(count, 1, `${args.join(' ')}: --${option} listed ${count} times`);
        }
      }
    }
    const list = await cli(['help']);
    list.stdout.split('\n').forEach((line) => assert.ok(line.length <= HELP_WIDTH, line));
  });

  it('install --help and update --help: the options under a heading per group, in order, then examples', async () => {
    for (const name of ['install', 'update']) {
      const text = (await cli([name, '--help'])).stdout;
      const headings = [...text.matchAll(/^(\S[^:\n]*):$/gm)].map((m) => m[1]);
      const expected = Object.values(HELP_GROUPS).filter((h) => headings.includes(h));
      assert.deepEqual(headings.filter((h) => Object.values(HELP_GROUPS).includes(h)), expected, `${name}: headings in order`);
      assert.ok(expected.length >= 8, `${name}: ${headings}`);
      assert.deepEqual(headings.slice(-2), ['General', 'Examples'], name);
      // Each setting's flag sits under its row's group heading.
      const sections = text.split(/\n\n/);
      for (const row of SETTING_FIELDS) {
        const section = sections.find((s) => flagPattern(row.flag).test(s));
        assert.ok(section?.startsWith(`${HELP_GROUPS[row.group]}:\n`), `--${row.flag} under ${HELP_GROUPS[row.group]}`);
      }
      for (const flag of ['username', 'password', 'virtual-account']) assert.match(sections.find((s) => flagPattern(flag).test(s)), /^Account and access:/);
      for (const flag of ['startup', 'depends', 'recovery', 'display-name']) assert.match(sections.find((s) => flagPattern(flag).test(s)), /^The service/);
      assert.match(text, /Examples:\n {2}scm-native /);
    }
    const install = (await cli(['install', '--help'])).stdout;
    assert.match(install, /scm-native install \S+ .*--restart always/);
    assert.match(install, /--username/);
    // Every settings group has a heading.
    for (const group of SETTING_GROUPS) assert.equal(typeof HELP_GROUPS[group], 'string', group);
  });

  it('wraps help text at spaces with a hanging indent', () => {
    assert.equal(wrap('aaa bbb ccc', 2, 0, 8), 'aaa bbb\n  ccc');
    assert.equal(wrap('short', 4), 'short');
    assert.equal(wrap('averyveryverylongword x', 2, 0, 5), 'averyveryverylongword\n  x');
  });
});

describe('services file: did you mean', () => {
  const fails = (entry, pattern) => assert.throws(() => parseServicesFile(JSON.stringify({ services: [entry] }), 's.json'), pattern);

  it('an unknown field names the field meant, in the entry and in its tables', () => {
    fails({ name: 'a', programm: 'a.js' }, /field "programm" is unknown; did you mean "program"\?/);
    fails({ name: 'a', programm: 'a.js', args: ['x'] }, /field "programm" is unknown; did you mean "program"\?/);
    fails({ name: 'a', program: 'a.js', stopTimout: '5s' }, /field "stopTimout" is unknown; did you mean "stopTimeout"\?/);
    fails({ name: 'a', program: 'a.js', log: { maxsize: '1M' } }, /field "log.maxsize" is unknown; did you mean "maxSize"\?/);
    fails({ name: 'a', start: 'x.cmd', stopp: 'y.cmd' }, /field "stopp" is unknown; did you mean "stop"\?/);
    fails({ name: 'a', program: 'a.js', frobnicate: 1 }, /field "frobnicate" is unknown \(allowed: /);
    assert.throws(() => parseServicesFile('{"service": []}', 's.json'), /unknown field "service"; did you mean "services"\?/);
  });

  it('a password field points to passwordEnv, and never shows the password', () => {
    for (const entry of [{ name: 'a', program: 'a.js', username: '.\\u', password: 'hunter2' }, { name: 'a', password: 'hunter2' }]) {
      assert.throws(() => parseServicesFile(JSON.stringify({ services: [entry] }), 's.json'), (e) => {
        assert.match(e.message, /field "password" is not taken: a password never lives in the services file.*"passwordEnv"/);
        assert.doesNotMatch(e.message, /hunter2/);
        return true;
      });
    }
  });
});

describe('CLI: error text', () => {
  const { ScmError } = require('../../dist/errors/scm-error');
  const { cliErrorText, ELEVATION_ADVICE } = require('../../dist/cli/error-text');

  it('a missing service is said plainly, whichever call found it missing', () => {
    const missing = new ScmError({ errno: 1060, syscall: 'OpenServiceW', service: 'web', detail: 'The specified service does not exist as an installed service.' });
    assert.equal(cliErrorText(missing), "service 'web' does not exist (ERROR_SERVICE_DOES_NOT_EXIST, 1060)");
    assert.equal(cliErrorText(new ScmError({ errno: 1060, syscall: 'OpenServiceW', service: 'web', system: 'srv1' })), "service 'web' does not exist on 'srv1' (ERROR_SERVICE_DOES_NOT_EXIST, 1060)");
  });

  it('access denied (SCM or registry) says to use an elevated prompt; other errors are their message on one line', () => {
    for (const syscall of ['OpenSCManagerW', 'RegCreateKeyExW']) {
      const text = cliErrorText(new ScmError({ errno: 5, syscall, detail: 'Access is denied.' }));
      assert.ok(text.startsWith(`${syscall} failed: Access is denied. (ERROR_ACCESS_DENIED, 5); `), text);
      assert.ok(text.endsWith(ELEVATION_ADVICE), text);
    }
    assert.match(ELEVATION_ADVICE, /run it from an elevated \(administrator\) prompt/);
    assert.equal(cliErrorText(new ScmError({ errno: 1056, syscall: 'StartServiceW', service: 'web' })), "StartServiceW failed for service 'web' (ERROR_SERVICE_ALREADY_RUNNING, 1056)");
    assert.equal(cliErrorText(new Error('two\n  lines')), 'two lines');
  });
});
