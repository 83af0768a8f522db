// Database URLs: parses SQLAlchemy-style URLs (mysql+pymysql://user:pass@host:port/db?...)
// into connection options, and renders them for display with the password masked.

import { UsageError } from '../errors';

export interface DbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  socketPath?: string;
}

const SCHEMES = /^(mysql|mariadb)(\+[a-z0-9_]+)?$/;

export function parseDbUrl(url: string | undefined): DbTarget {
  if (!url) {
    throw new UsageError('no database configured: set [test_params] octavia_db_connection or pass Octavia\'s octavia.conf ([database] connection)');
  }
  const m = /^([a-z0-9+_]+):\/\/(?:([^:@/]*)(?::([^@]*))?@)?([^/?:]*|\[[^\]]*\])?(?::(\d+))?\/([^?]*)(?:\?(.*))?$/i.exec(url.trim());
  if (!m) throw new UsageError(`database URL is malformed: ${maskUrl(url)}`);
  const [, scheme, user, password, host, port, database, query] = m;
  if (!SCHEMES.test(scheme.toLowerCase())) {
    throw new UsageError(`database URL scheme "${scheme}" is not supported (stresshm writes to MariaDB/MySQL: mysql+pymysql://...)`);
  }
  if (!database) throw new UsageError(`database URL names no database: ${maskUrl(url)}`);
  const params = new URLSearchParams(query ?? '');
  const target: DbTarget = {
    host: (host || '127.0.0.1').replace(/^\[|\]$/g, ''),
    port: port ? Number(port) : 3306,
    user: decodeURIComponent(user ?? 'root'),
    password: decodeURIComponent(password ?? ''),
    database: decodeURIComponent(database),
  };
  const socket = params.get('unix_socket');
  if (socket) target.socketPath = socket;
  return target;
}

/** The URL with its password replaced by ***. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:@/]*:)([^@]*)@/, '$1***@');
}

export function describeTarget(t: DbTarget): string {
  const where = t.socketPath ? `socket ${t.socketPath}` : `${t.host}:${t.port}`;
  return `${t.user}:***@${where}/${t.database}`;
}

export function formatDbUrl(t: DbTarget): string {
  const pw = t.password ? `:${encodeURIComponent(t.password)}` : '';
  return `mysql+pymysql://${encodeURIComponent(t.user)}${pw}@${t.host}:${t.port}/${encodeURIComponent(t.database)}`;
}
