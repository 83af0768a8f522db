// Privileges, checked before the first write: a user who may INSERT but not DELETE would write
// ghosts it can never remove. The server itself answers, through EXPLAIN of a statement that
// names every column (EXPLAIN executes nothing, so nothing is written or locked beyond metadata):
// global, database (wildcards included), table, column and role grants all count, exactly as
// they would for the real statement. Parsing SHOW GRANTS or information_schema would miss some.

import { EnvError, EXIT_USAGE } from '../errors';
import { CLEAN_TABLES } from './clean';
import { type Conn, dbReason } from './db';
import { INSERT_ORDER } from './ghosts';
import type { Schema } from './schema';

export type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** What an action needs: writing ghosts (populate, run) or removing them (clean). */
export type WriteAction = 'write' | 'clean';

/** Access denied: to a table (1142), a column (1143), a database (1044). */
const DENIED = new Set([1142, 1143, 1044]);

/** A statement needing exactly `priv` on `table` (all its columns); EXPLAIN never executes it. */
function probeSql(priv: Privilege, table: string, columns: string[]): string {
  const t = `\`${table}\``;
  const cols = columns.map((c) => `\`${c}\``);
  switch (priv) {
    case 'SELECT':
      return `EXPLAIN SELECT ${cols.join(', ')} FROM ${t} WHERE 1 = 0`;
    case 'INSERT':
      return `EXPLAIN INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map(() => 'DEFAULT')})`;
    case 'UPDATE':
      return `EXPLAIN UPDATE ${t} SET ${cols.map((c) => `${c} = ${c}`).join(', ')} WHERE 1 = 0`;
    case 'DELETE':
      return `EXPLAIN DELETE FROM ${t} WHERE 1 = 0`;
  }
}

/** The (privilege, table) pairs an action needs, for the tables this schema has. */
function requiredPrivileges(schema: Schema, action: WriteAction): Array<[Privilege, string]> {
  const tables = [...new Set([...INSERT_ORDER, ...CLEAN_TABLES])].filter(
    (t) => schema.tables.has(t) && (action === 'write' || CLEAN_TABLES.includes(t)),
  );
  const privs: Privilege[] = action === 'write' ? ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] : ['SELECT', 'DELETE'];
  return privs.flatMap((p) => tables.map((t): [Privilege, string] => [p, t]));
}

/** The pairs the connected user lacks (empty when everything is granted). */
async function missingPrivileges(
  conn: Conn,
  schema: Schema,
  action: WriteAction,
  code = EXIT_USAGE,
): Promise<Array<[Privilege, string]>> {
  const needed = requiredPrivileges(schema, action);
  const columns = (t: string) => schema.tables.get(t)!.map((c) => c.name);
  const results = await Promise.allSettled(needed.map(([p, t]) => conn.query(probeSql(p, t, columns(t)))));
  const missing: Array<[Privilege, string]> = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    if (!DENIED.has((r.reason as { errno?: number }).errno ?? 0)) {
      throw new EnvError(`cannot check ${needed[i][0]} on table ${needed[i][1]}: ${dbReason(r.reason)}`, code);
    }
    missing.push(needed[i]);
  });
  return missing;
}

/** One line naming what is missing, e.g. "DELETE on load_balancer, vip (+12 more tables)". */
export function describeMissing(missing: Array<[Privilege, string]>): string {
  const byPriv = new Map<Privilege, string[]>();
  for (const [p, t] of missing) byPriv.set(p, [...(byPriv.get(p) ?? []), t]);
  const more = (ts: string[]) => (ts.length > 3 ? ` (+${ts.length - 3} more tables)` : '');
  return [...byPriv].map(([p, ts]) => `${p} on ${ts.slice(0, 3).join(', ')}${more(ts)}`).join('; ');
}

/** Refuses, before anything is written, a user who could not write or remove every ghost row. */
export async function checkPrivileges(
  conn: Conn,
  schema: Schema,
  action: WriteAction,
  code = EXIT_USAGE,
): Promise<void> {
  const missing = await missingPrivileges(conn, schema, action, code);
  if (missing.length === 0) return;
  const why = action === 'write' ? 'to write ghosts and remove them again' : 'to remove ghosts';
  throw new EnvError(`the database user lacks ${describeMissing(missing)} (needed ${why}); nothing was written`, code);
}
