// Follows health manager log files (--hm-log) from their current end and counts what the
// operator used to grep for: dropped heartbeats, listener-count mismatches, HMAC failures,
// tracebacks and failover attempts.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

export interface LogCounts {
  drops: number;
  listenerMismatch: number;
  hmacFailures: number;
  tracebacks: number;
  failovers: number;
  /** "The amphora ... is missing from the DB": a heartbeat arrived after its rows were removed. */
  missingFromDb: number;
}

export const PATTERNS: Array<[keyof LogCounts, RegExp]> = [
  ['drops', /THIS IS NOT GOOD/],
  ['listenerMismatch', /health message reports \d+ listeners when \d+ expected/],
  ['hmacFailures', /calculated hmac\(hex=False\).*not equal to msg hmac|InvalidHMACException|Health Manager experienced an exception processing a heartbeat message/],
  ['tracebacks', /Traceback \(most recent call last\)/],
  ['failovers', /(Attempting failover|failover of amphora|Performing failover|Stale amphora)/i],
  ['missingFromDb', /is missing from the DB/],
];

export function emptyCounts(): LogCounts {
  return { drops: 0, listenerMismatch: 0, hmacFailures: 0, tracebacks: 0, failovers: 0, missingFromDb: 0 };
}

/** Adds the matches of complete lines in `text` to `counts`. */
export function countLines(text: string, counts: LogCounts): void {
  for (const line of text.split('\n')) {
    for (const [k, re] of PATTERNS) if (re.test(line)) counts[k]++;
  }
}

class FollowedFile {
  private offset: number;
  private partial = '';

  constructor(readonly path: string) {
    this.offset = sizeOf(path);
  }

  /** New complete lines since the last read; restarts from 0 after truncation or rotation. */
  read(): string {
    const size = sizeOf(this.path);
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return '';
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      return '';
    }
    try {
      const len = fstatSync(fd).size - this.offset;
      const buf = Buffer.alloc(Math.max(0, len));
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const text = this.partial + buf.subarray(0, n).toString('utf8');
      const cut = text.lastIndexOf('\n');
      this.partial = cut >= 0 ? text.slice(cut + 1) : text;
      return cut >= 0 ? text.slice(0, cut) : '';
    } finally {
      closeSync(fd);
    }
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export class HmLogFollower {
  readonly counts = emptyCounts();
  private readonly files: FollowedFile[];

  constructor(paths: string[]) {
    this.files = paths.map((p) => new FollowedFile(p));
  }

  get following(): boolean {
    return this.files.length > 0;
  }

  /** Every counted line so far: the drain waits until this stops growing. */
  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Reads what was appended since the last call and updates the counts. */
  poll(): LogCounts {
    for (const f of this.files) countLines(f.read(), this.counts);
    return this.counts;
  }
}
