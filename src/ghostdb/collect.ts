// What populate wrote, as the heartbeat side needs it: the ids of each committed group's load
// balancers, amphorae, listeners, pools and members, taken from the rows as they are written
// and handed on as graph parts in load balancer order (no read-back of the database). Only
// the groups in flight are held; readGraph would return the same graph.

import type { TableRows } from './ghosts';
import type { GhostGraph } from './graph';
import type { TxGroup } from './groups';
import { assemble, type GraphRows } from './inventory';

type AmphoraRole = GraphRows['amps'][number]['role'];

const str = (v: unknown): string => String(v);
const opt = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Rows of one group, with the names readGraph orders pools and members by. */
interface Pending extends GraphRows {
  poolNames: Map<string, string>;
  memberNames: Map<string, string>;
}

const byName = (names: Map<string, string>) => (a: { id: string }, b: { id: string }) => {
  const x = names.get(a.id)!;
  const y = names.get(b.id)!;
  return x < y ? -1 : x > y ? 1 : 0;
};

function emptyGroup(): Pending {
  return {
    lbs: [],
    amps: [],
    listeners: [],
    redirects: [],
    pools: [],
    members: [],
    poolNames: new Map(),
    memberNames: new Map(),
  };
}

/** readGraph's `ORDER BY role DESC`. */
const ROLE_RANK: Record<string, number> = { STANDALONE: 0, MASTER: 1, BACKUP: 2 };

export class PlanCollector {
  private readonly open = new Map<number, Pending>();
  private readonly done = new Map<number, { lbs: number; graph: GhostGraph }>();
  private nextLb = 1;

  /** `emit` receives each group's graph part, in load balancer order. */
  constructor(
    private readonly prefix: string,
    private readonly emit: (part: GhostGraph) => void,
  ) {}

  /** Notes the ids of a piece of `group` (called as each piece is written). */
  piece(group: TxGroup, piece: TableRows): void {
    let g = this.open.get(group.firstLb);
    if (!g) {
      g = emptyGroup();
      this.open.set(group.firstLb, g);
    }
    for (const r of piece.get('load_balancer') ?? []) g.lbs.push({ id: str(r.id), name: str(r.name) });
    for (const r of piece.get('amphora') ?? []) {
      if (r.status !== 'DELETED')
        g.amps.push({ id: str(r.id), lb: str(r.load_balancer_id), role: r.role as AmphoraRole });
    }
    for (const r of piece.get('listener') ?? []) {
      if (Number(r.enabled) !== 1) continue;
      g.listeners.push({
        id: str(r.id),
        lb: str(r.load_balancer_id),
        port: Number(r.protocol_port),
        pool: opt(r.default_pool_id),
        protocol: str(r.protocol),
      });
    }
    for (const r of piece.get('l7policy') ?? []) {
      if (r.redirect_pool_id) g.redirects.push({ pool: str(r.redirect_pool_id), listener: str(r.listener_id) });
    }
    for (const r of piece.get('pool') ?? []) {
      g.pools.push({ id: str(r.id), lb: str(r.load_balancer_id), description: opt(r.description) });
      g.poolNames.set(str(r.id), str(r.name));
    }
    for (const r of piece.get('member') ?? []) {
      g.members.push({ id: str(r.id), pool: str(r.pool_id) });
      g.memberNames.set(str(r.id), str(r.name));
    }
  }

  /** The group's transaction committed: its part goes out once every earlier group's has. */
  committed(group: TxGroup): void {
    const g = this.open.get(group.firstLb) ?? emptyGroup();
    this.open.delete(group.firstLb);
    g.amps.sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    g.listeners.sort((a, b) => a.port - b.port);
    g.pools.sort(byName(g.poolNames));
    g.members.sort(byName(g.memberNames));
    this.done.set(group.firstLb, { lbs: group.lbs, graph: assemble(this.prefix, g) });
    for (let next = this.done.get(this.nextLb); next; next = this.done.get(this.nextLb)) {
      this.done.delete(this.nextLb);
      this.nextLb += next.lbs;
      this.emit(next.graph);
    }
  }
}
