// The verdict: judges a run's figures against the SLA thresholds ([sla] options) and maps
// it to the exit status (0 KEEPING UP, 1 FALLING BEHIND or FAILING).

import { Settings, get } from '../config/config';
import { EXIT_OK, EXIT_SLA_FAILED } from '../errors';

export type Verdict = 'KEEPING UP' | 'FALLING BEHIND' | 'FAILING';

export interface Sla {
  minProcessedShare: number;
  maxP99LagRatio: number;
  maxLogDrops: number;
  maxTimeoutStale: number;
  failingProcessedShare: number;
}

export interface RunFigures {
  sent: number;
  processed: number;
  lagP99Secs: number;
  intervalSecs: number;
  /** Most amphorae beyond heartbeat_timeout at any poll. */
  timeoutStaleMax: number;
  /** "THIS IS NOT GOOD" lines in the HM logs (undefined: no log followed). */
  logDrops?: number;
}

/** Stable criterion ids: code finds a criterion by id, never by its display name. */
export type CriterionId = 'processed_share' | 'p99_lag' | 'timeout_stale' | 'log_drops';

export interface Criterion { id: CriterionId; name: string; ok: boolean; actual: string; limit: string }

/** The [sla] options, read with keys and types checked at compile time. */
export function slaFrom(s: Settings): Sla {
  return {
    minProcessedShare: get(s, 'sla.sla_min_processed_share'),
    maxP99LagRatio: get(s, 'sla.sla_max_p99_lag_ratio'),
    maxLogDrops: get(s, 'sla.sla_max_log_drops'),
    maxTimeoutStale: get(s, 'sla.sla_max_timeout_stale'),
    failingProcessedShare: get(s, 'sla.sla_failing_processed_share'),
  };
}

export function processedShare(f: RunFigures): number {
  return f.sent > 0 ? Math.min(1, f.processed / f.sent) : 0;
}

export function criteria(f: RunFigures, sla: Sla): Criterion[] {
  const share = processedShare(f);
  const maxLag = sla.maxP99LagRatio * f.intervalSecs;
  const out: Criterion[] = [
    { id: 'processed_share', name: 'processed share', ok: f.sent > 0 && share >= sla.minProcessedShare,
      actual: `${(share * 100).toFixed(2)}%`, limit: `>= ${(sla.minProcessedShare * 100).toFixed(2)}%` },
    { id: 'p99_lag', name: 'p99 processing lag', ok: f.lagP99Secs <= maxLag,
      actual: `${f.lagP99Secs.toFixed(1)} s`, limit: `<= ${maxLag.toFixed(1)} s` },
    { id: 'timeout_stale', name: 'amphorae beyond heartbeat_timeout', ok: f.timeoutStaleMax <= sla.maxTimeoutStale,
      actual: String(f.timeoutStaleMax), limit: `<= ${sla.maxTimeoutStale}` },
  ];
  if (f.logDrops !== undefined) {
    out.push({ id: 'log_drops', name: 'dropped heartbeats in HM log', ok: f.logDrops <= sla.maxLogDrops,
      actual: String(f.logDrops), limit: `<= ${sla.maxLogDrops}` });
  }
  return out;
}

export function verdict(f: RunFigures, sla: Sla): Verdict {
  const all = criteria(f, sla);
  if (all.every((c) => c.ok)) return 'KEEPING UP';
  const stale = all.find((c) => c.id === 'timeout_stale');
  if (processedShare(f) < sla.failingProcessedShare || (stale && !stale.ok)) return 'FAILING';
  return 'FALLING BEHIND';
}

export function exitCodeFor(v: Verdict): number {
  return v === 'KEEPING UP' ? EXIT_OK : EXIT_SLA_FAILED;
}
