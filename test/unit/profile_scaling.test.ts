// Fleet profile shapes without a database: largest-remainder scaling (every shape within one LB of
// exact), seeded determinism, exact member status counts whose ids hash to the reported word, and
// k-anonymous merging of rare shapes.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memberStatus } from '../../src/engine/wire';
import { UsageError } from '../../src/errors';
import { memberIdFor } from '../../src/ghostdb/ghosts';
import {
  countShapes,
  type LbShape,
  largestRemainder,
  MEMBER_STATUSES,
  memberStatusAt,
  mergeRareShapes,
  type Profile,
  planShapes,
  type ShapeCount,
  shapeKey,
} from '../../src/ghostdb/shapes';

function shape(listeners: string[], members = 2, topology: LbShape['topology'] = 'SINGLE'): LbShape {
  return {
    topology,
    amphorae: topology === 'SINGLE' ? 1 : 2,
    unattached_pools: [],
    listeners: listeners.map((protocol) => ({
      protocol,
      redirect_pools: [],
      l7policies: [],
      default_pool: { protocol, members, health_monitor: null, session_persistence: null },
    })),
  };
}

/** A profile of uneven counts (primes), so scaling produces remainders everywhere. */
function unevenProfile(): Profile {
  const counts = [97, 53, 31, 17, 11, 7, 5];
  const shapes: ShapeCount[] = counts.map((count, i) => ({ count, shape: shape(['HTTP'], i + 1) }));
  return {
    format: 'stresshm-profile',
    version: 1,
    k_anonymity: 5,
    load_balancers: 221,
    amphorae: 221,
    merged_load_balancers: 0,
    shapes,
    member_operating_status: { ONLINE: 0.8, ERROR: 0.1, DRAINING: 0.04, OFFLINE: 0.03, NO_MONITOR: 0.03 },
  };
}

test('scaling by 0.5, 1, 2.37 and 10 keeps every shape within one LB of exact, and the total rounded', () => {
  const p = unevenProfile();
  const weights = p.shapes.map((s) => s.count);
  for (const scale of [0.5, 1, 2.37, 10]) {
    for (const seed of [1, 2, 99]) {
      const got = largestRemainder(weights, scale, seed);
      got.forEach((n, i) => {
        assert.ok(
          Math.abs(n - weights[i] * scale) < 1,
          `scale ${scale} seed ${seed} shape ${i}: ${n} vs exact ${weights[i] * scale}`,
        );
      });
      assert.equal(
        got.reduce((a, b) => a + b, 0),
        Math.round(221 * scale),
        `total at scale ${scale}`,
      );
      const plan = planShapes(p, scale, seed);
      assert.deepEqual(plan.counts, got);
      const perShape = new Array(weights.length).fill(0);
      for (const s of plan.lbShape) perShape[s]++;
      assert.deepEqual(perShape, got, 'the LBs of the plan are the rounded counts');
    }
  }
});

test('an integer scale multiplies every shape exactly', () => {
  const p = unevenProfile();
  assert.deepEqual(
    planShapes(p, 3, 7).counts,
    p.shapes.map((s) => s.count * 3),
  );
});

test('the plan is deterministic for a seed (LB order and statuses) and another seed changes the order', () => {
  const p = unevenProfile();
  const a = planShapes(p, 2.37, 42);
  const b = planShapes(p, 2.37, 42);
  assert.deepEqual([...a.lbShape], [...b.lbShape]);
  const statuses = (x: typeof a) => Array.from({ length: x.totalMembers }, (_, j) => memberStatusAt(x, j));
  assert.deepEqual(statuses(a), statuses(b));
  assert.notDeepEqual([...planShapes(p, 2.37, 43).lbShape], [...a.lbShape]);
});

test('member statuses: exact largest-remainder counts over the scaled fleet', () => {
  const p = unevenProfile();
  for (const scale of [0.5, 2.37]) {
    const plan = planShapes(p, scale, 5);
    const seen: Record<string, number> = {};
    for (let j = 0; j < plan.totalMembers; j++) {
      const s = memberStatusAt(plan, j);
      seen[s] = (seen[s] ?? 0) + 1;
    }
    for (const s of MEMBER_STATUSES) {
      assert.equal(seen[s] ?? 0, plan.statusCounts[s], `${s} at scale ${scale}`);
      assert.ok(Math.abs(plan.statusCounts[s] - p.member_operating_status[s] * plan.totalMembers) < 1, s);
    }
  }
});

test('a member id drawn for a status hashes to the heartbeat word of that status', () => {
  const churn = { down: 0.1, drain: 0.04, maint: 0.03, nocheck: 0.03 };
  const words = { ONLINE: 'UP', ERROR: 'DOWN', DRAINING: 'DRAIN', OFFLINE: 'MAINT', NO_MONITOR: 'no check' } as const;
  for (const s of MEMBER_STATUSES) {
    for (let i = 0; i < 20; i++) {
      const id = memberIdFor(churn, s);
      assert.equal(memberStatus({ ...churn, listenerFull: 0, perInterval: 0 }, id, 0, 0, 0), words[s]);
    }
  }
  assert.throws(() => memberIdFor({ down: 0, drain: 0, maint: 0, nocheck: 1 }, 'ONLINE'), UsageError);
});

test('rare shapes merge into their nearest common shape; every shape then stands for 5 LBs or more', () => {
  const http = shape(['HTTP']);
  const udp = shape(['UDP', 'UDP'], 20);
  const udpLike = shape(['UDP', 'UDP'], 21); // rare, nearest to udp
  const list = countShapes([...Array(9).fill(http), ...Array(6).fill(udp), ...Array(2).fill(udpLike)]);
  const { shapes, merged } = mergeRareShapes(list);
  assert.equal(merged, 2);
  assert.deepEqual(
    shapes.map((s) => s.count),
    [9, 8],
  );
  assert.equal(shapeKey(shapes[1].shape), shapeKey(udp));
  for (const s of shapes) assert.ok(s.count >= 5);
  // Only rare shapes: they pool together until the merged shape stands for 5.
  const few = mergeRareShapes(countShapes([http, http, http, udp, udp, udpLike]));
  assert.deepEqual(
    few.shapes.map((s) => s.count),
    [6],
  );
  assert.throws(() => mergeRareShapes(countShapes([http, http, udp, udp])), /needs at least 5/);
});

test('equal shapes in another listener order count as one shape', () => {
  const a = shape(['HTTP', 'UDP']);
  const b = shape(['UDP', 'HTTP']);
  assert.deepEqual(
    countShapes([a, b]).map((s) => s.count),
    [2],
  );
});
