// One poll of everything a run watches: the monitor's database read (bounded, a failure is a
// gap, not a crash), the fleet's counters, the HM logs and a local HM socket's queue. It turns
// each poll into a Sample and a dashboard state, and keeps the run's lag statistics.

import type { Fleet, FleetStats } from '../engine/fleet';
import type { DashboardState } from '../terminal/dashboard';
import type { PhaseName, RunEventMap } from './events';
import type { HmLogFollower } from './hmlog';
import { LagHistogram, RecentLags } from './lagstats';
import { type EndpointDrops, KernelDrops, type Ledger, ledgerOf } from './ledger';
import { type Monitor, type PollSample, percentile } from './monitor';
import type { Sample } from './record';
import type { Endpoint } from './udpsocket';

export interface Observation {
  sample: Sample;
  state: DashboardState;
  /** Heartbeats processed plus counted HM log lines since the previous poll, and queued bytes. */
  activity: number;
  /** The database read failed this time (stalled or lost); its figures are carried over. */
  dbGap: boolean;
  /** This sample was kept in the record (polls are thinned to at most one per recordEverySecs). */
  recorded: boolean;
  /** Kernel drops at each HM endpoint's socket so far (null: not measurable). */
  endpoints: EndpointDrops[];
}

/** The `sample` event of one observation made in `phase`. */
export function sampleEvent(phase: PhaseName, o: Observation): RunEventMap['sample'] {
  return { phase, sample: o.sample, state: o.state, recorded: o.recorded, endpoints: o.endpoints };
}

export class Observer {
  readonly lags = new LagHistogram();
  private readonly recent = new RecentLags();
  readonly samples: Sample[] = [];
  staleOver1Max = 0;
  staleOver2Max = 0;
  timeoutStaleMax = 0;
  processed = 0;
  /** Epoch ms since which every database read failed (undefined while they succeed). */
  failingSinceMs?: number;
  lastDbError = '';
  /** Kernel drops at the local HM sockets since sending began. */
  readonly kernel: KernelDrops;
  private prev: { t: number; sent: number; processed: number; logTotal: number };

  private lastRecordedT = -Infinity;

  /**
   * `recordEverySecs`: samples kept for the record at most this often (polls may be 10 Hz; a
   * week-long run must not keep them all).
   */
  constructor(
    private readonly fleet: Fleet,
    private readonly monitor: Monitor,
    private readonly logs: HmLogFollower,
    endpoints: Endpoint[],
    private readonly intervalSecs: number,
    private readonly runStartMs: number,
    private readonly recordEverySecs = 1,
  ) {
    this.prev = { t: runStartMs, sent: 0, processed: 0, logTotal: 0 };
    this.kernel = new KernelDrops(endpoints);
  }

  /** Where every heartbeat sent so far went, as of the last poll (undefined before the first). */
  lastLedger?: Ledger;

  /** Where every heartbeat sent so far went (reads the fleet and the sockets now). */
  ledger(processed = this.processed): Ledger {
    return this.ledgerFrom(this.fleet.stats(), this.kernel.total(), processed);
  }

  private ledgerFrom(st: FleetStats, kernelDropped: number | null, processed: number): Ledger {
    const following = this.logs.following;
    return ledgerOf({
      sentOk: st.sent,
      sendErrors: Object.values(st.errors).reduce((a, b) => a + b, 0),
      kernelDropped,
      listenerMismatch: following ? this.logs.counts.listenerMismatch : null,
      staleDropped: following ? this.logs.counts.drops : null,
      processed,
    });
  }

  /** The next poll's delay (ms), as often as the monitor's database budget allows. */
  periodMs(): number {
    return this.monitor.periodMs();
  }

  /** The lag resolution achieved so far (s). */
  resolutionSecs(): number {
    return this.monitor.resolutionSecs();
  }

  async poll(phase: string, remainingSecs: number, judgeStale: boolean): Promise<Observation> {
    const now = Date.now();
    let dbGap = false;
    let poll: PollSample | undefined;
    try {
      poll = await this.monitor.poll(this.fleet.sendHistory(), now);
      this.failingSinceMs = undefined;
    } catch (e) {
      dbGap = true;
      this.failingSinceMs ??= now;
      this.lastDbError = e instanceof Error ? e.message.split('\n')[0] : String(e);
    }
    const st = this.fleet.stats();
    const kernel = this.kernel.read(); // one read of the sockets per poll
    const log = this.logs.following ? this.logs.poll() : undefined;
    const processedTotal = poll?.processedTotal ?? this.processed;
    if (poll) this.recent.add(now, poll.lags);
    if (poll) this.lags.addAll(poll.lags);
    const window = this.recent.sorted(now, this.intervalSecs * 1000);
    const dt = Math.max(0.001, (now - this.prev.t) / 1000);
    const last = this.samples[this.samples.length - 1];
    const sample: Sample = {
      t: (now - this.runStartMs) / 1000,
      offeredPerSec: (st.sent - this.prev.sent) / dt,
      processedPerSec: (processedTotal - this.prev.processed) / dt,
      lagP50: percentile(window, 0.5),
      lagP95: percentile(window, 0.95),
      lagP99: percentile(window, 0.99),
      staleOver1: poll?.staleOver1 ?? last?.staleOver1 ?? 0,
      staleOver2: poll?.staleOver2 ?? last?.staleOver2 ?? 0,
      staleOverTimeout: poll?.staleOverTimeout ?? last?.staleOverTimeout ?? 0,
      logDrops: log?.drops ?? 0,
      ledger: this.ledgerFrom(st, kernel.total, processedTotal),
      due: st.due,
    };
    this.lastLedger = sample.ledger;
    const logTotal = this.logs.total();
    const activity = processedTotal - this.prev.processed + (logTotal - this.prev.logTotal) + kernel.queuedBytes;
    this.prev = { t: now, sent: st.sent, processed: processedTotal, logTotal };
    const recorded = sample.t - this.lastRecordedT >= this.recordEverySecs;
    if (recorded) {
      this.samples.push(sample);
      this.lastRecordedT = sample.t;
    }
    this.processed = processedTotal;
    if (judgeStale && poll) {
      // after sending stops every amphora goes stale by design
      this.staleOver1Max = Math.max(this.staleOver1Max, poll.staleOver1);
      this.staleOver2Max = Math.max(this.staleOver2Max, poll.staleOver2);
      this.timeoutStaleMax = Math.max(this.timeoutStaleMax, poll.staleOverTimeout);
    }
    const state: DashboardState = {
      phase,
      elapsedSecs: sample.t,
      remainingSecs,
      amphorae: this.fleet.amphoraIds.length,
      sent: st.sent,
      due: st.due,
      processed: processedTotal,
      sample,
      sendErrors: st.errors,
      scheduleLagP99Ms: st.lagP99Ms,
      log,
      ledger: sample.ledger,
    };
    return { sample, state, activity, dbGap, recorded, endpoints: kernel.perEndpoint };
  }
}
