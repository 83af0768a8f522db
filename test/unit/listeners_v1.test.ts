// Which listeners a heartbeat reports: v1 leaves out UDP listeners whose default pool has no member.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportsListener } from '../../src/engine/fleet';
import type { GraphLoadBalancer } from '../../src/ghostdb/graph';

test('v1 heartbeats leave out UDP listeners whose default pool has no member; v2/v3 report every listener', () => {
  const lb: GraphLoadBalancer = {
    id: 'lb',
    name: 'n',
    amphorae: [],
    listeners: [
      { id: 'udp-members', protocolPort: 1, protocol: 'UDP', defaultPoolId: 'p1' },
      { id: 'udp-empty', protocolPort: 2, protocol: 'UDP', defaultPoolId: 'p2' },
      { id: 'udp-nopool', protocolPort: 3, protocol: 'UDP', defaultPoolId: null },
      { id: 'tcp-nopool', protocolPort: 4, protocol: 'TCP', defaultPoolId: null },
    ],
    pools: [
      { id: 'p1', listenerId: 'udp-members', memberIds: ['m'] },
      { id: 'p2', listenerId: 'udp-empty', memberIds: [] },
    ],
  };
  const v1 = lb.listeners.filter((l) => reportsListener(l, lb, 1)).map((l) => l.id);
  assert.deepEqual(v1, ['udp-members', 'tcp-nopool']);
  for (const v of [2, 3]) assert.equal(lb.listeners.filter((l) => reportsListener(l, lb, v)).length, 4);
});
