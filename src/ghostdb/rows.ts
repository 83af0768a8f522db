// Ghost rows: one load balancer's graph generated row by row in foreign-key order (parents first),
// with documentation-range addresses, DATETIME literals and the statuses the HM will derive.

import { randomUUID } from 'node:crypto';
import { GHOST_DESCRIPTION, type GhostPlan, idsOf, memberIdFor, type Row, shapeOfLb, uniformShape } from './ghosts';
import type { IdSource } from './ids';
import { lbName } from './names';
import {
  type LbShape,
  type ListenerShape,
  type MemberStatus,
  memberStatusAt,
  membersOf,
  type PoolShape,
  poolCount,
  rolesOf,
} from './shapes';

/** Documentation-range addresses (RFC 5737): nothing real is ever reached. */
function docIp(net: 0 | 1 | 2, n: number): string {
  const base = ['192.0.2', '198.51.100', '203.0.113'][net];
  return `${base}.${(n % 254) + 1}`;
}

/** One generated row and its table; rows come in foreign-key order (a parent before its children). */
type RowOut = [table: string, row: Row];

/** Running numbers of the children of one LB (names stay unique within the prefix). */
interface Counters {
  listener: number;
  pool: number;
  member: number;
  l7policy: number;
  memberOrdinal: number;
}

/** Times are DATETIME literals in UTC (the session time zone is +00:00): cheap to bind. */
interface Ctx {
  p: GhostPlan;
  now: string;
  healthAt: string;
  certExpiry: string;
  lbN: number;
  lbId: string;
  shape: LbShape;
  n: Counters;
  /** Primary keys of the run's rows (ids.ts); other UUID columns (ports, subnets) stay random. */
  id: IdSource;
}

export function sqlDateTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

function common(ctx: Ctx, name: string): Row {
  return {
    project_id: ctx.p.projectId,
    name,
    description: GHOST_DESCRIPTION,
    provisioning_status: 'ACTIVE',
    operating_status: 'ONLINE',
    enabled: 1,
    created_at: ctx.now,
    updated_at: ctx.now,
  };
}

function* addLoadBalancer(ctx: Ctx): Generator<RowOut> {
  const { p, lbN, lbId } = ctx;
  yield [
    'load_balancer',
    {
      id: lbId,
      ...common(ctx, lbName(p.prefix, lbN)),
      operating_status: lbStatus(ctx),
      topology: ctx.shape.topology,
      provider: 'amphora',
    },
  ];
  yield [
    'vip',
    {
      load_balancer_id: lbId,
      ip_address: docIp(2, lbN),
      port_id: randomUUID(),
      subnet_id: randomUUID(),
      network_id: randomUUID(),
      octavia_owned: 1,
    },
  ];
  for (const [i, role] of rolesOf(ctx.shape).entries()) {
    const id = ctx.id();
    yield [
      'amphora',
      {
        id,
        compute_id: randomUUID(),
        status: 'ALLOCATED',
        load_balancer_id: lbId,
        lb_network_ip: docIp(0, lbN * 2 + i),
        vrrp_ip: docIp(1, lbN * 2 + i),
        ha_ip: docIp(2, lbN),
        vrrp_port_id: randomUUID(),
        ha_port_id: randomUUID(),
        role,
        cert_expiration: ctx.certExpiry,
        cert_busy: 0,
        vrrp_interface: 'eth1',
        vrrp_id: 1,
        vrrp_priority: role === 'BACKUP' ? 90 : 100,
        compute_flavor: 'stresshm-ghost',
        created_at: ctx.now,
        updated_at: ctx.now,
      },
    ];
    yield ['amphora_health', { amphora_id: id, last_update: ctx.healthAt, busy: p.ghostBusy ? 1 : 0 }];
  }
}

/** The heartbeat word and operating status of the next member (profile plans: exact shares by ordinal). */
function nextMember(ctx: Ctx): { id: string; status: string } {
  const j = ctx.n.memberOrdinal++;
  if (!ctx.p.shapes || !ctx.p.churn) return { id: ctx.id(), status: 'ONLINE' };
  const status = memberStatusAt(ctx.p.shapes, j);
  return { id: memberIdFor(ctx.p.churn, status, ctx.id), status };
}

const HM_HTTP = new Set(['HTTP', 'HTTPS']);

/** Status of the member with fleet-wide ordinal `j` (uniform plans: all ONLINE). */
function statusAt(p: GhostPlan, j: number): MemberStatus {
  return p.shapes && p.churn ? memberStatusAt(p.shapes, j) : 'ONLINE';
}

/**
 * The operating status the HM derives for a reported pool from its members' words: every member
 * DOWN is ERROR, some DOWN is DEGRADED, otherwise ONLINE (written so the fleet starts steady).
 */
function poolStatus(ctx: Ctx, first: number, members: number): string {
  let down = 0;
  for (let k = 0; k < members; k++) if (statusAt(ctx.p, first + k) === 'ERROR') down++;
  if (members > 0 && down === members) return 'ERROR';
  return down > 0 ? 'DEGRADED' : 'ONLINE';
}

/** The LB's status from its reported pools (pools on no listener are not reported): ERROR, DEGRADED or ONLINE. */
function lbStatus(ctx: Ctx): string {
  let j = ctx.n.memberOrdinal;
  let worst = 'ONLINE';
  for (const l of ctx.shape.listeners) {
    for (const pool of [...(l.default_pool ? [l.default_pool] : []), ...l.redirect_pools]) {
      const s = poolStatus(ctx, j, pool.members);
      j += pool.members;
      if (s === 'ERROR') return 'ERROR';
      if (s === 'DEGRADED') worst = 'DEGRADED';
    }
  }
  return worst;
}

function* addPool(ctx: Ctx, shape: PoolShape, listenerId: string | null): Generator<RowOut, string> {
  const id = ctx.id();
  const n = ++ctx.n.pool;
  const tie = listenerId ? ` listener=${listenerId}` : '';
  yield [
    'pool',
    {
      id,
      ...common(ctx, `${ctx.p.prefix}-pool${n}`),
      description: `${GHOST_DESCRIPTION}${tie}`,
      operating_status: listenerId ? poolStatus(ctx, ctx.n.memberOrdinal, shape.members) : 'OFFLINE',
      protocol: shape.protocol,
      lb_algorithm: 'ROUND_ROBIN',
      load_balancer_id: ctx.lbId,
      tls_enabled: 0,
    },
  ];
  if (shape.session_persistence) {
    const cookie = shape.session_persistence === 'APP_COOKIE' ? 'ghost' : null;
    yield ['session_persistence', { pool_id: id, type: shape.session_persistence, cookie_name: cookie }];
  }
  if (shape.health_monitor) {
    const http = HM_HTTP.has(shape.health_monitor);
    yield [
      'health_monitor',
      {
        id: ctx.id(),
        ...common(ctx, `${ctx.p.prefix}-hm${n}`),
        pool_id: id,
        type: shape.health_monitor,
        delay: 10,
        timeout: 5,
        fall_threshold: 3,
        rise_threshold: 2,
        http_method: http ? 'GET' : null,
        url_path: http ? '/' : null,
        expected_codes: http ? '200' : null,
      },
    ];
  }
  for (let m = 0; m < shape.members; m++) {
    const mN = ++ctx.n.member;
    const { id: memberId, status } = nextMember(ctx);
    yield [
      'member',
      {
        id: memberId,
        ...common(ctx, `${ctx.p.prefix}-member${mN}`),
        operating_status: status,
        pool_id: id,
        subnet_id: null,
        ip_address: docIp((m % 3) as 0 | 1 | 2, Math.floor(m / 3)),
        protocol_port: 1 + Math.floor(m / 762),
        weight: 1,
        backup: 0,
      },
    ];
  }
  return id;
}

function* addL7Policy(
  ctx: Ctx,
  listenerId: string,
  rules: number,
  q: number,
  redirect: string | null,
): Generator<RowOut> {
  const { p } = ctx;
  const polId = ctx.id();
  yield [
    'l7policy',
    {
      id: polId,
      ...common(ctx, `${p.prefix}-l7policy${++ctx.n.l7policy}`),
      listener_id: listenerId,
      position: q + 1,
      action: redirect ? 'REDIRECT_TO_POOL' : 'REJECT',
      redirect_pool_id: redirect,
      redirect_url: null,
    },
  ];
  for (let r = 0; r < rules; r++) {
    yield [
      'l7rule',
      {
        id: ctx.id(),
        project_id: p.projectId,
        l7policy_id: polId,
        type: 'PATH',
        compare_type: 'STARTS_WITH',
        key: null,
        value: `/ghost${r}`,
        invert: 0,
        enabled: 1,
        provisioning_status: 'ACTIVE',
        operating_status: 'ONLINE',
        created_at: ctx.now,
        updated_at: ctx.now,
      },
    ];
  }
}

function* addListener(ctx: Ctx, shape: ListenerShape, k: number): Generator<RowOut> {
  const { p } = ctx;
  const listenerN = ++ctx.n.listener;
  const id = ctx.id();
  const defaultPool = shape.default_pool ? yield* addPool(ctx, shape.default_pool, id) : null;
  const redirects: string[] = [];
  for (const pool of shape.redirect_pools) redirects.push(yield* addPool(ctx, pool, id));
  yield [
    'listener',
    {
      id,
      ...common(ctx, `${p.prefix}-listener${listenerN}`),
      load_balancer_id: ctx.lbId,
      protocol: shape.protocol,
      protocol_port: 80 + k,
      connection_limit: -1,
      default_pool_id: defaultPool,
      peer_port: 1025 + k,
      timeout_client_data: 50000,
      timeout_member_connect: 5000,
      timeout_member_data: 50000,
      timeout_tcp_inspect: 0,
    },
  ];
  // The redirect pools are the policies' targets in turn, so every pool serves its listener.
  for (let q = 0; q < shape.l7policies.length; q++) {
    const redirect = redirects.length > 0 ? redirects[q % redirects.length] : null;
    yield* addL7Policy(ctx, id, shape.l7policies[q], q, redirect);
  }
}

/** Per-LB maxima: child numbers of LB n start after (n - 1) times these (names unique, uniform plans unchanged). */
function perLbMax(p: GhostPlan): Omit<Counters, 'memberOrdinal'> {
  const shapes = p.shapes ? p.shapes.shapes : [uniformShape(p)];
  const max = (f: (s: LbShape) => number) => Math.max(0, ...shapes.map(f));
  return {
    listener: max((s) => s.listeners.length),
    pool: max(poolCount),
    member: max(membersOf),
    l7policy: max((s) => s.listeners.reduce((n, l) => n + l.l7policies.length, 0)),
  };
}

/** The rows of load balancer number `lbN` (1-based), one by one, parents first. */
export function* loadBalancerRows(p: GhostPlan, lbN: number, at = new Date()): Generator<RowOut> {
  const now = sqlDateTime(at);
  const certExpiry = sqlDateTime(new Date(at.getTime() + 10 * 365 * 24 * 3600 * 1000));
  // amphora_health starts 2 s in the past, so the first processed heartbeat is a visible advance.
  const healthAt = sqlDateTime(new Date(at.getTime() - 2000));
  const m = perLbMax(p);
  const b = lbN - 1;
  const n: Counters = {
    listener: b * m.listener,
    pool: b * m.pool,
    member: b * m.member,
    l7policy: b * m.l7policy,
    memberOrdinal: p.shapes ? p.shapes.memberBase[b] : b * m.member,
  };
  const shape = shapeOfLb(p, lbN);
  const id = idsOf(p);
  const ctx: Ctx = { p, now, healthAt, certExpiry, lbN, lbId: id(), shape, n, id };
  yield* addLoadBalancer(ctx);
  for (const [k, l] of shape.listeners.entries()) yield* addListener(ctx, l, k);
  for (const pool of shape.unattached_pools) yield* addPool(ctx, pool, null);
}
