// The small ghost plan the integration tests write: 3 ACTIVE_STANDBY LBs with two of every child.

import { randomUUID } from 'node:crypto';
import type { GhostPlan } from '../../src/ghostdb/ghosts';

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
