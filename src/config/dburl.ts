// Database URLs: parses SQLAlchemy-style URLs (mysql+pymysql://user:pass@host:port/db?...)
// into connection options, and renders them for display with the password masked.
// A URL that does not parse is never shown, not even in part: it may hold a password.

import { printable, UsageError } from '../errors';

export interface DbTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  socketPath?: string;
}

const SCHEMES = /^(mysql|mariadb)(\+[a-z0-9_]+)?$/;
const EXPECTED = 'expected mysql+pymysql://user:password@host:port/database';
const NOT_SHOWN = 'the URL is not shown: it may hold a password';

/**
 * scheme://[user[:password]@]host[:port]/database[?query]. The password runs to the last
 * "@" that leaves a valid host and path, so an unencoded "@" in it still parses.
 */
const URL_RE = /^([a-z0-9+_]+):\/\/(?:([^:@/]*)(?::(.*))?@)?(\[[^\]]*\]|[^/?:@[\]]*)(?::(\d+))?\/([^?]*)(?:\?(.*))?$/is;

interface UrlParts {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: string;
  database: string;
  query?: string;
}

function split(url: string): UrlParts | undefined {
  const m = URL_RE.exec(url.trim());
  if (!m) return undefined;
  const [, scheme, user, password, host, port, database, query] = m;
  return { scheme, user, password, host, port, database, query };
}

function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`database URL: the ${what} has an invalid %-escape (${NOT_SHOWN})`);
  }
}

export function parseDbUrl(url: string | undefined): DbTarget {
  if (!url) {
    throw new UsageError(
      'no database configured: set [test_params] octavia_db_connection ' +
        "or pass Octavia's octavia.conf ([database] connection)",
    );
  }
  const p = split(url);
  if (!p) throw new UsageError(`database URL is malformed (${EXPECTED}; ${NOT_SHOWN})`);
  if (!SCHEMES.test(p.scheme.toLowerCase())) {
    throw new UsageError(`database URL scheme "${p.scheme}" is not supported (MariaDB/MySQL only)`);
  }
  if (!p.database) throw new UsageError(`database URL names no database: ${maskUrl(url)}`);
  const port = p.port ? Number(p.port) : 3306;
  if (port < 1 || port > 65535) throw new UsageError(`database URL: port ${p.port} is out of range 1..65535`);
  const target: DbTarget = {
    host: (p.host || '127.0.0.1').replace(/^\[|\]$/g, ''),
    port,
    user: decode(p.user ?? 'root', 'user name'),
    password: decode(p.password ?? '', 'password'),
    database: decode(p.database, 'database name'),
  };
  const socket = new URLSearchParams(p.query ?? '').get('unix_socket');
  if (socket) target.socketPath = socket;
  return target;
}

/** Query parameters whose name says they hold a password are masked too. */
function maskQuery(query: string): string {
  return query.replace(/(^|&)([^=&]*pass[^=&]*)=[^&]*/gi, '$1$2=***');
}

/** The URL with its password replaced by ***; a URL that does not parse is replaced whole. */
export function maskUrl(url: string): string {
  const p = split(url);
  if (!p) return '*** (malformed URL, not shown)';
  const userinfo = p.user !== undefined ? `${p.user}${p.password !== undefined ? ':***' : ''}@` : '';
  const port = p.port ? `:${p.port}` : '';
  const query = p.query !== undefined ? `?${maskQuery(p.query)}` : '';
  return `${p.scheme}://${userinfo}${p.host}${port}/${p.database}${query}`;
}

export function describeTarget(t: DbTarget): string {
  const where = t.socketPath ? `socket ${t.socketPath}` : `${t.host}:${t.port}`;
  return printable(`${t.user}:***@${where}/${t.database}`);
}

export function formatDbUrl(t: DbTarget): string {
  const pw = t.password ? `:${encodeURIComponent(t.password)}` : '';
  return `mysql+pymysql://${encodeURIComponent(t.user)}${pw}@${t.host}:${t.port}/${encodeURIComponent(t.database)}`;
}
