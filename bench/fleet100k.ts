// A 100,000-amphora fleet at a 10 s interval for 30 s against a local UDP sink that verifies
// every HMAC: share received, sender CPU, process RSS and send time vs schedule.
//
//   node dist/bench/fleet100k.js [--amphorae 100000] [--seconds 30]

import minimist from 'minimist';
import { sampleSpec } from '../fixtures/fleets';
import { Fleet } from '../src/engine/fleet';
import { native } from '../src/engine/native';
import { runBench } from './bench_main';

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2));
  const amphorae = Number(args.amphorae ?? 100000);
  const seconds = Number(args.seconds ?? 30);
  const key = 'bench-key';
  const sink = new (native().Sink)('127.0.0.1', 0, key);
  // 1 listener, 1 pool, 2 members per LB, 2 amphorae per LB: a typical small LB. The spec is
  // dropped once handed over, as the runner does.
  const fleet = new Fleet(
    sampleSpec(3, amphorae / 2, 1, 1, 2, {
      key,
      intervalMs: 10000,
      threads: 2,
      endpoints: [{ host: '127.0.0.1', port: sink.port() }],
    }),
  );
  const rssBefore = process.memoryUsage().rss;
  fleet.start();
  let peakRss = 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 500));
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const st = fleet.stop();
  const deadline = Date.now() + 3000;
  while (sink.stats().packets < st.sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const rx = sink.stats();
  sink.stop();
  const mb = (b: number) => (b / 1048576).toFixed(0);
  const cpuShare = st.cpuSeconds / (st.elapsedMs / 1000);
  console.log(
    `fleet: ${amphorae.toLocaleString('en-US')} amphorae, 10 s interval ` +
      `(${(amphorae / 10).toLocaleString('en-US')} heartbeats/s), ${seconds} s, 2 sender threads, verifying sink ` +
      `on 127.0.0.1`,
  );
  console.log(
    `  received and verified  ${rx.valid.toLocaleString('en-US')} of ${st.due.toLocaleString('en-US')} due ` +
      `(${((100 * rx.valid) / Math.max(1, st.due)).toFixed(3)}%, target >= 99.9%; ${st.sent.toLocaleString('en-US')} ` +
      `sent), ${rx.invalid} bad HMACs`,
  );
  console.log(`  sender CPU             ${(cpuShare * 100).toFixed(1)}% of one core (target <= 20%)`);
  console.log(
    `  process RSS            peak ${mb(peakRss)} MB while sending (${mb(rssBefore)} MB at handover, before the ` +
      `spec is released; target <= 200 MB)`,
  );
  console.log(
    `  send time vs schedule  p50 ${st.lagP50Ms.toFixed(2)} ms, p99 ${st.lagP99Ms.toFixed(2)} ms (target <= 5 ms), ` +
      `max ${st.lagMaxMs.toFixed(1)} ms, ${st.late} sends > 5 ms late`,
  );
  console.log(`  send errors            ${JSON.stringify(st.errors)}`);
}

runBench(main);
