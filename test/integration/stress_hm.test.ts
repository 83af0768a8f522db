// The stress run against two real octavia-health-manager processes (noop drivers, loopback)
// for heartbeat versions 1, 2 and 3, on each release under test (Debian 12's Octavia 11;
// in CI also sid's 19 and trixie's 16): every amphora_health row advances, operating_status
// matches what the heartbeats said (churn included), listener_statistics holds the reported
// stats, the HM logs are clean, nothing is left.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectedStatus } from '../../fixtures/fleets';
import { mysql } from '../../fixtures/testdb';
import { loadConfig } from '../../src/config/config';
import type { Fleet } from '../../src/engine/fleet';
import { type FleetSpec, statsAt } from '../../src/engine/wire';
import type { Conn } from '../../src/ghostdb/db';
import { isAlive } from '../../src/octavia/processes';
import { type Sandbox, startSandbox } from '../../src/octavia/sandbox';
import { runStress } from '../../src/run/runner';
import { releasesUnderTest } from '../helpers/releases';

const devnull = Object.assign(Object.create(process.stdout), { write: () => true, isTTY: false }) as NodeJS.WriteStream;

/** The interval each LB last reported (its seq, from 0), from the latest send of its amphorae. */
function lastIntervals(spec: FleetSpec, fleet: Fleet): { interval: number[]; sentCount: number[] } {
  const h = fleet.sendHistory();
  const best = spec.lbs.map(() => ({ t: 0, seq: 0 }));
  const sentCount = spec.amphorae.map(() => 0);
  spec.amphorae.forEach((a, i) => {
    for (let j = 0; j < h.depth; j++) {
      const t = h.times[i * h.depth + j];
      const seq = h.seqs[i * h.depth + j];
      if (t > 0) sentCount[i] = Math.max(sentCount[i], seq + 1);
      if (t > best[a.lb].t) best[a.lb] = { t, seq };
    }
  });
  return { interval: best.map((b) => b.seq), sentCount };
}

async function statusOf(conn: Conn, table: string, ids: string[]): Promise<Map<string, string>> {
  const rows: Array<{ id: string; s: string }> = await conn.query(
    `SELECT id, operating_status AS s FROM ${table} WHERE id IN (?)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.s]));
}

async function checkDatabase(spec: FleetSpec, fleet: Fleet, conn: Conn, runStartSec: number): Promise<void> {
  const ampIds = spec.amphorae.map((a) => a.id);
  const health: Array<{ id: string; t: number }> = await conn.query(
    'SELECT amphora_id AS id, UNIX_TIMESTAMP(last_update) AS t FROM amphora_health WHERE amphora_id IN (?)',
    [ampIds],
  );
  assert.equal(health.length, ampIds.length);
  assert.ok(
    health.every((r) => Number(r.t) >= runStartSec),
    'every amphora_health row advanced during the run',
  );

  const { interval, sentCount } = lastIntervals(spec, fleet);
  const byInterval = new Map<number, ReturnType<typeof expectedStatus>>();
  const expectedAt = (n: number) => byInterval.get(n) ?? byInterval.set(n, expectedStatus(spec, n)).get(n)!;
  const listeners = await statusOf(
    conn,
    'listener',
    spec.lbs.flatMap((l) => l.listeners),
  );
  const pools = await statusOf(
    conn,
    'pool',
    spec.lbs.flatMap((l) => l.pools.map((p) => p.id)),
  );
  const members = await statusOf(
    conn,
    'member',
    spec.lbs.flatMap((l) => l.pools.flatMap((p) => p.members)),
  );
  const lbRows: Array<{ name: string; s: string; id: string }> = await conn.query(
    'SELECT lb.name, lb.operating_status AS s, lb.id FROM load_balancer lb JOIN amphora a ON a.load_balancer_id = ' +
      'lb.id WHERE a.id IN (?) GROUP BY lb.id',
    [ampIds],
  );
  const lbOfAmp = new Map<string, string>(
    (
      (await conn.query('SELECT id, load_balancer_id AS lb FROM amphora WHERE id IN (?)', [ampIds])) as Array<{
        id: string;
        lb: string;
      }>
    ).map((r) => [r.id, r.lb]),
  );
  const lbStatus = new Map(lbRows.map((r) => [r.id, r.s]));
  let churned = 0;
  spec.lbs.forEach((lb, i) => {
    const exp = expectedAt(interval[i]);
    for (const l of lb.listeners) assert.equal(listeners.get(l), exp.listeners.get(l), `listener of LB ${i}`);
    for (const p of lb.pools) {
      assert.equal(pools.get(p.id), exp.pools.get(p.id), `pool of LB ${i} at interval ${interval[i]}`);
      for (const m of p.members) {
        assert.equal(members.get(m), exp.members.get(m), `member of LB ${i} at interval ${interval[i]}`);
        if (exp.members.get(m) !== expectedAt(0).members.get(m)) churned++;
      }
    }
    const lbId = lbOfAmp.get(spec.amphorae.find((a) => a.lb === i)!.id)!;
    assert.equal(lbStatus.get(lbId), exp.loadBalancers.get(i), `LB ${i}`);
  });
  assert.ok(churned > 0, 'churned members were checked');

  const stats: Array<{ l: string; a: string; rx: number; tx: number; tc: number }> = await conn.query(
    'SELECT listener_id AS l, amphora_id AS a, bytes_in AS rx, bytes_out AS tx, total_connections AS tc FROM ' +
      'listener_statistics WHERE amphora_id IN (?)',
    [ampIds],
  );
  const statRow = new Map(stats.map((r) => [`${r.l}/${r.a}`, r]));
  spec.amphorae.forEach((a, i) => {
    spec.lbs[a.lb].listeners.forEach((l, li) => {
      const row = statRow.get(`${l}/${a.id}`);
      assert.ok(row, `listener_statistics row for amphora ${i}`);
      let rx = 0;
      let tc = 0;
      if (spec.version >= 3) {
        for (let s = 0; s < sentCount[i]; s++) {
          rx += statsAt(3, i, li, s).rx;
          tc += statsAt(3, i, li, s).totconns;
        }
      } else {
        rx = statsAt(spec.version, i, li, sentCount[i] - 1).rx;
        tc = statsAt(spec.version, i, li, sentCount[i] - 1).totconns;
      }
      assert.equal(Number(row.rx), rx, `bytes_in of amphora ${i} (v${spec.version})`);
      assert.equal(Number(row.tc), tc, `total_connections of amphora ${i}`);
    });
  });
}

/** A run against the sandbox's HMs that prints nothing, writes no report and cleans up. */
const quietRun = (sb: Sandbox) => ({
  keep: false,
  yes: true,
  hmLogs: sb.hmLogs,
  reports: {},
  out: devnull,
  cleanHint: (p: string) => p,
});

for (const rel of releasesUnderTest(['installed', 'sid', 'trixie'])) {
  describe(`Octavia ${rel.label}`, { skip: rel.skip }, () => {
    let sb: Sandbox;
    before(async () => {
      sb = await startSandbox({ hms: 2, heartbeatInterval: 4, octavia: rel.choice });
      // The HMs' first heartbeats start their worker processes and database sessions (seconds on a
      // cold machine): a short run warms them up, so the runs below measure a working HM.
      const warm = loadConfig([sb.stresshmConf], { load_balancers: '20', test_runtime_secs: '6' });
      const w = await runStress({ ...quietRun(sb), cfg: warm });
      assert.equal(w.record.final.sent > 0, true, 'the warm-up run sent heartbeats');
    });
    after(async () => {
      await sb?.stop();
    });
    test('the sandbox runs the chosen release', () => {
      assert.match(
        sb.octaviaVersion,
        rel.choice.kind === 'suite'
          ? new RegExp(`^Octavia \\d+\\.\\d+\\.\\d+ \\(Debian ${rel.label}\\)$`)
          : /^Octavia 11\./,
      );
    });
    for (const version of [1, 2, 3] as const) {
      test(`stress run, heartbeat v${version}: 200 amphorae against two real health managers`, async () => {
        const cfg = loadConfig([sb.stresshmConf], {
          heartbeat_version: String(version),
          load_balancers: '100',
          listeners: '1',
          pools: '2',
          members: '3',
          l7policies: '1',
          l7rules: '1',
          test_runtime_secs: '13',
          heartbeat_interval: '4',
          member_down_share: '0.1',
          member_drain_share: '0.05',
          member_maint_share: '0.05',
          member_nocheck_share: '0.05',
          churn_per_interval: '40',
          listener_full_share: '0.1',
          drain_timeout_secs: '20',
        });
        const runStartSec = Math.floor(Date.now() / 1000);
        let inspected = false;
        const res = await runStress({
          cfg,
          ...quietRun(sb),
          inspect: async (fleet, spec, conn) => {
            await checkDatabase(spec, fleet, conn, runStartSec);
            inspected = true;
          },
        });
        assert.ok(inspected);
        const f = res.record.final;
        assert.equal(res.record.amphorae, 200);
        assert.ok(f.sent >= 200 * 3, `sent ${f.sent}`);
        // Every heartbeat reaches the HM and none is dropped anywhere stresshm can see (the ledger); on a
        // loaded 2-core machine one may still be processed in a way last_update cannot show (0.5% slack).
        const l = res.record.ledger!;
        assert.deepEqual(
          [l.sendErrors, l.kernelDropped, l.staleDropped, l.listenerMismatch],
          [0, 0, 0, 0],
          JSON.stringify(l),
        );
        assert.ok(
          f.processed >= f.sent * 0.995,
          `every heartbeat was processed: ${JSON.stringify({ ...f, sendErrors: undefined })}`,
        );
        assert.deepEqual(f.sendErrors, {});
        assert.deepEqual(f.log, {
          drops: 0,
          listenerMismatch: 0,
          hmacFailures: 0,
          tracebacks: 0,
          failovers: 0,
          missingFromDb: 0,
        });
        assert.equal(res.record.verdict, 'KEEPING UP');
        assert.equal(res.exitCode, 0);
        const left = mysql(
          'SELECT (SELECT COUNT(*) FROM load_balancer) + (SELECT COUNT(*) FROM amphora) + (SELECT COUNT(*) FROM ' +
            'amphora_health) + (SELECT COUNT(*) FROM listener_statistics) + (SELECT COUNT(*) FROM member)',
          sb.database,
        );
        assert.equal(Number(left.trim()), 0, 'no ghost row is left');
        assert.ok(sb.hms.every(isAlive), 'both health managers still run');
      });
    }
  });
}
