// --abort-on-fail (k6's abortOnFail): a run stops as soon as its SLA has failed beyond
// recovery, i.e. no outcome of the rest of the run could still meet it. Counters that only grow
// (drops, amphorae beyond heartbeat_timeout) fail for good once past their limit; the processed
// share and the p99 lag fail for good once even a perfect remainder could not pull them back.

import type { Sla } from './sla';

export interface Progress {
  sent: number;
  processed: number;
  /** Heartbeats still to be sent if the run went on to its end. */
  remaining: number;
  /**
   * Heartbeats sent within the last heartbeat_interval: the HM may still process them (it drops only
   * what waited a whole interval), so they are not lost yet.
   */
  inFlight: number;
  /** Processed heartbeats whose lag already exceeds the limit (plus resolution slack). */
  lagsOverLimit: number;
  timeoutStaleMax: number;
  logDrops?: number;
  kernelDrops?: number | null;
}

/** The reason the SLA can no longer be met, or undefined while it still can. */
export function failedBeyondRecovery(p: Progress, sla: Sla): string | undefined {
  if (p.timeoutStaleMax > sla.maxTimeoutStale) return `${p.timeoutStaleMax} amphorae went beyond heartbeat_timeout`;
  if (p.logDrops !== undefined && p.logDrops > sla.maxLogDrops) return `${p.logDrops} heartbeats dropped in the HM log`;
  if (p.kernelDrops !== undefined && p.kernelDrops !== null && p.kernelDrops > sla.maxKernelDrops) {
    return `${p.kernelDrops} heartbeats dropped by the kernel`;
  }
  const total = p.sent + p.remaining;
  const best = p.processed + p.inFlight + p.remaining;
  if (total > 0 && best / total < sla.minProcessedShare) {
    const share = ((100 * best) / total).toFixed(1);
    return `even if every heartbeat in flight or still to send were processed, at most ${share}% would be`;
  }
  if (total > 0 && p.lagsOverLimit > 0.01 * total)
    return `${p.lagsOverLimit} heartbeats already lagged beyond the p99 limit`;
  return undefined;
}
