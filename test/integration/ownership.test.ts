// Exact ownership against MariaDB: the SQL name matcher equals the JavaScript one in the table's
// own case-insensitive collation; look-alike foreign load balancers survive populate and clean
// through the CLI (every table's checksum as before) and the guard counts them as real; a prefix
// in use by a running populate cannot be cleaned; a user without DELETE is refused before writing;
// Ctrl-C or Ctrl-D at the guard's prompt (a real pseudo-terminal) cancels with exit 2.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checksums, createTestDb, createTestUser, mysql, type TestDb, type TestUser } from '../../fixtures/testdb';
import { type Conn, connect } from '../../src/ghostdb/db';
import type { GhostPlan } from '../../src/ghostdb/ghosts';
import { countRealLoadBalancers, listPrefixes, readGraph } from '../../src/ghostdb/inventory';
import { holdPrefixLock } from '../../src/ghostdb/lock';
import { ghostNameSql, isGhostLbName, lbName, prefixNameSql } from '../../src/ghostdb/names';
import { populate } from '../../src/ghostdb/populate';
import { loadSchema } from '../../src/ghostdb/schema';
import { BIN, errorLines, runCli } from '../helpers/cliproc';
import { lookAlikes } from '../helpers/lookalikes';
import { testPlan } from '../helpers/plans';

const db: TestDb = createTestDb('18.0.0', 'own');
const users: TestUser[] = [];
const dir = mkdtempSync(join(tmpdir(), 'stresshm-own-'));
const conf = join(dir, 'stresshm.conf');
writeFileSync(
  conf,
  `[test_params]\noctavia_db_connection = ${db.url}\nload_balancers = 3\nmembers = 2\nbatch_size = 2\n`,
);
/** The prefix the foreign look-alikes imitate (its real ghosts are written by the tests). */
const Q = randomUUID();
const FOREIGN = lookAlikes(Q);
let conn: Conn;

function plan(prefix: string, lbs: number): GhostPlan {
  return testPlan({ prefix, loadBalancers: lbs, listeners: 1, members: 2, l7policies: 1, l7rules: 1 });
}

before(async () => {
  conn = await connect(db.target);
  // Whole foreign graphs (amphorae, listeners, pools, members...) whose LB names are the look-alikes.
  const f = randomUUID();
  await populate(conn, await loadSchema(conn, db.name), plan(f, FOREIGN.length));
  for (const [i, name] of FOREIGN.entries()) {
    await conn.query('UPDATE load_balancer SET name = ? WHERE name = ?', [name, lbName(f, i + 1)]);
  }
});

after(async () => {
  await conn?.end();
  for (const u of users) u.drop();
  db.drop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = runCli;

/** Load balancers of prefix `p`, by the exact matcher. */
async function ghostsOf(p: string): Promise<number> {
  const m = prefixNameSql('name', p);
  return Number((await conn.query(`SELECT COUNT(*) AS n FROM load_balancer WHERE ${m.sql}`, m.params))[0].n);
}

const prefixOf = (out: string) => /Your run prefix ID is: ([0-9a-f-]{36})/.exec(out)?.[1];

test("the SQL matcher equals the JavaScript one on look-alikes, in load_balancer's own collation", async () => {
  await conn.query('CREATE TEMPORARY TABLE names LIKE load_balancer');
  try {
    const names = [...FOREIGN, lbName(Q, 1), lbName(Q, 10), lbName(Q, 123456), lbName(randomUUID(), 7)];
    for (const name of names) {
      await conn.query(
        'INSERT INTO names (id, name, provisioning_status, operating_status, enabled)' +
          " VALUES (?, ?, 'ACTIVE', 'ONLINE', 1)",
        [randomUUID(), name],
      );
    }
    const any = ghostNameSql('name');
    const ofQ = prefixNameSql('name', Q);
    const rows: Array<{ name: string; g: number; q: number }> = await conn.query(
      `SELECT name, ${any.sql} AS g, ${ofQ.sql} AS q FROM names`,
      [...any.params, ...ofQ.params],
    );
    assert.equal(rows.length, names.length);
    for (const r of rows) {
      assert.equal(Boolean(Number(r.g)), isGhostLbName(r.name), `any prefix: ${JSON.stringify(r.name)}`);
      assert.equal(Boolean(Number(r.q)), isGhostLbName(r.name, Q), `prefix Q: ${JSON.stringify(r.name)}`);
    }
    assert.equal(rows.filter((r) => Number(r.q)).length, 3);
  } finally {
    await conn.query('DROP TEMPORARY TABLE names');
  }
});

test('look-alikes: CLI populate and clean leave them byte-identical, the guard counts them as real', async () => {
  const s0 = checksums(db.name);
  assert.equal(await countRealLoadBalancers(conn), FOREIGN.length);
  const refused = cli(['--config-file', conf, 'populate']);
  assert.equal(refused.status, 2, refused.err);
  assert.match(refused.err, new RegExp(`\\(${FOREIGN.length} non-ghost load balancers\\)`));
  assert.deepEqual(checksums(db.name), s0, 'refused: nothing written');

  const created = cli(['--config-file', conf, 'populate', '--yes']);
  assert.equal(created.status, 0, created.err);
  const p = prefixOf(created.out)!;
  const s1 = checksums(db.name);
  await populate(conn, await loadSchema(conn, db.name), plan(Q, 3)); // the prefix the look-alikes imitate
  const listed = cli(['--config-file', conf, 'list']);
  assert.equal(listed.status, 0, listed.err);
  const rows = listed.out
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(/\s+/)[0])
    .sort();
  assert.deepEqual(rows, [p, Q].sort(), 'list shows the two ghost prefixes only');
  assert.deepEqual((await listPrefixes(conn)).map((x) => x.loadBalancers).sort(), [3, 3]);
  assert.equal(await countRealLoadBalancers(conn), FOREIGN.length);
  const graph = await readGraph(conn, Q);
  const names = graph.loadBalancers.map((lb) => lb.name);
  assert.deepEqual(
    names,
    [1, 2, 3].map((n) => lbName(Q, n)),
    'readGraph: ghosts only',
  );

  const cleanQ = cli(['--config-file', conf, 'clean', Q]);
  assert.equal(cleanQ.status, 0, cleanQ.err);
  assert.match(cleanQ.out, /load_balancer\s+3\n/);
  assert.deepEqual(checksums(db.name), s1, 'clean Q: every look-alike and the other prefix untouched');
  const cleanP = cli(['--config-file', conf, '--clean_db', p]);
  assert.equal(cleanP.status, 0, cleanP.err);
  assert.deepEqual(checksums(db.name), s0, 'after both cleans every table is as before populate');
  for (const bad of [Q.toUpperCase(), `${Q}\n`, '%', `${Q.slice(0, 8)}%`]) {
    const r = cli(['--config-file', conf, 'clean', bad]);
    assert.equal(r.status, 2, `clean ${JSON.stringify(bad)}: ${r.err}`);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
  const two = cli(['--config-file', conf, 'clean', Q, p]);
  assert.equal(two.status, 2);
  assert.match(two.err, /clean takes 1 argument \(PREFIX\), 2 given/);
  assert.deepEqual(checksums(db.name), s0);
});

test('clean of a prefix a running populate holds is refused (exit 2, names the holder), removes nothing', async () => {
  const args = ['--config-file', conf, 'populate', '--yes', '--load_balancers', '200000', '--batch_size', '50'];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (d) => {
      err += d;
      if (/populate .* rows/.test(err)) resolve(); // the first committed group was reported
    });
    child.on('close', (code) => reject(new Error(`populate ended (${code}) before its first group: ${err}`)));
  });
  const p = prefixOf(out)!;
  const holder = Number(mysql(`SELECT IS_USED_LOCK('stresshm:${p}')`).trim());
  assert.ok(holder > 0, 'the running populate holds its prefix lock');
  const refused = cli(['--config-file', conf, 'clean', p]);
  assert.equal(refused.status, 2, refused.err);
  assert.equal(
    refused.err.trim(),
    `stresshm: error: prefix ${p} is in use by a running stresshm (connection ${holder}); stop that run first`,
  );
  child.kill('SIGINT');
  assert.equal(await new Promise<number | null>((resolve) => child.on('close', resolve)), 130, err);
  const kept = Number(/stopped after (\d+)/.exec(err)?.[1]);
  assert.ok(kept > 0);
  const count = () => ghostsOf(p);
  assert.equal(await count(), kept, 'the refused clean removed nothing');
  const free = Number(mysql(`SELECT IS_USED_LOCK('stresshm:${p}') IS NULL`).trim());
  assert.equal(free, 1, 'the lock went with the process');
  const cleaned = cli(['--config-file', conf, 'clean', p]);
  assert.equal(cleaned.status, 0, cleaned.err);
  assert.equal(await count(), 0);
});

test('clean of a prefix whose run is still sending is refused; the run then cleans it', async () => {
  const args = [
    '--config-file',
    conf,
    '--heartbeat_key',
    'k',
    '--controller_ip_port_list',
    '127.0.0.1:9',
    '--test_runtime_secs',
    '8',
    '--drain_timeout_secs',
    '2',
    '--yes',
    'run',
  ];
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Sending heartbeats')) resolve();
    });
    child.on('close', (code) => reject(new Error(`run ended (${code}) before sending: ${out}`)));
  });
  const p = prefixOf(out)!;
  const refused = cli(['--config-file', conf, 'clean', p]);
  assert.equal(refused.status, 2, refused.err);
  assert.match(refused.err, new RegExp(`prefix ${p} is in use by a running stresshm \\(connection \\d+\\)`));
  await new Promise((resolve) => child.on('close', resolve));
  assert.match(out, new RegExp(`Removed \\d+ rows of prefix ${p}`), 'the run cleaned its own ghosts');
  assert.equal(await ghostsOf(p), 0);
});

test('holdPrefixLock: one holder at a time, freed by release() or by the connection ending', async () => {
  const p = randomUUID();
  const other = await connect(db.target);
  try {
    const lock = await holdPrefixLock(conn, p);
    assert.equal(lock.held, true);
    await assert.rejects(holdPrefixLock(other, p), /prefix .* is in use by a running stresshm \(connection \d+\)/);
    await lock.release();
    const second = await holdPrefixLock(other, p);
    await assert.rejects(holdPrefixLock(conn, p), /in use/);
    await other.end();
    // The server frees a lock when it has finished closing the connection, a moment after COM_QUIT.
    const deadline = Date.now() + 10000;
    while (Number((await conn.query('SELECT IS_FREE_LOCK(?) AS f', [`stresshm:${p}`]))[0].f) !== 1) {
      assert.ok(Date.now() < deadline, 'the lock was freed when its connection ended');
      await new Promise((r) => setTimeout(r, 20)); // polling a condition, with a deadline
    }
    await (await holdPrefixLock(conn, p)).release();
    void second;
  } finally {
    await other.end().catch(() => undefined);
  }
});

test('a user who may INSERT but not DELETE is refused before writing; with DELETE it works', () => {
  const s0 = checksums(db.name);
  const noDelete = createTestUser(db, 'SELECT, INSERT, UPDATE');
  users.push(noDelete);
  for (const args of [
    ['populate', '--yes'],
    ['clean', randomUUID()],
  ]) {
    const r = cli(['--config-file', conf, '--octavia_db_connection', noDelete.url, ...args]);
    assert.equal(r.status, 2, r.err);
    const lines = errorLines(r.err);
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0], /lacks DELETE on .*load_balancer.*nothing was written/);
    assert.doesNotMatch(r.err, new RegExp(noDelete.password));
  }
  assert.deepEqual(checksums(db.name), s0, 'nothing written');
  const insertOnly = createTestUser(db, 'SELECT, INSERT');
  users.push(insertOnly);
  const r = cli(['--config-file', conf, '--octavia_db_connection', insertOnly.url, 'populate', '--yes']);
  assert.equal(r.status, 2);
  assert.match(r.err, /lacks UPDATE on .*; DELETE on /);
  const full = createTestUser(db, 'SELECT, INSERT, UPDATE, DELETE');
  users.push(full);
  const ok = cli(['--config-file', conf, '--octavia_db_connection', full.url, 'populate', '--yes']);
  assert.equal(ok.status, 0, ok.err);
  const cleaned = cli(['--config-file', conf, '--octavia_db_connection', full.url, 'clean', prefixOf(ok.out)!]);
  assert.equal(cleaned.status, 0, cleaned.err);
  assert.deepEqual(checksums(db.name), s0);
});

/** populate on a real pseudo-terminal (script(1)); types `keys` at the guard's prompt. */
async function atPrompt(keys: string): Promise<{ code: number | null; text: string }> {
  const cmd = `${process.execPath} ${BIN} --config-file ${conf} populate`;
  const child = spawn('script', ['-qefc', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let text = '';
  const prompted = new Promise<void>((resolve) => {
    child.stdout.on('data', (d) => {
      text += d;
      if (text.includes('anyway? [y/N]')) resolve();
    });
  });
  const ended = new Promise((_, reject) => child.on('close', (c) => reject(new Error(`no prompt (${c}): ${text}`))));
  await Promise.race([prompted, ended]);
  child.stdin.write(keys);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, text };
}

test('Ctrl-C or Ctrl-D at the guard\'s prompt is "cancelled", exit 2, nothing written', async () => {
  const s0 = checksums(db.name);
  for (const [what, keys] of [
    ['Ctrl-C', '\x03'],
    ['Ctrl-D', '\x04'],
    ['n', 'n\r'],
  ]) {
    const r = await atPrompt(keys);
    assert.equal(r.code, 2, `${what}: ${r.text}`);
    assert.match(r.text, /cancelled by the operator; nothing was written/, what);
    assert.deepEqual(checksums(db.name), s0, `${what}: nothing written`);
  }
});
