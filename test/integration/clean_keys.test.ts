// Clean deletes by primary key, against MariaDB: every DELETE that clean and the late-row sweep
// issue is planned on the table's PRIMARY key (EXPLAIN of the exact statement, just before it
// runs). Matched on a foreign-key index with hundreds of values, a DELETE is planned as a full
// scan once the table outgrows its statistics: clean then slowed with the fleet and locked every
// row it passed, the cloud's own included. So clean must also finish while another transaction
// holds locks on foreign rows of every table ghosts write (a 2 s lock wait would fail it).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDb, type TestDb } from '../../fixtures/testdb';
import { cleanPrefix } from '../../src/ghostdb/clean';
import { type Conn, connect } from '../../src/ghostdb/db';
import type { GhostPlan } from '../../src/ghostdb/ghosts';
import { prefixNameSql } from '../../src/ghostdb/names';
import { populate } from '../../src/ghostdb/populate';
import { loadSchema, type Schema } from '../../src/ghostdb/schema';
import { sweepIds } from '../../src/ghostdb/sweep';
import { hmStatistics, testPlan } from '../helpers/plans';

const db: TestDb = createTestDb('18.0.0', 'ckeys');
let conn: Conn;
let schema: Schema;

/** Runs of `lbs` ACTIVE_STANDBY LBs (1 listener, pool, HM, L7 policy and rule, 2 members), v7 ids. */
function plan(lbs: number): GhostPlan {
  const one = { listeners: 1, pools: 1, members: 2, l7policies: 1, l7rules: 1 };
  return testPlan({ ...one, loadBalancers: lbs, batchSize: 500, ghostIds: 'v7' });
}

before(async () => {
  conn = await connect(db.target);
  schema = await loadSchema(conn, db.name);
});

after(async () => {
  await conn?.end();
  db.drop();
});

interface Plan {
  sql: string;
  table: string;
  type: string;
  key: string | null;
}

/** A connection whose DELETEs are EXPLAINed (same statement, first values) just before they run. */
function explaining(c: Conn, plans: Plan[]): Conn {
  const explain = async (sql: unknown, values: unknown) => {
    if (typeof sql !== 'string' || !sql.startsWith('DELETE')) return;
    const rows: Array<{ table: string; type: string; key: string | null }> = await c.query(`EXPLAIN ${sql}`, values);
    for (const r of rows) plans.push({ sql: sql.slice(0, 80), table: r.table, type: r.type, key: r.key });
  };
  const query = async (sql: string, values?: unknown[]) => {
    await explain(sql, values);
    return c.query(sql, values);
  };
  const batch = async (sql: string, values: unknown[][]) => {
    await explain(sql, values[0]);
    return c.batch(sql, values);
  };
  return new Proxy(c, {
    get: (t, p) => {
      if (p === 'query') return query;
      if (p === 'batch') return batch;
      const v = Reflect.get(t, p);
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

async function lbIds(prefix: string): Promise<string[]> {
  const m = prefixNameSql('name', prefix);
  return (await conn.query(`SELECT id FROM load_balancer WHERE ${m.sql}`, m.params)).map((r: { id: string }) => r.id);
}

test('every DELETE of clean and of the late-row sweep is planned on the PRIMARY key', async () => {
  const run = plan(3000);
  const beside = plan(1000);
  await populate(conn, schema, run);
  await populate(conn, schema, beside);
  await hmStatistics(conn, run.prefix);
  const m = prefixNameSql('lb.name', run.prefix);
  const amphoraIds: string[] = (
    await conn.query(
      `SELECT a.id FROM amphora a JOIN load_balancer lb ON a.load_balancer_id = lb.id WHERE ${m.sql}`,
      m.params,
    )
  ).map((r: { id: string }) => r.id);
  const plans: Plan[] = [];
  // the sweep first (by amphora id: listener_statistics is matched on its secondary index there)
  const swept = await sweepIds(explaining(conn, plans), schema, { amphoraIds, listenerIds: [] });
  assert.equal(swept.listener_statistics, 6000, 'the sweep removed the run statistics');
  const res = await cleanPrefix(explaining(conn, plans), schema, run.prefix, run.batchSize);
  assert.equal(res.counts.load_balancer, 3000);
  const tables = new Set(plans.map((p) => p.table));
  for (const t of ['load_balancer', 'amphora', 'listener', 'pool', 'member', 'health_monitor', 'l7policy', 'l7rule']) {
    assert.ok(tables.has(t), `clean deleted from ${t}`);
  }
  for (const p of plans) {
    assert.equal(p.key, 'PRIMARY', `${p.table}: ${p.sql}... is planned as ${p.type} on ${p.key}`);
    assert.notEqual(p.type, 'ALL', `${p.table}: no full scan`);
  }
  assert.equal((await lbIds(beside.prefix)).length, 1000, 'the run beside is whole');
  await cleanPrefix(conn, schema, beside.prefix, beside.batchSize);
});

/** Primary keys of a few of a run's rows in every table ghosts write: [table, key column, ids]. */
async function someRows(prefix: string, n: number): Promise<Array<[string, string, string[]]>> {
  const lbs = (await lbIds(prefix)).slice(0, n);
  const ids = async (sql: string, v: string[]) =>
    (await conn.query(sql, [v])).map((r: { k: string }) => r.k) as string[];
  const listeners = await ids('SELECT id AS k FROM listener WHERE load_balancer_id IN (?)', lbs);
  const pools = await ids('SELECT id AS k FROM pool WHERE load_balancer_id IN (?)', lbs);
  const amphorae = await ids('SELECT id AS k FROM amphora WHERE load_balancer_id IN (?)', lbs);
  const policies = await ids('SELECT id AS k FROM l7policy WHERE listener_id IN (?)', listeners);
  return [
    ['load_balancer', 'id', lbs],
    ['vip', 'load_balancer_id', lbs],
    ['amphora', 'id', amphorae],
    ['amphora_health', 'amphora_id', amphorae],
    ['listener', 'id', listeners],
    ['listener_statistics', 'listener_id', listeners],
    ['pool', 'id', pools],
    ['session_persistence', 'pool_id', pools],
    ['member', 'id', await ids('SELECT id AS k FROM member WHERE pool_id IN (?)', pools)],
    ['health_monitor', 'id', await ids('SELECT id AS k FROM health_monitor WHERE pool_id IN (?)', pools)],
    ['l7policy', 'id', policies],
    ['l7rule', 'id', await ids('SELECT id AS k FROM l7rule WHERE l7policy_id IN (?)', policies)],
  ];
}

test('clean finishes while another transaction locks foreign rows of every table ghosts write', async () => {
  const run = plan(600);
  const foreign = plan(600);
  await populate(conn, schema, run);
  await populate(conn, schema, foreign);
  await hmStatistics(conn, run.prefix);
  await hmStatistics(conn, foreign.prefix);
  const rows = await someRows(foreign.prefix, 5);
  const blocker = await connect(db.target);
  const cleaner = await connect(db.target);
  try {
    await blocker.beginTransaction();
    let locked = 0;
    for (const [table, key, ids] of rows) {
      assert.ok(ids.length > 0, `foreign ${table} rows to lock`);
      locked += (await blocker.query(`SELECT 1 FROM \`${table}\` WHERE \`${key}\` IN (?) FOR UPDATE`, [ids])).length;
    }
    assert.ok(locked >= 5 * 11, `foreign rows locked (${locked})`);
    await cleaner.query('SET SESSION innodb_lock_wait_timeout = 2');
    const res = await cleanPrefix(cleaner, schema, run.prefix, run.batchSize);
    assert.equal(res.counts.load_balancer, 600);
    await blocker.rollback();
    assert.equal((await lbIds(foreign.prefix)).length, 600, 'the foreign run is whole');
  } finally {
    await blocker.end();
    await cleaner.end();
  }
  await cleanPrefix(conn, schema, foreign.prefix, foreign.batchSize);
});
