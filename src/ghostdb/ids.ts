// Ghost row ids. `v7`: RFC 9562 UUIDv7 (48-bit Unix milliseconds, then a 42-bit counter, then
// 32 random bits), strictly increasing within a generator even within one millisecond, so a run's
// rows are contiguous in every primary key and inserts land near the right edge of each B-tree.
// They are handed out in shuffled blocks (dealer): ordered from block to block (locality for
// populate and clean), random within a block, so the rows of ONE load balancer still lie on
// different pages, as production's random UUIDv4 ids do. The health manager's per-heartbeat query
// (amphora -> load_balancer -> listener, pool -> member, see README "Ghost ids") then reads as many
// pages per heartbeat as it would in production. `v4`: random UUIDv4 (the old scheme).

import { randomFillSync, randomUUID } from 'node:crypto';

export type IdScheme = 'v4' | 'v7';
export const ID_SCHEMES: readonly IdScheme[] = ['v7', 'v4'];

/** A source of row ids. */
export type IdSource = () => string;

const COUNTER_BITS = 42;
const COUNTER_LIMIT = 2 ** COUNTER_BITS;
const LOW_BITS = 2 ** 30;

/** Random bytes drawn 4 KiB at a time (one syscall per 1024 ids). */
class RandomPool {
  private buf = Buffer.alloc(4096);
  private at = this.buf.length;

  uint32(): number {
    if (this.at + 4 > this.buf.length) {
      randomFillSync(this.buf);
      this.at = 0;
    }
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }
}

const hex = (n: number, digits: number) => n.toString(16).padStart(digits, '0');

/** Formats a UUIDv7 from milliseconds, a 42-bit counter and 32 random bits (canonical lowercase). */
export function formatV7(ms: number, counter: number, rand: number): string {
  const ts = hex(ms, 12);
  const high = Math.floor(counter / LOW_BITS); // 12 bits: rand_a
  const low = counter % LOW_BITS; // 30 bits: the head of rand_b, after the variant bits
  const varByte = 0x80 | Math.floor(low / 2 ** 24);
  const next8 = Math.floor(low / 2 ** 16) % 256;
  return (
    `${ts.slice(0, 8)}-${ts.slice(8)}-7${hex(high, 3)}-${hex(varByte, 2)}${hex(next8, 2)}-` +
    `${hex(low % 2 ** 16, 4)}${hex(rand >>> 0, 8)}`
  );
}

/**
 * A UUIDv7 generator (RFC 9562 section 6.2, method 1: a fixed 42-bit counter seeded at random
 * in each new millisecond). Every id is greater than the one before, also when the clock stands
 * still or steps back (the last millisecond is kept and the counter advanced; on overflow the
 * timestamp moves one millisecond ahead).
 */
export function uuidv7Generator(now: () => number = Date.now, seedCounter?: () => number): IdSource {
  const rnd = new RandomPool();
  let lastMs = -1;
  let counter = 0;
  // 41 random bits: room to count (tests may seed it near the limit).
  const seed = seedCounter ?? (() => (rnd.uint32() % 2 ** 9) * 2 ** 32 + rnd.uint32());
  return () => {
    const t = now();
    if (t > lastMs) {
      lastMs = t;
      counter = seed();
    } else if (++counter >= COUNTER_LIMIT) {
      lastMs++;
      counter = seed();
    }
    return formatV7(lastMs, counter, rnd.uint32());
  };
}

/** Ids per dealt block: a few MB of rows across the tables, well inside a 128 MB buffer pool. */
export const DEAL_BLOCK = 16_384;

/** Deals the source's ids in shuffled blocks of `block`: every block above the last, random inside. */
export function dealer(source: IdSource, block = DEAL_BLOCK): IdSource {
  let ids: string[] = [];
  return () => {
    if (ids.length === 0) {
      ids = Array.from({ length: block }, source);
      for (let i = ids.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [ids[i], ids[j]] = [ids[j], ids[i]];
      }
    }
    return ids.pop()!;
  };
}

/** The id source of a scheme: v7 dealt in shuffled blocks, or random UUIDv4. */
export function idSource(scheme: IdScheme): IdSource {
  return scheme === 'v4' ? randomUUID : dealer(uuidv7Generator());
}

/** The UUID version of an id (its 13th hex digit), or undefined when it is not a UUID string. */
export function uuidVersion(id: string): number | undefined {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id)
    ? Number.parseInt(id[14], 16)
    : undefined;
}

/** The id scheme of a set of ids: 'v7', 'v4', 'mixed' (several), or 'none' (no ids). */
export function schemeOf(ids: Iterable<string>): IdScheme | 'mixed' | 'none' {
  const seen = new Set<number | undefined>();
  for (const id of ids) seen.add(uuidVersion(id));
  if (seen.size === 0) return 'none';
  if (seen.size > 1) return 'mixed';
  const [v] = seen;
  return v === 7 ? 'v7' : v === 4 ? 'v4' : 'mixed';
}
