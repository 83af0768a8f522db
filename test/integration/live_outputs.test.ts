// Live outputs of a real run: /metrics scraped during sending and read by a strict
// Prometheus text parser, the --csv history (one row per recorded sample), and `stresshm
// report` of the saved record reproducing the run's JSON report byte for byte. The "HM" is a
// socket that never reads (tiny receive buffer), so the kernel drops at its endpoint count.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createTestDb, type TestDb } from '../../fixtures/testdb';
import { freeUdpPort } from '../../src/octavia/processes';
import { CSV_COLUMNS } from '../../src/report/csv';
import { loadRecord } from '../../src/run/record';
import { BIN, CliProc } from '../helpers/cliproc';
import { dbRunArgs, optionArgs } from '../helpers/fixture';
import { type PromFamily, parsePromText, promValue } from '../helpers/promtext';

const dir = mkdtempSync(join(tmpdir(), 'stresshm-live-'));
let db: TestDb;
let port: number;
let sink: ChildProcess;

const SINK =
  'import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n' +
  's.setsockopt(socket.SOL_SOCKET,socket.SO_RCVBUF,1)\ns.bind(("127.0.0.1",int(sys.argv[1])))\n' +
  'print("bound",flush=True)\nsys.stdin.readline()\n' +
  'while True: s.recv(65536)\n'; // told when sending stops: from then on it reads, so the drain ends

before(async () => {
  db = createTestDb('18.0.0', 'live');
  port = await freeUdpPort();
  sink = spawn('python3', ['-c', SINK, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((res, rej) => {
    sink.stdout!.once('data', () => res());
    sink.once('exit', (c) => rej(new Error(`sink exited ${c}`)));
  });
});
after(() => {
  sink?.stdin?.destroy();
  sink?.stdout?.destroy();
  sink?.kill('SIGKILL');
  db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function scrape(url: string): Promise<Map<string, PromFamily>> {
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePromText(await r.text());
}

type Families = Map<string, PromFamily>;

/** Scrapes while the run sends until `ok` holds (the run's own pace, bounded). */
async function scrapeWhileSending(url: string, p: CliProc, ok: (f: Families) => boolean): Promise<Families> {
  for (const deadline = Date.now() + 60000; Date.now() < deadline; ) {
    const f = await scrape(url);
    if (promValue(f, 'stresshm_phase', { phase: 'send' }) === 1 && ok(f)) return f;
    if (p.child.exitCode !== null) break;
    await delay(200);
  }
  throw new Error(`never saw it in /metrics while sending: ${p.text}`);
}

test('metrics during a run, the CSV history after it, and report from the record', async () => {
  const [csv, rec, json, again] = ['h.csv', 'r.msgpack', 'r.json', 'again.json'].map((f) => join(dir, f));
  const p = new CliProc([
    ...dbRunArgs(db.url, port, 'live-key'),
    ...optionArgs({
      heartbeat_interval: 1,
      load_balancers: 40,
      test_runtime_secs: 8,
      drain_timeout_secs: 2,
      'metrics-port': 0,
      csv,
      record: rec,
      'report-json': json,
    }),
  ]);
  const url = (await p.waitFor(/metrics on (http:\/\/127\.0\.0\.1:\d+\/metrics)/))[1];
  const first = await scrapeWhileSending(url, p, (f) => promValue(f, 'stresshm_heartbeats_sent_total') > 0);
  for (const [name, fam] of first) {
    assert.equal(fam.type === 'counter', name.endsWith('_total'), `${name}: _total exactly on counters`);
  }
  const current = first.get('stresshm_phase')!.samples.filter((s) => s.value === 1);
  assert.deepEqual(
    current.map((s) => s.labels.phase),
    ['send'],
  );
  assert.deepEqual(
    first.get('stresshm_processing_lag_seconds')!.samples.map((s) => s.labels.quantile),
    ['0.5', '0.95', '0.99'],
  );
  const kernelLabels = { kind: 'kernel', endpoint: `127.0.0.1:${port}` };
  const kernelOf = (f: Families) =>
    f
      .get('stresshm_heartbeats_dropped_total')!
      .samples.find((s) => s.labels.kind === 'kernel' && s.labels.endpoint === kernelLabels.endpoint)?.value ?? 0;
  const second = await scrapeWhileSending(url, p, (f) => kernelOf(f) > 0);
  assert.ok(promValue(second, 'stresshm_heartbeats_sent_total') >= promValue(first, 'stresshm_heartbeats_sent_total'));
  assert.ok(
    promValue(second, 'stresshm_heartbeats_due_total') >= promValue(second, 'stresshm_heartbeats_sent_total'),
    'what was sent was due',
  );
  const kernelSeen = promValue(second, 'stresshm_heartbeats_dropped_total', kernelLabels);
  await p.waitFor(/waiting for the HM to drain/);
  sink.stdin!.write('drain\n');
  assert.equal(await p.exited, 1, p.text); // nothing processes: FAILING
  const record = loadRecord(rec);
  const finalKernel = record.ledgerEndpoints?.find((e) => e.endpoint === kernelLabels.endpoint)?.kernelDropped;
  assert.ok(typeof finalKernel === 'number' && finalKernel >= kernelSeen, `${finalKernel} ${kernelSeen}`);
  assert.ok(kernelSeen > 0, 'the sink drops, and /metrics said so per endpoint');

  const lines = readFileSync(csv, 'utf8').trimEnd().split('\n');
  assert.equal(lines[0], CSV_COLUMNS.join(','));
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.equal(rows.length, record.samples.length, 'one row per recorded sample');
  assert.deepEqual(
    rows.map((r) => Number(r[3])),
    record.samples.map((s) => Number(s.t.toFixed(3))),
  );
  assert.deepEqual(
    rows.map((r) => Number(r[13])),
    record.samples.map((s) => s.ledger?.sent),
  );

  const r = spawnSync(process.execPath, [BIN, 'report', rec, '--report-json', again], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /VERDICT: FAILING/);
  assert.ok(readFileSync(again).equals(readFileSync(json)), 'report reproduces the JSON byte for byte');
  const quiet = spawnSync(process.execPath, [BIN, '-q', 'report', rec], { encoding: 'utf8' });
  assert.equal(quiet.stdout, 'VERDICT: FAILING\n', '-q: only the verdict');
});
