#!/usr/bin/env node
'use strict';
// The C++ compiler of the win32-arm64 cross build (cmake/zig-aarch64-windows.cmake):
//   zig-cxx.js <zig> <compiler arguments...>
// runs `zig c++ -target aarch64-windows-gnu` (clang with zig's bundled mingw-w64 CRT, libc++ and
// lld). zig's driver rejects linker options it does not know, /DELAYLOAD among them, so a link
// that carries --scm-delayload=<dll> is done twice: zig links normally and prints its lld-link
// command (ZIG_VERBOSE_LINK), then that command runs again through `zig lld-link` with
// -delayload:<dll> added; lld then writes the delay-import thunks and table itself, which
// Debian's mingw-w64 does with `dlltool -y` for x64 (no dlltool here can make an arm64 one).
const { spawnSync } = require('node:child_process');

const TARGET = 'aarch64-windows-gnu';
const DELAYLOAD = '--scm-delayload=';
const [zig, ...args] = process.argv.slice(2);
const delayLoad = args.filter((a) => a.startsWith(DELAYLOAD)).map((a) => a.slice(DELAYLOAD.length));
const compilerArgs = args.filter((a) => !a.startsWith(DELAYLOAD));

function fail(message) {
  process.stderr.write(`zig-cxx: ${message}\n`);
  process.exit(1);
}

if (delayLoad.length === 0) {
  const result = spawnSync(zig, ['c++', '-target', TARGET, ...compilerArgs], { stdio: 'inherit' });
  process.exit(result.status === null ? 1 : result.status);
}

const first = spawnSync(zig, ['c++', '-target', TARGET, ...compilerArgs], {
  stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', env: { ...process.env, ZIG_VERBOSE_LINK: '1' },
  maxBuffer: 64 * 1024 * 1024,
});
const lines = (first.stderr || '').split('\n');
const linkLines = lines.filter((line) => line.startsWith('lld-link '));
// Everything else zig printed (diagnostics) is passed on; its own archiver log lines are not.
const other = lines.filter((line) => line && !line.startsWith('lld-link ') && !line.startsWith('ar rcs ')).join('\n');
if (other) process.stderr.write(`${other}\n`);
if (first.status !== 0) process.exit(first.status === null ? 1 : first.status);
if (linkLines.length !== 1) fail(`expected one lld-link command from zig, found ${linkLines.length}`);
// zig prints the command joined by single spaces without quoting: a path with a space in it
// cannot be told apart, so refuse rather than relink with the wrong arguments.
const linkArgs = linkLines[0].slice('lld-link '.length).split(' ');
if (linkArgs.some((a) => a === '') || compilerArgs.some((a) => /\s/.test(a)) || /\s/.test(process.cwd())) {
  fail('the arm64 cross build needs paths without spaces (the link command cannot be re-run otherwise)');
}
const second = spawnSync(zig, ['lld-link', ...linkArgs, ...delayLoad.map((dll) => `-delayload:${dll}`)], { stdio: 'inherit' });
process.exit(second.status === null ? 1 : second.status);
