// The last pass after clean: the run knows every id it created, so rows an HM wrote late
// (amphora_health, listener_statistics) are removed by id even when their load balancer is
// already gone and clean's prefix walk can no longer reach them. Each row is deleted by its
// primary key (one lookup per row, batched), never by a list that can be planned as a full scan
// locking the cloud's own rows; listener_statistics rows found by amphora id (a secondary index)
// have their keys read first.

import { affected, type Conn } from './db';
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

/** Which HM-written table columns hold which of the run's ids; `key`: the primary key, when not that column. */
function targets(run: RunIds): Array<{ table: string; column: string; ids: string[]; key?: string[] }> {
  const amphorae = run.amphoraIds;
  const listeners = run.listenerIds;
  return [
    { table: 'listener_statistics', column: 'listener_id', ids: listeners },
    { table: 'listener_statistics', column: 'amphora_id', ids: amphorae, key: ['listener_id', 'amphora_id'] },
    { table: 'amphora_health', column: 'amphora_id', ids: amphorae },
  ];
}

const quote = (c: string) => `\`${c}\``;

/** Deletes the rows of `table` whose `column` is one of `ids`, one key lookup each; returns how many. */
async function deleteWhere(conn: Conn, table: string, column: string, ids: string[], key?: string[]): Promise<number> {
  if (!key) {
    return affected(
      await conn.batch(
        `DELETE FROM ${quote(table)} WHERE ${quote(column)} = ?`,
        ids.map((id) => [id]),
      ),
    );
  }
  const rows: Array<Record<string, string>> = await conn.query(
    `SELECT ${key.map(quote).join(', ')} FROM ${quote(table)} WHERE ${quote(column)} IN (?)`,
    [ids],
  );
  if (rows.length === 0) return 0;
  const match = key.map((k) => `${quote(k)} = ?`).join(' AND ');
  return affected(
    await conn.batch(
      `DELETE FROM ${quote(table)} WHERE ${match}`,
      rows.map((r) => key.map((k) => r[k])),
    ),
  );
}

/** Deletes late HM rows of the run's ids; returns the rows removed per table. */
export async function sweepIds(conn: Conn, schema: Schema, run: RunIds): Promise<Record<string, number>> {
  const removed: Record<string, number> = {};
  for (const t of targets(run)) {
    if (!hasColumn(schema, t.table, t.column)) continue;
    for (let i = 0; i < t.ids.length; i += CHUNK) {
      const n = await deleteWhere(conn, t.table, t.column, t.ids.slice(i, i + CHUNK), t.key);
      removed[t.table] = (removed[t.table] ?? 0) + n;
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
