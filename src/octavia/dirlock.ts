// A lock between processes on this machine: a directory created with mkdir (atomic) holding
// the owner's pid. A lock whose owner is gone is taken over. The protected work must stay
// safe without it (roots are built in a temporary directory and renamed into place), so the
// lock only saves duplicated work and orders short critical sections.

import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { EnvError } from '../errors';

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(path: string): number | undefined {
  try {
    return Number(readFileSync(`${path}/pid`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the lock at `path` is held by a dead process (or half made and older than 10 s). */
function stale(path: string): boolean {
  const pid = ownerOf(path);
  if (pid !== undefined) return !pidAlive(pid);
  try {
    return Date.now() - statSync(path).mtimeMs > 10000;
  } catch {
    return false;
  }
}

function tryTake(path: string): boolean {
  try {
    mkdirSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    if (stale(path)) {
      const aside = `${path}.stale-${process.pid}-${Date.now()}`;
      try {
        renameSync(path, aside);
        rmSync(aside, { recursive: true, force: true });
      } catch {
        /* another taker won */
      }
    }
    return false;
  }
  writeFileSync(`${path}/pid`, String(process.pid));
  return true;
}

/** Runs `fn` holding the lock `path`; waits for another holder up to `timeoutMs`. */
export async function withDirLock<T>(
  path: string,
  fn: () => Promise<T> | T,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (!tryTake(path)) {
    if (Date.now() > end) throw new EnvError(`${what}: lock ${path} held by pid ${ownerOf(path) ?? '?'} for too long`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}
