// Fleet profiles end to end. A "production" fleet is built through the real Octavia 11 API
// (test/helpers/apifleet.ts). The CLI profiles it (read-only: table checksums unchanged) without any
// identifier, name, address or project; populate --scale 3 into another database writes exactly
// three times every shape; a run of that mixed fleet (v1 heartbeats, where UDP listeners follow
// their own rule) against the sandbox's real HM logs no listener-count mismatch; capacity --profile
// answers in multiples of the profiled fleet.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checksums, createTestDb } from '../../fixtures/testdb';
import { parseDbUrl } from '../../src/config/dburl';
import { type Conn, connect } from '../../src/ghostdb/db';
import { readShapes } from '../../src/ghostdb/profile';
import { checkProfile } from '../../src/ghostdb/profilefile';
import { loadSchema } from '../../src/ghostdb/schema';
import { countShapes, MEMBER_STATUSES, type Profile, planShapes, rolesOf, shapeKey } from '../../src/ghostdb/shapes';
import { type Sandbox, startSandbox } from '../../src/octavia/sandbox';
import { buildMixedFleet } from '../helpers/apifleet';
import { runCli } from '../helpers/cliproc';
import { optionArgs } from '../helpers/fixture';

const SAMPLE = join(__dirname, '..', '..', '..', 'examples', 'profile-sample.json');
const SCHEMA = join(__dirname, '..', '..', '..', 'docs', 'profile.schema.json');
const dir = mkdtempSync(join(tmpdir(), 'stresshm-profile-'));
let sb: Sandbox;
let conn: Conn;
/** Every identifier, name and address the production fleet has (none may reach the profile). */
let secrets: Set<string>;
let profileFile = '';
let profile: Profile;

/** Validates a JSON file against docs/profile.schema.json (python3-jsonschema, an Octavia dependency). */
function validateAgainstSchema(file: string): void {
  const py =
    'import json,sys,jsonschema;jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))' +
    '.validate(json.load(open(sys.argv[2])))';
  const r = spawnSync('/usr/bin/python3', ['-c', py, SCHEMA, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${file} does not follow the schema: ${r.stderr.trim().split('\n').pop()}`);
}

const stresshm = (args: string[]) => runCli(args, 600000);

/** Populates the profile at `scale` with `seed` (`conf`: how stresshm reaches the database); returns the prefix. */
function populate(conf: string[], scale: number, seed: number): string {
  const args = ['populate', '--profile', profileFile, '--scale', `${scale}`, '--seed', `${seed}`, '--yes'];
  const r = stresshm([...conf, ...args]);
  assert.equal(r.status, 0, r.err);
  return /Your run prefix ID is: (\S+)/.exec(r.out)![1];
}

before(async () => {
  sb = await startSandbox({ hms: 1, api: true, heartbeatInterval: 2 });
  conn = await connect(parseDbUrl(sb.dbUrl));
  secrets = (await buildMixedFleet(sb.api!.url, conn)).secrets;
});

after(async () => {
  await conn?.end();
  await sb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

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
    const prefix = populate(['--octavia_db_connection', db.url], 3, 11);
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
  const prefix = populate(['--config-file', sb.stresshmConf], 3, 5);
  try {
    const r = stresshm([
      '--config-file',
      sb.stresshmConf,
      'run',
      ...optionArgs({
        prefix,
        profile: profileFile,
        heartbeat_version: 1,
        test_runtime_secs: 12,
        'hm-log': sb.hmLogs[0],
        'report-json': json,
      }),
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
    ...optionArgs({
      profile: profileFile,
      seed: 3,
      'start-rate': 8,
      factor: 2,
      'max-rate': 16,
      'step-secs': 6,
      refine: 0,
      'report-json': json,
    }),
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
