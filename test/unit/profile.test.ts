// Fleet profiles without a database: largest-remainder scaling (every shape within one LB of
// exact), seeded determinism, exact member status counts whose ids hash to the reported word,
// k-anonymous merging, the profile file checks, and v1 UDP listener reporting.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { reportsListener } from '../../src/engine/fleet';
import { memberStatus } from '../../src/engine/wire';
import { UsageError } from '../../src/errors';
import { headroomText } from '../../src/experiments/headroom';
import { expectedCounts, type GhostPlan, memberIdFor, shapeCounts } from '../../src/ghostdb/ghosts';
import type { GraphLoadBalancer } from '../../src/ghostdb/graph';
import { generateGroups } from '../../src/ghostdb/groups';
import { checkProfile, loadProfile } from '../../src/ghostdb/profilefile';
import {
  countShapes,
  type LbShape,
  largestRemainder,
  MEMBER_STATUSES,
  memberStatusAt,
  mergeRareShapes,
  type Profile,
  planShapes,
  profileChurn,
  type ShapeCount,
  shapeKey,
} from '../../src/ghostdb/shapes';

const SAMPLE = join(__dirname, '..', '..', '..', 'examples', 'profile-sample.json');

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

test('the sample profile reads, and its plan writes the rows its shapes say', () => {
  const p = loadProfile(SAMPLE);
  assert.equal(p.load_balancers, 40);
  assert.equal(p.amphorae, 68);
  const plan = planShapes(p, 2, 1);
  const counts = expectedCounts({
    prefix: randomUUID(),
    projectId: 'x',
    loadBalancers: 80,
    listeners: 1,
    pools: 1,
    healthMonitors: 1,
    members: 1,
    l7policies: 0,
    l7rules: 0,
    topology: 'SINGLE',
    ghostBusy: true,
    batchSize: 10,
    shapes: plan,
  });
  const want: Record<string, number> = {};
  p.shapes.forEach((s) => {
    for (const [t, n] of Object.entries(shapeCounts(s.shape))) want[t] = (want[t] ?? 0) + 2 * s.count * n;
  });
  assert.deepEqual(counts, want);
  assert.equal(counts.amphora, 136);
  assert.equal(counts.health_monitor, 2 * (22 + 12 * 2 + 6));
  assert.equal(counts.l7rule, 2 * 6 * 3);
});

test('profile files with a bad field are refused with one line naming it', () => {
  const good = JSON.parse(JSON.stringify(loadProfile(SAMPLE)));
  // biome-ignore lint/suspicious/noExplicitAny: the mutators poke arbitrary fields of parsed JSON
  const bad: Array<[(p: any) => void, RegExp]> = [
    [
      (p) => {
        p.format = 'x';
      },
      /"format"/,
    ],
    [
      (p) => {
        p.version = 2;
      },
      /"version"/,
    ],
    [
      (p) => {
        p.shapes = [];
      },
      /"shapes" must hold/,
    ],
    [
      (p) => {
        p.shapes[0].count = 0;
      },
      /shapes\[0\]\.count/,
    ],
    [
      (p) => {
        p.shapes[1].shape.topology = 'ACTIVE';
      },
      /shapes\[1\]\.shape\.topology/,
    ],
    [
      (p) => {
        p.shapes[1].shape.listeners[1].protocol = 'udp; DROP';
      },
      /listeners\[1\]\.protocol/,
    ],
    [
      (p) => {
        p.shapes[0].shape.listeners[0].default_pool.members = -1;
      },
      /default_pool\.members/,
    ],
    [
      (p) => {
        p.member_operating_status.ERROR = 2;
      },
      /member_operating_status\.ERROR/,
    ],
  ];
  for (const [mutate, re] of bad) {
    const p = JSON.parse(JSON.stringify(good));
    mutate(p);
    assert.throws(
      () => checkProfile(p),
      (e: Error) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'),
    );
  }
  assert.doesNotThrow(() => checkProfile(good));
});

test('v1 heartbeats leave out UDP listeners whose default pool has no member; v2/v3 report every listener', () => {
  const lb: GraphLoadBalancer = {
    id: 'lb',
    name: 'n',
    amphorae: [],
    listeners: [
      { id: 'udp-members', protocolPort: 1, protocol: 'UDP', defaultPoolId: 'p1' },
      { id: 'udp-empty', protocolPort: 2, protocol: 'UDP', defaultPoolId: 'p2' },
      { id: 'udp-nopool', protocolPort: 3, protocol: 'UDP', defaultPoolId: null },
      { id: 'tcp-nopool', protocolPort: 4, protocol: 'TCP', defaultPoolId: null },
    ],
    pools: [
      { id: 'p1', listenerId: 'udp-members', memberIds: ['m'] },
      { id: 'p2', listenerId: 'udp-empty', memberIds: [] },
    ],
  };
  const v1 = lb.listeners.filter((l) => reportsListener(l, lb, 1)).map((l) => l.id);
  assert.deepEqual(v1, ['udp-members', 'tcp-nopool']);
  for (const v of [2, 3]) assert.equal(lb.listeners.filter((l) => reportsListener(l, lb, v)).length, 4);
});

test("headroom: the knee in multiples of the profiled fleet, with the amphorae and the failing step's lag", () => {
  type V = 'KEEPING UP' | 'FALLING BEHIND';
  const step = (rate: number, amphorae: number, verdict: V, lagP99: number, share: number) => ({
    rate,
    amphorae,
    verdict,
    processedShare: share,
    processedPerSec: rate * share,
    lagP99,
  });
  const good = step(960, 9600, 'KEEPING UP', 1, 1);
  const bad = step(1040, 10400, 'FALLING BEHIND', 14, 0.912);
  const res = {
    kind: 'capacity' as const,
    intervalSecs: 10,
    steps: [good, bad],
    lastGood: good,
    firstBad: bad,
    knee: '',
  };
  const steps = new Map([
    [9600, { scale: 2.4, amphorae: 9598, loadBalancers: 5000 }],
    [10400, { scale: 2.6, amphorae: 10401, loadBalancers: 5400 }],
  ]);
  assert.equal(
    headroomText(res, steps),
    'this HM sustains 2.4x the profiled fleet' +
      ' (about 9,598 amphorae at heartbeat_interval 10); at 2.6x (10,401 amphorae) p99 lag reaches 14.0 s' +
      ' and 91.2% are processed (FALLING BEHIND)',
  );
  assert.match(headroomText({ ...res, firstBad: undefined }, steps), /sustains at least 2\.4x .*9,598 amphorae/);
  assert.match(headroomText({ ...res, lastGood: undefined }, steps), /does not sustain even 2\.6x/);
});

test('profile ghosts start steady: pool and LB rows carry the status the HM derives from their members', () => {
  const p = loadProfile(SAMPLE);
  const plan: GhostPlan = {
    prefix: randomUUID(),
    projectId: 'x',
    loadBalancers: 0,
    listeners: 1,
    pools: 1,
    healthMonitors: 1,
    members: 1,
    l7policies: 0,
    l7rules: 0,
    topology: 'SINGLE',
    ghostBusy: true,
    batchSize: 10,
    shapes: planShapes(p, 3, 2),
    churn: profileChurn(p),
  };
  plan.loadBalancers = plan.shapes!.lbShape.length;
  const rows = new Map<string, Array<Record<string, unknown>>>();
  for (const g of generateGroups(plan)) {
    for (const piece of g.pieces()) for (const [t, list] of piece) rows.set(t, [...(rows.get(t) ?? []), ...list]);
  }
  const membersOf = new Map<unknown, string[]>();
  for (const m of rows.get('member')!) {
    membersOf.set(m.pool_id, [...(membersOf.get(m.pool_id) ?? []), String(m.operating_status)]);
  }
  const lbWorst = new Map<unknown, string>();
  const seen = new Set<string>();
  for (const pool of rows.get('pool')!) {
    const ms = membersOf.get(pool.id) ?? [];
    const down = ms.filter((s) => s === 'ERROR').length;
    const attached = String(pool.description).includes('listener=');
    const derived = ms.length > 0 && down === ms.length ? 'ERROR' : down > 0 ? 'DEGRADED' : 'ONLINE';
    const want = attached ? derived : 'OFFLINE';
    assert.equal(pool.operating_status, want);
    seen.add(want);
    const rank = ['ONLINE', 'DEGRADED', 'ERROR'];
    const cur = lbWorst.get(pool.load_balancer_id) ?? 'ONLINE';
    if (attached && rank.indexOf(want) > rank.indexOf(cur)) lbWorst.set(pool.load_balancer_id, want);
  }
  for (const lb of rows.get('load_balancer')!) assert.equal(lb.operating_status, lbWorst.get(lb.id) ?? 'ONLINE');
  assert.ok(seen.has('DEGRADED') && seen.has('OFFLINE') && seen.has('ONLINE'), [...seen].join());
});
