// A private MariaDB server a fault test may kill (-9), stop (SIGSTOP), continue and restart
// on the same data directory and port, so the tool's database can fail at any moment without
// touching the machine's shared server.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_DIR } from '../../fixtures/testdb';
import { freeTcpPort } from '../../src/octavia/processes';

const MARIADBD = '/usr/sbin/mariadbd';

export class PrivateServer {
  private proc?: ChildProcess;
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  static async create(dir: string): Promise<PrivateServer> {
    const s = new PrivateServer(dir, await freeTcpPort());
    mkdirSync(join(dir, 'data'), { recursive: true });
    execFileSync(
      '/usr/bin/mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { stdio: 'ignore' },
    );
    await s.start();
    return s;
  }

  get url(): string {
    return `mysql+pymysql://root@127.0.0.1:${this.port}/octavia`;
  }

  async start(): Promise<void> {
    this.proc = spawn(
      MARIADBD,
      [
        '--no-defaults',
        `--datadir=${join(this.dir, 'data')}`,
        '--user=root',
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(this.dir, 'm.sock')}`,
        `--pid-file=${join(this.dir, 'm.pid')}`,
        `--log-error=${join(this.dir, 'error.log')}`,
        '--skip-log-bin',
        '--skip-name-resolve',
        '--innodb-buffer-pool-size=128M',
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 60000;
    for (;;) {
      try {
        this.sql('SELECT 1');
        return;
      } catch {
        if (Date.now() > deadline)
          throw new Error(
            `private mariadbd did not start: ${readFileSync(join(this.dir, 'error.log'), 'utf8').slice(-500)}`,
          );
        await new Promise((r) => setTimeout(r, 200)); // polling a condition with a deadline
      }
    }
  }

  sql(statement: string, database?: string): string {
    return execFileSync(
      'mariadb',
      [
        '-h127.0.0.1',
        `-P${this.port}`,
        '-uroot',
        '-N',
        '-B',
        '--connect-timeout=2',
        ...(database ? [database] : []),
        '-e',
        statement,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }

  /** A fresh `octavia` database from the 18.0.0 schema dump. */
  loadSchema(): void {
    this.sql('DROP DATABASE IF EXISTS octavia; CREATE DATABASE octavia CHARACTER SET utf8mb4');
    execFileSync('mariadb', ['-h127.0.0.1', `-P${this.port}`, '-uroot', 'octavia'], {
      input: readFileSync(join(SCHEMA_DIR, 'octavia-18.0.0.sql')),
    });
  }

  async kill9(): Promise<void> {
    const p = this.proc!;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
    this.proc = undefined;
  }

  pause(): void {
    this.proc!.kill('SIGSTOP');
  }

  resume(): void {
    this.proc!.kill('SIGCONT');
  }

  async destroy(): Promise<void> {
    if (this.proc) {
      this.proc.kill('SIGCONT');
      await this.kill9();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
