// Populate and clean on every supported schema (Octavia 3.0.0, 11.0.0, 18.0.0 dumps and one
// built live by octavia-db-manage): exact row counts, a second prefix untouched, and every
// table exactly as before after clean (all rows compared), HM-added rows included.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, test } from 'node:test';
import { createTestDb, type SchemaSource, type TestDb } from '../../fixtures/testdb';
import { cleanPrefix } from '../../src/ghostdb/clean';
import { type Conn, connect } from '../../src/ghostdb/db';
import { expectedCounts } from '../../src/ghostdb/ghosts';
import { listPrefixes, readGraph } from '../../src/ghostdb/inventory';
import { populate } from '../../src/ghostdb/populate';
import { loadSchema, type Schema } from '../../src/ghostdb/schema';
import { testPlan } from '../helpers/plans';

const dbs: TestDb[] = [];
after(() => {
  for (const d of dbs) d.drop();
});

const plan = testPlan;

/** Every row of every table, hashed per table. */
async function snapshot(conn: Conn, schema: Schema): Promise<Map<string, { rows: number; hash: string }>> {
  const out = new Map<string, { rows: number; hash: string }>();
  for (const table of [...schema.tables.keys()].sort()) {
    const rows: Array<Record<string, unknown>> = await conn.query(`SELECT * FROM \`${table}\``);
    const lines = rows.map((r) => JSON.stringify(r)).sort();
    out.set(table, { rows: rows.length, hash: createHash('sha256').update(lines.join('\n')).digest('hex') });
  }
  return out;
}

function countsOf(s: Map<string, { rows: number }>): Record<string, number> {
  return Object.fromEntries([...s].map(([t, v]) => [t, v.rows]));
}

async function simulateLiveHm(conn: Conn, prefix: string): Promise<void> {
  const g = await readGraph(conn, prefix);
  const lb = g.loadBalancers[0];
  for (const amp of lb.amphorae) {
    for (const l of lb.listeners) {
      await conn.query(
        'INSERT INTO listener_statistics (listener_id, amphora_id, bytes_in, bytes_out, active_connections, ' +
          'total_connections, request_errors) VALUES (?, ?, 1, 2, 3, 4, 0)',
        [l.id, amp.id],
      );
    }
    await conn.query('UPDATE amphora_health SET last_update = UTC_TIMESTAMP(), busy = 1 WHERE amphora_id = ?', [
      amp.id,
    ]);
  }
}

async function exercise(source: SchemaSource): Promise<void> {
  const db = createTestDb(source, source.replace(/\./g, ''));
  dbs.push(db);
  const conn = await connect(db.target);
  try {
    const schema = await loadSchema(conn, db.name);
    const s0 = await snapshot(conn, schema);
    const b = plan({
      topology: 'SINGLE',
      loadBalancers: 2,
      listeners: 1,
      pools: 1,
      members: 2,
      l7policies: 0,
      l7rules: 0,
    });
    await populate(conn, schema, b);
    const s1 = await snapshot(conn, schema);
    const a = plan({});
    const res = await populate(conn, schema, a);
    assert.deepEqual(res.counts, expectedCounts(a));
    const s2 = countsOf(await snapshot(conn, schema));
    for (const [table, n] of Object.entries(expectedCounts(a))) {
      assert.equal(s2[table] - countsOf(s1)[table], n, `${source}: rows added to ${table}`);
    }
    const graph = await readGraph(conn, a.prefix);
    assert.equal(graph.loadBalancers.length, 3);
    assert.deepEqual(
      graph.loadBalancers.map((lb) => lb.amphorae.map((x) => x.role).sort()),
      [
        ['BACKUP', 'MASTER'],
        ['BACKUP', 'MASTER'],
        ['BACKUP', 'MASTER'],
      ],
    );
    assert.equal(graph.loadBalancers[0].pools.length, 4, 'every pool is tied to a listener');
    assert.equal(graph.loadBalancers[0].pools[0].memberIds.length, 3);
    const prefixes = (await listPrefixes(conn)).map((p) => p.prefix).sort();
    assert.deepEqual(prefixes, [a.prefix, b.prefix].sort());

    await simulateLiveHm(conn, a.prefix);
    const cleaned = await cleanPrefix(conn, schema, a.prefix, 2);
    assert.equal(cleaned.counts.load_balancer, 3);
    assert.equal(cleaned.counts.listener_statistics, 4, 'rows a live HM added are removed');
    assert.deepEqual(
      await snapshot(conn, schema),
      s1,
      `${source}: after clean every table is as before, the other prefix untouched`,
    );
    assert.equal((await cleanPrefix(conn, schema, a.prefix, 2)).total, 0, 'second clean removes nothing');
    await cleanPrefix(conn, schema, b.prefix, 100);
    assert.deepEqual(await snapshot(conn, schema), s0);
  } finally {
    await conn.end();
  }
}

for (const source of ['3.0.0', '11.0.0', '18.0.0', 'live'] as SchemaSource[]) {
  test(`populate, list and clean on the Octavia ${source} schema`, () => exercise(source));
}
