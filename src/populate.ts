// Writes ghost graphs: each chunk of load balancers is one transaction of batch() inserts,
// shaped to the live schema (absent columns skipped, unknown NOT NULL columns given neutral values).

import { Conn, inTransaction } from './db';
import { Schema, Column } from './schema';
import { GhostPlan, INSERT_ORDER, Row, TableRows, generateChunks, rowsPerLb } from './ghosts';
import { interruptRequested } from './interrupt';
import { InterruptedError } from './errors';
import { Progress } from './progress';

interface TablePlan {
  sql: string;
  columns: string[];
  /** Values for NOT NULL columns stresshm does not know, resolved once. */
  fillers: Map<string, string | number | Date>;
}

export interface PopulateResult {
  prefix: string;
  loadBalancers: number;
  counts: Record<string, number>;
  seconds: number;
}

/** A neutral, type-correct value for an unknown NOT NULL column. */
function neutralValue(c: Column, now: Date): string | number | Date {
  if (/int|decimal|float|double|bit|bool/.test(c.dataType)) return 0;
  if (/date|time/.test(c.dataType)) return now;
  return '';
}

async function fillerFor(conn: Conn, schema: Schema, table: string, c: Column, now: Date): Promise<string | number | Date> {
  const fk = schema.foreignKeys.find((f) => f.table === table && f.column === c.name);
  if (fk) {
    const rows: Array<{ v: string }> = await conn.query(`SELECT \`${fk.refColumn}\` AS v FROM \`${fk.refTable}\` LIMIT 1`);
    if (rows.length > 0) return rows[0].v;
  }
  return neutralValue(c, now);
}

async function planTable(conn: Conn, schema: Schema, table: string, sample: Row): Promise<TablePlan | undefined> {
  const cols = schema.tables.get(table);
  if (!cols) return undefined;
  const now = new Date();
  const columns: string[] = [];
  const fillers = new Map<string, string | number | Date>();
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

function toValues(plan: TablePlan, rows: Row[]): unknown[][] {
  return rows.map((r) => plan.columns.map((c) => (c in r ? r[c] : plan.fillers.get(c))));
}

/** Writes one chunk in one transaction. */
async function writeChunk(conn: Conn, plans: Map<string, TablePlan | undefined>, rows: TableRows, counts: Record<string, number>): Promise<number> {
  let written = 0;
  const chunkCounts: Record<string, number> = {};
  await inTransaction(conn, async () => {
    for (const table of INSERT_ORDER) {
      const list = rows.get(table);
      const plan = plans.get(table);
      if (!list || list.length === 0 || !plan) continue;
      await conn.batch(plan.sql, toValues(plan, list));
      chunkCounts[table] = list.length;
      written += list.length;
    }
  });
  for (const [t, n] of Object.entries(chunkCounts)) counts[t] = (counts[t] ?? 0) + n;
  return written;
}

export interface PopulateOptions {
  progress?: Progress;
}

/**
 * Populates the plan. On failure or interrupt, the thrown error carries `partial`
 * (what was committed), so the caller can print the clean command.
 */
export async function populate(conn: Conn, schema: Schema, plan: GhostPlan, opts: PopulateOptions = {}): Promise<PopulateResult> {
  const started = Date.now();
  const counts: Record<string, number> = {};
  const plans = new Map<string, TablePlan | undefined>();
  let lbsDone = 0;
  opts.progress?.start(plan.loadBalancers * rowsPerLb(plan));
  try {
    for (const chunk of generateChunks(plan)) {
      if (interruptRequested()) throw new InterruptedError('interrupted during populate');
      for (const [table, list] of chunk.rows) {
        if (!plans.has(table)) plans.set(table, await planTable(conn, schema, table, list[0]));
      }
      const written = await writeChunk(conn, plans, chunk.rows, counts);
      lbsDone += chunk.lbs;
      opts.progress?.advance(written, `${lbsDone}/${plan.loadBalancers} LBs`);
    }
  } catch (e) {
    opts.progress?.stop();
    throw Object.assign(e as Error, { partial: { prefix: plan.prefix, loadBalancers: lbsDone, counts } });
  }
  opts.progress?.stop();
  return { prefix: plan.prefix, loadBalancers: lbsDone, counts, seconds: (Date.now() - started) / 1000 };
}
