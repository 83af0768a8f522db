// Ghost load balancer graphs: the run plan from the configuration and streaming generation
// of its rows, grouped into transactions of whole LBs and pieces of bounded size (memory stays
// one piece deep, whatever the multipliers).

import { randomUUID } from 'node:crypto';
import { Config } from '../config/config';
import { UsageError } from '../errors';
import { lbName } from './names';

/** What to write: the configuration's shape of a ghost LB, under one run prefix. */
export interface GhostPlan extends Pick<Config, 'projectId' | 'loadBalancers' | 'listeners' | 'pools' | 'healthMonitors' | 'members'
  | 'l7policies' | 'l7rules' | 'topology' | 'ghostBusy' | 'batchSize'> {
  prefix: string;
}

export type Row = Record<string, string | number | null>;
export type TableRows = Map<string, Row[]>;

/** Insert order: parents before children (listener after pool: default_pool_id). */
export const INSERT_ORDER = ['load_balancer', 'vip', 'amphora', 'amphora_health', 'pool', 'session_persistence',
  'health_monitor', 'member', 'listener', 'l7policy', 'l7rule'] as const;

export const GHOST_DESCRIPTION = 'stresshm ghost';

export function planFromConfig(cfg: Config, prefix: string = randomUUID()): GhostPlan {
  return {
    prefix,
    projectId: cfg.projectId,
    loadBalancers: cfg.loadBalancers,
    listeners: cfg.listeners,
    pools: cfg.pools,
    healthMonitors: cfg.healthMonitors,
    members: cfg.members,
    l7policies: cfg.l7policies,
    l7rules: cfg.l7rules,
    topology: cfg.topology,
    ghostBusy: cfg.ghostBusy,
    batchSize: cfg.batchSize,
  };
}

export function amphoraeOf(topology: GhostPlan['topology']): number {
  return topology === 'ACTIVE_STANDBY' ? 2 : 1;
}

/** Rows per table for the whole plan (what populate must write). */
export function expectedCounts(p: GhostPlan): Record<string, number> {
  const lbs = p.loadBalancers;
  const listeners = lbs * p.listeners;
  const pools = listeners * p.pools;
  const l7policies = listeners * p.l7policies;
  return {
    load_balancer: lbs,
    vip: lbs,
    amphora: lbs * amphoraeOf(p.topology),
    amphora_health: lbs * amphoraeOf(p.topology),
    pool: pools,
    session_persistence: pools,
    health_monitor: pools * p.healthMonitors,
    member: pools * p.members,
    listener: listeners,
    l7policy: l7policies,
    l7rule: l7policies * p.l7rules,
  };
}

export function rowsPerLb(p: GhostPlan): number {
  return Object.values(expectedCounts({ ...p, loadBalancers: 1 })).reduce((a, b) => a + b, 0);
}

/** Documentation-range addresses (RFC 5737): nothing real is ever reached. */
function docIp(net: 0 | 1 | 2, n: number): string {
  const base = ['192.0.2', '198.51.100', '203.0.113'][net];
  return `${base}.${(n % 254) + 1}`;
}

/** One generated row and its table; rows come in foreign-key order (a parent before its children). */
type RowOut = [table: string, row: Row];

/** Times are DATETIME literals in UTC (the session time zone is +00:00): cheap to bind. */
interface Ctx { p: GhostPlan; now: string; healthAt: string; certExpiry: string; lbN: number; lbId: string }

export function sqlDateTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

function common(ctx: Ctx, name: string): Row {
  return {
    project_id: ctx.p.projectId, name, description: GHOST_DESCRIPTION,
    provisioning_status: 'ACTIVE', operating_status: 'ONLINE', enabled: 1,
    created_at: ctx.now, updated_at: ctx.now,
  };
}

function* addLoadBalancer(ctx: Ctx): Generator<RowOut> {
  const { p, lbN, lbId } = ctx;
  yield ['load_balancer', {
    id: lbId, ...common(ctx, lbName(p.prefix, lbN)), topology: p.topology, provider: 'amphora',
  }];
  yield ['vip', {
    load_balancer_id: lbId, ip_address: docIp(2, lbN), port_id: randomUUID(), subnet_id: randomUUID(),
    network_id: randomUUID(), octavia_owned: 1,
  }];
  const roles = p.topology === 'ACTIVE_STANDBY' ? ['MASTER', 'BACKUP'] : ['STANDALONE'];
  for (const [i, role] of roles.entries()) {
    const id = randomUUID();
    yield ['amphora', {
      id, compute_id: randomUUID(), status: 'ALLOCATED', load_balancer_id: lbId,
      lb_network_ip: docIp(0, lbN * 2 + i), vrrp_ip: docIp(1, lbN * 2 + i), ha_ip: docIp(2, lbN),
      vrrp_port_id: randomUUID(), ha_port_id: randomUUID(), role, cert_expiration: ctx.certExpiry, cert_busy: 0,
      vrrp_interface: 'eth1', vrrp_id: 1, vrrp_priority: role === 'BACKUP' ? 90 : 100,
      compute_flavor: 'stresshm-ghost', created_at: ctx.now, updated_at: ctx.now,
    }];
    yield ['amphora_health', { amphora_id: id, last_update: ctx.healthAt, busy: p.ghostBusy ? 1 : 0 }];
  }
}

function* addPool(ctx: Ctx, n: number, listenerId: string): Generator<RowOut, string> {
  const id = randomUUID();
  yield ['pool', {
    id, ...common(ctx, `${ctx.p.prefix}-pool${n}`), description: `${GHOST_DESCRIPTION} listener=${listenerId}`,
    protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', load_balancer_id: ctx.lbId, tls_enabled: 0,
  }];
  yield ['session_persistence', { pool_id: id, type: 'HTTP_COOKIE', cookie_name: null }];
  if (ctx.p.healthMonitors > 0) {
    yield ['health_monitor', {
      id: randomUUID(), ...common(ctx, `${ctx.p.prefix}-hm${n}`), pool_id: id, type: 'HTTP', delay: 10, timeout: 5,
      fall_threshold: 3, rise_threshold: 2, http_method: 'GET', url_path: '/', expected_codes: '200',
    }];
  }
  for (let m = 0; m < ctx.p.members; m++) {
    const mN = (n - 1) * ctx.p.members + m + 1;
    yield ['member', {
      id: randomUUID(), ...common(ctx, `${ctx.p.prefix}-member${mN}`), pool_id: id, subnet_id: null,
      ip_address: docIp(m % 3 as 0 | 1 | 2, Math.floor(m / 3)), protocol_port: 1 + Math.floor(m / 762),
      weight: 1, backup: 0,
    }];
  }
  return id;
}

function* addL7Policy(ctx: Ctx, listenerId: string, polN: number, q: number, redirect: string | null)
  : Generator<RowOut> {
  const { p } = ctx;
  const polId = randomUUID();
  yield ['l7policy', {
    id: polId, ...common(ctx, `${p.prefix}-l7policy${polN}`), listener_id: listenerId, position: q + 1,
    action: redirect ? 'REDIRECT_TO_POOL' : 'REJECT', redirect_pool_id: redirect, redirect_url: null,
  }];
  for (let r = 0; r < p.l7rules; r++) {
    yield ['l7rule', {
      id: randomUUID(), project_id: p.projectId, l7policy_id: polId, type: 'PATH', compare_type: 'STARTS_WITH',
      key: null, value: `/ghost${r}`, invert: 0, enabled: 1, provisioning_status: 'ACTIVE', operating_status: 'ONLINE',
      created_at: ctx.now, updated_at: ctx.now,
    }];
  }
}

function* addListener(ctx: Ctx, k: number): Generator<RowOut> {
  const { p } = ctx;
  const listenerN = (ctx.lbN - 1) * p.listeners + k + 1;
  const id = randomUUID();
  const poolIds: string[] = [];
  for (let j = 0; j < p.pools; j++) poolIds.push(yield* addPool(ctx, (listenerN - 1) * p.pools + j + 1, id));
  yield ['listener', {
    id, ...common(ctx, `${p.prefix}-listener${listenerN}`), load_balancer_id: ctx.lbId, protocol: 'HTTP',
    protocol_port: 80 + k, connection_limit: -1, default_pool_id: poolIds[0] ?? null, peer_port: 1025 + k,
    timeout_client_data: 50000, timeout_member_connect: 5000, timeout_member_data: 50000, timeout_tcp_inspect: 0,
  }];
  for (let q = 0; q < p.l7policies; q++) {
    // Extra pools (beyond the default one) are the redirect targets, so every pool serves its listener.
    const redirect = poolIds.length > 1 ? poolIds[1 + (q % (poolIds.length - 1))] : null;
    yield* addL7Policy(ctx, id, (listenerN - 1) * p.l7policies + q + 1, q, redirect);
  }
}

/** The rows of load balancer number `lbN` (1-based), one by one, parents first. */
function* loadBalancerRows(p: GhostPlan, lbN: number, at = new Date()): Generator<RowOut> {
  const now = sqlDateTime(at);
  const certExpiry = sqlDateTime(new Date(at.getTime() + 10 * 365 * 24 * 3600 * 1000));
  // amphora_health starts 2 s in the past, so the first processed heartbeat is a visible advance.
  const healthAt = sqlDateTime(new Date(at.getTime() - 2000));
  const ctx: Ctx = { p, now, healthAt, certExpiry, lbN, lbId: randomUUID() };
  yield* addLoadBalancer(ctx);
  for (let k = 0; k < p.listeners; k++) yield* addListener(ctx, k);
}

/** Rows handed to the database per piece (one batch() per table of the piece). */
const PIECE_ROWS = 20_000;
/** Whole load balancers share one transaction up to this many rows (at least one LB, at most batch_size). */
export const TX_ROWS = 50_000;
/**
 * One load balancer's graph is written in one transaction (an interrupt never leaves a partial graph);
 * a graph larger than this is refused before anything is written.
 */
export const MAX_ROWS_PER_LB = 1_000_000;

/** Refuses, up front, a plan whose single load balancer cannot be written as one transaction. */
export function checkPlanSize(p: GhostPlan): void {
  const n = rowsPerLb(p);
  if (n > MAX_ROWS_PER_LB) {
    const rows = n.toLocaleString('en-US');
    throw new UsageError(`one ghost load balancer would have ${rows} rows (listeners x pools x members...);`
      + ` at most ${MAX_ROWS_PER_LB.toLocaleString('en-US')} fit in one transaction: lower the per-LB multipliers`);
  }
}

/** One transaction's worth of whole load balancers; its rows are generated lazily, piece by piece. */
export interface TxGroup { firstLb: number; lbs: number; rows: number; pieces(): Generator<TableRows> }

/** Load balancers per transaction: bounded by batch_size and by TX_ROWS rows, at least one. */
function lbsPerGroup(p: GhostPlan): number {
  return Math.max(1, Math.min(p.batchSize, Math.floor(TX_ROWS / rowsPerLb(p))));
}

function* piecesOf(p: GhostPlan, first: number, last: number, pieceRows: number): Generator<TableRows> {
  const at = new Date();
  let piece: TableRows = new Map();
  let n = 0;
  for (let lbN = first; lbN <= last; lbN++) {
    for (const [table, row] of loadBalancerRows(p, lbN, at)) {
      const list = piece.get(table);
      if (list) list.push(row);
      else piece.set(table, [row]);
      if (++n === pieceRows) {
        yield piece;
        piece = new Map();
        n = 0;
      }
    }
  }
  if (n > 0) yield piece;
}

/** Yields transaction groups: memory stays one piece deep, however large a load balancer is. */
export function* generateGroups(p: GhostPlan, pieceRows = PIECE_ROWS): Generator<TxGroup> {
  checkPlanSize(p);
  const per = lbsPerGroup(p);
  for (let first = 1; first <= p.loadBalancers; first += per) {
    const last = Math.min(p.loadBalancers, first + per - 1);
    const lbs = last - first + 1;
    yield { firstLb: first, lbs, rows: lbs * rowsPerLb(p), pieces: () => piecesOf(p, first, last, pieceRows) };
  }
}

/** One row of each table a plan writes (the shapes INSERT statements are planned from). */
export function sampleRows(p: GhostPlan): TableRows {
  const one = (n: number) => Math.min(1, n);
  const mini: GhostPlan = { ...p, loadBalancers: 1, listeners: one(p.listeners), pools: one(p.pools), members: 1,
    l7policies: one(p.l7policies), l7rules: one(p.l7rules) };
  const out: TableRows = new Map();
  for (const [table, row] of loadBalancerRows(mini, 1)) if (!out.has(table)) out.set(table, [row]);
  return out;
}
