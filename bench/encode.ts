// Encoding cost of one full v3 heartbeat of a 10-member load balancer (1 listener, 1 pool,
// random ids), as a real amphora encodes it (json.dumps text, zlib level 9, hex HMAC), from
// one run: stresshm's native encoder; a plain C loop of zlib-9 + HMAC over the same JSON (the
// floor: no JSON building); and Octavia's own status_message.wrap_envelope in Python, which
// is what an amphora spends. All three give the same packet size. Figures are CPU time per
// heartbeat, so other load on a shared machine does not count (caches still do).
//
//   node dist/bench/encode.js [--count 50000]

import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import minimist from 'minimist';
import { packSpec } from '../src/engine/fleet';
import { native } from '../src/engine/native';
import { encodeHeartbeat, messageJson } from '../src/engine/wire';
import { sampleSpec } from '../test/helpers/fleets';

const KEY = 'bench-key';

const PYTHON_LOOP = `
import json, sys, time
from octavia.amphorae.backends.health_daemon import status_message
msg = json.loads(sys.stdin.read()); key = sys.argv[1]; n = int(sys.argv[2])
status_message.wrap_envelope(msg, key)
t0 = time.process_time()
for _ in range(n): packet = status_message.wrap_envelope(msg, key)
print((time.process_time() - t0) / n, len(packet))
`;

/** The plain C loop (bench/c/encode_loop.c), built against the system zlib and libcrypto. */
function cLoop(json: string, count: number): [number, number] {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-bench-encode-'));
  try {
    const bin = join(dir, 'encode_loop');
    const source = join(__dirname, '..', '..', 'bench', 'c', 'encode_loop.c');
    execFileSync('cc', ['-O2', '-o', bin, source, '-lz', '-lcrypto']);
    const out = execFileSync(bin, [KEY, String(count)], { input: json, encoding: 'utf8' });
    const [secs, size] = out.trim().split(' ').map(Number);
    return [secs, size];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pythonLoop(json: string, count: number): [number, number] {
  const args = ['-c', PYTHON_LOOP, KEY, String(count)];
  const out = execFileSync('/usr/bin/python3', args, { input: json, encoding: 'utf8' });
  const [secs, size] = out.trim().split(' ').map(Number);
  return [secs, size];
}

function main(): void {
  const count = Number(minimist(process.argv.slice(2)).count ?? 50000);
  const spec = sampleSpec(3, 1, 1, 1, 10, { key: KEY });
  spec.lbs[0].pools[0].members = spec.lbs[0].pools[0].members.map(() => randomUUID());
  const buf = packSpec(spec);
  if (
    !native()
      .encodeHeartbeat(buf, 0, 7)
      .equals(encodeHeartbeat(spec, 0, 7))
  )
    throw new Error('encoders disagree');
  const json = messageJson(spec, 0, 7);
  const size = encodeHeartbeat(spec, 0, 7).length;
  native().benchEncode(buf, 0, 1000); // warm-up
  const nativeSecs = native().benchEncode(buf, 0, count) / count;
  const [cSecs, cSize] = cLoop(json, count);
  const [pySecs, pySize] = pythonLoop(json, Math.max(1000, Math.round(count / 10)));
  const us = (s: number) => `${(s * 1e6).toFixed(2).padStart(8)} us CPU/heartbeat`;
  console.log(
    `encoding one v3 heartbeat of a 10-member LB as an amphora does (${json.length} JSON bytes, ` +
      `${size} bytes on the wire, zlib ${native().zlibVersion} level 9), ${count.toLocaleString('en-US')} heartbeats`,
  );
  console.log(`  stresshm native encoder (JSON + zlib + HMAC)  ${us(nativeSecs)}  (target <= 7.5 us)`);
  console.log(`  plain C zlib-9 + HMAC loop (no JSON)          ${us(cSecs)}  (${cSize} bytes)`);
  const faster = (pySecs / nativeSecs).toFixed(1);
  console.log(
    `  Octavia's wrap_envelope (Python)              ${us(pySecs)}  (${pySize} bytes)  ` +
      `native is ${faster}x faster`,
  );
}

main();
