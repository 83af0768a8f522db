// The reference encoder: known-answer messages for v1, v2 and v3 as an amphora writes them
// (Python json.dumps text, the health daemon's key order, seq from 0), json.dumps text
// checked against Python's own, the envelope (zlib + HMAC hex or raw), stats arithmetic,
// churn and the operating status the HM derives.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { expectedStatus, LB1, ODD_STRINGS, sampleSpec, tinySpec } from '../../fixtures/fleets';
import { pyJsonDumps } from '../../src/engine/pyjson';
import { buildMessage, encodeHeartbeat, memberStatus, messageJson, statsAt, statsDelta } from '../../src/engine/wire';

const L = LB1.listener,
  P = LB1.pool,
  [M1, M2] = LB1.members,
  A = LB1.amphora;

test('v3 known answer: deltas, top-level pools keyed pool:listener, ver last, Python separators', () => {
  assert.equal(
    messageJson(tinySpec(3), 0, 1),
    `{"id": "${A}", "seq": 1, "listeners": {"${L}": {"status": "OPEN", "stats": ` +
      `{"tx": 59400, "rx": 13300, "conns": 1, "totconns": 11, "ereq": 0}}}, ` +
      `"pools": {"${P}:${L}": {"status": "UP", "members": {"${M1}": "UP", "${M2}": "UP"}}}, "ver": 3}`,
  );
  assert.equal(
    messageJson(tinySpec(3, { compactJson: true }), 0, 0),
    `{"id":"${A}","seq":0,"listeners":{"${L}":{"status":"OPEN","stats":{"tx":54000,"rx":12000,"conns":0,` +
      `"totconns":10,"ereq":1}}},"pools":{"${P}:${L}":{"status":"UP","members":{"${M1}":"UP","${M2}":"UP"}}},"ver":3}`,
  );
});

test('v2 known answer: absolute stats summed over heartbeats 0..seq', () => {
  // totconns 10 + 11 + 12 = 33; rx 12000 + 13300 + 14600; tx 33 * 5400; conns is current (2); ereq 1 at seq 0
  assert.equal(
    messageJson(tinySpec(2), 0, 2),
    `{"id": "${A}", "seq": 2, "listeners": {"${L}": {"status": "OPEN", "stats": ` +
      `{"tx": 178200, "rx": 39900, "conns": 2, "totconns": 33, "ereq": 1}}}, ` +
      `"pools": {"${P}:${L}": {"status": "UP", "members": {"${M1}": "UP", "${M2}": "UP"}}}, "ver": 2}`,
  );
});

test('v1 known answer: no ver, pools nested in their listener', () => {
  assert.equal(
    messageJson(tinySpec(1), 0, 1),
    `{"id": "${A}", "seq": 1, "listeners": {"${L}": {"status": "OPEN", "stats": ` +
      `{"tx": 113400, "rx": 25300, "conns": 1, "totconns": 21, "ereq": 1}, ` +
      `"pools": {"${P}": {"status": "UP", "members": {"${M1}": "UP", "${M2}": "UP"}}}}}}`,
  );
});

test("pyJsonDumps writes exactly what Python's json.dumps writes (ensure_ascii, separators, key order)", () => {
  const value = {
    strings: ODD_STRINGS,
    keys: Object.fromEntries(ODD_STRINGS.map((k, i) => [k, i])),
    n: [0, 7, 9007199254740991],
  };
  const script =
    'import json, sys; v = json.loads(sys.stdin.read()); print(json.dumps(v)); print(json.dumps(v, ' +
    'separators=(",", ":")))';
  const [py, pyCompact] = execFileSync('/usr/bin/python3', ['-c', script], {
    input: JSON.stringify(value),
    encoding: 'utf8',
  }).split('\n');
  assert.equal(pyJsonDumps(value), py);
  assert.equal(pyJsonDumps(value, true), pyCompact);
});

test('the envelope is zlib(JSON) followed by the HMAC-SHA256 hex digest, or the raw digest', () => {
  for (const legacy of [false, true]) {
    const spec = tinySpec(3, { legacyDigest: legacy, key: 'k3y' });
    const pkt = encodeHeartbeat(spec, 0, 3);
    const n = legacy ? 32 : 64;
    const body = pkt.subarray(0, pkt.length - n);
    const mac = createHmac('sha256', 'k3y').update(body);
    assert.deepEqual(pkt.subarray(pkt.length - n), legacy ? mac.digest() : Buffer.from(mac.digest('hex')));
    assert.deepEqual(JSON.parse(inflateSync(body).toString()), buildMessage(spec, 0, 3));
  }
});

test('stats are never negative and v3 deltas add up to v2 totals', () => {
  for (let a = 0; a < 5; a++) {
    for (let s = 1; s <= 200; s++) {
      const d = statsDelta(a, 1, s);
      assert.ok(Object.values(d).every((v) => Number.isInteger(v) && v >= 0));
    }
    const sum = Array.from({ length: 201 }, (_, k) => statsDelta(a, 1, k)).reduce((x, d) => x + d.totconns, 0);
    assert.equal(statsAt(2, a, 1, 200).totconns, sum, 'heartbeats 0..200');
  }
});

test('churn moves exactly perInterval members per interval, cyclically', () => {
  const c = { down: 0, drain: 0, maint: 0, nocheck: 0, listenerFull: 0, perInterval: 3 };
  const ids = Array.from({ length: 10 }, (_, i) => `member-${i}`);
  const states = (n: number) => ids.map((id, j) => memberStatus(c, id, j, n, 10));
  assert.deepEqual(states(0), Array(10).fill('UP'));
  assert.deepEqual(states(1), ['DOWN', 'DOWN', 'DOWN', 'UP', 'UP', 'UP', 'UP', 'UP', 'UP', 'UP']);
  // 12 toggles: 0,1 twice
  assert.deepEqual(states(4), ['UP', 'UP', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN', 'DOWN']);
  for (let n = 1; n < 30; n++) {
    const changed = states(n).filter((s, j) => s !== states(n - 1)[j]).length;
    assert.equal(changed, 3, `interval ${n}`);
  }
});

test('shares give the intended mix and the HM mapping follows Octavia', () => {
  const spec = sampleSpec(3, 20, 1, 1, 10, {
    churn: { down: 0.2, drain: 0.1, maint: 0.1, nocheck: 0.1, listenerFull: 0.25, perInterval: 0 },
  });
  const exp = expectedStatus(spec, 0);
  const counts: Record<string, number> = {};
  for (const s of exp.members.values()) counts[s] = (counts[s] ?? 0) + 1;
  assert.equal(exp.members.size, 200);
  for (const [status, share] of [
    ['ERROR', 0.2],
    ['DRAINING', 0.1],
    ['OFFLINE', 0.1],
    ['NO_MONITOR', 0.1],
    ['ONLINE', 0.5],
  ] as const) {
    assert.ok(Math.abs(counts[status] / 200 - share) < 0.08, `${status}: ${counts[status]}`);
  }
  const full = [...exp.listeners.values()].filter((s) => s === 'DEGRADED').length;
  assert.ok(full > 0 && full < 20);
  // a pool with a DOWN member is DEGRADED, and so is its LB
  spec.lbs.forEach((lb, i) => {
    const poolStatus = exp.pools.get(lb.pools[0].id);
    const anyDown = lb.pools[0].members.some((m) => exp.members.get(m) === 'ERROR');
    assert.equal(poolStatus, anyDown ? 'DEGRADED' : 'ONLINE');
    if (anyDown) assert.notEqual(exp.loadBalancers.get(i), 'ONLINE');
  });
});

test('a pool whose members are all DOWN reports DOWN and the HM marks it ERROR', () => {
  const spec = tinySpec(3, { churn: { down: 1, drain: 0, maint: 0, nocheck: 0, listenerFull: 0, perInterval: 0 } });
  const msg = buildMessage(spec, 0, 1) as { pools: Record<string, { status: string }> };
  assert.equal(msg.pools[`${P}:${L}`].status, 'DOWN');
  const exp = expectedStatus(spec, 0);
  assert.equal(exp.pools.get(P), 'ERROR');
  assert.equal(exp.loadBalancers.get(0), 'ERROR');
});
