// What the database benchmarks share: a throwaway Octavia 18.0.0 database on the local
// MariaDB (the test helper's) and one connection to it, both gone when the benchmark ends.

import type * as mariadb from 'mariadb';
import { EXIT_USAGE } from '../src/errors';
import { type Conn, connect } from '../src/ghostdb/db';
import { createTestDb, type TestDb } from '../test/helpers/testdb';

/** Runs `body` with a fresh database named after `tag` and a connection to it (`extra` options). */
export async function withBenchDb(
  tag: string,
  extra: Partial<mariadb.ConnectionConfig>,
  body: (db: TestDb, conn: Conn) => Promise<void>,
): Promise<void> {
  const db = createTestDb('18.0.0', tag);
  const conn = await connect(db.target, EXIT_USAGE, extra);
  try {
    await body(db, conn);
  } finally {
    await conn.end();
    db.drop();
  }
}
