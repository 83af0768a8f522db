// Database work per heartbeat, from SHOW GLOBAL STATUS deltas over the send and drain: statements
// by kind, rows read and written, commits and lock waits. The counters are the whole server's:
// the run's own monitor statements are subtracted; other clients sharing the server are not.

import type { Queryable } from './monitor';

// Rows_read is MariaDB's; MySQL has Innodb_rows_read. The Handler_* writes exist in both.
const VARIABLES = [
  'Questions',
  'Com_select',
  'Com_insert',
  'Com_update',
  'Com_delete',
  'Com_replace',
  'Com_commit',
  'Com_rollback',
  'Rows_read',
  'Innodb_rows_read',
  'Handler_write',
  'Handler_update',
  'Handler_delete',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
] as const;

/** The counters the server has (a missing one stays absent: its figure is "not measured"). */
type Counters = Partial<Record<(typeof VARIABLES)[number], number>>;

export interface DbWork {
  /** Statements per processed heartbeat (the server's Questions, less the run's own). */
  statementsPerHeartbeat: number;
  perHeartbeat: {
    select: number;
    insert: number;
    update: number;
    delete: number;
    commit: number;
    rowsRead?: number;
    rowsWritten?: number;
  };
  rowLockWaits?: number;
  rowLockTimeMs?: number;
  /** The run's own statements (monitor polls, probes) subtracted from the counters. */
  ownStatements: number;
  processed: number;
}

export async function readCounters(db: Queryable): Promise<Counters> {
  const rows: Array<{ Variable_name: string; Value: string }> = await db.query(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${VARIABLES.map(() => '?').join(', ')})`,
    [...VARIABLES],
  );
  const c: Counters = {};
  for (const r of rows)
    if ((VARIABLES as readonly string[]).includes(r.Variable_name))
      c[r.Variable_name as keyof Counters] = Number(r.Value);
  return c;
}

/** Per processed heartbeat; `ownSelects` of the run's statements were SELECTs (subtracted from both). */
export function dbWork(before: Counters, after: Counters, processed: number, ownSelects: number): DbWork {
  const has = (k: keyof Counters) => before[k] !== undefined && after[k] !== undefined;
  const d = (k: keyof Counters) => (has(k) ? Math.max(0, after[k]! - before[k]!) : 0);
  const per = (v: number) => (processed > 0 ? v / processed : 0);
  const maybe = (keys: Array<keyof Counters>, v: () => number) => (keys.every(has) ? v() : undefined);
  const rowsReadKey = has('Rows_read') ? 'Rows_read' : 'Innodb_rows_read';
  return {
    statementsPerHeartbeat: per(Math.max(0, d('Questions') - ownSelects)),
    perHeartbeat: {
      select: per(Math.max(0, d('Com_select') - ownSelects)),
      insert: per(d('Com_insert') + d('Com_replace')),
      update: per(d('Com_update')),
      delete: per(d('Com_delete')),
      commit: per(d('Com_commit')),
      rowsRead: maybe([rowsReadKey], () => per(d(rowsReadKey))),
      rowsWritten: maybe(['Handler_write', 'Handler_update', 'Handler_delete'], () =>
        per(d('Handler_write') + d('Handler_update') + d('Handler_delete')),
      ),
    },
    rowLockWaits: maybe(['Innodb_row_lock_waits'], () => d('Innodb_row_lock_waits')),
    rowLockTimeMs: maybe(['Innodb_row_lock_time'], () => d('Innodb_row_lock_time')),
    ownStatements: ownSelects,
    processed,
  };
}
