// The capacity headroom of a profiled fleet, in multiples of that fleet.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { headroomText } from '../../src/experiments/headroom';

test("headroom: the knee in multiples of the profiled fleet, with the amphorae and the failing step's lag", () => {
  type V = 'KEEPING UP' | 'FALLING BEHIND';
  const step = (rate: number, amphorae: number, verdict: V, lagP99: number, share: number) => ({
    rate,
    amphorae,
    verdict,
    processedShare: share,
    processedPerSec: rate * share,
    lagP99,
  });
  const good = step(960, 9600, 'KEEPING UP', 1, 1);
  const bad = step(1040, 10400, 'FALLING BEHIND', 14, 0.912);
  const res = {
    kind: 'capacity' as const,
    intervalSecs: 10,
    steps: [good, bad],
    lastGood: good,
    firstBad: bad,
    knee: '',
  };
  const steps = new Map([
    [9600, { scale: 2.4, amphorae: 9598, loadBalancers: 5000 }],
    [10400, { scale: 2.6, amphorae: 10401, loadBalancers: 5400 }],
  ]);
  assert.equal(
    headroomText(res, steps),
    'this HM sustains 2.4x the profiled fleet' +
      ' (about 9,598 amphorae at heartbeat_interval 10); at 2.6x (10,401 amphorae) p99 lag reaches 14.0 s' +
      ' and 91.2% are processed (FALLING BEHIND)',
  );
  assert.match(headroomText({ ...res, firstBad: undefined }, steps), /sustains at least 2\.4x .*9,598 amphorae/);
  assert.match(headroomText({ ...res, lastGood: undefined }, steps), /does not sustain even 2\.6x/);
  const limited = { ...res, firstBad: undefined, senderLimit: { ...bad, verdict: 'INCONCLUSIVE' as const } };
  assert.equal(
    headroomText(limited, steps),
    'this HM sustains at least 2.4x the profiled fleet (about 9,598 amphorae at heartbeat_interval 10), the most ' +
      'measured; the search ended there: stresshm could not send 2.6x the profiled fleet on schedule here ' +
      '(INCONCLUSIVE)',
  );
  assert.equal(headroomText({ ...limited, lastGood: undefined }, steps).split(';')[0], 'no step measured the HM');
});
