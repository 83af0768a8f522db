// Fleet profiles as data: the shape of one load balancer, the profile (shapes with LB counts
// and member status shares), k-anonymous merging of rare shapes, and the deterministic plan a
// profile gives at a scale and seed (largest-remainder rounding, seeded LB order and statuses).

import { UsageError } from '../errors';

export interface PoolShape {
  protocol: string;
  members: number;
  /** Health monitor type, or null for a pool without one. */
  health_monitor: string | null;
  /** Session persistence type, or null. */
  session_persistence: string | null;
}

export interface ListenerShape {
  protocol: string;
  default_pool: PoolShape | null;
  /** Pools only reached through this listener's L7 policies (REDIRECT_TO_POOL). */
  redirect_pools: PoolShape[];
  /** Rules of each L7 policy, in position order. */
  l7policies: number[];
}

export interface LbShape {
  topology: 'SINGLE' | 'ACTIVE_STANDBY';
  /** Amphorae of the LB that are not DELETED (0 for other providers, at most 2). */
  amphorae: number;
  listeners: ListenerShape[];
  /** Pools attached to no listener. */
  unattached_pools: PoolShape[];
}

export interface ShapeCount {
  count: number;
  shape: LbShape;
}

/** Member operating status -> heartbeat word (what the HM turns back into that status). */
export const MEMBER_STATUSES = ['ONLINE', 'ERROR', 'DRAINING', 'OFFLINE', 'NO_MONITOR'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface Profile {
  format: 'stresshm-profile';
  version: 1;
  /** Smallest number of LBs a shape of this profile stands for. */
  k_anonymity: number;
  load_balancers: number;
  amphorae: number;
  /** LBs whose rare shape was merged into its nearest common shape. */
  merged_load_balancers: number;
  /** Share of each member operating status (sums to 1 when there are members). */
  member_operating_status: Record<MemberStatus, number>;
  shapes: ShapeCount[];
}

export const K_ANONYMITY = 5;

function poolKey(p: PoolShape): string {
  return `${p.protocol}/${p.members}/${p.health_monitor ?? '-'}/${p.session_persistence ?? '-'}`;
}

/** Sorts listeners and pools into one canonical order (two equal shapes serialise equally). */
export function canonicalShape(s: LbShape): LbShape {
  const byKey =
    <T>(key: (x: T) => string) =>
    (a: T, b: T) =>
      key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
  const listeners = s.listeners.map((l) => ({
    protocol: l.protocol,
    default_pool: l.default_pool ? { ...l.default_pool } : null,
    redirect_pools: [...l.redirect_pools].map((p) => ({ ...p })).sort(byKey(poolKey)),
    l7policies: [...l.l7policies],
  }));
  listeners.sort(byKey((l: ListenerShape) => JSON.stringify(l)));
  const unattached = s.unattached_pools.map((p) => ({ ...p })).sort(byKey(poolKey));
  return { topology: s.topology, amphorae: s.amphorae, listeners, unattached_pools: unattached };
}

export function shapeKey(s: LbShape): string {
  return JSON.stringify(canonicalShape(s));
}

function poolsOf(s: LbShape): PoolShape[] {
  return [
    ...s.listeners.flatMap((l) => [...(l.default_pool ? [l.default_pool] : []), ...l.redirect_pools]),
    ...s.unattached_pools,
  ];
}

/** Counts the distance between shapes is measured on. */
function features(s: LbShape): Record<string, number> {
  const f: Record<string, number> = { amphorae: s.amphorae, active_standby: s.topology === 'ACTIVE_STANDBY' ? 1 : 0 };
  for (const l of s.listeners) f[`listener_${l.protocol}`] = (f[`listener_${l.protocol}`] ?? 0) + 1;
  const pools = poolsOf(s);
  f.pools = pools.length;
  f.unattached = s.unattached_pools.length;
  f.log_members = Math.log2(1 + pools.reduce((n, p) => n + p.members, 0));
  f.monitors = pools.filter((p) => p.health_monitor).length;
  f.persistence = pools.filter((p) => p.session_persistence).length;
  f.l7policies = s.listeners.reduce((n, l) => n + l.l7policies.length, 0);
  f.l7rules = s.listeners.reduce((n, l) => n + l.l7policies.reduce((a, b) => a + b, 0), 0);
  return f;
}

const WEIGHTS: Record<string, number> = {
  amphorae: 10,
  active_standby: 10,
  pools: 2,
  unattached: 2,
  log_members: 2,
  monitors: 1,
  persistence: 1,
  l7policies: 1,
  l7rules: 0.5,
};

/** Weighted L1 distance: topology first, then listeners by protocol (5 each), pools, members (log), the rest. */
export function shapeDistance(a: LbShape, b: LbShape): number {
  const fa = features(a);
  const fb = features(b);
  let d = 0;
  for (const k of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
    d += (WEIGHTS[k] ?? 5) * Math.abs((fa[k] ?? 0) - (fb[k] ?? 0));
  }
  return d;
}

/** Groups equal shapes (canonical form) with their counts, most common first. */
export function countShapes(shapes: LbShape[]): ShapeCount[] {
  const byKey = new Map<string, ShapeCount>();
  for (const s of shapes) {
    const key = shapeKey(s);
    const e = byKey.get(key);
    if (e) e.count++;
    else byKey.set(key, { count: 1, shape: canonicalShape(s) });
  }
  return sortShapes([...byKey.values()]);
}

function sortShapes(list: ShapeCount[]): ShapeCount[] {
  return list.sort((a, b) => b.count - a.count || (shapeKey(a.shape) < shapeKey(b.shape) ? -1 : 1));
}

/**
 * Merges every shape with fewer than k LBs into its nearest common shape (one with at least k,
 * or, while there is none, the nearest other shape), rarest first, until all have k or more.
 * Returns the shapes and how many LBs were merged. A fleet of fewer than k LBs is refused.
 */
export function mergeRareShapes(list: ShapeCount[], k = K_ANONYMITY): { shapes: ShapeCount[]; merged: number } {
  const total = list.reduce((n, s) => n + s.count, 0);
  if (total < k) {
    throw new UsageError(
      `only ${total} live load balancer${total === 1 ? '' : 's'}: a profile needs at least ${k}` +
        ' so that no single load balancer can be recognised',
    );
  }
  const shapes = sortShapes(list.map((s) => ({ ...s })));
  let merged = 0;
  for (;;) {
    const rare = shapes.filter((s) => s.count < k);
    if (rare.length === 0) return { shapes, merged };
    const victim = rare[rare.length - 1];
    const others = shapes.filter((s) => s !== victim);
    const common = others.filter((s) => s.count >= k);
    const pool = common.length > 0 ? common : others;
    const target = pool.reduce((best, s) =>
      shapeDistance(victim.shape, s.shape) < shapeDistance(victim.shape, best.shape) ? s : best,
    );
    target.count += victim.count;
    merged += victim.count;
    shapes.splice(shapes.indexOf(victim), 1);
    sortShapes(shapes);
  }
}

/** mulberry32: a small seeded PRNG (the same sequence for the same seed on every machine). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Largest-remainder rounding: integers summing to round(sum(weights) * scale) (or `total`),
 * each within one of its exact share. Ties of remainders go by a seeded order.
 */
export function largestRemainder(weights: number[], scale: number, seed: number, total?: number): number[] {
  const exact = weights.map((w) => w * scale);
  const out = exact.map((x) => Math.floor(x + 1e-9));
  const want = total ?? Math.round(exact.reduce((a, b) => a + b, 0));
  const rnd = seededRandom(seed);
  const tie = weights.map(() => rnd());
  const order = exact.map((_, i) => i).sort((a, b) => exact[b] - out[b] - (exact[a] - out[a]) || tie[a] - tie[b]);
  let left = want - out.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0 && order.length > 0; i = (i + 1) % order.length, left--) out[order[i]]++;
  return out;
}

/** Topology -> amphora roles of a ghost (0, 1 or 2 amphorae). */
export function rolesOf(s: LbShape): Array<'STANDALONE' | 'MASTER' | 'BACKUP'> {
  if (s.amphorae === 0) return [];
  return s.topology === 'ACTIVE_STANDBY' && s.amphorae >= 2 ? ['MASTER', 'BACKUP'] : ['STANDALONE'];
}

export function membersOf(s: LbShape): number {
  return poolsOf(s).reduce((n, p) => n + p.members, 0);
}

export function poolCount(s: LbShape): number {
  return poolsOf(s).length;
}

/** A profile's plan at one scale and seed: which shape each ghost LB has and every member's status. */
export interface ShapePlan {
  shapes: LbShape[];
  /** Count of each shape at this scale (same order as `shapes`). */
  counts: number[];
  /** Shape index of LB number i+1 (seeded order). */
  lbShape: Uint32Array;
  /** Members before LB number i+1 (a member's fleet-wide ordinal = base + index within its LB). */
  memberBase: Float64Array;
  totalMembers: number;
  /** Members per status at this scale (largest remainder over the profile's shares). */
  statusCounts: Record<MemberStatus, number>;
  /** A bijection of member ordinals (a * j + b mod totalMembers), seeded. */
  permA: number;
  permB: number;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function seededShuffle(list: Uint32Array, rnd: () => number): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = list[i];
    list[i] = list[j];
    list[j] = t;
  }
}

/** The profile's member status shares, normalised (no members: all ONLINE). */
export function normalisedShares(profile: Profile): number[] {
  const shares = MEMBER_STATUSES.map((s) => profile.member_operating_status[s] ?? 0);
  const sum = shares.reduce((a, b) => a + b, 0);
  return sum > 0 ? shares.map((x) => x / sum) : shares.map((_, i) => (i === 0 ? 1 : 0));
}

/** The shares as the heartbeat encoder's member status buckets (ERROR=DOWN, DRAINING, OFFLINE=MAINT, NO_MONITOR). */
export function profileChurn(profile: Profile): { down: number; drain: number; maint: number; nocheck: number } {
  const [, down, drain, maint, nocheck] = normalisedShares(profile);
  return { down, drain, maint, nocheck };
}

export function planShapes(profile: Profile, scale: number, seed: number): ShapePlan {
  const shapes = profile.shapes.map((s) => s.shape);
  const counts = largestRemainder(
    profile.shapes.map((s) => s.count),
    scale,
    seed,
  );
  const total = counts.reduce((a, b) => a + b, 0);
  const lbShape = new Uint32Array(total);
  let k = 0;
  counts.forEach((c, i) => {
    for (let n = 0; n < c; n++) lbShape[k++] = i;
  });
  const rnd = seededRandom(seed ^ 0x5bd1e995);
  seededShuffle(lbShape, rnd);
  const memberBase = new Float64Array(total);
  let m = 0;
  for (let i = 0; i < total; i++) {
    memberBase[i] = m;
    m += membersOf(shapes[lbShape[i]]);
  }
  const norm = normalisedShares(profile);
  const per = largestRemainder(norm, m, seed, m);
  const statusCounts = Object.fromEntries(MEMBER_STATUSES.map((s, i) => [s, per[i]])) as Record<MemberStatus, number>;
  let permA = 1;
  if (m > 1) {
    permA = 1 + Math.floor(rnd() * (m - 1));
    while (gcd(permA, m) !== 1) permA = (permA % (m - 1)) + 1;
  }
  return {
    shapes,
    counts,
    lbShape,
    memberBase,
    totalMembers: m,
    statusCounts,
    permA,
    permB: m > 0 ? Math.floor(rnd() * m) : 0,
  };
}

/** The operating status of the member with fleet-wide ordinal `j` (exact counts per status). */
export function memberStatusAt(p: ShapePlan, j: number): MemberStatus {
  const slot = (p.permA * j + p.permB) % p.totalMembers;
  let upTo = 0;
  for (const s of MEMBER_STATUSES) {
    upTo += p.statusCounts[s];
    if (slot < upTo) return s;
  }
  return 'ONLINE';
}
