// `blast`: pre-encoded heartbeats of synthetic amphorae (written to no database, flat counter ids
// handed over in chunks) replayed by the native sender threads as fast as sendmmsg allows,
// round-robin over the endpoints.

import type { Config } from '../config/config';
import { requireHeartbeatKey, resolveEndpoints } from '../config/endpoints';
import { errnoNames } from '../engine/fleet';
import { fleetHeader, Handover } from '../engine/handover';
import { native } from '../engine/native';
import { handOverSynthetic } from '../engine/synthetic';
import { EnvError } from '../errors';

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
  // Flat ids from a counter, handed over in chunks: JavaScript never holds the whole fleet.
  const handover = new Handover(fleetHeader(cfg, endpoints, key));
  handOverSynthetic(handover, amphorae, 1, members);
  out.write(
    `blast: ${amphorae} heartbeats (${members} members each), ${handover.header.threads} threads, ${duration} s to ` +
      `${cfg.controllerIpPortList.join(', ')}\n`,
  );
  const r = await native().blast(handover.builder, duration * 1000);
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
