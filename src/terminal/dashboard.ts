// The live view of a run: redrawn in place on a terminal, one plain line per heartbeat
// interval otherwise (readable in CI logs).

import type { LogCounts } from '../run/hmlog';
import type { Ledger } from '../run/ledger';
import type { Sample } from '../run/record';
import { offeredShare } from '../run/sla';

export interface DashboardState {
  phase: string;
  elapsedSecs: number;
  remainingSecs: number;
  amphorae: number;
  sent: number;
  /** Heartbeats the schedule made due so far (what the sender was asked to offer). */
  due: number;
  processed: number;
  sample?: Sample;
  sendErrors: Record<string, number>;
  scheduleLagP99Ms: number;
  log?: LogCounts;
  ledger?: Ledger;
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const opt = (v: number | null) => (v === null ? 'n/m' : n(v));

function ledgerLines(l: Ledger | undefined): string[] {
  if (!l) return [];
  return [
    `ledger   sent ${n(l.sent)} = processed ${n(l.processed)} + stale ${opt(l.staleDropped)}`,
    `         + kernel ${opt(l.kernelDropped)} + mismatch ${opt(l.listenerMismatch)}`,
    `         + send errors ${n(l.sendErrors)} + unaccounted ${n(l.unaccounted)}`,
  ];
}

/** " (99.9% of due)": the share of the heartbeats due that were sent (attempted) so far. */
function dueShare(s: DashboardState): string {
  const share = offeredShare({ sent: s.ledger?.sent ?? s.sent, due: s.due });
  return share === undefined ? '' : ` (${(100 * share).toFixed(1)}% of due)`;
}

/** The dashboard's lines, each within 80 columns (n/m: not measurable). */
export function formatLines(s: DashboardState): string[] {
  const p = s.sample;
  const errors =
    Object.entries(s.sendErrors)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(', ') || 'none';
  const log = s.log
    ? `drops ${n(s.log.drops)} mismatch ${n(s.log.listenerMismatch)} HMAC ${n(s.log.hmacFailures)} ` +
      `tracebacks ${n(s.log.tracebacks)} failover ${n(s.log.failovers)}`
    : 'not followed (--hm-log)';
  const f = (v: number | undefined) => (v ?? 0).toFixed(2);
  return [
    `${s.phase.padEnd(9)}${n(s.elapsedSecs)} s elapsed, ${n(Math.max(0, s.remainingSecs))} s left, ` +
      `${n(s.amphorae)} amphorae`,
    `rate     offered ${n(p?.offeredPerSec ?? 0)}/s${dueShare(s)}  processed ${n(p?.processedPerSec ?? 0)}/s`,
    `lag      p50 ${f(p?.lagP50)} s  p95 ${f(p?.lagP95)} s  p99 ${f(p?.lagP99)} s (last interval)`,
    `stale    >1 interval ${n(p?.staleOver1 ?? 0)}  >2 intervals ${n(p?.staleOver2 ?? 0)}  >timeout ` +
      `${n(p?.staleOverTimeout ?? 0)}`,
    ...ledgerLines(s.ledger),
    `sender   errors ${errors}  schedule lag p99 ${s.scheduleLagP99Ms.toFixed(1)} ms`,
    `HM log   ${log}`,
  ];
}

/** Terminal rows a block of lines takes at `columns` (a long line wraps onto several). */
export function rowsTaken(lines: string[], columns: number): number {
  return lines.reduce((a, l) => a + Math.max(1, Math.ceil(l.length / Math.max(1, columns))), 0);
}

export class Dashboard {
  private drawn = 0;
  private lastPlain = -Infinity;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly tty: boolean,
    private readonly plainEverySecs: number,
  ) {}

  update(s: DashboardState): void {
    const lines = formatLines(s);
    if (this.tty) {
      const columns = this.out.columns || 80;
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A`);
      this.out.write(`${lines.map((l) => `\x1b[2K${l}\n`).join('')}\x1b[J`);
      this.drawn = rowsTaken(lines, columns);
    } else if (s.elapsedSecs - this.lastPlain >= this.plainEverySecs) {
      this.lastPlain = s.elapsedSecs;
      const l = s.ledger;
      this.out.write(
        `[${n(s.elapsedSecs)}s] ${s.phase}: offered ${n(s.sample?.offeredPerSec ?? 0)}/s${dueShare(s)}, processed ` +
          `${n(s.sample?.processedPerSec ?? 0)}/s, lag p99 ${(s.sample?.lagP99 ?? 0).toFixed(2)} s, stale >1 ` +
          `interval ${n(s.sample?.staleOver1 ?? 0)}${
            l
              ? `; sent ${n(l.sent)}, processed ${n(l.processed)}, stale ${opt(l.staleDropped)}, ` +
                `kernel ${opt(l.kernelDropped)}, unaccounted ${n(l.unaccounted)}`
              : ''
          }\n`,
      );
    }
  }

  /** Stop redrawing over the block (before printing anything else). */
  release(): void {
    this.drawn = 0;
  }
}
