// Report fixtures: a run record with phases and a ledger history, and one result of each other
// report kind (capacity, sweep, compare, api-bench) with a header whose target and settings
// carry a raw password, which no report may show.

import type { CapacityResult, CapacityStep } from '../../src/experiments/capacity';
import type { Report, ReportMeta } from '../../src/report';
import type { RunRecord, Sample } from '../../src/run/record';

export const PASSWORD = 's3cr3t-Pa55';

const at = (secs: number) => new Date(Date.parse('2026-11-25T03:00:02.000Z') + secs * 1000).toISOString();

/** The i-th poll of a run offered 100/s that falls behind after 20 s. */
export function fallingSample(i: number): Sample {
  return {
    t: i + 1,
    offeredPerSec: 100,
    processedPerSec: i < 20 ? 100 : 60,
    lagP50: i / 10,
    lagP95: i / 5,
    lagP99: i / 4,
    staleOver1: i > 20 ? 5 : 0,
    staleOver2: 0,
    staleOverTimeout: 0,
    logDrops: i > 20 ? i - 20 : 0,
  };
}

/** The final figures of a run that fell behind (sent 3,000, processed 2,500). */
export function finalFigures(): RunRecord['final'] {
  return {
    sent: 3000,
    processed: 2500,
    processedShare: 0.83333,
    bytes: 1e6,
    lagP50: 0.011972904205322266,
    lagP95: 5,
    lagP99: 7,
    lagMax: 9,
    lagResolutionSecs: 1,
    staleOver1Max: 5,
    staleOver2Max: 0,
    timeoutStaleMax: 0,
    sendErrors: {},
    scheduleLagP99Ms: 1,
    scheduleLagMaxMs: 3,
    lateSends: 0,
    senderCpuSeconds: 0.2,
  };
}

export function runRecord(): RunRecord {
  const samples = Array.from({ length: 34 }, (_, i) => ({
    ...fallingSample(i),
    offeredPerSec: i < 30 ? 100 : 0,
    ledger: {
      sent: 100 * Math.min(i + 1, 30),
      processed: 90 * (i + 1),
      staleDropped: i > 20 ? i - 20 : 0,
      kernelDropped: 0,
      listenerMismatch: 0,
      sendErrors: 0,
      unaccounted: 0,
    },
  }));
  return {
    kind: 'run',
    tool: 'stresshm',
    version: '9.8.7-test',
    startedAt: at(-2),
    prefix: '0b4c0c3e-0000-4000-8000-000000000001',
    amphorae: 1000,
    loadBalancers: 500,
    intervalSecs: 10,
    heartbeatVersion: 3,
    endpoints: ['127.0.0.1:5555'],
    config: {
      'health_manager.heartbeat_key': '***',
      'test_params.octavia_db_connection': 'mysql+pymysql://octavia:***@db.example:3306/octavia',
      'sla.sla_max_p99_lag_ratio': '0.5',
    },
    phases: [
      { name: 'populate', startedAt: at(-2), seconds: 1.5 },
      { name: 'send', startedAt: at(0), seconds: 30 },
      { name: 'drain', startedAt: at(30), seconds: 4 },
      { name: 'clean', startedAt: at(34), seconds: 1 },
      { name: 'judge', startedAt: at(35), seconds: 0.01 },
    ],
    samples,
    final: finalFigures(),
    criteria: [{ id: 'p99_lag', name: 'p99 processing lag', ok: false, actual: '7.0 s', limit: '<= 5.0 s' }],
    verdict: 'FALLING BEHIND',
    exitCode: 1,
  };
}

export function meta(): ReportMeta {
  return {
    date: '2026-11-25T03:00:00.000Z',
    target: `database mysql+pymysql://octavia:${PASSWORD}@db.example:3306/octavia; HM 127.0.0.1:5555`,
    settings: {
      'sla.sla_max_p99_lag_ratio': '0.5',
      'sla.sla_min_processed_share': '0.99',
      'database.connection': `mysql://octavia:${PASSWORD}@db.example/octavia?ssl_password=${PASSWORD}`,
      '--start-rate': '100',
    },
    version: '9.8.7-test',
  };
}

const step = (rate: number, ok: boolean): CapacityStep => ({
  rate,
  amphorae: rate * 2,
  verdict: ok ? 'KEEPING UP' : 'FALLING BEHIND',
  processedShare: ok ? 1 : 0.8,
  processedPerSec: ok ? rate : rate * 0.8,
  lagP99: ok ? 0.4 : 12,
  drops: ok ? 0 : 40,
});

export function capacity(): CapacityResult {
  const steps = [step(100, true), step(200, true), step(400, false), step(300, true)];
  return {
    kind: 'capacity',
    intervalSecs: 2,
    steps,
    lastGood: steps[3],
    firstBad: steps[2],
    knee: 'between 300/s and 400/s',
  };
}

/** One report of each kind that is not a run. */
export function otherReports(): Report[] {
  const m = meta();
  const cap = capacity();
  const build = (b: string) => ({
    build: b,
    version: `Octavia ${b}`,
    lagP50: [0.1, 0.12],
    cpuPer1000: [2, 2.1],
    knee: cap,
  });
  return [
    { kind: 'capacity', meta: m, result: cap, json: { kind: 'capacity' } },
    {
      kind: 'sweep',
      meta: m,
      result: {
        kind: 'sweep',
        dimension: 'members',
        intervalSecs: 2,
        points: [1, 10, 50].map((v) => ({
          value: v,
          result: cap,
          knee: 300 / v,
          cpuSecsPer1000: v,
          statementsPerHeartbeat: 10 + v,
        })),
      },
      json: { kind: 'sweep' },
    },
    {
      kind: 'compare',
      meta: m,
      a: build('11.0.0'),
      b: build('19.0.0'),
      rows: [
        { metric: 'p50 lag (s)', a: 0.11, b: 0.2, diffPct: 81.8, noisePct: 10, withinNoise: false },
        { metric: 'HM CPU s per 1,000 heartbeats', a: 2.05, b: 2.1, diffPct: 2.4, noisePct: 5, withinNoise: true },
      ],
      json: { kind: 'compare' },
    },
    {
      kind: 'api-bench',
      meta: m,
      timings: [100, 1000, 10_000].flatMap((size) =>
        ['loadbalancers', 'listeners', 'pools', 'members', 'healthmonitors', 'l7policies', 'amphorae'].flatMap(
          (call, i) =>
            (['full', 'page'] as const).map((variant) => ({
              size,
              call,
              variant,
              status: 200,
              count: size,
              expected: size,
              p50Ms: (size / 100) * (i + 1),
              p95Ms: (size / 80) * (i + 1),
              maxMs: (size / 50) * (i + 1),
            })),
        ),
      ),
      json: { kind: 'api-bench' },
    },
  ];
}
