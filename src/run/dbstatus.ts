// Database work per heartbeat, from SHOW GLOBAL STATUS deltas over the send and drain: statements
// by kind, rows read and written, commits and lock waits. The counters are the whole server's:
// the run's own monitor statements are subtracted; other clients sharing the server are not.

import { Queryable } from './monitor';

const VARIABLES = ['Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete', 'Com_replace', 'Com_commit',
  'Com_rollback', 'Innodb_rows_read', 'Innodb_rows_inserted', 'Innodb_rows_updated', 'Innodb_rows_deleted',
  'Innodb_row_lock_waits', 'Innodb_row_lock_time'] as const;

type Counters = Record<(typeof VARIABLES)[number], number>;

export interface DbWork {
  /** Statements per processed heartbeat (the server's Questions, less the run's own). */
  statementsPerHeartbeat: number;
  perHeartbeat: { select: number; insert: number; update: number; delete: number; commit: number;
    rowsRead: number; rowsWritten: number };
  rowLockWaits: number;
  rowLockTimeMs: number;
  /** The run's own statements (monitor polls, probes) subtracted from the counters. */
  ownStatements: number;
  processed: number;
}

export async function readCounters(db: Queryable): Promise<Counters> {
  const rows: Array<{ Variable_name: string; Value: string }> = await db.query(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${VARIABLES.map(() => '?').join(', ')})`, [...VARIABLES]);
  const c = Object.fromEntries(VARIABLES.map((v) => [v, 0])) as Counters;
  for (const r of rows) if ((VARIABLES as readonly string[]).includes(r.Variable_name)) c[r.Variable_name as keyof Counters] = Number(r.Value);
  return c;
}

/** Per processed heartbeat; `ownSelects` of the run's statements were SELECTs (subtracted from both). */
export function dbWork(before: Counters, after: Counters, processed: number, ownSelects: number): DbWork {
  const d = (k: keyof Counters) => Math.max(0, after[k] - before[k]);
  const per = (v: number) => (processed > 0 ? v / processed : 0);
  const statements = Math.max(0, d('Questions') - ownSelects);
  return {
    statementsPerHeartbeat: per(statements),
    perHeartbeat: { select: per(Math.max(0, d('Com_select') - ownSelects)), insert: per(d('Com_insert') + d('Com_replace')),
      update: per(d('Com_update')), delete: per(d('Com_delete')), commit: per(d('Com_commit')), rowsRead: per(d('Innodb_rows_read')),
      rowsWritten: per(d('Innodb_rows_inserted') + d('Innodb_rows_updated') + d('Innodb_rows_deleted')) },
    rowLockWaits: d('Innodb_row_lock_waits'), rowLockTimeMs: d('Innodb_row_lock_time'), ownStatements: ownSelects, processed,
  };
}
