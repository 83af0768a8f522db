// Throwaway Octavia databases for integration tests: a uniquely named database on the
// local MariaDB, built from a shared schema dump or live by Debian's octavia-db-manage.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DbTarget } from '../../src/config/dburl';

export type SchemaSource = '3.0.0' | '11.0.0' | '18.0.0' | 'live';

/** ../shared/octavia-schemas beside the checkout (CI layout), else the workplace copy. */
export const SCHEMA_DIR =
  [
    process.env.STRESSHM_SCHEMA_DIR,
    join(__dirname, '..', '..', '..', '..', 'shared', 'octavia-schemas'),
    '/work/shared/octavia-schemas',
  ].find((d): d is string => !!d && existsSync(d)) ?? '../shared/octavia-schemas';

export interface TestDb {
  name: string;
  url: string;
  target: DbTarget;
  drop(): void;
}

const MYSQL_ARGS = ['-h127.0.0.1', '-P3306', '-uroot'];

export function mysql(sql: string, database?: string): string {
  return execFileSync('mariadb', [...MYSQL_ARGS, '-N', '-B', ...(database ? [database] : []), '-e', sql], {
    encoding: 'utf8',
  });
}

/** Runs octavia-db-manage upgrade head against `url` (the real alembic migrations). */
export function octaviaDbManageUpgrade(url: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-dbm-'));
  try {
    const conf = join(dir, 'octavia.conf');
    writeFileSync(conf, `[database]\nconnection = ${url}\n`);
    execFileSync('octavia-db-manage', ['--config-file', conf, 'upgrade', 'head'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates `stresshm_t_<tag>_<random>` with the given Octavia schema. */
export function createTestDb(source: SchemaSource, tag = 't'): TestDb {
  const name = `stresshm_t_${tag}_${randomBytes(4).toString('hex')}`.replace(/[^a-z0-9_]/gi, '_');
  mysql(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  const url = `mysql+pymysql://root@127.0.0.1:3306/${name}`;
  try {
    if (source === 'live') octaviaDbManageUpgrade(url);
    else {
      const sql = readFileSync(join(SCHEMA_DIR, `octavia-${source}.sql`));
      execFileSync('mariadb', [...MYSQL_ARGS, name], { input: sql });
    }
  } catch (e) {
    mysql(`DROP DATABASE IF EXISTS \`${name}\``);
    throw e;
  }
  return {
    name,
    url,
    target: { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: name },
    drop: () => {
      mysql(`DROP DATABASE IF EXISTS \`${name}\``);
    },
  };
}

/**
 * CHECKSUM TABLE of every base table of `database`, by table name (equal maps: identical contents).
 * `query` runs SQL on the server that holds it (the local MariaDB unless given).
 */
export function checksums(database: string, query: (sql: string) => string = (sql) => mysql(sql)): Map<string, string> {
  const tables = query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = '${database}' ` +
      `AND table_type = 'BASE TABLE' ORDER BY table_name`,
  )
    .trim()
    .split('\n')
    .filter(Boolean);
  const out = new Map<string, string>();
  for (const line of query(`CHECKSUM TABLE ${tables.map((t) => `\`${database}\`.\`${t}\``).join(', ')}`)
    .trim()
    .split('\n')) {
    const [name, sum] = line.split('\t');
    out.set(name.slice(name.indexOf('.') + 1), sum);
  }
  return out;
}

export interface TestUser {
  name: string;
  password: string;
  url: string;
  drop(): void;
}

/** A uniquely named MariaDB user with exactly `privileges` on `db` (removed by drop()). */
export function createTestUser(db: TestDb, privileges: string): TestUser {
  const name = `stresshm_u_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(9).toString('hex');
  mysql(
    `CREATE USER '${name}'@'%' IDENTIFIED BY '${password}';` +
      ` GRANT ${privileges} ON \`${db.name}\`.* TO '${name}'@'%'`,
  );
  return {
    name,
    password,
    url: `mysql+pymysql://${name}:${password}@127.0.0.1:3306/${db.name}`,
    drop: () => {
      mysql(`DROP USER IF EXISTS '${name}'@'%'`);
    },
  };
}
