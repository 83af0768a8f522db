// What a person reads in the reports: figures with units and sane rounding, round ticks on the
// axes (linear and log), phases and SLA limits on the run's charts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart, logTicks, niceTicks } from '../../src/report/chart';
import { fmtBytes, fmtErrors, fmtSecs, runFigures } from '../../src/report/figures';
import { lagLimit, phaseMarks, renderHtml } from '../../src/report/html';
import { runRecord } from '../helpers/reports';

test('durations read with a unit and the digits the measurement can tell', () => {
  assert.equal(fmtSecs(0.011972904205322266), '12 ms');
  assert.equal(fmtSecs(0.0009), '900 µs');
  assert.equal(fmtSecs(0.0052), '5.2 ms');
  assert.equal(fmtSecs(0.25), '250 ms');
  assert.equal(fmtSecs(7.2849), '7.28 s');
  assert.equal(fmtSecs(42.04), '42.0 s');
  assert.equal(fmtSecs(200), '3 min 20 s');
  assert.equal(fmtSecs(0), '0 s');
  assert.equal(fmtBytes(290_200), '283.4 KiB');
  assert.equal(fmtErrors({}), 'none');
  assert.equal(fmtErrors({ ENOBUFS: 3, EPERM: 0, ECONNREFUSED: 1200 }), '1,203 (ENOBUFS 3, ECONNREFUSED 1,200)');
});

test('final figures are labelled rows with units, never raw keys or long floats', () => {
  const rows = new Map(runFigures(runRecord().final));
  assert.equal(rows.get('Lag p50'), '12 ms');
  assert.equal(rows.get('Send errors'), 'none');
  assert.equal(rows.get('Processed by the HM'), '2,500 (83.33%)');
  const html = renderHtml(runRecord());
  const figures = /<table id="figures">(.*?)<\/table>/s.exec(html)![1];
  assert.doesNotMatch(figures, /lagP50|sendErrors|\d\.\d{5,}/);
  assert.match(figures, /<th>Lag p99<\/th><td>7.00 s<\/td>/);
});

test('ticks fall on round values, also when the axis starts below zero, and on decades on a log axis', () => {
  assert.deepEqual(niceTicks(63), [0, 20, 40, 60]);
  assert.deepEqual(niceTicks(35.5, -1.2), [0, 10, 20, 30]);
  assert.deepEqual(niceTicks(0.7), [0, 0.2, 0.4, 0.6]);
  assert.deepEqual(logTicks(100, 10_000), [100, 200, 500, 1000, 2000, 5000, 10_000]);
  assert.deepEqual(logTicks(10, 100_000), [10, 100, 1000, 10_000, 100_000]);
  assert.deepEqual(logTicks(10, 1000), [10, 20, 50, 100, 200, 500, 1000]);
  const svg = lineChart('t', 'x', 'y', [
    {
      name: 's',
      color: '#000',
      points: [
        [0.5, 1],
        [15.8, 2],
        [63.1, 3],
      ],
    },
  ]);
  const ticks = [...svg.matchAll(/class="xtick"[^>]*>([^<]*)</g)].map((m) => m[1]);
  assert.deepEqual(ticks, ['0', '20', '40', '60']);
  const log = lineChart(
    't',
    'x',
    'y',
    [
      {
        name: 's',
        color: '#000',
        points: [
          [100, 1],
          [1000, 2],
          [10_000, 3],
        ],
      },
    ],
    {
      logX: true,
    },
  );
  assert.deepEqual(
    [...log.matchAll(/class="xtick"[^>]*>([^<]*)</g)].map((m) => m[1]),
    ['100', '200', '500', '1,000', '2,000', '5,000', '10,000'],
  );
});

test("the run's charts shade its phases in seconds since sending started and draw the p99 lag limit", () => {
  const r = runRecord();
  assert.deepEqual(
    phaseMarks(r).map((m) => [m.label, m.from, m.to]),
    [
      ['populate', -2, -0.5],
      ['sending', 0, 30],
      ['drain', 30, 34],
      ['clean', 34, 35],
    ],
  );
  // sla_max_p99_lag_ratio 0.5 x heartbeat interval 10 s
  assert.deepEqual(lagLimit(r), [{ y: 5, label: 'SLA: p99 lag ≤ 5.00 s' }]);
  const html = renderHtml(r);
  assert.equal((html.match(/<g class="limit">/g) ?? []).length, 1);
  assert.match(html, /SLA: p99 lag ≤ 5.00 s/);
  assert.match(html, /Dropped heartbeats so far, by kind/);
  // the offered line is drawn dashed, after the processed one
  assert.match(
    html,
    /data-name="processed"[^>]*>(<[^>]*>)*?<polyline class="series" data-name="offered"[^>]*stroke-dasharray/,
  );
});
