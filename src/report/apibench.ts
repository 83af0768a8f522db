// The api-bench report: p50 latency of each list call against population size (log axis), for
// the full list and for one page, and the table of every timing.

import type { CallTiming } from '../experiments/apibench';
import { esc, lineChart } from './chart';
import { page, type ReportMeta } from './meta';

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function chart(t: CallTiming[], variant: CallTiming['variant'], title: string): string {
  const calls = [...new Set(t.filter((r) => r.variant === variant).map((r) => r.call))];
  if (calls.length === 0) return '';
  return lineChart(
    title,
    'load balancers in the project (log scale)',
    'p50 latency (ms)',
    calls.map((c, i) => ({
      name: c,
      color: COLORS[i % COLORS.length],
      points: t.filter((r) => r.call === c && r.variant === variant).map((r) => [r.size, r.p50Ms] as [number, number]),
    })),
    { logX: true, dots: true },
  );
}

export function renderApiBenchHtml(t: CallTiming[], meta: ReportMeta): string {
  const rows = t
    .map(
      (r) =>
        `<tr class="${r.status === 200 && r.count === r.expected ? 'ok' : 'bad'}"><td class="num">` +
        `${r.size.toLocaleString('en-US')}</td><td>${esc(r.call)}</td><td>${r.variant}</td><td>${r.status}</td>` +
        `<td class="num">${r.count.toLocaleString('en-US')} of ${r.expected.toLocaleString('en-US')}</td>` +
        `<td class="num">${r.p50Ms.toFixed(1)}</td><td class="num">${r.p95Ms.toFixed(1)}</td><td class="num">` +
        `${r.maxMs.toFixed(1)}</td></tr>`,
    )
    .join('');
  const body =
    `<h1>stresshm: Octavia API list calls</h1>
<!--meta-->
${chart(t, 'full', 'p50 latency of the full list against population size')}
${chart(t, 'page', 'p50 latency of one page against population size')}
${chart(t, 'filter', 'p50 latency of a filtered list against population size')}
<table id="timings"><tr><th>LBs</th><th>call</th><th>variant</th><th>status</th><th>items</th><th>p50 ms</th>` +
    `<th>p95 ms</th><th>max ms</th></tr>${rows}</table>`;
  return page('stresshm api-bench', meta, body);
}
