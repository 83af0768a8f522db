// Installs like any npm CLI: from a clean clone of this repository, `npm pack` (prepack builds
// dist), `npm install -g --prefix DIR` of the tarball (the install script builds the addon),
// then DIR/bin/stresshm --version, populate, list -f json and clean against MariaDB. Needs the
// npm registry for the dependencies; node_modules of this checkout stand in for `npm ci`.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTestDb, mysql } from '../../fixtures/testdb';

const REPO = join(__dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'stresshm-npm-'));
const db = createTestDb('18.0.0', 'npm');
after(() => {
  db.drop();
  rmSync(dir, { recursive: true, force: true });
});

function sh(cmd: string, args: string[], cwd = dir): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300000 });
}

test('npm pack, npm install -g --prefix, then the installed stresshm works against MariaDB', () => {
  const clone = join(dir, 'clone');
  sh('git', ['clone', '--quiet', '--no-hardlinks', REPO, clone]);
  cpSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  const tarball = sh('npm', ['pack', '--silent', '--pack-destination', dir], clone).trim().split('\n').pop()!;
  const prefix = join(dir, 'prefix');
  sh('npm', [
    'install',
    '-g',
    '--silent',
    '--prefix',
    prefix,
    '--allow-scripts=stresshm,msgpackr-extract',
    join(dir, tarball),
  ]);
  const bin = join(prefix, 'bin', 'stresshm');
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.equal(sh(bin, ['--version']), `stresshm ${pkg.version}\n`);
  const conf = join(dir, 'stresshm.conf');
  writeFileSync(conf, `[test_params]\noctavia_db_connection = ${db.url}\nload_balancers = 3\nmembers = 1\n`);
  const populated = sh(bin, ['--config-file', conf, 'populate']);
  const prefixId = /Your run prefix ID is: ([0-9a-f-]{36})/.exec(populated)?.[1];
  assert.ok(prefixId, populated);
  const listed = JSON.parse(sh(bin, ['--config-file', conf, 'list', '-f', 'json'])) as Array<Record<string, unknown>>;
  assert.deepEqual(
    listed.map((r) => [r.Prefix, r['Load balancers'], r.Amphorae]),
    [[prefixId, 3, 6]],
  );
  const cleaned = spawnSync(bin, ['--config-file', conf, 'clean', prefixId!], { encoding: 'utf8' });
  assert.equal(cleaned.status, 0, cleaned.stderr);
  assert.equal(mysql('SELECT COUNT(*) FROM load_balancer', db.name).trim(), '0');
  // The addon was built by the install script, not copied from this checkout.
  const addon = join(prefix, 'lib', 'node_modules', 'stresshm', 'build', 'Release', 'stresshm_native.node');
  assert.ok(readFileSync(addon).length > 0);
});
