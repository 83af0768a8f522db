// Reports rendered from a run record: the msgpack record round-trips, JUnit has one case per
// criterion, and the self-contained HTML renders its charts in headless Chromium
// (Debian's chromium, driven by playwright-core) without console errors or network.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeReports } from '../../src/report';
import { loadRecord, type RunRecord } from '../../src/run/record';
import { openFile, withChromium } from '../helpers/browser';
import { fallingSample, finalFigures } from '../helpers/reports';

function record(): RunRecord {
  const samples = Array.from({ length: 30 }, (_, i) => fallingSample(i));
  return {
    kind: 'run',
    tool: 'stresshm',
    startedAt: '2026-11-25T03:00:00.000Z',
    prefix: '0b4c0c3e-0000-4000-8000-000000000001',
    amphorae: 1000,
    loadBalancers: 500,
    intervalSecs: 10,
    heartbeatVersion: 3,
    endpoints: ['127.0.0.1:5555'],
    config: { 'health_manager.heartbeat_key': '***' },
    phases: [{ name: 'populate', startedAt: '2026-11-25T03:00:00.000Z', seconds: 0.4 }],
    samples,
    final: finalFigures(),
    criteria: [
      { id: 'processed_share', name: 'processed share', ok: false, actual: '83.33%', limit: '>= 99.00%' },
      { id: 'p99_lag', name: 'p99 processing lag', ok: false, actual: '7.0 s', limit: '<= 5.0 s' },
      { id: 'timeout_stale', name: 'amphorae beyond heartbeat_timeout', ok: true, actual: '0', limit: '<= 0' },
      {
        id: 'log_drops',
        name: 'dropped heartbeats in HM log',
        ok: null,
        actual: 'not checked (no --hm-log)',
        limit: '<= 0',
      },
    ],
    verdict: 'FALLING BEHIND',
    exitCode: 1,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'stresshm-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const paths = {
  json: join(dir, 'r.json'),
  html: join(dir, 'r.html'),
  junit: join(dir, 'r.xml'),
  record: join(dir, 'r.msgpack'),
};
writeReports(record(), paths);

test('the msgpack run record and the JSON report hold the same figures', () => {
  assert.deepEqual(loadRecord(paths.record), record());
  assert.deepEqual(JSON.parse(readFileSync(paths.json, 'utf8')), record());
});

test(
  'JUnit: a stable suite name, the verdict and each criterion a test case, failed and not-checked ones ' + 'marked',
  () => {
    const xml = readFileSync(paths.junit, 'utf8');
    assert.equal((xml.match(/<testcase /g) ?? []).length, 5);
    assert.equal((xml.match(/<failure /g) ?? []).length, 3);
    assert.equal((xml.match(/<skipped /g) ?? []).length, 1);
    assert.match(xml, /<testsuite name="stresshm" tests="5" failures="3" skipped="1" time="0.400"/);
    assert.match(xml, /<testcase classname="stresshm.sla" name="verdict"><failure message="verdict FALLING BEHIND"\/>/);
  },
);

test('the HTML report renders offline in Chromium with its charts and no console errors', async () => {
  await withChromium(async (browser) => {
    const { page, problems } = await openFile(browser, paths.html);
    assert.equal(await page.textContent('#verdict'), 'FALLING BEHIND');
    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((s) => ({
        label: s.getAttribute('aria-label'),
        series: Array.from(s.querySelectorAll('polyline.series')).map(
          (p) => (p.getAttribute('points') ?? '').trim().split(' ').length,
        ),
        width: s.getBoundingClientRect().width,
      })),
    );
    // offered vs processed, lag, drops (from the HM log: this record has no ledger history), stale
    assert.equal(charts.length, 4);
    for (const c of charts) {
      assert.ok(c.width > 100, `${c.label} is laid out`);
      assert.ok(c.series.length >= 1 && c.series.every((n) => n === 30), `${c.label}: ${JSON.stringify(c.series)}`);
    }
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    assert.deepEqual(problems, []);
  });
});
