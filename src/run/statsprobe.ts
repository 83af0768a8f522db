// Watches the HM's statistics pool, which writes listener_statistics apart from the health
// pool and may lag far behind it: the rows of the run's amphorae (up to SAMPLE of them, read
// by the amphora_id index in chunks) are summed each drain poll, and any change means the
// pool is still working.

import type { Queryable } from './monitor';

const SAMPLE = 20000;
const CHUNK = 5000;

export class StatsProbe {
  private readonly sample: string[];
  private last?: string;

  constructor(
    private readonly db: Queryable,
    amphoraIds: string[],
  ) {
    const step = Math.max(1, Math.floor(amphoraIds.length / SAMPLE));
    this.sample = amphoraIds.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  }

  /** True when the sampled rows changed since the previous call (false on the first, or when unreadable). */
  async changed(): Promise<boolean> {
    if (this.sample.length === 0) return false;
    const parts: string[] = [];
    try {
      for (let i = 0; i < this.sample.length; i += CHUNK) {
        const rows: Array<{ n: number; s: number }> = await this.db.query(
          'SELECT COUNT(*) AS n, ' +
            'COALESCE(SUM(bytes_in + bytes_out + active_connections + total_connections), 0) AS s ' +
            'FROM listener_statistics WHERE amphora_id IN (?)',
          [this.sample.slice(i, i + CHUNK)],
        );
        parts.push(`${rows[0].n}/${rows[0].s}`);
      }
    } catch {
      return false; // the database read is judged by the monitor's own poll
    }
    const sig = parts.join(',');
    const moved = this.last !== undefined && sig !== this.last;
    this.last = sig;
    return moved;
  }
}
