// `blast`: pre-encoded heartbeats of synthetic amphorae (written to no database) replayed by the
// native sender threads as fast as sendmmsg allows, round-robin over the endpoints.

import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config';
import { requireHeartbeatKey, resolveEndpoints } from '../config/endpoints';
import { buildFleetSpec, errnoNames, packSpec } from '../engine/fleet';
import { native } from '../engine/native';
import { EnvError } from '../errors';
import type { GhostGraph } from '../ghostdb/graph';

/** A synthetic graph for blast: `amphorae` amphorae, one listener, one pool of `members` members each. */
function syntheticGraph(amphorae: number, members: number): GhostGraph {
  return {
    prefix: 'blast',
    loadBalancers: Array.from({ length: amphorae }, (_, i) => {
      const listener = randomUUID();
      return {
        id: randomUUID(),
        name: `blast-lb${i + 1}`,
        amphorae: [{ id: randomUUID(), role: 'STANDALONE' as const }],
        listeners: [{ id: listener, protocolPort: 80 }],
        pools: [
          { id: randomUUID(), listenerId: listener, memberIds: Array.from({ length: members }, () => randomUUID()) },
        ],
      };
    }),
  };
}

/** Sends for `duration` seconds and prints packets/s in total and per thread to `out`. */
export async function blast(
  cfg: Config,
  amphorae: number,
  duration: number,
  out: NodeJS.WritableStream,
): Promise<void> {
  const members = cfg.members; // [test_params] members: sets the packet size
  const key = requireHeartbeatKey(cfg.heartbeatKey);
  const endpoints = await resolveEndpoints(cfg.controllerIpPortList);
  const spec = buildFleetSpec(syntheticGraph(amphorae, members), cfg, endpoints, key);
  out.write(
    `blast: ${amphorae} heartbeats (${members} members each), ${spec.threads} threads, ${duration} s to ` +
      `${cfg.controllerIpPortList.join(', ')}\n`,
  );
  const r = await native().blast(packSpec(spec), duration * 1000);
  const total = r.packetsPerThread.reduce((a, b) => a + b, 0);
  out.write(
    `sent ${total.toLocaleString('en-US')} packets of ~${r.packetBytes} bytes in ${r.seconds.toFixed(2)} s: ` +
      `${Math.round(total / r.seconds).toLocaleString('en-US')} packets/s, ` +
      `${((r.bytes * 8) / r.seconds / 1e6).toFixed(0)} Mbit/s\n`,
  );
  r.packetsPerThread.forEach((p, i) => {
    out.write(`  thread ${i}: ${Math.round(p / r.seconds).toLocaleString('en-US')} packets/s\n`);
  });
  const errs = Object.entries(errnoNames(r.errors));
  if (errs.length) out.write(`send errors: ${errs.map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  if (r.failure) throw new EnvError(`a blast thread failed: ${r.failure}`);
}
