// A "production" fleet built through the real Octavia API (noauth sandbox). With no worker the API
// leaves objects PENDING, so each step sets them ACTIVE in SQL and adds the amphora rows a worker
// would have created, in the sandbox's own database only. It remembers every identifier, name and
// address it made, so a test can check none of them reaches a profile.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Conn } from '../../src/ghostdb/db';

export class ApiFleet {
  /** Every identifier, name and address of the fleet (the project included). */
  readonly secrets: Set<string>;
  private readonly project = randomUUID().replace(/-/g, '');

  constructor(
    private readonly apiUrl: string,
    private readonly conn: Conn,
  ) {
    this.secrets = new Set<string>([this.project]);
  }

  private async activate(): Promise<void> {
    for (const t of ['load_balancer', 'listener', 'pool', 'member', 'health_monitor', 'l7policy', 'l7rule']) {
      await this.conn.query(
        `UPDATE \`${t}\` SET provisioning_status = 'ACTIVE' WHERE provisioning_status LIKE 'PENDING%'`,
      );
    }
  }

  /** POSTs one object to the API, remembers its id and name, and makes the LB mutable again. */
  async post(path: string, key: string, body: Record<string, unknown>): Promise<string> {
    const r = await fetch(`${this.apiUrl}${path}`, {
      method: 'POST',
      body: JSON.stringify({ [key]: body }),
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': 'noauth', 'X-Project-Id': this.project },
    });
    const text = await r.text();
    assert.equal(r.status, 201, `${path}: ${r.status} ${text}`);
    const obj = (JSON.parse(text) as Record<string, Record<string, unknown>>)[key];
    this.secrets.add(String(obj.id));
    if (typeof body.name === 'string') this.secrets.add(body.name);
    await this.activate();
    return String(obj.id);
  }

  /** A load balancer with one amphora row per role (two roles: ACTIVE_STANDBY). */
  async lb(name: string, amphorae: string[]): Promise<string> {
    const id = await this.post('/v2/lbaas/loadbalancers', 'loadbalancer', {
      name,
      vip_subnet_id: randomUUID(),
      project_id: this.project,
    });
    const vip: Array<{ ip_address: string }> = await this.conn.query(
      'SELECT ip_address FROM vip WHERE load_balancer_id = ?',
      [id],
    );
    for (const v of vip) if (v.ip_address) this.secrets.add(v.ip_address);
    if (amphorae.length === 2) {
      await this.conn.query("UPDATE load_balancer SET topology = 'ACTIVE_STANDBY' WHERE id = ?", [id]);
    }
    for (const [i, role] of amphorae.entries()) {
      const ip = `10.77.${this.secrets.size % 250}.${i + 1}`;
      this.secrets.add(ip);
      await this.conn.query(
        `INSERT INTO amphora (id, compute_id, status, load_balancer_id, lb_network_ip, role, cert_busy)
        VALUES (?, ?, 'ALLOCATED', ?, ?, ?, 0)`,
        [randomUUID(), randomUUID(), id, ip, role],
      );
    }
    return id;
  }

  listener(lbId: string, protocol: string, port: number, name: string): Promise<string> {
    return this.post('/v2/lbaas/listeners', 'listener', { loadbalancer_id: lbId, protocol, protocol_port: port, name });
  }

  pool(at: Record<string, string>, protocol: string, name: string, persistence?: string): Promise<string> {
    return this.post('/v2/lbaas/pools', 'pool', {
      ...at,
      protocol,
      lb_algorithm: 'ROUND_ROBIN',
      name,
      ...(persistence ? { session_persistence: { type: persistence } } : {}),
    });
  }

  async members(poolId: string, n: number, tag: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const address = `10.99.${this.secrets.size % 250}.${i + 1}`;
      this.secrets.add(address);
      await this.post(`/v2/lbaas/pools/${poolId}/members`, 'member', {
        address,
        protocol_port: 8080,
        name: `${tag}-m${i}`,
      });
    }
  }

  async monitor(poolId: string, type: string): Promise<void> {
    const http = type === 'HTTP' ? { url_path: '/healthz', http_method: 'GET', expected_codes: '200' } : {};
    await this.post('/v2/lbaas/healthmonitors', 'healthmonitor', {
      pool_id: poolId,
      type,
      delay: 5,
      timeout: 3,
      max_retries: 2,
      ...http,
    });
  }

  /** An L7 policy on `listenerId` with one PATH STARTS_WITH rule per value. */
  async l7policy(listenerId: string, policy: Record<string, unknown>, paths: string[]): Promise<void> {
    const id = await this.post('/v2/lbaas/l7policies', 'l7policy', { listener_id: listenerId, ...policy });
    for (const value of paths) {
      await this.post(`/v2/lbaas/l7policies/${id}/rules`, 'rule', { type: 'PATH', compare_type: 'STARTS_WITH', value });
    }
  }
}

/** HTTP site with L7 policies: a redirect to an unmonitored pool (2 rules) and a reject (1 rule). */
async function webShop(f: ApiFleet, i: number): Promise<void> {
  const id = await f.lb(`shop-web-${i}`, ['STANDALONE']);
  const l = await f.listener(id, 'HTTP', 80, `shop-http-${i}`);
  const main = await f.pool({ listener_id: l }, 'HTTP', `shop-main-${i}`, 'HTTP_COOKIE');
  await f.members(main, 2, `shop-${i}`);
  await f.monitor(main, 'HTTP');
  const api = await f.pool({ loadbalancer_id: id }, 'HTTP', `shop-api-${i}`);
  await f.members(api, 1, `shop-api-${i}`);
  const redirect = { action: 'REDIRECT_TO_POOL', redirect_pool_id: api, name: `shop-route-${i}` };
  await f.l7policy(l, redirect, ['/api', '/v2']);
  await f.l7policy(l, { action: 'REJECT', name: `shop-deny-${i}` }, ['/admin']);
}

/** ACTIVE_STANDBY TCP + UDP service, and a pool on no listener. */
async function dnsService(f: ApiFleet, i: number): Promise<void> {
  const id = await f.lb(`dns-${i}`, ['MASTER', 'BACKUP']);
  const tcpListener = await f.listener(id, 'TCP', 443, `dns-tcp-${i}`);
  const tcp = await f.pool({ listener_id: tcpListener }, 'TCP', `dns-tcp-${i}`, 'SOURCE_IP');
  await f.members(tcp, 3, `dns-tcp-${i}`);
  await f.monitor(tcp, 'TCP');
  const udp = await f.pool({ listener_id: await f.listener(id, 'UDP', 53, `dns-udp-${i}`) }, 'UDP', `dns-udp-${i}`);
  await f.members(udp, 2, `dns-udp-${i}`);
  await f.monitor(udp, 'UDP-CONNECT');
  await f.pool({ loadbalancer_id: id }, 'HTTP', `dns-spare-${i}`);
}

/** A UDP listener whose pool has no member yet (v1 amphorae do not report it). */
async function syslog(f: ApiFleet, i: number): Promise<void> {
  const id = await f.lb(`syslog-${i}`, ['STANDALONE']);
  await f.pool({ listener_id: await f.listener(id, 'UDP', 514, `syslog-${i}`) }, 'UDP', `syslog-pool-${i}`);
}

/** One LB of its own shape (rare: merged into its nearest common shape). */
async function oddOne(f: ApiFleet): Promise<void> {
  const id = await f.lb('odd-legacy', ['STANDALONE']);
  const smtp = await f.pool({ listener_id: await f.listener(id, 'TCP', 25, 'odd-smtp') }, 'TCP', 'odd-pool');
  await f.members(smtp, 4, 'odd');
}

/**
 * Five web shops, five DNS services and five syslog LBs, one odd LB and one DELETED LB; 44 members,
 * with statuses as a health manager would have left them: 28 ONLINE, 6 ERROR, 3 DRAINING, 3 OFFLINE
 * and 4 NO_MONITOR.
 */
export async function buildMixedFleet(apiUrl: string, conn: Conn): Promise<ApiFleet> {
  const f = new ApiFleet(apiUrl, conn);
  for (let i = 1; i <= 5; i++) {
    await webShop(f, i);
    await dnsService(f, i);
    await syslog(f, i);
  }
  await oddOne(f);
  await conn.query("UPDATE member SET operating_status = 'ONLINE'");
  for (const [status, n] of [
    ['ERROR', 6],
    ['DRAINING', 3],
    ['OFFLINE', 3],
    ['NO_MONITOR', 4],
  ] as const) {
    await conn.query(
      `UPDATE member SET operating_status = ? WHERE operating_status = 'ONLINE' ORDER BY id LIMIT ${n}`,
      [status],
    );
  }
  const gone = await f.lb('deleted-one', ['STANDALONE']);
  await conn.query("UPDATE load_balancer SET provisioning_status = 'DELETED' WHERE id = ?", [gone]);
  return f;
}
