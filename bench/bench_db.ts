// What the database benchmarks share: a throwaway Octavia 18.0.0 database on the local
// MariaDB (the test helper's) and one connection to it, both gone when the benchmark ends,
// and the ghost plan they write.

import { randomUUID } from 'node:crypto';
import type * as mariadb from 'mariadb';
import { createTestDb, type TestDb } from '../fixtures/testdb';
import { EXIT_USAGE } from '../src/errors';
import { type Conn, connect } from '../src/ghostdb/db';
import type { GhostPlan } from '../src/ghostdb/ghosts';

/** Runs `body` with a fresh database named after `tag` and a connection to it (`extra` options). */
export async function withBenchDb(
  tag: string,
  extra: Partial<mariadb.ConnectionConfig>,
  body: (db: TestDb, conn: Conn) => Promise<void>,
): Promise<void> {
  const db = createTestDb('18.0.0', tag);
  const conn = await connect(db.target, EXIT_USAGE, extra);
  try {
    await body(db, conn);
  } finally {
    await conn.end();
    db.drop();
  }
}

/** `lbs` ACTIVE_STANDBY LBs of 1 listener, pool, health monitor, L7 policy and rule and 10 members each. */
export function benchPlan(lbs: number, over: Partial<GhostPlan> = {}): GhostPlan {
  return {
    prefix: randomUUID(),
    projectId: randomUUID(),
    loadBalancers: lbs,
    listeners: 1,
    pools: 1,
    healthMonitors: 1,
    members: 10,
    l7policies: 1,
    l7rules: 1,
    topology: 'ACTIVE_STANDBY',
    ghostBusy: true,
    batchSize: 500,
    ...over,
  };
}
