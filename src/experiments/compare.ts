// A/B comparison of two health manager builds on the same scenario: for each build (the
// installed package, a Debian suite's root or an Octavia source checkout) a fresh sandbox, two runs at a fixed load
// (processing lag, HM CPU seconds per 1,000 heartbeats; the pair gives the noise) and a
// capacity search (the knee). Differences are printed in percent beside the stated noise.

import { type Config, loadConfig } from '../config/config';
import { checkInterrupted, setInterruptHint } from '../lifecycle/interrupt';
import { treeCpuSeconds } from '../octavia/processes';
import { choiceLabel, type OctaviaChoice } from '../octavia/release';
import { type Sandbox, startSandbox } from '../octavia/sandbox';
import type { RunRecord } from '../run/record';
import { runStress } from '../run/runner';
import { StepTracker } from '../run/steptrack';
import { type CapacityOptions, type CapacityResult, searchCapacity } from './capacity';

export interface BuildFigures {
  build: string;
  /** "Octavia 19.0.0 (Debian sid)" (absent in reports written before releases were named). */
  version?: string;
  lagP50: number[];
  cpuPer1000: number[];
  knee: CapacityResult;
}

export interface CompareOptions {
  fixedRate: number;
  fixedSecs: number;
  intervalSecs: number;
  capacity: CapacityOptions;
  healthUpdateThreads: number;
}

/** One stress run against the sandbox, its dashboard discarded. */
async function sandboxRun(sb: Sandbox, cfg: Config): Promise<RunRecord> {
  // on a terminal, one status line says what the run is doing and waiting for
  const track = new StepTracker(process.stdout);
  try {
    return (
      await runStress({
        cfg,
        keep: false,
        yes: true,
        hmLogs: sb.hmLogs,
        reports: {},
        out: process.stdout,
        quiet: true,
        cleanHint: (p) => p,
        subscribe: (events) =>
          track.follow(events, `run at ${Math.round((2 * cfg.loadBalancers) / cfg.heartbeatInterval)}/s`),
      })
    ).record;
  } finally {
    track.clear();
  }
}

/**
 * One run at the fixed load: its p50 lag and the HM's CPU per 1,000 processed heartbeats over
 * the send and drain window (listener plus pools, as the run's own figures measure it), so the
 * HM's background work while populating and cleaning does not count; the whole run's CPU only
 * when the run could not split it.
 */
async function fixedRun(sb: Sandbox, o: CompareOptions): Promise<{ lagP50: number; cpuPer1000: number }> {
  const pids = sb.hms.map((p) => p.child.pid!);
  const cpu = () => treeCpuSeconds(pids);
  const cfg = loadConfig([sb.stresshmConf], {
    load_balancers: String(Math.max(1, Math.round((o.fixedRate * o.intervalSecs) / 2))),
    test_runtime_secs: String(o.fixedSecs),
    heartbeat_interval: String(o.intervalSecs),
    members: '2',
  });
  const before = cpu();
  const r = await sandboxRun(sb, cfg);
  const used = cpu() - before;
  const window = r.hm?.cpuSecsPer1000;
  const cpuPer1000 = window ? window.listener + window.pools : (1000 * used) / Math.max(1, r.final.processed);
  return { lagP50: r.final.lagP50, cpuPer1000 };
}

export async function measureBuild(
  choice: OctaviaChoice,
  o: CompareOptions,
  onLine: (s: string) => void,
): Promise<BuildFigures> {
  const build = choiceLabel(choice);
  const sb = await startSandbox({
    hms: 1,
    heartbeatInterval: o.intervalSecs,
    healthUpdateThreads: o.healthUpdateThreads,
    statsUpdateThreads: 1,
    octavia: choice,
  });
  onLine(`  ${build}: ${sb.octaviaVersion}, sandbox ${sb.dir}, database ${sb.database}`);
  setInterruptHint(() => `Sandbox files are in ${sb.dir}; database ${sb.database} may remain.`);
  try {
    const a = await fixedRun(sb, o);
    checkInterrupted();
    const b = await fixedRun(sb, o);
    checkInterrupted();
    onLine(
      `  ${build}: fixed load ${o.fixedRate}/s: lag p50 ${a.lagP50.toFixed(2)} / ${b.lagP50.toFixed(2)} s, HM ` +
        `CPU ${a.cpuPer1000.toFixed(2)} / ${b.cpuPer1000.toFixed(2)} s per 1,000 heartbeats`,
    );
    const knee = await searchCapacity(
      { files: [sb.stresshmConf], overrides: { heartbeat_interval: String(o.intervalSecs), members: '2' } },
      o.capacity,
      (cfg) => sandboxRun(sb, cfg),
      (s) => onLine(`  ${build}: capacity step ${s.rate}/s -> ${s.verdict}`),
    );
    checkInterrupted();
    return {
      build,
      version: sb.octaviaVersion,
      lagP50: [a.lagP50, b.lagP50],
      cpuPer1000: [a.cpuPer1000, b.cpuPer1000],
      knee,
    };
  } finally {
    await sb.stop();
  }
}

export interface Comparison {
  metric: string;
  a: number;
  b: number;
  diffPct: number;
  noisePct: number;
  withinNoise: boolean;
}

const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
const pct = (a: number, b: number) => (a === 0 ? (b === 0 ? 0 : 100) : (100 * (b - a)) / a);

/** The knee as an interval: sustains `low`, fails at `high` (0 and Infinity when unknown). */
export function kneeInterval(f: BuildFigures): { low: number; high: number } {
  return { low: f.knee.lastGood?.rate ?? 0, high: f.knee.firstBad?.rate ?? Infinity };
}

/** Two knees differ only when their intervals do not touch: the search cannot resolve more. */
function compareKnee(a: BuildFigures, b: BuildFigures): Comparison {
  const ka = kneeInterval(a);
  const kb = kneeInterval(b);
  const width = (k: { low: number; high: number }) =>
    k.low > 0 && Number.isFinite(k.high) ? (100 * (k.high - k.low)) / k.low : 100;
  const d = pct(ka.low, kb.low);
  return {
    metric: 'capacity knee (heartbeats/s)',
    a: ka.low,
    b: kb.low,
    diffPct: d,
    noisePct: Math.max(width(ka), width(kb)),
    withinNoise: ka.low <= kb.high && kb.low <= ka.high,
  };
}

/** Processing lag is read from whole-second timestamps: differences below half a second are not resolved. */
const LAG_RESOLUTION_SECS = 0.5;

/**
 * Noise of a measured metric: twice the larger relative spread of the repeated runs of either
 * build, with a floor (whole-second lag, 10% for CPU) below which nothing is resolved. Lags
 * that differ by less than the lag resolution are within noise whatever their ratio.
 */
export function compareFigures(a: BuildFigures, b: BuildFigures): Comparison[] {
  const spread = (v: number[]) => (mean(v) === 0 ? 0 : (100 * (Math.max(...v) - Math.min(...v))) / mean(v));
  const lagFloor = (100 * LAG_RESOLUTION_SECS) / Math.max(LAG_RESOLUTION_SECS, mean([...a.lagP50, ...b.lagP50]));
  const rows: Array<[string, number, number, number, number]> = [
    [
      'processing lag p50 at fixed load (s)',
      mean(a.lagP50),
      mean(b.lagP50),
      Math.max(2 * spread(a.lagP50), 2 * spread(b.lagP50), lagFloor),
      LAG_RESOLUTION_SECS,
    ],
    [
      'HM CPU seconds per 1,000 heartbeats',
      mean(a.cpuPer1000),
      mean(b.cpuPer1000),
      Math.max(2 * spread(a.cpuPer1000), 2 * spread(b.cpuPer1000), 10),
      0,
    ],
  ];
  return [
    compareKnee(a, b),
    ...rows.map(([metric, x, y, noise, absolute]) => {
      const d = pct(x, y);
      return {
        metric,
        a: x,
        b: y,
        diffPct: d,
        noisePct: noise,
        withinNoise: Math.abs(d) <= noise || Math.abs(y - x) < absolute,
      };
    }),
  ];
}

/** The comparison as a text table: a metric a line, B against A and the noise of the fixed runs. */
export function comparisonTable(rows: Comparison[]): string[] {
  const head = `\n${'metric'.padEnd(40)} ${'A'.padStart(10)} ${'B'.padStart(10)} ${'B vs A'.padStart(9)}  noise`;
  return [
    head,
    ...rows.map(
      (r) =>
        `${r.metric.padEnd(40)} ${r.a.toFixed(2).padStart(10)} ${r.b.toFixed(2).padStart(10)} ` +
        `${`${r.diffPct >= 0 ? '+' : ''}${r.diffPct.toFixed(1)}%`.padStart(9)}  +-${r.noisePct.toFixed(0)}%` +
        `${r.withinNoise ? ' (within noise)' : ' (BEYOND NOISE)'}`,
    ),
  ];
}
