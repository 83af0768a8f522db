// `blast`: heartbeats of synthetic amphorae (written to no database) sent by the native sender
// threads as fast as sendmmsg allows, round-robin over the endpoints. The fleet is generated
// natively from a counter (src/engine/synthetic.ts's ids), so memory stays flat at any size:
// up to blastReplayPackets amphorae are encoded once and replayed, a larger fleet is encoded
// while it is sent (its rate is then the encoder's).

import type { Config } from '../config/config';
import { requireHeartbeatKey, resolveEndpoints } from '../config/endpoints';
import { errnoNames } from '../engine/fleet';
import { fleetHeader, packHeader } from '../engine/handover';
import { native, operatorError } from '../engine/native';
import { EnvError } from '../errors';

/** How the packets are made, for the first line. */
function mode(amphorae: number, limit: number): string {
  return amphorae <= limit
    ? 'encoded once, then replayed'
    : `encoded while sent: above ${limit.toLocaleString('en-US')}, the encoder sets the rate`;
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
  const header = fleetHeader(cfg, endpoints, key);
  const n = native();
  const how = mode(amphorae, n.blastReplayPackets);
  out.write(
    `blast: ${amphorae.toLocaleString('en-US')} amphorae (${members} members each; ${how}), ` +
      `${header.threads} threads, ${duration} s to ${cfg.controllerIpPortList.join(', ')}\n`,
  );
  const r = await n.blastSynthetic(packHeader(header), amphorae, members, duration * 1000).catch((e: unknown) => {
    throw operatorError(e);
  });
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
