// Gathers the facts behind "why is the HM slow" over the send and drain window: server
// counters (SHOW GLOBAL STATUS), CPU of a local HM by role, CPU of a local database server.
// Whatever cannot be read is left out, never guessed.

import type { DbTarget } from '../config/dburl';
import type { DbSession } from '../ghostdb/session';
import { type DbWork, dbWork, readCounters } from './dbstatus';
import { DbServerCpu, HmCpu, type RoleCpu } from './hmcpu';
import type { Endpoint } from './udpsocket';

export interface WhyFacts {
  seconds: number;
  db?: DbWork;
  hmCpu?: RoleCpu[];
  dbCpuSecs?: number;
}

export class WhyProbe {
  private constructor(
    private readonly session: DbSession,
    private readonly before: Awaited<ReturnType<typeof readCounters>> | undefined,
    private readonly ownAtStart: number,
    private readonly hm: HmCpu,
    private readonly dbCpu: DbServerCpu,
    private readonly startMs: number,
  ) {}

  static async start(session: DbSession, endpoints: Endpoint[], target: DbTarget): Promise<WhyProbe> {
    const before = await readCounters(session).catch(() => undefined);
    return new WhyProbe(
      session,
      before,
      session.statements,
      new HmCpu(endpoints),
      new DbServerCpu(target.socketPath ? 'localhost' : target.host, target.port),
      Date.now(),
    );
  }

  async finish(processed: number): Promise<WhyFacts> {
    const seconds = (Date.now() - this.startMs) / 1000;
    const after = this.before ? await readCounters(this.session).catch(() => undefined) : undefined;
    const own = this.session.statements - this.ownAtStart;
    return {
      seconds,
      db: this.before && after ? dbWork(this.before, after, processed, own) : undefined,
      hmCpu: this.hm.found ? this.hm.read() : undefined,
      dbCpuSecs: this.dbCpu.read(),
    };
  }
}
