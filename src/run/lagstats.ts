// Processing-lag statistics in fixed buckets, as Locust keeps response times: memory stays
// the same for a minute-long run and a week-long one. Buckets are 10 ms wide up to 10 s,
// 100 ms up to 100 s and 1 s beyond, far finer than the lag's measured resolution.

const FINE_LIMIT = 10;
const MID_LIMIT = 100;
const FINE_BUCKETS = FINE_LIMIT * 100;
const MID_BUCKETS = (MID_LIMIT - FINE_LIMIT) * 10;
const COARSE_BUCKETS = 3600;

function bucketOf(secs: number): number {
  const s = Math.max(0, secs);
  if (s < FINE_LIMIT) return Math.floor(s * 100);
  if (s < MID_LIMIT) return FINE_BUCKETS + Math.floor((s - FINE_LIMIT) * 10);
  return FINE_BUCKETS + MID_BUCKETS + Math.min(COARSE_BUCKETS - 1, Math.floor(s - MID_LIMIT));
}

/** The upper edge of a bucket: a percentile is never reported below the lags it stands for. */
function upperEdge(b: number): number {
  if (b < FINE_BUCKETS) return (b + 1) / 100;
  if (b < FINE_BUCKETS + MID_BUCKETS) return FINE_LIMIT + (b - FINE_BUCKETS + 1) / 10;
  return MID_LIMIT + (b - FINE_BUCKETS - MID_BUCKETS + 1);
}

export class LagHistogram {
  private readonly counts = new Float64Array(FINE_BUCKETS + MID_BUCKETS + COARSE_BUCKETS);
  private n = 0;
  private max = 0;

  add(lagSecs: number): void {
    this.counts[bucketOf(lagSecs)]++;
    this.n++;
    if (lagSecs > this.max) this.max = lagSecs;
  }

  addAll(lags: Iterable<number>): void {
    for (const l of lags) this.add(l);
  }

  get count(): number {
    return this.n;
  }

  /** The largest lag seen, exactly. */
  get maximum(): number {
    return this.max;
  }

  /** How many lags exceed `secs` (counted by bucket: a bucket straddling `secs` counts as above). */
  countAbove(secs: number): number {
    let n = 0;
    for (let b = bucketOf(secs); b < this.counts.length; b++) n += this.counts[b];
    return n;
  }

  /** The q-quantile (nearest rank), as the upper edge of its bucket capped at the maximum; 0 when empty. */
  percentile(q: number): number {
    if (this.n === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (let b = 0; b < this.counts.length; b++) {
      seen += this.counts[b];
      if (seen >= rank) return Math.min(this.max, upperEdge(b));
    }
    return this.max;
  }
}

/** Lags of the last `spanMs` (one heartbeat interval): bounded by the rate times the span. */
export class RecentLags {
  private entries: Array<[number, number]> = [];

  add(t: number, lags: number[]): void {
    for (const l of lags) this.entries.push([t, l]);
  }

  sorted(now: number, spanMs: number): number[] {
    this.entries = this.entries.filter(([t]) => now - t <= spanMs);
    return this.entries.map(([, l]) => l).sort((a, b) => a - b);
  }
}
