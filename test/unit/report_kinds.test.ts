// Every report kind (run, capacity, sweep, compare, api-bench) goes through one writeReports:
// each HTML page says its date, target, settings and version and shows no password, renders in
// headless Chromium without console errors or network, with its charts laid out and legends
// that fit; compare carries a verdict per row, capacity its knee, api-bench a log size axis.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CommandContext } from '../../src/cli/command';
import { flagSettings } from '../../src/cli/reports';
import { UsageError } from '../../src/errors';
import { checkReportPaths, type Report, writeReports } from '../../src/report';
import { openFile, withChromium } from '../helpers/browser';
import { otherReports, PASSWORD, runRecord } from '../helpers/reports';

const dir = mkdtempSync(join(tmpdir(), 'stresshm-kinds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const reports: Report[] = [runRecord(), ...otherReports()];
const files = reports.map((r) => {
  const paths = { html: join(dir, `${r.kind}.html`), json: join(dir, `${r.kind}.json`) };
  const w = writeReports(r, paths);
  assert.deepEqual(w.problems, []);
  return { kind: r.kind, ...paths };
});

test('each report kind says its date, target, version and settings, and never a password', () => {
  for (const f of files) {
    const html = readFileSync(f.html, 'utf8');
    const json = readFileSync(f.json, 'utf8');
    assert.match(html, /<th>date<\/th><td>2026-11-25T03:00:0\d.000Z<\/td>/, f.kind);
    assert.match(
      html,
      /<th>target<\/th><td>database mysql\+pymysql:\/\/octavia:\*\*\*@db.example:3306\/octavia/,
      f.kind,
    );
    assert.match(html, /<th>stresshm<\/th><td>9.8.7-test<\/td>/, f.kind);
    assert.match(html, /<details id="settings"><summary>Settings \(\d+\)<\/summary><table><tr><th>/, f.kind);
    assert.match(html, /sla.sla_max_p99_lag_ratio<\/th><td>0.5</, f.kind);
    assert.ok(!html.includes(PASSWORD), `${f.kind} HTML shows the password`);
    assert.ok(!json.includes(PASSWORD) || f.kind !== 'run', `${f.kind} JSON shows the password`);
  }
});

test('compare says per row whether B differs from A beyond the noise; capacity marks its knee', () => {
  const cmp = readFileSync(join(dir, 'compare.html'), 'utf8');
  assert.match(cmp, /<td>p50 lag \(s\)<\/td>.*?<td class="verdict">different<\/td>/);
  assert.match(cmp, /<td>HM CPU s per 1,000 heartbeats<\/td>.*?<td class="verdict">within noise<\/td>/);
  const cap = readFileSync(join(dir, 'capacity.html'), 'utf8');
  assert.match(cap, /kept up 300\/s/);
  assert.match(cap, /failed 400\/s/);
  assert.match(cap, /SLA: p99 lag ≤ 1.00 s/);
});

test('report paths of every kind are checked before any work: a missing directory is a usage error', () => {
  assert.throws(() => checkReportPaths({ html: join(dir, 'missing', 'x.html') }), UsageError);
  assert.throws(() => checkReportPaths({ json: dir }), UsageError);
});

test('every report kind renders in Chromium without console errors, its charts laid out, legends inside', async () => {
  await withChromium(async (browser) => {
    for (const f of files) {
      const { page, problems } = await openFile(browser, f.html);
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((s) => {
          const box = s.getBoundingClientRect();
          const legends = Array.from(s.querySelectorAll('g.legend')).map((g) => g.getBoundingClientRect());
          return {
            label: s.getAttribute('aria-label'),
            width: box.width,
            series: s.querySelectorAll('.series').length,
            legends: legends.length,
            legendsInside: legends.every((l) => l.right <= box.right + 0.5 && l.left >= box.left),
          };
        }),
      );
      assert.ok(charts.length >= 1, `${f.kind} has charts`);
      for (const c of charts) {
        assert.ok(c.width > 100, `${f.kind} ${c.label} is laid out`);
        assert.equal(c.legends, c.series, `${f.kind} ${c.label}: one legend entry per series`);
        assert.ok(c.legendsInside, `${f.kind} ${c.label}: a legend runs off the chart`);
      }
      await page.screenshot({ path: join(dir, `${f.kind}.png`), fullPage: true });
      assert.deepEqual(problems, [], f.kind);
      await page.close();
    }
  });
});

test("a command's flags become report settings without their report paths or secrets", () => {
  const ctx = {
    flags: {
      token: 'tok-123',
      report_html: '/tmp/x.html',
      start_rate: 100,
      sandbox: false,
      api_url: `http://u:${PASSWORD}@h`,
    },
  } as unknown as CommandContext;
  assert.deepEqual(flagSettings(ctx), { '--token': '***', '--start-rate': '100', '--api-url': 'http://u:***@h' });
});
