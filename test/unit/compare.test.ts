// compare's arithmetic with hand-computed expectations: knee intervals that touch are within
// noise, disjoint ones are not; measured metrics carry twice their repeat spread (with floors).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CapacityStep } from '../../src/experiments/capacity';
import { type BuildFigures, compareFigures } from '../../src/experiments/compare';

const step = (rate: number, ok: boolean): CapacityStep => ({
  rate,
  amphorae: rate * 2,
  verdict: ok ? 'KEEPING UP' : 'FAILING',
  processedShare: ok ? 1 : 0.3,
  processedPerSec: ok ? rate : 0.3 * rate,
  lagP99: 1,
});

function build(
  name: string,
  good: number | undefined,
  bad: number | undefined,
  lag: number[],
  cpu: number[],
): BuildFigures {
  return {
    build: name,
    lagP50: lag,
    cpuPer1000: cpu,
    knee: {
      kind: 'capacity',
      intervalSecs: 2,
      steps: [],
      lastGood: good ? step(good, true) : undefined,
      firstBad: bad ? step(bad, false) : undefined,
      knee: '',
    },
  };
}

test('the same build twice: every row within the stated noise', () => {
  const rows = compareFigures(
    build('A', 300, 600, [0.02, 0.0], [4.75, 4.02]),
    build('B', 150, 300, [0.0, 0.0], [4.79, 4.05]),
  );
  const [knee, lag, cpu] = rows;
  assert.deepEqual([knee.a, knee.b], [300, 150]);
  assert.equal(knee.diffPct, -50);
  assert.equal(knee.noisePct, 100, 'one factor-2 step');
  assert.ok(knee.withinNoise, 'B fails at 300, A sustains 300: the intervals touch');
  assert.equal(
    lag.noisePct,
    400,
    'A spread (0.02 - 0) / 0.01 = 200%, twice that (above the 100% floor of whole-second lag)',
  );
  assert.ok(lag.withinNoise);
  // spreads: A (4.75 - 4.02) / 4.385 = 16.6%, B (4.79 - 4.05) / 4.42 = 16.7%; twice the larger
  assert.ok(Math.abs(cpu.noisePct - (2 * (100 * 0.74)) / 4.42) < 1e-9, String(cpu.noisePct));
  assert.ok(cpu.withinNoise);
});

test('a slower build: disjoint knees and doubled CPU are beyond noise', () => {
  const rows = compareFigures(
    build('A', 300, 450, [0.01, 0.0], [4.38, 4.29]),
    build('slow', undefined, 150, [0.01, 0.0], [9.1, 8.85]),
  );
  const [knee, , cpu] = rows;
  assert.equal(knee.b, 0, 'fails even at the lowest step');
  assert.equal(knee.withinNoise, false, 'B fails at 150, A sustains 300');
  assert.ok(Math.abs(cpu.diffPct - (100 * (8.975 - 4.335)) / 4.335) < 1e-9);
  assert.equal(cpu.noisePct, 10, 'the floor: repeat spreads are below 5%');
  assert.equal(cpu.withinNoise, false);
});

test('lags below the whole-second resolution are within noise whatever their ratio', () => {
  // the lags of compare installed sid on a loaded machine: 0.01 s vs 0.12 s (+757%, spread noise 375%)
  const rows = compareFigures(build('A', 50, 75, [0.01, 0.01], [7, 7]), build('B', 50, 75, [0.01, 0.23], [7, 7]));
  assert.ok(rows[1].diffPct > rows[1].noisePct, 'the ratio alone exceeds the noise');
  assert.ok(rows[1].withinNoise, 'but 0.11 s is below the lag resolution');
  const slow = compareFigures(build('A', 50, 75, [0.01, 0.01], [7, 7]), build('B', 50, 75, [1.5, 1.7], [7, 7]));
  assert.equal(slow[1].withinNoise, false, '1.6 s more lag is resolved');
});
