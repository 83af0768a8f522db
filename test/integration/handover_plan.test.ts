// A run hands the engine what populate wrote without reading it back: the graph the collector
// assembles from the written rows (groups committing out of order over two connections) is the
// graph readGraph reads back; and a prefix read back in keyset chunks is the same graph too.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { createTestDb, type TestDb } from '../../fixtures/testdb';
import { PlanCollector } from '../../src/ghostdb/collect';
import { type Conn, connect } from '../../src/ghostdb/db';
import type { GhostPlan } from '../../src/ghostdb/ghosts';
import type { GhostGraph, GraphLoadBalancer } from '../../src/ghostdb/graph';
import { readGraph, streamGraph } from '../../src/ghostdb/inventory';
import { lbIndex } from '../../src/ghostdb/names';
import { populate } from '../../src/ghostdb/populate';
import { loadSchema } from '../../src/ghostdb/schema';

const db: TestDb = createTestDb('18.0.0', 'hplan');
const conns: Conn[] = [];

after(async () => {
  for (const c of conns) await c.end();
  db.drop();
});

const byIndex = (lbs: GraphLoadBalancer[]) => [...lbs].sort((a, b) => lbIndex(a.name) - lbIndex(b.name));

test('the collected plan and the chunked read-back equal readGraph', async () => {
  conns.push(await connect(db.target), await connect(db.target));
  const schema = await loadSchema(conns[0], db.name);
  const plan: GhostPlan = {
    prefix: randomUUID(),
    projectId: randomUUID(),
    loadBalancers: 23,
    listeners: 2,
    pools: 3, // a default pool and two l7policy redirect pools per listener
    healthMonitors: 1,
    members: 3,
    l7policies: 2,
    l7rules: 1,
    topology: 'ACTIVE_STANDBY',
    ghostBusy: true,
    batchSize: 2,
  };
  const parts: GhostGraph[] = [];
  await populate(conns, schema, plan, { observe: new PlanCollector(plan.prefix, (p) => parts.push(p)) });
  const whole = await readGraph(conns[0], plan.prefix);
  assert.equal(whole.loadBalancers.length, 23);
  assert.ok(whole.loadBalancers.every((lb) => lb.amphorae.length === 2 && lb.pools.length === 6));
  assert.ok(parts.length > 1, 'handed over in parts');
  assert.deepEqual({ prefix: plan.prefix, loadBalancers: parts.flatMap((p) => p.loadBalancers) }, whole);

  const chunks: GhostGraph[] = [];
  for await (const part of streamGraph(conns[0], plan.prefix, 5)) chunks.push(part);
  assert.equal(chunks.length, 5);
  assert.ok(chunks.every((c) => c.loadBalancers.length <= 5));
  assert.deepEqual(byIndex(chunks.flatMap((c) => c.loadBalancers)), whole.loadBalancers);
});
