// --hm-log-cmd follows a command's standard output as --hm-log follows a file: the same
// "THIS IS NOT GOOD" lines, written by the test while the run sends, give the same drop count
// either way, and the command's process group is gone when the run ends. -v announces phases.

import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDb, type TestDb } from '../../fixtures/testdb';
import { freeUdpPort } from '../../src/octavia/processes';
import { loadRecord } from '../../src/run/record';
import { CliProc } from '../helpers/cliproc';
import { dbRunArgs, optionArgs } from '../helpers/fixture';

const dir = mkdtempSync(join(tmpdir(), 'stresshm-hmlogcmd-'));
let db: TestDb;
let deadPort: number;

before(async () => {
  db = createTestDb('18.0.0', 'hmlogcmd');
  deadPort = await freeUdpPort();
});
after(() => {
  db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const DROP = 'WARNING octavia.amphorae.drivers.health.heartbeat_udp [-] THIS IS NOT GOOD: a heartbeat was dropped\n';

/** Processes whose command line mentions `needle` (a path only this test made). */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** A run following `log` by `how`; the test writes 3 drop lines at the first sample and 2 at a later one. */
async function runWithLog(name: string, how: (log: string) => string[]): Promise<number | undefined> {
  const log = join(dir, `${name}.log`);
  const rec = join(dir, `${name}.msgpack`);
  writeFileSync(log, '');
  const p = new CliProc([
    ...dbRunArgs(db.url, deadPort),
    ...optionArgs({
      heartbeat_interval: 1,
      load_balancers: 5,
      test_runtime_secs: 6,
      drain_timeout_secs: 2,
      record: rec,
    }),
    ...how(log),
  ]);
  await p.waitFor(/\[\d+s\] sending:/);
  appendFileSync(log, DROP.repeat(3));
  await p.waitFor(/\[[3-9]s\] sending:/);
  appendFileSync(log, `unrelated line\n${DROP.repeat(2)}`);
  assert.equal(await p.exited, 1, p.text);
  assert.deepEqual(processesMentioning(log), [], 'nothing still follows the log');
  if (how(log).includes('-v')) {
    for (const ph of ['populate', 'send', 'drain', 'clean']) assert.match(p.out, new RegExp(`\\] phase ${ph}`), ph);
  } else assert.doesNotMatch(p.out, /\] phase /, 'phase lines only with -v');
  return loadRecord(rec).final.log?.drops;
}

test("--hm-log-cmd 'tail -F FILE' counts the same drops as --hm-log FILE", async () => {
  const byFile = await runWithLog('file', (log) => ['--hm-log', log]);
  const byCmd = await runWithLog('cmd', (log) => ['--hm-log-cmd', `tail -F ${log}`, '-v']);
  assert.equal(byFile, 5);
  assert.equal(byCmd, byFile);
});
