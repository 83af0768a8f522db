// --metrics-port PORT: the run (or a whole capacity search) as Prometheus text exposition on
// http://127.0.0.1:PORT/metrics. Counters (_total) keep growing across a search's steps: each
// run's figures are added to those of the runs before it. Gauges hold the latest poll.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors';
import type { PhaseName, RunEvents } from '../run/events';
import type { EndpointDrops, Ledger } from '../run/ledger';
import type { Sample } from '../run/record';

const PHASES: Array<PhaseName | 'idle'> = ['idle', 'resolve', 'populate', 'send', 'drain', 'clean', 'judge', 'report'];

/** Cumulative figures of one run (or the sum of finished runs). */
interface Totals {
  sent: number;
  /** Heartbeats the schedule made due. */
  due: number;
  processed: number;
  stale: number;
  mismatch: number;
  sendErrors: number;
  kernel: Map<string, number>;
}

const zero = (): Totals => ({
  sent: 0,
  due: 0,
  processed: 0,
  stale: 0,
  mismatch: 0,
  sendErrors: 0,
  kernel: new Map(),
});

function totalsOf(l: Ledger, endpoints: EndpointDrops[], due: number): Totals {
  const kernel = new Map<string, number>();
  for (const e of endpoints) if (e.kernelDropped !== null) kernel.set(e.endpoint, e.kernelDropped);
  return {
    sent: l.sent,
    due,
    processed: l.processed,
    stale: l.staleDropped ?? 0,
    mismatch: l.listenerMismatch ?? 0,
    sendErrors: l.sendErrors,
    kernel,
  };
}

function add(a: Totals, b: Totals): Totals {
  const kernel = new Map(a.kernel);
  for (const [k, v] of b.kernel) kernel.set(k, (kernel.get(k) ?? 0) + v);
  return {
    sent: a.sent + b.sent,
    due: a.due + b.due,
    processed: a.processed + b.processed,
    stale: a.stale + b.stale,
    mismatch: a.mismatch + b.mismatch,
    sendErrors: a.sendErrors + b.sendErrors,
    kernel,
  };
}

/** A label value, escaped as the text format requires. */
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function family(name: string, type: string, help: string, lines: string[]): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines];
}

export class MetricsState {
  private base = zero();
  private current = zero();
  private last?: Sample;
  private phase: PhaseName | 'idle' = 'idle';
  private runs = 0;
  /** Measurable parts seen so far (a drop kind never measured is not exported). */
  private measured = { stale: false, mismatch: false };

  /** Subscribes to one run's events; a new run's counters start where the previous one ended. */
  attach(events: RunEvents): void {
    this.base = add(this.base, this.current);
    this.current = zero();
    this.runs += 1;
    events.on('phase', (e) => {
      this.phase = e.name;
    });
    events.on('sample', (e) => {
      this.last = e.sample;
      if (!e.sample.ledger) return;
      this.current = totalsOf(e.sample.ledger, e.endpoints, e.sample.due ?? 0);
      this.measured.stale ||= e.sample.ledger.staleDropped !== null;
      this.measured.mismatch ||= e.sample.ledger.listenerMismatch !== null;
    });
    events.on('ended', () => {
      this.phase = 'idle';
    });
  }

  /** The exposition text (format 0.0.4). */
  render(): string {
    const t = add(this.base, this.current);
    const s = this.last;
    const drops = [`stresshm_heartbeats_dropped_total{kind="send_error"} ${t.sendErrors}`];
    if (this.measured.stale) drops.push(`stresshm_heartbeats_dropped_total{kind="stale"} ${t.stale}`);
    if (this.measured.mismatch) drops.push(`stresshm_heartbeats_dropped_total{kind="mismatch"} ${t.mismatch}`);
    for (const [ep, v] of t.kernel) {
      drops.push(`stresshm_heartbeats_dropped_total{kind="kernel",endpoint="${label(ep)}"} ${v}`);
    }
    return [
      ...family('stresshm_heartbeats_sent_total', 'counter', 'Heartbeats the sender tried to send.', [
        `stresshm_heartbeats_sent_total ${t.sent}`,
      ]),
      ...family(
        'stresshm_heartbeats_due_total',
        'counter',
        "Heartbeats the sender's schedule made due: sent below it means the load asked for was not offered.",
        [`stresshm_heartbeats_due_total ${t.due}`],
      ),
      ...family(
        'stresshm_heartbeats_processed_total',
        'counter',
        'Heartbeats the health manager wrote to amphora_health.',
        [`stresshm_heartbeats_processed_total ${t.processed}`],
      ),
      ...family(
        'stresshm_heartbeats_dropped_total',
        'counter',
        'Heartbeats lost, by kind (kernel: per HM endpoint socket; stale and mismatch: from the HM log).',
        drops,
      ),
      ...family(
        'stresshm_processing_lag_seconds',
        'gauge',
        'Processing lag quantiles over the last heartbeat interval.',
        (['0.5', '0.95', '0.99'] as const).map(
          (q, i) => `stresshm_processing_lag_seconds{quantile="${q}"} ${[s?.lagP50, s?.lagP95, s?.lagP99][i] ?? 0}`,
        ),
      ),
      ...family('stresshm_stale_amphorae', 'gauge', 'Ghost amphorae whose last heartbeat is older than the bound.', [
        `stresshm_stale_amphorae{over="1_interval"} ${s?.staleOver1 ?? 0}`,
        `stresshm_stale_amphorae{over="2_intervals"} ${s?.staleOver2 ?? 0}`,
        `stresshm_stale_amphorae{over="heartbeat_timeout"} ${s?.staleOverTimeout ?? 0}`,
      ]),
      ...family('stresshm_offered_heartbeats_per_second', 'gauge', 'Heartbeats sent per second (last poll).', [
        `stresshm_offered_heartbeats_per_second ${s?.offeredPerSec ?? 0}`,
      ]),
      ...family('stresshm_processed_heartbeats_per_second', 'gauge', 'Heartbeats processed per second (last poll).', [
        `stresshm_processed_heartbeats_per_second ${s?.processedPerSec ?? 0}`,
      ]),
      ...family(
        'stresshm_phase',
        'gauge',
        'The phase the run is in (1) and the others (0).',
        PHASES.map((p) => `stresshm_phase{phase="${p}"} ${p === this.phase ? 1 : 0}`),
      ),
      ...family('stresshm_runs_total', 'counter', 'Stress runs started (capacity steps count one each).', [
        `stresshm_runs_total ${this.runs}`,
      ]),
      '',
    ].join('\n');
  }
}

/** The HTTP endpoint; listen() resolves with the port (PORT 0 picks a free one). */
export class MetricsServer {
  readonly state = new MetricsState();
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      if (req.method === 'GET' && (req.url === '/metrics' || req.url?.startsWith('/metrics?'))) {
        res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
        res.end(this.state.render());
        return;
      }
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('see /metrics\n');
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new UsageError(`--metrics-port ${port}: cannot listen on 127.0.0.1 (${e.code ?? e.message})`)),
      );
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
