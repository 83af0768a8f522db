// The HTML report: one self-contained file (inline CSS and SVG) with the configuration,
// the verdict and its criteria, and charts over time, rendered from the run record.

import type { RunRecord } from '../run/record';
import { esc, lineChart, stackedChart } from './chart';

const COLORS = {
  offered: '#1f77b4',
  processed: '#2ca02c',
  p50: '#9467bd',
  p95: '#ff7f0e',
  p99: '#d62728',
  stale1: '#8c564b',
  stale2: '#e377c2',
  timeout: '#d62728',
};

const LEDGER_ROWS: Array<[keyof NonNullable<RunRecord['ledger']>, string]> = [
  ['processed', 'processed by the HM (amphora_health advanced)'],
  ['staleDropped', 'dropped by the HM as stale ("THIS IS NOT GOOD")'],
  ['kernelDropped', 'dropped by the kernel at the HM socket (receive buffer full)'],
  ['listenerMismatch', 'listener-count mismatch'],
  ['sendErrors', 'send errors'],
  ['unaccounted', 'unaccounted (in flight at the end, or lost where nothing can see)'],
];

function ledgerTable(r: RunRecord): string {
  const l = r.ledger;
  if (!l) return '';
  const cell = (v: number | null) => (v === null ? 'not measurable' : v.toLocaleString('en-US'));
  const share = (v: number | null) => (v === null || l.sent === 0 ? '' : `${((100 * v) / l.sent).toFixed(2)}%`);
  const head = '<h2>Ledger: where every heartbeat went</h2><table id="ledger">';
  return (
    `${head}<tr><th>sent</th><td>${cell(l.sent)}</td><td>100%</td></tr>` +
    LEDGER_ROWS.map(
      ([k, label]) => `<tr><th>${esc(label)}</th><td>${cell(l[k])}</td><td>${share(l[k])}</td></tr>`,
    ).join('') +
    '</table>'
  );
}

export function renderHtml(r: RunRecord): string {
  const s = r.samples;
  const charts = [
    lineChart('Offered vs processed heartbeats per second', 'seconds since start', 'heartbeats/s', [
      { name: 'offered', color: COLORS.offered, points: s.map((p) => [p.t, p.offeredPerSec]) },
      { name: 'processed', color: COLORS.processed, points: s.map((p) => [p.t, p.processedPerSec]) },
    ]),
    lineChart(
      `Processing lag (s, ±${(r.final.lagResolutionSecs / 2).toFixed(2)} s resolution)`,
      'seconds since start',
      'lag (s)',
      [
        { name: 'p50', color: COLORS.p50, points: s.map((p) => [p.t, p.lagP50]) },
        { name: 'p95', color: COLORS.p95, points: s.map((p) => [p.t, p.lagP95]) },
        { name: 'p99', color: COLORS.p99, points: s.map((p) => [p.t, p.lagP99]) },
      ],
    ),
    ...(s.some((p) => p.ledger)
      ? [
          stackedChart('Where every heartbeat sent so far went (ledger)', 'seconds since start', 'heartbeats', [
            { name: 'processed', color: COLORS.processed, points: s.map((p) => [p.t, p.ledger?.processed ?? 0]) },
            {
              name: 'stale-dropped by the HM',
              color: COLORS.p95,
              points: s.map((p) => [p.t, p.ledger?.staleDropped ?? 0]),
            },
            {
              name: 'dropped by the kernel',
              color: COLORS.p99,
              points: s.map((p) => [p.t, p.ledger?.kernelDropped ?? 0]),
            },
            {
              name: 'listener mismatch',
              color: COLORS.stale2,
              points: s.map((p) => [p.t, p.ledger?.listenerMismatch ?? 0]),
            },
            { name: 'send errors', color: COLORS.stale1, points: s.map((p) => [p.t, p.ledger?.sendErrors ?? 0]) },
            {
              name: 'unaccounted (in flight)',
              color: '#bbbbbb',
              points: s.map((p) => [p.t, p.ledger?.unaccounted ?? 0]),
            },
          ]),
        ]
      : []),
    lineChart('Stale amphorae', 'seconds since start', 'amphorae', [
      { name: '> 1 interval', color: COLORS.stale1, points: s.map((p) => [p.t, p.staleOver1]) },
      { name: '> 2 intervals', color: COLORS.stale2, points: s.map((p) => [p.t, p.staleOver2]) },
      { name: '> heartbeat_timeout', color: COLORS.timeout, points: s.map((p) => [p.t, p.staleOverTimeout]) },
    ]),
  ];
  const f = r.final;
  const rows = (o: Record<string, unknown>) =>
    Object.entries(o)
      .map(
        ([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'object' ? JSON.stringify(v) : String(v))}</td></tr>`,
      )
      .join('');
  const state = (ok: boolean | null) =>
    ok === null ? ['unchecked', 'not checked'] : ok ? ['ok', 'met'] : ['bad', 'NOT MET'];
  const crit = r.criteria
    .map(
      (c) =>
        `<tr class="${state(c.ok)[0]}"><th>${esc(c.name)}</th><td>${esc(c.actual)}</td>` +
        `<td>${esc(c.limit)}</td><td>${state(c.ok)[1]}</td></tr>`,
    )
    .join('');
  const style =
    'body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}' +
    'th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}\n' +
    '.verdict{font-size:2em;font-weight:bold}.KEEPING{color:#2ca02c}.FALLING{color:#ff7f0e}.FAILING{color:#d62728}' +
    '.INTERRUPTED{color:#7f7f7f}tr.unchecked td{color:#7f7f7f}tr.bad td{color:#d62728}figure{margin:1em 0}' +
    'figcaption{font-weight:bold}';
  const diagnosis = r.diagnosis?.length
    ? `<h2>Diagnosis</h2><ul id="diagnosis">${r.diagnosis.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`
    : '';
  const phases = r.phases
    .map((p) => `<tr><th>${esc(p.name)}</th><td>${esc(p.startedAt)}</td><td>${p.seconds.toFixed(1)} s</td></tr>`)
    .join('');
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>stresshm report ${esc(r.prefix)}</title>
<style>${style}</style></head><body>
<h1>stresshm: health manager stress run</h1>
<p class="verdict ${esc(r.verdict.split(' ')[0])}" id="verdict">${esc(r.verdict)}</p>
<p>${r.amphorae.toLocaleString('en-US')} amphorae (${r.loadBalancers.toLocaleString('en-US')} load balancers), ` +
    `heartbeat v${r.heartbeatVersion} every ${r.intervalSecs} s to ${esc(r.endpoints.join(', '))}; started ` +
    `${esc(r.startedAt)}; prefix ${esc(r.prefix)}.</p>
<h2>SLA</h2><table><tr><th>criterion</th><th>measured</th><th>limit</th><th></th></tr>${crit}</table>
${ledgerTable(r)}
${diagnosis}
<h2>Over time</h2>${charts.join('\n')}
<h2>Final figures</h2><table>${rows(f)}</table>
<h2>Phases</h2><table>${phases}</table>
<h2>Configuration</h2><table>${rows(r.config)}</table>
</body></html>`
  );
}
