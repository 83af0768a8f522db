// The live Octavia schema, read from information_schema: which tables and columns exist,
// their types and defaults, foreign keys and lookup-table values. Ghost rows are shaped to it.

import { EnvError, EXIT_USAGE } from '../errors';
import type { Conn } from './db';

export interface Column {
  name: string;
  dataType: string;
  nullable: boolean;
  hasDefault: boolean;
  maxLength: number | null;
  autoIncrement: boolean;
}

export interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
}

export interface Schema {
  database: string;
  tables: Map<string, Column[]>;
  foreignKeys: ForeignKey[];
  /** Lookup table name -> its `name` values. */
  lookups: Map<string, Set<string>>;
}

/** Lookup tables every Octavia release since Rocky has. */
const REQUIRED_LOOKUP_TABLES = [
  'provisioning_status',
  'operating_status',
  'protocol',
  'algorithm',
  'lb_topology',
  'amphora_roles',
];

/** Tables every Octavia release since Rocky has; without them this is not Octavia. */
const REQUIRED_TABLES = [
  'load_balancer',
  'amphora',
  'amphora_health',
  'listener',
  'pool',
  'member',
  'vip',
  ...REQUIRED_LOOKUP_TABLES,
];

/** The lookup tables whose `name` values are read (those of later releases where they exist). */
const LOOKUP_TABLES = [
  ...REQUIRED_LOOKUP_TABLES,
  'health_monitor_type',
  'session_persistence_type',
  'l7rule_type',
  'l7rule_compare_type',
  'l7policy_action',
  'client_authentication_mode',
  'vrrp_auth_method',
];

/** Values the ghosts use, which must be rows of the lookup tables. */
const REQUIRED_LOOKUPS: Array<[string, string]> = [
  ['provisioning_status', 'ACTIVE'],
  ['provisioning_status', 'ALLOCATED'],
  ['operating_status', 'ONLINE'],
  ['protocol', 'HTTP'],
  ['algorithm', 'ROUND_ROBIN'],
  ['amphora_roles', 'MASTER'],
  ['amphora_roles', 'BACKUP'],
  ['amphora_roles', 'STANDALONE'],
];

async function readColumns(conn: Conn, db: string): Promise<Map<string, Column[]>> {
  const rows: Array<Record<string, unknown>> = await conn.query(
    `SELECT TABLE_NAME t, COLUMN_NAME c, DATA_TYPE d, IS_NULLABLE n, COLUMN_DEFAULT def, ` +
      `CHARACTER_MAXIMUM_LENGTH len, EXTRA x
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [db],
  );
  const tables = new Map<string, Column[]>();
  for (const r of rows) {
    const t = String(r.t);
    const list = tables.get(t) ?? [];
    list.push({
      name: String(r.c),
      dataType: String(r.d).toLowerCase(),
      nullable: r.n === 'YES',
      // MariaDB reports a missing default as NULL (or the string 'NULL' for nullable columns).
      hasDefault: r.def !== null && r.def !== undefined,
      maxLength: r.len === null || r.len === undefined ? null : Number(r.len),
      autoIncrement: String(r.x ?? '').includes('auto_increment'),
    });
    tables.set(t, list);
  }
  return tables;
}

async function readForeignKeys(conn: Conn, db: string): Promise<ForeignKey[]> {
  const rows: Array<Record<string, unknown>> = await conn.query(
    `SELECT TABLE_NAME t, COLUMN_NAME c, REFERENCED_TABLE_NAME rt, REFERENCED_COLUMN_NAME rc
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL`,
    [db],
  );
  return rows.map((r) => ({
    table: String(r.t),
    column: String(r.c),
    refTable: String(r.rt),
    refColumn: String(r.rc),
  }));
}

async function readLookups(conn: Conn, tables: Map<string, Column[]>): Promise<Map<string, Set<string>>> {
  const lookups = new Map<string, Set<string>>();
  for (const t of LOOKUP_TABLES) {
    if (!tables.get(t)?.some((c) => c.name === 'name')) continue;
    const rows: Array<{ name: string }> = await conn.query(`SELECT name FROM \`${t}\``);
    lookups.set(t, new Set(rows.map((r) => r.name)));
  }
  return lookups;
}

/** Reads the schema and refuses, before any write, a database that is not Octavia's. */
export async function loadSchema(conn: Conn, database: string, code = EXIT_USAGE): Promise<Schema> {
  const tables = await readColumns(conn, database);
  const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
  if (missing.length > 0) {
    throw new EnvError(
      `database "${database}" is not an Octavia database (missing table${missing.length > 1 ? 's' : ''} ` +
        `${missing.slice(0, 4).join(', ')})`,
      code,
    );
  }
  const schema: Schema = {
    database,
    tables,
    foreignKeys: await readForeignKeys(conn, database),
    lookups: await readLookups(conn, tables),
  };
  const absent = REQUIRED_LOOKUPS.filter(([t, v]) => !schema.lookups.get(t)?.has(v));
  if (absent.length > 0) {
    throw new EnvError(
      `database "${database}" is not a usable Octavia database (lookup values missing: ` +
        `${absent.map(([t, v]) => `${t}.${v}`).join(', ')}); run octavia-db-manage upgrade head`,
      code,
    );
  }
  return schema;
}

export function hasColumn(s: Schema, table: string, column: string): boolean {
  return s.tables.get(table)?.some((c) => c.name === column) ?? false;
}
