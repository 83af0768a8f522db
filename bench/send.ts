// Send-path benchmark, one run, one sender thread each, same ~500-byte payload, same
// loopback destination (a bound UDP socket nobody reads, so the receiver costs nothing):
// stresshm's native sendmmsg thread replaying pre-encoded heartbeats vs a plain C send()
// loop (the ceiling) vs Node's dgram (what a user would write instead).
//
//   node dist/bench/send.js [--seconds 5]

import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import minimist from 'minimist';
import { sampleSpec } from '../fixtures/fleets';
import { packSpec } from '../src/engine/fleet';
import { native } from '../src/engine/native';
import type { FleetSpec } from '../src/engine/wire';
import { freeUdpPort } from '../src/octavia/processes';
import { runBench } from './bench_main';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function buildC(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-bench-c-'));
  const bin = join(dir, 'send_loop');
  execFileSync('cc', ['-O2', '-o', bin, join(__dirname, '..', '..', 'bench', 'c', 'send_loop.c')]);
  return bin;
}

async function holdPort(bin: string, port: number): Promise<() => void> {
  const child = spawn(bin, ['hold', String(port)], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return () => child.kill('SIGKILL');
}

async function dgramRate(port: number, payload: Buffer, seconds: number): Promise<number> {
  const sock = createSocket('udp4');
  let done = 0;
  let inflight = 0;
  const end = Date.now() + seconds * 1000;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (inflight < 64 && Date.now() < end) {
        inflight++;
        sock.send(payload, port, '127.0.0.1', () => {
          inflight--;
          done++;
          pump();
        });
      }
      if (inflight === 0 && Date.now() >= end) resolve();
    };
    pump();
  });
  sock.close();
  return done / seconds;
}

/** 64 amphorae whose v3 heartbeats (random ids, as in a real cloud) are about `bytes` long. */
function heartbeatsOfAbout(bytes: number, port: number): FleetSpec {
  for (let members = 1; ; members++) {
    const spec = sampleSpec(3, 64, 1, 1, members, { threads: 1, endpoints: [{ host: '127.0.0.1', port }] });
    for (const lb of spec.lbs) for (const p of lb.pools) p.members = p.members.map(() => randomUUID());
    if (native().encodeHeartbeat(packSpec(spec), 0, 1).length >= bytes) return spec;
  }
}

async function main(): Promise<void> {
  const seconds = Number(minimist(process.argv.slice(2)).seconds ?? 5);
  const bin = buildC();
  const port = await freeUdpPort();
  const release = await holdPort(bin, port);
  try {
    const spec = heartbeatsOfAbout(500, port);
    const blast = await native().blast(packSpec(spec), seconds * 1000);
    const size = blast.packetBytes;
    const ours = blast.packetsPerThread[0] / blast.seconds;
    const [cCount, , cSecs] = execFileSync(bin, ['send', String(port), String(size), String(seconds)], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ')
      .map(Number);
    const cRate = cCount / cSecs;
    const dgram = await dgramRate(port, Buffer.alloc(size, 'x'), seconds);
    console.log(
      `send path, 1 sender thread each, ${size}-byte packets to a loopback UDP socket, ${seconds} s per method`,
    );
    console.log(`  ${'method'.padEnd(46)} ${'packets/s'.padStart(10)}`);
    console.log(`  ${'stresshm native (sendmmsg, pre-encoded HBs)'.padEnd(46)} ${fmt(ours).padStart(10)}`);
    console.log(
      `  ${'plain C send() loop (ceiling)'.padEnd(46)} ${fmt(cRate).padStart(10)}   stresshm reaches ` +
        `${((100 * ours) / cRate).toFixed(0)}% (target >= 90%)`,
    );
    console.log(
      `  ${'Node dgram (64 sends in flight)'.padEnd(46)} ${fmt(dgram).padStart(10)}   stresshm is ` +
        `${(ours / dgram).toFixed(1)}x (target >= 1.5x)`,
    );
    const errs = Object.keys(blast.errors).length ? JSON.stringify(blast.errors) : 'none';
    console.log(`  native send errors: ${errs}`);
  } finally {
    release();
  }
}

runBench(main);
