// Colour only where welcome: a TTY, no NO_COLOR, no --no-color, not TERM=dumb.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from '../../src/cli';
import { colourWanted, paintVerdict, palette } from '../../src/terminal/colour';

test('colour needs a TTY, the flag, no NO_COLOR and a capable terminal', () => {
  const tty = { isTTY: true };
  assert.equal(colourWanted(tty, true, { TERM: 'xterm' }), true);
  assert.equal(colourWanted(tty, true, { TERM: 'xterm', NO_COLOR: '1' }), false);
  assert.equal(colourWanted(tty, false, { TERM: 'xterm' }), false);
  assert.equal(colourWanted({ isTTY: false }, true, { TERM: 'xterm' }), false);
  assert.equal(colourWanted(tty, true, { TERM: 'dumb' }), false);
  assert.equal(paintVerdict(palette(true), 'FAILING'), '\x1b[31mFAILING\x1b[0m');
  assert.equal(paintVerdict(palette(true), 'KEEPING UP'), '\x1b[32mKEEPING UP\x1b[0m');
  assert.equal(paintVerdict(palette(false), 'FAILING'), 'FAILING');
});

test('--no-color, -q and -v reach every command', () => {
  assert.equal(parseCommandLine(['run', '--no-color']).ctx?.flags.color, false);
  assert.equal(parseCommandLine(['run']).ctx?.flags.color, true);
  assert.equal(parseCommandLine(['-q', 'run']).ctx?.flags.quiet, true);
  assert.equal(parseCommandLine(['report', 'x', '-v']).ctx?.flags.verbose, true);
});
