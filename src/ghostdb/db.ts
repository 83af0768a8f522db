// Database connections (mariadb connector): connect with a bounded timeout and turn
// driver errors into one-line operator messages that never contain the password.

import * as mariadb from 'mariadb';
import { type DbTarget, describeTarget } from '../config/dburl';
import { EnvError, EXIT_USAGE } from '../errors';

export type Conn = mariadb.Connection;

export const CONNECT_TIMEOUT_MS = 8000;
/** A statement that gets no answer for this long ends its connection (a stalled server cannot hang a command). */
export const SOCKET_TIMEOUT_MS = 60000;

function connOptions(t: DbTarget, extra: Partial<mariadb.ConnectionConfig> = {}): mariadb.ConnectionConfig {
  return {
    host: t.host,
    port: t.port,
    user: t.user,
    password: t.password,
    database: t.database,
    socketPath: t.socketPath,
    connectTimeout: CONNECT_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    dateStrings: false,
    timezone: 'Z',
    bigIntAsNumber: true,
    insertIdAsNumber: true,
    decimalAsNumber: true,
    checkDuplicate: false,
    ...extra,
  };
}

/**
 * Opens one connection. Failures become EnvError with `code` as exit status
 * (2 for the ghost commands, which treat a bad URL like bad input; 3 for runs).
 */
export async function connect(
  t: DbTarget,
  code = EXIT_USAGE,
  extra: Partial<mariadb.ConnectionConfig> = {},
): Promise<Conn> {
  try {
    const conn = await mariadb.createConnection(connOptions(t, extra));
    // A socket that dies while the connection is idle (the server killed, say) is reported by the
    // next statement on it; without a listener the driver would throw it out of the event loop.
    conn.on('error', () => undefined);
    await conn.query("SET SESSION time_zone = '+00:00'");
    return conn;
  } catch (e) {
    throw new EnvError(`cannot connect to database ${describeTarget(t)}: ${dbReason(e)}`, code);
  }
}

/** The driver's reason, without the SQL text or credentials. */
export function dbReason(e: unknown): string {
  const err = e as { code?: string; errno?: number; sqlMessage?: string; text?: string; message?: string };
  switch (err.code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
      return 'access denied (wrong user or password)';
    case 'ER_BAD_DB_ERROR':
      return 'database does not exist';
    case 'ECONNREFUSED':
      return 'connection refused (is MariaDB/MySQL running there?)';
    case 'ER_CONNECTION_TIMEOUT':
    case 'ETIMEDOUT':
    case 'ER_GET_CONNECTION_TIMEOUT':
      return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name does not resolve';
    default:
      return (err.sqlMessage ?? err.text ?? err.message ?? String(e)).split('\n')[0].replace(/\s*sql:.*$/i, '');
  }
}

/** Rows a batch() changed (one result, or one per statement when the driver splits the batch). */
export function affected(res: unknown): number {
  const list = Array.isArray(res) ? res : [res];
  return list.reduce(
    (n: number, r: { affectedRows?: number | bigint } | undefined) => n + Number(r?.affectedRows ?? 0),
    0,
  );
}

/** Runs `fn` in one transaction; rolls back and rethrows on failure. */
export async function inTransaction<T>(conn: Conn, fn: () => Promise<T>): Promise<T> {
  await conn.beginTransaction();
  try {
    const out = await fn();
    await conn.commit();
    return out;
  } catch (e) {
    await conn.rollback().catch(() => undefined);
    throw e;
  }
}
