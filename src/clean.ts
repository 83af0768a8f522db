// Removes exactly one run's rows: load balancers found by the prefix's name pattern, then
// every row linked to them (including what a live HM added), children first, one
// transaction per chunk of load balancers, bound parameters only. Idempotent.

import { Conn, inTransaction } from './db';
import { Schema, hasColumn } from './schema';
import { GHOST_LB_NAME_REGEXP, lbNamePattern, validatePrefix } from './ghosts';
import { Progress } from './progress';

/** One delete step: table and the condition tying its rows to the chunk's LB ids (`?`). */
interface Step { table: string; sql: string; params: number; needs: string[] }

const LISTENERS = 'SELECT id FROM listener WHERE load_balancer_id IN (?)';
const POOLS = 'SELECT id FROM pool WHERE load_balancer_id IN (?)';
const AMPHORAE = 'SELECT id FROM amphora WHERE load_balancer_id IN (?)';
const L7POLICIES = `SELECT id FROM l7policy WHERE listener_id IN (${LISTENERS})`;

function del(table: string, where: string, params = 1, needs: string[] = []): Step {
  return { table, sql: `DELETE FROM \`${table}\` WHERE ${where}`, params, needs: [table, ...needs] };
}

/** Foreign-key-safe order: everything that points at a row goes before that row. */
function steps(): Step[] {
  const tag = (sub: string, needs: string[]) => del('tags', `resource_id IN (${sub})`, 1, needs);
  return [
    tag(`SELECT id FROM l7rule WHERE l7policy_id IN (${L7POLICIES})`, ['l7rule', 'l7policy']),
    tag(L7POLICIES, ['l7policy']),
    tag(`SELECT id FROM member WHERE pool_id IN (${POOLS})`, ['member']),
    tag(`SELECT id FROM health_monitor WHERE pool_id IN (${POOLS})`, ['health_monitor']),
    tag(POOLS, []),
    tag(LISTENERS, []),
    tag('SELECT id FROM load_balancer WHERE id IN (?)', []),
    del('l7rule', `l7policy_id IN (${L7POLICIES})`, 1, ['l7policy']),
    del('l7policy', `listener_id IN (${LISTENERS})`),
    del('sni', `listener_id IN (${LISTENERS})`),
    del('listener_cidr', `listener_id IN (${LISTENERS})`),
    del('listener_statistics', `listener_id IN (${LISTENERS}) OR amphora_id IN (${AMPHORAE})`, 2),
    del('listener', 'load_balancer_id IN (?)'),
    del('health_monitor', `pool_id IN (${POOLS})`),
    del('session_persistence', `pool_id IN (${POOLS})`),
    del('member', `pool_id IN (${POOLS})`),
    del('pool', 'load_balancer_id IN (?)'),
    del('amphora_health', `amphora_id IN (${AMPHORAE})`),
    del('amphora_member_port', `amphora_id IN (${AMPHORAE})`),
    del('vrrp_group', 'load_balancer_id IN (?)'),
    del('additional_vip', 'load_balancer_id IN (?)'),
    del('vip_security_group', 'load_balancer_id IN (?)'),
    del('vip', 'load_balancer_id IN (?)'),
    // Amphorae go with (never after) their load balancer, in the same transaction.
    del('amphora', 'load_balancer_id IN (?)'),
    del('load_balancer', 'id IN (?)'),
  ];
}

function applicable(schema: Schema): Step[] {
  const ok = (t: string) => schema.tables.has(t);
  return steps().filter((s) => s.needs.every(ok) && (s.table !== 'tags' || hasColumn(schema, 'tags', 'resource_id')));
}

async function nextChunk(conn: Conn, prefix: string, size: number): Promise<string[]> {
  const rows: Array<{ id: string }> = await conn.query(
    "SELECT id FROM load_balancer WHERE name LIKE ? ESCAPE '\\\\' AND name REGEXP ? ORDER BY id LIMIT ?",
    [lbNamePattern(prefix), GHOST_LB_NAME_REGEXP, size]);
  return rows.map((r) => r.id);
}

export interface CleanResult {
  prefix: string;
  counts: Record<string, number>;
  total: number;
}

export async function cleanPrefix(conn: Conn, schema: Schema, rawPrefix: string, batchSize: number, progress?: Progress): Promise<CleanResult> {
  const prefix = validatePrefix(rawPrefix);
  const plan = applicable(schema);
  const counts: Record<string, number> = Object.fromEntries(plan.map((s) => [s.table, 0]));
  progress?.start(0);
  for (;;) {
    const ids = await nextChunk(conn, prefix, batchSize);
    if (ids.length === 0) break;
    let removed = 0;
    await inTransaction(conn, async () => {
      for (const s of plan) {
        const res = await conn.query(s.sql, Array(s.params).fill(ids));
        counts[s.table] += res.affectedRows;
        removed += res.affectedRows;
      }
    });
    progress?.advance(removed, `${counts.load_balancer} LBs removed`);
  }
  progress?.stop();
  return { prefix, counts, total: Object.values(counts).reduce((a, b) => a + b, 0) };
}
