// The load offered: the engine counts the heartbeats its schedule made due (checked against an
// enumeration of the schedule and against a real fleet's sends), and a run whose sender fell
// short of them is INCONCLUSIVE (exit 1) unless the HM failed even at the lower load; a
// capacity search stops there instead of calling it the HM's knee.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sampleSpec } from '../../fixtures/fleets';
import { loadSettings } from '../../src/config/config';
import { Fleet } from '../../src/engine/fleet';
import { native } from '../../src/engine/native';
import { kneeText, searchCapacity } from '../../src/experiments/capacity';
import { diagnose } from '../../src/run/diagnosis';
import type { RunRecord } from '../../src/run/record';
import { criteria, exitCodeFor, slaFrom, verdict } from '../../src/run/sla';
import { formatLines } from '../../src/terminal/dashboard';
import { HEALTHY } from '../helpers/figures';
import { until } from '../helpers/until';

/** The schedule as the sender threads lay it out: amphora i of n at interval * i / n + k * interval. */
function enumerateDue(n: number, intervalMs: number, burst: boolean, elapsedMs: number): number {
  let due = 0;
  for (let i = 0; i < n; i++) {
    if (burst) {
      for (let k = 1; k * intervalMs <= elapsedMs; k++) due++; // rounds that ended
      continue;
    }
    const offset = (intervalMs * i) / n;
    for (let k = 0; offset + k * intervalMs <= elapsedMs; k++) due++;
  }
  return due;
}

test('the heartbeats due within a time are those the schedule lays out, spread or burst', () => {
  // Exact boundaries (representable): amphora 1 of 2 is due at 500 ms, both again at 1000 ms.
  for (const [n, e, due] of [
    [2, 0, 1],
    [2, 499, 1],
    [2, 500, 2],
    [2, 1000, 3],
    [4, 250, 2],
    [4, 750, 4],
  ]) {
    assert.equal(native().dueWithin(n, 1000, false, e), due, `n ${n} elapsed ${e}`);
  }
  assert.equal(native().dueWithin(4, 1000, true, 999), 0, 'a burst under way is not counted');
  assert.equal(native().dueWithin(4, 1000, true, 1000), 4);
  const elapsed = [0.5, 3.7, 999.95, 1000.3, 2499.1, 10_001.7, 37_777.7];
  for (const n of [1, 2, 3, 7, 200, 1001]) {
    for (const interval of [1000, 333.3, 10_000]) {
      for (const burst of [false, true]) {
        for (const e of elapsed) {
          assert.equal(
            native().dueWithin(n, interval, burst, e),
            enumerateDue(n, interval, burst, e),
            `n ${n} interval ${interval} burst ${burst} elapsed ${e}`,
          );
        }
      }
    }
  }
  assert.equal(native().dueWithin(0, 1000, false, 5000), 0);
  assert.throws(() => native().dueWithin(3, 1000, 'no' as unknown as boolean, 10), /burst must be a boolean/);
});

test('a fleet that keeps its schedule sends what is due, and no more', async () => {
  const key = 'due-key';
  const sink = new (native().Sink)('127.0.0.1', 0, key);
  const spec = sampleSpec(3, 50, 1, 1, 2, { key, intervalMs: 200, threads: 2 });
  spec.endpoints = [{ host: '127.0.0.1', port: sink.port() }];
  const fleet = new Fleet(spec);
  fleet.start();
  try {
    await until(() => fleet.stats().sent >= 600, 10_000); // 100 amphorae, 500/s: over a second
  } finally {
    fleet.stop();
    sink.stop();
  }
  const s = fleet.stats();
  assert.equal(s.due, native().dueWithin(100, 200, false, s.elapsedMs), 'due is counted over the sending time');
  assert.ok(s.due >= s.sent, `sent ${s.sent} never exceeds due ${s.due}`);
  assert.ok(s.due - s.sent <= Math.max(25, 0.1 * s.due), `sent ${s.sent} of ${s.due} due`);
});

test('a fleet that cannot encode fast enough counts what it fell short by', async () => {
  // 40 amphorae of 1,000 members every millisecond (40,000 heartbeats/s of ~40 KB of JSON, each
  // compressed at zlib level 9) on 1 thread: no machine encodes 1.6 GB/s at level 9 on one core.
  const key = 'behind-key';
  const sink = new (native().Sink)('127.0.0.1', 0, key);
  const spec = sampleSpec(3, 20, 1, 1, 1000, { key, intervalMs: 1, threads: 1 });
  spec.endpoints = [{ host: '127.0.0.1', port: sink.port() }];
  const fleet = new Fleet(spec);
  fleet.start();
  try {
    await until(() => fleet.stats().sent >= 400, 20_000);
  } finally {
    fleet.stop();
    sink.stop();
  }
  const s = fleet.stats();
  assert.equal(s.due, native().dueWithin(40, 1, false, s.elapsedMs));
  assert.ok(s.sent < 0.9 * s.due, `sent ${s.sent} of ${s.due} due`);
  assert.ok(s.lagP99Ms > 5, `p99 ${s.lagP99Ms} ms behind schedule`);
});

test('the dashboard shows the share of the heartbeats due that were sent', () => {
  const state = { phase: 'sending', elapsedSecs: 5, remainingSecs: 5, amphorae: 10, sent: 40, processed: 40 };
  const rate = (due: number) => formatLines({ ...state, due, sendErrors: {}, scheduleLagP99Ms: 0 })[1];
  assert.equal(rate(80), 'rate     offered 0/s (50.0% of due)  processed 0/s');
  assert.equal(rate(0), 'rate     offered 0/s  processed 0/s', 'nothing due yet: no share');
});

const sla = slaFrom(loadSettings([]));

test('a sender short of its schedule makes the run INCONCLUSIVE, not KEEPING UP', () => {
  const short = { ...HEALTHY, due: 1250 }; // 1,000 sent of 1,250 due: 80% offered
  const c = criteria(short, sla).find((x) => x.id === 'offered_load');
  assert.equal(c?.ok, false);
  assert.equal(c?.actual, '80.00% (1,000 of 1,250)');
  assert.equal(verdict(short, sla), 'INCONCLUSIVE');
  assert.equal(exitCodeFor('INCONCLUSIVE'), 1);
  assert.equal(verdict({ ...HEALTHY, due: 1005 }, sla), 'KEEPING UP', '99.5% offered is within the 99% share');
  assert.equal(verdict({ ...HEALTHY, due: 1000 }, sla), 'KEEPING UP');
  const at = (sent: number) => verdict({ ...HEALTHY, sent, processed: sent, due: 1000 }, sla);
  assert.equal(at(990), 'KEEPING UP', 'exactly the 99% share is enough');
  assert.equal(at(989), 'INCONCLUSIVE');
});

test('the HM failing at the lower load it was offered is still its own verdict', () => {
  assert.equal(verdict({ ...HEALTHY, due: 1250, processed: 900 }, sla), 'FALLING BEHIND');
  assert.equal(verdict({ ...HEALTHY, due: 1250, timeoutStaleMax: 3 }, sla), 'FAILING');
  assert.equal(verdict({ ...HEALTHY, due: 1250 }, sla, true), 'INTERRUPTED');
});

test('an unknown schedule is not measured, never a pass', () => {
  const c = criteria(HEALTHY, sla).find((x) => x.id === 'offered_load');
  assert.equal(c?.ok, null);
  assert.equal(c?.actual, 'not measured');
});

test('the diagnosis says the load was not offered, with the figures', () => {
  const ledger = {
    sent: 800,
    processed: 800,
    sendErrors: 0,
    kernelDropped: 0,
    staleDropped: null,
    listenerMismatch: null,
    unaccounted: 0,
  };
  const facts = (due: number, minShare: number, lagP99Ms = 1, senderCpuSecs = 1) =>
    diagnose({ ledger, seconds: 10, cores: 2, offered: { due, lagP99Ms, senderCpuSecs, sendingSecs: 10, minShare } });
  const short = facts(1000, 0.99, 2500, 16);
  assert.match(short[0], /^stresshm sent only 80% of the heartbeats due \(800 of 1,000; p99 2,500 ms behind schedule/);
  assert.match(short[0], /1\.60 cores on a 2-core machine\): the HM was not offered the configured load/);
  assert.ok(!facts(805, 0.99).some((f) => f.includes('not offered')));
  // The share it is held to is the SLA's: 800 of 808 due is 99.0%, short of 99.9% but not of 99%.
  const held = (minShare: number) => facts(808, minShare).some((f) => f.includes('not offered'));
  assert.equal(held(0.999), true);
  assert.equal(held(0.99), false);
});

/** A capacity search over a scripted HM: `verdictOf` judges each step's rate; returns the rates tried. */
async function scriptedSearch(verdictOf: (rate: number) => string, refineSteps: number) {
  const rates: number[] = [];
  const fakeRun = async (cfg: { loadBalancers: number; heartbeatInterval: number }): Promise<RunRecord> => {
    const rate = (cfg.loadBalancers * 2) / cfg.heartbeatInterval;
    rates.push(rate);
    return {
      verdict: verdictOf(rate),
      phases: [],
      final: { processedShare: 1, processed: rate * 30, lagP99: 1 },
    } as unknown as RunRecord;
  };
  const res = await searchCapacity(
    { files: [], overrides: { heartbeat_interval: '10' } },
    { startRate: 100, factor: 2, maxRate: 5000, stepSecs: 30, refineSteps },
    fakeRun as never,
    () => undefined,
  );
  return { rates, res };
}

test('a capacity search stops at the first step stresshm cannot offer, and says so', async () => {
  const { rates, res } = await scriptedSearch((rate) => (rate < 700 ? 'KEEPING UP' : 'INCONCLUSIVE'), 2);
  assert.deepEqual(rates, [100, 200, 400, 800], 'no bisection toward a limit that is not the HM');
  assert.equal(res.lastGood?.rate, 400);
  assert.equal(res.firstBad, undefined);
  assert.equal(res.senderLimit?.rate, 800);
  assert.equal(
    res.knee,
    'sustains at least 400 heartbeats/s = 4,000 amphorae at 10 s (the highest load measured); the search ended ' +
      'there: stresshm could not send 800 heartbeats/s on schedule here (INCONCLUSIVE)',
  );
});

test('a bisection step stresshm cannot offer ends the search, keeping the HM knee found so far', async () => {
  const { rates, res } = await scriptedSearch(
    (rate) => (rate < 500 ? 'KEEPING UP' : rate === 600 ? 'INCONCLUSIVE' : 'FALLING BEHIND'),
    3,
  );
  assert.deepEqual(rates, [100, 200, 400, 800, 600]);
  assert.equal(res.lastGood?.rate, 400);
  assert.equal(res.firstBad?.rate, 800);
  assert.equal(res.senderLimit?.rate, 600);
  assert.match(res.knee, /^sustains 400 heartbeats\/s .*; the search ended there: stresshm could not send 600 /);
  assert.equal(
    kneeText(10, undefined, undefined, res.senderLimit),
    'no step measured the HM: stresshm could not send 600 heartbeats/s on schedule here (INCONCLUSIVE)',
  );
});
