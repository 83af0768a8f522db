// Lines redrawn in place stay within the terminal's width (a wrapped line would leave a stale
// row at every redraw): the populate/clean progress bar and a capacity step's status line.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripVTControlCharacters } from 'node:util';
import { stepStatus } from '../../src/run/steptrack';
import { Progress } from '../../src/terminal/progress';
import { printSummary } from '../../src/terminal/summary';
import { visibleLength, wrapLine } from '../../src/terminal/wrap';
import { runRecord } from '../helpers/reports';

/** A terminal-like stream that keeps what was written. */
function tty(columns: number): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = {
    columns,
    isTTY: true,
    write: (s: string) => {
      text += s;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

test('the progress bar is cut to the terminal width, so its redraws never wrap', () => {
  const t = tty(80);
  const p = new Progress('populate to 1000000 LBs', t.stream, true);
  p.start(12_000_000);
  p.advance(11_700_000, '900,000/1,000,000 LBs');
  p.stop();
  const redraws = t
    .text()
    .split('\r')
    .map((s) => s.replace('\x1b[K', '').replace('\n', ''))
    .filter(Boolean);
  assert.ok(redraws.length >= 1);
  for (const r of redraws) assert.ok(r.length < 80, `${r.length}: ${r}`);
  assert.match(redraws[0], /^\[#{23,24}\.{0,1}\] populate to 1000000 LBs/);
});

test("a capacity step's status says what it waits for, within the width", () => {
  assert.equal(
    stepStatus('step 200/s', 'waiting for the HM to drain', 4.7, 80),
    '  step 200/s: waiting for the HM to drain 4 s',
  );
  const long = stepStatus('step 1,000,000/s', `sending for 3600 s, ${'9'.repeat(40)}/s processed, at`, 12, 60);
  assert.equal(long.length, 59);
  assert.ok(long.endsWith('…'));
});

test('the end-of-run summary wraps at spaces in an 80-column terminal, one line per fact in a pipe', () => {
  const record = runRecord();
  record.diagnosis = [`${'a long diagnosis line '.repeat(8)}ends here`];
  const print = (columns: number, isTTY: boolean) => {
    const t = tty(columns);
    (t.stream as { isTTY: boolean }).isTTY = isTTY;
    printSummary({ out: t.stream, err: t.stream, quiet: false, colour: true }, record, ['/tmp/r.html']);
    return t.text();
  };
  const piped = print(80, false);
  const wrapped = print(80, true);
  const rows = wrapped.split('\n');
  for (const row of rows) assert.ok(visibleLength(row) <= 80, `${visibleLength(row)}: ${row}`);
  assert.ok(rows.length > piped.split('\n').length, 'some lines were wrapped');
  const words = (s: string) => stripVTControlCharacters(s).split(/\s+/).filter(Boolean);
  assert.deepEqual(words(wrapped), words(piped), 'no word (figure) split or lost');
  assert.ok(
    piped.split('\n').some((l) => l.length > 80),
    'a pipe gets the long lines whole',
  );
  assert.match(wrapped, /\n {6}diagnosis line/, 'continuation rows indented past the line');
});

test('wrapLine keeps a word wider than the terminal whole, and short lines untouched', () => {
  assert.deepEqual(wrapLine('short', 80), ['short']);
  const long = `  see ${'x'.repeat(100)} there`;
  assert.deepEqual(wrapLine(long, 40), ['  see', `    ${'x'.repeat(100)}`, '    there']);
});
