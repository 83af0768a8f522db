// A throwaway Octavia on loopback: its own database on the local MariaDB with the schema
// from Debian's octavia-db-manage, N real health managers (noop drivers) and optionally the
// API (noauth); plus the matching stresshm configuration. stop() removes all of it.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from '../db';
import { DbTarget, formatDbUrl } from '../dburl';
import { EnvError, UsageError } from '../errors';
import { renderOctaviaConf } from './conf';
import { Proc, freeTcpPort, freeUdpPort, httpAnswers, startProc, stopProc, udpPortBound, waitReady } from './processes';

const run = promisify(execFile);

export interface SandboxOptions {
  hms?: number;
  api?: boolean;
  heartbeatInterval?: number;
  healthUpdateThreads?: number;
  statsUpdateThreads?: number;
  /** An Octavia source checkout to run instead of the installed package. */
  octaviaSource?: string;
  /** MariaDB server to create the database on (default root@127.0.0.1:3306). */
  server?: Omit<DbTarget, 'database'>;
  dir?: string;
}

export interface Sandbox {
  dir: string;
  dbUrl: string;
  database: string;
  heartbeatKey: string;
  endpoints: string[];
  hmLogs: string[];
  hms: Proc[];
  api?: { url: string; proc: Proc };
  /** A stresshm.conf pointing at this sandbox. */
  stresshmConf: string;
  stop(): Promise<void>;
}

const DEFAULT_SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

export function requireOctavia(source?: string): void {
  if (source) {
    if (!existsSync(join(source, 'octavia', 'cmd', 'health_manager.py'))) {
      throw new UsageError(`${source} is not an Octavia source checkout (no octavia/cmd/health_manager.py)`);
    }
    return;
  }
  if (!existsSync('/usr/bin/octavia-health-manager')) {
    const how = process.getuid?.() === 0 ? 'apt-get install -y python3-octavia' : 'sudo apt-get install -y python3-octavia';
    throw new EnvError(`Octavia is not installed; run: ${how}`);
  }
}

function octaviaCommand(tool: 'health-manager' | 'api' | 'db-manage', source?: string): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  if (!source) return { cmd: `/usr/bin/octavia-${tool}`, args: [], env: process.env };
  const module = { 'health-manager': 'octavia.cmd.health_manager', api: 'octavia.cmd.api', 'db-manage': 'octavia.db.migration.cli' }[tool];
  return { cmd: '/usr/bin/python3', args: ['-c', `import sys; from ${module} import main; sys.exit(main())`], env: { ...process.env, PYTHONPATH: source } };
}

async function createDatabase(server: Omit<DbTarget, 'database'>, name: string): Promise<void> {
  const conn = await connect({ ...server, database: 'mysql' }, 3);
  try {
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
}

async function dropDatabase(server: Omit<DbTarget, 'database'>, name: string): Promise<void> {
  const conn = await connect({ ...server, database: 'mysql' }, 3);
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

export async function startSandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  requireOctavia(o.octaviaSource);
  const server = o.server ?? DEFAULT_SERVER;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'stresshm-sandbox-'));
  const database = `stresshm_sandbox_${randomBytes(4).toString('hex')}`;
  const dbUrl = formatDbUrl({ ...server, database });
  const key = randomBytes(12).toString('hex');
  const procs: Proc[] = [];
  let api: Sandbox['api'];
  const stop = async () => {
    await Promise.all(procs.map((p) => stopProc(p)));
    await dropDatabase(server, database).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await createDatabase(server, database);
    const ports = await Promise.all(Array.from({ length: o.hms ?? 2 }, () => freeUdpPort()));
    const endpoints = ports.map((p) => `127.0.0.1:${p}`);
    const apiPort = o.api ? await freeTcpPort() : undefined;
    const confFor = (i: number, logFile: string) => {
      const f = join(dir, `octavia-${i}.conf`);
      writeFileSync(f, renderOctaviaConf({
        dbUrl, logFile, heartbeatKey: key, heartbeatInterval: o.heartbeatInterval ?? 10, hmPort: ports[i] ?? ports[0],
        controllerIpPortList: endpoints, healthUpdateThreads: o.healthUpdateThreads ?? 2, statsUpdateThreads: o.statsUpdateThreads ?? 2, apiPort,
      }));
      return f;
    };
    const dbm = octaviaCommand('db-manage', o.octaviaSource);
    await run(dbm.cmd, [...dbm.args, '--config-file', confFor(0, join(dir, 'db-manage.log')), 'upgrade', 'head'], { env: dbm.env }).catch((e) => {
      throw new EnvError(`octavia-db-manage upgrade head failed: ${String(e.stderr ?? e.message).trim().split('\n').slice(-1)[0]}`);
    });
    for (let i = 0; i < ports.length; i++) {
      const log = join(dir, `health-manager-${i}.log`);
      const hm = octaviaCommand('health-manager', o.octaviaSource);
      const p = startProc(`octavia-health-manager ${i}`, hm.cmd, [...hm.args, '--config-file', confFor(i, log)], log, hm.env);
      procs.push(p);
    }
    await Promise.all(procs.map((p, i) => waitReady(p, () => udpPortBound(ports[i]), 60000)));
    if (apiPort) {
      const log = join(dir, 'api.log');
      const a = octaviaCommand('api', o.octaviaSource);
      const p = startProc('octavia-api', a.cmd, [...a.args, '--config-file', confFor(0, log)], log, a.env);
      procs.push(p);
      const url = `http://127.0.0.1:${apiPort}`;
      await waitReady(p, () => httpAnswers(url), 60000);
      api = { url, proc: p };
    }
    const stresshmConf = join(dir, 'stresshm.conf');
    writeFileSync(stresshmConf, `# stresshm configuration for the sandbox in ${dir}\n[health_manager]\ncontroller_ip_port_list = ${endpoints.join(', ')}\nheartbeat_key = ${key}\nheartbeat_interval = ${o.heartbeatInterval ?? 10}\n\n[test_params]\noctavia_db_connection = ${dbUrl}\n`);
    return { dir, dbUrl, database, heartbeatKey: key, endpoints, hmLogs: procs.filter((p) => p.name.includes('health')).map((p) => p.logFile), hms: procs.filter((p) => p.name.includes('health')), api, stresshmConf, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
