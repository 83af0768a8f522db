// What ghosts a database holds: every run prefix with its counts, how many real (non-ghost)
// load balancers exist, and one run's graph read back for the heartbeat fleet (at once, or
// streamed in chunks of load balancers so memory stays flat however large the run).

import type { Conn } from './db';
import type { AmphoraRole, GhostGraph, GraphLoadBalancer } from './graph';
import { ghostNameSql, lbIndex, prefixNameSql, validatePrefix } from './names';

export interface PrefixSummary {
  prefix: string;
  loadBalancers: number;
  amphorae: number;
  createdAt: Date | null;
}

export async function listPrefixes(conn: Conn): Promise<PrefixSummary[]> {
  const ghost = ghostNameSql('lb.name');
  const rows: Array<{ prefix: string; lbs: number; amps: number; created: Date | null }> = await conn.query(
    `SELECT LEFT(lb.name, 36) AS prefix, COUNT(DISTINCT lb.id) AS lbs, COUNT(a.id) AS amps, ` +
      `MIN(lb.created_at) AS created
       FROM load_balancer lb LEFT JOIN amphora a ON a.load_balancer_id = lb.id
      WHERE ${ghost.sql} GROUP BY LEFT(lb.name, 36) ORDER BY created`,
    ghost.params,
  );
  return rows.map((r) => ({
    prefix: r.prefix,
    loadBalancers: Number(r.lbs),
    amphorae: Number(r.amps),
    createdAt: r.created,
  }));
}

/** Load balancers that are not stresshm ghosts (and not deleted): the cloud's own. */
export async function countRealLoadBalancers(conn: Conn): Promise<number> {
  const ghost = ghostNameSql("COALESCE(name, '')");
  const rows: Array<{ n: number }> = await conn.query(
    `SELECT COUNT(*) AS n FROM load_balancer WHERE provisioning_status <> 'DELETED' AND NOT ${ghost.sql}`,
    ghost.params,
  );
  return Number(rows[0].n);
}

function listenerOfPool(
  description: string | null,
  defaultOf: Map<string, string>,
  redirectOf: Map<string, string>,
  poolId: string,
): string | undefined {
  return defaultOf.get(poolId) ?? redirectOf.get(poolId) ?? /listener=([0-9a-f-]{36})/.exec(description ?? '')?.[1];
}

export interface ListenerRow {
  id: string;
  lb: string;
  port: number;
  pool: string | null;
  protocol: string;
}

/** One run's graph: enabled listeners, pools tied to their listener, members; LBs by index. */
export async function readGraph(conn: Conn, rawPrefix: string): Promise<GhostGraph> {
  const prefix = validatePrefix(rawPrefix);
  const match = prefixNameSql('name', prefix);
  const params = match.params;
  const inRun = `SELECT id FROM load_balancer WHERE ${match.sql}`;
  const lbs: Array<{ id: string; name: string }> = await conn.query(
    `SELECT id, name FROM load_balancer WHERE id IN (${inRun})`,
    params,
  );
  const amps: Array<{ id: string; lb: string; role: AmphoraRole }> = await conn.query(
    `SELECT id, load_balancer_id AS lb, role FROM amphora WHERE status <> 'DELETED' AND load_balancer_id IN ` +
      `(${inRun}) ORDER BY role DESC, id`,
    params,
  );
  const listeners: ListenerRow[] = await conn.query(
    `SELECT id, load_balancer_id AS lb, protocol_port AS port, default_pool_id AS pool, protocol FROM listener
      WHERE enabled = 1 AND load_balancer_id IN (${inRun}) ORDER BY protocol_port`,
    params,
  );
  const redirects: Array<{ pool: string; listener: string }> = await conn.query(
    `SELECT redirect_pool_id AS pool, listener_id AS listener FROM l7policy WHERE redirect_pool_id IS NOT NULL AND ` +
      `listener_id IN (SELECT id FROM listener WHERE load_balancer_id IN (${inRun}))`,
    params,
  );
  const pools: Array<{ id: string; lb: string; description: string | null }> = await conn.query(
    `SELECT id, load_balancer_id AS lb, description FROM pool WHERE load_balancer_id IN (${inRun}) ORDER BY name`,
    params,
  );
  const members: Array<{ id: string; pool: string }> = await conn.query(
    `SELECT id, pool_id AS pool FROM member WHERE pool_id IN (SELECT id FROM pool WHERE load_balancer_id IN ` +
      `(${inRun})) ORDER BY name`,
    params,
  );
  return assemble(prefix, { lbs, amps, listeners, redirects, pools, members });
}

/** The rows of a graph (or part of one), in the order readGraph reads them. */
export interface GraphRows {
  lbs: Array<{ id: string; name: string }>;
  amps: Array<{ id: string; lb: string; role: AmphoraRole }>;
  listeners: ListenerRow[];
  redirects: Array<{ pool: string; listener: string }>;
  pools: Array<{ id: string; lb: string; description: string | null }>;
  members: Array<{ id: string; pool: string }>;
}

/** One chunk of load balancers (ids) with their children's rows. */
async function readRows(conn: Conn, lbs: Array<{ id: string; name: string }>): Promise<GraphRows> {
  const ids = lbs.map((l) => l.id);
  const amps: GraphRows['amps'] = await conn.query(
    `SELECT id, load_balancer_id AS lb, role FROM amphora WHERE status <> 'DELETED' AND load_balancer_id IN (?) ` +
      'ORDER BY role DESC, id',
    [ids],
  );
  const listeners: ListenerRow[] = await conn.query(
    `SELECT id, load_balancer_id AS lb, protocol_port AS port, default_pool_id AS pool, protocol FROM listener
      WHERE enabled = 1 AND load_balancer_id IN (?) ORDER BY protocol_port`,
    [ids],
  );
  const redirects: GraphRows['redirects'] = listeners.length
    ? await conn.query(
        'SELECT redirect_pool_id AS pool, listener_id AS listener FROM l7policy WHERE redirect_pool_id IS NOT NULL ' +
          'AND listener_id IN (?)',
        [listeners.map((l) => l.id)],
      )
    : [];
  const pools: GraphRows['pools'] = await conn.query(
    'SELECT id, load_balancer_id AS lb, description FROM pool WHERE load_balancer_id IN (?) ORDER BY name',
    [ids],
  );
  const members: GraphRows['members'] = pools.length
    ? await conn.query('SELECT id, pool_id AS pool FROM member WHERE pool_id IN (?) ORDER BY name', [
        pools.map((p) => p.id),
      ])
    : [];
  return { lbs, amps, listeners, redirects, pools, members };
}

/**
 * One run's graph in parts of at most `chunkLbs` load balancers (keyset pages of the LB primary
 * key, children by their indexed LB, pool or listener ids): only one part is held at a time.
 * Parts come in LB id order; within a part, LBs are in name order.
 */
export async function* streamGraph(conn: Conn, rawPrefix: string, chunkLbs = 5000): AsyncGenerator<GhostGraph> {
  const prefix = validatePrefix(rawPrefix);
  const match = prefixNameSql('name', prefix);
  let after = '';
  for (;;) {
    const lbs: Array<{ id: string; name: string }> = await conn.query(
      `SELECT id, name FROM load_balancer WHERE ${match.sql} AND id > ? ORDER BY id LIMIT ?`,
      [...match.params, after, chunkLbs],
    );
    if (lbs.length === 0) return;
    after = lbs[lbs.length - 1].id;
    yield assemble(prefix, await readRows(conn, lbs));
    if (lbs.length < chunkLbs) return;
  }
}

export function assemble(prefix: string, rows: GraphRows): GhostGraph {
  const { lbs, amps, listeners, redirects, pools, members } = rows;
  const byId = new Map<string, GraphLoadBalancer>();
  for (const lb of [...lbs].sort((a, b) => lbIndex(a.name) - lbIndex(b.name))) {
    byId.set(lb.id, { id: lb.id, name: lb.name, amphorae: [], listeners: [], pools: [] });
  }
  for (const a of amps) byId.get(a.lb)?.amphorae.push({ id: a.id, role: a.role });
  const defaultOf = new Map<string, string>();
  const enabled = new Set<string>();
  for (const l of listeners) {
    const listener = { id: l.id, protocolPort: Number(l.port), protocol: l.protocol, defaultPoolId: l.pool };
    byId.get(l.lb)?.listeners.push(listener);
    enabled.add(l.id);
    if (l.pool) defaultOf.set(l.pool, l.id);
  }
  const redirectOf = new Map(redirects.map((r) => [r.pool, r.listener]));
  const membersOf = new Map<string, string[]>();
  for (const m of members) {
    const list = membersOf.get(m.pool);
    if (list) list.push(m.id);
    else membersOf.set(m.pool, [m.id]);
  }
  for (const p of pools) {
    const listenerId = listenerOfPool(p.description, defaultOf, redirectOf, p.id);
    if (!listenerId || !enabled.has(listenerId)) continue; // not served by an enabled listener: not reported
    byId.get(p.lb)?.pools.push({ id: p.id, listenerId, memberIds: membersOf.get(p.id) ?? [] });
  }
  return { prefix, loadBalancers: [...byId.values()] };
}
