'use strict';
// The integration tests and their helpers start child processes only through
// test/support/child.js, the one place that knows Wine's occasional CreateProcess failure
// (docs/wine.md). A direct require of node:child_process there would bring the flake back.
// Only requires at the start of a line count: an indented one is inside a script that a child node
// runs (test/integration/locks.test.js), not the test's own.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const TEST = path.join(__dirname, '..');
const DIRECT = /^(?:const|let|var)\s.*require\(\s*['"](?:node:)?child_process['"]\s*\)/m;

function filesIn(dir) {
  return fs.readdirSync(path.join(TEST, dir)).filter((name) => name.endsWith('.js')).map((name) => path.join(dir, name));
}

describe('test child processes', () => {
  it('integration tests and support helpers start children only through test/support/child.js', () => {
    const files = [...filesIn('integration'), ...filesIn('support')].filter((file) => file !== path.join('support', 'child.js'));
    assert.ok(files.length > 20, `found only ${files.length} files`);
    const direct = files.filter((file) => DIRECT.test(fs.readFileSync(path.join(TEST, file), 'utf8')));
    assert.deepEqual(direct, []);
  });

  it('the check sees a direct require at the start of a line and ignores one in a child script', () => {
    assert.ok(DIRECT.test("const { spawn } = require('node:child_process');"));
    assert.ok(DIRECT.test("const cp = require('child_process');"));
    assert.ok(!DIRECT.test("    const { spawn } = require('node:child_process');"));
    assert.ok(!DIRECT.test("const { spawn } = require('../support/child');"));
  });
});
