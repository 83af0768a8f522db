// A strict reader of the Prometheus text exposition format (0.0.4): every sample belongs to a
// family declared by # HELP and # TYPE before it, names and labels are well formed, values
// are numbers, no series repeats. Anything else throws, naming the line.

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface PromFamily {
  name: string;
  type: string;
  help: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = new Set(['counter', 'gauge', 'summary', 'histogram', 'untyped']);

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,?)/.exec(rest);
    if (!m) throw new Error(`bad labels in: ${line}`);
    if (m[1] in labels) throw new Error(`repeated label ${m[1]} in: ${line}`);
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
    if (!m[3] && rest.length > 0) throw new Error(`bad labels in: ${line}`);
  }
  return labels;
}

function parseValue(v: string, line: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) throw new Error(`bad value in: ${line}`);
  return Number(v);
}

export function parsePromText(text: string): Map<string, PromFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  let current: PromFamily | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      if (!NAME.test(meta[2])) throw new Error(`bad metric name: ${line}`);
      const fam = families.get(meta[2]) ?? { name: meta[2], type: '', help: '', samples: [] };
      if (meta[1] === 'HELP') fam.help = meta[3];
      else if (!TYPES.has(meta[3]) || fam.type) throw new Error(`bad or repeated TYPE: ${line}`);
      else fam.type = meta[3];
      families.set(meta[2], fam);
      current = fam;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    if (!current || current.name !== m[1] || !current.type || !current.help) {
      throw new Error(`sample outside its declared family: ${line}`);
    }
    const labels = parseLabels(m[2] ?? '', line);
    const key = `${m[1]}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`repeated series: ${line}`);
    seen.add(key);
    current.samples.push({ name: m[1], labels, value: parseValue(m[3], line) });
  }
  return families;
}

/** The value of the one series of `name` with exactly these labels (throws if absent). */
export function promValue(f: Map<string, PromFamily>, name: string, labels: Record<string, string> = {}): number {
  const s = f
    .get(name)
    ?.samples.find(
      (x) => JSON.stringify(Object.entries(x.labels).sort()) === JSON.stringify(Object.entries(labels).sort()),
    );
  if (!s) throw new Error(`no series ${name}${JSON.stringify(labels)}`);
  return s.value;
}
