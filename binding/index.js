'use strict';
// Loads the native addon. Only Windows has a Service Control Manager: elsewhere the package still
// imports (types, constants, pure helpers) and `binding` is null; the TypeScript layer turns a
// call into an ScmError with code ERR_SCM_UNSUPPORTED_PLATFORM.
// node-gyp-build looks in build/Release first, then prebuilds/<platform>-<arch>/; set
// SCM_NATIVE_PREBUILD to a directory to load the addon from elsewhere (bundlers).
const path = require('node:path');

const root = path.join(__dirname, '..');
let binding = null;
let loadError = null;
if (process.platform === 'win32') {
  try {
    const folder = process.env.SCM_NATIVE_PREBUILD;
    binding = folder ? require(path.join(path.resolve(folder), 'scm-native.node')) : require('node-gyp-build')(root);
  } catch (error) {
    loadError = error;
  }
}

module.exports = { binding, loadError, root };
