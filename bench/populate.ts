// Populate/clean benchmark on MariaDB (Octavia 18.0.0 schema): stresshm's chunked batch()
// writer beside row-at-a-time INSERTs (the original tool's method) and LOAD DATA LOCAL
// INFILE (the server's bulk-load ceiling) on the same data, plus peak memory at 1k vs 10k LBs.
//
//   node dist/bench/populate.js [--lbs 10000] [--row-at-a-time-lbs 1000]

import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import minimist from 'minimist';
import type { DbTarget } from '../src/config/dburl';
import { cleanPrefix } from '../src/ghostdb/clean';
import { type Conn, connect, inTransaction } from '../src/ghostdb/db';
import { type GhostPlan, INSERT_ORDER, rowsPerLb, type TableRows } from '../src/ghostdb/ghosts';
import { generateGroups } from '../src/ghostdb/groups';
import { planTables, populate, toValues } from '../src/ghostdb/populate';
import { loadSchema, type Schema } from '../src/ghostdb/schema';
import { benchPlan, withBenchDb } from './bench_db';
import { runBench } from './bench_main';

/** Every piece of rows of the plan, in write order. */
function* pieces(p: GhostPlan): Generator<{ rows: TableRows }> {
  for (const g of generateGroups(p)) for (const rows of g.pieces()) yield { rows };
}

/** The original's method: one INSERT per row, each awaited, one transaction. */
async function rowAtATime(conn: Conn, schema: Schema, p: GhostPlan): Promise<number> {
  const plans = await planTables(conn, schema, p);
  let rows = 0;
  const t0 = process.hrtime.bigint();
  await inTransaction(conn, async () => {
    for (const chunk of pieces(p)) {
      for (const table of INSERT_ORDER) {
        const plan = plans.get(table);
        for (const v of toValues(plan!, chunk.rows.get(table) ?? [])) {
          await conn.query(plan!.sql, v);
          rows++;
        }
      }
    }
  });
  return rows / (Number(process.hrtime.bigint() - t0) / 1e9);
}

function tsv(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (v instanceof Date) return v.toISOString().slice(0, 19).replace('T', ' ');
  return String(v).replace(/[\\\t\n]/g, (c) => `\\${c}`);
}

/**
 * The server's ceiling: LOAD DATA LOCAL INFILE of the same rows, table by table in
 * files of at most ~4 MB (a larger file overflows max_allowed_packet); only the loads are timed.
 */
async function loadData(conn: Conn, schema: Schema, p: GhostPlan): Promise<number> {
  const plans = await planTables(conn, schema, p);
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-bench-'));
  const files = new Map<string, string[]>();
  const pending = new Map<string, string[]>();
  let rows = 0;
  const flush = (t: string) => {
    const lines = pending.get(t) ?? [];
    if (lines.length === 0) return;
    const list = files.get(t) ?? [];
    const f = join(dir, `${t}.${list.length}.tsv`);
    writeFileSync(f, `${lines.join('\n')}\n`);
    files.set(t, [...list, f]);
    rows += lines.length;
    pending.set(t, []);
  };
  for (const chunk of pieces(p)) {
    for (const [t, list] of chunk.rows) {
      const lines = pending.get(t) ?? [];
      for (const v of toValues(plans.get(t)!, list)) lines.push(v.map(tsv).join('\t'));
      pending.set(t, lines);
      if (lines.length >= 10000) flush(t);
    }
  }
  for (const t of pending.keys()) flush(t);
  const t0 = process.hrtime.bigint();
  await inTransaction(conn, async () => {
    for (const t of INSERT_ORDER) {
      const cols = plans
        .get(t)
        ?.columns.map((c) => `\`${c}\``)
        .join(', ');
      for (const f of files.get(t) ?? []) {
        await conn.query(`LOAD DATA LOCAL INFILE '${f}' INTO TABLE \`${t}\` FIELDS TERMINATED BY '\\t' (${cols})`);
      }
    }
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  rmSync(dir, { recursive: true, force: true });
  return rows / secs;
}

/** Child mode: populate N LBs in a fresh process and report its peak RSS. */
async function child(target: DbTarget, lbs: number): Promise<void> {
  const conn = await connect(target);
  const schema = await loadSchema(conn, target.database);
  const p = benchPlan(lbs);
  const second = await connect(target);
  const res = await populate([conn, second], schema, p);
  await second.end();
  await cleanPrefix(conn, schema, p.prefix, 500);
  await conn.end();
  const total = Object.values(res.counts).reduce((a, b) => a + b, 0);
  process.stdout.write(
    JSON.stringify({ rows: total, secs: res.seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

function peakOf(target: DbTarget, lbs: number): { rows: number; secs: number; peakRssMb: number } {
  // A fixed heap cap: V8 otherwise grows its heap lazily with total allocation, which hides
  // whether live memory grows with the number of LBs (it does not: peak RSS stays put).
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=96', __filename, '--child', String(lbs), '--db', target.database],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2));
  if (args.child) {
    await child(
      { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: String(args.db) },
      Number(args.child),
    );
    return;
  }
  const lbs = Number(args.lbs ?? 10000);
  const slowLbs = Number(args['row-at-a-time-lbs'] ?? 1000);
  await withBenchDb('bench', { permitLocalInfile: true }, async (db, conn) => {
    const schema = await loadSchema(conn, db.name);
    const p = benchPlan(lbs);
    console.log(
      `populate/clean benchmark: ${fmt(lbs)} LBs x (1 listener, 1 pool, 1 HM, 10 members, 1 l7policy, 1 l7rule) = ` +
        `${rowsPerLb(p)} rows/LB, Octavia 18.0.0 schema, MariaDB on 127.0.0.1`,
    );
    const second = await connect(db.target);
    const warm = benchPlan(1000); // the same warm-up for every method: tables and buffer pool in use
    await populate([conn, second], schema, warm);
    await cleanPrefix(conn, schema, warm.prefix, 500);
    const ours = await populate([conn, second], schema, p);
    await second.end();
    const ourRows = Object.values(ours.counts).reduce((a, b) => a + b, 0);
    const ourRate = ourRows / ours.seconds;
    const t0 = Date.now();
    const cleaned = await cleanPrefix(conn, schema, p.prefix, 500);
    const cleanRate = cleaned.total / ((Date.now() - t0) / 1000);
    const loadRate = await loadData(conn, schema, { ...p, prefix: randomUUID() });
    const loadPrefix = (await conn.query('SELECT LEFT(name, 36) AS p FROM load_balancer LIMIT 1'))[0].p;
    await cleanPrefix(conn, schema, loadPrefix, 500);
    const slowPlan = benchPlan(slowLbs);
    const slowRate = await rowAtATime(conn, schema, slowPlan);
    await cleanPrefix(conn, schema, slowPlan.prefix, 500);
    const small = peakOf(db.target, Math.max(1, Math.round(lbs / 10)));
    const big = peakOf(db.target, lbs);
    console.log('');
    console.log(`  ${'method'.padEnd(44)} ${'rows/s'.padStart(10)}  vs stresshm`);
    console.log(`  ${'stresshm populate (batch(), 2 connections)'.padEnd(44)} ${fmt(ourRate).padStart(10)}  1.00x`);
    console.log(
      `  ${`row-at-a-time INSERTs (${fmt(slowLbs)} LBs)`.padEnd(44)} ${fmt(slowRate).padStart(10)}  stresshm is ` +
        `${(ourRate / slowRate).toFixed(1)}x faster (target >= 5x)`,
    );
    console.log(
      `  ${'LOAD DATA LOCAL INFILE (ceiling)'.padEnd(44)} ${fmt(loadRate).padStart(10)}  stresshm reaches ` +
        `${((100 * ourRate) / loadRate).toFixed(0)}% (target >= 50%)`,
    );
    console.log(
      `  ${'stresshm clean (500 LBs/txn)'.padEnd(44)} ${fmt(cleanRate).padStart(10)}  ` +
        `${((100 * cleanRate) / ourRate).toFixed(0)}% of populate (target >= 50%)`,
    );
    console.log('');
    console.log(
      `  peak RSS of a populate process: ${fmt(small.rows / rowsPerLb(p))} LBs ${small.peakRssMb.toFixed(0)} MB, ` +
        `${fmt(big.rows / rowsPerLb(p))} LBs ${big.peakRssMb.toFixed(0)} MB (ratio ` +
        `${(big.peakRssMb / small.peakRssMb).toFixed(2)}, flat = ~1; node --max-old-space-size=96)`,
    );
  });
}

runBench(main);
