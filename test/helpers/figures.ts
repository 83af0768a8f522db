// The figures of a healthy run for the SLA tests: every heartbeat processed, 1 s p99 lag at a
// 10 s interval, nothing stale, nothing dropped. Tests spread it and change one figure.

import type { RunFigures } from '../../src/run/sla';

export const HEALTHY = {
  sent: 1000,
  processed: 1000,
  lagP99Secs: 1,
  lagResolutionSecs: 1,
  intervalSecs: 10,
  timeoutStaleMax: 0,
  logDrops: 0,
} satisfies RunFigures;
