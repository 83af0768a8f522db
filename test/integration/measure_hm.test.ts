// The verdict against real health managers, through the CLI: a comfortable load is KEEPING
// UP (exit 0); a load one HM update process cannot carry is FALLING BEHIND or FAILING
// (exit 1) and the drop count equals the "THIS IS NOT GOOD" lines in the HM log; with no HM
// listening the run is FAILING (exit 1).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestDb, mysql } from '../../fixtures/testdb';
import { freeUdpPort } from '../../src/octavia/processes';
import { runCli } from '../helpers/cliproc';
import { dbRunArgs, fixture, ONE_SMALL_HM, OVERLOAD, optionArgs, runArgs } from '../helpers/fixture';

const fx = fixture('measure');
const dir = fx.dir;

const stresshm = (args: string[]) => runCli(args, 300000);

const notGood = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.includes('THIS IS NOT GOOD')).length;

test('a comfortable load keeps up: exit 0, no drops, JUnit all green', async () => {
  const sb = await fx.sandbox({ hms: 2, heartbeatInterval: 5 });
  const junit = join(dir, 'ok.xml');
  const r = stresshm([
    ...runArgs(sb),
    ...optionArgs({ junit, load_balancers: 200, heartbeat_interval: 5, test_runtime_secs: 15 }),
  ]);
  assert.equal(r.status, 0, r.out + r.err);
  assert.match(r.out, /VERDICT: KEEPING UP/);
  assert.match(r.out, /HM log: 0 dropped/);
  assert.match(r.out, /ok +heartbeats sent of those due \(the load offered\): \d+\.\d\d% \(/);
  assert.match(readFileSync(junit, 'utf8'), /tests="7" failures="0"/);
  assert.equal(
    sb.hmLogs.map(notGood).reduce((a, b) => a + b, 0),
    0,
  );
});

test('an overloaded HM falls behind: exit 1 and the drop count matches its log', async () => {
  const sb = await fx.sandbox(ONE_SMALL_HM);
  const before = notGood(sb.hmLogs[0]);
  const json = join(dir, 'overload.json');
  const r = stresshm([
    ...runArgs(sb),
    ...optionArgs({
      'report-json': json,
      ...OVERLOAD,
      test_runtime_secs: 15,
      drain_timeout_secs: 60,
    }),
  ]);
  assert.equal(r.status, 1, r.out + r.err);
  assert.match(r.out, /VERDICT: (FALLING BEHIND|FAILING)/);
  const report = JSON.parse(readFileSync(json, 'utf8'));
  const inLog = notGood(sb.hmLogs[0]) - before;
  assert.ok(inLog > 0, 'the HM dropped heartbeats');
  assert.equal(report.final.log.drops, inLog, 'stresshm counted every "THIS IS NOT GOOD" line');
  assert.ok(report.final.processedShare < 0.99, `processed share ${report.final.processedShare}`);
  assert.equal(Number(mysql('SELECT COUNT(*) FROM load_balancer', sb.database)), 0, 'cleaned up');
});

test('with no HM listening the run is FAILING with exit 1', async () => {
  const db = createTestDb('18.0.0', 'nohm');
  try {
    const port = await freeUdpPort();
    const r = stresshm([
      ...dbRunArgs(db.url, port),
      ...optionArgs({ load_balancers: 20, heartbeat_interval: 2, test_runtime_secs: 5, drain_timeout_secs: 2 }),
    ]);
    assert.equal(r.status, 1, r.out + r.err);
    assert.match(r.out, /VERDICT: FAILING/);
    assert.match(r.out, /processed 0 /);
    assert.equal(Number(mysql('SELECT COUNT(*) FROM amphora', db.name)), 0);
  } finally {
    db.drop();
  }
});

test('a capacity search on a real HM finishes in bounded time and reports a knee', async () => {
  const sb = await fx.sandbox(ONE_SMALL_HM);
  const json = join(dir, 'capacity.json');
  const html = join(dir, 'capacity.html');
  const started = Date.now();
  const r = stresshm([
    '--config-file',
    sb.stresshmConf,
    'capacity',
    ...optionArgs({
      'hm-log': sb.hmLogs[0],
      'report-json': json,
      'report-html': html,
      heartbeat_interval: 2,
      members: 2,
      'start-rate': 25,
      factor: 3,
      'max-rate': 2025,
      'step-secs': 10,
      refine: 1,
    }),
  ]);
  assert.equal(r.status, 0, r.out + r.err);
  assert.ok(Date.now() - started < 300000, 'bounded time');
  const res = JSON.parse(readFileSync(json, 'utf8'));
  assert.ok(res.lastGood && res.firstBad, r.out);
  assert.ok(res.lastGood.rate < res.firstBad.rate);
  assert.match(
    r.out,
    new RegExp(
      `KNEE: sustains ${res.lastGood.rate.toLocaleString('en-US')} heartbeats/s = [\\d,]+ amphorae at 2 s; at ` +
        `${res.firstBad.rate.toLocaleString('en-US')} p99 lag reaches`,
    ),
  );
  assert.match(readFileSync(html, 'utf8'), /<svg class="chart"/);
  assert.equal(Number(mysql('SELECT COUNT(*) FROM load_balancer', sb.database)), 0, 'every step cleaned up');
});
