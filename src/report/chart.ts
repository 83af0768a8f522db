// Inline SVG charts for the HTML report (lines, stacked areas): no scripts, no external resources.
// Legends wrap onto more rows instead of running off the chart.

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

/** Legend entries placed by their text's width, wrapping to a new row; returns the SVG and the rows used. */
export function legendSvg(
  names: Array<{ name: string; color: string }>,
  left: number,
  width: number,
): { svg: string; rows: number } {
  let x = left;
  let row = 0;
  const parts = names.map((s) => {
    const w = 24 + 6.5 * s.name.length;
    if (x + w > width && x > left) {
      x = left;
      row++;
    }
    const at = x;
    x += w;
    return (
      `<rect x="${at}" y="${8 + row * 16}" width="10" height="10" fill="${s.color}"/>` +
      `<text x="${at + 14}" y="${17 + row * 16}" font-size="11">${esc(s.name)}</text>`
    );
  });
  return { svg: parts.join(''), rows: row + 1 };
}

/**
 * Stacked areas: each series' value sits on top of the ones before it, so the top edge is the
 * total (e.g. every heartbeat sent, split by where it went).
 */
export function stackedChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: Series[],
  w = 640,
  h = 280,
): string {
  const legend = legendSvg(series, 56, w - 16);
  const pad = { l: 56, r: 16, t: 16 + 16 * legend.rows, b: 40 };
  const xs = series[0]?.points.map((p) => p[0]) ?? [];
  const tops = xs.map((_, i) => series.reduce((a, s) => a + Math.max(0, s.points[i]?.[1] ?? 0), 0));
  const xMax = Math.max(1, ...xs);
  const yMax = niceMax(Math.max(0, ...tops));
  const x = (v: number) => pad.l + (v / xMax) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / yMax) * (h - pad.t - pad.b);
  const base = xs.map(() => 0);
  const areas = series
    .map((s) => {
      const lower = [...base];
      s.points.forEach((p, i) => {
        base[i] += Math.max(0, p[1]);
      });
      const upper = xs.map((t, i) => `${x(t).toFixed(1)},${y(base[i]).toFixed(1)}`);
      const back = xs.map((t, i) => `${x(t).toFixed(1)},${y(lower[i]).toFixed(1)}`).reverse();
      return (
        `<polygon class="series" data-name="${esc(s.name)}" fill="${s.color}" fill-opacity="0.85" ` +
        `stroke="none" points="${[...upper, ...back].join(' ')}"/>`
      );
    })
    .join('');
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (f) =>
        `<line x1="${pad.l}" x2="${w - pad.r}" y1="${y(yMax * f)}" y2="${y(yMax * f)}" stroke="#ddd"/>` +
        `<text x="${pad.l - 6}" y="${y(yMax * f) + 4}" text-anchor="end" font-size="10">${tick(yMax * f)}</text>`,
    )
    .join('');
  const xTicks = niceTicks(xMax)
    .map((v) => `<text x="${x(v)}" y="${h - pad.b + 14}" text-anchor="middle" font-size="10">${tick(v)}</text>`)
    .join('');
  return (
    `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" xmlns="http://www.w3.org/2000/svg" ` +
    `width="${w}" height="${h}" ` +
    `viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">${grid}${areas}${xTicks}${legend.svg}` +
    `<text x="${w / 2}" y="${h - 6}" text-anchor="middle" font-size="11">${esc(xLabel)}</text>` +
    `<text x="12" y="${h / 2}" transform="rotate(-90 12 ${h / 2})" text-anchor="middle" font-size="11">` +
    `${esc(yLabel)}</text></svg></figure>`
  );
}

/** Round tick values from 0 to max (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(max: number): number[] {
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * p).find((m) => m >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = 0; v <= max + 1e-9; v += step) out.push(+v.toPrecision(6));
  return out;
}

/** A tick label: thousands separated, at most 3 significant digits below 1,000. */
export function tick(v: number): string {
  return v >= 1000 ? Math.round(v).toLocaleString('en-US') : String(+v.toPrecision(3));
}

export function lineChart(title: string, xLabel: string, yLabel: string, series: Series[], w = 640, h = 260): string {
  const pad = { l: 56, r: 16, t: 28, b: 40 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const xMin = Math.min(0, ...all.map((p) => p[0]));
  const yMax = niceMax(Math.max(0, ...all.map((p) => p[1])));
  const x = (v: number) => pad.l + ((v - xMin) / (xMax - xMin || 1)) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / yMax) * (h - pad.t - pad.b);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = yMax * f;
      return (
        `<line x1="${pad.l}" x2="${w - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="` +
        `${pad.l - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${+v.toPrecision(3)}</text>`
      );
    })
    .join('');
  const xTicks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const v = xMin + (xMax - xMin) * f;
      return `<text x="${x(v)}" y="${h - pad.b + 14}" text-anchor="middle" font-size="10">${+v.toPrecision(3)}</text>`;
    })
    .join('');
  const lines = series
    .map(
      (s) =>
        `<polyline class="series" data-name="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="2" ` +
        `points="${s.points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`,
    )
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${pad.l + i * 150}" y="8" width="10" height="10" fill="${s.color}"/><text x="` +
        `${pad.l + 14 + i * 150}" y="17" font-size="11">${esc(s.name)}</text>`,
    )
    .join('');
  return (
    `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" xmlns="http://www.w3.org/2000/svg" ` +
    `width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}">${grid}` +
    `${xTicks}${lines}${legend}` +
    `<text x="${w / 2}" y="${h - 6}" text-anchor="middle" font-size="11">${esc(xLabel)}</text><text x="12" y="` +
    `${h / 2}" transform="rotate(-90 12 ${h / 2})" text-anchor="middle" font-size="11">` +
    `${esc(yLabel)}</text></svg></figure>`
  );
}

export { esc };
