// Ownership of a prefix while it is in use: a MariaDB named lock `stresshm:<prefix>` held on
// the owner's connection (populate, run) for its lifetime. `clean` takes the same lock without
// waiting, so it refuses a prefix a running stresshm still writes to or sends for. The server
// frees the lock when the owner's connection ends, however the process died.

import { UsageError } from '../errors';
import type { Conn } from './db';
import { validatePrefix } from './names';

export interface PrefixLock {
  prefix: string;
  /** False where the server has no named locks (Galera refuses GET_LOCK): nothing is protected. */
  held: boolean;
  release(): Promise<void>;
}

/** `stresshm:` + a 36-character UUID: within MariaDB's 64-character limit on lock names. */
export function lockName(prefix: string): string {
  return `stresshm:${validatePrefix(prefix)}`;
}

/** MariaDB Galera (wsrep_on) answers GET_LOCK with ER_NOT_SUPPORTED_YET. */
const ER_NOT_SUPPORTED_YET = 1235;

async function holderOf(conn: Conn, name: string): Promise<number | null> {
  const rows: Array<{ holder: number | null }> = await conn.query('SELECT IS_USED_LOCK(?) AS holder', [name]);
  return rows[0].holder === null ? null : Number(rows[0].holder);
}

/**
 * Takes the prefix's lock on `conn` without waiting. When another connection holds it, throws a
 * one-line UsageError naming that connection; nothing has been written at that point.
 */
export async function holdPrefixLock(conn: Conn, prefix: string): Promise<PrefixLock> {
  const name = lockName(prefix);
  let got: number | null;
  try {
    const rows: Array<{ got: number | null }> = await conn.query('SELECT GET_LOCK(?, 0) AS got', [name]);
    got = rows[0].got === null ? null : Number(rows[0].got);
  } catch (e) {
    if ((e as { errno?: number }).errno !== ER_NOT_SUPPORTED_YET) throw e;
    return { prefix, held: false, release: async () => undefined };
  }
  if (got !== 1) {
    const holder = await holderOf(conn, name);
    const by = `connection ${holder ?? 'unknown'}`;
    throw new UsageError(`prefix ${prefix} is in use by a running stresshm (${by}); stop that run first`);
  }
  let released = false;
  return {
    prefix,
    held: true,
    release: async () => {
      if (released) return;
      released = true;
      await conn.query('SELECT RELEASE_LOCK(?)', [name]);
    },
  };
}
