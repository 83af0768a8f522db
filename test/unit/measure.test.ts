// Measurement arithmetic with hand-computed expectations: matching an amphora_health
// advance to its heartbeat, lag at whole-second resolution, staleness, percentiles, the
// SLA verdict and its exit codes, and the HM log patterns.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failedBeyondRecovery } from '../../src/run/abort';
import { countLines, emptyCounts } from '../../src/run/hmlog';
import {
  answeredSendTime,
  countStale,
  percentile,
  pollPeriodMs,
  processingLag,
  processingWindow,
  staleness,
} from '../../src/run/monitor';
import { criteria, exitCodeFor, type Sla, verdict } from '../../src/run/sla';
import { HEALTHY } from '../helpers/figures';

const history = (times: number[][]) => ({
  depth: 4,
  times: Float64Array.from(times.flatMap((t) => [...t, 0, 0, 0, 0].slice(0, 4))),
  seqs: Float64Array.from(times.flatMap((t) => [...t.map((_, i) => i + 1), 0, 0, 0, 0].slice(0, 4))),
});

test('an update answers the newest heartbeat sent before the end of its second', () => {
  const h = history([[1000_000, 1010_000, 1020_000], [1005_500]]);
  assert.equal(answeredSendTime(h, 0, 1010), 1010_000); // sent 1010.000, stamped 1010
  assert.equal(answeredSendTime(h, 0, 1019), 1010_000); // 1020.000 not sent by the end of 1019
  assert.equal(answeredSendTime(h, 0, 1020), 1020_000);
  assert.equal(answeredSendTime(h, 1, 1004), undefined);
  assert.equal(answeredSendTime(h, 1, 1005), 1005_500);
});

test('lag is the middle of the stamped second minus the send time, never negative', () => {
  assert.equal(processingLag(1012, 1010_250), 2.25); // 1012.5 - 1010.25
  assert.equal(processingLag(1010, 1010_900), 0); // same second, 0.4 s early -> 0
  assert.ok(Math.abs(processingLag(1010, 1010_200) - 0.3) < 1e-9);
});

test('staleness counts from the run start at the earliest; thresholds add the 1 s rounding', () => {
  assert.equal(staleness(1100_000, 1050, 1000_000), 50);
  assert.equal(staleness(1100_000, 900, 1000_000), 100); // older than the run: counted from the start
  assert.deepEqual(countStale([10, 11, 11.5, 21, 22, 61], 10, 60), { over1: 4, over2: 2, overTimeout: 1 });
});

test('percentiles are nearest-rank', () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(v, 0.5), 5);
  assert.equal(percentile(v, 0.99), 10);
  assert.equal(percentile(v, 0.1), 1);
  assert.equal(percentile([], 0.99), 0);
});

const SLA: Sla = {
  minProcessedShare: 0.99,
  maxP99LagRatio: 0.5,
  maxLogDrops: 0,
  maxTimeoutStale: 0,
  maxKernelDrops: 0,
  failingProcessedShare: 0.5,
};
const base = HEALTHY;

test('the verdict: KEEPING UP, FALLING BEHIND, FAILING and exit codes 0/1', () => {
  assert.equal(verdict(base, SLA), 'KEEPING UP');
  assert.equal(exitCodeFor('KEEPING UP'), 0);
  assert.equal(verdict({ ...base, processed: 989 }, SLA), 'FALLING BEHIND'); // 98.9% < 99%
  assert.equal(verdict({ ...base, processed: 990 }, SLA), 'KEEPING UP');
  assert.equal(verdict({ ...base, lagP99Secs: 5.5 }, SLA), 'KEEPING UP'); // 5 s limit, within the +-0.5 s resolution
  assert.equal(verdict({ ...base, lagP99Secs: 5.6 }, SLA), 'FALLING BEHIND'); // beyond 0.5 x 10 s + 0.5 s
  assert.equal(verdict({ ...base, logDrops: 1 }, SLA), 'FALLING BEHIND');
  assert.equal(verdict({ ...base, logDrops: undefined }, SLA), 'KEEPING UP'); // no log followed: not checked
  assert.equal(verdict({ ...base, processed: 499 }, SLA), 'FAILING');
  assert.equal(verdict({ ...base, timeoutStaleMax: 1 }, SLA), 'FAILING');
  assert.equal(verdict({ ...base, processed: 0 }, SLA), 'FAILING'); // nobody listening
  assert.equal(verdict({ ...base, sent: 0, processed: 0 }, SLA), 'FAILING');
  assert.equal(exitCodeFor('FALLING BEHIND'), 1);
  assert.equal(exitCodeFor('FAILING'), 1);
  const c = criteria({ ...base, processed: 980, lagP99Secs: 7 }, SLA);
  assert.deepEqual(
    c.map((x) => [x.id, x.ok, x.actual, x.limit]),
    [
      ['processed_share', false, '98.00%', '>= 99.00%'],
      ['p99_lag', false, '7.00 s', '<= 5.00 s (± 0.50 s resolution)'],
      ['timeout_stale', true, '0', '<= 0'],
      ['log_drops', true, '0', '<= 0'],
      ['kernel_drops', null, 'not measurable (no HM socket of that endpoint on this machine)', '<= 0'],
      ['offered_load', null, 'not measured', '>= 99.00%'],
    ],
  );
  assert.equal(verdict({ ...base, kernelDrops: 1 }, SLA), 'FALLING BEHIND');
  assert.equal(verdict({ ...base, kernelDrops: 0 }, SLA), 'KEEPING UP');
});

test('a figure that was not measured is "not checked", never a pass; an interrupted run is INTERRUPTED (130)', () => {
  const noLog = criteria({ ...base, logDrops: undefined }, SLA).find((x) => x.id === 'log_drops')!;
  assert.equal(noLog.ok, null);
  assert.match(noLog.actual, /not checked/);
  const nothing = criteria({ ...base, processed: 0 }, SLA).find((x) => x.id === 'p99_lag')!;
  assert.equal(nothing.ok, null);
  assert.equal(verdict(base, SLA, true), 'INTERRUPTED');
  assert.equal(exitCodeFor('INTERRUPTED'), 130);
});

test('at a 2 s interval a whole-second lag of 1.5 s is within the 1 s limit plus resolution; 2.5 s is not', () => {
  const two = { ...base, intervalSecs: 2 };
  assert.equal(verdict({ ...two, lagP99Secs: 1.5 }, SLA), 'KEEPING UP');
  assert.equal(verdict({ ...two, lagP99Secs: 2.5 }, SLA), 'FALLING BEHIND');
});

test('HM log lines are counted by kind, as Octavia 11 writes them', () => {
  const c = emptyCounts();
  countLines(
    [
      '2026-11-25 03:10:46.416 22965 WARNING octavia.amphorae.drivers.health.heartbeat_udp [-] Amphora 1b2c health ' +
        'message was processed too slowly: 10.2s! The system may be overloaded or otherwise malfunctioning. This ' +
        'heartbeat has been ignored and no update was made to the amphora health entry. THIS IS NOT GOOD.',
      '2026-11-25 03:10:46.416 22965 WARNING octavia.amphorae.drivers.health.heartbeat_udp [-] Amphora 1b2c health ' +
        'message reports 1 listeners when 2 expected',
      '2026-11-25 03:10:46.416 22965 WARNING octavia.amphorae.backends.health_daemon.status_message [-] calculated ' +
        'hmac(hex=False): 00 not equal to msg hmac: 11 dropping packet',
      '2026-11-25 03:10:46.416 22965 ERROR octavia.x [-] boom: Traceback (most recent call last):',
      '2026-11-25 03:10:46.416 22965 INFO octavia.controller.healthmanager.health_manager [-] Stale ' +
        "amphora's id is: 1b2c",
      '2026-11-25 03:10:46.416 22965 WARNING octavia.amphorae.backends.health_daemon.status_message [-] calculated ' +
        'hmac(hex=True): 00 not equal to msg hmac: 11 dropping packet',
    ].join('\n'),
    c,
  );
  assert.deepEqual(c, {
    drops: 1,
    listenerMismatch: 1,
    hmacFailures: 1,
    tracebacks: 1,
    failovers: 1,
    missingFromDb: 0,
  });
});

test('a processing time is placed in the stamped second cut by the polls that bracket its first sight', () => {
  // stamped 1010, first seen by the poll of 1010.35 after one at 1010.25: [1010.25, 1010.35]
  const w = processingWindow(1010, 1010_250, 1010_350);
  assert.ok(Math.abs(w.lo - 1010.25) < 1e-9 && Math.abs(w.hi - 1010.35) < 1e-9);
  // polls a second apart around the stamp: the whole second is what is known
  assert.deepEqual(processingWindow(1010, 1009_500, 1011_500), { lo: 1010, hi: 1011 });
  // a commit that lagged its stamp past the previous poll: fall back to the stamped second
  assert.deepEqual(processingWindow(1010, 1011_200, 1011_300), { lo: 1010, hi: 1011 });
});

test('the poll period keeps the monitor within its database-time budget, 10 Hz at most', () => {
  assert.equal(pollPeriodMs(1), 100);
  assert.equal(pollPeriodMs(40), 200); // 40 ms of query in 200 ms = 20%
  assert.equal(pollPeriodMs(20000, 20000), 10000); // at most one default heartbeat interval
  assert.equal(pollPeriodMs(1560, 1_000_000), 7800); // a million amphorae (1.56 s a poll) stay within 20%
  assert.equal(pollPeriodMs(100, 20000), 500); // a large fleet follows the budget
  assert.equal(pollPeriodMs(100, 10000), 200); // a fleet up to 10,000 amphorae polls at least 5 times a second
});

test(
  '--abort-on-fail: growing counters fail for good past their limit; share and lag once a perfect rest cannot ' +
    'save them',
  () => {
    const ok = {
      sent: 1000,
      processed: 1000,
      remaining: 9000,
      inFlight: 0,
      lagsOverLimit: 0,
      timeoutStaleMax: 0,
      logDrops: 0,
      kernelDrops: 0,
    };
    assert.equal(failedBeyondRecovery(ok, SLA), undefined);
    assert.match(failedBeyondRecovery({ ...ok, timeoutStaleMax: 1 }, SLA)!, /beyond heartbeat_timeout/);
    assert.match(failedBeyondRecovery({ ...ok, logDrops: 1 }, SLA)!, /HM log/);
    assert.match(failedBeyondRecovery({ ...ok, kernelDrops: 1 }, SLA)!, /kernel/);
    assert.equal(failedBeyondRecovery({ ...ok, kernelDrops: null }, SLA), undefined); // not measurable: never a reason
    // 50 lost of 10,000 in all: 99.5% is still reachable; 150 lost is not
    assert.equal(failedBeyondRecovery({ ...ok, processed: 950 }, SLA), undefined);
    assert.match(failedBeyondRecovery({ ...ok, processed: 850 }, SLA)!, /at most 98\.5%/);
    // heartbeats sent in the last interval are in flight, not lost: early in a run nothing is hopeless yet
    assert.equal(
      failedBeyondRecovery({ ...ok, sent: 200, processed: 0, inFlight: 200, remaining: 7800 }, SLA),
      undefined,
    );
    assert.match(failedBeyondRecovery({ ...ok, processed: 800, inFlight: 50 }, SLA)!, /at most 98\.5%/);
    assert.equal(failedBeyondRecovery({ ...ok, lagsOverLimit: 100 }, SLA), undefined); // 1% of 10,000 may lag
    assert.match(failedBeyondRecovery({ ...ok, lagsOverLimit: 101 }, SLA)!, /lagged beyond/);
  },
);
