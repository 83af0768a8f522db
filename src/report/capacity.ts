// The capacity report: offered load against processed rate and p99 lag, step by step.

import type { CapacityResult } from '../experiments/capacity';
import { esc, lineChart } from './chart';

export function renderCapacityHtml(r: CapacityResult): string {
  const steps = [...r.steps].sort((a, b) => a.rate - b.rate);
  const rows = steps
    .map(
      (s) =>
        `<tr class="${s.verdict === 'KEEPING UP' ? 'ok' : 'bad'}"><td>${s.rate}</td><td>${s.amphorae}</td><td>` +
        `${s.processedPerSec.toFixed(0)}</td><td>${(100 * s.processedShare).toFixed(1)}%</td><td>` +
        `${s.lagP99.toFixed(1)}</td><td>${s.drops ?? '-'}</td><td>${esc(s.verdict)}</td></tr>`,
    )
    .join('');
  const style =
    'body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse}' +
    'th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px}tr.bad td{color:#d62728}' +
    '#knee{font-size:1.4em;font-weight:bold}';
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>stresshm capacity</title>
<style>${style}</style></head><body>
<h1>stresshm: health manager capacity</h1><p id="knee">${esc(r.knee)}</p>
${lineChart('Offered vs processed heartbeats per second', 'offered heartbeats/s', 'heartbeats/s', [
  { name: 'offered', color: '#1f77b4', points: steps.map((s) => [s.rate, s.rate]) },
  { name: 'processed', color: '#2ca02c', points: steps.map((s) => [s.rate, s.processedPerSec]) },
])}
${lineChart(`p99 processing lag (s, interval ${r.intervalSecs} s)`, 'offered heartbeats/s', 'lag (s)', [
  { name: 'p99 lag', color: '#d62728', points: steps.map((s) => [s.rate, s.lagP99]) },
])}
<table><tr><th>offered/s</th><th>amphorae</th><th>processed/s</th><th>processed</th><th>p99 lag (s)</th><th>` +
    `log drops</th><th>verdict</th></tr>${rows}</table>
</body></html>`
  );
}
