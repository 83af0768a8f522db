// Fault cases that need a real health manager: an overloaded HM is drained before anything
// is deleted (its log gains no "missing from the DB" line, no orphan row appears), and an
// interrupted healthy run is judged INTERRUPTED, never KEEPING UP.

import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { mysql } from '../../fixtures/testdb';
import type { Sandbox } from '../../src/octavia/sandbox';
import { socketState } from '../../src/run/udpsocket';
import { CliProc } from '../helpers/cliproc';
import { fixture, ONE_SMALL_HM, OVERLOAD, optionArgs, runArgs } from '../helpers/fixture';

const fx = fixture('faults-hm');
const dir = fx.dir;

const lines = (path: string, re: RegExp) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => re.test(l)).length;

/** Waits until the HM's log and socket queue stay unchanged for `quietMs` (bounded): nothing more can arrive. */
async function hmQuiet(sb: Sandbox, quietMs: number, boundMs: number): Promise<void> {
  const port = Number(sb.endpoints[0].split(':')[1]);
  const state = () => `${statSync(sb.hmLogs[0]).size}/${socketState({ host: '127.0.0.1', port })?.rxQueueBytes ?? 0}`;
  const deadline = Date.now() + boundMs;
  let last = state();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    assert.ok(Date.now() < deadline, 'the HM became quiet');
    await new Promise((r) => setTimeout(r, 250)); // polling a condition, with a deadline
    const now = state();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}

/** The drop counter of the UDP socket bound to `port`, read here from /proc/net/udp (last column). */
function socketDrops(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const row = readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .find((l) => l.trim().split(/\s+/)[1]?.endsWith(`:${hex}`));
  assert.ok(row, `a socket is bound to port ${port}`);
  const f = row.trim().split(/\s+/);
  return Number(f[f.length - 1]);
}

test(
  'an overloaded HM is drained before clean (no "missing from the DB" line, no orphan row), ' +
    'and the ledger accounts for every heartbeat',
  async () => {
    const sb = await fx.sandbox(ONE_SMALL_HM);
    const port = Number(sb.endpoints[0].split(':')[1]);
    const missingBefore = lines(sb.hmLogs[0], /is missing from the DB/);
    const notGoodBefore = lines(sb.hmLogs[0], /THIS IS NOT GOOD/);
    const dropsBefore = socketDrops(port);
    const json = join(dir, 'overload.json');
    const p = new CliProc([
      ...runArgs(sb),
      ...optionArgs(OVERLOAD),
      '--burst',
      ...optionArgs({ test_runtime_secs: 10, drain_timeout_secs: 3, 'report-json': json }),
    ]);
    const code = await p.exited;
    assert.equal(code, 1, p.text);
    assert.match(p.out, /VERDICT: (FALLING BEHIND|FAILING)/);
    const r = JSON.parse(readFileSync(json, 'utf8'));
    const l = r.ledger;
    assert.equal(
      l.sendErrors + l.kernelDropped + l.listenerMismatch + l.staleDropped + l.processed + l.unaccounted,
      l.sent,
    );
    assert.equal(
      l.staleDropped,
      lines(sb.hmLogs[0], /THIS IS NOT GOOD/) - notGoodBefore,
      "stale drops = the log's lines",
    );
    assert.equal(l.kernelDropped, socketDrops(port) - dropsBefore, "kernel drops = the socket's own counter");
    assert.ok(l.kernelDropped + l.staleDropped > 0, 'the HM was overloaded');
    assert.equal(typeof r.db.statementsPerHeartbeat, 'number');
    // the HM's CPU by role: its listener, and its health-update and statistics pools told apart
    const cpu = r.hm.cpuSecsPer1000;
    assert.ok(cpu.listener > 0 && cpu.healthPool > 0 && cpu.statsPool >= 0, JSON.stringify(r.hm));
    assert.ok(r.diagnosis.length > 0);
    await hmQuiet(sb, 5000, 120000);
    assert.equal(
      lines(sb.hmLogs[0], /is missing from the DB/) - missingBefore,
      0,
      'no heartbeat arrived after its rows were gone',
    );
    for (const t of ['load_balancer', 'amphora', 'amphora_health', 'listener', 'listener_statistics', 'member']) {
      assert.equal(Number(mysql(`SELECT COUNT(*) FROM ${t}`, sb.database)), 0, `${t} is empty`);
    }
  },
);

test('an interrupted healthy run is INTERRUPTED with exit 130, never KEEPING UP', async () => {
  const sb = await fx.sandbox({ hms: 2, heartbeatInterval: 2 });
  const p = new CliProc([
    ...runArgs(sb),
    ...optionArgs({ load_balancers: 20, heartbeat_interval: 2, test_runtime_secs: 120 }),
  ]);
  await p.waitFor(/\[\d+s\] sending: offered [\d,]+\/s( \([\d.]+% of due\))?, processed [1-9]/);
  p.signal('SIGINT');
  assert.equal(await p.exited, 130, p.text);
  assert.match(p.out, /VERDICT: INTERRUPTED/);
  assert.match(p.out, /stopped early: SIGINT/);
  assert.doesNotMatch(p.out, /KEEPING UP/);
  assert.equal(Number(mysql('SELECT COUNT(*) FROM load_balancer', sb.database)), 0);
});
