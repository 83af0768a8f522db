// --csv FILE: the per-poll history as CSV, one row per recorded sample (the samples the run
// record keeps), appended as the run goes, as Locust's --csv stats history. A capacity search
// writes every step into the one file; the `run` column numbers them.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { RunEvents } from '../run/events';
import type { Sample } from '../run/record';

export const CSV_COLUMNS = [
  'timestamp',
  'run',
  'phase',
  't_seconds',
  'offered_per_second',
  'processed_per_second',
  'lag_p50_seconds',
  'lag_p95_seconds',
  'lag_p99_seconds',
  'stale_over_1_interval',
  'stale_over_2_intervals',
  'stale_over_timeout',
  'log_drops',
  'sent',
  'processed',
  'stale_dropped',
  'kernel_dropped',
  'listener_mismatch',
  'send_errors',
  'unaccounted',
];

const num = (v: number | null | undefined, digits?: number) =>
  v === null || v === undefined ? '' : digits === undefined ? String(v) : v.toFixed(digits);

function row(run: number, phase: string, s: Sample): string {
  const l = s.ledger;
  return [
    new Date().toISOString(),
    run,
    phase,
    num(s.t, 3),
    num(s.offeredPerSec, 2),
    num(s.processedPerSec, 2),
    num(s.lagP50, 4),
    num(s.lagP95, 4),
    num(s.lagP99, 4),
    s.staleOver1,
    s.staleOver2,
    s.staleOverTimeout,
    s.logDrops,
    num(l?.sent),
    num(l?.processed),
    num(l?.staleDropped),
    num(l?.kernelDropped),
    num(l?.listenerMismatch),
    num(l?.sendErrors),
    num(l?.unaccounted),
  ].join(',');
}

export class CsvHistory {
  private readonly fd: number;
  private runs = 0;

  /** Creates (truncates) the file and writes the header now. */
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, `${CSV_COLUMNS.join(',')}\n`);
  }

  /** Subscribes to one run's events (call once per run; a search's steps are runs 1, 2, ...). */
  attach(events: RunEvents): void {
    const run = ++this.runs;
    events.on('sample', (e) => {
      if (e.recorded) writeSync(this.fd, `${row(run, e.phase, e.sample)}\n`);
    });
  }

  close(): void {
    closeSync(this.fd);
  }
}
