// The compare report: both builds' capacity curves (offered vs processed) and the table.

import type { BuildFigures, Comparison } from '../experiments/compare';
import { esc, lineChart } from './chart';

export function renderCompareHtml(a: BuildFigures, b: BuildFigures, rows: Comparison[]): string {
  const curve = (f: BuildFigures) =>
    [...f.knee.steps].sort((x, y) => x.rate - y.rate).map((s) => [s.rate, s.processedPerSec] as [number, number]);
  const chart = lineChart(
    'Processed vs offered heartbeats per second',
    'offered heartbeats/s',
    'processed heartbeats/s',
    [
      { name: `A: ${a.version ?? a.build}`, color: '#1f77b4', points: curve(a) },
      { name: `B: ${b.version ?? b.build}`, color: '#d62728', points: curve(b) },
    ],
  );
  const table = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.metric)}</td><td>${r.a.toFixed(2)}</td><td>${r.b.toFixed(2)}</td><td>` +
        `${r.diffPct.toFixed(1)}%</td><td>&plusmn;${r.noisePct.toFixed(0)}%</td></tr>`,
    )
    .join('');
  const style =
    'body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}' +
    'th,td{border:1px solid #ccc;padding:3px 8px}';
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>stresshm compare</title><style>${style}` +
    `</style></head><body>
<h1>stresshm: A ${esc(a.version ?? a.build)} vs B ${esc(b.version ?? b.build)}</h1>${chart}
<table><tr><th>metric</th><th>A</th><th>B</th><th>B vs A</th><th>noise</th></tr>${table}</table>
<p>A: ${esc(a.knee.knee)}<br>B: ${esc(b.knee.knee)}</p></body></html>`
  );
}
