// The verdict: judges a run's figures against the SLA thresholds ([sla] options) and maps
// it to the exit status (0 KEEPING UP, 1 FALLING BEHIND, FAILING or INCONCLUSIVE, 130
// INTERRUPTED). A criterion whose figure was not measured is "not checked" (ok = null), never a
// pass. A run whose sender could not offer the load it was asked to is INCONCLUSIVE: the HM was
// not tested at that load, unless it failed even at the lower load it was offered.

import { get, type Settings } from '../config/config';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_SLA_FAILED } from '../errors';

export type Verdict = 'KEEPING UP' | 'FALLING BEHIND' | 'FAILING' | 'INCONCLUSIVE' | 'INTERRUPTED';

export interface Sla {
  minProcessedShare: number;
  maxP99LagRatio: number;
  maxLogDrops: number;
  maxTimeoutStale: number;
  maxKernelDrops: number;
  failingProcessedShare: number;
}

export interface RunFigures {
  sent: number;
  processed: number;
  lagP99Secs: number;
  /** How finely lag is known (s): a lag is judged failed only beyond limit + resolution / 2. */
  lagResolutionSecs: number;
  intervalSecs: number;
  /** Most amphorae beyond heartbeat_timeout at any poll. */
  timeoutStaleMax: number;
  /** "THIS IS NOT GOOD" lines in the HM logs (undefined: no log followed). */
  logDrops?: number;
  /** Datagrams the kernel dropped at the local HM sockets (null: not measurable, e.g. a remote HM). */
  kernelDrops?: number | null;
  /** Heartbeats the schedule made due while sending (undefined: not known). */
  due?: number;
}

/** Stable criterion ids: code finds a criterion by id, never by its display name. */
export type CriterionId =
  | 'processed_share'
  | 'p99_lag'
  | 'timeout_stale'
  | 'log_drops'
  | 'kernel_drops'
  | 'offered_load';

/** ok: true met, false not met, null not checked (the figure was not measured). */
export interface Criterion {
  id: CriterionId;
  name: string;
  ok: boolean | null;
  actual: string;
  limit: string;
}

/** The [sla] options, read with keys and types checked at compile time. */
export function slaFrom(s: Settings): Sla {
  return {
    minProcessedShare: get(s, 'sla.sla_min_processed_share'),
    maxP99LagRatio: get(s, 'sla.sla_max_p99_lag_ratio'),
    maxLogDrops: get(s, 'sla.sla_max_log_drops'),
    maxTimeoutStale: get(s, 'sla.sla_max_timeout_stale'),
    maxKernelDrops: get(s, 'sla.sla_max_kernel_drops'),
    failingProcessedShare: get(s, 'sla.sla_failing_processed_share'),
  };
}

export function processedShare(f: RunFigures): number {
  return f.sent > 0 ? Math.min(1, f.processed / f.sent) : 0;
}

/** The share of the heartbeats due that the sender sent (attempted), at most 1; undefined: not known. */
export function offeredShare(f: { sent: number; due?: number }): number | undefined {
  return f.due ? Math.min(1, f.sent / f.due) : undefined;
}

/** Did the sender offer the load it was asked to, as closely as the HM must process it? */
function offeredLoad(f: RunFigures, sla: Sla): Criterion {
  const share = offeredShare(f);
  return {
    id: 'offered_load',
    name: 'heartbeats sent of those due (the load offered)',
    ok: share === undefined ? null : share >= sla.minProcessedShare,
    actual:
      share === undefined
        ? 'not measured'
        : `${(share * 100).toFixed(2)}% (${f.sent.toLocaleString('en-US')} of ${(f.due ?? 0).toLocaleString('en-US')})`,
    limit: `>= ${(sla.minProcessedShare * 100).toFixed(2)}%`,
  };
}

export function criteria(f: RunFigures, sla: Sla): Criterion[] {
  const share = processedShare(f);
  const maxLag = sla.maxP99LagRatio * f.intervalSecs;
  const slack = f.lagResolutionSecs / 2;
  const lagLimit = `<= ${maxLag.toFixed(2)} s (± ${slack.toFixed(2)} s resolution)`;
  return [
    {
      id: 'processed_share',
      name: 'processed share',
      ok: f.sent > 0 && share >= sla.minProcessedShare,
      actual: `${(share * 100).toFixed(2)}%`,
      limit: `>= ${(sla.minProcessedShare * 100).toFixed(2)}%`,
    },
    {
      id: 'p99_lag',
      name: 'p99 processing lag',
      ok: f.processed > 0 ? f.lagP99Secs <= maxLag + slack : null,
      actual: f.processed > 0 ? `${f.lagP99Secs.toFixed(2)} s` : 'not measured (nothing processed)',
      limit: lagLimit,
    },
    {
      id: 'timeout_stale',
      name: 'amphorae beyond heartbeat_timeout',
      ok: f.timeoutStaleMax <= sla.maxTimeoutStale,
      actual: String(f.timeoutStaleMax),
      limit: `<= ${sla.maxTimeoutStale}`,
    },
    {
      id: 'log_drops',
      name: 'dropped heartbeats in HM log',
      ok: f.logDrops === undefined ? null : f.logDrops <= sla.maxLogDrops,
      actual: f.logDrops === undefined ? 'not checked (no --hm-log)' : String(f.logDrops),
      limit: `<= ${sla.maxLogDrops}`,
    },
    {
      id: 'kernel_drops',
      name: 'heartbeats dropped by the kernel at the HM socket',
      ok: f.kernelDrops === undefined || f.kernelDrops === null ? null : f.kernelDrops <= sla.maxKernelDrops,
      actual:
        f.kernelDrops === undefined || f.kernelDrops === null
          ? 'not measurable (no HM socket of that endpoint on this machine)'
          : String(f.kernelDrops),
      limit: `<= ${sla.maxKernelDrops}`,
    },
    offeredLoad(f, sla),
  ];
}

export function verdict(f: RunFigures, sla: Sla, interrupted = false): Verdict {
  if (interrupted) return 'INTERRUPTED';
  const all = criteria(f, sla);
  if (all.every((c) => c.ok !== false)) return 'KEEPING UP';
  // Only the offered load fell short: the HM kept up with less than it was to be tested at.
  if (all.every((c) => c.ok !== false || c.id === 'offered_load')) return 'INCONCLUSIVE';
  const stale = all.find((c) => c.id === 'timeout_stale');
  if (processedShare(f) < sla.failingProcessedShare || stale?.ok === false) return 'FAILING';
  return 'FALLING BEHIND';
}

export function exitCodeFor(v: Verdict): number {
  if (v === 'INTERRUPTED') return EXIT_INTERRUPTED;
  return v === 'KEEPING UP' ? EXIT_OK : EXIT_SLA_FAILED;
}
