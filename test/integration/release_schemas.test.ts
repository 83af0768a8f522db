// The live schema of newer Octavia releases (sid's 19, trixie's 16), built by that release's
// own octavia-db-manage in its Debian root: it has what migrations after Zed added, and
// populate then clean leave every table exactly as before, a second prefix untouched.
// (Octavia 11's live schema is covered by ghosts_schemas.test.ts.)

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { mysql } from '../../fixtures/testdb';
import { cleanPrefix } from '../../src/ghostdb/clean';
import { type Conn, connect } from '../../src/ghostdb/db';
import { expectedCounts } from '../../src/ghostdb/ghosts';
import { populate } from '../../src/ghostdb/populate';
import { loadSchema, type Schema } from '../../src/ghostdb/schema';
import { migrateDatabase } from '../../src/octavia/migrate';
import { prepareOctavia } from '../../src/octavia/release';
import { testPlan } from '../helpers/plans';
import { releasesUnderTest } from '../helpers/releases';

const created: string[] = [];
after(() => {
  for (const d of created) mysql(`DROP DATABASE IF EXISTS \`${d}\``);
});

const plan = testPlan;

async function snapshot(conn: Conn, schema: Schema): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of [...schema.tables.keys()].sort()) {
    const rows: Array<Record<string, unknown>> = await conn.query(`SELECT * FROM \`${table}\``);
    const lines = rows
      .map((r) => JSON.stringify(r))
      .sort()
      .join('\n');
    out[table] = `${rows.length}:${createHash('sha256').update(lines).digest('hex')}`;
  }
  return out;
}

function columns(db: string, table: string): string[] {
  return mysql(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = '${db}' AND table_name = '${table}'`,
  )
    .trim()
    .split('\n');
}

for (const rel of releasesUnderTest(['sid', 'trixie'])) {
  describe(`Octavia ${rel.label}`, { skip: rel.skip }, () => {
    test('octavia-db-manage of the release builds the schema; populate and clean leave it as before', async () => {
      const oct = await prepareOctavia(rel.choice);
      const name = `stresshm_t_${rel.label}_${randomBytes(4).toString('hex')}`;
      mysql(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
      created.push(name);
      await migrateDatabase(oct, `mysql+pymysql://root@127.0.0.1:3306/${name}`);
      assert.ok(columns(name, 'vip').includes('vnic_type'), `${oct.version}: vip.vnic_type`);
      assert.ok(columns(name, 'listener').includes('hsts_max_age'), `${oct.version}: listener.hsts_max_age`);
      assert.ok(columns(name, 'vip_security_group').length > 1, 'table vip_security_group');
      const conn = await connect({ host: '127.0.0.1', port: 3306, user: 'root', password: '', database: name });
      try {
        const schema = await loadSchema(conn, name);
        const other = plan({ topology: 'SINGLE', loadBalancers: 2, l7policies: 0, l7rules: 0 });
        await populate(conn, schema, other);
        const before = await snapshot(conn, schema);
        const a = plan();
        assert.deepEqual((await populate(conn, schema, a)).counts, expectedCounts(a));
        const cleaned = await cleanPrefix(conn, schema, a.prefix, 2);
        assert.equal(cleaned.counts.load_balancer, 3);
        assert.deepEqual(
          await snapshot(conn, schema),
          before,
          'after clean every table is as before, the other prefix untouched',
        );
      } finally {
        await conn.end();
      }
    });
  });
}
