// Exact ownership without a database: the prefix grammar, LIKE escaping, the exact ghost name
// matcher against look-alike names, row-bounded populate groups, and the privilege message.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { UsageError } from '../../src/errors';
import { expectedCounts, type GhostPlan, rowsPerLb } from '../../src/ghostdb/ghosts';
import { checkPlanSize, generateGroups, MAX_ROWS_PER_LB, TX_ROWS } from '../../src/ghostdb/groups';
import { lockName } from '../../src/ghostdb/lock';
import { escapeLike, isGhostLbName, lbIndex, lbName, lbNamePattern, validatePrefix } from '../../src/ghostdb/names';
import { describeMissing } from '../../src/ghostdb/privileges';
import { lookAlikes } from '../helpers/lookalikes';
import { testPlan } from '../helpers/plans';

const P = '0b4c2a9e-7d1f-4c3b-9a8e-5f6d7c8b9a01';

test('validatePrefix accepts what populate generates, verbatim', () => {
  for (let i = 0; i < 50; i++) {
    const p = randomUUID();
    assert.equal(validatePrefix(p), p);
  }
  assert.equal(validatePrefix(P), P);
});

test('validatePrefix refuses empty, partial, wildcard, padded and uppercase prefixes with one line', () => {
  const bad = [
    '',
    '%',
    '_',
    '%%',
    '*',
    '.*',
    P.slice(0, 8),
    P.slice(0, 35),
    `${P}%`,
    `${P}_`,
    `%${P}`,
    P.replace(/-/g, '_'),
    P.toUpperCase(),
    ` ${P}`,
    `${P} `,
    `${P}\n`,
    `${P}-lb1`,
    P.replace(/-/g, ''),
    `{${P}}`,
    P.replace(/[0-9]/, 'g'),
    `${P}0`,
  ];
  for (const b of bad) {
    const oneLine = (e: unknown) => e instanceof UsageError && !e.message.includes('\n');
    assert.throws(() => validatePrefix(b), oneLine, JSON.stringify(b));
  }
  assert.throws(() => validatePrefix(undefined), /a prefix ID is required/);
});

test('escapeLike makes %, _ and \\ literal, and the LIKE pattern is anchored on the prefix', () => {
  assert.equal(escapeLike('a%b_c\\d'), 'a\\%b\\_c\\\\d');
  assert.equal(escapeLike('%_%'), '\\%\\_\\%');
  assert.equal(escapeLike(P), P);
  assert.equal(lbNamePattern(P), `${P}-lb%`);
  assert.equal(lbNamePattern('x_y%'), 'x\\_y\\%-lb%');
});

test('the exact name matcher: ghosts of P match, look-alikes never do', () => {
  for (const n of [1, 2, 9, 10, 99, 100, 123456789]) {
    assert.ok(isGhostLbName(lbName(P, n)), lbName(P, n));
    assert.ok(isGhostLbName(lbName(P, n), P));
    assert.equal(lbIndex(lbName(P, n)), n);
  }
  assert.equal(isGhostLbName(lbName(P, 1), randomUUID()), false, 'another prefix');
  for (const name of lookAlikes(P)) {
    assert.equal(isGhostLbName(name), false, JSON.stringify(name));
    assert.equal(isGhostLbName(name, P), false, JSON.stringify(name));
  }
  assert.equal(isGhostLbName(null), false);
  assert.equal(isGhostLbName(''), false);
});

test("the lock name fits MariaDB's 64 characters and refuses a non-prefix", () => {
  assert.equal(lockName(P), `stresshm:${P}`);
  assert.ok(lockName(P).length <= 64);
  assert.throws(() => lockName('%'), UsageError);
});

function plan(over: Partial<GhostPlan>): GhostPlan {
  const one = { listeners: 1, pools: 1, members: 2, l7policies: 0, l7rules: 0 };
  return testPlan({ prefix: P, loadBalancers: 10, ...one, batchSize: 500, ...over });
}

const nonZero = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));

function walk(p: GhostPlan, pieceRows: number) {
  const counts: Record<string, number> = {};
  const groups: Array<{ lbs: number; rows: number; maxPiece: number; lbNames: string[] }> = [];
  for (const g of generateGroups(p, pieceRows)) {
    let rows = 0;
    let maxPiece = 0;
    const lbNames: string[] = [];
    for (const piece of g.pieces()) {
      let n = 0;
      for (const [t, list] of piece) {
        counts[t] = (counts[t] ?? 0) + list.length;
        n += list.length;
        if (t === 'load_balancer') lbNames.push(...list.map((r) => String(r.name)));
      }
      rows += n;
      maxPiece = Math.max(maxPiece, n);
    }
    assert.equal(rows, g.rows, 'a group announces its row count');
    groups.push({ lbs: g.lbs, rows, maxPiece, lbNames });
  }
  return { counts, groups };
}

test('populate groups are whole LBs bounded by rows, pieces bounded by pieceRows, counts exact', () => {
  const small = plan({ loadBalancers: 1203, batchSize: 500 });
  const w = walk(small, 1000);
  assert.deepEqual(w.counts, nonZero(expectedCounts(small)));
  assert.deepEqual(
    w.groups.map((g) => g.lbs),
    [500, 500, 203],
    'batch_size bounds small LBs',
  );
  assert.ok(w.groups.every((g) => g.maxPiece <= 1000));
  const names = w.groups.flatMap((g) => g.lbNames);
  assert.deepEqual(
    names,
    Array.from({ length: 1203 }, (_, i) => lbName(P, i + 1)),
  );

  const wide = plan({ loadBalancers: 4, members: 20000, batchSize: 500 });
  assert.ok(rowsPerLb(wide) > TX_ROWS / 3);
  const v = walk(wide, 5000);
  assert.deepEqual(v.counts, nonZero(expectedCounts(wide)));
  assert.ok(
    v.groups.every((g) => g.rows <= TX_ROWS || g.lbs === 1),
    'a group exceeds TX_ROWS only as one LB',
  );
  assert.deepEqual(
    v.groups.map((g) => g.lbs),
    [2, 2],
  );
  assert.ok(
    v.groups.every((g) => g.maxPiece <= 5000),
    'memory is one piece deep',
  );
});

test('one LB of 65535 members is written in pieces; an LB beyond one transaction is refused up front', () => {
  const big = plan({ loadBalancers: 2, members: 65535 });
  const w = walk(big, 20000);
  assert.deepEqual(
    w.groups.map((g) => g.lbs),
    [1, 1],
  );
  assert.ok(w.groups.every((g) => g.maxPiece <= 20000));
  assert.equal(w.counts.member, 2 * 65535);
  const huge = plan({ listeners: 1000, pools: 1000, members: 65535 });
  assert.ok(rowsPerLb(huge) > MAX_ROWS_PER_LB);
  const refused = (e: unknown) => e instanceof UsageError && /rows .* at most 1,000,000/.test(e.message);
  assert.throws(() => checkPlanSize(huge), refused);
  assert.throws(() => generateGroups(huge).next(), UsageError);
  checkPlanSize(big);
});

test('missing privileges are named in one line', () => {
  assert.equal(describeMissing([['DELETE', 'load_balancer']]), 'DELETE on load_balancer');
  const missing: Array<['DELETE' | 'INSERT', string]> = [
    ['DELETE', 'a'],
    ['DELETE', 'b'],
    ['DELETE', 'c'],
    ['DELETE', 'd'],
    ['DELETE', 'e'],
    ['INSERT', 'x'],
  ];
  assert.equal(describeMissing(missing), 'DELETE on a, b, c (+2 more tables); INSERT on x');
});
