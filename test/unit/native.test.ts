// The native engine: its packets equal the TypeScript reference encoder's byte for byte
// (JSON text and HMAC computed independently, zlib shared: see amphora_bytes.test.ts),
// Octavia's own unwrap_envelope accepts every one, a fleet's heartbeats all reach a
// verifying sink, oversize messages are refused, and stop() ends the threads.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { ODD_STRINGS, sampleSpec, tinySpec } from '../../fixtures/fleets';
import { Fleet, packSpec } from '../../src/engine/fleet';
import { native } from '../../src/engine/native';
import { buildMessage, encodeHeartbeat, type FleetSpec } from '../../src/engine/wire';
import { UsageError } from '../../src/errors';
import { capture } from '../helpers/capture';
import { until } from '../helpers/until';

const CHURNS = [
  { down: 0, drain: 0, maint: 0, nocheck: 0, listenerFull: 0, perInterval: 0 },
  { down: 0.2, drain: 0.1, maint: 0.1, nocheck: 0.1, listenerFull: 0.3, perInterval: 5 },
];

test(
  'native packets equal the reference encoder byte for byte (v1, v2, v3; hex and raw digests; churn; escaped ' + 'ids)',
  () => {
    let compared = 0;
    for (const version of [1, 2, 3] as const) {
      for (const legacyDigest of [false, true]) {
        for (const churn of CHURNS) {
          const spec = sampleSpec(version, 3, 2, 2, 3, { legacyDigest, churn, key: `key-${version}` });
          spec.lbs[0].pools[0].members = ODD_STRINGS.slice(); // ids json.dumps must escape
          const buf = packSpec(spec);
          for (let a = 0; a < spec.amphorae.length; a++) {
            for (const seq of [0, 1, 4, 97]) {
              assert.deepEqual(
                native().encodeHeartbeat(buf, a, seq),
                encodeHeartbeat(spec, a, seq),
                `v${version} legacy=${legacyDigest} amphora ${a} seq ${seq}`,
              );
              compared++;
            }
          }
        }
      }
    }
    assert.equal(compared, 3 * 2 * 2 * 6 * 4);
  },
);

const UNWRAP = `
import json, sys
from octavia.amphorae.backends.health_daemon import status_message
key = sys.argv[1]
out = [status_message.unwrap_envelope(bytes.fromhex(line.strip()), key) for line in sys.stdin if line.strip()]
print(json.dumps(out))
`;

test("every packet of a sample fleet unwraps with Octavia's own status_message.unwrap_envelope", () => {
  for (const version of [1, 2, 3] as const) {
    for (const legacyDigest of [false, true]) {
      const spec = sampleSpec(version, 4, 2, 2, 4, { legacyDigest, churn: CHURNS[1], key: 'octavia-key' });
      const buf = packSpec(spec);
      const packets: string[] = [];
      const intended: unknown[] = [];
      for (let a = 0; a < spec.amphorae.length; a++) {
        for (const seq of [0, 2]) {
          packets.push(native().encodeHeartbeat(buf, a, seq).toString('hex'));
          intended.push(buildMessage(spec, a, seq));
        }
      }
      const decoded = JSON.parse(
        execFileSync('/usr/bin/python3', ['-c', UNWRAP, spec.key], {
          input: packets.join('\n'),
          encoding: 'utf8',
          stdio: ['pipe', 'pipe', 'ignore'],
        }),
      );
      assert.deepEqual(decoded, intended, `v${version} legacy=${legacyDigest}`);
    }
  }
});

test('a fleet sends every amphora once per interval to a verifying sink, round-robin over endpoints', async () => {
  const key = 'sink-key';
  const sinks = [new (native().Sink)('127.0.0.1', 0, key), new (native().Sink)('::1', 0, key)];
  const spec: FleetSpec = sampleSpec(3, 100, 1, 1, 2, { key, intervalMs: 1000, threads: 2 });
  spec.endpoints = [
    { host: '127.0.0.1', port: sinks[0].port() },
    { host: '::1', port: sinks[1].port() },
  ];
  const fleet = new Fleet(spec);
  fleet.start();
  try {
    await until(() => sinks[0].stats().valid + sinks[1].stats().valid >= 400, 5000);
  } finally {
    fleet.stop();
  }
  const stats = fleet.stats();
  const received = sinks.map((s) => s.stats());
  for (const s of sinks) s.stop();
  assert.equal(received[0].invalid + received[1].invalid, 0);
  assert.equal(received[0].valid + received[1].valid, stats.sent, 'every heartbeat sent was received and verified');
  assert.ok(
    received[0].valid > stats.sent * 0.4 && received[1].valid > stats.sent * 0.4,
    'both endpoints get heartbeats',
  );
  assert.deepEqual(stats.errors, {});
  const h = fleet.sendHistory();
  assert.equal(h.times.length, 200 * h.depth);
  for (let a = 0; a < 200; a++) {
    const seqs = Array.from(h.seqs.subarray(a * h.depth, (a + 1) * h.depth))
      .filter((_, j) => h.times[a * h.depth + j] > 0)
      .sort((x, y) => x - y);
    assert.ok(seqs.length > 0);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => i),
      `amphora ${a} sent seq 0..n-1`,
    );
  }
  const sentAfterStop = fleet.stats().sent;
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(fleet.stats().sent, sentAfterStop, 'no thread sends after stop()');
});

test('a heartbeat above the UDP size limit is refused before anything is sent', () => {
  const spec = sampleSpec(3, 1, 1, 1, 1);
  spec.lbs[0].pools[0].members = Array.from({ length: 4000 }, () => randomUUID()); // random ids barely compress
  assert.throws(
    () => new Fleet(spec),
    (e: unknown) => e instanceof UsageError && /bytes, above the 65,507-byte UDP limit/.test((e as Error).message),
  );
});

test('blast replays pre-encoded heartbeats as fast as it can, all valid', async () => {
  const key = 'blast-key';
  const sink = new (native().Sink)('127.0.0.1', 0, key);
  const spec = sampleSpec(3, 10, 1, 1, 2, { key, threads: 1 });
  spec.endpoints = [{ host: '127.0.0.1', port: sink.port() }];
  const r = await native().blast(packSpec(spec), 300);
  await until(() => sink.stats().packets > 0, 2000);
  const s = sink.stats();
  sink.stop();
  assert.ok(r.packetsPerThread[0] > 1000, `${r.packetsPerThread[0]} packets`);
  assert.equal(s.invalid, 0);
});

for (const version of [2, 3] as const) {
  const what = 'a fleet larger than the encode-ahead window sends exactly the reference bytes, seq after seq';
  test(`v${version}: ${what}`, async () => {
    // 10,000 amphorae on one thread: only the first 4,096 heartbeats are encoded up front, the
    // rest are encoded in the window ahead of their send time, with churn changing statuses.
    const { rx, port, packets } = await capture(32 << 20);
    const spec = sampleSpec(version, 5000, 1, 1, 2, {
      key: 'ring-key',
      intervalMs: 2000,
      threads: 1,
      churn: { down: 0.1, drain: 0, maint: 0, nocheck: 0, listenerFull: 0.1, perInterval: 500 },
      endpoints: [{ host: '127.0.0.1', port }],
    });
    const fleet = new Fleet(spec);
    fleet.start();
    try {
      await until(() => packets.length >= 22000, 15000);
      fleet.stop();
      await until(() => packets.length >= fleet.stats().sent, 5000); // every packet sent is read
    } finally {
      fleet.stop();
      rx.close();
    }
    const index = new Map(spec.amphorae.map((a, i) => [a.id, i]));
    const secondBeyondWindow = new Set<number>();
    const received = spec.amphorae.map(() => new Set<number>());
    for (const p of packets) {
      const msg = JSON.parse(inflateSync(p.subarray(0, p.length - 64)).toString()) as { id: string; seq: number };
      const a = index.get(msg.id)!;
      assert.deepEqual(p, encodeHeartbeat(spec, a, msg.seq), `amphora ${a} seq ${msg.seq}`);
      received[a].add(msg.seq);
      if (a >= 4096 && msg.seq === 1) secondBeyondWindow.add(a);
    }
    assert.ok(secondBeyondWindow.size > 5000, `seq 1 of amphorae beyond the window: ${secondBeyondWindow.size}`);
    // The send history holds the seqs the packets carried (computed in one place).
    const h = fleet.sendHistory();
    received.forEach((seqs, a) => {
      const recorded = Array.from(h.seqs.subarray(a * h.depth, (a + 1) * h.depth)).filter(
        (_, j) => h.times[a * h.depth + j] > 0,
      );
      assert.ok(
        recorded.length > 0 && recorded.every((s) => seqs.has(s)),
        `amphora ${a}: history ${recorded} vs packets ${[...seqs]}`,
      );
      assert.equal(Math.max(...recorded), Math.max(...seqs), `amphora ${a}: last seq`);
    });
  });
}

test("the digest is node's HMAC-SHA256 for keys shorter than, as long as and longer than a SHA-256 block", () => {
  for (const length of [0, 1, 63, 64, 65, 200]) {
    const key = 'k\u00e9y'.repeat(70).slice(0, length); // UTF-8: the key's bytes, not its characters
    for (let round = 0; round < 2; round++) {
      const packet = native().encodeHeartbeat(packSpec(tinySpec(3, { key })), 0, round);
      const body = packet.subarray(0, packet.length - 64);
      const want = createHmac('sha256', Buffer.from(key, 'utf8')).update(body).digest('hex');
      assert.equal(packet.subarray(packet.length - 64).toString('latin1'), want, `key of ${length} characters`);
    }
  }
});
