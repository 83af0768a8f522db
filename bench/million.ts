// A million amphorae on one machine: 500,000 synthetic LBs (1 listener, 1 pool, 2 members, 2
// amphorae each) streamed to the engine in chunks, then sent at heartbeat_interval 10 s
// (100,000 heartbeats/s) to a local sink on 127.0.0.1 that verifies every HMAC. Prints, from
// one run, each figure next to its target: delivered share, sender CPU, p99 send time against
// schedule, peak RSS of the whole process (VmHWM, handover included) and the time from the
// start of the handover to the first heartbeat received. The plan is synthetic (no database):
// the time to read 500,000 LBs back from MariaDB is not part of it.
//
//   node dist/bench/million.js [--amphorae 1000000] [--seconds 30] [--json]
//
// With --json it prints its figures as one JSON line instead (bench/scaling.ts reads it).

import { readFileSync } from 'node:fs';
import minimist from 'minimist';
import { Fleet } from '../src/engine/fleet';
import { type FleetHeader, Handover } from '../src/engine/handover';
import { native } from '../src/engine/native';
import { handOverSynthetic } from '../src/engine/synthetic';
import { AMPHORA_ZLIB_LEVEL } from '../src/engine/wire';
import { runBench } from './bench_main';

/** VmHWM of this process (MB): the peak resident set since it started. */
export function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** The benchmarks' fleet: v3 heartbeats every 10 s as an amphora encodes them, 2 sender threads, to a local sink. */
export function sinkHeader(key: string, port: number): FleetHeader {
  return {
    key,
    version: 3,
    intervalMs: 10_000,
    legacyDigest: false,
    burst: false,
    threads: 2,
    zlibLevel: AMPHORA_ZLIB_LEVEL,
    churn: { down: 0, drain: 0, maint: 0, nocheck: 0, listenerFull: 0, perInterval: 0 },
    endpoints: [{ host: '127.0.0.1', port }],
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the sink's first valid heartbeat; a fleet that sends nothing valid (wrong key, no amphorae) fails. */
export async function firstHeartbeat(sink: { stats(): { valid: number } }, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (sink.stats().valid === 0) {
    if (Date.now() > deadline) throw new Error(`no valid heartbeat reached the sink in ${limitMs / 1000} s`);
    await sleep(1);
  }
}

async function main(): Promise<void> {
  const args = minimist(process.argv.slice(2));
  const amphorae = Number(args.amphorae ?? 1_000_000);
  const seconds = Number(args.seconds ?? 30);
  const key = 'bench-key';
  const sink = new (native().Sink)('127.0.0.1', 0, key);
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const h = new Handover(sinkHeader(key, sink.port()));
  handOverSynthetic(h, Math.ceil(amphorae / 2), 2, 2);
  const handedMs = performance.now() - t0;
  const fleet = new Fleet(h);
  const builtMs = performance.now() - t0;
  fleet.start();
  await firstHeartbeat(sink);
  const firstMs = performance.now() - t0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) await sleep(500);
  const st = fleet.stop();
  const deadline = Date.now() + 3000;
  while (sink.stats().packets < st.sent && Date.now() < deadline) await sleep(50);
  const rx = sink.stats();
  sink.stop();
  const n = fleet.amphoraIds.length;
  const cpu = st.cpuSeconds / (st.elapsedMs / 1000);
  // Delivered of what was due, not of what was sent: a sender that falls behind sends less.
  const share = (100 * rx.valid) / Math.max(1, st.due);
  const peak = peakRssMb();
  if (args.json) {
    const figures = {
      amphorae: n,
      startupSecs: firstMs / 1000,
      peakRssMb: peak,
      baseRssMb,
      cpuUsPerHeartbeat: (st.cpuSeconds / Math.max(1, st.sent)) * 1e6,
      cpuCores: cpu,
      sent: st.sent,
      due: st.due,
      valid: rx.valid,
      lagP99Ms: st.lagP99Ms,
    };
    console.log(JSON.stringify(figures));
    return;
  }
  const ok = (pass: boolean) => (pass ? 'ok' : 'MISSED');
  console.log(
    `million: ${n.toLocaleString('en-US')} amphorae (${(n / 2).toLocaleString('en-US')} synthetic LBs), 10 s ` +
      `interval (${(n / 10).toLocaleString('en-US')} heartbeats/s), ${seconds} s, ${st.threads} sender threads, ` +
      'verifying sink on 127.0.0.1',
  );
  console.log(
    `  delivered, valid HMAC  ${share.toFixed(3)}% of due (${rx.valid.toLocaleString('en-US')} of ` +
      `${st.due.toLocaleString('en-US')}; ${st.sent.toLocaleString('en-US')} sent, ${rx.invalid} bad)     ` +
      `target >= 99.9%   ${ok(share >= 99.9)}`,
  );
  console.log(`  sender CPU             ${(cpu * 100).toFixed(1)}% of one core     target <= 100%   ${ok(cpu <= 1)}`);
  console.log(
    `  send time vs schedule  p99 ${st.lagP99Ms.toFixed(2)} ms (p50 ${st.lagP50Ms.toFixed(2)}, max ` +
      `${st.lagMaxMs.toFixed(1)})     target <= 5 ms   ${ok(st.lagP99Ms <= 5)}`,
  );
  console.log(
    `  peak RSS (VmHWM)       ${peak.toFixed(0)} MB, handover included     target <= 1024 MB   ${ok(peak <= 1024)}`,
  );
  console.log(
    `  handover to 1st beat   ${(firstMs / 1000).toFixed(1)} s (chunks in ${(handedMs / 1000).toFixed(1)} s, ` +
      `engine ready ${(builtMs / 1000).toFixed(1)} s)     target <= 60 s   ${ok(firstMs <= 60_000)}`,
  );
  console.log(`  send errors            ${JSON.stringify(st.errors)}`);
}

if (require.main === module) runBench(main);
