// Figures as a person reads them in a report: labelled, with units, rounded to what the
// measurement can tell (a lag of 0.011972904 s is "12 ms"), and "none" for an empty count.

import type { RunRecord } from '../run/record';

/** A duration in seconds: "850 µs", "12 ms", "1.25 s", "42 s", "3 min 20 s". */
export function fmtSecs(s: number): string {
  if (!Number.isFinite(s)) return 'n/a';
  const a = Math.abs(s);
  if (a === 0) return '0 s';
  if (a < 0.001) return `${Math.round(s * 1e6)} µs`;
  if (a < 1) return `${+(s * 1000).toPrecision(a < 0.01 ? 2 : 3)} ms`.replace(/\.0+ /, ' ');
  if (a < 10) return `${s.toFixed(2)} s`;
  if (a < 120) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A count with thousands separated; 0 reads "none" when `noneWord` is set. */
export function fmtCount(n: number, noneWord = false): string {
  if (n === 0 && noneWord) return 'none';
  return Math.round(n).toLocaleString('en-US');
}

/** A share in [0, 1] as a percentage with two decimals ("99.87%"). */
export function fmtShare(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}

/** Bytes in binary units ("1.5 MiB"). */
export function fmtBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = b;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Send errors by errno ({ENOBUFS: 3}) as "3 (ENOBUFS 3)", or "none". */
export function fmtErrors(e: Record<string, number>): string {
  const parts = Object.entries(e).filter(([, n]) => n > 0);
  if (parts.length === 0) return 'none';
  const total = parts.reduce((a, [, n]) => a + n, 0);
  return `${fmtCount(total)} (${parts.map(([k, n]) => `${k} ${fmtCount(n)}`).join(', ')})`;
}

/** The run's final figures as [label, value] rows, in reading order. */
export function runFigures(f: RunRecord['final']): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['Heartbeats sent', fmtCount(f.sent)],
    ['Processed by the HM', `${fmtCount(f.processed)} (${fmtShare(f.processedShare)})`],
    ['Bytes sent', fmtBytes(f.bytes)],
    ['Lag p50', fmtSecs(f.lagP50)],
    ['Lag p95', fmtSecs(f.lagP95)],
    ['Lag p99', fmtSecs(f.lagP99)],
    ['Lag max', fmtSecs(f.lagMax)],
    ['Lag resolution', `± ${fmtSecs(f.lagResolutionSecs / 2)}`],
    ['Stale amphorae (> 1 interval), most at once', fmtCount(f.staleOver1Max, true)],
    ['Stale amphorae (> 2 intervals), most at once', fmtCount(f.staleOver2Max, true)],
    ['Stale amphorae (> heartbeat_timeout), most at once', fmtCount(f.timeoutStaleMax, true)],
    ['Send errors', fmtErrors(f.sendErrors)],
    ['Sender schedule lag p99', fmtSecs(f.scheduleLagP99Ms / 1000)],
    ['Sender schedule lag max', fmtSecs(f.scheduleLagMaxMs / 1000)],
    ['Late sends', fmtCount(f.lateSends, true)],
    ['Sender CPU', fmtSecs(f.senderCpuSeconds)],
  ];
  if (f.listenerStatisticsRows !== undefined)
    rows.push(['listener_statistics rows', fmtCount(f.listenerStatisticsRows)]);
  if (f.log) {
    rows.push(
      ['HM log: stale drops ("THIS IS NOT GOOD")', fmtCount(f.log.drops, true)],
      ['HM log: listener-count mismatches', fmtCount(f.log.listenerMismatch, true)],
      ['HM log: HMAC failures', fmtCount(f.log.hmacFailures, true)],
      ['HM log: tracebacks', fmtCount(f.log.tracebacks, true)],
      ['HM log: failovers', fmtCount(f.log.failovers, true)],
      ['HM log: amphorae missing from the DB', fmtCount(f.log.missingFromDb, true)],
    );
  }
  if (f.drain) {
    const d = f.drain;
    const how = d.gaveUp ? 'gave up, cleaned while the HM was active' : d.boundReached ? 'bound reached' : 'quiet';
    rows.push(['Drain', `${fmtSecs(d.seconds)} (${how}${d.extraSecs > 0 ? `, ${fmtSecs(d.extraSecs)} beyond` : ''})`]);
  }
  if (f.interrupted) rows.push(['Interrupted', f.interrupted]);
  if (f.abortedEarly) rows.push(['Stopped early', f.abortedEarly]);
  return rows;
}
