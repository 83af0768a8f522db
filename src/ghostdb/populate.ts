// Writes ghost graphs: each group of whole load balancers is one transaction of batch() inserts
// in pieces of bounded size, shaped to the live schema (absent columns skipped, unknown NOT NULL
// columns given neutral values).

import { InterruptedError, UsageError } from '../errors';
import { interruptRequested } from '../lifecycle/interrupt';
import { say } from '../lifecycle/output';
import type { Progress } from '../terminal/progress';
import { type Conn, inTransaction } from './db';
import { type GhostPlan, INSERT_ORDER, type Row, type TableRows, totalRows } from './ghosts';
import { checkPlanSize, generateGroups, sampleRows, type TxGroup } from './groups';
import { sqlDateTime } from './rows';
import type { Column, Schema } from './schema';

export interface TablePlan {
  sql: string;
  columns: string[];
  /** Values for NOT NULL columns stresshm does not know, resolved once. */
  fillers: Map<string, string | number>;
}

export interface PopulateResult {
  prefix: string;
  loadBalancers: number;
  counts: Record<string, number>;
  seconds: number;
}

/** A neutral, type-correct value for an unknown NOT NULL column. */
function neutralValue(c: Column, now: string): string | number {
  if (/int|decimal|float|double|bit|bool/.test(c.dataType)) return 0;
  if (/date|time/.test(c.dataType)) return now;
  return '';
}

async function fillerFor(conn: Conn, schema: Schema, table: string, c: Column, now: string): Promise<string | number> {
  const fk = schema.foreignKeys.find((f) => f.table === table && f.column === c.name);
  if (fk) {
    const rows: Array<{ v: string }> = await conn.query(
      `SELECT \`${fk.refColumn}\` AS v FROM \`${fk.refTable}\` LIMIT 1`,
    );
    if (rows.length > 0) return rows[0].v;
  }
  return neutralValue(c, now);
}

export async function planTable(
  conn: Conn,
  schema: Schema,
  table: string,
  sample: Row,
): Promise<TablePlan | undefined> {
  const cols = schema.tables.get(table);
  if (!cols) return undefined;
  const now = sqlDateTime(new Date());
  const columns: string[] = [];
  const fillers = new Map<string, string | number>();
  for (const c of cols) {
    if (c.name in sample) columns.push(c.name);
    else if (!c.nullable && !c.hasDefault && !c.autoIncrement) {
      columns.push(c.name);
      fillers.set(c.name, await fillerFor(conn, schema, table, c, now));
    }
  }
  const sql =
    `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ` +
    `(${columns.map(() => '?').join(', ')})`;
  return { sql, columns, fillers };
}

export function toValues(plan: TablePlan, rows: Row[]): unknown[][] {
  return rows.map((r) => plan.columns.map((c) => (c in r ? r[c] : plan.fillers.get(c))));
}

/** Plans every table the plan writes, once, from one sample row each. */
export async function planTables(conn: Conn, schema: Schema, plan: GhostPlan): Promise<Map<string, TablePlan>> {
  const plans = new Map<string, TablePlan>();
  for (const [table, rows] of sampleRows(plan)) {
    const tp = await planTable(conn, schema, table, rows[0]);
    if (tp) plans.set(table, tp);
  }
  return plans;
}

/**
 * Writes one group of whole load balancers in one transaction, piece by piece (the batch() calls
 * of a piece are pipelined). An interrupt between pieces rolls the group back: only whole graphs stay.
 */
async function writeGroup(
  conn: Conn,
  plans: Map<string, TablePlan>,
  group: TxGroup,
  observe?: PopulateObserver,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await inTransaction(conn, async () => {
    for (const piece of group.pieces()) {
      if (interruptRequested()) throw new InterruptedError('interrupted during populate');
      const tables = INSERT_ORDER.filter((t) => (piece.get(t)?.length ?? 0) > 0 && plans.has(t));
      await Promise.all(tables.map((t) => conn.batch(plans.get(t)!.sql, toValues(plans.get(t)!, piece.get(t)!))));
      for (const t of tables) counts[t] = (counts[t] ?? 0) + piece.get(t)!.length;
      observe?.piece(group, piece);
    }
  });
  observe?.committed(group);
  return counts;
}

/** Types a profile's shapes use, by lookup table. */
function planTypes(plan: GhostPlan): Array<[string, string]> {
  const out = new Map<string, [string, string]>();
  const add = (t: string, v: string | null) => {
    if (v) out.set(`${t}/${v}`, [t, v]);
  };
  for (const s of plan.shapes?.shapes ?? []) {
    add('lb_topology', s.topology);
    const pools = [...s.listeners.flatMap((l) => [l.default_pool, ...l.redirect_pools]), ...s.unattached_pools];
    for (const l of s.listeners) add('protocol', l.protocol);
    for (const p of pools) {
      if (!p) continue;
      add('protocol', p.protocol);
      add('health_monitor_type', p.health_monitor);
      add('session_persistence_type', p.session_persistence);
    }
  }
  return [...out.values()];
}

/** Refuses, before any write, a profile whose types this schema has no row for (an older Octavia). */
export function checkPlanLookups(schema: Schema, plan: GhostPlan): void {
  const missing = planTypes(plan).filter(([t, v]) => schema.lookups.has(t) && !schema.lookups.get(t)!.has(v));
  if (missing.length > 0) {
    throw new UsageError(
      `this Octavia database does not know ${missing.map(([t, v]) => `${t} ${v}`).join(', ')}` +
        ' (the profile comes from a newer release)',
    );
  }
}

/** Sees every piece as it is written and every group once committed (PlanCollector). */
export interface PopulateObserver {
  piece(group: TxGroup, piece: TableRows): void;
  committed(group: TxGroup): void;
}

export interface PopulateOptions {
  progress?: Progress;
  /** Where a one-line warning goes (default: stderr). */
  warn?: (line: string) => void;
  observe?: PopulateObserver;
}

/** InnoDB bytes per ghost row, data and indexes (measured: about 6.4 KB per 13-row load balancer). */
export const BYTES_PER_ROW = 500;

/**
 * The warning line when the plan's ghost rows would outgrow the buffer pool, else undefined. Ordered
 * ghost ids keep populate and clean fast then, but the HM's reads go to disk (as in production with
 * a database that size), so its figures depend on the disk too.
 */
export async function bufferPoolWarning(conn: Conn, plan: GhostPlan): Promise<string | undefined> {
  const [row]: Array<{ b: number | bigint }> = await conn.query('SELECT @@innodb_buffer_pool_size AS b');
  const pool = Number(row.b);
  const need = totalRows(plan) * BYTES_PER_ROW;
  if (need <= pool) return undefined;
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
  return (
    `stresshm: warning: the ghost rows (about ${mb(need)}) outgrow innodb_buffer_pool_size (${mb(pool)}): ` +
    `the HM's lookups will read pages from disk (ghost ids ${plan.ghostIds ?? 'v7'}; README "Ghost ids")`
  );
}

export interface PartialPopulate {
  prefix: string;
  loadBalancers: number;
  counts: Record<string, number>;
}

/**
 * Populates the plan over one or more connections (each writes whole groups, one transaction
 * each). On failure or interrupt the in-flight groups finish or roll back, and the thrown error
 * carries `partial` (what was committed) for the clean command. A plan whose single load balancer
 * is too large for one transaction is refused before anything is written.
 */
export async function populate(
  writers: Conn | Conn[],
  schema: Schema,
  plan: GhostPlan,
  opts: PopulateOptions = {},
): Promise<PopulateResult> {
  const conns = Array.isArray(writers) ? writers : [writers];
  checkPlanSize(plan);
  checkPlanLookups(schema, plan);
  const started = Date.now();
  const done: PartialPopulate = { prefix: plan.prefix, loadBalancers: 0, counts: {} };
  const plans = await planTables(conns[0], schema, plan);
  const warning = await bufferPoolWarning(conns[0], plan);
  if (warning) (opts.warn ?? ((l: string) => say(`${l}\n`)))(warning);
  const slots: Array<Promise<void>> = conns.map(() => Promise.resolve());
  let failure: unknown;
  let next = 0;
  opts.progress?.start(totalRows(plan));
  try {
    for (const group of generateGroups(plan)) {
      if (interruptRequested()) throw new InterruptedError('interrupted during populate');
      const k = next++ % conns.length;
      await slots[k];
      if (failure) throw failure;
      slots[k] = writeGroup(conns[k], plans, group, opts.observe).then(
        (counts) => {
          for (const [t, n] of Object.entries(counts)) done.counts[t] = (done.counts[t] ?? 0) + n;
          done.loadBalancers += group.lbs;
          opts.progress?.advance(group.rows, `${done.loadBalancers}/${plan.loadBalancers} LBs`);
        },
        (e) => {
          failure ??= e;
        },
      );
    }
    await Promise.all(slots);
    if (failure) throw failure;
  } catch (e) {
    await Promise.all(slots);
    opts.progress?.stop();
    throw Object.assign(e as Error, { partial: done });
  }
  opts.progress?.stop();
  return {
    prefix: plan.prefix,
    loadBalancers: done.loadBalancers,
    counts: done.counts,
    seconds: (Date.now() - started) / 1000,
  };
}
