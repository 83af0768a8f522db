// A real Keystone (Debian's python3-keystone) for a test: its own keystone.conf in a temp dir,
// its own MariaDB database (stresshm_keystone_<pid>_<n>), db_sync, fernet and credential keys,
// bootstrap (admin user and project), served by keystone-wsgi-public on a free loopback port.
// stop() kills its process group and drops its database and directory.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, httpAnswers, type Proc, startProc, stopProc, waitReady } from '../../src/octavia/processes';

const WSGI = '/usr/bin/keystone-wsgi-public';
const MANAGE = '/usr/bin/keystone-manage';
const ROOT = join(__dirname, '..', '..', '..');

/** Why Keystone cannot run here (undefined: it can). As root (always in CI) installs it through ensure-system.sh. */
export function keystoneMissing(): string | undefined {
  if (existsSync(WSGI)) return undefined;
  if (process.getuid?.() === 0) {
    const r = spawnSync(join(ROOT, 'scripts', 'ensure-system.sh'), { encoding: 'utf8' });
    if (r.status !== 0 || !existsSync(WSGI)) throw new Error(`ensure-system.sh did not install Keystone: ${r.stderr}`);
    return undefined;
  }
  if (process.env.CI === 'true') throw new Error('Keystone is missing and CI cannot install it without root');
  return 'Keystone is not installed: run sudo scripts/ensure-system.sh (python3-keystone)';
}

function sql(statement: string): string {
  return execFileSync('mariadb', ['-h127.0.0.1', '-uroot', '-N', '-B', '-e', statement], { encoding: 'utf8' });
}

export interface TestKeystone {
  /** http://127.0.0.1:PORT/v3 */
  url: string;
  adminPassword: string;
  database: string;
  dir: string;
  proc: Proc;
  /** A project-scoped admin token. */
  adminToken(): Promise<string>;
  /** Registers a load-balancer service with a public endpoint in RegionOne. */
  registerLoadBalancer(url: string, region?: string): Promise<void>;
  stop(): Promise<void>;
}

let seq = 0;

export async function startKeystone(o: { tokenExpirationSecs?: number } = {}): Promise<TestKeystone> {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-keystone-'));
  const database = `stresshm_keystone_${process.pid}_${seq++}`;
  const adminPassword = `adm-${Math.random().toString(36).slice(2)}-pw`;
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}/v3`;
  let proc: Proc | undefined;
  const stop = async () => {
    if (proc) await stopProc(proc);
    sql(`DROP DATABASE IF EXISTS \`${database}\``);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const d of ['fernet', 'credential']) mkdirSync(join(dir, d));
    sql(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
    const conf = join(dir, 'keystone.conf');
    writeFileSync(
      conf,
      `[DEFAULT]\nlog_file = ${join(dir, 'keystone.log')}\nuse_stderr = False\n\n` +
        `[database]\nconnection = mysql+pymysql://root@127.0.0.1:3306/${database}\n\n` +
        `[fernet_tokens]\nkey_repository = ${join(dir, 'fernet')}\n\n` +
        `[fernet_receipts]\nkey_repository = ${join(dir, 'fernet')}\n\n` +
        `[credential]\nkey_repository = ${join(dir, 'credential')}\n\n` +
        `[token]\nexpiration = ${o.tokenExpirationSecs ?? 3600}\n`,
    );
    const manage = (...args: string[]) => {
      const r = spawnSync(MANAGE, ['--config-file', conf, ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`keystone-manage ${args[0]} failed: ${r.stderr.slice(-500)}`);
    };
    manage('db_sync');
    manage('fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root');
    manage('credential_setup', '--keystone-user', 'root', '--keystone-group', 'root');
    manage(
      'bootstrap',
      '--bootstrap-password',
      adminPassword,
      '--bootstrap-public-url',
      url,
      '--bootstrap-region-id',
      'RegionOne',
    );
    proc = startProc(
      'keystone-wsgi-public',
      WSGI,
      ['--host', '127.0.0.1', '--port', String(port)],
      join(dir, 'keystone.log'),
      { ...process.env, OS_KEYSTONE_CONFIG_DIR: dir },
    );
    await waitReady(proc, () => httpAnswers(url), 60000);
  } catch (e) {
    await stop();
    throw e;
  }
  const adminToken = async () => {
    const r = await fetch(`${url}/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: 'admin', domain: { id: 'default' }, password: adminPassword } },
          },
          scope: { project: { name: 'admin', domain: { id: 'default' } } },
        },
      }),
    });
    const token = r.headers.get('x-subject-token');
    if (r.status !== 201 || !token) throw new Error(`Keystone admin token: ${r.status}`);
    return token;
  };
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': await adminToken() },
      body: JSON.stringify(body),
    });
    if (r.status !== 201) throw new Error(`Keystone POST ${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as Record<string, { id: string }>;
  };
  const registerLoadBalancer = async (lbUrl: string, region = 'RegionOne') => {
    const svc = await post('/services', { service: { type: 'load-balancer', name: 'octavia', enabled: true } });
    await post('/endpoints', {
      endpoint: { service_id: svc.service.id, interface: 'public', region_id: region, url: lbUrl, enabled: true },
    });
  };
  return { url, adminPassword, database, dir, proc: proc!, adminToken, registerLoadBalancer, stop };
}
