// Database scaling benchmark (issue 15): populate and clean rows/s at a small and a large fleet,
// in one run, on the stock MariaDB of this machine (its configuration untouched), with the
// InnoDB buffer pool hit rate of each phase, for each ghost id scheme (v7: time-ordered, dealt in
// shuffled blocks; v4: random, the old scheme), each on a fresh database. The ratio large/small
// shows whether the rates stay flat (the target: at least 0.80); the smallest size runs first and
// last, and its mean is the base, so a shared machine's drift during the run shows and partly cancels.
//
//   node dist/bench/dbscale.js [--sizes 10000,100000] [--schemes v7,v4] [--v4-max 100000]

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import minimist from 'minimist';
import type { DbTarget } from '../src/config/dburl';
import { cleanPrefix } from '../src/ghostdb/clean';
import { type Conn, connect } from '../src/ghostdb/db';
import { type GhostPlan, rowsPerLb } from '../src/ghostdb/ghosts';
import type { IdScheme } from '../src/ghostdb/ids';
import { populate } from '../src/ghostdb/populate';
import { loadSchema, type Schema } from '../src/ghostdb/schema';
import { benchPlan } from './bench_db';
import { runBench } from './bench_main';
import { schemaDumpPath } from './schema_dump';

/** The issue's shape: 1 listener, 1 pool, 1 health monitor, 2 members, 1 L7 policy, ACTIVE_STANDBY (13 rows). */
export function plan(lbs: number, ghostIds: IdScheme = 'v7'): GhostPlan {
  return benchPlan(lbs, { members: 2, l7rules: 0, ghostIds });
}

interface PoolStats {
  requests: number;
  reads: number;
}

async function poolStats(conn: Conn): Promise<PoolStats> {
  const rows: Array<{ Variable_name: string; Value: string }> = await conn.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_buffer_pool_read_requests', 'Innodb_buffer_pool_reads')",
  );
  const v = (n: string) => Number(rows.find((r) => r.Variable_name === n)?.Value ?? 0);
  return { requests: v('Innodb_buffer_pool_read_requests'), reads: v('Innodb_buffer_pool_reads') };
}

/** Hit rate per 1000 logical reads and disk page reads/s between two samples (server-wide: others count too). */
function hitRate(a: PoolStats, b: PoolStats, secs: number): string {
  const req = b.requests - a.requests;
  const rd = b.reads - a.reads;
  const hit = req > 0 ? (1000 * (req - rd)) / req : 1000;
  return `hit ${hit.toFixed(1)}/1000, ${fmt(rd / secs)} page reads/s`;
}

export interface Phase {
  rows: number;
  secs: number;
  rate: number;
  pool: string;
}

export async function timed(conn: Conn, body: () => Promise<number>): Promise<Phase> {
  const a = await poolStats(conn);
  const t0 = process.hrtime.bigint();
  const rows = await body();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const b = await poolStats(conn);
  return { rows, secs, rate: rows / secs, pool: hitRate(a, b, secs) };
}

/** Populate then clean one plan; fresh connections per phase (an idle one would time out meanwhile). */
export async function populateAndClean(
  target: DbTarget,
  schema: Schema,
  p: GhostPlan,
): Promise<{ populate: Phase; clean: Phase }> {
  const conns = [await connect(target), await connect(target)];
  const pop = await timed(conns[0], async () => {
    const res = await populate(conns, schema, p, { warn: (l) => console.log(`  (${l})`) });
    return Object.values(res.counts).reduce((x, y) => x + y, 0);
  });
  await Promise.all(conns.map((c) => c.end()));
  const conn = await connect(target);
  const cl = await timed(conn, async () => (await cleanPrefix(conn, schema, p.prefix, p.batchSize)).total);
  await conn.end();
  return { populate: pop, clean: cl };
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** `stresshm_bench_<pid>` with the Octavia 18.0.0 schema dump; dropped by the caller. */
export function createDb(): DbTarget {
  const name = `stresshm_bench_${process.pid}`;
  const args = ['-h127.0.0.1', '-P3306', '-uroot'];
  execFileSync('mariadb', [
    ...args,
    '-e',
    `DROP DATABASE IF EXISTS ${name}; CREATE DATABASE ${name} CHARACTER SET utf8mb4`,
  ]);
  execFileSync('mariadb', [...args, name], { input: readFileSync(schemaDumpPath('18.0.0')) });
  return { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: name };
}

export function dropDb(t: DbTarget): void {
  execFileSync('mariadb', ['-h127.0.0.1', '-P3306', '-uroot', '-e', `DROP DATABASE IF EXISTS ${t.database}`]);
}

/** One scheme on a fresh database: every size in turn, each rate as a ratio to the first size's. */
async function scheme(ids: IdScheme, sizes: number[]): Promise<Record<string, number>> {
  const target = createDb();
  const ratios: Record<string, number> = {};
  try {
    const conn = await connect(target);
    const schema = await loadSchema(conn, target.database);
    await conn.end();
    await populateAndClean(target, schema, plan(1000, ids)); // warm-up: tables and pool in use, not counted
    // The smallest size again at the end: the machine is shared, so its base rate is the mean of both.
    const runs = [...sizes, sizes[0]];
    const rates: Record<string, number[]> = {};
    for (const [i, lbs] of runs.entries()) {
      const r = await populateAndClean(target, schema, plan(lbs, ids));
      for (const [what, ph] of Object.entries(r)) {
        const key = `${what} ${lbs}`;
        rates[key] = [...(rates[key] ?? []), ph.rate];
        console.log(
          `  ${ids} ${fmt(lbs).padStart(8)} LBs ${what.padEnd(8)} ${fmt(ph.rows).padStart(10)} rows ` +
            `${ph.secs.toFixed(1).padStart(7)} s ${fmt(ph.rate).padStart(8)} rows/s  (${ph.pool})` +
            (i === runs.length - 1 ? '  (smallest size again)' : ''),
        );
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const what of ['populate', 'clean']) {
      const base = mean(rates[`${what} ${sizes[0]}`]);
      for (const lbs of sizes.slice(1)) ratios[`${what} ${lbs}`] = mean(rates[`${what} ${lbs}`]) / base;
    }
  } finally {
    dropDb(target);
  }
  return ratios;
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2), { string: ['sizes', 'schemes', 'v4-max'] });
  const sizes = String(args.sizes ?? '10000,100000')
    .split(',')
    .map(Number);
  const schemes = String(args.schemes ?? 'v7,v4').split(',') as IdScheme[];
  const v4Max = Number(args['v4-max'] ?? Number.POSITIVE_INFINITY);
  const probe = await connect({ ...PROBE, database: '' });
  const bp = (await probe.query('SELECT @@innodb_buffer_pool_size AS b'))[0].b;
  await probe.end();
  console.log(
    `database scaling: ${rowsPerLb(plan(1))} rows/LB (1 listener, 1 pool, 1 HM, 2 members, 1 L7 policy, ` +
      `ACTIVE_STANDBY), Octavia 18.0.0 schema, stock MariaDB, innodb_buffer_pool_size ${fmt(Number(bp) / 2 ** 20)} MiB`,
  );
  const all: Record<string, Record<string, number>> = {};
  for (const ids of schemes) all[ids] = await scheme(ids, ids === 'v4' ? sizes.filter((n) => n <= v4Max) : sizes);
  console.log('');
  console.log(`  rate at N LBs / mean rate of both ${fmt(sizes[0])}-LB runs (target >= 0.80):`);
  for (const [ids, r] of Object.entries(all)) {
    const parts = Object.entries(r);
    const label = (k: string) => k.replace(/ (\d+)$/, (_, n) => ` ${fmt(Number(n))}`);
    console.log(`  ${ids}: ${parts.map(([k, v]) => `${label(k)}: ${v.toFixed(2)}`).join(', ')}`);
  }
}

const PROBE: DbTarget = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: '' };

if (require.main === module) runBench(main);
