'use strict';
// A seeded fuzz of the exported API with wrong shapes (test/integration/fuzz.test.js). Every call
// has at least one argument that is wrong for certain (a wrong type, an empty or NUL-holding
// string), so nothing it calls can install, change or delete anything.

const { prng: rng } = require('./prng');

const NONEXISTENT = 'scmn-fuzz-no-such-service';
const OPTION_KEYS = [
  'system', 'database', 'wait', 'signal', 'timeout', 'args', 'fields', 'state', 'force', 'lines', 'follow', 'stopDependents',
  'type', 'startType', 'errorControl', 'command', 'displayName', 'account', 'password', 'dependencies', 'description',
  'control', 'accepted', 'exitCode', 'serviceCode', 'waitHint', 'checkpoint', 'source', 'eventId', 'category', 'strings',
  'lockDir', 'onEvent', 'only', 'dryRun', 'format', 'name', 'program', 'interval', 'env', 'logDir', 'pattern', 'all',
  'sddl', 'securityInformation', 'withDisplayName', 'ready', 'debug', 'service', 'stdout', 'stderr', 'write',
];

/** Values wrong for a name, a path, a string, a list of strings and an options object alike. */
function wrongForSure(r) {
  const pool = [true, false, 0, -1, 1.5, NaN, Infinity, 2 ** 53, 10n, Symbol('s'), () => 1, [1, 2], [null], [{}]];
  return pool[Math.floor(r() * pool.length)];
}

/** Values of every shape, right or wrong. */
function wrongAnywhere(r) {
  const pool = [
    undefined, null, true, false, 0, -1, 1.5, NaN, Infinity, 2 ** 53, 10n, Symbol('s'), () => 1,
    [], [1, 2], [null], ['\0'], {}, { aborted: false }, Object.create(null), new Date(0), /re/, new Map(),
    { length: 3 }, { then: 1 }, Buffer.from('x'), { toString: 1, valueOf: 1 },
  ];
  return pool[Math.floor(r() * pool.length)];
}

function anyValue(r, depth = 0) {
  const pick = Math.floor(r() * 12);
  switch (pick) {
    case 0: return NONEXISTENT;
    case 1: return ['', '\0', 'a\0b', 'x'.repeat(300), 'a/b', 'C:\\no\\such', '*', 'running', '%PATH%'][Math.floor(r() * 9)];
    case 2: return [0, -1, 1, 0.5, 65535, 2 ** 31, -(2 ** 31), 2 ** 32, NaN, -Infinity][Math.floor(r() * 10)];
    case 3: return depth < 2 ? randomObject(r, depth + 1) : {};
    case 4: return depth < 2 ? Array.from({ length: Math.floor(r() * 3) }, () => anyValue(r, depth + 1)) : [];
    default: return wrongAnywhere(r);
  }
}

function randomObject(r, depth = 0) {
  const out = {};
  const n = Math.floor(r() * 4);
  for (let i = 0; i < n; i++) out[OPTION_KEYS[Math.floor(r() * OPTION_KEYS.length)]] = anyValue(r, depth);
  return out;
}

/**
 * The arguments of one call: `arity` random values, one position (the first unless the function
 * takes none) replaced by a value wrong for any parameter.
 */
function argumentsFor(r, arity) {
  const count = Math.max(arity, 1) + (r() < 0.2 ? 1 : 0);
  const args = Array.from({ length: count }, () => anyValue(r));
  // Position 0 is a name, a path, an options object or a list in every exported function: a value
  // wrong for all of them makes the call certainly invalid.
  args[0] = wrongForSure(r);
  return args;
}

/** Messages of the engine rather than of the library. */
const ENGINE_MESSAGE = /is not a function|Cannot read propert|Cannot convert|is not iterable|is not a constructor|Cannot destructure|undefined is not|null is not|Cannot set propert|Maximum call stack|Invalid array length|not an object|The "[^"]+" argument must be/;

module.exports = { ENGINE_MESSAGE, NONEXISTENT, anyValue, argumentsFor, rng };
