// blast's fleet is generated natively (native/synthetic_fleet.cc), one amphora at a time: its
// packets are byte for byte those of the same synthetic fleet handed over from
// src/engine/synthetic.ts, whatever the version, churn and digest; a fleet larger than the
// replay cache is encoded while it is sent, every packet valid and every amphora distinct; and
// memory stays flat at millions of amphorae.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { sampleSpec } from '../../fixtures/fleets';
import { packSpec } from '../../src/engine/fleet';
import { type FleetHeader, Handover, packHeader } from '../../src/engine/handover';
import { native } from '../../src/engine/native';
import { handOverSynthetic, syntheticId } from '../../src/engine/synthetic';
import type { FleetSpec } from '../../src/engine/wire';
import { capture } from '../helpers/capture';
import { CliProc } from '../helpers/cliproc';
import { until } from '../helpers/until';

const CHURN = { down: 0.2, drain: 0.1, maint: 0.1, nocheck: 0.1, listenerFull: 0.3, perInterval: 5 };

function header(version: 1 | 2 | 3, over: Partial<FleetSpec> = {}): FleetHeader {
  const { lbs: _l, amphorae: _a, ...h } = sampleSpec(version, 1, 1, 1, 1, { key: 'synthetic-key', ...over });
  return h;
}

/** The message of a hex-digest packet, after checking its digest with node's own HMAC. */
function openPacket(packet: Buffer, key: string): { id: string; listeners: object; pools: Record<string, unknown> } {
  const body = packet.subarray(0, packet.length - 64);
  const digest = createHmac('sha256', key).update(body).digest('hex');
  assert.equal(packet.subarray(packet.length - 64).toString('latin1'), digest, 'HMAC-SHA256 of the body');
  return JSON.parse(inflateSync(body).toString('utf8'));
}

for (const version of [1, 2, 3] as const) {
  for (const legacyDigest of [false, true]) {
    const what = `v${version}${legacyDigest ? ' raw digest' : ''}`;
    test(`${what}: a native synthetic amphora's packet is the handed-over fleet's`, () => {
      const h = header(version, { legacyDigest, churn: CHURN });
      const handover = new Handover(h, true);
      handOverSynthetic(handover, 40, 1, 3, 7); // 40 one-amphora LBs of 3 members, in chunks of 7
      const spec = packSpec(handover.spec as FleetSpec);
      for (const i of [0, 1, 13, 39]) {
        const ours = native().encodeSynthetic(packHeader(h), 40, 3, i);
        assert.deepEqual(ours, native().encodeHeartbeat(spec, i, 0), `amphora ${i}`);
      }
    });
  }
}

test('the billionth synthetic amphora carries its own ids and a valid digest', () => {
  const n = 999_999_999;
  const msg = openPacket(native().encodeSynthetic(packHeader(header(3)), 1e9, 2, n), 'synthetic-key');
  assert.equal(msg.id, syntheticId(4, n));
  assert.deepEqual(Object.keys(msg.listeners), [syntheticId(1, n)]);
  const poolKey = `${syntheticId(2, n)}:${syntheticId(1, n)}`; // pool:listener
  const pool = msg.pools[poolKey] as { members: Record<string, string> };
  assert.deepEqual(Object.keys(pool.members), [syntheticId(3, 2 * n), syntheticId(3, 2 * n + 1)]);
});

test('a blast within the replay cache replays; a larger one is encoded while sent, each amphora once', async () => {
  const small = await capture(8 << 20);
  try {
    const h = header(3, { threads: 2, endpoints: [{ host: '127.0.0.1', port: small.port }] });
    const r = await native().blastSynthetic(packHeader(h), 100, 2, 100);
    assert.equal(r.encodedLive, false);
    assert.ok(r.packetsPerThread.every((p) => p > 0));
  } finally {
    small.rx.close();
  }
  const amphorae = 200_000; // above the cache: each thread sends its own half, in turn
  assert.ok(amphorae > native().blastReplayPackets);
  const { rx, port, packets } = await capture(64 << 20);
  try {
    const h = header(3, { threads: 2, endpoints: [{ host: '127.0.0.1', port }] });
    const r = await native().blastSynthetic(packHeader(h), amphorae, 2, 300);
    assert.equal(r.encodedLive, true);
    assert.equal(r.failure, '');
    const sent = r.packetsPerThread.reduce((a, b) => a + b, 0);
    assert.ok(
      r.packetsPerThread.every((p) => p > 0 && p < amphorae / 2),
      `${r.packetsPerThread}: no thread wrapped`,
    );
    await until(() => packets.length >= sent, 5000); // every packet sent is read
    const ids = packets.map((p) => openPacket(p, 'synthetic-key').id);
    assert.equal(new Set(ids).size, ids.length, 'each amphora once (no thread wrapped)');
    const known = new Set([0, amphorae / 2].map((n) => syntheticId(4, n)));
    assert.ok(
      ids.every((id) => /^00000004-0000-4000-8000-[0-9a-f]{12}$/.test(id) && parseInt(id.slice(24), 16) < amphorae),
    );
    assert.ok(
      [...known].every((id) => ids.includes(id)),
      'both threads start at their share',
    );
  } finally {
    rx.close();
  }
});

// Run in a child: the peak RSS (KiB) before and after a blast of `amphorae` to a native sink.
const CHILD = `
const { native } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'engine', 'native'))});
const { packHeader } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'engine', 'handover'))});
const [amphorae, header] = [Number(process.argv[1]), JSON.parse(process.argv[2])];
const sink = new (native().Sink)('127.0.0.1', 0, header.key);
header.endpoints = [{ host: '127.0.0.1', port: sink.port() }];
const before = process.resourceUsage().maxRSS;
native().blastSynthetic(packHeader(header), amphorae, 10, 300).then((r) => {
  sink.stop();
  const after = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ before, after, live: r.encodedLive, sent: r.packetsPerThread }));
});
`;

test('a blast of 5,000,000 amphorae stays within 64 MiB of its starting memory', () => {
  const h = header(3, { threads: 2 });
  const out = execFileSync(process.execPath, ['-e', CHILD, '5000000', JSON.stringify(h)], { encoding: 'utf8' });
  const { before, after, live, sent } = JSON.parse(out);
  assert.equal(live, true);
  assert.ok(sent.every((p: number) => p > 0));
  assert.ok(after - before < 64 * 1024, `peak RSS grew by ${Math.round((after - before) / 1024)} MiB`);
});

test('stresshm blast beyond the replay cache says it encodes while sending, and its packets are valid', async () => {
  const { rx, port, packets } = await capture(8 << 20);
  try {
    const key = 'cli-blast-key';
    const args = ['blast', '--amphorae', '100000', '--duration', '1', '--heartbeat_key', key];
    const proc = new CliProc([...args, '--controller_ip_port_list', `127.0.0.1:${port}`]);
    assert.equal(await proc.exited, 0, proc.err);
    assert.match(proc.out, /^blast: 100,000 amphorae \(2 members each; encoded while sent: above 65,536/);
    assert.match(proc.out, /\nsent [\d,]+ packets of ~\d+ bytes in [\d.]+ s: [\d,]+ packets\/s/);
    assert.ok(packets.length > 0);
    for (const p of packets.slice(0, 1000)) assert.match(openPacket(p, key).id, /^00000004-0000-4000-8000-/);
  } finally {
    rx.close();
  }
});
