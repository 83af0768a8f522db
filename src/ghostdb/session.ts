// A database session that survives faults: every statement has a client-side timeout (a
// stalled server cannot hang the run), a lost or killed connection is re-established with
// bounded backoff, and `retry` re-runs idempotent work (cleaning) until a stated bound.

import type { DbTarget } from '../config/dburl';
import { EnvError, EXIT_ENV } from '../errors';
import { type Conn, connect, dbReason } from './db';

export interface SessionLimits {
  /** Client-side bound of one statement (ms). */
  statementMs: number;
  /** How long `retry` keeps reconnecting before giving up (ms). */
  retryMs: number;
}

export const DEFAULT_LIMITS: SessionLimits = { statementMs: 30_000, retryMs: 60_000 };

/** The database did not answer within the statement bound. */
export class DbStalled extends Error {}

const FATAL_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ER_SOCKET_UNEXPECTED_CLOSE',
  'ER_CMD_CONNECTION_CLOSED',
  'ER_CONNECTION_ALREADY_CLOSED',
  'ER_SOCKET_TIMEOUT',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ECONNREFUSED',
  'ER_CONNECTION_TIMEOUT',
  'ER_GET_CONNECTION_TIMEOUT',
]);

/** True when the error means the connection is gone (as opposed to a bad statement). */
export function connectionLost(e: unknown): boolean {
  if (e instanceof DbStalled) return true;
  if (e instanceof EnvError) return true; // a failed reconnect
  const err = e as { fatal?: boolean; code?: string; errno?: number };
  return err?.fatal === true || (err?.code !== undefined && FATAL_CODES.has(err.code)) || err?.errno === 1927;
}

export type OnConnect = (conn: Conn) => Promise<void>;

export class DbSession {
  private current?: Conn;
  /** Statements sent through `query` (the run's own monitoring), to subtract from server counters. */
  statements = 0;
  private readonly onConnect: OnConnect[] = [];

  constructor(
    readonly target: DbTarget,
    readonly limits: SessionLimits = DEFAULT_LIMITS,
    private readonly code = EXIT_ENV,
  ) {}

  /** Runs on every new connection (e.g. re-taking a named lock after a reconnect). */
  whenConnected(fn: OnConnect): void {
    this.onConnect.push(fn);
  }

  /** The live connection, opened (with the socket timeout) when there is none. */
  async conn(): Promise<Conn> {
    if (this.current?.isValid()) return this.current;
    this.drop();
    const c = await connect(this.target, this.code, { socketTimeout: this.limits.statementMs });
    this.current = c;
    for (const fn of this.onConnect) await fn(c);
    return c;
  }

  /** One attempt of `fn`, bounded by the statement limit; a stall or a lost connection drops it. */
  async run<T>(fn: (c: Conn) => Promise<T>, timeoutMs: number | null = this.limits.statementMs): Promise<T> {
    const c = await this.conn();
    let timer: NodeJS.Timeout | undefined;
    const stall = new Promise<never>((_, reject) => {
      if (timeoutMs === null) return;
      timer = setTimeout(
        () => reject(new DbStalled(`no answer from the database within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(c), stall]);
    } catch (e) {
      if (connectionLost(e)) this.drop();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** A bounded statement through the session (the Monitor's query interface). */
  query<T>(sql: string, params?: unknown[]): Promise<T> {
    this.statements++;
    return this.run((c) => c.query(sql, params) as Promise<T>);
  }

  /**
   * Runs idempotent work until it succeeds, reconnecting with backoff (0.5 s doubling to 8 s)
   * while the connection is what failed, for at most `limits.retryMs`. Long work has no overall
   * bound: the socket timeout ends any single statement the server stops answering.
   */
  async retry<T>(what: string, fn: (c: Conn) => Promise<T>, onRetry?: (reason: string) => void): Promise<T> {
    const giveUpAt = Date.now() + this.limits.retryMs;
    for (let delay = 500; ; delay = Math.min(8000, delay * 2)) {
      try {
        return await this.run(fn, null);
      } catch (e) {
        if (!connectionLost(e)) throw e;
        const why = e instanceof Error && !('code' in e) ? e.message : dbReason(e);
        if (Date.now() + delay > giveUpAt) {
          throw new EnvError(
            `database unusable while trying to ${what} (${why}; gave up after ${this.limits.retryMs / 1000} s)`,
          );
        }
        onRetry?.(why);
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Forgets the connection without waiting for a server that may not answer. */
  drop(): void {
    if (!this.current) return;
    try {
      this.current.destroy();
    } catch {
      // already gone
    }
    this.current = undefined;
  }

  /** Closes politely when the server answers, else drops. */
  async end(): Promise<void> {
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((r) => {
      timer = setTimeout(r, 2000);
    });
    await Promise.race([c.end().catch(() => undefined), late]);
    clearTimeout(timer);
    try {
      c.destroy();
    } catch {
      /* closed */
    }
  }
}
