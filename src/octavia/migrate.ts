// The schema of the chosen Octavia: its own octavia-db-manage (alembic) runs `upgrade head`
// against a database, with a minimal configuration the program can see (inside a root when
// the Octavia lives in one).

import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvError } from '../errors';
import type { OctaviaRuntime } from './release';

const run = promisify(execFile);

/** octavia-db-manage --config-file CONF upgrade head; CONF is the path the program sees. */
export async function upgradeHead(oct: OctaviaRuntime, innerConf: string): Promise<void> {
  const dbm = oct.command('db-manage', ['--config-file', innerConf, 'upgrade', 'head']);
  await run(dbm.cmd, dbm.args, { env: dbm.env }).catch((e) => {
    const last = String(e.stderr ?? e.message)
      .trim()
      .split('\n')
      .slice(-1)[0];
    throw new EnvError(`octavia-db-manage upgrade head (${oct.version}) failed: ${last}`);
  });
}

/** Builds `dbUrl`'s schema with this Octavia's migrations (a throwaway conf, removed after). */
export async function migrateDatabase(oct: OctaviaRuntime, dbUrl: string): Promise<void> {
  const dir = oct.makeDir('stresshm-dbm-');
  const deactivate = await oct.activate();
  try {
    const conf = join(dir, 'octavia.conf');
    writeFileSync(conf, `[database]\nconnection = ${dbUrl}\n`);
    await upgradeHead(oct, oct.inner(conf));
  } finally {
    await deactivate();
    rmSync(dir, { recursive: true, force: true });
  }
}
