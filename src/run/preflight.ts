// The resolve phase: everything a run needs is checked before anything is written: the
// heartbeat key, the endpoints, the database URL, the HM log files and the report paths.
// A problem here is one line and exit 2, and the database is untouched.

import { createSocket } from 'node:dgram';
import { accessSync, constants, statSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import type { Config } from '../config/config';
import { type DbTarget, parseDbUrl } from '../config/dburl';
import { requireHeartbeatKey, resolveEndpoints } from '../config/endpoints';
import type { SpecEndpoint } from '../engine/wire';
import { UsageError } from '../errors';
import { checkReportPaths, type ReportPaths } from '../report';

export interface Resolved {
  key: string;
  endpoints: SpecEndpoint[];
  target: DbTarget;
}

/** Each --hm-log must be a readable regular file (a mistyped path is not "0 drops"). */
export function checkHmLogs(paths: string[]): void {
  for (const p of paths) {
    let ok = false;
    try {
      ok = statSync(p).isFile();
      accessSync(p, constants.R_OK);
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`--hm-log ${p}: not a readable file (check the path; nothing was written)`);
  }
}

/** Connects a UDP socket to the endpoint (sending nothing): the kernel refuses what it cannot address. */
function probeEndpoint(ep: SpecEndpoint): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = createSocket(isIPv6(ep.host) ? 'udp6' : 'udp4');
    const done = (why?: string) => {
      sock.close();
      resolve(why);
    };
    sock.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
    sock.on('connect', () => done());
    sock.connect(ep.port, ep.host);
  });
}

/** Every endpoint must be usable before the first write (a broadcast address is not, for one). */
export async function checkEndpoints(endpoints: SpecEndpoint[]): Promise<void> {
  for (const ep of endpoints) {
    const why = await probeEndpoint(ep);
    if (why)
      throw new UsageError(
        `controller_ip_port_list: ${ep.host}:${ep.port} cannot be used (${why}); nothing was written`,
      );
  }
}

export async function resolveRun(req: { cfg: Config; hmLogs: string[]; reports: ReportPaths }): Promise<Resolved> {
  const key = requireHeartbeatKey(req.cfg.heartbeatKey);
  const endpoints = await resolveEndpoints(req.cfg.controllerIpPortList);
  await checkEndpoints(endpoints);
  const target = parseDbUrl(req.cfg.dbConnection);
  checkHmLogs(req.hmLogs);
  checkReportPaths(req.reports);
  return { key, endpoints, target };
}
