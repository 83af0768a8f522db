// Fleet profiles end to end. A "production" fleet is built through the real Octavia 11 API (noauth
// sandbox; with no worker the API leaves objects PENDING, so the test sets them ACTIVE in SQL and
// adds the amphora rows a worker would have created, in its own database only). The CLI profiles
// it (read-only: table checksums unchanged) without any identifier, name, address or project;
// populate --scale 3 into another database writes exactly three times every shape; a run of that
// mixed fleet (v1 heartbeats, where UDP listeners follow their own rule) against the sandbox's
// real HM logs no listener-count mismatch. Older schemas (3.0.0) are profiled too.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseDbUrl } from '../../src/config/dburl';
import { type Conn, connect } from '../../src/ghostdb/db';
import { readShapes } from '../../src/ghostdb/profile';
import { checkProfile } from '../../src/ghostdb/profilefile';
import { loadSchema } from '../../src/ghostdb/schema';
import { countShapes, MEMBER_STATUSES, type Profile, planShapes, rolesOf, shapeKey } from '../../src/ghostdb/shapes';
import { type Sandbox, startSandbox } from '../../src/octavia/sandbox';
import { checksums, createTestDb } from '../helpers/testdb';

const BIN = join(__dirname, '..', '..', '..', 'bin', 'stresshm.js');
const SAMPLE = join(__dirname, '..', '..', '..', 'examples', 'profile-sample.json');
const SCHEMA = join(__dirname, '..', '..', '..', 'docs', 'profile.schema.json');
const dir = mkdtempSync(join(tmpdir(), 'stresshm-profile-'));
const PROJECT = randomUUID().replace(/-/g, '');
let sb: Sandbox;
let conn: Conn;
/** Every identifier, name and address the production fleet has (none may reach the profile). */
const secrets = new Set<string>([PROJECT]);

/** Validates a JSON file against docs/profile.schema.json (python3-jsonschema, an Octavia dependency). */
function validateAgainstSchema(file: string): void {
  const py =
    'import json,sys,jsonschema;jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))' +
    '.validate(json.load(open(sys.argv[2])))';
  const r = spawnSync('/usr/bin/python3', ['-c', py, SCHEMA, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${file} does not follow the schema: ${r.stderr.trim().split('\n').pop()}`);
}

function stresshm(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 600000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

async function activate(): Promise<void> {
  for (const t of ['load_balancer', 'listener', 'pool', 'member', 'health_monitor', 'l7policy', 'l7rule']) {
    await conn.query(`UPDATE \`${t}\` SET provisioning_status = 'ACTIVE' WHERE provisioning_status LIKE 'PENDING%'`);
  }
}

/** POSTs one object to the API, remembers its id and name, and makes the LB mutable again. */
async function post(path: string, key: string, body: Record<string, unknown>): Promise<string> {
  const r = await fetch(`${sb.api!.url}${path}`, {
    method: 'POST',
    body: JSON.stringify({ [key]: body }),
    headers: { 'Content-Type': 'application/json', 'X-Auth-Token': 'noauth', 'X-Project-Id': PROJECT },
  });
  const text = await r.text();
  assert.equal(r.status, 201, `${path}: ${r.status} ${text}`);
  const obj = (JSON.parse(text) as Record<string, Record<string, unknown>>)[key];
  secrets.add(String(obj.id));
  if (typeof body.name === 'string') secrets.add(body.name);
  await activate();
  return String(obj.id);
}

async function lb(name: string, amphorae: string[]): Promise<string> {
  const id = await post('/v2/lbaas/loadbalancers', 'loadbalancer', {
    name,
    vip_subnet_id: randomUUID(),
    project_id: PROJECT,
  });
  const vip: Array<{ ip_address: string }> = await conn.query('SELECT ip_address FROM vip WHERE load_balancer_id = ?', [
    id,
  ]);
  for (const v of vip) if (v.ip_address) secrets.add(v.ip_address);
  if (amphorae.length === 2) {
    await conn.query("UPDATE load_balancer SET topology = 'ACTIVE_STANDBY' WHERE id = ?", [id]);
  }
  for (const [i, role] of amphorae.entries()) {
    const ip = `10.77.${secrets.size % 250}.${i + 1}`;
    secrets.add(ip);
    await conn.query(
      `INSERT INTO amphora (id, compute_id, status, load_balancer_id, lb_network_ip, role, cert_busy)
      VALUES (?, ?, 'ALLOCATED', ?, ?, ?, 0)`,
      [randomUUID(), randomUUID(), id, ip, role],
    );
  }
  return id;
}

async function listener(lbId: string, protocol: string, port: number, name: string): Promise<string> {
  return post('/v2/lbaas/listeners', 'listener', { loadbalancer_id: lbId, protocol, protocol_port: port, name });
}

async function pool(at: Record<string, string>, protocol: string, name: string, persistence?: string): Promise<string> {
  return post('/v2/lbaas/pools', 'pool', {
    ...at,
    protocol,
    lb_algorithm: 'ROUND_ROBIN',
    name,
    ...(persistence ? { session_persistence: { type: persistence } } : {}),
  });
}

async function members(poolId: string, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const address = `10.99.${secrets.size % 250}.${i + 1}`;
    secrets.add(address);
    await post(`/v2/lbaas/pools/${poolId}/members`, 'member', { address, protocol_port: 8080, name: `${tag}-m${i}` });
  }
}

async function monitor(poolId: string, type: string): Promise<void> {
  const http = type === 'HTTP' ? { url_path: '/healthz', http_method: 'GET', expected_codes: '200' } : {};
  await post('/v2/lbaas/healthmonitors', 'healthmonitor', {
    pool_id: poolId,
    type,
    delay: 5,
    timeout: 3,
    max_retries: 2,
    ...http,
  });
}

/** HTTP site with L7 policies: a redirect to an unmonitored pool (2 rules) and a reject (1 rule). */
async function webShop(i: number): Promise<void> {
  const id = await lb(`shop-web-${i}`, ['STANDALONE']);
  const l = await listener(id, 'HTTP', 80, `shop-http-${i}`);
  const main = await pool({ listener_id: l }, 'HTTP', `shop-main-${i}`, 'HTTP_COOKIE');
  await members(main, 2, `shop-${i}`);
  await monitor(main, 'HTTP');
  const api = await pool({ loadbalancer_id: id }, 'HTTP', `shop-api-${i}`);
  await members(api, 1, `shop-api-${i}`);
  const redirect = await post('/v2/lbaas/l7policies', 'l7policy', {
    listener_id: l,
    action: 'REDIRECT_TO_POOL',
    redirect_pool_id: api,
    name: `shop-route-${i}`,
  });
  for (const value of ['/api', '/v2']) {
    await post(`/v2/lbaas/l7policies/${redirect}/rules`, 'rule', { type: 'PATH', compare_type: 'STARTS_WITH', value });
  }
  const reject = await post('/v2/lbaas/l7policies', 'l7policy', {
    listener_id: l,
    action: 'REJECT',
    name: `shop-deny-${i}`,
  });
  await post(`/v2/lbaas/l7policies/${reject}/rules`, 'rule', {
    type: 'PATH',
    compare_type: 'STARTS_WITH',
    value: '/admin',
  });
}

/** ACTIVE_STANDBY TCP + UDP service, and a pool on no listener. */
async function dnsService(i: number): Promise<void> {
  const id = await lb(`dns-${i}`, ['MASTER', 'BACKUP']);
  const tcpListener = await listener(id, 'TCP', 443, `dns-tcp-${i}`);
  const tcp = await pool({ listener_id: tcpListener }, 'TCP', `dns-tcp-${i}`, 'SOURCE_IP');
  await members(tcp, 3, `dns-tcp-${i}`);
  await monitor(tcp, 'TCP');
  const udp = await pool({ listener_id: await listener(id, 'UDP', 53, `dns-udp-${i}`) }, 'UDP', `dns-udp-${i}`);
  await members(udp, 2, `dns-udp-${i}`);
  await monitor(udp, 'UDP-CONNECT');
  await pool({ loadbalancer_id: id }, 'HTTP', `dns-spare-${i}`);
}

/** A UDP listener whose pool has no member yet (v1 amphorae do not report it). */
async function syslog(i: number): Promise<void> {
  const id = await lb(`syslog-${i}`, ['STANDALONE']);
  await pool({ listener_id: await listener(id, 'UDP', 514, `syslog-${i}`) }, 'UDP', `syslog-pool-${i}`);
}

/** One LB of its own shape (rare: merged into its nearest common shape). */
async function oddOne(): Promise<void> {
  const id = await lb('odd-legacy', ['STANDALONE']);
  await members(await pool({ listener_id: await listener(id, 'TCP', 25, 'odd-smtp') }, 'TCP', 'odd-pool'), 4, 'odd');
}

before(async () => {
  sb = await startSandbox({ hms: 1, api: true, heartbeatInterval: 2 });
  conn = await connect(parseDbUrl(sb.dbUrl));
  for (let i = 1; i <= 5; i++) {
    await webShop(i);
    await dnsService(i);
    await syslog(i);
  }
  await oddOne();
  // Member statuses as a health manager would have left them: mostly ONLINE, some of every other kind.
  await conn.query("UPDATE member SET operating_status = 'ONLINE'");
  for (const [status, n] of [
    ['ERROR', 6],
    ['DRAINING', 3],
    ['OFFLINE', 3],
    ['NO_MONITOR', 4],
  ] as const) {
    await conn.query(
      `UPDATE member SET operating_status = ? WHERE operating_status = 'ONLINE' ORDER BY id LIMIT ${n}`,
      [status],
    );
  }
  const gone = await lb('deleted-one', ['STANDALONE']);
  await conn.query("UPDATE load_balancer SET provisioning_status = 'DELETED' WHERE id = ?", [gone]);
});

after(async () => {
  await conn?.end();
  await sb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let profileFile = '';
let profile: Profile;

test("profile: read-only, the fleet's shapes (rare one merged), no identifier, name, address or project", () => {
  const before = checksums(sb.database);
  profileFile = join(dir, 'fleet.json');
  const r = stresshm(['--config-file', sb.stresshmConf, 'profile', '-o', profileFile]);
  assert.equal(r.status, 0, r.err);
  assert.deepEqual(checksums(sb.database), before, 'profile wrote nothing');
  const text = readFileSync(profileFile, 'utf8');
  profile = checkProfile(JSON.parse(text));
  validateAgainstSchema(profileFile);
  validateAgainstSchema(SAMPLE);
  assert.equal(profile.load_balancers, 16, 'live LBs only: the DELETED one is left out');
  assert.equal(profile.merged_load_balancers, 1);
  assert.deepEqual(profile.shapes.map((s) => s.count).sort(), [5, 5, 6]);
  assert.equal(profile.amphorae, 5 * 1 + 5 * 2 + 5 * 1 + 1);
  const share = (n: number) => Math.round((n / 44) * 1e6) / 1e6;
  assert.deepEqual(profile.member_operating_status, {
    ONLINE: share(28),
    ERROR: share(6),
    DRAINING: share(3),
    OFFLINE: share(3),
    NO_MONITOR: share(4),
  });
  const dns = profile.shapes.find((s) => s.shape.topology === 'ACTIVE_STANDBY')!.shape;
  assert.deepEqual(dns.listeners.map((l) => l.protocol).sort(), ['TCP', 'UDP']);
  assert.equal(dns.unattached_pools.length, 1);
  const shop = profile.shapes.find((s) => s.shape.listeners.some((l) => l.l7policies.length > 0))!.shape;
  assert.deepEqual(shop.listeners[0].l7policies, [2, 1]);
  assert.equal(shop.listeners[0].redirect_pools[0].health_monitor, null, 'the pool without health monitor');
  for (const s of secrets) assert.ok(!text.includes(s), `the profile leaks ${s}`);
  assert.doesNotMatch(text, /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/i, 'no UUID');
  assert.doesNotMatch(text, /\d+\.\d+\.\d+\.\d+/, 'no IPv4 address');
  assert.match(r.err, /16 live load balancers/);
});

test('populate --scale 3 into another database writes exactly three times every shape', async () => {
  const db = createTestDb('11.0.0', 'profile');
  try {
    const r = stresshm([
      '--octavia_db_connection',
      db.url,
      'populate',
      '--profile',
      profileFile,
      '--scale',
      '3',
      '--seed',
      '11',
      '--yes',
    ]);
    assert.equal(r.status, 0, r.err);
    const prefix = /Your run prefix ID is: (\S+)/.exec(r.out)![1];
    const c = await connect(db.target);
    try {
      const got = countShapes((await readShapes(c, await loadSchema(c, db.name), prefix)).shapes);
      const want = new Map(profile.shapes.map((s) => [shapeKey(s.shape), 3 * s.count]));
      assert.deepEqual(new Map(got.map((s) => [shapeKey(s.shape), s.count])), want);
      // Member statuses: the exact largest-remainder counts of the plan for this scale and seed.
      // (this database holds only the ghosts of this prefix)
      const rows: Array<{ s: string; n: number }> = await c.query(
        'SELECT operating_status AS s, COUNT(*) AS n FROM member GROUP BY operating_status',
      );
      const counts = Object.fromEntries(rows.map((r) => [r.s, Number(r.n)]));
      const plan = planShapes(profile, 3, 11);
      for (const s of MEMBER_STATUSES) assert.equal(counts[s] ?? 0, plan.statusCounts[s], s);
    } finally {
      await c.end();
    }
  } finally {
    db.drop();
  }
});

/**
 * After the HM processed the fleet's heartbeats, the statuses are still what populate wrote: members
 * (exact counts of the plan) and pools derived from them; pools on no listener are OFFLINE.
 */
async function checkStatusesAfterHm(prefix: string, plan: ReturnType<typeof planShapes>): Promise<void> {
  const inRun = "SELECT id FROM load_balancer WHERE name LIKE CONCAT(?, '-lb%')";
  const members: Array<{ s: string; n: number }> = await conn.query(
    `SELECT operating_status AS s, COUNT(*) AS n
    FROM member WHERE pool_id IN (SELECT id FROM pool WHERE load_balancer_id IN (${inRun})) GROUP BY 1`,
    [prefix],
  );
  const counts = Object.fromEntries(members.map((m) => [m.s, Number(m.n)]));
  for (const st of MEMBER_STATUSES) assert.equal(counts[st] ?? 0, plan.statusCounts[st], `members ${st} after the HM`);
  type PoolRow = { s: string; d: string; n: number; down: number; udp: number; lbl: number };
  const pools: PoolRow[] = await conn.query(
    `SELECT p.operating_status AS s, p.description AS d,
      (SELECT COUNT(*) FROM member m WHERE m.pool_id = p.id) AS n,
      (SELECT COUNT(*) FROM member m WHERE m.pool_id = p.id AND m.operating_status = 'ERROR') AS down,
      (SELECT COUNT(*) FROM listener l WHERE l.default_pool_id = p.id AND l.protocol = 'UDP') AS udp,
      (SELECT COUNT(*) FROM listener l WHERE l.load_balancer_id = p.load_balancer_id) AS lbl
    FROM pool p WHERE p.load_balancer_id IN (${inRun})`,
    [prefix],
  );
  assert.ok(pools.length > 0);
  for (const p of pools) {
    const [n, down] = [Number(p.n), Number(p.down)];
    const derived = n > 0 && down === n ? 'ERROR' : down > 0 ? 'DEGRADED' : 'ONLINE';
    // A v1 message leaves out a UDP listener without members; its pool is set OFFLINE only when
    // another listener of the LB reports (the HM visits pools per reported listener in v1).
    const udpLeftOut = Number(p.udp) > 0 && n === 0;
    let want = derived;
    if (!p.d.includes('listener=') || (udpLeftOut && Number(p.lbl) > 1)) want = 'OFFLINE';
    assert.equal(p.s, want, `pool of ${n} members, ${down} down`);
  }
}

test('the mixed fleet at scale 3 against a real HM (v1 heartbeats): zero listener-count mismatches', async () => {
  const json = join(dir, 'run.json');
  // populate, then run the prefix with --keep (a run that populates always cleans): the statuses stay readable.
  const pop = stresshm([
    '--config-file',
    sb.stresshmConf,
    'populate',
    '--profile',
    profileFile,
    '--scale',
    '3',
    '--seed',
    '5',
    '--yes',
  ]);
  assert.equal(pop.status, 0, pop.err);
  const prefix = /Your run prefix ID is: (\S+)/.exec(pop.out)![1];
  try {
    const r = stresshm([
      '--config-file',
      sb.stresshmConf,
      'run',
      '--prefix',
      prefix,
      '--profile',
      profileFile,
      '--heartbeat_version',
      '1',
      '--test_runtime_secs',
      '12',
      '--hm-log',
      sb.hmLogs[0],
      '--report-json',
      json,
      '--yes',
      '--keep',
    ]);
    assert.ok(r.status === 0 || r.status === 1, r.err);
    type Final = { processed: number; log?: { listenerMismatch: number } };
    const rec = JSON.parse(readFileSync(json, 'utf8')) as { final: Final };
    assert.ok(rec.final.processed > 0, 'the HM processed heartbeats of the fleet');
    assert.equal(rec.final.log?.listenerMismatch, 0);
    const log = readFileSync(sb.hmLogs[0], 'utf8');
    assert.match(log, /./);
    assert.doesNotMatch(log, /health message reports \d+ listeners when \d+ expected/);
    await checkStatusesAfterHm(prefix, planShapes(profile, 3, 5));
  } finally {
    const c = stresshm(['--config-file', sb.stresshmConf, '--clean_db', prefix]);
    assert.equal(c.status, 0, c.err);
  }
});

test('capacity --profile sizes every step from the profile and answers in multiples of the profiled fleet', () => {
  const json = join(dir, 'capacity.json');
  const r = stresshm([
    '--config-file',
    sb.stresshmConf,
    'capacity',
    '--profile',
    profileFile,
    '--seed',
    '3',
    '--start-rate',
    '8',
    '--factor',
    '2',
    '--max-rate',
    '16',
    '--step-secs',
    '6',
    '--refine',
    '0',
    '--report-json',
    json,
    '--yes',
  ]);
  assert.ok(r.status === 0 || r.status === 1, r.err);
  // 21 profiled amphorae; steps of 16 and 32 amphorae at a 2 s interval are 16/21 and 32/21 of the fleet.
  const head = /HEADROOM: (.*)/.exec(r.out)?.[1] ?? '';
  assert.match(head, /(sustains|does not sustain).* (0\.8|1\.5)x the profiled fleet/);
  type Ran = { scale: number; amphorae: number; loadBalancers: number };
  type Report = { headroom: string; steps: Array<{ amphorae: number }>; profile_steps: Ran[] };
  const rep = JSON.parse(readFileSync(json, 'utf8')) as Report;
  assert.equal(rep.headroom, head);
  assert.deepEqual(
    rep.steps.map((s) => s.amphorae),
    [16, 32],
  );
  // The ghosts each step really ran (read back by the run) are the profile's shapes at that step's scale.
  rep.profile_steps.forEach((ran, i) => {
    const plan = planShapes(profile, rep.steps[i].amphorae / profile.amphorae, 3);
    const amphorae = plan.counts.reduce((n, c, k) => n + c * rolesOf(plan.shapes[k]).length, 0);
    const scale = rep.steps[i].amphorae / profile.amphorae;
    assert.deepEqual(ran, { scale, amphorae, loadBalancers: plan.lbShape.length });
  });
});

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
