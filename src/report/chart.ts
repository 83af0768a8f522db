// Inline SVG line charts for the HTML report: no scripts, no external resources.

export interface Series { name: string; color: string; points: Array<[number, number]> }

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]!));

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], w = 640, h = 260): string {
  const pad = { l: 56, r: 16, t: 28, b: 40 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const xMin = Math.min(0, ...all.map((p) => p[0]));
  const yMax = niceMax(Math.max(0, ...all.map((p) => p[1])));
  const x = (v: number) => pad.l + ((v - xMin) / (xMax - xMin || 1)) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / yMax) * (h - pad.t - pad.b);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = yMax * f;
    return `<line x1="${pad.l}" x2="${w - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${pad.l - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${+v.toPrecision(3)}</text>`;
  }).join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = xMin + (xMax - xMin) * f;
    return `<text x="${x(v)}" y="${h - pad.b + 14}" text-anchor="middle" font-size="10">${+v.toPrecision(3)}</text>`;
  }).join('');
  const lines = series.map((s) => `<polyline class="series" data-name="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="2" points="${s.points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`).join('');
  const legend = series.map((s, i) => `<rect x="${pad.l + i * 150}" y="8" width="10" height="10" fill="${s.color}"/><text x="${pad.l + 14 + i * 150}" y="17" font-size="11">${esc(s.name)}</text>`).join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">${grid}${xTicks}${lines}${legend}` +
    `<text x="${w / 2}" y="${h - 6}" text-anchor="middle" font-size="11">${esc(xLabel)}</text><text x="12" y="${h / 2}" transform="rotate(-90 12 ${h / 2})" text-anchor="middle" font-size="11">${esc(yLabel)}</text></svg></figure>`;
}

export { esc };
