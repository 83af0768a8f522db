// The send phase of a run: the engine sends until the deadline or a stop request, whatever the
// database does, while the observer polls in between and the loop fires a sample event per poll.
// --abort-on-fail stops it early once the SLA has failed beyond recovery.

import type { Config } from '../config/config';
import type { Fleet } from '../engine/fleet';
import { EnvError } from '../errors';
import type { DbSession } from '../ghostdb/session';
import { interruptRequested, onInterrupt } from '../lifecycle/interrupt';
import { failedBeyondRecovery } from './abort';
import type { RunEvents } from './events';
import { type Observer, sampleEvent } from './observer';
import { slaFrom } from './sla';

/** What the loop needs from its run. */
export interface SendLoop {
  cfg: Config;
  session: DbSession;
  events: RunEvents;
  /** Poll period (ms); by default as often as the observer's database budget allows. */
  pollMs?: number;
}

/** Why the SLA can no longer be met, judged from the run so far (for --abort-on-fail). */
function hopeless(cfg: Config, fleet: Fleet, observer: Observer, endAt: number): string | undefined {
  const sla = slaFrom(cfg.settings);
  const remaining = (fleet.amphoraIds.length * Math.max(0, endAt - Date.now())) / 1000 / cfg.heartbeatInterval;
  const limit = sla.maxP99LagRatio * cfg.heartbeatInterval + observer.resolutionSecs() / 2;
  const l = observer.lastLedger ?? observer.ledger();
  const inFlight = Math.min(l.sent - l.processed, fleet.amphoraIds.length); // one interval's sends
  return failedBeyondRecovery(
    {
      sent: l.sent,
      processed: l.processed,
      remaining,
      inFlight,
      lagsOverLimit: observer.lags.countAbove(limit),
      timeoutStaleMax: observer.timeoutStaleMax,
      logDrops: l.staleDropped ?? undefined,
      kernelDrops: l.kernelDropped,
    },
    sla,
  );
}

/** Sends until the deadline or a stop request, whatever the database does; polls in between. */
export async function sendUntilStopped(
  loop: SendLoop,
  fleet: Fleet,
  observer: Observer,
  runStartMs: number,
  abortOnFail = false,
): Promise<string | undefined> {
  const { cfg } = loop;
  const endAt = runStartMs + cfg.testRuntimeSecs * 1000;
  let wake: () => void = () => undefined;
  let sending = true;
  const stop = () => {
    sending = false;
    fleet.stop();
    wake();
  };
  const deadline = setTimeout(stop, Math.max(0, endAt - Date.now()));
  const off = onInterrupt(stop);
  fleet.start();
  try {
    while (sending && !interruptRequested()) {
      await new Promise<void>((res) => {
        wake = res;
        setTimeout(res, Math.min(loop.pollMs ?? observer.periodMs(), Math.max(0, endAt - Date.now())));
      });
      if (!sending) break;
      const o = await observer.poll('sending', (endAt - Date.now()) / 1000, true);
      loop.events.emit('sample', sampleEvent('send', o));
      const failure = fleet.stats().failure;
      if (failure) throw new EnvError(`the heartbeat sender failed: ${failure}; stopped sending`);
      const why = abortOnFail ? hopeless(cfg, fleet, observer, endAt) : undefined;
      if (why) {
        loop.events.emit('notice', {
          text: `the SLA failed beyond recovery (${why}); stopping early (--abort-on-fail)`,
        });
        return why;
      }
      const lostMs = loop.session.limits.retryMs;
      if (observer.failingSinceMs !== undefined && Date.now() - observer.failingSinceMs > lostMs) {
        throw new EnvError(
          `database unusable for ${lostMs / 1000} s during sending (${observer.lastDbError}); stopped sending`,
        );
      }
    }
  } finally {
    clearTimeout(deadline);
    off();
  }
  return undefined;
}
