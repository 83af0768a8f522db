// The ghost commands as an operator runs them: the original flags, bad input (one line,
// exit 2, nothing written), the guard against real load balancers, and Ctrl-C mid-populate.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createTestDb, mysql, type TestDb } from '../../fixtures/testdb';
import { BIN, errorLines, runCli } from '../helpers/cliproc';

const db: TestDb = createTestDb('18.0.0', 'cli');
const other: TestDb = createTestDb('18.0.0', 'cli2');
const notOctavia = `stresshm_t_notoctavia_${randomBytes(4).toString('hex')}`;

const dir = mkdtempSync(join(tmpdir(), 'stresshm-cli-'));
after(() => {
  db.drop();
  other.drop();
  mysql(`DROP DATABASE IF EXISTS ${notOctavia}`);
  rmSync(dir, { recursive: true, force: true });
});
const conf = join(dir, 'stresshm.conf');
writeFileSync(conf, `[test_params]\noctavia_db_connection = ${db.url}\nload_balancers = 4\nmembers = 2\n`);

const cli = (args: string[], timeout = 30000) => runCli(args, timeout);

const rowCount = (name: string) =>
  Number(
    mysql(
      'SELECT (SELECT COUNT(*) FROM load_balancer) + (SELECT COUNT(*) FROM amphora) + (SELECT COUNT(*) FROM member)',
      name,
    ).trim(),
  );

test('the original flags: --db_create_only prints the prefix, --clean_db removes it', () => {
  const created = cli(['--config-file', conf, '--db_create_only']);
  assert.equal(created.status, 0, created.err);
  const prefix = /Your run prefix ID is: ([0-9a-f-]{36})/.exec(created.out)?.[1];
  assert.ok(prefix, created.out);
  assert.match(created.out, new RegExp(`--clean_db ${prefix}`));
  assert.equal(rowCount(db.name), 4 + 8 + 8);
  const listed = cli(['--config-file', conf, 'list']);
  assert.match(listed.out, new RegExp(`${prefix}\\s+4\\s+8`));
  const json = cli(['--config-file', conf, 'list', '-f', 'json']);
  assert.equal(json.status, 0, json.err);
  const mine = (JSON.parse(json.out) as Array<Record<string, unknown>>).find((r) => r.Prefix === prefix);
  assert.deepEqual(
    { ...mine, 'Created (UTC)': undefined },
    { Prefix: prefix, 'Load balancers': 4, Amphorae: 8, 'Created (UTC)': undefined },
  );
  const values = cli(['--config-file', conf, 'list', '-f', 'value', '-c', 'Amphorae', '-c', 'prefix']);
  assert.ok(values.out.split('\n').includes(`8 ${prefix}`), values.out);
  const bad = cli(['--config-file', conf, 'list', '-c', 'Frob']);
  assert.equal(bad.status, 2, bad.err);
  const cleaned = cli(['--config-file', conf, '--clean_db', prefix!]);
  assert.equal(cleaned.status, 0, cleaned.err);
  assert.match(cleaned.out, /load_balancer\s+4/);
  assert.equal(rowCount(db.name), 0);
  const again = cli(['--config-file', conf, 'clean', prefix!]);
  assert.match(again.out, /Removed 0 rows/);
});

test('bad input is one line, exit 2, and writes nothing', () => {
  mysql(`CREATE DATABASE IF NOT EXISTS ${notOctavia}`);
  const cases: Array<[string[], RegExp]> = [
    [['--octavia_db_connection', 'mysql+pymysql://root@127.0.0.1:1/x'], /cannot connect .*connection refused/],
    [['--octavia_db_connection', `mysql+pymysql://nobody_here:wrongpw@127.0.0.1:3306/${db.name}`], /access denied/],
    [['--octavia_db_connection', `mysql+pymysql://root@127.0.0.1:3306/${notOctavia}`], /not an Octavia database/],
    [['--frobnicate', '3'], /unknown option --frobnicate/],
    [['--members', '0'], /members .*below the minimum 1/],
    [['--topology', 'MESH'], /"MESH" is not one of SINGLE, ACTIVE_STANDBY/],
    [['--config-file', join(dir, 'nope.conf')], /cannot read config file/],
    [
      ['--listeners', '1000', '--pools', '1000'],
      /one ghost load balancer would have 5,001,006 rows .* at most 1,000,000/,
    ],
  ];
  for (const [args, re] of cases) {
    const r = cli(['--config-file', conf, 'populate', '--yes', ...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.err}`);
    const lines = errorLines(r.err);
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0], re);
    assert.doesNotMatch(r.err, /wrongpw/);
    assert.ok(r.ms < 10000, `reported within 10 s (${r.ms} ms)`);
  }
  assert.equal(rowCount(db.name), 0);
});

test('a database with real load balancers needs --yes when there is no terminal', () => {
  mysql(
    `INSERT INTO load_balancer (id, name, provisioning_status, operating_status, enabled) VALUES ` +
      `('11111111-1111-1111-1111-111111111111', 'production-lb', 'ACTIVE', 'ONLINE', 1)`,
    other.name,
  );
  const args = ['--config-file', conf, '--octavia_db_connection', other.url, 'populate'];
  const refused = cli(args);
  assert.equal(refused.status, 2);
  assert.match(
    refused.err,
    /Target database: root:\*\*\*@127.0.0.1:3306\/stresshm_t_cli2_\w+ \(1 non-ghost load balancer\)/,
  );
  assert.match(refused.err, /refusing to write ghost load balancers: .* holds 1 real load balancers; pass --yes/);
  assert.equal(rowCount(other.name), 1);
  const accepted = cli([...args, '--yes']);
  assert.equal(accepted.status, 0, accepted.err);
  assert.equal(rowCount(other.name), 1 + 4 + 8 + 8);
});

test('Ctrl-C during populate stops between chunks, keeps whole graphs and prints the clean command', async () => {
  const child = spawn(
    process.execPath,
    [BIN, '--config-file', conf, 'populate', '--load_balancers', '200000', '--batch_size', '50'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  await new Promise<void>((resolve) => {
    child.stderr.on('data', (d) => {
      err += d;
      if (/populate .* rows/.test(err)) resolve(); // the first committed chunk was reported
    });
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130, err);
  const prefix = /Your run prefix ID is: ([0-9a-f-]{36})/.exec(out)?.[1];
  assert.match(
    err,
    new RegExp(
      `populate stopped after (\\d+) complete load balancers; remove them with: stresshm --config-file \\S+ ` +
        `--clean_db ${prefix}`,
    ),
  );
  const lbs = Number(/stopped after (\d+)/.exec(err)?.[1]);
  assert.ok(lbs > 0 && lbs < 200000 && lbs % 50 === 0, `whole chunks only: ${lbs}`);
  assert.equal(Number(mysql('SELECT COUNT(*) FROM load_balancer', db.name)), lbs);
  assert.equal(Number(mysql('SELECT COUNT(*) FROM member', db.name)), lbs * 2);
  const cleaned = cli(['--config-file', conf, '--clean_db', prefix!]);
  assert.equal(cleaned.status, 0);
  assert.equal(rowCount(db.name), 0);
});

test('65,535 members per pool populate under a 96 MB heap: chunks are sized in rows, not LBs', () => {
  const args = [
    '--max-old-space-size=96',
    BIN,
    '--config-file',
    conf,
    'populate',
    '--members',
    '65535',
    '--load_balancers',
    '2',
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 600000, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /member\s+131,070\n/);
  const prefix = /Your run prefix ID is: ([0-9a-f-]{36})/.exec(r.stdout)?.[1];
  const cleaned = cli(['--config-file', conf, 'clean', prefix!], 600000);
  assert.equal(cleaned.status, 0, cleaned.err);
  assert.equal(rowCount(db.name), 0);
});
