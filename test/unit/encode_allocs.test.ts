// The native encoder allocates nothing of its own per heartbeat: with bench/c/malloc_count.c
// preloaded, benchEncode counts the heap allocations of every timed heartbeat (all stages, after
// a warm-up batch), for each message version, with churn, escaped ids and both digests: none.
// (HMAC re-initialises one provider SHA-256 context per thread; OpenSSL 3.0's EVP digest-context
// copy would add two heap allocations per heartbeat, see native/envelope.cc.)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildAllocShim } from '../../fixtures/alloc_shim';
import { sampleSpec } from '../../fixtures/fleets';
import { packSpec } from '../../src/engine/fleet';
import { native } from '../../src/engine/native';

// Run in a child with the shim preloaded; prints one JSON {allocs, heartbeats} per case.
const CHILD = `
const { packSpec } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'engine', 'fleet'))});
const { native } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'engine', 'native'))});
const { ODD_STRINGS, sampleSpec } = require(${JSON.stringify(join(__dirname, '..', '..', 'fixtures', 'fleets'))});
const churn = { down: 0.2, drain: 0.1, maint: 0.1, nocheck: 0.1, listenerFull: 0.3, perInterval: 5 };
const out = [];
for (const version of [1, 2, 3]) {
  for (const legacyDigest of [false, true]) {
    const spec = sampleSpec(version, 2, 2, 1, 10, { key: 'alloc-key', legacyDigest, churn });
    spec.lbs[0].pools[0].members = ODD_STRINGS.slice();
    for (const count of [1000, 10000]) {
      const t = native().benchEncode(packSpec(spec), 0, count);
      out.push({ version, legacyDigest, count, allocs: t.allocs, heartbeats: t.heartbeats });
    }
  }
}
console.log(JSON.stringify(out));
`;

test('encoding a heartbeat allocates nothing (counted by a preloaded malloc shim)', () => {
  const { dir, library } = buildAllocShim();
  try {
    const env = { ...process.env, LD_PRELOAD: library };
    const cases = JSON.parse(execFileSync(process.execPath, ['-e', CHILD], { env, encoding: 'utf8' }));
    assert.equal(cases.length, 12);
    for (const c of cases) {
      assert.ok(c.heartbeats >= c.count, `${JSON.stringify(c)}: every heartbeat counted`);
      assert.equal(c.allocs, 0, `allocations while encoding: ${JSON.stringify(c)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('benchEncode reports allocations as not counted without the shim', () => {
  assert.equal(native().benchEncode(packSpec(sampleSpec(3, 1, 1, 1, 2)), 0, 10).allocs, -1);
});
