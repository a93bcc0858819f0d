#!/usr/bin/env node
'use strict';
// npm run build: the TypeScript (dist/) and the Windows addons (prebuilds/win32-<arch>/, see build-native.js).
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
for (const args of [['run', 'build:ts'], ['run', 'build:native']]) {
  const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status || 1);
}
