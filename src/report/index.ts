// Writes the reports of every command (run, capacity and its sweep, compare, api-bench): JSON,
// HTML, and for a run JUnit and the msgpack record. The paths are checked before any work starts
// (checkReportPaths); a run's report that still cannot be written does not lose the run: the
// record is saved to a named fallback file instead.

import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors';
import type { CallTiming } from '../experiments/apibench';
import type { CapacityResult } from '../experiments/capacity';
import type { BuildFigures, Comparison } from '../experiments/compare';
import type { SweepResult } from '../experiments/sweep';
import { type RunRecord, saveRecord } from '../run/record';
import { renderApiBenchHtml } from './apibench';
import { renderCapacityHtml } from './capacity';
import { renderCompareHtml } from './compare';
import { renderHtml } from './html';
import { renderJunit } from './junit';
import type { ReportMeta } from './meta';
import { renderSweepHtml } from './sweep';

export { newMeta, type ReportMeta } from './meta';

/** What a command reports: a run's record, or a search's or benchmark's result with its header. */
export type Report =
  | RunRecord
  | { kind: 'capacity'; meta: ReportMeta; result: CapacityResult; json: object }
  | { kind: 'sweep'; meta: ReportMeta; result: SweepResult; json: object }
  | { kind: 'compare'; meta: ReportMeta; a: BuildFigures; b: BuildFigures; rows: Comparison[]; json: object }
  | { kind: 'api-bench'; meta: ReportMeta; timings: CallTiming[]; json: object };

export interface ReportPaths {
  json?: string;
  html?: string;
  junit?: string;
  record?: string;
}

export interface Written {
  files: string[];
  problems: string[];
}

/** Refuses (exit 2) a report path that is a directory or lies in a missing or read-only directory. */
export function checkOutputPath(flag: string, path: string): void {
  const full = resolve(path);
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    // does not exist yet: fine, its directory is checked below
  }
  if (isDir) throw new UsageError(`--${flag} ${path} is a directory; give a file name`);
  try {
    if (!statSync(dirname(full)).isDirectory()) throw new Error('not a directory');
    accessSync(dirname(full), constants.W_OK);
  } catch {
    throw new UsageError(`--${flag} ${path}: directory ${dirname(full)} does not exist or is not writable`);
  }
}

export function checkReportPaths(paths: ReportPaths): void {
  const flags: Record<keyof ReportPaths, string> = {
    json: 'report-json',
    html: 'report-html',
    junit: 'junit',
    record: 'record',
  };
  for (const k of Object.keys(flags) as Array<keyof ReportPaths>) {
    const p = paths[k];
    if (p !== undefined) checkOutputPath(flags[k], p);
  }
}

function attempt(w: Written, path: string, write: () => void): void {
  try {
    write();
    w.files.push(path);
  } catch (e) {
    w.problems.push(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The HTML page of any report. */
export function renderReportHtml(r: Report): string {
  switch (r.kind) {
    case 'run':
      return renderHtml(r);
    case 'capacity':
      return renderCapacityHtml(r.result, r.meta);
    case 'sweep':
      return renderSweepHtml(r.result, r.meta);
    case 'compare':
      return renderCompareHtml(r.a, r.b, r.rows, r.meta);
    case 'api-bench':
      return renderApiBenchHtml(r.timings, r.meta);
  }
}

/** The JSON document of a search or benchmark: its own figures, then the header (date, target, settings). */
function reportJson(r: Exclude<Report, RunRecord>): string {
  const { date, target, settings } = r.meta;
  return `${JSON.stringify({ ...r.json, date, target, settings }, null, 2)}\n`;
}

/** Writes every asked report of r; JUnit and the record exist for runs only. */
export function writeReports(r: Report, paths: ReportPaths): Written {
  const w: Written = { files: [], problems: [] };
  if (r.kind !== 'run') {
    if (paths.json) attempt(w, paths.json, () => writeFileSync(paths.json!, reportJson(r)));
    if (paths.html) attempt(w, paths.html, () => writeFileSync(paths.html!, renderReportHtml(r)));
    return w;
  }
  if (paths.json) attempt(w, paths.json, () => writeFileSync(paths.json!, `${JSON.stringify(r, null, 2)}\n`));
  if (paths.html) attempt(w, paths.html, () => writeFileSync(paths.html!, renderHtml(r)));
  if (paths.junit) attempt(w, paths.junit, () => writeFileSync(paths.junit!, renderJunit(r)));
  if (paths.record) attempt(w, paths.record, () => saveRecord(paths.record!, r));
  if (w.problems.length > 0 && !(paths.record && w.files.includes(paths.record))) {
    const fallback = join(tmpdir(), `stresshm-record-${r.prefix || 'run'}-${Date.now()}.msgpack`);
    attempt(w, fallback, () => saveRecord(fallback, r));
    if (w.files.includes(fallback)) w.problems.push(`the run record was saved to ${fallback} instead`);
  }
  return w;
}
