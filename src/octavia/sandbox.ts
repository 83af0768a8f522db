// A throwaway Octavia on loopback: its own database on the local MariaDB (or on a private
// mariadbd when none answers) with the schema from the chosen Octavia's octavia-db-manage
// (installed, a Debian suite's root, or a source checkout: release.ts), N real health
// managers (noop drivers) and optionally the API (noauth, or Keystone); plus the matching stresshm
// configuration. stop() removes all of it; `crashed` settles when any part dies on its own.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DbTarget, formatDbUrl } from '../config/dburl';
import { EnvError, UsageError } from '../errors';
import { connect } from '../ghostdb/db';
import { type KeystoneAuthOptions, renderOctaviaConf } from './conf';
import { type PrivateMariadb, serverAnswers, startPrivateMariadb } from './mariadbd';
import { upgradeHead } from './migrate';
import {
  freeTcpPort,
  freeUdpPort,
  httpAnswers,
  type Proc,
  startProc,
  stopProc,
  tcpPortFree,
  udpPortBound,
  udpPortFree,
  waitReady,
} from './processes';
import { type OctaviaChoice, type OctaviaRuntime, parseOctaviaChoice, prepareOctavia } from './release';

export interface SandboxOptions {
  hms?: number;
  api?: boolean;
  heartbeatInterval?: number;
  healthUpdateThreads?: number;
  statsUpdateThreads?: number;
  /** Which Octavia: installed (default), a Debian suite (trixie, sid) or a source checkout path. */
  octavia?: string | OctaviaChoice;
  /** An Octavia source checkout to run instead of the installed package (same as octavia: PATH). */
  octaviaSource?: string;
  /** MariaDB server to create the database on (default root@127.0.0.1:3306). */
  server?: Omit<DbTarget, 'database'>;
  /** Start a private mariadbd even when the local MariaDB answers. */
  privateDb?: boolean;
  /** UDP ports for the health managers (default: free ones). */
  hmPorts?: number[];
  /** TCP port for the API (default: a free one). */
  apiPort?: number;
  /** The API validates Keystone tokens with this Keystone (auth_strategy = keystone) instead of noauth. */
  keystone?: KeystoneAuthOptions;
  dir?: string;
  /** Where progress lines (package installation) go. */
  say?: (s: string) => void;
}

export interface Sandbox {
  dir: string;
  /** The Octavia it runs: "Octavia 19.0.0 (Debian sid)". */
  octaviaVersion: string;
  /** The root its Octavia runs in ('' on the host). */
  octaviaRoot: string;
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
    if (!(await udpPortFree(p)))
      throw new UsageError(`UDP port ${p} on 127.0.0.1 is already taken; choose another with --hm-ports`);
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
    throw new EnvError(
      process.getuid?.() === 0
        ? `Octavia is not installed; run: ${how}`
        : `Octavia is not installed and installing needs root; run: sudo ${how}`,
    );
  }
}

/** As root, installs Debian's python3-octavia (and PyMySQL) when missing; otherwise as requireOctavia. */
export async function ensureOctavia(source?: string, say: (s: string) => void = () => undefined): Promise<void> {
  const need = source ? [] : missingPackages();
  if (need.length && process.getuid?.() === 0) {
    say(`Installing ${need.join(' ')} (Debian packages)...\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-q'], { env, encoding: 'utf8' });
    const install =
      update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-q', ...need], { env, encoding: 'utf8' }) : update;
    if (install.status !== 0)
      throw new EnvError(
        `apt-get install ${need.join(' ')} failed: ${String(install.stderr).trim().split('\n').slice(-1)[0]}`,
      );
  }
  requireOctavia(source);
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

function choiceOf(o: SandboxOptions): OctaviaChoice {
  if (o.octaviaSource) return { kind: 'source', path: o.octaviaSource };
  return typeof o.octavia === 'object' ? o.octavia : parseOctaviaChoice(o.octavia);
}

/** The chosen Octavia, ready to run (installed: packages installed when missing and root). */
export async function readyOctavia(choice: OctaviaChoice, say?: (s: string) => void): Promise<OctaviaRuntime> {
  if (choice.kind === 'installed') await ensureOctavia(undefined, say);
  return prepareOctavia(choice, say);
}

export async function startSandbox(o: SandboxOptions = {}): Promise<Sandbox> {
  const oct = await readyOctavia(choiceOf(o), o.say);
  await checkPorts(o);
  const dir = o.dir ?? oct.makeDir('stresshm-sandbox-');
  let privateDb: PrivateMariadb | undefined;
  let server = o.server ?? DEFAULT_SERVER;
  const database = `stresshm_sandbox_${randomBytes(4).toString('hex')}`;
  const key = randomBytes(12).toString('hex');
  const procs: Proc[] = [];
  let api: Sandbox['api'];
  let stopping = false;
  let deactivate: () => Promise<void> = async () => undefined;
  const stop = async () => {
    stopping = true;
    await Promise.all(procs.map((p) => stopProc(p)));
    await deactivate();
    if (privateDb) await privateDb.stop();
    else await onServer(server, `DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  let reportCrash: (reason: string) => void = () => undefined;
  const crashed = new Promise<string>((resolve) => {
    reportCrash = resolve;
  });
  const watch = (p: Proc) => {
    void p.exited.then((code) => {
      if (!stopping) reportCrash(`${p.name} exited on its own (status ${code ?? 'killed by a signal'})`);
    });
  };
  /** Octavia processes: watched, and stopped by stop() before the database goes. */
  const track = (p: Proc) => {
    procs.push(p);
    watch(p);
  };
  try {
    deactivate = await oct.activate();
    if (!o.server && (o.privateDb || !(await serverAnswers(DEFAULT_SERVER)))) {
      o.say?.('Starting a private mariadbd...\n');
      privateDb = await startPrivateMariadb(dir);
      server = privateDb.server;
      watch(privateDb.proc);
    }
    const dbUrl = formatDbUrl({ ...server, database });
    await onServer(server, `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    const ports = o.hmPorts ?? (await Promise.all(Array.from({ length: o.hms ?? 2 }, () => freeUdpPort())));
    const endpoints = ports.map((p) => `127.0.0.1:${p}`);
    const apiPort = o.api ? (o.apiPort ?? (await freeTcpPort())) : undefined;
    /** Writes the conf of process i; returns the path the Octavia program sees. */
    const confFor = (i: number, logFile: string) => {
      const f = join(dir, `octavia-${i}.conf`);
      writeFileSync(
        f,
        renderOctaviaConf({
          dbUrl,
          logFile: oct.inner(logFile),
          heartbeatKey: key,
          heartbeatInterval: o.heartbeatInterval ?? 10,
          hmPort: ports[i] ?? ports[0],
          controllerIpPortList: endpoints,
          healthUpdateThreads: o.healthUpdateThreads ?? 2,
          statsUpdateThreads: o.statsUpdateThreads ?? 2,
          apiPort,
          keystone: o.keystone,
        }),
      );
      return oct.inner(f);
    };
    o.say?.(`Creating the Octavia schema in ${database} (octavia-db-manage)...\n`);
    await upgradeHead(oct, confFor(0, join(dir, 'db-manage.log')));
    const hms = ports.map((_port, i) => {
      const log = join(dir, `health-manager-${i}.log`);
      const hm = oct.command('health-manager', ['--config-file', confFor(i, log)]);
      const p = startProc(`octavia-health-manager ${i}`, hm.cmd, hm.args, log, hm.env);
      track(p);
      return p;
    });
    o.say?.(`Waiting for ${hms.length} health manager(s) to bind UDP ${endpoints.join(', ')}...\n`);
    await Promise.all(hms.map((p, i) => waitReady(p, () => udpPortBound(ports[i]), 60000)));
    if (apiPort) {
      const log = join(dir, 'api.log');
      const a = oct.command('api', ['--config-file', confFor(0, log)]);
      const p = startProc('octavia-api', a.cmd, a.args, log, a.env);
      track(p);
      const url = `http://127.0.0.1:${apiPort}`;
      o.say?.(`Waiting for octavia-api to answer on ${url}...\n`);
      await waitReady(p, () => httpAnswers(url), 60000);
      api = { url, proc: p };
    }
    const stresshmConf = join(dir, 'stresshm.conf');
    writeFileSync(
      stresshmConf,
      `# stresshm configuration for the sandbox in ${dir}\n[health_manager]\ncontroller_ip_port_list = ` +
        `${endpoints.join(', ')}\nheartbeat_key = ${key}\nheartbeat_interval = ` +
        `${o.heartbeatInterval ?? 10}\n\n[test_params]\noctavia_db_connection = ${dbUrl}\n`,
    );
    return {
      dir,
      octaviaVersion: oct.version,
      octaviaRoot: oct.root,
      dbUrl,
      database,
      heartbeatKey: key,
      endpoints,
      hmLogs: hms.map((p) => p.logFile),
      hms,
      api,
      stresshmConf,
      privateDb,
      crashed,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
