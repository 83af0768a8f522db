// The ledger's arithmetic, /proc/net/udp parsing, fixed-bucket lag statistics and the 80-column
// dashboard: pure functions, no services.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { niceTicks } from '../../src/report/chart';
import { dbWork } from '../../src/run/dbstatus';
import { diagnose } from '../../src/run/diagnosis';
import { splitPools } from '../../src/run/hmcpu';
import { LagHistogram } from '../../src/run/lagstats';
import { ledgerOf, notMeasured } from '../../src/run/ledger';
import { parseProcUdp, procAddress } from '../../src/run/udpsocket';
import { formatLines, rowsTaken } from '../../src/terminal/dashboard';

test("the ledger's parts always sum to sent; unmeasurable parts are null and named", () => {
  const l = ledgerOf({
    sentOk: 900,
    sendErrors: 100,
    kernelDropped: 300,
    listenerMismatch: 0,
    staleDropped: 250,
    processed: 320,
  });
  assert.deepEqual(l, {
    sent: 1000,
    sendErrors: 100,
    kernelDropped: 300,
    listenerMismatch: 0,
    staleDropped: 250,
    processed: 320,
    unaccounted: 30,
  });
  const remote = ledgerOf({
    sentOk: 50,
    sendErrors: 0,
    kernelDropped: null,
    listenerMismatch: null,
    staleDropped: null,
    processed: 40,
  });
  assert.equal(remote.unaccounted, 10);
  assert.deepEqual(notMeasured(remote), ['kernelDropped', 'listenerMismatch', 'staleDropped']);
  for (const x of [l, remote]) {
    const parts =
      x.sendErrors +
      (x.kernelDropped ?? 0) +
      (x.listenerMismatch ?? 0) +
      (x.staleDropped ?? 0) +
      x.processed +
      x.unaccounted;
    assert.equal(parts, x.sent);
  }
});

const PROC_UDP = [
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops',
  '  101: 0100007F:15B3 00000000:0000 07 00000000:00003A00 00:00000000 00000000    ' +
    ' 0        0 4242 2 0000000000000000 30885',
  '  102: 00000000:15B4 00000000:0000 07 00000000:00000100 00:00000000 00000000    ' +
    ' 0        0 4243 2 0000000000000000 7',
  '  103: 0100007F:15B4 0200007F:9C40 01 00000000:00000000 00:00000000 00000000    ' +
    ' 0        0 4244 2 0000000000000000 0',
  '',
].join('\n');

test('/proc/net/udp: the queue and drop counter of the socket bound to an endpoint, wildcard binds included', () => {
  assert.equal(procAddress('0100007F'), '127.0.0.1');
  assert.equal(procAddress('00000000000000000000000001000000'), '0:0:0:0:0:0:0:1');
  assert.deepEqual(parseProcUdp(PROC_UDP, { host: '127.0.0.1', port: 5555 }), {
    rxQueueBytes: 0x3a00,
    drops: 30885,
    sockets: 1,
  });
  // port 5556: the 0.0.0.0 bind and the loopback socket both listen there
  assert.deepEqual(parseProcUdp(PROC_UDP, { host: '127.0.0.1', port: 5556 }), {
    rxQueueBytes: 0x100,
    drops: 7,
    sockets: 2,
  });
  assert.deepEqual(parseProcUdp(PROC_UDP, { host: '127.0.0.2', port: 5555 }), {
    rxQueueBytes: 0,
    drops: 0,
    sockets: 0,
  });
});

test('lag percentiles from fixed buckets stay within one bucket of the exact value, with flat memory', () => {
  const h = new LagHistogram();
  const exact: number[] = [];
  for (let i = 0; i < 100000; i++) {
    const v = ((i * 7919) % 10007) / 1000; // 0 .. 10 s, spread
    h.add(v);
    exact.push(v);
  }
  h.add(250.4);
  exact.push(250.4);
  exact.sort((a, b) => a - b);
  for (const q of [0.5, 0.95, 0.99]) {
    const want = exact[Math.ceil(q * exact.length) - 1];
    const got = h.percentile(q);
    assert.ok(got >= want && got - want <= 0.01 + 1e-9, `q${q}: ${got} vs ${want}`);
  }
  assert.equal(h.maximum, 250.4);
  assert.equal(h.percentile(1), 250.4);
  assert.equal(new LagHistogram().percentile(0.99), 0);
});

test('the dashboard fits 80 columns, and a redraw counts the rows a wrapped line takes', () => {
  const lines = formatLines({
    phase: 'sending',
    elapsedSecs: 123456,
    remainingSecs: 99999,
    amphorae: 1000000,
    sent: 123456789,
    processed: 123456000,
    sample: {
      t: 1,
      offeredPerSec: 100000,
      processedPerSec: 99999,
      lagP50: 1.23,
      lagP95: 4.56,
      lagP99: 7.89,
      staleOver1: 1000000,
      staleOver2: 1000000,
      staleOverTimeout: 1000000,
      logDrops: 1,
    },
    sendErrors: { ECONNREFUSED: 123456789 },
    scheduleLagP99Ms: 12.3,
    due: 123456790,
    log: {
      drops: 1234567,
      listenerMismatch: 1234567,
      hmacFailures: 1234,
      tracebacks: 12,
      failovers: 1,
      missingFromDb: 0,
    },
    ledger: {
      sent: 123456789,
      sendErrors: 123456789,
      kernelDropped: 12345678,
      listenerMismatch: 1234567,
      staleDropped: 1234567,
      processed: 123456000,
      unaccounted: 1234567,
    },
  });
  for (const l of lines) assert.ok(l.length <= 80, `${l.length}: ${l}`);
  assert.ok(lines.includes('rate     offered 100,000/s (100.0% of due)  processed 99,999/s'), lines.join('\n'));
  assert.equal(rowsTaken(['x'.repeat(81), 'y'], 80), 3);
  assert.equal(rowsTaken(['x'.repeat(80), ''], 80), 2);
});

test('chart ticks are round numbers', () => {
  assert.deepEqual(niceTicks(63), [0, 20, 40, 60]);
  assert.deepEqual(niceTicks(10), [0, 2, 4, 6, 8, 10]);
});

test('the diagnosis cites measured figures only, and says nothing of what was not measured', () => {
  const ledger = {
    sent: 45000,
    sendErrors: 0,
    kernelDropped: 30885,
    listenerMismatch: 0,
    staleDropped: 9459,
    processed: 4600,
    unaccounted: 56,
  };
  const d = diagnose({
    ledger,
    seconds: 40,
    cores: 2,
    hmCpu: [{ endpoint: '127.0.0.1:5555', listenerPid: 1, listenerSecs: 10, poolSecs: 39, poolWorkers: 2 }],
    dbCpuSecs: 6,
  });
  assert.match(d[0], /^69% of heartbeats \(30,885\) were dropped by the kernel .*sock_rlimit/);
  assert.match(d[1], /^21% \(9,459\) were read but dropped by the HM as stale/);
  assert.match(d[2], /listener process at 25% of one core, its 2 pool workers at 98% of one core together/);
  assert.match(d[3], /^database server at 15% of one core$/);
  assert.equal(d.length, 4); // no database counters were given: no statement is claimed
  const remote = diagnose({
    ledger: { ...ledger, kernelDropped: null, staleDropped: null, processed: 44944 },
    seconds: 40,
    cores: 2,
  });
  assert.deepEqual(remote, ['no heartbeat was lost that stresshm could see (100% processed)']);
});

test("database work per processed heartbeat subtracts the run's own statements", () => {
  const zero = {
    Questions: 0,
    Com_select: 0,
    Com_insert: 0,
    Com_update: 0,
    Com_delete: 0,
    Com_replace: 0,
    Com_commit: 0,
    Com_rollback: 0,
    Rows_read: 0,
    Handler_write: 0,
    Handler_update: 0,
    Handler_delete: 0,
    Innodb_row_lock_waits: 0,
  };
  const after = {
    ...zero,
    Questions: 5100,
    Com_select: 2100,
    Com_update: 1000,
    Com_commit: 2000,
    Rows_read: 8000,
    Handler_update: 1000,
    Innodb_row_lock_waits: 3,
  };
  const w = dbWork(zero, after, 1000, 100);
  assert.equal(w.statementsPerHeartbeat, 5);
  assert.equal(w.perHeartbeat.select, 2);
  assert.equal(w.perHeartbeat.update, 1);
  assert.equal(w.perHeartbeat.rowsRead, 8);
  assert.equal(w.rowLockWaits, 3);
  assert.equal(w.perHeartbeat.rowsWritten, 1);
  assert.equal(w.rowLockTimeMs, undefined); // the server did not report it: not measured, not 0
});

test('pool workers split by fork order: the health_update_threads oldest are the health pool, else no split', () => {
  const workers = [
    { start: 105, secs: 1 },
    { start: 100, secs: 10 },
    { start: 101, secs: 20 },
    { start: 106, secs: 2 },
  ];
  assert.deepEqual(splitPools(workers, { health: 2, stats: 2 }), { healthPoolSecs: 30, statsPoolSecs: 3 });
  assert.deepEqual(splitPools(workers, { health: 3, stats: 2 }), {}); // counts disagree: not told apart
  assert.deepEqual(splitPools(workers, undefined), {});
  const ledger = {
    sent: 10,
    sendErrors: 0,
    kernelDropped: 0,
    listenerMismatch: 0,
    staleDropped: 0,
    processed: 10,
    unaccounted: 0,
  };
  const role = { endpoint: 'h:1', listenerPid: 1, listenerSecs: 1, poolSecs: 33, poolWorkers: 4 };
  const split = diagnose({
    ledger,
    seconds: 100,
    cores: 2,
    hmCpu: [{ ...role, healthPoolSecs: 30, statsPoolSecs: 3 }],
  });
  assert.match(
    split[1],
    /4 pool workers at 33% of one core together \(health-update pool 30%, statistics pool 3\.0%\)/,
  );
  assert.doesNotMatch(diagnose({ ledger, seconds: 100, cores: 2, hmCpu: [role] })[1], /health-update pool/);
});
