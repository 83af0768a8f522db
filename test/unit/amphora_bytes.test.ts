// A real amphora's bytes: every packet the engine sends (a fleet run, a blast, every
// heartbeat version, hex and raw digests, ids that need JSON escaping) goes through
// Octavia's own status_message.unwrap_envelope and then wrap_envelope (Python, the host's
// Octavia) and comes back byte for byte. The engine's deflate is the system zlib Python uses.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { ODD_STRINGS, sampleSpec } from '../../fixtures/fleets';
import { loadConfig } from '../../src/config/config';
import { buildFleetSpec, Fleet, packSpec } from '../../src/engine/fleet';
import { native } from '../../src/engine/native';
import { AMPHORA_ZLIB_LEVEL, encodeHeartbeat, type FleetSpec } from '../../src/engine/wire';
import { capture } from '../helpers/capture';
import { until } from '../helpers/until';

const PYTHON = '/usr/bin/python3';

// stdin: one JSON [hex packet, legacy digest] per line; stdout: how many came back identical.
const ROUND_TRIP = `
import json, sys
from octavia.amphorae.backends.health_daemon import status_message
key = sys.argv[1]
total = same = 0
first = None
for line in sys.stdin:
    packet_hex, legacy = json.loads(line)
    packet = bytes.fromhex(packet_hex)
    again = status_message.wrap_envelope(status_message.unwrap_envelope(packet, key), key, hex=not legacy)
    total += 1
    if again == packet:
        same += 1
    elif first is None:
        first = again.hex()
print(json.dumps({"total": total, "same": same, "first_mismatch": first}))
`;

function roundTrip(packets: Buffer[], key: string, legacy: boolean): { total: number; same: number } {
  const input = packets.map((p) => JSON.stringify([p.toString('hex'), legacy])).join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', ROUND_TRIP, key], { input, encoding: 'utf8', maxBuffer: 1 << 26 }));
}

/** A fleet with churn whose first LB's members and listener carry ids that need escaping. */
function oddFleet(version: 1 | 2 | 3, legacyDigest: boolean, port: number): FleetSpec {
  const spec = sampleSpec(version, 20, 1, 2, 3, {
    key: 'amphora-key',
    legacyDigest,
    intervalMs: 250,
    threads: 2,
    churn: { down: 0.2, drain: 0.1, maint: 0.1, nocheck: 0.1, listenerFull: 0.2, perInterval: 7 },
    endpoints: [{ host: '127.0.0.1', port }],
  });
  spec.lbs[0].pools[0].members = ODD_STRINGS.slice();
  spec.amphorae[0].id = `amphora ${ODD_STRINGS.join('|')}`;
  return spec;
}

test("the engine's deflate is the system zlib Python links, byte for byte at level 9", () => {
  const version = 'import json, zlib; print(json.dumps(zlib.ZLIB_RUNTIME_VERSION))';
  const py = JSON.parse(execFileSync(PYTHON, ['-c', version], { encoding: 'utf8' }));
  assert.equal(native().zlibVersion, py);
  const texts = Array.from({ length: 40 }, (_, i) => JSON.stringify(sampleSpec(3, 1 + (i % 4), 1, 1, i + 1)));
  const script =
    'import json, sys, zlib\n' +
    'print(json.dumps([zlib.compress(t.encode(), 9).hex() for t in json.load(sys.stdin)]))';
  const out = execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' });
  const expected = JSON.parse(out) as string[];
  texts.forEach((t, i) => {
    assert.equal(native().deflate(Buffer.from(t), 9).toString('hex'), expected[i], `text ${i}`);
  });
});

for (const version of [1, 2, 3] as const) {
  for (const legacy of [false, true]) {
    const kind = `v${version}${legacy ? ' raw digest' : ''}`;
    const name = `${kind}: every packet of a fleet run comes back identical from Octavia's unwrap + wrap`;
    test(name, async () => {
      const { rx, port, packets } = await capture(16 << 20);
      const spec = oddFleet(version, legacy, port);
      const fleet = new Fleet(spec);
      fleet.start();
      try {
        await until(() => packets.length >= spec.amphorae.length * 3, 5000); // seq 0, 1, 2 of every amphora
        fleet.stop();
        await until(() => packets.length >= fleet.stats().sent, 3000);
      } finally {
        fleet.stop();
        rx.close();
      }
      assert.equal(packets.length, fleet.stats().sent);
      const n = packets.length;
      assert.deepEqual(roundTrip(packets, spec.key, legacy), { total: n, same: n, first_mismatch: null });
    });
  }
}

test("every distinct packet of a blast comes back identical from Octavia's unwrap + wrap", async () => {
  const { rx, port, packets } = await capture(16 << 20);
  const spec = oddFleet(3, false, port);
  try {
    await native().blast(packSpec(spec), 150);
    await until(() => new Set(packets.map((p) => p.toString('hex'))).size >= spec.amphorae.length, 3000);
  } finally {
    rx.close();
  }
  const distinct = [...new Set(packets.map((p) => p.toString('hex')))].map((h) => Buffer.from(h, 'hex'));
  assert.equal(distinct.length, spec.amphorae.length, 'one packet per amphora (seq 0)');
  const n = distinct.length;
  assert.deepEqual(roundTrip(distinct, spec.key, false), { total: n, same: n, first_mismatch: null });
});

test("a run's heartbeats are an amphora's by default: level 9, json.dumps text, hex digest", () => {
  const cfg = loadConfig([]);
  const lb = {
    id: 'lb',
    name: 'p-lb1',
    amphorae: [{ id: 'a', role: 'STANDALONE' as const }],
    listeners: [{ id: 'l', protocolPort: 80 }],
    pools: [{ id: 'p', listenerId: 'l', memberIds: ['m1', 'm2'] }],
  };
  const graph = { prefix: 'p', loadBalancers: [lb] };
  const spec = buildFleetSpec(graph, cfg, [{ host: '127.0.0.1', port: 5555 }], 'k');
  assert.equal(spec.zlibLevel, AMPHORA_ZLIB_LEVEL);
  assert.equal(spec.compactJson ?? false, false);
  assert.equal(spec.legacyDigest, false);
  const packet = encodeHeartbeat(spec, 0, 0);
  const script =
    'import sys; from octavia.amphorae.backends.health_daemon import status_message as s\n' +
    'p = bytes.fromhex(sys.argv[2]); print(s.wrap_envelope(s.unwrap_envelope(p, sys.argv[1]), sys.argv[1]) == p)';
  assert.equal(execFileSync(PYTHON, ['-c', script, 'k', packet.toString('hex')], { encoding: 'utf8' }).trim(), 'True');
});
