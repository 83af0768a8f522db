// The last pass after clean: the run knows every id it created, so rows an HM wrote late
// (amphora_health, listener_statistics) are removed by id even when their load balancer is
// already gone and clean's prefix walk can no longer reach them.

import type { Conn } from './db';
import type { GhostGraph } from './graph';

/** The ids of a run the HM may write rows for: its amphorae and listeners. */
export interface RunIds {
  amphoraIds: string[];
  listenerIds: string[];
}

/** The ids of a graph read back whole. */
export function idsOfGraph(graph: GhostGraph): RunIds {
  return {
    amphoraIds: graph.loadBalancers.flatMap((lb) => lb.amphorae.map((a) => a.id)),
    listenerIds: graph.loadBalancers.flatMap((lb) => lb.listeners.map((l) => l.id)),
  };
}

import { hasColumn, type Schema } from './schema';

const CHUNK = 5000;

/** Which HM-written table columns hold which of the run's ids. */
function targets(run: RunIds): Array<{ table: string; column: string; ids: string[] }> {
  const amphorae = run.amphoraIds;
  const listeners = run.listenerIds;
  return [
    { table: 'listener_statistics', column: 'listener_id', ids: listeners },
    { table: 'listener_statistics', column: 'amphora_id', ids: amphorae },
    { table: 'amphora_health', column: 'amphora_id', ids: amphorae },
  ];
}

/** Deletes late HM rows of the run's ids; returns the rows removed per table. */
export async function sweepIds(conn: Conn, schema: Schema, run: RunIds): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const t of targets(run)) {
    if (!hasColumn(schema, t.table, t.column)) continue;
    for (let i = 0; i < t.ids.length; i += CHUNK) {
      const res = await conn.query(`DELETE FROM \`${t.table}\` WHERE \`${t.column}\` IN (?)`, [
        t.ids.slice(i, i + CHUNK),
      ]);
      removed[t.table] = (removed[t.table] ?? 0) + Number(res.affectedRows);
    }
  }
  return removed;
}

/** Rows that reference the run's ids in the HM-written tables (or in `only`); 0 after a clean run. */
export async function referencingRows(conn: Conn, schema: Schema, run: RunIds, only?: string): Promise<number> {
  let n = 0;
  for (const t of targets(run)) {
    if (!hasColumn(schema, t.table, t.column) || (only !== undefined && t.table !== only)) continue;
    if (only !== undefined && t.column !== 'listener_id' && t.table === 'listener_statistics') continue;
    for (let i = 0; i < t.ids.length; i += CHUNK) {
      const rows: Array<{ n: number }> = await conn.query(
        `SELECT COUNT(*) AS n FROM \`${t.table}\` WHERE \`${t.column}\` IN (?)`,
        [t.ids.slice(i, i + CHUNK)],
      );
      n += Number(rows[0].n);
    }
  }
  return n;
}
