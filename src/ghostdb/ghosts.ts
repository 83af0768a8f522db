// Ghost load balancer graphs: the run plan from the configuration, names and prefixes,
// and streaming generation of one LB's rows per table (nothing kept beyond one chunk).

import { randomUUID } from 'node:crypto';
import { Config } from '../config/config';
import { UsageError } from '../errors';

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
const UUID_RE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** An LB name stresshm wrote: `<uuid prefix>-lb<N>`. */
export const GHOST_LB_NAME_REGEXP = `^${UUID_RE}-lb[0-9]+$`;

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

/** Refuses anything but a run prefix (a UUID): no empty, wildcard or partial prefixes. */
export function validatePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').trim().toLowerCase();
  if (p === '') throw new UsageError('a prefix ID is required (as printed by populate, or see `stresshm list`)');
  if (!new RegExp(`^${UUID_RE}$`).test(p)) {
    throw new UsageError(`"${prefix}" is not a stresshm prefix ID (a UUID such as 0b4c...-...); wildcards and partial prefixes are refused`);
  }
  return p;
}

/** Escapes LIKE wildcards so the prefix matches literally (used with ESCAPE '\\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** LIKE pattern of one run's load balancer names. */
export function lbNamePattern(prefix: string): string {
  return `${escapeLike(prefix)}-lb%`;
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

function push(out: TableRows, table: string, row: Row): void {
  let list = out.get(table);
  if (!list) out.set(table, (list = []));
  list.push(row);
}

/** Times are DATETIME literals in UTC (the session time zone is +00:00): cheap to bind. */
interface Ctx { p: GhostPlan; now: string; healthAt: string; certExpiry: string; lbN: number; lbId: string; out: TableRows }

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

function addLoadBalancer(ctx: Ctx): void {
  const { p, lbN, lbId, out } = ctx;
  push(out, 'load_balancer', { id: lbId, ...common(ctx, `${p.prefix}-lb${lbN}`), topology: p.topology, provider: 'amphora' });
  push(out, 'vip', {
    load_balancer_id: lbId, ip_address: docIp(2, lbN), port_id: randomUUID(), subnet_id: randomUUID(),
    network_id: randomUUID(), octavia_owned: 1,
  });
  const roles = p.topology === 'ACTIVE_STANDBY' ? ['MASTER', 'BACKUP'] : ['STANDALONE'];
  roles.forEach((role, i) => {
    const id = randomUUID();
    push(out, 'amphora', {
      id, compute_id: randomUUID(), status: 'ALLOCATED', load_balancer_id: lbId,
      lb_network_ip: docIp(0, lbN * 2 + i), vrrp_ip: docIp(1, lbN * 2 + i), ha_ip: docIp(2, lbN),
      vrrp_port_id: randomUUID(), ha_port_id: randomUUID(), role, cert_expiration: ctx.certExpiry, cert_busy: 0,
      vrrp_interface: 'eth1', vrrp_id: 1, vrrp_priority: role === 'BACKUP' ? 90 : 100,
      compute_flavor: 'stresshm-ghost', created_at: ctx.now, updated_at: ctx.now,
    });
    push(out, 'amphora_health', { amphora_id: id, last_update: ctx.healthAt, busy: p.ghostBusy ? 1 : 0 });
  });
}

function addPool(ctx: Ctx, n: number, listenerId: string): string {
  const id = randomUUID();
  push(ctx.out, 'pool', {
    id, ...common(ctx, `${ctx.p.prefix}-pool${n}`), description: `${GHOST_DESCRIPTION} listener=${listenerId}`,
    protocol: 'HTTP', lb_algorithm: 'ROUND_ROBIN', load_balancer_id: ctx.lbId, tls_enabled: 0,
  });
  push(ctx.out, 'session_persistence', { pool_id: id, type: 'HTTP_COOKIE', cookie_name: null });
  if (ctx.p.healthMonitors > 0) {
    push(ctx.out, 'health_monitor', {
      id: randomUUID(), ...common(ctx, `${ctx.p.prefix}-hm${n}`), pool_id: id, type: 'HTTP', delay: 10, timeout: 5,
      fall_threshold: 3, rise_threshold: 2, http_method: 'GET', url_path: '/', expected_codes: '200',
    });
  }
  for (let m = 0; m < ctx.p.members; m++) {
    const mN = (n - 1) * ctx.p.members + m + 1;
    push(ctx.out, 'member', {
      id: randomUUID(), ...common(ctx, `${ctx.p.prefix}-member${mN}`), pool_id: id,
      subnet_id: null, ip_address: docIp(m % 3 as 0 | 1 | 2, Math.floor(m / 3)), protocol_port: 1 + Math.floor(m / 762), weight: 1, backup: 0,
    });
  }
  return id;
}

function addListener(ctx: Ctx, k: number): void {
  const { p } = ctx;
  const listenerN = (ctx.lbN - 1) * p.listeners + k + 1;
  const id = randomUUID();
  const poolIds: string[] = [];
  for (let j = 0; j < p.pools; j++) poolIds.push(addPool(ctx, (listenerN - 1) * p.pools + j + 1, id));
  push(ctx.out, 'listener', {
    id, ...common(ctx, `${p.prefix}-listener${listenerN}`), load_balancer_id: ctx.lbId, protocol: 'HTTP',
    protocol_port: 80 + k, connection_limit: -1, default_pool_id: poolIds[0] ?? null, peer_port: 1025 + k,
    timeout_client_data: 50000, timeout_member_connect: 5000, timeout_member_data: 50000, timeout_tcp_inspect: 0,
  });
  for (let q = 0; q < p.l7policies; q++) {
    const polN = (listenerN - 1) * p.l7policies + q + 1;
    const polId = randomUUID();
    // Extra pools (beyond the default one) are the redirect targets, so every pool serves its listener.
    const redirect = poolIds.length > 1 ? poolIds[1 + (q % (poolIds.length - 1))] : null;
    push(ctx.out, 'l7policy', {
      id: polId, ...common(ctx, `${p.prefix}-l7policy${polN}`), listener_id: id, position: q + 1,
      action: redirect ? 'REDIRECT_TO_POOL' : 'REJECT', redirect_pool_id: redirect, redirect_url: null,
    });
    for (let r = 0; r < p.l7rules; r++) {
      push(ctx.out, 'l7rule', {
        id: randomUUID(), project_id: p.projectId, l7policy_id: polId, type: 'PATH', compare_type: 'STARTS_WITH',
        key: null, value: `/ghost${r}`, invert: 0, enabled: 1, provisioning_status: 'ACTIVE', operating_status: 'ONLINE',
        created_at: ctx.now, updated_at: ctx.now,
      });
    }
  }
}

/** Appends the rows of load balancer number `lbN` (1-based) to `out`. */
export function generateLoadBalancer(p: GhostPlan, lbN: number, out: TableRows, at = new Date()): void {
  const now = sqlDateTime(at);
  const certExpiry = sqlDateTime(new Date(at.getTime() + 10 * 365 * 24 * 3600 * 1000));
  // amphora_health starts 2 s in the past, so the first processed heartbeat is a visible advance.
  const healthAt = sqlDateTime(new Date(at.getTime() - 2000));
  const ctx: Ctx = { p, now, healthAt, certExpiry, lbN, lbId: randomUUID(), out };
  addLoadBalancer(ctx);
  for (let k = 0; k < p.listeners; k++) addListener(ctx, k);
}

/** Yields chunks of `batchSize` load balancers' rows: memory stays one chunk deep. */
export function* generateChunks(p: GhostPlan, startLb = 1): Generator<{ firstLb: number; lbs: number; rows: TableRows }> {
  for (let first = startLb; first <= p.loadBalancers; first += p.batchSize) {
    const rows: TableRows = new Map();
    const last = Math.min(p.loadBalancers, first + p.batchSize - 1);
    const now = new Date();
    for (let n = first; n <= last; n++) generateLoadBalancer(p, n, rows, now);
    yield { firstLb: first, lbs: last - first + 1, rows };
  }
}
