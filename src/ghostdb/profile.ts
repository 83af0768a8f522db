// Reads a fleet profile from a real Octavia database: read-only aggregate queries over the
// live load balancers (not DELETED, not stresshm ghosts of any prefix), each LB reduced to its
// shape, rare shapes merged (k-anonymity). Identifiers stay in memory; the profile holds counts only.

import type { Conn } from './db';
import { ghostNameSql, prefixNameSql } from './names';
import { hasColumn, type Schema } from './schema';
import {
  countShapes,
  K_ANONYMITY,
  type LbShape,
  MEMBER_STATUSES,
  type MemberStatus,
  mergeRareShapes,
  type PoolShape,
  type Profile,
} from './shapes';

type Q = { sql: string; params: unknown[] };

/** Not DELETED (when the table has the column). */
function live(schema: Schema, table: string, alias: string): string {
  return hasColumn(schema, table, 'provisioning_status') ? `${alias}.provisioning_status <> 'DELETED'` : '1 = 1';
}

/** The live LBs that are not ghosts, or (with `prefix`) the ghosts of one run. */
function liveLbs(schema: Schema, prefix?: string): Q {
  const ghost = prefix ? prefixNameSql('lb.name', prefix) : ghostNameSql("COALESCE(lb.name, '')");
  const where = `${live(schema, 'load_balancer', 'lb')} AND ${prefix ? '' : 'NOT '}${ghost.sql}`;
  return { sql: `SELECT lb.id FROM load_balancer lb WHERE ${where}`, params: ghost.params };
}

interface Raw {
  lbs: Array<{ id: string; topology: string | null }>;
  amps: Array<{ lb: string; n: number }>;
  listeners: Array<{ id: string; lb: string; protocol: string; pool: string | null }>;
  pools: Array<{ id: string; lb: string; protocol: string }>;
  members: Array<{ pool: string; status: string; n: number }>;
  monitors: Array<{ pool: string; type: string }>;
  persistence: Array<{ pool: string; type: string }>;
  policies: Array<{ listener: string; pool: string | null; rules: number }>;
}

/** The aggregate queries, in one read-only snapshot. */
async function readRaw(conn: Conn, schema: Schema, prefix?: string): Promise<Raw> {
  const L = liveLbs(schema, prefix);
  const q = async <T>(sql: string): Promise<T[]> =>
    conn.query(
      sql.replace(/\bLIVE_LBS\b/g, L.sql),
      sql
        .split('LIVE_LBS')
        .slice(1)
        .flatMap(() => L.params),
    );
  const enabled = hasColumn(schema, 'listener', 'enabled') ? 'AND l.enabled = 1' : '';
  const pools = `SELECT p.id FROM pool p WHERE ${live(schema, 'pool', 'p')} AND p.load_balancer_id IN (LIVE_LBS)`;
  const listeners =
    `SELECT l.id FROM listener l WHERE ${live(schema, 'listener', 'l')} ${enabled}` +
    ' AND l.load_balancer_id IN (LIVE_LBS)';
  return {
    lbs: await q(`SELECT lb.id, lb.topology FROM load_balancer lb WHERE lb.id IN (LIVE_LBS)`),
    amps: await q(`SELECT a.load_balancer_id AS lb, COUNT(*) AS n FROM amphora a WHERE a.status <> 'DELETED'
      AND a.load_balancer_id IN (LIVE_LBS) GROUP BY a.load_balancer_id`),
    listeners: await q(`SELECT l.id, l.load_balancer_id AS lb, l.protocol, l.default_pool_id AS pool FROM listener l
      WHERE l.id IN (${listeners})`),
    pools: await q(`SELECT p.id, p.load_balancer_id AS lb, p.protocol FROM pool p WHERE p.id IN (${pools})`),
    members: await q(`SELECT m.pool_id AS pool, m.operating_status AS status, COUNT(*) AS n FROM member m
      WHERE ${live(schema, 'member', 'm')} AND m.pool_id IN (${pools}) GROUP BY m.pool_id, m.operating_status`),
    monitors: await q(`SELECT h.pool_id AS pool, h.type FROM health_monitor h
      WHERE ${live(schema, 'health_monitor', 'h')} AND h.pool_id IN (${pools})`),
    persistence: await q(`SELECT s.pool_id AS pool, s.type FROM session_persistence s WHERE s.pool_id IN (${pools})`),
    policies: await q(`SELECT o.listener_id AS listener, o.redirect_pool_id AS pool,
      (SELECT COUNT(*) FROM l7rule r WHERE r.l7policy_id = o.id) AS rules FROM l7policy o
      WHERE ${live(schema, 'l7policy', 'o')} AND o.listener_id IN (${listeners}) ORDER BY o.listener_id, o.position`),
  };
}

function group<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(key(r));
    if (list) list.push(r);
    else m.set(key(r), [r]);
  }
  return m;
}

/** Each live LB's shape (in memory only) and the member status totals. */
export function shapesOf(raw: Raw): { shapes: LbShape[]; statuses: Record<string, number> } {
  const membersOf = group(raw.members, (r) => r.pool);
  const monitor = new Map(raw.monitors.map((r) => [r.pool, r.type]));
  const persistence = new Map(raw.persistence.map((r) => [r.pool, r.type]));
  const poolById = new Map(raw.pools.map((p) => [p.id, p]));
  const used = new Set<string>();
  const poolShape = (id: string): PoolShape | null => {
    const p = poolById.get(id);
    if (!p || used.has(id)) return null;
    used.add(id);
    const members = (membersOf.get(id) ?? []).reduce((n, m) => n + Number(m.n), 0);
    return {
      protocol: p.protocol,
      members,
      health_monitor: monitor.get(id) ?? null,
      session_persistence: persistence.get(id) ?? null,
    };
  };
  const policiesOf = group(raw.policies, (r) => r.listener);
  const listenersOf = group(raw.listeners, (r) => r.lb);
  const poolsOf = group(raw.pools, (r) => r.lb);
  const ampsOf = new Map(raw.amps.map((a) => [a.lb, Number(a.n)]));
  const shapes = raw.lbs.map((lb): LbShape => {
    const listeners = (listenersOf.get(lb.id) ?? []).map((l) => {
      const policies = policiesOf.get(l.id) ?? [];
      const defaultPool = l.pool ? poolShape(l.pool) : null;
      const redirects = policies.map((o) => (o.pool ? poolShape(o.pool) : null)).filter((p): p is PoolShape => !!p);
      return {
        protocol: l.protocol,
        default_pool: defaultPool,
        redirect_pools: redirects,
        l7policies: policies.map((o) => Number(o.rules)),
      };
    });
    const unattached = (poolsOf.get(lb.id) ?? []).map((p) => poolShape(p.id)).filter((p): p is PoolShape => !!p);
    const amphorae = Math.min(2, ampsOf.get(lb.id) ?? 0);
    const topology = lb.topology === 'ACTIVE_STANDBY' ? 'ACTIVE_STANDBY' : 'SINGLE';
    return { topology, amphorae, listeners, unattached_pools: unattached };
  });
  const statuses: Record<string, number> = {};
  for (const m of raw.members) statuses[m.status] = (statuses[m.status] ?? 0) + Number(m.n);
  return { shapes, statuses };
}

/** Status counts -> shares of the five statuses a heartbeat can report (others count as ONLINE). */
export function statusShares(counts: Record<string, number>): Record<MemberStatus, number> {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const out = Object.fromEntries(MEMBER_STATUSES.map((s) => [s, 0])) as Record<MemberStatus, number>;
  if (total === 0) return { ...out, ONLINE: 1 };
  for (const [s, n] of Object.entries(counts)) {
    const key = (MEMBER_STATUSES as readonly string[]).includes(s) ? (s as MemberStatus) : 'ONLINE';
    out[key] += n;
  }
  for (const s of MEMBER_STATUSES) out[s] = Math.round((out[s] / total) * 1e6) / 1e6;
  return out;
}

/** The raw aggregates in one read-only transaction (a consistent snapshot that cannot write). */
async function readOnly(conn: Conn, schema: Schema, prefix?: string): Promise<Raw> {
  await conn.query('START TRANSACTION READ ONLY');
  try {
    return await readRaw(conn, schema, prefix);
  } finally {
    await conn.query('COMMIT').catch(() => undefined);
  }
}

/** Every LB's shape, unmerged, with member status counts: the live fleet, or the ghosts of `prefix`. */
export async function readShapes(
  conn: Conn,
  schema: Schema,
  prefix?: string,
): Promise<{ shapes: LbShape[]; statuses: Record<string, number> }> {
  return shapesOf(await readOnly(conn, schema, prefix));
}

/** Builds the profile of the database's live, non-ghost load balancers (read-only). */
export async function readProfile(conn: Conn, schema: Schema, k = K_ANONYMITY): Promise<Profile> {
  const { shapes, statuses } = await readShapes(conn, schema);
  const { shapes: merged, merged: mergedLbs } = mergeRareShapes(countShapes(shapes), k);
  // Amphorae as the profile describes them (after merging), so scale 1 gives exactly this many.
  const amphorae = merged.reduce((n, s) => n + s.count * s.shape.amphorae, 0);
  return {
    format: 'stresshm-profile',
    version: 1,
    k_anonymity: k,
    load_balancers: shapes.length,
    amphorae,
    merged_load_balancers: mergedLbs,
    member_operating_status: statusShares(statuses),
    shapes: merged,
  };
}
