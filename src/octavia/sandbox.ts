// A throwaway Octavia on loopback: its own database on the local MariaDB (or on a private
// mariadbd when none answers) with the schema from Debian's octavia-db-manage, N real health
// managers (noop drivers) and optionally the API (noauth); plus the matching stresshm
// configuration. stop() removes all of it; `crashed` settles when any part dies on its own.

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from '../ghostdb/db';
import { DbTarget, formatDbUrl } from '../config/dburl';
import { EnvError, UsageError } from '../errors';
import { renderOctaviaConf } from './conf';
import { Proc, freeTcpPort, freeUdpPort, httpAnswers, startProc, stopProc, tcpPortFree, udpPortBound, udpPortFree, waitReady } from './processes';
import { PrivateMariadb, serverAnswers, startPrivateMariadb } from './mariadbd';

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
  /** Start a private mariadbd even when the local MariaDB answers. */
  privateDb?: boolean;
  /** UDP ports for the health managers (default: free ones). */
  hmPorts?: number[];
  /** TCP port for the API (default: a free one). */
  apiPort?: number;
  dir?: string;
  /** Where progress lines (package installation) go. */
  say?: (s: string) => void;
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
  /** The private mariadbd, when the sandbox had to start one. */
  privateDb?: PrivateMariadb;
  /** Settles with a one-line reason when a process of the sandbox exits on its own. */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

/** Requested ports must be free before anything starts: one line naming the port. */
async function checkPorts(o: SandboxOptions): Promise<void> {
  for (const p of o.hmPorts ?? []) {
    if (!(await udpPortFree(p))) throw new UsageError(`UDP port ${p} on 127.0.0.1 is already taken; choose another with --hm-ports`);
  }
  if (o.apiPort !== undefined && !(await tcpPortFree(o.apiPort))) {
    throw new UsageError(`TCP port ${o.apiPort} on 127.0.0.1 is already taken; choose another with --api-port`);
  }
}

const DEFAULT_SERVER = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

function missingPackages(): string[] {
  const need: string[] = [];
  if (!existsSync('/usr/bin/octavia-health-manager')) need.push('python3-octavia');
  if (spawnSync('/usr/bin/python3', ['-c', 'import pymysql']).status !== 0) need.push('python3-pymysql');
  return need;
}

/** Checks that Octavia can run: a source checkout, or the installed package (and PyMySQL). */
export function requireOctavia(source?: string): void {
  if (source) {
    if (!existsSync(join(source, 'octavia', 'cmd', 'health_manager.py'))) {
      throw new UsageError(`${source} is not an Octavia source checkout (no octavia/cmd/health_manager.py)`);
    }
    return;
  }
  const need = missingPackages();
  if (need.length) {
    const how = `apt-get install -y ${need.join(' ')}`;
    throw new EnvError(process.getuid?.() === 0 ? `Octavia is not installed; run: ${how}` : `Octavia is not installed and installing needs root; run: sudo ${how}`);
  }
}

/** As root, installs Debian's python3-octavia (and PyMySQL) when missing; otherwise as requireOctavia. */
export async function ensureOctavia(source?: string, say: (s: string) => void = () => undefined): Promise<void> {
  const need = source ? [] : missingPackages();
  if (need.length && process.getuid?.() === 0) {
    say(`Installing ${need.join(' ')} (Debian packages)...\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-q'], { env, encoding: 'utf8' });
    const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-q', ...need], { env, encoding: 'utf8' }) : update;
    if (install.status !== 0) throw new EnvError(`apt-get install ${need.join(' ')} failed: ${String(install.stderr).trim().split('\n').slice(-1)[0]}`);
  }
  requireOctavia(source);
}

function octaviaCommand(tool: 'health-manager' | 'api' | 'db-manage', source?: string): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  if (!source) return { cmd: `/usr/bin/octavia-${tool}`, args: [], env: process.env };
  const module = { 'health-manager': 'octavia.cmd.health_manager', api: 'octavia.cmd.api', 'db-manage': 'octavia.db.migration.cli' }[tool];
  return { cmd: '/usr/bin/python3', args: ['-c', `import sys; from ${module} import main; sys.exit(main())`], env: { ...process.env, PYTHONPATH: source } };
}

/** One statement on the server's `mysql` database (CREATE / DROP DATABASE). */
async function onServer(server: Omit<DbTarget, 'database'>, sql: string): Promise<void> {
  const conn = await connect({ ...server, database: 'mysql' }, 3);
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

export async function startSandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  await ensureOctavia(o.octaviaSource, o.say);
  await checkPorts(o);
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'stresshm-sandbox-'));
  let privateDb: PrivateMariadb | undefined;
  let server = o.server ?? DEFAULT_SERVER;
  const database = `stresshm_sandbox_${randomBytes(4).toString('hex')}`;
  const key = randomBytes(12).toString('hex');
  const procs: Proc[] = [];
  let api: Sandbox['api'];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await Promise.all(procs.map((p) => stopProc(p)));
    if (privateDb) await privateDb.stop();
    else await onServer(server, `DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  let reportCrash: (reason: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => { reportCrash = resolve; });
  const watch = (p: Proc) => {
    void p.exited.then((code) => { if (!stopping) reportCrash(`${p.name} exited on its own (status ${code ?? 'killed by a signal'})`); });
  };
  /** Octavia processes: watched, and stopped by stop() before the database goes. */
  const track = (p: Proc) => {
    procs.push(p);
    watch(p);
  };
  try {
    if (!o.server && (o.privateDb || !(await serverAnswers(DEFAULT_SERVER)))) {
      o.say?.('Starting a private mariadbd...\n');
      privateDb = await startPrivateMariadb(dir);
      server = privateDb.server;
      watch(privateDb.proc);
    }
    const dbUrl = formatDbUrl({ ...server, database });
    await onServer(server, `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    const ports = o.hmPorts ?? await Promise.all(Array.from({ length: o.hms ?? 2 }, () => freeUdpPort()));
    const endpoints = ports.map((p) => `127.0.0.1:${p}`);
    const apiPort = o.api ? o.apiPort ?? await freeTcpPort() : undefined;
    const confFor = (i: number, logFile: string) => {
      const f = join(dir, `octavia-${i}.conf`);
      writeFileSync(f, renderOctaviaConf({
        dbUrl, logFile, heartbeatKey: key, heartbeatInterval: o.heartbeatInterval ?? 10, hmPort: ports[i] ?? ports[0],
        controllerIpPortList: endpoints, healthUpdateThreads: o.healthUpdateThreads ?? 2, statsUpdateThreads: o.statsUpdateThreads ?? 2, apiPort,
      }));
      return f;
    };
    const dbm = octaviaCommand('db-manage', o.octaviaSource);
    o.say?.(`Creating the Octavia schema in ${database} (octavia-db-manage upgrade head)...\n`);
    await run(dbm.cmd, [...dbm.args, '--config-file', confFor(0, join(dir, 'db-manage.log')), 'upgrade', 'head'], { env: dbm.env }).catch((e) => {
      throw new EnvError(`octavia-db-manage upgrade head failed: ${String(e.stderr ?? e.message).trim().split('\n').slice(-1)[0]}`);
    });
    const hms = ports.map((port, i) => {
      const log = join(dir, `health-manager-${i}.log`);
      const hm = octaviaCommand('health-manager', o.octaviaSource);
      const p = startProc(`octavia-health-manager ${i}`, hm.cmd, [...hm.args, '--config-file', confFor(i, log)], log, hm.env);
      track(p);
      return p;
    });
    o.say?.(`Waiting for ${hms.length} octavia-health-manager process(es) to bind UDP ${endpoints.join(', ')}...\n`);
    await Promise.all(hms.map((p, i) => waitReady(p, () => udpPortBound(ports[i]), 60000)));
    if (apiPort) {
      const log = join(dir, 'api.log');
      const a = octaviaCommand('api', o.octaviaSource);
      const p = startProc('octavia-api', a.cmd, [...a.args, '--config-file', confFor(0, log)], log, a.env);
      track(p);
      const url = `http://127.0.0.1:${apiPort}`;
      o.say?.(`Waiting for octavia-api to answer on ${url}...\n`);
      await waitReady(p, () => httpAnswers(url), 60000);
      api = { url, proc: p };
    }
    const stresshmConf = join(dir, 'stresshm.conf');
    writeFileSync(stresshmConf, `# stresshm configuration for the sandbox in ${dir}\n[health_manager]\ncontroller_ip_port_list = ${endpoints.join(', ')}\nheartbeat_key = ${key}\nheartbeat_interval = ${o.heartbeatInterval ?? 10}\n\n[test_params]\noctavia_db_connection = ${dbUrl}\n`);
    return { dir, dbUrl, database, heartbeatKey: key, endpoints, hmLogs: hms.map((p) => p.logFile), hms, api, stresshmConf, privateDb, crashed, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
