// The drain: after sending stops, nothing is deleted until the HM is quiet: no amphora_health
// advance, no listener_statistics change (sampled), no new counted HM log line and no datagram
// queued on a local HM socket, for
// QUIET_MS in a row. Past drain_timeout_secs the run says so and keeps waiting (the ghosts'
// amphora_health rows stay busy = 1, so nothing fails over) up to a hard bound, because a
// heartbeat for a removed LB makes a real HM log "missing from the DB" and re-create rows.

import type { RunEvents } from './events';
import { type Observer, sampleEvent } from './observer';
import type { StatsProbe } from './statsprobe';

export const QUIET_MS = 3000;
/** However busy the HM stays, the run cleans up after this long. */
export const HARD_BOUND_SECS = 900;

export interface DrainResult {
  seconds: number;
  /** drain_timeout_secs passed while the HM was still active. */
  boundReached: boolean;
  /** Seconds waited beyond drain_timeout_secs for the HM to become quiet. */
  extraSecs: number;
  /** Cleaned while the HM was still active (the hard bound passed). */
  gaveUp: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function drain(
  observer: Observer,
  stats: StatsProbe,
  events: RunEvents,
  boundSecs: number,
  quietMs = QUIET_MS,
): Promise<DrainResult> {
  const start = Date.now();
  const boundAt = start + boundSecs * 1000;
  const hardAt = start + Math.max(boundSecs, HARD_BOUND_SECS) * 1000;
  let quietSince = Date.now();
  let activeAt: number | undefined;
  let boundReached = false;
  for (;;) {
    // as often as the monitor polls while sending: heartbeats processed during the drain keep their resolution
    await sleep(observer.periodMs());
    const now = Date.now();
    const o = await observer.poll('draining', Math.max(0, (boundAt - now) / 1000), false);
    events.emit('sample', sampleEvent('drain', o));
    const activity = o.activity + Number(await stats.changed());
    if (activity > 0) quietSince = activeAt = Date.now();
    if (Date.now() - quietSince >= quietMs) break;
    // The bound counts as reached only while the HM is really still working, not while a quiet
    // window that began before it is still being confirmed.
    if (!boundReached && Date.now() >= boundAt && activeAt !== undefined) {
      boundReached = true;
      events.emit('notice', {
        text:
          `drain_timeout_secs (${boundSecs} s) reached while the HM is still working ` +
          `(${activity.toLocaleString('en-US')} heartbeats, statistics, log lines or queued bytes in the last ` +
          `poll); keeping the ghosts (amphora_health busy = 1) until it is quiet, at most ${HARD_BOUND_SECS / 60} min`,
      });
    }
    if (Date.now() >= hardAt) {
      events.emit('notice', {
        text: `the HM is still active after ${Math.round((Date.now() - start) / 1000)} s; cleaning anyway`,
      });
      return result(start, boundSecs, boundReached, true);
    }
  }
  return result(start, boundSecs, boundReached, false);
}

function result(start: number, boundSecs: number, boundReached: boolean, gaveUp: boolean): DrainResult {
  const seconds = (Date.now() - start) / 1000;
  return { seconds, boundReached, extraSecs: boundReached ? Math.max(0, seconds - boundSecs) : 0, gaveUp };
}
