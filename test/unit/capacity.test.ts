// Capacity search arithmetic: growth schedule, amphorae per rate, the knee sentence, and
// the search's bisection driven by a scripted step runner (a fake HM that keeps up below 700/s).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Config } from '../../src/config/config';
import { UsageError } from '../../src/errors';
import { amphoraeFor, growthRates, kneeText, searchCapacity } from '../../src/experiments/capacity';
import { parseSweep } from '../../src/experiments/sweep';
import type { RunRecord } from '../../src/run/record';

test('rates grow geometrically up to the bound; amphorae come in ACTIVE_STANDBY pairs', () => {
  assert.deepEqual(
    growthRates({ startRate: 100, factor: 2, maxRate: 1000, stepSecs: 10, refineSteps: 0 }),
    [100, 200, 400, 800],
  );
  assert.equal(amphoraeFor(480, 10), 4800);
  assert.equal(amphoraeFor(45, 1), 46);
  assert.equal(amphoraeFor(0.1, 1), 2);
});

test('the knee sentence names both sides', () => {
  const good = {
    rate: 480,
    amphorae: 4800,
    verdict: 'KEEPING UP' as const,
    processedShare: 1,
    processedPerSec: 480,
    lagP99: 1.2,
  };
  const bad = {
    rate: 520,
    amphorae: 5200,
    verdict: 'FALLING BEHIND' as const,
    processedShare: 0.9,
    processedPerSec: 470,
    lagP99: 14,
  };
  assert.equal(
    kneeText(10, good, bad),
    'sustains 480 heartbeats/s = 4,800 amphorae at 10 s; at 520 p99 lag reaches 14.0 s and 90.0% are processed ' +
      '(FALLING BEHIND)',
  );
  assert.match(kneeText(10, good, undefined), /sustains at least 480/);
  assert.match(kneeText(10, undefined, bad), /even the lowest load/);
});

test('the search grows until the SLA fails, then bisects between last good and first bad', async () => {
  const rates: number[] = [];
  const fakeRun = async (cfg: Config): Promise<RunRecord> => {
    const rate = (cfg.loadBalancers * 2) / cfg.heartbeatInterval;
    rates.push(rate);
    const ok = rate < 700;
    return {
      verdict: ok ? 'KEEPING UP' : 'FALLING BEHIND',
      phases: [],
      final: { processedShare: ok ? 1 : 0.8, processed: rate * cfg.testRuntimeSecs, lagP99: ok ? 1 : 9 },
    } as unknown as RunRecord;
  };
  const res = await searchCapacity(
    { files: [], overrides: { heartbeat_interval: '10' } },
    { startRate: 100, factor: 2, maxRate: 5000, stepSecs: 30, refineSteps: 2 },
    fakeRun,
    () => undefined,
  );
  assert.deepEqual(rates, [100, 200, 400, 800, 600, 700]);
  assert.equal(res.lastGood?.rate, 600);
  assert.equal(res.firstBad?.rate, 700);
  assert.match(res.knee, /^sustains 600 heartbeats\/s = 6,000 amphorae at 10 s; at 700/);
});

test('--sweep DIM=V1,V2: a known shape dimension and whole values, else one clear usage error', () => {
  assert.deepEqual(parseSweep('members=1,10,50'), { dimension: 'members', values: [1, 10, 50] });
  assert.deepEqual(parseSweep(' pools=1, 2 '), { dimension: 'pools', values: [1, 2] });
  for (const bad of ['members=1', 'amphorae=1,2', 'members=0,5', 'members=1.5,2', 'members', 'members=1,x']) {
    assert.throws(() => parseSweep(bad), UsageError, bad);
  }
});
