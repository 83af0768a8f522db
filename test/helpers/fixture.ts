// A test file's own temporary directory and sandboxes, removed and stopped after its tests:
// tests assert only on (and leave nothing but) what they created.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/octavia/sandbox';

export interface Fixture {
  dir: string;
  /** Starts a sandbox that is stopped after the file's tests. */
  sandbox(o: SandboxOptions): Promise<Sandbox>;
}

export function fixture(name: string): Fixture {
  const dir = mkdtempSync(join(tmpdir(), `stresshm-${name}-`));
  const sandboxes: Sandbox[] = [];
  after(async () => {
    await Promise.all(sandboxes.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    sandbox: async (o) => {
      const sb = await startSandbox(o);
      sandboxes.push(sb);
      return sb;
    },
  };
}

/** `--config-file SANDBOX/stresshm.conf run --hm-log LOG ...`: a run against the sandbox, following every HM log. */
export function runArgs(sb: Sandbox): string[] {
  return ['--config-file', sb.stresshmConf, 'run', ...sb.hmLogs.flatMap((l) => ['--hm-log', l])];
}

/** Options on the command line, a `--name value` pair each: `{ load_balancers: 20 }` is `--load_balancers 20`. */
export function optionArgs(o: Record<string, string | number>): string[] {
  return Object.entries(o).flatMap(([name, value]) => [`--${name}`, String(value)]);
}

/** `run ...`: a run against a test's own database, heartbeats to 127.0.0.1:`port` signed with `key` (no sandbox). */
export function dbRunArgs(dbUrl: string, port: number, key = 'k'): string[] {
  return [
    'run',
    ...optionArgs({ octavia_db_connection: dbUrl, controller_ip_port_list: `127.0.0.1:${port}`, heartbeat_key: key }),
  ];
}

/** One HM with a single health-update and statistics process at a 2 s heartbeat interval. */
export const ONE_SMALL_HM: SandboxOptions = {
  hms: 1,
  heartbeatInterval: 2,
  healthUpdateThreads: 1,
  statsUpdateThreads: 1,
};

/** More heartbeats than ONE_SMALL_HM processes (3,000 amphorae every 2 s): it drops and falls behind. */
export const OVERLOAD = { load_balancers: 1500, members: 2, heartbeat_interval: 2 };
