// Profiles read older schemas: the sample fleet populated into an Octavia 3.0.0 (Rocky) database
// comes back from profile shape for shape.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTestDb } from '../../fixtures/testdb';
import { connect } from '../../src/ghostdb/db';
import { checkProfile } from '../../src/ghostdb/profilefile';
import { type Profile, shapeKey } from '../../src/ghostdb/shapes';
import { runCli } from '../helpers/cliproc';

const SAMPLE = join(__dirname, '..', '..', '..', 'examples', 'profile-sample.json');
const dir = mkdtempSync(join(tmpdir(), 'stresshm-profile3-'));
const stresshm = (args: string[]) => runCli(args, 600000);

after(() => rmSync(dir, { recursive: true, force: true }));

test('profiles read an Octavia 3.0.0 (Rocky) database: the sample fleet comes back shape for shape', async () => {
  const db = createTestDb('3.0.0', 'profile3');
  try {
    const conf = join(dir, 'rocky.conf');
    writeFileSync(conf, `[test_params]\noctavia_db_connection = ${db.url}\n`);
    const pop = stresshm(['--config-file', conf, 'populate', '--profile', SAMPLE, '--yes']);
    assert.equal(pop.status, 0, pop.err);
    // The ghosts become the database's own fleet (renamed), so the profile reads them.
    const c = await connect(db.target);
    try {
      await c.query("UPDATE load_balancer SET name = CONCAT('svc-', SUBSTRING(name, 38))");
    } finally {
      await c.end();
    }
    const r = stresshm(['--config-file', conf, 'profile']);
    assert.equal(r.status, 0, r.err);
    const got = checkProfile(JSON.parse(r.out));
    const sample = checkProfile(JSON.parse(readFileSync(SAMPLE, 'utf8')));
    const keyed = (p: Profile) => new Map(p.shapes.map((s) => [shapeKey(s.shape), s.count]));
    assert.deepEqual(keyed(got), keyed(sample));
    assert.equal(got.merged_load_balancers, 0);
  } finally {
    db.drop();
  }
});
