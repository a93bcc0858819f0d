'use strict';
// Parsing a services file in unit tests: `parse` from a JSON value (or the text itself), and
// `fails`, which checks the ServicesFileError's message, entry index and dotted field.
const assert = require('node:assert/strict');
const scm = require('../..');

const parse = (value, file = 'svc.json') => scm.parseServicesFile(typeof value === 'string' ? value : JSON.stringify(value), file);

function fails(value, re, entry, field, file) {
  assert.throws(() => parse(value, file), (e) => {
    assert.equal(e.name, 'ServicesFileError');
    assert.match(e.message, re);
    assert.equal(e.entry, entry);
    assert.equal(e.field, field);
    return true;
  });
}

module.exports = { fails, parse };
