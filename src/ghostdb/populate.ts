// Writes ghost graphs: each chunk of load balancers is one transaction of batch() inserts,
// shaped to the live schema (absent columns skipped, unknown NOT NULL columns given neutral values).

import { Conn, inTransaction } from './db';
import { Schema, Column } from './schema';
import { GhostPlan, INSERT_ORDER, Row, TableRows, generateChunks, rowsPerLb, sqlDateTime } from './ghosts';
import { interruptRequested } from '../lifecycle/interrupt';
import { InterruptedError } from '../errors';
import { Progress } from '../terminal/progress';

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
    const rows: Array<{ v: string }> = await conn.query(`SELECT \`${fk.refColumn}\` AS v FROM \`${fk.refTable}\` LIMIT 1`);
    if (rows.length > 0) return rows[0].v;
  }
  return neutralValue(c, now);
}

export async function planTable(conn: Conn, schema: Schema, table: string, sample: Row): Promise<TablePlan | undefined> {
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
  const sql = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  return { sql, columns, fillers };
}

export function toValues(plan: TablePlan, rows: Row[]): unknown[][] {
  return rows.map((r) => plan.columns.map((c) => (c in r ? r[c] : plan.fillers.get(c))));
}

/** Writes one chunk in one transaction; the batch() calls are pipelined on the connection. */
async function writeChunk(conn: Conn, plans: Map<string, TablePlan | undefined>, rows: TableRows): Promise<Record<string, number>> {
  const tables = INSERT_ORDER.filter((t) => (rows.get(t)?.length ?? 0) > 0 && plans.get(t));
  await inTransaction(conn, () => Promise.all(tables.map((t) => conn.batch(plans.get(t)!.sql, toValues(plans.get(t)!, rows.get(t)!)))));
  return Object.fromEntries(tables.map((t) => [t, rows.get(t)!.length]));
}

export interface PopulateOptions {
  progress?: Progress;
}

export interface PartialPopulate { prefix: string; loadBalancers: number; counts: Record<string, number> }

/**
 * Populates the plan over one or more connections (each writes whole chunks, one
 * transaction each). On failure or interrupt the in-flight chunks finish or roll back,
 * and the thrown error carries `partial` (what was committed) for the clean command.
 */
export async function populate(writers: Conn | Conn[], schema: Schema, plan: GhostPlan, opts: PopulateOptions = {}): Promise<PopulateResult> {
  const conns = Array.isArray(writers) ? writers : [writers];
  const started = Date.now();
  const done: PartialPopulate = { prefix: plan.prefix, loadBalancers: 0, counts: {} };
  const plans = new Map<string, TablePlan | undefined>();
  const slots: Array<Promise<void>> = conns.map(() => Promise.resolve());
  let failure: unknown;
  let next = 0;
  opts.progress?.start(plan.loadBalancers * rowsPerLb(plan));
  try {
    for (const chunk of generateChunks(plan)) {
      if (interruptRequested()) throw new InterruptedError('interrupted during populate');
      for (const [table, list] of chunk.rows) {
        if (!plans.has(table)) plans.set(table, await planTable(conns[0], schema, table, list[0]));
      }
      const k = next++ % conns.length;
      await slots[k];
      if (failure) throw failure;
      slots[k] = writeChunk(conns[k], plans, chunk.rows).then((counts) => {
        for (const [t, n] of Object.entries(counts)) done.counts[t] = (done.counts[t] ?? 0) + n;
        done.loadBalancers += chunk.lbs;
        opts.progress?.advance(Object.values(counts).reduce((a, b) => a + b, 0), `${done.loadBalancers}/${plan.loadBalancers} LBs`);
      }, (e) => { failure ??= e; });
    }
    await Promise.all(slots);
    if (failure) throw failure;
  } catch (e) {
    await Promise.all(slots);
    opts.progress?.stop();
    throw Object.assign(e as Error, { partial: done });
  }
  opts.progress?.stop();
  return { prefix: plan.prefix, loadBalancers: done.loadBalancers, counts: done.counts, seconds: (Date.now() - started) / 1000 };
}
