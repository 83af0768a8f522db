// The run monitor: one cheap query per poll reads amphora_health.last_update, matches each
// advance to the heartbeat it answers (from the native send history) and derives processed
// counts, processing lag and stale amphorae. last_update is a whole-second DATETIME, so a
// processing time is placed in [previous poll, this poll] ∩ [stamped second, next second]:
// polling often (adaptively, within a database-time budget) makes the lag finer than a second.
// The arithmetic is pure and unit-tested.

/** What the monitor reads through: a connection, or a session that bounds and reconnects. */
export interface Queryable {
  query<T>(sql: string, values?: unknown[]): Promise<T>;
}

import { LagHistogram } from './lagstats';

/** Whole-second DATETIME: without polls in between, a lag is known to +-0.5 s. */
export const LAG_RESOLUTION_SECS = 1;

/** Share of one database core the monitor's polls may take; the poll period follows from it. */
export const MONITOR_DB_SHARE = 0.2;
export const MIN_POLL_MS = 100;
/**
 * The longest poll period (one default heartbeat interval): a full poll of 1,000,000 amphorae
 * took 1.56 s here (bench/monitor.ts --lbs 500000), which the budget turns into 7.8 s.
 */
export const MAX_POLL_MS = 10_000;

/**
 * The HM stamps utcnow() before its commit, so a row can appear after a poll with a second older
 * than the newest one seen (the watermark). Each poll re-reads `overlap` seconds behind the
 * watermark: one more than the furthest behind any row was found lately (at least 1); every
 * WIDE_POLL_EVERY-th poll re-reads the widest window, so a commit later than any seen so far is
 * still found (and widens the overlap). At 1M amphorae the narrow window returns about a third
 * of the rows the fixed 5 s one did.
 */
export const MIN_OVERLAP_SECS = 1;
export const MAX_OVERLAP_SECS = 5;
export const WIDE_POLL_EVERY = 5;
/** Polls whose furthest-behind finds set the overlap. */
const BEHIND_MEMORY = 30;

/** The overlap (s) for the next poll, from how far behind the watermark recent rows were found. */
export function overlapSecs(recentBehind: number[], poll: number): number {
  if (poll % WIDE_POLL_EVERY === 0) return MAX_OVERLAP_SECS;
  const behind = recentBehind.reduce((a, b) => Math.max(a, b), 0);
  return Math.min(MAX_OVERLAP_SECS, Math.max(MIN_OVERLAP_SECS, Math.ceil(behind) + 1));
}

export interface SendHistory {
  depth: number;
  times: Float64Array;
  seqs: Float64Array;
}

export interface PollSample {
  /** Epoch ms of the poll. */
  t: number;
  processedTotal: number;
  processedDelta: number;
  /** Processing lags (s) of the heartbeats first seen processed in this poll. */
  lags: number[];
  staleOver1: number;
  staleOver2: number;
  staleOverTimeout: number;
}

/**
 * The heartbeat an update at `lastUpdateSec` answers: the latest send before the end
 * of that second (the HM drops what waited a whole interval, so it is the newest one).
 * Returns its send time (epoch ms) or undefined when none was sent yet.
 */
export function answeredSendTime(history: SendHistory, amphora: number, lastUpdateSec: number): number | undefined {
  return answeredBefore(history, amphora, (lastUpdateSec + 1) * 1000);
}

/** The latest send (epoch ms) of the amphora before `limit` (epoch ms), if any. */
export function answeredBefore(history: SendHistory, amphora: number, limit: number): number | undefined {
  let best: number | undefined;
  for (let j = 0; j < history.depth; j++) {
    const t = history.times[amphora * history.depth + j];
    if (t > 0 && t < limit && (best === undefined || t > best)) best = t;
  }
  return best;
}

/** Lag (s) of an update at whole second `lastUpdateSec` answering a send at `sentMs`. */
export function processingLag(lastUpdateSec: number, sentMs: number): number {
  return Math.max(0, lastUpdateSec + 0.5 - sentMs / 1000);
}

/**
 * When (epoch s) the HM processed an update stamped `stampSec`, first seen by the poll that
 * started at `pollMs` after one at `prevPollMs`: the intersection of the stamped second and the
 * polls' window, or the whole second when they do not meet (a commit that lagged its stamp).
 */
export function processingWindow(stampSec: number, prevPollMs: number, pollMs: number): { lo: number; hi: number } {
  const lo = Math.max(stampSec, prevPollMs / 1000);
  const hi = Math.min(stampSec + 1, pollMs / 1000);
  return lo < hi ? { lo, hi } : { lo: stampSec, hi: stampSec + 1 };
}

/** Up to this many amphorae the monitor polls at least every SMALL_FLEET_MAX_POLL_MS, whatever the budget. */
export const SMALL_FLEET = 10_000;
export const SMALL_FLEET_MAX_POLL_MS = 200;

/** The poll period that keeps the monitor's database time within MONITOR_DB_SHARE. */
export function pollPeriodMs(queryMs: number, amphorae = 0): number {
  const budget = Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, queryMs / MONITOR_DB_SHARE));
  // a slow answer from a busy server must not cost a small fleet its sub-second lag resolution
  return amphorae <= SMALL_FLEET ? Math.min(budget, SMALL_FLEET_MAX_POLL_MS) : budget;
}

/** Seconds since the amphora was last heard of by the HM (never before the run began). */
export function staleness(nowMs: number, lastUpdateSec: number, runStartMs: number): number {
  return (nowMs - Math.max(lastUpdateSec * 1000, runStartMs)) / 1000;
}

export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export interface StaleCounts {
  over1: number;
  over2: number;
  overTimeout: number;
}

/** Staleness beyond 1 and 2 intervals and beyond heartbeat_timeout; +1 s for whole-second rounding. */
export function countStale(ages: Iterable<number>, intervalSecs: number, timeoutSecs: number): StaleCounts {
  const c = { over1: 0, over2: 0, overTimeout: 0 };
  for (const age of ages) {
    if (age > intervalSecs + LAG_RESOLUTION_SECS) c.over1++;
    if (age > 2 * intervalSecs + LAG_RESOLUTION_SECS) c.over2++;
    if (age > timeoutSecs) c.overTimeout++;
  }
  return c;
}

export class Monitor {
  private readonly index = new Map<string, number>();
  private readonly lastSeen: Float64Array;
  private processed = 0;
  private watermarkSec: number;
  private lastPollMs: number;
  /** Durations (ms) of the last polls' queries; their median sets the next period. */
  private readonly queryMs: number[] = [];
  /** Per recent poll: how far (s) behind the watermark its furthest new row was stamped. */
  private readonly behind: number[] = [];
  private polls = 0;
  /** Widths (s) of the windows the processing times were placed in: the achieved resolution. */
  readonly windows = new LagHistogram();

  constructor(
    private readonly conn: Queryable,
    amphoraIds: string[],
    private readonly intervalSecs: number,
    private readonly timeoutSecs: number,
    private readonly runStartMs: number,
  ) {
    amphoraIds.forEach((id, i) => {
      this.index.set(id, i);
    });
    this.lastSeen = new Float64Array(amphoraIds.length);
    this.watermarkSec = Math.floor(runStartMs / 1000) - 1;
    this.lastPollMs = runStartMs;
  }

  /** The next poll's delay: as often as the database-time budget allows. */
  periodMs(): number {
    const sorted = [...this.queryMs].sort((a, b) => a - b);
    return pollPeriodMs(sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0, this.lastSeen.length);
  }

  /** The lag resolution achieved (s): the 95th percentile of the placement windows' widths. */
  resolutionSecs(): number {
    return this.windows.count > 0 ? this.windows.percentile(0.95) : LAG_RESOLUTION_SECS;
  }

  /** Records where every row stands before sending starts; only later advances count. */
  async baseline(): Promise<void> {
    const rows: Array<{ id: string; t: number }> = await this.conn.query(
      'SELECT amphora_id AS id, UNIX_TIMESTAMP(last_update) AS t FROM amphora_health',
    );
    for (const r of rows) {
      const i = this.index.get(r.id);
      if (i !== undefined) this.lastSeen[i] = Number(r.t);
    }
  }

  /** Reads the rows updated since the last poll (a scan of amphora_health, no joins). */
  async poll(history: SendHistory, nowMs = Date.now()): Promise<PollSample> {
    const startedMs = Date.now();
    // Re-read a little behind the newest update seen (see overlapSecs).
    const watermark = this.watermarkSec;
    const rows: Array<{ id: string; t: number }> = await this.conn.query(
      'SELECT amphora_id AS id, UNIX_TIMESTAMP(last_update) AS t FROM amphora_health WHERE last_update >= ' +
        'FROM_UNIXTIME(?)',
      [watermark - overlapSecs(this.behind, this.polls++)],
    );
    let behind = 0;
    this.queryMs.push(Date.now() - startedMs);
    if (this.queryMs.length > 5) this.queryMs.shift();
    const prevPollMs = this.lastPollMs;
    this.lastPollMs = startedMs;
    const lags: number[] = [];
    let delta = 0;
    for (const r of rows) {
      const i = this.index.get(r.id);
      const t = Number(r.t);
      if (i === undefined || t <= this.lastSeen[i]) continue;
      const w = processingWindow(t, prevPollMs, startedMs);
      const sent = answeredBefore(history, i, w.hi * 1000);
      if (sent === undefined || sent < this.runStartMs) continue; // the row populate wrote
      this.lastSeen[i] = t;
      behind = Math.max(behind, watermark - t);
      delta++;
      this.windows.add(w.hi - w.lo);
      lags.push(Math.max(0, (w.lo + w.hi) / 2 - sent / 1000));
      if (t > this.watermarkSec) this.watermarkSec = t;
    }
    this.behind.push(behind);
    if (this.behind.length > BEHIND_MEMORY) this.behind.shift();
    this.processed += delta;
    const stale = countStale(this.ages(nowMs), this.intervalSecs, this.timeoutSecs);
    return {
      t: nowMs,
      processedTotal: this.processed,
      processedDelta: delta,
      lags,
      staleOver1: stale.over1,
      staleOver2: stale.over2,
      staleOverTimeout: stale.overTimeout,
    };
  }

  private *ages(nowMs: number): Generator<number> {
    for (let i = 0; i < this.lastSeen.length; i++) yield staleness(nowMs, this.lastSeen[i], this.runStartMs);
  }
}
