// The scaling benchmark (issue 15), from one run: how each cost grows with the fleet, as a ratio
// to the smallest size and as the exponent k of the observed law (cost ~ size^k between the
// smallest and the largest size; k = 1 is linear, k = 0 flat).
// Memory per amphora is the peak resident set above the process's own before the handover.
// - Ghost database, 1k to 200k LBs (13 rows each, v7 ids, one fresh database): populate and
//   clean rows/s, and the start-up from a prefix (graph read back in chunks, handed to the
//   engine, first heartbeat received by a local verifying sink; bench/startup.ts, its own
//   process) with its peak memory per amphora and the sender CPU per heartbeat that follows.
// - Engine, 10k to 1M amphorae (synthetic streamed fleet at 10 s, bench/million.ts, its own
//   process): handover to first heartbeat, peak memory per amphora, sender CPU per heartbeat.
//
//   node dist/bench/scaling.js [--lbs 1000,10000,100000,200000] [--amphorae 10000,100000,1000000]

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import minimist from 'minimist';
import { cleanPrefix } from '../src/ghostdb/clean';
import { connect } from '../src/ghostdb/db';
import { populate } from '../src/ghostdb/populate';
import { loadSchema } from '../src/ghostdb/schema';
import { runBench } from './bench_main';
import { createDb, dropDb, fmt, type Phase, plan, timed } from './dbscale';
import type { StartupFigures } from './startup';

interface Row {
  size: number;
  figures: Record<string, number>;
}

/** A child benchmark's one JSON line. */
function child<T>(script: string, args: string[]): T {
  const out = execFileSync(process.execPath, [join(__dirname, script), ...args], {
    encoding: 'utf8',
    timeout: 30 * 60_000, // a child that hangs fails the benchmark
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as T;
}

async function lbSizes(sizes: number[]): Promise<Row[]> {
  const target = createDb();
  const rows: Row[] = [];
  try {
    const probe = await connect(target);
    const schema = await loadSchema(probe, target.database);
    await probe.end();
    // warm-up (tables, pool and connections in use), not counted
    const warm = plan(1000);
    const w = await connect(target);
    await populate(w, schema, warm, { warn: () => undefined });
    await cleanPrefix(w, schema, warm.prefix, warm.batchSize);
    await w.end();
    for (const lbs of sizes) {
      const p = plan(lbs);
      const conns = [await connect(target), await connect(target)];
      const pop: Phase = await timed(conns[0], async () => {
        const res = await populate(conns, schema, p, { warn: () => undefined });
        return Object.values(res.counts).reduce((x, y) => x + y, 0);
      });
      await Promise.all(conns.map((c) => c.end()));
      const s = child<StartupFigures>('startup.js', ['--database', target.database, '--prefix', p.prefix]);
      const conn = await connect(target);
      const cl = await timed(conn, async () => (await cleanPrefix(conn, schema, p.prefix, p.batchSize)).total);
      await conn.end();
      rows.push({
        size: lbs,
        figures: {
          'populate s': pop.secs,
          'populate rows/s': pop.rate,
          'clean s': cl.secs,
          'clean rows/s': cl.rate,
          'start-up s': s.startupSecs,
          'peak RSS MB': s.peakRssMb,
          'KB/amphora': ((s.peakRssMb - s.baseRssMb) * 1024) / s.amphorae,
          'CPU us/heartbeat': s.cpuUsPerHeartbeat,
        },
      });
      const short = (_: string, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(4)) : v);
      console.log(`  ${fmt(lbs)} LBs done: ${JSON.stringify(rows.at(-1)!.figures, short)}`);
    }
  } finally {
    dropDb(target);
  }
  return rows;
}

function amphoraSizes(sizes: number[]): Row[] {
  return sizes.map((n) => {
    const f = child<StartupFigures & { cpuCores: number; lagP99Ms: number }>('million.js', [
      '--amphorae',
      String(n),
      '--seconds',
      '20',
      '--json',
    ]);
    const row = {
      size: n,
      figures: {
        'start-up s': f.startupSecs,
        'peak RSS MB': f.peakRssMb,
        'KB/amphora': ((f.peakRssMb - f.baseRssMb) * 1024) / f.amphorae,
        'CPU us/heartbeat': f.cpuUsPerHeartbeat,
        'sender cores': f.cpuCores,
        'delivered %': (100 * f.valid) / Math.max(1, f.due), // of what was due, not of what was sent
      },
    };
    console.log(`  ${fmt(n)} amphorae done`);
    return row;
  });
}

const num = (v: number) => (v >= 100 ? fmt(v) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The table: each figure per size, its ratio to the smallest size, and the exponent k (cost ~ size^k). */
function print(title: string, unit: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const names = Object.keys(rows[0].figures);
  const head = ['', ...rows.map((r) => `${fmt(r.size)} ${unit}`), 'k'];
  const w = 16;
  console.log(head.map((h, i) => (i === 0 ? h.padEnd(18) : h.padStart(w))).join(''));
  const first = rows[0];
  const last = rows.at(-1)!;
  for (const name of names) {
    const cells = rows.map((r) => {
      const v = r.figures[name];
      const ratio = v / first.figures[name];
      return r === first ? num(v) : `${num(v)} (${ratio.toFixed(2)}x)`;
    });
    const k = Math.log(last.figures[name] / first.figures[name]) / Math.log(last.size / first.size);
    const kText = rows.length > 1 ? k.toFixed(2) : '-';
    console.log([name.padEnd(18), ...cells.map((c) => c.padStart(w)), kText.padStart(w)].join(''));
  }
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2), { string: ['lbs', 'amphorae'] });
  // sizes in increasing order, each once (ratios and k are taken against the first); '' is none
  const list = (v: unknown, d: string) => {
    const sizes = String(v ?? d)
      .split(',')
      .filter((x) => x.trim() !== '')
      .map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`sizes must be positive integers: ${v}`);
    return [...new Set(sizes)].sort((a, b) => a - b);
  };
  const lbs = list(args.lbs, '1000,10000,100000,200000');
  const amphorae = list(args.amphorae, '10000,100000,1000000');
  console.log(
    'scaling: ghost database (13 rows/LB, v7 ids, stock MariaDB) and engine (synthetic fleets at 10 s, 2 sender ' +
      'threads, verifying sink on 127.0.0.1); ratios to the smallest size, k: the exponent of cost ~ size^k',
  );
  // an empty list (--amphorae '') skips that half
  const db = lbs.length ? await lbSizes(lbs) : [];
  const engine = amphorae.length ? amphoraSizes(amphorae) : [];
  if (db.length) print('ghost database: populate, start-up from --prefix (2 amphorae per LB), clean', 'LBs', db);
  if (engine.length)
    print('engine: synthetic fleet handed over in chunks, then 20 s of sending at 10 s', 'amph.', engine);
}

if (require.main === module) runBench(main);
