// What the operator sees of an error: one line, control characters escaped, and the exit
// status the error carries (one field: exitCode).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnvError, EXIT_ENV, EXIT_USAGE, exitCodeOf, oneLine, printable, UsageError } from '../../src/errors';

test('control characters, ESC sequences, C1 controls and bidi overrides are escaped', () => {
  assert.equal(printable('a\x1b[2Jb'), 'a\\x1b[2Jb');
  assert.equal(printable('\x00\x07\x08\x7f\x9b'), '\\x00\\x07\\x08\\x7f\\x9b');
  assert.equal(printable('name\u202e.conf'), 'name\\u202e.conf');
  assert.equal(printable(printable('a\x1bb')), 'a\\x1bb', 'escaping twice changes nothing');
  assert.equal(printable('plain text: ünïcode, "quotes"'), 'plain text: ünïcode, "quotes"');
});

test('an error is one line, escaped', () => {
  assert.equal(oneLine(new Error('first\n   second\r\nthird')), 'first second third');
  assert.equal(oneLine(new Error('bad \x1b]0;title\x07 value')), 'bad \\x1b]0;title\\x07 value');
  assert.doesNotMatch(oneLine('x\ry\tz'), /[\r\t]/);
});

test('the exit status comes from the error: EnvError defaults to 3 and may carry 2', () => {
  assert.equal(exitCodeOf(new EnvError('down')), EXIT_ENV);
  assert.equal(exitCodeOf(new EnvError('found before any write', EXIT_USAGE)), EXIT_USAGE);
  assert.equal(exitCodeOf(new UsageError('typo')), EXIT_USAGE);
  assert.equal(exitCodeOf(new Error('bug')), 1);
  assert.equal(new EnvError('x', 2).exitCode, 2);
});
