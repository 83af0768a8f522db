// The real Octavia API (octavia-api, noauth, loopback; Debian 12's Octavia 11, in CI also
// sid's 19) lists stresshm's ghosts: every list call answers 200 with the expected counts
// and one ghost LB shows in full.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseDbUrl } from '../../src/config/dburl';
import { type Conn, connect } from '../../src/ghostdb/db';
import { expectedCounts, type GhostPlan } from '../../src/ghostdb/ghosts';
import { readGraph } from '../../src/ghostdb/inventory';
import { populate } from '../../src/ghostdb/populate';
import { loadSchema } from '../../src/ghostdb/schema';
import { type Sandbox, startSandbox } from '../../src/octavia/sandbox';
import { testPlan } from '../helpers/plans';
import { releasesUnderTest } from '../helpers/releases';

for (const rel of releasesUnderTest(['installed', 'sid'])) {
  describe(`Octavia ${rel.label}`, { skip: rel.skip }, () => {
    let sb: Sandbox;
    let conn: Conn;
    const plan: GhostPlan = testPlan();
    before(async () => {
      sb = await startSandbox({ hms: 1, api: true, octavia: rel.choice });
      conn = await connect(parseDbUrl(sb.dbUrl));
      await populate(conn, await loadSchema(conn, sb.database), plan);
    });
    after(async () => {
      await conn?.end();
      await sb?.stop();
    });

    async function get(path: string): Promise<Record<string, unknown>> {
      const r = await fetch(`${sb.api!.url}${path}`, {
        headers: { 'X-Auth-Token': 'noauth', 'X-Project-Id': plan.projectId },
      });
      assert.equal(r.status, 200, `${path}: ${r.status} ${await r.clone().text()}`);
      return r.json() as Promise<Record<string, unknown>>;
    }

    async function list(path: string, key: string): Promise<Array<Record<string, unknown>>> {
      const sep = path.includes('?') ? '&' : '?';
      return (await get(`${path}${sep}limit=1000`))[key] as Array<Record<string, unknown>>;
    }

    test(
      'load balancers, listeners, pools, members, health monitors, L7 policies and rules, amphorae list with ' +
        'their counts',
      async () => {
        const n = expectedCounts(plan);
        const p = `project_id=${plan.projectId}`;
        const lbs = await list(`/v2/lbaas/loadbalancers?${p}`, 'loadbalancers');
        assert.equal(lbs.length, n.load_balancer);
        assert.deepEqual(lbs.map((l) => l.name).sort(), [1, 2, 3].map((i) => `${plan.prefix}-lb${i}`).sort());
        assert.equal((await list(`/v2/lbaas/listeners?${p}`, 'listeners')).length, n.listener);
        const pools = await list(`/v2/lbaas/pools?${p}`, 'pools');
        assert.equal(pools.length, n.pool);
        assert.equal((await list(`/v2/lbaas/healthmonitors?${p}`, 'healthmonitors')).length, n.health_monitor);
        const policies = await list(`/v2/lbaas/l7policies?${p}`, 'l7policies');
        assert.equal(policies.length, n.l7policy);
        let members = 0;
        for (const pool of pools) members += (await list(`/v2/lbaas/pools/${pool.id}/members`, 'members')).length;
        assert.equal(members, n.member);
        let rules = 0;
        for (const pol of policies) rules += (await list(`/v2/lbaas/l7policies/${pol.id}/rules`, 'rules')).length;
        assert.equal(rules, n.l7rule);
        let amphorae = 0;
        for (const lb of lbs)
          amphorae += (await list(`/v2/octavia/amphorae?loadbalancer_id=${lb.id}`, 'amphorae')).length;
        assert.equal(amphorae, n.amphora);
      },
    );

    test('showing one ghost load balancer returns the full object', async () => {
      const g = await readGraph(conn, plan.prefix);
      const lb = (await get(`/v2/lbaas/loadbalancers/${g.loadBalancers[0].id}`)).loadbalancer as Record<
        string,
        unknown
      >;
      assert.equal(lb.name, `${plan.prefix}-lb1`);
      assert.equal(lb.provisioning_status, 'ACTIVE');
      assert.equal(lb.operating_status, 'ONLINE');
      assert.equal(lb.project_id, plan.projectId);
      assert.match(String(lb.vip_address), /^203\.0\.113\./);
      assert.equal((lb.listeners as unknown[]).length, 2);
      assert.equal((lb.pools as unknown[]).length, 4);
      const status = (await get(`/v2/lbaas/loadbalancers/${g.loadBalancers[0].id}/status`)).statuses as {
        loadbalancer: { listeners: Array<{ pools: unknown[] }> };
      };
      assert.equal(status.loadbalancer.listeners.length, 2);
    });
  });
}
