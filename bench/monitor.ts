// Monitor poll cost at scale: one poll of a run with 100,000 ghost amphorae (50,000 LBs,
// ACTIVE_STANDBY) on MariaDB, with every amphora_health row freshly updated (the worst case:
// every row is returned). Target: at most 200 ms per poll. Also prints the poll period the
// monitor's budget (MONITOR_DB_SHARE of one database core) sets at that cost, the share of a
// database core it then takes, and the lag resolution it then achieves (at 1,000,000 amphorae:
// --lbs 500000).
//
//   node dist/bench/monitor.js [--lbs 50000]

import minimist from 'minimist';
import { readGraph } from '../src/ghostdb/inventory';
import { populate } from '../src/ghostdb/populate';
import { loadSchema } from '../src/ghostdb/schema';
import { MONITOR_DB_SHARE, Monitor, pollPeriodMs } from '../src/run/monitor';
import { benchPlan, withBenchDb } from './bench_db';
import { runBench } from './bench_main';

async function main(): Promise<void> {
  const lbs = Number(minimist(process.argv.slice(2)).lbs ?? 50000);
  await withBenchDb('mon', {}, async (db, conn) => {
    const schema = await loadSchema(conn, db.name);
    const plan = benchPlan(lbs, { healthMonitors: 0, members: 1, l7policies: 0, l7rules: 0, batchSize: 1000 });
    await populate(conn, schema, plan);
    const graph = await readGraph(conn, plan.prefix);
    const ids = graph.loadBalancers.flatMap((lb) => lb.amphorae.map((a) => a.id));
    const start = Date.now() - 20000;
    const monitor = new Monitor(conn, ids, 10, 60, start);
    await monitor.baseline();
    // Every amphora sent at `start` + 1 s and the HM stamped every row now.
    const history = { depth: 8, times: new Float64Array(ids.length * 8), seqs: new Float64Array(ids.length * 8) };
    for (let i = 0; i < ids.length; i++) {
      history.times[i * 8] = start + 1000;
      history.seqs[i * 8] = 1;
    }
    await conn.query('UPDATE amphora_health SET last_update = UTC_TIMESTAMP()');
    const times: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      const s = await monitor.poll(history);
      times.push(performance.now() - t0);
      if (k === 0 && s.processedDelta !== ids.length)
        throw new Error(`expected ${ids.length} advances, saw ${s.processedDelta}`);
    }
    times.sort((a, b) => a - b);
    console.log(
      `monitor poll, ${ids.length.toLocaleString('en-US')} amphorae, every row updated (all returned), 5 polls:`,
    );
    console.log(
      `  median ${times[2].toFixed(0)} ms, max ${times[4].toFixed(0)} ms per poll (target <= 200 ms), fastest ` +
        `${times[0].toFixed(0)} ms`,
    );
    const period = pollPeriodMs(times[2], ids.length);
    console.log(
      `  poll period at that cost ${(period / 1000).toFixed(2)} s (budget ${MONITOR_DB_SHARE * 100}% of a database ` +
        `core): the monitor takes ${((100 * times[2]) / period).toFixed(0)}% of one database core, lag ` +
        `resolution +-${(period / 2000).toFixed(2)} s (whole-second last_update: +-0.5 s at best)`,
    );
  });
}

runBench(main);
