// Encoding cost of one full v3 heartbeat of a 10-member load balancer (1 listener, 1 pool,
// random ids): stresshm's native encoder beside the TypeScript reference encoder (node:zlib,
// node:crypto), same bytes out.
//
//   node dist/bench/encode.js [--count 50000]

import { randomUUID } from 'node:crypto';
import minimist from 'minimist';
import { native } from '../src/engine/native';
import { packSpec } from '../src/engine/fleet';
import { encodeHeartbeat } from '../src/engine/wire';
import { sampleSpec } from '../test/helpers/fleets';

function main(): void {
  const count = Number(minimist(process.argv.slice(2)).count ?? 50000);
  const spec = sampleSpec(3, 1, 1, 1, 10);
  spec.lbs[0].pools[0].members = spec.lbs[0].pools[0].members.map(() => randomUUID());
  const buf = packSpec(spec);
  const size = encodeHeartbeat(spec, 0, 1).length;
  if (!native().encodeHeartbeat(buf, 0, 7).equals(encodeHeartbeat(spec, 0, 7))) throw new Error('encoders disagree');
  native().benchEncode(buf, 0, 1000); // warm-up
  const nativeSecs = native().benchEncode(buf, 0, count);
  for (let s = 1; s <= 1000; s++) encodeHeartbeat(spec, 0, s);
  const t0 = process.hrtime.bigint();
  for (let s = 1; s <= count; s++) encodeHeartbeat(spec, 0, s);
  const tsSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  const us = (secs: number) => (secs / count * 1e6).toFixed(2);
  console.log(`encoding one v3 heartbeat of a 10-member LB (${size} bytes on the wire), ${count.toLocaleString('en-US')} heartbeats`);
  console.log(`  stresshm native encoder      ${us(nativeSecs).padStart(8)} us/heartbeat  (${Math.round(count / nativeSecs).toLocaleString('en-US')}/s on one core)`);
  console.log(`  TypeScript reference encoder ${us(tsSecs).padStart(8)} us/heartbeat  (${Math.round(count / tsSecs).toLocaleString('en-US')}/s)  native is ${(tsSecs / nativeSecs).toFixed(1)}x faster`);
}

main();
