// Writes the reports a run asked for (--report-json, --report-html, --junit, --record).

import { writeFileSync } from 'node:fs';
import { RunRecord, saveRecord } from '../run/record';
import { renderHtml } from './html';
import { renderJunit } from './junit';

export interface ReportPaths { json?: string; html?: string; junit?: string; record?: string }

export function writeReports(r: RunRecord, paths: ReportPaths): string[] {
  const written: string[] = [];
  if (paths.json) { writeFileSync(paths.json, `${JSON.stringify(r, null, 2)}\n`); written.push(paths.json); }
  if (paths.html) { writeFileSync(paths.html, renderHtml(r)); written.push(paths.html); }
  if (paths.junit) { writeFileSync(paths.junit, renderJunit(r)); written.push(paths.junit); }
  if (paths.record) { saveRecord(paths.record, r); written.push(paths.record); }
  return written;
}
