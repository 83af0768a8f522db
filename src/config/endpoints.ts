// Health manager endpoints: parses controller_ip_port_list ("ip:port, [v6]:port, host:port"),
// resolves names and refuses malformed entries with one clear line (exit 2).

import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SpecEndpoint } from '../engine/wire';
import { UsageError } from '../errors';

export interface ParsedEndpoint {
  host: string;
  port: number;
  text: string;
}

export function parseEndpoint(text: string): ParsedEndpoint {
  const t = text.trim();
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(t) ?? /^([^:[\]]+):(\d+)$/.exec(t);
  if (!m) throw new UsageError(`controller_ip_port_list: "${t}" is not ip:port or [ipv6]:port`);
  const port = Number(m[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`controller_ip_port_list: port ${m[2]} of "${t}" is out of range 1..65535`);
  }
  if (t.startsWith('[') && isIP(m[1]) !== 6) {
    throw new UsageError(`controller_ip_port_list: "${m[1]}" is not an IPv6 address`);
  }
  return { host: m[1], port, text: t };
}

/** Parses and resolves every endpoint; a name that does not resolve is a usage error. */
export async function resolveEndpoints(list: string[]): Promise<SpecEndpoint[]> {
  if (list.length === 0) {
    throw new UsageError('controller_ip_port_list is empty: name at least one health manager endpoint');
  }
  const parsed = list.map(parseEndpoint);
  return Promise.all(
    parsed.map(async (e) => {
      if (isIP(e.host)) return { host: e.host, port: e.port };
      try {
        const r = await lookup(e.host);
        return { host: r.address, port: e.port };
      } catch {
        throw new UsageError(`controller_ip_port_list: "${e.host}" does not resolve`);
      }
    }),
  );
}

export function requireHeartbeatKey(key: string | undefined): string {
  if (!key) {
    throw new UsageError(
      'heartbeat_key is not set: give [health_manager] heartbeat_key ' + '(the HM drops heartbeats it cannot verify)',
    );
  }
  return key;
}
