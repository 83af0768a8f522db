// Database scaling benchmark (issue 15): populate and clean rows/s at a small and a large fleet,
// in one run, on the stock MariaDB of this machine (its configuration untouched), with the
// InnoDB buffer pool hit rate of each phase. The ratio large/small shows whether the rates stay flat.
//
//   node dist/bench/dbscale.js [--sizes 10000,100000]

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import minimist from 'minimist';
import type { DbTarget } from '../src/config/dburl';
import { cleanPrefix } from '../src/ghostdb/clean';
import { type Conn, connect } from '../src/ghostdb/db';
import { type GhostPlan, rowsPerLb } from '../src/ghostdb/ghosts';
import { populate } from '../src/ghostdb/populate';
import { loadSchema, type Schema } from '../src/ghostdb/schema';
import { runBench } from './bench_main';
import { schemaDumpPath } from './schema_dump';

/** The shape: 1 listener, 1 pool, 1 health monitor, 2 members, 1 L7 policy, ACTIVE_STANDBY (12 rows). */
function plan(lbs: number): GhostPlan {
  return {
    prefix: randomUUID(),
    projectId: randomUUID(),
    loadBalancers: lbs,
    listeners: 1,
    pools: 1,
    healthMonitors: 1,
    members: 2,
    l7policies: 1,
    l7rules: 0,
    topology: 'ACTIVE_STANDBY',
    ghostBusy: true,
    batchSize: 500,
  };
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

async function timed(conn: Conn, body: () => Promise<number>): Promise<Phase> {
  const a = await poolStats(conn);
  const t0 = process.hrtime.bigint();
  const rows = await body();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const b = await poolStats(conn);
  return { rows, secs, rate: rows / secs, pool: hitRate(a, b, secs) };
}

export async function populateAndClean(
  conns: [Conn, Conn],
  schema: Schema,
  p: GhostPlan,
): Promise<{ populate: Phase; clean: Phase }> {
  const [conn, second] = conns;
  const pop = await timed(conn, async () => {
    const res = await populate([conn, second], schema, p);
    return Object.values(res.counts).reduce((x, y) => x + y, 0);
  });
  const cl = await timed(conn, async () => (await cleanPrefix(conn, schema, p.prefix, p.batchSize)).total);
  return { populate: pop, clean: cl };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** `stresshm_bench_<pid>` with the Octavia 18.0.0 schema dump; dropped by the caller. */
function createDb(): DbTarget {
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

function dropDb(t: DbTarget): void {
  execFileSync('mariadb', ['-h127.0.0.1', '-P3306', '-uroot', '-e', `DROP DATABASE IF EXISTS ${t.database}`]);
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2), { string: ['sizes'] });
  const sizes = String(args.sizes ?? '10000,100000')
    .split(',')
    .map(Number);
  const target = createDb();
  const conn = await connect(target);
  const second = await connect(target);
  try {
    const schema = await loadSchema(conn, target.database);
    const bp = (await conn.query('SELECT @@innodb_buffer_pool_size AS b'))[0].b;
    console.log(
      `database scaling: ${rowsPerLb(plan(1))} rows/LB (1 listener, 1 pool, 1 HM, 2 members, 1 L7 policy, ` +
        `ACTIVE_STANDBY), Octavia 18.0.0 schema, innodb_buffer_pool_size ${fmt(Number(bp) / 2 ** 20)} MiB`,
    );
    const base: Record<string, Phase> = {};
    for (const lbs of sizes) {
      const r = await populateAndClean([conn, second], schema, plan(lbs));
      for (const [what, ph] of Object.entries(r)) {
        base[what] ??= ph;
        console.log(
          `  ${fmt(lbs).padStart(8)} LBs ${what.padEnd(8)} ${fmt(ph.rows).padStart(10)} rows ${ph.secs.toFixed(1).padStart(7)} s ` +
            `${fmt(ph.rate).padStart(8)} rows/s  ratio ${(ph.rate / base[what].rate).toFixed(2)}  (${ph.pool})`,
        );
      }
    }
  } finally {
    await second.end();
    await conn.end();
    dropDb(target);
  }
}

runBench(main);
