// The run's events, as Locust's runner fires them: the runner announces phases, samples and
// its end; the dashboard, notices, the record, CSV or metrics subscribe without the runner
// knowing them.

import { EventEmitter } from 'node:events';
import type { DashboardState } from '../terminal/dashboard';
import type { EndpointDrops } from './ledger';
import type { RunRecord, Sample } from './record';

export type PhaseName = 'resolve' | 'populate' | 'send' | 'drain' | 'clean' | 'judge' | 'report';

export interface RunEventMap {
  /** A phase begins. */
  phase: { name: PhaseName; atMs: number };
  /** One poll of the database, the fleet and the HM logs. */
  sample: { phase: PhaseName; sample: Sample; state: DashboardState; recorded: boolean; endpoints: EndpointDrops[] };
  /** Something the operator should read (a bound reached, a reconnect). */
  notice: { text: string };
  /** The record is complete (judged), before reports are written. */
  ended: { record: RunRecord };
}

export class RunEvents {
  private readonly emitter = new EventEmitter();

  on<K extends keyof RunEventMap>(name: K, fn: (e: RunEventMap[K]) => void): void {
    this.emitter.on(name, fn);
  }

  emit<K extends keyof RunEventMap>(name: K, e: RunEventMap[K]): void {
    this.emitter.emit(name, e);
  }
}
