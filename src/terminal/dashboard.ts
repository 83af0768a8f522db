// The live view of a run: redrawn in place on a terminal, one plain line per heartbeat
// interval otherwise (readable in CI logs).

import { Sample } from '../run/record';
import { LogCounts } from '../run/hmlog';

export interface DashboardState {
  phase: string;
  elapsedSecs: number;
  remainingSecs: number;
  amphorae: number;
  sent: number;
  processed: number;
  sample?: Sample;
  sendErrors: Record<string, number>;
  scheduleLagP99Ms: number;
  log?: LogCounts;
}

const n = (v: number) => Math.round(v).toLocaleString('en-US');

export function formatLines(s: DashboardState): string[] {
  const p = s.sample;
  const errors = Object.entries(s.sendErrors).map(([k, v]) => `${k} ${n(v)}`).join(', ') || 'none';
  const log = s.log ? `drops ${s.log.drops}, listener mismatches ${s.log.listenerMismatch}, HMAC ${s.log.hmacFailures}, tracebacks ${s.log.tracebacks}, failovers ${s.log.failovers}` : 'not followed (--hm-log)';
  return [
    `phase ${s.phase}  elapsed ${n(s.elapsedSecs)} s  remaining ${n(Math.max(0, s.remainingSecs))} s  amphorae ${n(s.amphorae)}`,
    `heartbeats/s offered ${n(p?.offeredPerSec ?? 0)}  processed ${n(p?.processedPerSec ?? 0)}  (sent ${n(s.sent)}, processed ${n(s.processed)})`,
    `processing lag p50 ${(p?.lagP50 ?? 0).toFixed(1)} s  p95 ${(p?.lagP95 ?? 0).toFixed(1)} s  p99 ${(p?.lagP99 ?? 0).toFixed(1)} s (1 s resolution)`,
    `stale >1 interval ${n(p?.staleOver1 ?? 0)}  >2 intervals ${n(p?.staleOver2 ?? 0)}  >heartbeat_timeout ${n(p?.staleOverTimeout ?? 0)}`,
    `send errors ${errors}  schedule lag p99 ${s.scheduleLagP99Ms.toFixed(1)} ms  HM log: ${log}`,
  ];
}

export class Dashboard {
  private drawn = 0;
  private lastPlain = -Infinity;

  constructor(private readonly out: NodeJS.WriteStream, private readonly tty: boolean, private readonly plainEverySecs: number) {}

  update(s: DashboardState): void {
    const lines = formatLines(s);
    if (this.tty) {
      if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A`);
      this.out.write(lines.map((l) => `\x1b[2K${l}\n`).join(''));
      this.drawn = lines.length;
    } else if (s.elapsedSecs - this.lastPlain >= this.plainEverySecs) {
      this.lastPlain = s.elapsedSecs;
      this.out.write(`[${n(s.elapsedSecs)}s] ${lines.slice(1, 4).join(' | ')} | errors ${Object.values(s.sendErrors).reduce((a, b) => a + b, 0)}${s.log ? ` | log drops ${s.log.drops}` : ''}\n`);
    }
  }

  /** Stop redrawing over the block (before printing anything else). */
  release(): void {
    this.drawn = 0;
  }
}
