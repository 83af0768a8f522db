// /proc inside a root, shared by every sandbox using that root: each user registers a file
// named after its pid in ROOT/run/stresshm-users; the first mounts /proc, the last one out
// unmounts it. Users whose process died are forgotten, so a crash never pins the mount.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvError } from '../errors';
import { pidAlive, withDirLock } from './dirlock';
import { mountsUnder } from './roots';

const usersDir = (root: string) => join(root, 'run', 'stresshm-users');
const lockOf = (root: string) => `${root}.proc-lock`;

/** Registered users still alive (files of dead ones are removed). */
function liveUsers(root: string): string[] {
  const live: string[] = [];
  for (const f of readdirSync(usersDir(root))) {
    if (pidAlive(Number(f.split('-')[0]))) live.push(f);
    else rmSync(join(usersDir(root), f), { force: true });
  }
  return live;
}

export function procMounted(root: string): boolean {
  return mountsUnder(join(root, 'proc')).includes(join(root, 'proc'));
}

/** Mounts ROOT/proc for this user (if nobody did); returns the release function. */
export async function acquireProc(root: string): Promise<() => Promise<void>> {
  const me = `${process.pid}-${randomBytes(4).toString('hex')}`;
  await withDirLock(
    lockOf(root),
    () => {
      mkdirSync(usersDir(root), { recursive: true });
      writeFileSync(join(usersDir(root), me), '');
      if (!procMounted(root)) {
        const r = spawnSync('mount', ['-t', 'proc', 'proc', join(root, 'proc')], { encoding: 'utf8' });
        if (r.status !== 0) {
          rmSync(join(usersDir(root), me), { force: true });
          throw new EnvError(`cannot mount /proc in ${root}: ${String(r.stderr).trim()}`);
        }
      }
    },
    60000,
    `mounting /proc in ${root}`,
  );
  return () =>
    withDirLock(
      lockOf(root),
      () => {
        rmSync(join(usersDir(root), me), { force: true });
        if (liveUsers(root).length === 0 && procMounted(root)) spawnSync('umount', [join(root, 'proc')]);
      },
      60000,
      `unmounting /proc in ${root}`,
    );
}
