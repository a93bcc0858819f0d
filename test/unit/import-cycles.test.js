'use strict';
// lib/ has no import cycles, type-only imports included: a cycle through lib/native/binding.ts
// would make the order in which modules initialise matter (errors <-> native <-> services was
// one; the raw records now live in lib/native/raw-types.ts, which imports nothing).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const LIB = path.join(__dirname, '..', '..', 'lib');
const IMPORT = /\b(?:from\s+|import\s*\(\s*|require\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

// file -> the lib/ files it imports (relative specifiers resolved to .ts or index.ts).
function importGraph(files) {
  const graph = new Map();
  for (const file of files) {
    const targets = new Set();
    for (const match of fs.readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const base = path.resolve(path.dirname(file), match[1]);
      const target = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => fs.existsSync(candidate));
      if (target) targets.add(target);
    }
    graph.set(file, [...targets]);
  }
  return graph;
}

// One cycle per depth-first back edge, as a list of files ending where it started.
function findCycles(graph) {
  const cycles = [];
  const done = new Set();
  const stack = [];
  const visit = (file) => {
    const at = stack.indexOf(file);
    if (at !== -1) {
      cycles.push([...stack.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    stack.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    stack.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return cycles;
}

describe('lib/ import graph', () => {
  it('has no cycles, type-only imports included', () => {
    const cycles = findCycles(importGraph(sourceFiles(LIB)));
    const shown = cycles.map((cycle) => cycle.map((file) => path.relative(LIB, file)).join(' -> '));
    assert.deepEqual(shown, []);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const a = path.join(LIB, 'a.ts');
    const b = path.join(LIB, 'b.ts');
    assert.equal(findCycles(new Map([[a, [b]], [b, [a]]])).length, 1);
  });

  it('keeps lib/native/raw-types.ts free of imports', () => {
    assert.deepEqual(importGraph([path.join(LIB, 'native', 'raw-types.ts')]).get(path.join(LIB, 'native', 'raw-types.ts')), []);
  });
});
