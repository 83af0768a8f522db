// One start-up from a prefix, as `stresshm --prefix P` does it, measured in its own process (so
// its peak memory is its own): the run's graph read back in keyset chunks (streamGraph), handed
// to the engine chunk by chunk, the fleet started at heartbeat_interval 10 s against a local
// verifying sink, then sent for a few seconds. Prints one JSON line: seconds from the first
// query to the first heartbeat received, amphorae, peak RSS (VmHWM), sender CPU per heartbeat.
// bench/scaling.ts runs it at each size.
//
//   node dist/bench/startup.js --database NAME --prefix P [--seconds 10]

import minimist from 'minimist';
import { Fleet } from '../src/engine/fleet';
import { Handover } from '../src/engine/handover';
import { native } from '../src/engine/native';
import { connect } from '../src/ghostdb/db';
import { streamGraph } from '../src/ghostdb/inventory';
import { runBench } from './bench_main';
import { firstHeartbeat, peakRssMb, sinkHeader, sleep } from './million';

export interface StartupFigures {
  amphorae: number;
  startupSecs: number;
  peakRssMb: number;
  /** Resident set just before the handover began (MB): the process without the fleet. */
  baseRssMb: number;
  cpuUsPerHeartbeat: number;
  sent: number;
  /** Heartbeats the schedule made due while sending. */
  due: number;
  valid: number;
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2), { string: ['database', 'prefix'] });
  const seconds = Number(args.seconds ?? 10);
  const key = 'bench-key';
  const sink = new (native().Sink)('127.0.0.1', 0, key);
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const conn = await connect({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: args.database });
  const h = new Handover(sinkHeader(key, sink.port()));
  for await (const part of streamGraph(conn, args.prefix)) h.addGraph(part);
  await conn.end();
  const fleet = new Fleet(h);
  fleet.start();
  await firstHeartbeat(sink);
  const startupSecs = (performance.now() - t0) / 1000;
  await sleep(seconds * 1000);
  const st = fleet.stop();
  const deadline = Date.now() + 3000;
  while (sink.stats().packets < st.sent && Date.now() < deadline) await sleep(50);
  const rx = sink.stats();
  sink.stop();
  const out: StartupFigures = {
    amphorae: fleet.amphoraIds.length,
    startupSecs,
    peakRssMb: peakRssMb(),
    baseRssMb,
    cpuUsPerHeartbeat: (st.cpuSeconds / Math.max(1, st.sent)) * 1e6,
    sent: st.sent,
    due: st.due,
    valid: rx.valid,
  };
  console.log(JSON.stringify(out));
}

if (require.main === module) runBench(main);
