// Removes exactly one run's rows: load balancers found by the prefix's name pattern, then
// every row linked to them (including what a live HM added), children first, one
// transaction per chunk of load balancers, bound parameters only. Idempotent.
// Locality: a run with time-ordered ids (ids.ts) has its load balancers in one narrow range of
// the primary key, so clean walks that range in chunks of consecutive ids (each chunk's children
// are then neighbours in every table too). The range only says where to look: every load balancer
// is still chosen by the exact name test, so a foreign row inside the range is never touched.
// Runs with random UUIDv4 ids (older runs) are found by the name test alone, as before.

import type { Progress } from '../terminal/progress';
import { type Conn, inTransaction } from './db';
import { uuidVersion } from './ids';
import { isGhostLbName, prefixNameSql, validatePrefix } from './names';
import { hasColumn, type Schema } from './schema';

/** Ids of one chunk's objects, collected level by level through indexed foreign keys. */
interface ChunkIds {
  load_balancer: string[];
  listener: string[];
  pool: string[];
  amphora: string[];
  l7policy: string[];
  member: string[];
  health_monitor: string[];
  l7rule: string[];
}

/** One DELETE: table, the indexed column it is matched on, and which id list feeds it. */
interface Step {
  table: string;
  column: string;
  ids: keyof ChunkIds;
}

/** Foreign-key-safe order: everything that points at a row goes before that row. */
const STEPS: Step[] = [
  { table: 'l7rule', column: 'l7policy_id', ids: 'l7policy' },
  { table: 'l7policy', column: 'listener_id', ids: 'listener' },
  { table: 'sni', column: 'listener_id', ids: 'listener' },
  { table: 'listener_cidr', column: 'listener_id', ids: 'listener' },
  // A live HM keys statistics by (listener, amphora); our listeners cover every row it can write.
  { table: 'listener_statistics', column: 'listener_id', ids: 'listener' },
  { table: 'listener', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'health_monitor', column: 'pool_id', ids: 'pool' },
  { table: 'session_persistence', column: 'pool_id', ids: 'pool' },
  { table: 'member', column: 'pool_id', ids: 'pool' },
  { table: 'pool', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'amphora_health', column: 'amphora_id', ids: 'amphora' },
  { table: 'amphora_member_port', column: 'amphora_id', ids: 'amphora' },
  { table: 'vrrp_group', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'additional_vip', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'vip_security_group', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'vip', column: 'load_balancer_id', ids: 'load_balancer' },
  // Amphorae go with (never after) their load balancer, in the same transaction.
  { table: 'amphora', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'load_balancer', column: 'id', ids: 'load_balancer' },
];

/** Every table clean deletes from (when the live schema has it). */
export const CLEAN_TABLES: readonly string[] = ['tags', ...STEPS.map((s) => s.table)];

/** Objects the API can tag; their tags go first. */
const TAGGED: Array<keyof ChunkIds> = [
  'l7rule',
  'l7policy',
  'member',
  'health_monitor',
  'pool',
  'listener',
  'load_balancer',
];

async function idsWhere(
  conn: Conn,
  schema: Schema,
  table: string,
  column: string,
  values: string[],
): Promise<string[]> {
  if (values.length === 0 || !hasColumn(schema, table, column)) return [];
  const rows: Array<{ id: string }> = await conn.query(`SELECT id FROM \`${table}\` WHERE \`${column}\` IN (?)`, [
    values,
  ]);
  return rows.map((r) => r.id);
}

/** The ids of several [table, column, parent ids] lookups, read in parallel. */
function idsOf(conn: Conn, schema: Schema, lookups: Array<[string, string, string[]]>): Promise<string[][]> {
  return Promise.all(lookups.map(([table, column, values]) => idsWhere(conn, schema, table, column, values)));
}

async function collectIds(conn: Conn, schema: Schema, lbIds: string[]): Promise<ChunkIds> {
  const [listener, pool, amphora] = await idsOf(conn, schema, [
    ['listener', 'load_balancer_id', lbIds],
    ['pool', 'load_balancer_id', lbIds],
    ['amphora', 'load_balancer_id', lbIds],
  ]);
  const [l7policy, member, healthMonitor] = await idsOf(conn, schema, [
    ['l7policy', 'listener_id', listener],
    ['member', 'pool_id', pool],
    ['health_monitor', 'pool_id', pool],
  ]);
  const l7rule = await idsWhere(conn, schema, 'l7rule', 'l7policy_id', l7policy);
  return { load_balancer: lbIds, listener, pool, amphora, l7policy, member, health_monitor: healthMonitor, l7rule };
}

function statements(schema: Schema, ids: ChunkIds): Array<{ table: string; sql: string; values: string[] }> {
  const out: Array<{ table: string; sql: string; values: string[] }> = [];
  if (hasColumn(schema, 'tags', 'resource_id')) {
    const tagged = TAGGED.flatMap((k) => ids[k]);
    if (tagged.length > 0)
      out.push({ table: 'tags', sql: 'DELETE FROM tags WHERE resource_id IN (?)', values: tagged });
  }
  for (const s of STEPS) {
    if (ids[s.ids].length === 0 || !hasColumn(schema, s.table, s.column)) continue;
    out.push({ table: s.table, sql: `DELETE FROM \`${s.table}\` WHERE \`${s.column}\` IN (?)`, values: ids[s.ids] });
  }
  return out;
}

/** Where the next chunk is looked for: after `after` up to `last` in the primary key, or anywhere (by name). */
interface Cursor {
  after: string;
  last: string;
}

/**
 * The next load balancers of the prefix, matched byte-exactly (names.ts), in id order: within the
 * primary-key range of the cursor, or by the name test alone without one. Every name is checked
 * again in JavaScript before anything is deleted: a matcher bug stops clean instead of widening it.
 */
async function nextChunk(conn: Conn, prefix: string, size: number, cur?: Cursor): Promise<string[]> {
  const match = prefixNameSql('name', prefix);
  const rows: Array<{ id: string; name: string }> = cur
    ? await conn.query(
        `SELECT id, name FROM load_balancer FORCE INDEX (PRIMARY) WHERE id > ? AND id <= ? AND ${match.sql} ` +
          'ORDER BY id LIMIT ?',
        [cur.after, cur.last, ...match.params, size],
      )
    : await conn.query(`SELECT id, name FROM load_balancer WHERE ${match.sql} ORDER BY id LIMIT ?`, [
        ...match.params,
        size,
      ]);
  const foreign = rows.find((r) => !isGhostLbName(r.name, prefix));
  if (foreign) {
    const name = JSON.stringify(foreign.name);
    throw new Error(`refusing to clean: load balancer ${name} matched prefix ${prefix} in SQL but is not a ghost name`);
  }
  return rows.map((r) => r.id);
}

/** How clean found the load balancers: by primary-key range (a time-ordered run) or by name. */
export type CleanMode = 'range' | 'name';

/**
 * The primary-key range of the prefix's load balancers when the run is dense in it (time-ordered ids,
 * at most as many foreign load balancers as its own inside); undefined for a scattered run (UUIDv4).
 */
export async function denseRange(conn: Conn, prefix: string): Promise<Cursor | undefined> {
  const match = prefixNameSql('name', prefix);
  const [own]: Array<{ lo: string | null; hi: string | null; n: number | bigint }> = await conn.query(
    `SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM load_balancer WHERE ${match.sql}`,
    match.params,
  );
  if (own.lo === null || own.hi === null) return undefined;
  // Random ids (UUIDv4) spread over the whole key space: no range to walk, found by name as before.
  if (uuidVersion(own.lo) !== 7 || uuidVersion(own.hi) !== 7) return undefined;
  const [all]: Array<{ n: number | bigint }> = await conn.query(
    'SELECT COUNT(*) AS n FROM load_balancer WHERE id >= ? AND id <= ?',
    [own.lo, own.hi],
  );
  if (Number(all.n) > 2 * Number(own.n)) return undefined;
  // Ids are CHAR(36) of hex digits and dashes: '' sorts below every one of them.
  return { after: '', last: own.hi };
}

export interface CleanResult {
  prefix: string;
  counts: Record<string, number>;
  total: number;
  mode: CleanMode;
}

/** Deletes one chunk of load balancers and everything linked to them, in one transaction. */
async function cleanChunk(conn: Conn, schema: Schema, lbIds: string[], counts: Record<string, number>) {
  // Ids are read and rows deleted in one transaction; the DELETEs are pipelined, executed in order.
  return inTransaction(conn, async () => {
    const stmts = statements(schema, await collectIds(conn, schema, lbIds));
    const results = await Promise.all(stmts.map((st) => conn.query(st.sql, [st.values])));
    let n = 0;
    results.forEach((res, i) => {
      counts[stmts[i].table] += res.affectedRows;
      n += res.affectedRows;
    });
    return n;
  });
}

export async function cleanPrefix(
  conn: Conn,
  schema: Schema,
  rawPrefix: string,
  batchSize: number,
  progress?: Progress,
): Promise<CleanResult> {
  const prefix = validatePrefix(rawPrefix);
  const counts: Record<string, number> = Object.fromEntries(
    CLEAN_TABLES.filter((t) => schema.tables.has(t)).map((t) => [t, 0]),
  );
  progress?.start(0);
  const cursor = await denseRange(conn, prefix);
  const mode: CleanMode = cursor ? 'range' : 'name';
  // The range walk first (when dense), then by name until nothing is left (also what the walk missed).
  for (const cur of cursor ? [cursor, undefined] : [undefined]) {
    for (;;) {
      const lbIds = await nextChunk(conn, prefix, batchSize, cur);
      if (lbIds.length === 0) break;
      if (cur) cur.after = lbIds[lbIds.length - 1];
      const removed = await cleanChunk(conn, schema, lbIds, counts);
      progress?.advance(removed, `${counts.load_balancer} LBs removed`);
    }
  }
  progress?.stop();
  return { prefix, counts, total: Object.values(counts).reduce((a, b) => a + b, 0), mode };
}
