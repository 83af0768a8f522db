// The streamed handover: a fleet handed over in chunks sends exactly the packets of the same
// fleet handed over whole (member ordinals continue across chunks), its size check and
// maxPacketBytes hold without encoding every heartbeat, and bad chunks are refused.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import test from 'node:test';
import { sampleSpec } from '../../fixtures/fleets';
import { Fleet } from '../../src/engine/fleet';
import { type FleetHeader, Handover, type SpecChunk } from '../../src/engine/handover';
import { passingId, syntheticId } from '../../src/engine/synthetic';
import { encodeHeartbeat, type FleetSpec } from '../../src/engine/wire';
import { UsageError } from '../../src/errors';
import { until } from '../helpers/until';

/** The spec's LBs in chunks of `per` LBs (amphora lb indexes its chunk). */
function chunksOf(spec: FleetSpec, per: number): SpecChunk[] {
  const out: SpecChunk[] = [];
  for (let b = 0; b < spec.lbs.length; b += per) {
    const amphorae = spec.amphorae.filter((a) => a.lb >= b && a.lb < b + per).map((a) => ({ id: a.id, lb: a.lb - b }));
    out.push({ lbs: spec.lbs.slice(b, b + per), amphorae });
  }
  return out;
}

function headerOf(spec: FleetSpec): FleetHeader {
  const { lbs: _l, amphorae: _a, ...header } = spec;
  return header;
}

test('a fleet handed over in chunks sends the packets of the whole spec (churn ordinals continue)', async () => {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const got = new Set<string>();
  sock.on('message', (m) => got.add(m.toString('latin1')));
  // 7 LBs of 2 amphorae with 3 members each; 4 members toggle per interval, so ordinals matter by seq 1.
  const spec = sampleSpec(3, 7, 1, 1, 3, {
    intervalMs: 300,
    burst: true,
    threads: 2,
    churn: { down: 0.2, drain: 0.1, maint: 0, nocheck: 0, listenerFull: 0.3, perInterval: 4 },
    endpoints: [{ host: '127.0.0.1', port: sock.address().port }],
  });
  const want = new Set<string>();
  for (let a = 0; a < spec.amphorae.length; a++) {
    for (const seq of [0, 1, 2]) want.add(encodeHeartbeat(spec, a, seq).toString('latin1'));
  }
  const h = new Handover(headerOf(spec), true);
  for (const c of chunksOf(spec, 3)) h.add(c);
  assert.deepEqual(h.spec, spec, 'the kept spec is the whole spec');
  const fleet = new Fleet(h);
  assert.deepEqual(
    fleet.amphoraIds,
    spec.amphorae.map((a) => a.id),
  );
  fleet.start();
  try {
    await until(() => [...want].every((p) => got.has(p)), 10000);
  } finally {
    fleet.stop();
    sock.close();
  }
  assert.throws(() => new Fleet(h), /already built/, 'a handover builds one fleet');
});

test('maxPacketBytes is the largest first heartbeat, found without encoding them all', () => {
  const small = sampleSpec(2, 3, 1, 1, 1);
  const big = sampleSpec(2, 2, 2, 2, 5);
  const spec: FleetSpec = {
    ...small,
    lbs: [...small.lbs, ...big.lbs],
    amphorae: [...small.amphorae, ...big.amphorae.map((a) => ({ id: a.id, lb: a.lb + small.lbs.length }))],
  };
  const sizes = spec.amphorae.map((_, a) => encodeHeartbeat(spec, a, 0).length);
  const h = new Handover(headerOf(spec));
  for (const c of chunksOf(spec, 2)) h.add(c);
  const fleet = new Fleet(h);
  assert.equal(fleet.maxPacketBytes(), Math.max(...sizes));
});

test('a heartbeat whose bound is above the UDP limit is encoded to check it: kept if it fits', () => {
  const spec = sampleSpec(3, 1, 1, 1, 1600); // ~80 KB of JSON, but sampleSpec's ids compress well
  const fleet = new Fleet(spec);
  assert.ok(fleet.maxPacketBytes() < 65507, String(fleet.maxPacketBytes()));
});

test('an oversized heartbeat is refused with its amphora named, when streamed too', () => {
  const spec = sampleSpec(3, 2, 1, 1, 1);
  spec.lbs[1].pools[0].members = Array.from({ length: 4000 }, () => randomUUID()); // random ids barely compress
  const h = new Handover(headerOf(spec));
  for (const c of chunksOf(spec, 1)) h.add(c);
  assert.throws(
    () => new Fleet(h),
    (e: unknown) =>
      e instanceof UsageError &&
      /heartbeat of amphora 00000004-[0-9a-f-]{27} is \d+ bytes, above the 65,507-byte UDP limit/.test(
        (e as Error).message,
      ),
  );
});

test('a chunk whose amphora points past its own load balancers is refused', () => {
  const spec = sampleSpec(3, 2, 1, 1, 1);
  const h = new Handover(headerOf(spec));
  assert.throws(
    () => h.add({ lbs: spec.lbs.slice(0, 1), amphorae: [{ id: 'x', lb: 1 }] }),
    (e: unknown) => e instanceof UsageError && /unknown load balancer/.test((e as Error).message),
  );
  assert.throws(() => new Handover({ ...headerOf(spec), endpoints: [] }), /no endpoints/);
});

test('synthetic ids are valid, distinct UUID strings, the same whichever way they are built', () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const ids = [0, 1, 15, 16, 255, 65535, 2 ** 40, 2 ** 48 - 1].flatMap((n) => [
    syntheticId(4, n),
    syntheticId(65535, n),
  ]);
  assert.ok(
    ids.every((id) => uuid.test(id)),
    ids.join(' '),
  );
  assert.equal(new Set(ids).size, ids.length);
  for (const n of [0, 17, 2 ** 40]) assert.equal(passingId(3, n), syntheticId(3, n));
  assert.equal(syntheticId(4, 255), '00000004-0000-4000-8000-0000000000ff');
});
