// The api-bench report: p50 latency of each list call against population size, and a table.

import type { CallTiming } from '../experiments/apibench';
import { esc, lineChart } from './chart';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

export function renderApiBenchHtml(t: CallTiming[]): string {
  const calls = [...new Set(t.map((r) => r.call))];
  const chart = lineChart(
    'p50 latency of the full list against population size',
    'load balancers in the project',
    'ms',
    calls.map((c, i) => ({
      name: c,
      color: COLORS[i % COLORS.length],
      points: t.filter((r) => r.call === c && r.variant === 'full').map((r) => [r.size, r.p50Ms] as [number, number]),
    })),
  );
  const rows = t
    .map(
      (r) =>
        `<tr><td>${r.size}</td><td>${esc(r.call)}</td><td>${r.variant}</td><td>${r.status}</td><td>${r.count}/` +
        `${r.expected}</td><td>${r.p50Ms.toFixed(1)}</td><td>${r.p95Ms.toFixed(1)}</td><td>` +
        `${r.maxMs.toFixed(1)}</td></tr>`,
    )
    .join('');
  const style =
    'body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}' +
    'th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px}';
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>stresshm api-bench</title><style>${style}` +
    `</style></head><body>
<h1>stresshm: Octavia API list calls</h1>${chart}
<table><tr><th>LBs</th><th>call</th><th>variant</th><th>status</th><th>count</th><th>p50 ms</th><th>p95 ms</th>` +
    `<th>max ms</th></tr>${rows}</table></body></html>`
  );
}
