// Inline SVG charts for the HTML reports (lines, stacked areas): no scripts, no external resources.
// Ticks fall on round values, legends wrap onto more rows instead of running off the chart, and a
// chart may carry shaded x ranges (phases), dashed horizontal limits (SLA) and marked x values (knee).

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
  /** SVG stroke-dasharray, e.g. "6 4": drawn dashed so a line under it stays visible. */
  dash?: string;
  /** A wide translucent band (e.g. the offered load) that a thin line drawn over it never hides. */
  band?: boolean;
}

/** A shaded x range (to given) or a vertical line (to absent), labelled at the top of the plot. */
export interface XMark {
  from: number;
  to?: number;
  label: string;
  color?: string;
}

/** A dashed horizontal line at y (an SLA limit), labelled at its right end. */
export interface YLimit {
  y: number;
  label: string;
  color?: string;
}

export interface ChartOptions {
  w?: number;
  h?: number;
  /** A logarithmic x axis (all x > 0), for sizes that grow tenfold. */
  logX?: boolean;
  marks?: XMark[];
  limits?: YLimit[];
  /** Draw a dot at every point (few points, e.g. capacity steps). */
  dots?: boolean;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= raw - 1e-12) ?? 10 * p;
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

/** Round tick values from min (default 0) to max, about five of them (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(max: number, min = 0): number[] {
  const step = niceStep((max - min) / 5);
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + 1e-9; v += step) out.push(+v.toPrecision(6));
  return out.map((v) => (Object.is(v, -0) ? 0 : v));
}

/** Ticks of a log axis: powers of ten within [min, max], with 2 and 5 between them when few decades show. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(min));
  const hi = Math.ceil(Math.log10(max));
  const mults = hi - lo <= 2 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let e = lo; e <= hi; e++)
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(+v.toPrecision(6));
    }
  return out;
}

/** A tick label: thousands separated, at most 3 significant digits below 1,000. */
export function tick(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(+v.toPrecision(3));
}

/** Legend entries placed by their text's width, wrapping to a new row; returns the SVG and the rows used. */
export function legendSvg(
  names: Array<{ name: string; color: string; dash?: string; band?: boolean }>,
  left: number,
  width: number,
): { svg: string; rows: number } {
  let x = left;
  let row = 0;
  const parts = names.map((s) => {
    const w = 30 + 6.5 * s.name.length;
    if (x + w > width && x > left) {
      x = left;
      row++;
    }
    const at = x;
    x += w;
    const swatch = s.dash
      ? `<line x1="${at}" x2="${at + 16}" y1="${13 + row * 16}" y2="${13 + row * 16}" stroke="${s.color}" ` +
        `stroke-width="2.5" stroke-dasharray="4 2"/>`
      : `<rect x="${at}" y="${8 + row * 16}" width="16" height="10" fill="${s.color}"` +
        `${s.band ? ' fill-opacity="0.3"' : ''}/>`;
    const text = `<text x="${at + 20}" y="${17 + row * 16}" font-size="11">${esc(s.name)}</text>`;
    return `<g class="legend">${swatch}${text}</g>`;
  });
  return { svg: parts.join(''), rows: row + 1 };
}

interface Frame {
  w: number;
  h: number;
  pad: { l: number; r: number; t: number; b: number };
  x: (v: number) => number;
  y: (v: number) => number;
  xTicks: number[];
  yTicks: number[];
}

/** Default chart width and the plot's left and right margins (the legend spans the plot's width). */
const DEFAULT_W = 640;
const PAD_L = 56;
const PAD_R = 16;

/** The legend of `series`, wrapped within the plot's width. */
function chartLegend(series: Series[], o: ChartOptions) {
  return legendSvg(series, PAD_L, (o.w ?? DEFAULT_W) - PAD_R);
}

function frame(xs: number[], yTop: number, legendRows: number, o: ChartOptions): Frame {
  const w = o.w ?? DEFAULT_W;
  const h = (o.h ?? 260) + 16 * (legendRows - 1);
  const pad = { l: PAD_L, r: PAD_R, t: 16 + 16 * legendRows + (o.marks?.length ? 14 : 0), b: 40 };
  const marksX = (o.marks ?? []).flatMap((m) => [m.from, m.to ?? m.from]);
  let xMin: number;
  let xMax: number;
  let xTicks: number[];
  let sx: (v: number) => number;
  if (o.logX) {
    const pos = [...xs, ...marksX].filter((v) => v > 0);
    xMin = 10 ** Math.floor(Math.log10(pos.length ? Math.min(...pos) : 1));
    xMax = 10 ** Math.ceil(Math.log10(Math.max(...pos, xMin * 10)));
    xTicks = logTicks(xMin, xMax);
    sx = (v) => (Math.log10(Math.max(v, xMin)) - Math.log10(xMin)) / (Math.log10(xMax) - Math.log10(xMin));
  } else {
    // the axis spans the data exactly; the ticks fall on round values inside it
    xMin = Math.min(0, ...xs, ...marksX);
    xMax = Math.max(xMin + 1, ...xs, ...marksX);
    xTicks = niceTicks(xMax, xMin);
    sx = (v) => (v - xMin) / (xMax - xMin || 1);
  }
  const yMax = niceMax(Math.max(0, yTop, ...(o.limits ?? []).map((l) => l.y * 1.1)));
  const yTicks = niceTicks(yMax);
  return {
    w,
    h,
    pad,
    x: (v) => pad.l + sx(v) * (w - pad.l - pad.r),
    y: (v) => h - pad.b - (v / yMax) * (h - pad.t - pad.b),
    xTicks,
    yTicks,
  };
}

const n1 = (v: number) => v.toFixed(1);

function axes(f: Frame): string {
  const { pad, w, h } = f;
  const grid = f.yTicks
    .map(
      (v) =>
        `<line x1="${pad.l}" x2="${w - pad.r}" y1="${n1(f.y(v))}" y2="${n1(f.y(v))}" stroke="#ddd"/>` +
        `<text x="${pad.l - 6}" y="${n1(f.y(v) + 4)}" text-anchor="end" font-size="10">${tick(v)}</text>`,
    )
    .join('');
  const xt = f.xTicks
    .map(
      (v) =>
        `<line x1="${n1(f.x(v))}" x2="${n1(f.x(v))}" y1="${h - pad.b}" y2="${h - pad.b + 4}" stroke="#999"/>` +
        `<text class="xtick" x="${n1(f.x(v))}" y="${h - pad.b + 15}" text-anchor="middle" font-size="10">` +
        `${tick(v)}</text>`,
    )
    .join('');
  return `${grid}${xt}<line x1="${pad.l}" x2="${w - pad.r}" y1="${h - pad.b}" y2="${h - pad.b}" stroke="#999"/>`;
}

function marksSvg(f: Frame, marks: XMark[]): string {
  const top = f.pad.t - 4;
  const bottom = f.h - f.pad.b;
  let lastEnd = -Infinity;
  let row = 0;
  return marks
    .map((m) => {
      const x1 = f.x(m.from);
      // a vertical mark's label that would run into the previous one goes one row lower
      if (m.to === undefined) {
        row = x1 - 3 * m.label.length < lastEnd ? row + 1 : 0;
        lastEnd = x1 + 3 * m.label.length;
      }
      const ty = top - 2 + 12 * row;
      const width = m.to === undefined ? 0 : Math.max(0.5, f.x(m.to) - x1);
      // a band too narrow for its name keeps it in the tooltip only
      const fits = m.to === undefined || width >= 6 * m.label.length;
      // a label near an edge is anchored to stay inside the chart
      const at = x1 + width / 2;
      const half = 3 * m.label.length;
      const anchor = at + half > f.w - 2 ? 'end' : at - half < 2 ? 'start' : 'middle';
      const label = fits
        ? `<text x="${n1(at)}" y="${ty}" font-size="10" text-anchor="${anchor}" fill="#555">` + `${esc(m.label)}</text>`
        : '';
      const tip = `<title>${esc(m.label)}</title>`;
      if (m.to === undefined)
        return (
          `<g class="mark">${tip}<line x1="${n1(x1)}" x2="${n1(x1)}" y1="${top}" y2="${bottom}" ` +
          `stroke="${m.color ?? '#555'}" stroke-width="1.5" stroke-dasharray="3 3"/>${label}</g>`
        );
      return (
        `<g class="mark">${tip}<rect x="${n1(x1)}" y="${top}" width="${n1(width)}" height="${n1(bottom - top)}" ` +
        `fill="${m.color ?? '#eee'}"/>${label}</g>`
      );
    })
    .join('');
}

function limitsSvg(f: Frame, limits: YLimit[]): string {
  return limits
    .map(
      (l) =>
        `<g class="limit"><line x1="${f.pad.l}" x2="${f.w - f.pad.r}" y1="${n1(f.y(l.y))}" y2="${n1(f.y(l.y))}" ` +
        `stroke="${l.color ?? '#d62728'}" stroke-width="1.5" stroke-dasharray="8 4"/>` +
        `<text x="${f.w - f.pad.r - 4}" y="${n1(f.y(l.y) - 4)}" text-anchor="end" font-size="10" ` +
        `fill="${l.color ?? '#d62728'}">${esc(l.label)}</text></g>`,
    )
    .join('');
}

function wrap(title: string, xLabel: string, yLabel: string, f: Frame, body: string): string {
  return (
    `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" xmlns="http://www.w3.org/2000/svg" ` +
    `width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" role="img" aria-label="${esc(title)}">${body}` +
    `<text x="${(f.pad.l + f.w - f.pad.r) / 2}" y="${f.h - 6}" text-anchor="middle" font-size="11">` +
    `${esc(xLabel)}</text>` +
    `<text x="12" y="${f.h / 2}" transform="rotate(-90 12 ${f.h / 2})" text-anchor="middle" font-size="11">` +
    `${esc(yLabel)}</text></svg></figure>`
  );
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
  o: ChartOptions = {},
): string {
  const legend = chartLegend(series, o);
  const xs = series[0]?.points.map((p) => p[0]) ?? [];
  const tops = xs.map((_, i) => series.reduce((a, s) => a + Math.max(0, s.points[i]?.[1] ?? 0), 0));
  const f = frame(xs, Math.max(0, ...tops), legend.rows, { h: 280, ...o });
  const base = xs.map(() => 0);
  const areas = series
    .map((s) => {
      const lower = [...base];
      s.points.forEach((p, i) => {
        base[i] += Math.max(0, p[1]);
      });
      const upper = xs.map((t, i) => `${n1(f.x(t))},${n1(f.y(base[i]))}`);
      const back = xs.map((t, i) => `${n1(f.x(t))},${n1(f.y(lower[i]))}`).reverse();
      return (
        `<polygon class="series" data-name="${esc(s.name)}" fill="${s.color}" fill-opacity="0.85" ` +
        `stroke="none" points="${[...upper, ...back].join(' ')}"/>`
      );
    })
    .join('');
  const body = `${marksSvg(f, o.marks ?? [])}${axes(f)}${areas}${limitsSvg(f, o.limits ?? [])}${legend.svg}`;
  return wrap(title, xLabel, yLabel, f, body);
}

export function lineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: Series[],
  o: ChartOptions = {},
): string {
  const legend = chartLegend(series, o);
  const all = series.flatMap((s) => s.points);
  const f = frame(
    all.map((p) => p[0]),
    Math.max(0, ...all.map((p) => p[1])),
    legend.rows,
    o,
  );
  const lines = series
    .map(
      (s) =>
        `<polyline class="series" data-name="${esc(s.name)}" fill="none" stroke="${s.color}" ` +
        `${s.band ? 'stroke-width="7" stroke-opacity="0.3" stroke-linejoin="round" ' : 'stroke-width="2" '}` +
        `${s.dash ? `stroke-dasharray="${s.dash}" ` : ''}` +
        `points="${s.points.map((p) => `${n1(f.x(p[0]))},${n1(f.y(p[1]))}`).join(' ')}"/>` +
        (o.dots
          ? s.points
              .map((p) => `<circle cx="${n1(f.x(p[0]))}" cy="${n1(f.y(p[1]))}" r="3" fill="${s.color}"/>`)
              .join('')
          : ''),
    )
    .join('');
  const body = `${marksSvg(f, o.marks ?? [])}${axes(f)}${limitsSvg(f, o.limits ?? [])}${lines}${legend.svg}`;
  return wrap(title, xLabel, yLabel, f, body);
}

export { esc };
