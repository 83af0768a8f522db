// The native engine never aborts the process: an unusable endpoint is refused before the
// first send, a failed send is counted per errno and kept out of the send history, every
// binding argument is checked by name, the verifying sink rejects what a health manager
// would reject (wrong key, truncated, corrupted), and threads end with their environment.

import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { test } from 'node:test';
import { sampleSpec } from '../../fixtures/fleets';
import { checkEndpoints, Fleet, packSpec } from '../../src/engine/fleet';
import { ENDPOINT_ERROR, native } from '../../src/engine/native';
import { encodeHeartbeat } from '../../src/engine/wire';
import { EnvError } from '../../src/errors';
import { until } from '../helpers/until';

const UNUSABLE = { host: '255.255.255.255', port: 5555 };

test('an endpoint the kernel cannot address is refused up front, naming it (EnvError, exit 3)', async () => {
  const isRefusal = (e: unknown) =>
    e instanceof EnvError && e.exitCode === 3 && /255\.255\.255\.255:5555/.test(e.message);
  assert.throws(() => checkEndpoints([{ host: '127.0.0.1', port: 5555 }, UNUSABLE]), isRefusal);
  const spec = sampleSpec(3, 2, 1, 1, 1, { endpoints: [UNUSABLE] });
  assert.throws(() => new Fleet(spec), isRefusal);
  await assert.rejects(
    native().blast(packSpec(spec), 100),
    (e: Error & { code?: string }) => e.code === ENDPOINT_ERROR && /255\.255\.255\.255:5555/.test(e.message),
  );
  assert.doesNotThrow(() =>
    checkEndpoints([
      { host: '127.0.0.1', port: 5555 },
      { host: '::1', port: 5555 },
    ]),
  );
});

/** A loopback port nobody listens on: sends to it fail with ECONNREFUSED once ICMP answers. */
async function closedPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('a failed send is counted under its errno and is not recorded as sent in the history', async () => {
  const endpoints = [{ host: '127.0.0.1', port: await closedPort() }];
  const spec = sampleSpec(3, 10, 1, 1, 1, { intervalMs: 100, threads: 1, endpoints });
  const fleet = new Fleet(spec);
  fleet.start();
  try {
    await until(() => (fleet.stats().errors.ECONNREFUSED ?? 0) >= 10 && fleet.stats().sent >= 10, 5000);
  } finally {
    fleet.stop();
  }
  const st = fleet.stats();
  const h = fleet.sendHistory();
  const attempts = st.sent + st.errors.ECONNREFUSED;
  assert.ok(attempts <= 20 * h.depth, 'the history still holds every attempt of every amphora');
  assert.equal(h.times.filter((t) => t > 0).length, st.sent, 'history entries = successful sends');
  assert.equal(st.failure, '');
});

test('every binding argument is checked and named', () => {
  const n = native();
  const buf = packSpec(sampleSpec(3, 1, 1, 1, 1));
  const fleet = new n.Fleet(buf);
  const depth = n.historyDepth;
  const bad: Array<[() => unknown, RegExp]> = [
    [() => n.encodeHeartbeat('x' as unknown as Buffer, 0, 0), /^TypeError: encodeHeartbeat: spec must be a Buffer/],
    [() => n.encodeHeartbeat(buf, 2, 0), /^RangeError: encodeHeartbeat: amphora must be within 0\.\.1, got 2/],
    [() => n.encodeHeartbeat(buf, 0.5, 0), /^TypeError: encodeHeartbeat: amphora must be an integer/],
    [() => n.encodeHeartbeat(buf, 0, -1), /^RangeError: encodeHeartbeat: seq must be within/],
    [() => n.encodeHeartbeat(buf, 0, '1' as unknown as number), /^TypeError: encodeHeartbeat: seq must be a number/],
    [() => n.benchEncode(buf, 0, 0), /^RangeError: benchEncode: count must be within/],
    [() => n.blast(buf, Number.NaN), /^RangeError: blast: durationMs must be within/],
    [() => n.blastPayload('127.0.0.1', 0, 10, 1, 10), /^RangeError: blastPayload: port must be within 1\.\.65535/],
    [() => n.blastPayload('127.0.0.1', 1, 70000, 1, 10), /^RangeError: blastPayload: payloadBytes/],
    [() => n.blastPayload('127.0.0.1', 1, 10, 0, 10), /^RangeError: blastPayload: threads/],
    [() => n.blastPayload('nowhere', 1, 10, 1, 10), /blastPayload: host "nowhere" is not an IP address/],
    [() => n.checkEndpoints('x' as unknown as []), /^TypeError: checkEndpoints: endpoints must be an array/],
    [() => n.checkEndpoints([{ host: 1 }] as unknown as []), /^TypeError: checkEndpoints: endpoints\[0\] must be/],
    [() => n.checkEndpoints([{ host: '127.0.0.1', port: 0 }]), /heartbeat endpoint port 0 is out of range/],
    [() => new n.Fleet({} as Buffer), /^TypeError: Fleet: spec must be a Buffer/],
    [() => new n.Fleet(Buffer.from([0x81])), /fleet spec: truncated msgpack/],
    [() => new n.Sink(1 as unknown as string, 0, 'k'), /^TypeError: Sink: host must be a string/],
    [() => new n.Sink('127.0.0.1', 65536, 'k'), /^RangeError: Sink: port must be within 0\.\.65535/],
    [() => new n.Sink('127.0.0.1', 0, 5 as unknown as string), /^TypeError: Sink: key must be a string/],
    [
      () => fleet.history(new Float32Array(2 * depth) as unknown as Float64Array, new Float64Array(2 * depth)),
      /^TypeError: history: times must be a Float64Array/,
    ],
    [
      () => fleet.history(new Float64Array(2 * depth), undefined as unknown as Float64Array),
      /^TypeError: history: seqs must be a Float64Array/,
    ],
    [
      () => fleet.history(new Float64Array(1), new Float64Array(1)),
      /^RangeError: history: times and seqs must hold 16 values each/,
    ],
  ];
  for (const [call, message] of bad) assert.throws(call, (e: Error) => message.test(String(e)), String(message));
});

async function sendAll(sock: Socket, port: number, packets: Buffer[]): Promise<void> {
  for (const p of packets) await new Promise<void>((r, j) => sock.send(p, port, '127.0.0.1', (e) => (e ? j(e) : r())));
}

test('the verifying sink counts wrong-key, truncated and corrupted heartbeats as invalid', async () => {
  const key = 'sink-key';
  const sink = new (native().Sink)('127.0.0.1', 0, key);
  const good = encodeHeartbeat(sampleSpec(3, 1, 1, 1, 3, { key }), 0, 0);
  const raw = encodeHeartbeat(sampleSpec(3, 1, 1, 1, 3, { key, legacyDigest: true }), 0, 1);
  const corrupted = Buffer.from(good);
  corrupted[5] ^= 0x01;
  const badDigest = Buffer.from(good);
  badDigest[badDigest.length - 1] = badDigest[badDigest.length - 1] === 0x30 ? 0x31 : 0x30;
  const invalid = [
    encodeHeartbeat(sampleSpec(3, 1, 1, 1, 3, { key: 'another-key' }), 0, 0),
    good.subarray(0, good.length - 1),
    good.subarray(0, 40),
    corrupted,
    badDigest,
    Buffer.alloc(0),
  ];
  const tx = createSocket('udp4');
  try {
    await sendAll(tx, sink.port(), [good, raw, ...invalid]);
    await until(() => sink.stats().packets >= 2 + invalid.length, 3000);
  } finally {
    tx.close();
    sink.stop();
  }
  const st = sink.stats();
  assert.equal(st.valid, 2, 'the hex-digest and the raw-digest heartbeat');
  assert.equal(st.invalid, invalid.length);
});

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Fleet } = require(workerData.fleetModule);
const { sampleSpec } = require(workerData.helpersModule);
const endpoints = [{ host: '127.0.0.1', port: workerData.port }];
const fleet = new Fleet(sampleSpec(3, 25, 1, 1, 1, { intervalMs: 100, endpoints }));
fleet.start();
setInterval(() => fleet.stats(), 1000); // the native threads hold no event-loop handle: keep the worker alive
parentPort.postMessage('started');
`;

test("a fleet's threads stop with the environment that made it (a worker thread that ends)", async () => {
  const { Worker } = await import('node:worker_threads');
  const { join } = await import('node:path');
  const rx = createSocket('udp4');
  await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
  let received = 0;
  rx.on('message', () => received++);
  const workerData = {
    port: rx.address().port,
    fleetModule: join(__dirname, '..', '..', 'src', 'engine', 'fleet.js'),
    helpersModule: join(__dirname, '..', '..', 'fixtures', 'fleets.js'),
  };
  const worker = new Worker(WORKER, { eval: true, workerData });
  try {
    await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await until(() => received >= 100, 5000);
  } finally {
    await worker.terminate();
  }
  await new Promise((r) => setTimeout(r, 200)); // packets already queued for this socket
  const afterEnd = received;
  await new Promise((r) => setTimeout(r, 400));
  rx.close();
  assert.equal(received, afterEnd, 'no heartbeat after the worker ended');
});
