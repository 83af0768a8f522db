// Reports rendered from a run record: the msgpack record round-trips, JUnit has one case per
// criterion, and the self-contained HTML renders its charts in headless Chromium
// (Debian's chromium, driven by playwright-core) without console errors or network.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { writeReports } from '../../src/report';
import { loadRecord, type RunRecord } from '../../src/run/record';

function record(): RunRecord {
  const samples = Array.from({ length: 30 }, (_, i) => ({
    t: i + 1,
    offeredPerSec: 100,
    processedPerSec: i < 20 ? 100 : 60,
    lagP50: i / 10,
    lagP95: i / 5,
    lagP99: i / 4,
    staleOver1: i > 20 ? 5 : 0,
    staleOver2: 0,
    staleOverTimeout: 0,
    logDrops: i > 20 ? i - 20 : 0,
  }));
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
    final: {
      sent: 3000,
      processed: 2500,
      processedShare: 0.833,
      bytes: 1e6,
      lagP50: 1,
      lagP95: 5,
      lagP99: 7,
      lagMax: 9,
      lagResolutionSecs: 1,
      staleOver1Max: 5,
      staleOver2Max: 0,
      timeoutStaleMax: 0,
      sendErrors: {},
      scheduleLagP99Ms: 1,
      scheduleLagMaxMs: 3,
      lateSends: 0,
      senderCpuSeconds: 0.2,
    },
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
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    assert.fail('chromium is not installed: run `apt-get install -y chromium` (make test does this)');
  }
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.push(`network request ${r.url()}`);
    });
    await page.goto(`file://${paths.html}`);
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
  } finally {
    await browser.close();
  }
});
