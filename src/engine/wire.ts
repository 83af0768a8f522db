// The heartbeat wire format in TypeScript: the reference encoder that the native packets
// must equal byte for byte, and the deterministic status and stats functions both share.
// A packet is what a real amphora sends for the same message (Octavia's wrap_envelope):
// json.dumps text (pyjson.ts) in the health daemon's key order, zlib level 9 with the
// system zlib that Python links (node's bundled zlib gives other bytes, so compression is
// the engine's own, proven against Python's in the tests), and the hex HMAC-SHA256.

import { createHmac } from 'node:crypto';
import { native } from './native';
import { pyJsonDumps } from './pyjson';

/** zlib.compress(..., 9): the level an amphora's health sender uses. */
export const AMPHORA_ZLIB_LEVEL = 9;

export interface ChurnSpec {
  down: number;
  drain: number;
  maint: number;
  nocheck: number;
  listenerFull: number;
  perInterval: number;
}

export interface SpecPool {
  id: string;
  listener: string;
  members: string[];
}
export interface SpecLb {
  listeners: string[];
  pools: SpecPool[];
}
export interface SpecAmphora {
  id: string;
  lb: number;
}
export interface SpecEndpoint {
  host: string;
  port: number;
}

/** What the native engine receives (msgpack) and the reference encoder reads. */
export interface FleetSpec {
  key: string;
  version: 1 | 2 | 3;
  intervalMs: number;
  /** The raw 32-byte digest of very old amphorae instead of the hex one (never the default). */
  legacyDigest: boolean;
  burst: boolean;
  threads: number;
  /** AMPHORA_ZLIB_LEVEL unless deliberately otherwise. */
  zlibLevel: number;
  /** "," and ":" separators instead of Python's default ones (never the default). */
  compactJson?: boolean;
  churn: ChurnSpec;
  endpoints: SpecEndpoint[];
  lbs: SpecLb[];
  amphorae: SpecAmphora[];
}

export type MemberWord = 'UP' | 'DOWN' | 'DRAIN' | 'MAINT' | 'no check';

/** FNV-1a over the id's UTF-8 bytes, then murmur3's finaliser so similar ids spread evenly. */
export function idHash(id: string): number {
  const s = Buffer.from(id, 'utf8');
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s[i];
    h = Math.imul(h, 16777619) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Ordinal of each pool's first member among all members of the fleet (LB order, pool order). */
export function memberOrdinals(spec: Pick<FleetSpec, 'lbs'>): { firstOrdinal: Map<SpecPool, number>; total: number } {
  const firstOrdinal = new Map<SpecPool, number>();
  let total = 0;
  for (const lb of spec.lbs) {
    for (const p of lb.pools) {
      firstOrdinal.set(p, total);
      total += p.members.length;
    }
  }
  return { firstOrdinal, total };
}

/**
 * A member's status word in interval `n`: a fixed base from its id's hash and the shares,
 * toggled (UP <-> DOWN) each time the churn window, `perInterval` members wide and moving
 * cyclically through the member ordinals, passes over it.
 */
export function memberStatus(c: ChurnSpec, id: string, ordinal: number, n: number, totalMembers: number): MemberWord {
  const u = idHash(id) / 4294967296;
  let base: MemberWord = 'UP';
  if (u < c.down) base = 'DOWN';
  else if (u < c.down + c.drain) base = 'DRAIN';
  else if (u < c.down + c.drain + c.maint) base = 'MAINT';
  else if (u < c.down + c.drain + c.maint + c.nocheck) base = 'no check';
  const covered = c.perInterval * n;
  if (c.perInterval === 0 || totalMembers === 0 || covered <= ordinal) return base;
  const toggles = Math.floor((covered - 1 - ordinal) / totalMembers) + 1;
  if (toggles % 2 === 0) return base;
  return base === 'UP' ? 'DOWN' : 'UP';
}

export function listenerStatus(c: ChurnSpec, id: string): 'OPEN' | 'FULL' {
  return idHash(id) / 4294967296 < c.listenerFull ? 'FULL' : 'OPEN';
}

export interface ListenerStats {
  tx: number;
  rx: number;
  conns: number;
  totconns: number;
  ereq: number;
}

/** Per-heartbeat traffic of listener `l` of amphora `a` at sequence `s` (never negative). */
export function statsDelta(a: number, l: number, s: number): ListenerStats {
  const totconns = 10 + ((a * 13 + l * 5 + s) % 90);
  return {
    tx: totconns * 5400,
    rx: totconns * 1200 + (s % 7) * 100,
    conns: (a * 7 + l * 3 + s) % 50,
    totconns,
    ereq: s % 97 === 0 ? 1 : 0,
  };
}

/** What heartbeat `seq` (from 0) reports: deltas (v3) or running totals over 0..seq (v1, v2). */
export function statsAt(version: number, a: number, l: number, seq: number): ListenerStats {
  if (version >= 3) return statsDelta(a, l, seq);
  const t: ListenerStats = { tx: 0, rx: 0, conns: 0, totconns: 0, ereq: 0 };
  for (let s = 0; s <= seq; s++) {
    const d = statsDelta(a, l, s);
    t.tx += d.tx;
    t.rx += d.rx;
    t.totconns += d.totconns;
    t.ereq += d.ereq;
    t.conns = d.conns;
  }
  return t;
}

/** A pool's entry in a heartbeat: its status word and its members' words in interval `n`. */
export function poolMessage(
  spec: FleetSpec,
  p: SpecPool,
  first: number,
  total: number,
  n: number,
): { status: string; members: Record<string, string> } {
  const words = p.members.map((m, k) => memberStatus(spec.churn, m, first + k, n, total));
  const status = words.length > 0 && words.every((w) => w === 'DOWN') ? 'DOWN' : 'UP';
  return { status, members: Object.fromEntries(p.members.map((m, k) => [m, words[k]])) };
}

/** The status message of amphora `a`'s heartbeat `seq` (from 0, as a real amphora counts), sent in interval seq. */
export function buildMessage(spec: FleetSpec, a: number, seq: number): Record<string, unknown> {
  const amp = spec.amphorae[a];
  const lb = spec.lbs[amp.lb];
  const n = seq;
  const { firstOrdinal, total } = memberOrdinals(spec);
  const listeners: Record<string, unknown> = {};
  lb.listeners.forEach((id, l) => {
    const entry: Record<string, unknown> = {
      status: listenerStatus(spec.churn, id),
      stats: statsAt(spec.version, a, l, seq),
    };
    if (spec.version < 2) {
      entry.pools = Object.fromEntries(
        lb.pools
          .filter((p) => p.listener === id)
          .map((p) => [p.id, poolMessage(spec, p, firstOrdinal.get(p)!, total, n)]),
      );
    }
    listeners[id] = entry;
  });
  // The health daemon's key order: id, seq, listeners, pools, ver (v1: id, seq, listeners).
  const msg: Record<string, unknown> = { id: amp.id, seq, listeners };
  if (spec.version >= 2) {
    msg.pools = Object.fromEntries(
      lb.pools.map((p) => [`${p.id}:${p.listener}`, poolMessage(spec, p, firstOrdinal.get(p)!, total, n)]),
    );
    msg.ver = spec.version;
  }
  return msg;
}

/** The message as the amphora serialises it: json.dumps(msg) (or compact, when asked). */
export function messageJson(spec: FleetSpec, a: number, seq: number): string {
  return pyJsonDumps(buildMessage(spec, a, seq), spec.compactJson ?? false);
}

/** zlib.compress(json, level) + HMAC-SHA256 digest (hex, or raw bytes for very old amphorae). */
export function wrapEnvelope(json: string, key: string, legacyDigest: boolean, level = AMPHORA_ZLIB_LEVEL): Buffer {
  const body = native().deflate(Buffer.from(json, 'utf8'), level);
  const mac = createHmac('sha256', key).update(body);
  return Buffer.concat([body, legacyDigest ? mac.digest() : Buffer.from(mac.digest('hex'), 'ascii')]);
}

export function encodeHeartbeat(spec: FleetSpec, a: number, seq: number): Buffer {
  return wrapEnvelope(messageJson(spec, a, seq), spec.key, spec.legacyDigest, spec.zlibLevel);
}
