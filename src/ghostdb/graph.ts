// The ghost object graph as the heartbeat side sees it: per load balancer, its amphorae,
// enabled listeners, pools (each attached to one listener) and members. Read back from
// the database by prefix (ghosts module) and turned into a fleet (fleet module).

export type AmphoraRole = 'MASTER' | 'BACKUP' | 'STANDALONE';

export interface GraphPool {
  id: string;
  /** The listener this pool serves (default pool or l7policy redirect). */
  listenerId: string;
  memberIds: string[];
}

export interface GraphListener {
  id: string;
  protocolPort: number;
  /** Listener protocol (HTTP, TCP, UDP, ...): UDP listeners follow their own rule in v1 heartbeats. */
  protocol?: string;
  defaultPoolId?: string | null;
}

export interface GraphAmphora {
  id: string;
  role: AmphoraRole;
}

export interface GraphLoadBalancer {
  id: string;
  name: string;
  amphorae: GraphAmphora[];
  listeners: GraphListener[];
  pools: GraphPool[];
}

/** One run's ghosts, in a stable order (by LB name index). */
export interface GhostGraph {
  prefix: string;
  loadBalancers: GraphLoadBalancer[];
}

export function amphoraCount(g: GhostGraph): number {
  return g.loadBalancers.reduce((n, lb) => n + lb.amphorae.length, 0);
}
