// The compare report: both builds' capacity curves (offered vs processed) with their knees
// marked, and the table with each row's verdict: within the noise, or different.

import type { BuildFigures, Comparison } from '../experiments/compare';
import { kneeMarks } from './capacity';
import { esc, lineChart, type XMark } from './chart';
import { page, type ReportMeta } from './meta';

/** Each build's last rate that kept up, one mark when both knees are at the same rate. */
function knees(a: BuildFigures, b: BuildFigures): XMark[] {
  const [ka, kb] = [kneeMarks(a.knee, 'A ')[0], kneeMarks(b.knee, 'B ')[0]].map((m) =>
    m?.label.includes('kept') ? m : undefined,
  );
  if (ka && kb && ka.from === kb.from) return [{ ...ka, label: `A and B kept up ${ka.from}/s` }];
  return [ka, kb].filter((m): m is XMark => m !== undefined);
}

export function renderCompareHtml(a: BuildFigures, b: BuildFigures, rows: Comparison[], meta: ReportMeta): string {
  const curve = (f: BuildFigures) =>
    [...f.knee.steps].sort((x, y) => x.rate - y.rate).map((s) => [s.rate, s.processedPerSec] as [number, number]);
  const chart = lineChart(
    'Processed vs offered heartbeats per second',
    'offered heartbeats/s',
    'processed heartbeats/s',
    [
      { name: `A: ${a.version ?? a.build}`, color: '#1f77b4', points: curve(a) },
      { name: `B: ${b.version ?? b.build}`, color: '#d62728', dash: '6 4', points: curve(b) },
    ],
    {
      dots: true,
      marks: knees(a, b),
    },
  );
  const table = rows
    .map(
      (r) =>
        `<tr class="${r.withinNoise ? 'ok' : 'bad'}"><td>${esc(r.metric)}</td><td class="num">${r.a.toFixed(2)}</td>` +
        `<td class="num">${r.b.toFixed(2)}</td><td class="num">${r.diffPct >= 0 ? '+' : ''}${r.diffPct.toFixed(1)}%` +
        `</td><td class="num">&plusmn;${r.noisePct.toFixed(0)}%</td>` +
        `<td class="verdict">${r.withinNoise ? 'within noise' : 'different'}</td></tr>`,
    )
    .join('');
  const body =
    `<h1>stresshm: A ${esc(a.version ?? a.build)} vs B ${esc(b.version ?? b.build)}</h1>
<!--meta-->
${chart}
<table id="comparison"><tr><th>metric</th><th>A</th><th>B</th><th>B vs A</th><th>noise</th><th>verdict</th></tr>` +
    `${table}</table>
<p>A: ${esc(a.knee.knee)}<br>B: ${esc(b.knee.knee)}</p>`;
  return page('stresshm compare', meta, body);
}
