// Removes exactly one run's rows: load balancers found by the prefix's name pattern, then
// every row linked to them (including what a live HM added), children first, one
// transaction per chunk of load balancers, bound parameters only. Idempotent.
// Locality: a run with time-ordered ids (ids.ts) has its load balancers in one narrow range of
// the primary key, so clean walks that range in chunks of consecutive ids (each chunk's children
// are then neighbours in every table too). The range only says where to look: every load balancer
// is still chosen by the exact name test, so a foreign row inside the range is never touched.
// Runs with random UUIDv4 ids (older runs) are found by the name test alone, as before.
// Every DELETE names one row by its primary key (or the key's leading column), run for all of a
// chunk's ids as one batch(): the ids are first read through the foreign-key indexes with plain
// (non-locking) reads. A DELETE matched on a list of hundreds of values is planned as a full table
// scan whenever the list is a large share of the table or the table outgrows its statistics
// (measured: clean then slowed with the fleet), and a scanning DELETE locks every row it passes,
// the cloud's own included, until the chunk's commit. A one-row key lookup never scans.

import type { Progress } from '../terminal/progress';
import { affected, type Conn, inTransaction } from './db';
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
  /** amphora_member_port's primary key (port_id) of the chunk's amphorae. */
  member_port: string[];
}

/** One DELETE: table, its primary key column (or the key's leading column) and which id list feeds it. */
interface Step {
  table: string;
  column: string;
  ids: keyof ChunkIds;
}

/** Foreign-key-safe order: everything that points at a row goes before that row. */
const STEPS: Step[] = [
  { table: 'l7rule', column: 'id', ids: 'l7rule' },
  { table: 'l7policy', column: 'id', ids: 'l7policy' },
  { table: 'sni', column: 'listener_id', ids: 'listener' },
  { table: 'listener_cidr', column: 'listener_id', ids: 'listener' },
  // A live HM keys statistics by (listener, amphora); our listeners cover every row it can write.
  { table: 'listener_statistics', column: 'listener_id', ids: 'listener' },
  { table: 'listener', column: 'id', ids: 'listener' },
  { table: 'health_monitor', column: 'id', ids: 'health_monitor' },
  { table: 'session_persistence', column: 'pool_id', ids: 'pool' },
  { table: 'member', column: 'id', ids: 'member' },
  { table: 'pool', column: 'id', ids: 'pool' },
  { table: 'amphora_health', column: 'amphora_id', ids: 'amphora' },
  { table: 'amphora_member_port', column: 'port_id', ids: 'member_port' },
  { table: 'vrrp_group', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'additional_vip', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'vip_security_group', column: 'load_balancer_id', ids: 'load_balancer' },
  { table: 'vip', column: 'load_balancer_id', ids: 'load_balancer' },
  // Amphorae go with (never after) their load balancer, in the same transaction.
  { table: 'amphora', column: 'id', ids: 'amphora' },
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

/** The primary keys (`key`, default id) of `table`'s rows whose `column` is one of `values`: an index-only read. */
async function idsWhere(
  conn: Conn,
  schema: Schema,
  table: string,
  column: string,
  values: string[],
  key = 'id',
): Promise<string[]> {
  if (values.length === 0 || !hasColumn(schema, table, column) || !hasColumn(schema, table, key)) return [];
  const rows: Array<{ k: string }> = await conn.query(
    `SELECT \`${key}\` AS k FROM \`${table}\` WHERE \`${column}\` IN (?)`,
    [values],
  );
  return rows.map((r) => r.k);
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
  const [l7rule, memberPort] = await Promise.all([
    idsWhere(conn, schema, 'l7rule', 'l7policy_id', l7policy),
    idsWhere(conn, schema, 'amphora_member_port', 'amphora_id', amphora, 'port_id'),
  ]);
  return {
    load_balancer: lbIds,
    listener,
    pool,
    amphora,
    l7policy,
    member,
    health_monitor: healthMonitor,
    l7rule,
    member_port: memberPort,
  };
}

/** One chunk's DELETEs: each a one-row statement by key, with the ids it runs for. */
function statements(schema: Schema, ids: ChunkIds): Array<{ table: string; sql: string; values: string[] }> {
  const out: Array<{ table: string; sql: string; values: string[] }> = [];
  if (hasColumn(schema, 'tags', 'resource_id')) {
    const tagged = TAGGED.flatMap((k) => ids[k]);
    if (tagged.length > 0) out.push({ table: 'tags', sql: 'DELETE FROM tags WHERE resource_id = ?', values: tagged });
  }
  for (const s of STEPS) {
    if (ids[s.ids].length === 0 || !hasColumn(schema, s.table, s.column)) continue;
    out.push({ table: s.table, sql: `DELETE FROM \`${s.table}\` WHERE \`${s.column}\` = ?`, values: ids[s.ids] });
  }
  return out;
}

/** Where the next chunk is looked for: after `after` in the primary key, up to `last` (a range walk) or to the end. */
interface Cursor {
  after: string;
  last?: string;
}

/**
 * The next load balancers of the prefix, matched byte-exactly (names.ts), in id order after the
 * cursor: within its primary-key range, or by the name test alone without one (one forward pass
 * either way). Every name is checked again in JavaScript before anything is deleted: a matcher
 * bug stops clean instead of widening it.
 */
async function nextChunk(conn: Conn, prefix: string, size: number, cur: Cursor): Promise<string[]> {
  const match = prefixNameSql('name', prefix);
  const rows: Array<{ id: string; name: string }> =
    cur.last !== undefined
      ? await conn.query(
          `SELECT id, name FROM load_balancer FORCE INDEX (PRIMARY) WHERE id > ? AND id <= ? AND ${match.sql} ` +
            'ORDER BY id LIMIT ?',
          [cur.after, cur.last, ...match.params, size],
        )
      : await conn.query(
          `SELECT id, name FROM load_balancer FORCE INDEX (PRIMARY) WHERE id > ? AND ${match.sql} ORDER BY id LIMIT ?`,
          [cur.after, ...match.params, size],
        );
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

/**
 * Deletes one chunk of load balancers and everything linked to them, in one transaction at READ
 * COMMITTED: a one-row DELETE that finds no row (tags, sni, statistics a ghost never got) then
 * takes no gap lock beside the cloud's rows. The statements run one after another (each a batch):
 * a driver that splits a batch may not interleave children and parents.
 */
async function cleanChunk(conn: Conn, schema: Schema, lbIds: string[], counts: Record<string, number>) {
  await conn.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
  return inTransaction(conn, async () => {
    const stmts = statements(schema, await collectIds(conn, schema, lbIds));
    let n = 0;
    for (const st of stmts) {
      // ids in key order: neighbouring deletes hit the same pages
      const rows = affected(
        await conn.batch(
          st.sql,
          [...st.values].sort().map((v) => [v]),
        ),
      );
      counts[st.table] += rows;
      n += rows;
    }
    return n;
  });
}

/** Walks from the cursor a chunk at a time, deleting as it goes; returns how many load balancers it removed. */
async function walk(
  conn: Conn,
  schema: Schema,
  prefix: string,
  batchSize: number,
  cur: Cursor,
  counts: Record<string, number>,
  progress?: Progress,
): Promise<number> {
  let lbs = 0;
  for (;;) {
    const lbIds = await nextChunk(conn, prefix, batchSize, cur);
    if (lbIds.length === 0) return lbs;
    cur.after = lbIds[lbIds.length - 1];
    const removed = await cleanChunk(conn, schema, lbIds, counts);
    lbs += lbIds.length;
    progress?.advance(removed, `${counts.load_balancer} LBs removed`);
  }
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
  // The range walk first (when dense), then passes by name from the start (ids are CHAR(36) of hex
  // digits and dashes: '' sorts below every one) until one finds nothing: what the walk missed, and
  // anything that appeared behind a pass, is still found.
  if (cursor) await walk(conn, schema, prefix, batchSize, cursor, counts, progress);
  while ((await walk(conn, schema, prefix, batchSize, { after: '' }, counts, progress)) > 0) {}
  progress?.stop();
  return { prefix, counts, total: Object.values(counts).reduce((a, b) => a + b, 0), mode };
}
