// Writes the reports a run asked for (--report-json, --report-html, --junit, --record). The
// paths are checked before the run writes anything; a report that still cannot be written
// does not lose the run: the record is saved to a named fallback file instead.

import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { type RunRecord, saveRecord } from '../run/record';
import { renderHtml } from './html';
import { renderJunit } from './junit';

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

export function writeReports(r: RunRecord, paths: ReportPaths): Written {
  const w: Written = { files: [], problems: [] };
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
