// The capacity sweep report: knee, HM CPU and database statements per heartbeat against the
// LB shape that was swept, with the table they come from.

import type { SweepPoint, SweepResult } from '../experiments/sweep';
import { esc, lineChart } from './chart';
import { page, type ReportMeta } from './meta';

const fmt = (v: number | undefined, digits: number) => (v === undefined ? 'not measured' : v.toFixed(digits));

/** The knee's cell: a lower bound when stresshm's own limit ended the search. */
function kneeCell(p: SweepPoint): string {
  if (p.knee === undefined)
    return p.senderLimited ? 'not measured (stresshm could not send the lowest rate)' : 'below the lowest rate';
  return p.senderLimited ? `&ge; ${p.knee}` : String(p.knee);
}

export function renderSweepHtml(r: SweepResult, meta: ReportMeta): string {
  const dim = r.dimension;
  const pts = r.points;
  const series = (name: string, color: string, f: (p: SweepResult['points'][number]) => number | undefined) => [
    { name, color, points: pts.filter((p) => f(p) !== undefined).map((p) => [p.value, f(p)!] as [number, number]) },
  ];
  const rows = pts
    .map(
      (p) =>
        `<tr><td>${p.value}</td><td>${kneeCell(p)}</td>` +
        `<td>${fmt(p.cpuSecsPer1000, 2)}</td><td>${fmt(p.statementsPerHeartbeat, 1)}</td><td>` +
        `${esc(p.result.knee)}</td></tr>`,
    )
    .join('');
  const body =
    `<h1>stresshm: health manager capacity against ${esc(dim)} per LB</h1>
<p>Heartbeat interval ${r.intervalSecs} s; one capacity search per value. The figures of each value are from ` +
    `its last step that kept up.</p>
<!--meta-->
${lineChart(
  `Knee (heartbeats/s kept up) against ${dim}`,
  dim,
  'heartbeats/s',
  series('knee', '#2ca02c', (p) => p.knee),
  { dots: true },
)}
${lineChart(
  `HM CPU seconds per 1,000 processed heartbeats against ${dim}`,
  dim,
  'CPU s',
  series('CPU', '#1f77b4', (p) => p.cpuSecsPer1000),
  { dots: true },
)}
${lineChart(
  `Database statements per processed heartbeat against ${dim}`,
  dim,
  'statements',
  series('statements', '#d62728', (p) => p.statementsPerHeartbeat),
  { dots: true },
)}
<table><tr><th>${esc(dim)}</th><th>knee (heartbeats/s)</th><th>HM CPU s per 1,000</th><th>statements per ` +
    `heartbeat</th><th>search</th></tr>${rows}</table>`;
  return page(`stresshm capacity sweep over ${dim}`, meta, body);
}
