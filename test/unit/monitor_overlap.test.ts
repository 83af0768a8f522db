// The monitor re-reads only as far behind its watermark as late commits have lately needed
// (at least 1 s), widening to the full 5 s every few polls and whenever a row turns up late.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_OVERLAP_SECS, Monitor, overlapSecs, type Queryable, WIDE_POLL_EVERY } from '../../src/run/monitor';

test('the overlap is 1 s more than the furthest-behind recent find, within 1..5 s, and wide every few polls', () => {
  assert.equal(overlapSecs([], 1), 1);
  assert.equal(overlapSecs([0, 0], 1), 1);
  assert.equal(overlapSecs([0, 2, 0], 2), 3);
  assert.equal(overlapSecs([9], 3), MAX_OVERLAP_SECS);
  assert.equal(overlapSecs([], 0), MAX_OVERLAP_SECS);
  assert.equal(overlapSecs([], WIDE_POLL_EVERY * 3), MAX_OVERLAP_SECS);
});

test('a row committed 3 s behind the watermark widens the next polls to 4 s', async () => {
  const start = 1_700_000_000_000;
  const startSec = start / 1000;
  let rows: Array<{ id: string; t: number }> = [];
  const from: number[] = [];
  const conn: Queryable = {
    query: async <T>(_sql: string, values?: unknown[]) => {
      from.push(Number(values?.[0]));
      return rows as T;
    },
  };
  const m = new Monitor(conn, ['a', 'b'], 10, 60, start);
  // both amphorae sent at start + 1 s and again at + 8 s
  const history = {
    depth: 2,
    times: new Float64Array([start + 1000, start + 8000, start + 1000, start + 8000]),
    seqs: new Float64Array(4),
  };
  rows = [{ id: 'a', t: startSec + 10 }];
  await m.poll(history, start + 11_000); // poll 0: wide
  rows = [];
  await m.poll(history, start + 12_000); // poll 1: narrow
  rows = [{ id: 'b', t: startSec + 7 }]; // committed late: 3 s behind the watermark (start + 10)
  const s = await m.poll(history, start + 13_000);
  assert.equal(s.processedDelta, 1);
  await m.poll(history, start + 14_000);
  const w = startSec + 10;
  assert.deepEqual(from, [startSec - 1 - MAX_OVERLAP_SECS, w - 1, w - 1, w - 4]);
});
