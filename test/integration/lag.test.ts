// Lag finer than a second, against a true delay: a copy of the installed Octavia whose health
// update sleeps a fixed time before it runs. The measured p50 processing lag must be within
// 0.25 s of that delay, although amphora_health.last_update only has whole seconds.

import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliProc } from '../helpers/cliproc';
import { fixture, optionArgs, runArgs } from '../helpers/fixture';

const fx = fixture('lag');
const dir = fx.dir;

/** A checkout-shaped copy of the installed Octavia whose UpdateHealthDb.update_health sleeps `secs` first. */
function slowHm(secs: number): string {
  const checkout = join(dir, `octavia-sleep-${secs}`);
  mkdirSync(checkout, { recursive: true });
  cpSync('/usr/lib/python3/dist-packages/octavia', join(checkout, 'octavia'), { recursive: true });
  const file = join(checkout, 'octavia', 'amphorae', 'drivers', 'health', 'heartbeat_udp.py');
  const src = readFileSync(file, 'utf8');
  const def = '    def update_health(self, health, srcaddr):\n';
  assert.ok(src.includes(def), 'the installed HM has update_health');
  writeFileSync(file, src.replace(def, `${def}        time.sleep(${secs})\n`));
  return checkout;
}

for (const delay of [0.5, 1.5]) {
  test(`an HM that takes ${delay} s per heartbeat shows a p50 lag within 0.25 s of it`, async () => {
    const sb = await fx.sandbox({
      hms: 1,
      heartbeatInterval: 5,
      healthUpdateThreads: 12,
      octaviaSource: slowHm(delay),
    });
    // The HM's first heartbeats start its worker processes (seconds on a cold machine, past this
    // SLA's 2.5 s at 1.5 s of delay): a short run warms it up; only a crash fails it.
    const warm = new CliProc([
      ...runArgs(sb),
      ...optionArgs({ load_balancers: 5, heartbeat_interval: 5, test_runtime_secs: 6 }),
    ]);
    const warmExit = await warm.exited;
    assert.ok(warmExit === 0 || warmExit === 1, warm.text);
    const json = join(dir, `lag-${delay}.json`);
    const p = new CliProc([
      ...runArgs(sb),
      ...optionArgs({ 'report-json': json, load_balancers: 10, heartbeat_interval: 5, test_runtime_secs: 25 }),
    ]);
    assert.equal(await p.exited, 0, p.text);
    const r = JSON.parse(readFileSync(json, 'utf8'));
    assert.ok(r.final.processed > 50, `processed ${r.final.processed}`);
    assert.ok(r.final.lagResolutionSecs <= 0.25, `resolution ${r.final.lagResolutionSecs}`);
    assert.ok(Math.abs(r.final.lagP50 - delay) <= 0.25, `p50 ${r.final.lagP50} vs true ${delay}`);
  });
}
