// The HTML report of a run: one self-contained file (inline CSS and SVG) with the date, target,
// settings and version, the verdict and its criteria, labelled final figures, and charts over
// time with the phases shaded and the SLA limits drawn, rendered from the run record.

import type { RunRecord } from '../run/record';
import { esc, lineChart, type Series, stackedChart, type XMark, type YLimit } from './chart';
import { fmtSecs, runFigures } from './figures';
import { page, runMeta } from './meta';

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

const PHASE_COLORS: Record<string, string> = {
  populate: '#f2f2f2',
  send: '#e6f0fa',
  drain: '#fdf0e2',
  clean: '#f2f2f2',
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
    `${head}<tr><th>sent</th><td class="num">${cell(l.sent)}</td><td class="num">100%</td></tr>` +
    LEDGER_ROWS.map(
      ([k, label]) =>
        `<tr><th>${esc(label)}</th><td class="num">${cell(l[k])}</td><td class="num">${share(l[k])}</td></tr>`,
    ).join('') +
    '</table>'
  );
}

/** The populate, send, drain and clean phases as shaded ranges in seconds since sending started. */
export function phaseMarks(r: RunRecord): XMark[] {
  const send = r.phases.find((p) => p.name === 'send');
  if (!send) return [];
  const t0 = Date.parse(send.startedAt);
  return r.phases
    .filter((p) => p.name in PHASE_COLORS)
    .map((p) => {
      const from = (Date.parse(p.startedAt) - t0) / 1000;
      return { from, to: from + p.seconds, label: p.name === 'send' ? 'sending' : p.name, color: PHASE_COLORS[p.name] };
    });
}

/** The p99 lag limit of the SLA (sla_max_p99_lag_ratio x heartbeat interval), when the record has it. */
export function lagLimit(r: RunRecord): YLimit[] {
  const ratio = Number(r.config['sla.sla_max_p99_lag_ratio']);
  if (!Number.isFinite(ratio) || ratio <= 0 || !r.config['sla.sla_max_p99_lag_ratio']) return [];
  const y = ratio * r.intervalSecs;
  return [{ y, label: `SLA: p99 lag ≤ ${fmtSecs(y)}` }];
}

/** Cumulative drops by kind: from the ledger history when kept, else the HM log's count. */
function dropSeries(r: RunRecord): Series[] {
  const s = r.samples;
  if (!s.some((p) => p.ledger))
    return [{ name: 'dropped (HM log)', color: COLORS.p95, points: s.map((p) => [p.t, p.logDrops]) }];
  const kind = (name: string, color: string, f: (l: NonNullable<(typeof s)[number]['ledger']>) => number | null) => ({
    name,
    color,
    points: s.map((p) => [p.t, (p.ledger && f(p.ledger)) ?? 0] as [number, number]),
  });
  return [
    kind('stale-dropped by the HM', COLORS.p95, (l) => l.staleDropped),
    kind('dropped by the kernel', COLORS.p99, (l) => l.kernelDropped),
    kind('listener mismatch', COLORS.stale2, (l) => l.listenerMismatch),
    kind('send errors', COLORS.stale1, (l) => l.sendErrors),
  ];
}

function charts(r: RunRecord): string[] {
  const s = r.samples;
  const noDrops = dropSeries(r).every((d) => d.points.every((p) => p[1] === 0));
  const marks = phaseMarks(r);
  const x = 'seconds since sending started';
  const ledgerChart = s.some((p) => p.ledger)
    ? [
        stackedChart(
          'Where every heartbeat sent so far went (ledger)',
          x,
          'heartbeats',
          [
            { name: 'processed', color: COLORS.processed, points: s.map((p) => [p.t, p.ledger?.processed ?? 0]) },
            ...dropSeries(r),
            {
              name: 'unaccounted (in flight)',
              color: '#bbbbbb',
              points: s.map((p) => [p.t, p.ledger?.unaccounted ?? 0]),
            },
          ],
          { marks },
        ),
      ]
    : [];
  return [
    // processed first, offered dashed over it: where they agree both stay visible
    lineChart(
      'Offered vs processed heartbeats per second',
      x,
      'heartbeats/s',
      [
        { name: 'processed', color: COLORS.processed, points: s.map((p) => [p.t, p.processedPerSec]) },
        { name: 'offered', color: COLORS.offered, dash: '6 4', points: s.map((p) => [p.t, p.offeredPerSec]) },
      ],
      { marks },
    ),
    lineChart(
      `Processing lag (±${fmtSecs(r.final.lagResolutionSecs / 2)} resolution)`,
      x,
      'lag (s)',
      [
        { name: 'p50', color: COLORS.p50, points: s.map((p) => [p.t, p.lagP50]) },
        { name: 'p95', color: COLORS.p95, points: s.map((p) => [p.t, p.lagP95]) },
        { name: 'p99', color: COLORS.p99, points: s.map((p) => [p.t, p.lagP99]) },
      ],
      { marks, limits: lagLimit(r) },
    ),
    lineChart(`Dropped heartbeats so far, by kind${noDrops ? ': none' : ''}`, x, 'heartbeats', dropSeries(r), {
      marks,
    }),
    ...ledgerChart,
    lineChart(
      'Stale amphorae',
      x,
      'amphorae',
      [
        { name: '> 1 interval', color: COLORS.stale1, points: s.map((p) => [p.t, p.staleOver1]) },
        { name: '> 2 intervals', color: COLORS.stale2, points: s.map((p) => [p.t, p.staleOver2]) },
        { name: '> heartbeat_timeout', color: COLORS.timeout, points: s.map((p) => [p.t, p.staleOverTimeout]) },
      ],
      { marks },
    ),
  ];
}

export function renderHtml(r: RunRecord): string {
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
    '.verdict{font-size:2em;font-weight:bold}.KEEPING{color:#2ca02c}.FALLING{color:#ff7f0e}.FAILING{color:#d62728}' +
    '.INTERRUPTED{color:#7f7f7f}.INCONCLUSIVE{color:#9467bd}';
  const diagnosis = r.diagnosis?.length
    ? `<h2>Diagnosis</h2><ul id="diagnosis">${r.diagnosis.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>`
    : '';
  const figures = runFigures(r.final)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const phases = r.phases
    .map(
      (p) => `<tr><th>${esc(p.name)}</th><td>${esc(p.startedAt)}</td><td class="num">${fmtSecs(p.seconds)}</td></tr>`,
    )
    .join('');
  const body =
    `<h1>stresshm: health manager stress run</h1>
<p class="verdict ${esc(r.verdict.split(' ')[0])}" id="verdict">${esc(r.verdict)}</p>
<p>${r.amphorae.toLocaleString('en-US')} amphorae (${r.loadBalancers.toLocaleString('en-US')} load balancers), ` +
    `heartbeat v${r.heartbeatVersion} every ${r.intervalSecs} s to ${esc(r.endpoints.join(', '))}; prefix ` +
    `${esc(r.prefix)}.</p>
<!--meta-->
<h2>SLA</h2><table><tr><th>criterion</th><th>measured</th><th>limit</th><th></th></tr>${crit}</table>
${ledgerTable(r)}
${diagnosis}
<h2>Final figures</h2><table id="figures">${figures}</table>
<h2>Over time</h2>${charts(r).join('\n')}
<h2>Phases</h2><table id="phases">${phases}</table>`;
  return page(`stresshm report ${r.prefix}`, runMeta(r), body, style);
}
