// The small ghost plan the integration tests write: 3 ACTIVE_STANDBY LBs with two of every child;
// and the listener_statistics rows a live HM would write for a run.

import { randomUUID } from 'node:crypto';
import type { Conn } from '../../src/ghostdb/db';
import type { GhostPlan } from '../../src/ghostdb/ghosts';
import { prefixNameSql } from '../../src/ghostdb/names';

export function testPlan(over: Partial<GhostPlan> = {}): GhostPlan {
  return {
    prefix: randomUUID(),
    projectId: randomUUID(),
    loadBalancers: 3,
    listeners: 2,
    pools: 2,
    healthMonitors: 1,
    members: 3,
    l7policies: 2,
    l7rules: 2,
    topology: 'ACTIVE_STANDBY',
    ghostBusy: true,
    batchSize: 2,
    ...over,
  };
}

/** Statistics rows as a live HM writes them, for every (listener, amphora) of a run's load balancers. */
export async function hmStatistics(conn: Conn, prefix: string): Promise<void> {
  const m = prefixNameSql('lb.name', prefix);
  await conn.query(
    'INSERT INTO listener_statistics (listener_id, amphora_id, bytes_in, bytes_out, active_connections,' +
      ' total_connections, request_errors) SELECT l.id, a.id, 1, 2, 3, 4, 5 FROM load_balancer lb' +
      ` JOIN listener l ON l.load_balancer_id = lb.id JOIN amphora a ON a.load_balancer_id = lb.id WHERE ${m.sql}`,
    m.params.map(String),
  );
}
