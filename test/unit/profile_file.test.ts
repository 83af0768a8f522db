// The fleet profile file: the sample reads and its plan writes the rows its shapes say, a bad field
// is refused in one line naming it, and profile ghosts start with the statuses the HM would derive.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../../src/errors';
import { expectedCounts, type GhostPlan, shapeCounts } from '../../src/ghostdb/ghosts';
import { generateGroups } from '../../src/ghostdb/groups';
import { checkProfile, loadProfile } from '../../src/ghostdb/profilefile';
import { planShapes, profileChurn, type ShapePlan } from '../../src/ghostdb/shapes';
import { testPlan } from '../helpers/plans';

const SAMPLE = join(__dirname, '..', '..', '..', 'examples', 'profile-sample.json');

/** Ghosts of a profile's planned shapes: the shapes, not the per-LB counts, decide the rows. */
function samplePlan(shapes: ShapePlan, over: Partial<GhostPlan> = {}): GhostPlan {
  return testPlan({
    projectId: 'x',
    loadBalancers: shapes.lbShape.length,
    listeners: 1,
    pools: 1,
    healthMonitors: 1,
    members: 1,
    l7policies: 0,
    l7rules: 0,
    topology: 'SINGLE',
    batchSize: 10,
    shapes,
    ...over,
  });
}

test('the sample profile reads, and its plan writes the rows its shapes say', () => {
  const p = loadProfile(SAMPLE);
  assert.equal(p.load_balancers, 40);
  assert.equal(p.amphorae, 68);
  const plan = planShapes(p, 2, 1);
  const counts = expectedCounts(samplePlan(plan));
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

test('profile ghosts start steady: pool and LB rows carry the status the HM derives from their members', () => {
  const p = loadProfile(SAMPLE);
  const plan = samplePlan(planShapes(p, 3, 2), { churn: profileChurn(p) });
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
