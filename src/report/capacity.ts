// The capacity report: offered load against processed rate and p99 lag, step by step, with the
// knee marked between the last rate that kept up and the first that did not, and the SLA drawn.

import type { CapacityResult } from '../experiments/capacity';
import { esc, lineChart, type XMark, type YLimit } from './chart';
import { fmtSecs } from './figures';
import { page, type ReportMeta } from './meta';

/** The knee as marks: the last rate that kept up, the first that failed, and one stresshm could not send. */
export function kneeMarks(r: CapacityResult, prefix = ''): XMark[] {
  const out: XMark[] = [];
  if (r.lastGood) out.push({ from: r.lastGood.rate, label: `${prefix}kept up ${r.lastGood.rate}/s`, color: '#2ca02c' });
  if (r.firstBad) out.push({ from: r.firstBad.rate, label: `${prefix}failed ${r.firstBad.rate}/s`, color: '#d62728' });
  if (r.senderLimit) {
    out.push({ from: r.senderLimit.rate, label: `${prefix}not sent ${r.senderLimit.rate}/s`, color: '#9467bd' });
  }
  return out;
}

/** The SLA's p99 lag limit (ratio x interval) from the settings, when they hold it. */
export function slaLagLimit(settings: Record<string, string>, intervalSecs: number): YLimit[] {
  const ratio = Number(settings['sla.sla_max_p99_lag_ratio']);
  if (!settings['sla.sla_max_p99_lag_ratio'] || !Number.isFinite(ratio) || ratio <= 0) return [];
  return [{ y: ratio * intervalSecs, label: `SLA: p99 lag ≤ ${fmtSecs(ratio * intervalSecs)}` }];
}

export function renderCapacityHtml(r: CapacityResult, meta: ReportMeta): string {
  const steps = [...r.steps].sort((a, b) => a.rate - b.rate);
  const rows = steps
    .map(
      (s) =>
        `<tr class="${s.verdict === 'KEEPING UP' ? 'ok' : 'bad'}"><td class="num">${s.rate.toLocaleString('en-US')}` +
        `</td><td class="num">${s.amphorae.toLocaleString('en-US')}</td><td class="num">` +
        `${s.processedPerSec.toFixed(0)}</td><td class="num">${(100 * s.processedShare).toFixed(1)}%</td>` +
        `<td class="num">${fmtSecs(s.lagP99)}</td><td class="num">${s.drops ?? 'not followed'}</td>` +
        `<td>${esc(s.verdict)}</td></tr>`,
    )
    .join('');
  const marks = kneeMarks(r);
  const minShare = Number(meta.settings['sla.sla_min_processed_share']);
  const slaShare = Number.isFinite(minShare) && minShare > 0 && meta.settings['sla.sla_min_processed_share'];
  const body =
    `<h1>stresshm: health manager capacity</h1><p id="knee">${esc(r.knee)}</p>
<!--meta-->
${lineChart(
  'Offered vs processed heartbeats per second (one point per step)',
  'offered heartbeats/s',
  'heartbeats/s',
  [
    { name: 'offered', color: '#1f77b4', band: true, points: steps.map((s) => [s.rate, s.rate]) },
    ...(slaShare
      ? [
          {
            name: `SLA: processed ≥ ${(100 * minShare).toFixed(0)}% of offered`,
            color: '#d62728',
            dash: '2 3',
            points: steps.map((s) => [s.rate, s.rate * minShare] as [number, number]),
          },
        ]
      : []),
    { name: 'processed', color: '#2ca02c', points: steps.map((s) => [s.rate, s.processedPerSec]) },
  ],
  { marks, dots: true },
)}
${lineChart(
  `p99 processing lag (heartbeat interval ${r.intervalSecs} s)`,
  'offered heartbeats/s',
  'lag (s)',
  [{ name: 'p99 lag', color: '#d62728', points: steps.map((s) => [s.rate, s.lagP99]) }],
  { marks, dots: true, limits: slaLagLimit(meta.settings, r.intervalSecs) },
)}
<table id="steps"><tr><th>offered/s</th><th>amphorae</th><th>processed/s</th><th>processed</th><th>p99 lag</th>` +
    `<th>HM log drops</th><th>verdict</th></tr>${rows}</table>`;
  return page('stresshm capacity', meta, body, '#knee{font-size:1.4em;font-weight:bold}');
}
