// Clean by primary-key range keeps exact ownership, against MariaDB: foreign rows planted INSIDE a
// time-ordered run's id range (another run's whole graphs, some renamed to look-alikes of the run,
// plus HM-written statistics) survive its clean byte for byte, and no row anywhere still holds one
// of the run's ids; a run written with random UUIDv4 ids (the old scheme) still cleans, by name.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createTestDb, type TestDb } from '../../fixtures/testdb';
import { cleanPrefix, denseRange } from '../../src/ghostdb/clean';
import { type Conn, connect } from '../../src/ghostdb/db';
import { type GhostPlan, setIdSource, totalRows } from '../../src/ghostdb/ghosts';
import type { IdScheme } from '../../src/ghostdb/ids';
import { lbName, prefixNameSql } from '../../src/ghostdb/names';
import { BYTES_PER_ROW, bufferPoolWarning, populate } from '../../src/ghostdb/populate';
import { loadSchema, type Schema } from '../../src/ghostdb/schema';
import { lookAlikes } from '../helpers/lookalikes';
import { hmStatistics } from '../helpers/plans';

const db: TestDb = createTestDb('18.0.0', 'crange');
let conn: Conn;
let schema: Schema;

function plan(lbs: number, ghostIds: IdScheme): GhostPlan {
  return {
    prefix: randomUUID(),
    projectId: randomUUID(),
    loadBalancers: lbs,
    listeners: 1,
    pools: 2,
    healthMonitors: 1,
    members: 2,
    l7policies: 1,
    l7rules: 1,
    topology: 'ACTIVE_STANDBY',
    ghostBusy: true,
    batchSize: 4,
    ghostIds,
  };
}

before(async () => {
  conn = await connect(db.target);
  schema = await loadSchema(conn, db.name);
});

after(async () => {
  await conn?.end();
  db.drop();
});

const q = async (sql: string, v: unknown[] = []): Promise<Array<Record<string, unknown>>> => conn.query(sql, v);
const idsIn = async (table: string, col: string, vals: string[]) =>
  vals.length === 0
    ? []
    : (await q(`SELECT id FROM \`${table}\` WHERE \`${col}\` IN (?)`, [vals])).map((r) => String(r.id));

/** Every id a run owns, found through its load balancers' names and the foreign keys below them. */
async function runIds(prefix: string): Promise<Set<string>> {
  const m = prefixNameSql('name', prefix);
  const lbs = (await q(`SELECT id FROM load_balancer WHERE ${m.sql}`, m.params)).map((r) => String(r.id));
  const listeners = await idsIn('listener', 'load_balancer_id', lbs);
  const pools = await idsIn('pool', 'load_balancer_id', lbs);
  const amphorae = await idsIn('amphora', 'load_balancer_id', lbs);
  const policies = await idsIn('l7policy', 'listener_id', listeners);
  const rest = [
    ...(await idsIn('member', 'pool_id', pools)),
    ...(await idsIn('health_monitor', 'pool_id', pools)),
    ...(await idsIn('l7rule', 'l7policy_id', policies)),
  ];
  return new Set([...lbs, ...listeners, ...pools, ...amphorae, ...policies, ...rest]);
}

/** Every row of every table, as JSON lines per table (the whole database's contents). */
async function dump(): Promise<Map<string, string[]>> {
  const tables = await q('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [db.name]);
  const out = new Map<string, string[]>();
  for (const { t } of tables) {
    const rows = await q(`SELECT * FROM \`${String(t)}\``);
    out.set(String(t), rows.map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

/** Rows that hold any of `ids` in any column. */
const holds = (line: string, ids: Set<string>) => Object.values(JSON.parse(line)).some((v) => ids.has(String(v)));

/** Ids strictly inside (lo, hi) that no row of the run has: a run's ids with new random tails. */
function insideRange(run: Set<string>): () => string {
  const sorted = [...run].sort();
  const [lo, hi] = [sorted[0], sorted.at(-1)!];
  let k = 0;
  return () => {
    for (;;) {
      const base = sorted[1 + (k++ % (sorted.length - 2))];
      const id = base.slice(0, 28) + randomBytes(4).toString('hex');
      if (id > lo && id < hi && !run.has(id)) return id;
    }
  };
}

test('foreign rows inside a v7 run id range survive its clean; no row holds a run id afterwards', async () => {
  const run = plan(12, 'v7');
  await populate(conn, schema, run);
  const mine = await runIds(run.prefix);
  assert.equal(mine.size, 12 * (1 + 1 + 2 + 2 + 1 + 4 + 2 + 1), 'every primary key of the run');
  // Another run's whole graphs, every id inside the run's range; three renamed to look-alikes of the run.
  const other = plan(6, 'v7');
  setIdSource(other, insideRange(mine));
  await populate(conn, schema, other);
  const theirs = await runIds(other.prefix);
  const sorted = [...mine].sort();
  for (const id of theirs) assert.ok(id > sorted[0] && id < sorted.at(-1)!, `${id} lies inside the run's range`);
  const names = lookAlikes(run.prefix);
  await hmStatistics(conn, other.prefix);
  await hmStatistics(conn, run.prefix);
  for (let i = 1; i <= 3; i++) {
    await conn.query('UPDATE load_balancer SET name = ? WHERE name = ?', [names[i], lbName(other.prefix, i)]);
  }
  assert.ok(await denseRange(conn, run.prefix), 'the run is dense in its range: clean walks the range');
  const before = await dump();
  const res = await cleanPrefix(conn, schema, run.prefix, run.batchSize);
  assert.equal(res.mode, 'range');
  assert.equal(res.counts.load_balancer, 12);
  const afterClean = await dump();
  let kept = 0;
  for (const [table, lines] of before) {
    const expected = lines.filter((l) => !holds(l, mine));
    assert.deepEqual(afterClean.get(table), expected, `${table}: exactly the run's rows are gone`);
    kept += expected.filter((l) => holds(l, theirs)).length;
  }
  assert.ok(kept >= 6 * 20, `the other run's rows inside the range are all still there (${kept})`);
  // The other run (three of its LBs now look-alikes) cleans the rest of its own.
  await cleanPrefix(conn, schema, other.prefix, other.batchSize);
});

test('a run with random UUIDv4 ids (the old scheme) cleans by name, leaving a v7 run beside it whole', async () => {
  const old = plan(10, 'v4');
  const beside = plan(5, 'v7');
  await populate(conn, schema, old);
  await populate(conn, schema, beside);
  await hmStatistics(conn, old.prefix);
  const mine = await runIds(old.prefix);
  assert.equal(await denseRange(conn, old.prefix), undefined, 'random ids are not dense in their range');
  const before = await dump();
  const res = await cleanPrefix(conn, schema, old.prefix, old.batchSize);
  assert.equal(res.mode, 'name');
  assert.equal(res.counts.load_balancer, 10);
  const afterClean = await dump();
  for (const [table, lines] of before) {
    assert.deepEqual(
      afterClean.get(table),
      lines.filter((l) => !holds(l, mine)),
      table,
    );
  }
  const again = await cleanPrefix(conn, schema, beside.prefix, beside.batchSize);
  assert.equal(again.mode, 'range');
  assert.equal((await runIds(beside.prefix)).size, 0);
});

test('populate warns in one line when the planned ghost rows outgrow innodb_buffer_pool_size', async () => {
  const [{ b }] = await q('SELECT @@innodb_buffer_pool_size AS b');
  const pool = Number(b);
  const perLb = totalRows(plan(1, 'v7')) * BYTES_PER_ROW;
  const small = plan(Math.floor(pool / perLb / 2), 'v7');
  const large = plan(Math.ceil((2 * pool) / perLb), 'v7');
  assert.equal(await bufferPoolWarning(conn, small), undefined);
  const line = await bufferPoolWarning(conn, large);
  assert.ok(line && !line.includes('\n'), 'one line');
  assert.match(line, new RegExp(`outgrow innodb_buffer_pool_size \\(${Math.round(pool / 2 ** 20)} MB\\)`));
  assert.match(line, /ghost ids v7/);
});
