// A private MariaDB server for a sandbox when none is reachable (or one is asked for): the
// system's mariadbd on a free loopback port with its own data directory, made by
// mariadb-install-db; root without a password, reachable only from 127.0.0.1. stop() kills
// it and removes the data directory.

import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { DbTarget } from '../config/dburl';
import { EnvError } from '../errors';
import { connect } from '../ghostdb/db';
import { freeTcpPort, type Proc, startProc, stopProc, waitReady } from './processes';

const run = promisify(execFile);
const MARIADBD = '/usr/sbin/mariadbd';
const INSTALL_DB = '/usr/bin/mariadb-install-db';

export interface PrivateMariadb {
  server: Omit<DbTarget, 'database'>;
  proc: Proc;
  dataDir: string;
  stop(): Promise<void>;
}

/** True when a MariaDB/MySQL server answers at `server` with these credentials. */
export async function serverAnswers(server: Omit<DbTarget, 'database'>): Promise<boolean> {
  try {
    const conn = await connect({ ...server, database: 'mysql' }, 3, { connectTimeout: 2000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

export async function startPrivateMariadb(dir: string): Promise<PrivateMariadb> {
  if (!existsSync(MARIADBD) || !existsSync(INSTALL_DB)) {
    const how =
      process.getuid?.() === 0 ? 'apt-get install -y mariadb-server' : 'sudo apt-get install -y mariadb-server';
    throw new EnvError(`no MariaDB reachable on 127.0.0.1:3306 and no mariadbd to start a private one; run: ${how}`);
  }
  const dataDir = join(dir, 'mariadb');
  mkdirSync(dataDir, { recursive: true });
  const asRoot = process.getuid?.() === 0 ? ['--user=root'] : [];
  await run(INSTALL_DB, [
    '--no-defaults',
    `--datadir=${join(dataDir, 'data')}`,
    ...asRoot,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]).catch((e) => {
    throw new EnvError(
      `mariadb-install-db failed: ${
        String(e.stderr ?? e.message)
          .trim()
          .split('\n')
          .slice(-1)[0]
      }`,
    );
  });
  const port = await freeTcpPort();
  const log = join(dataDir, 'error.log');
  const proc = startProc(
    'private mariadbd',
    MARIADBD,
    [
      '--no-defaults',
      `--datadir=${join(dataDir, 'data')}`,
      ...asRoot,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dataDir, 'mariadb.sock')}`,
      `--pid-file=${join(dataDir, 'mariadb.pid')}`,
      `--log-error=${log}`,
      '--skip-log-bin',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=256M',
      '--max-connections=500',
    ],
    log,
  );
  const server = { host: '127.0.0.1', port, user: 'root', password: '' };
  const stop = async () => {
    await stopProc(proc, 20000);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(proc, () => serverAnswers(server), 60000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { server, proc, dataDir, stop };
}
