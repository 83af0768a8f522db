// What every HTML report says about itself, so it can stand alone in a ticket: when it was made,
// against what (the database URL with its password masked), with which settings, by which version.

import type { RunRecord } from '../run/record';
import { toolVersion } from '../version';
import { esc } from './chart';

export interface ReportMeta {
  /** ISO time the measurement started. */
  date: string;
  /** What was measured, passwords masked. */
  target: string;
  /** Every setting that shaped the result, "section.name" or flag -> value, secrets masked. */
  settings: Record<string, string>;
  version: string;
}

/** Any password a URL-like text could still carry ("user:pw@", "password=pw") replaced by ***. */
export function maskSecrets(text: string): string {
  return text
    .replace(/(\/\/[^/:@\s]*):[^@\s/]*@/g, '$1:***@')
    .replace(/((?:^|[?&;\s])[^=&\s]*pass[^=&\s]*)=[^&\s]*/gi, '$1=***');
}

/** A report header for a run's record: its target is the database and the HM endpoints. */
export function runMeta(r: RunRecord): ReportMeta {
  const db = r.config['test_params.octavia_db_connection'] || r.config['database.connection'];
  return {
    date: r.startedAt,
    target: `${db ? `database ${db}; ` : ''}HM ${r.endpoints.join(', ')}`,
    settings: r.config,
    version: r.version ?? 'unknown (record older than versions)',
  };
}

/** A header made now, for a search or a benchmark. */
export function newMeta(target: string, settings: Record<string, string>, date = new Date()): ReportMeta {
  return { date: date.toISOString(), target, settings, version: toolVersion() };
}

/** Date, target and version as a line, and the settings in a table. */
export function metaHtml(m: ReportMeta): string {
  const settings = Object.entries(m.settings)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(maskSecrets(v))}</td></tr>`)
    .join('');
  return (
    `<table id="meta"><tr><th>date</th><td>${esc(m.date)}</td></tr>` +
    `<tr><th>target</th><td>${esc(maskSecrets(m.target))}</td></tr>` +
    `<tr><th>stresshm</th><td>${esc(m.version)}</td></tr></table>` +
    `<details id="settings"><summary>Settings (${Object.keys(m.settings).length})</summary>` +
    `<table>${settings}</table></details>`
  );
}

/** The shared style of every report page. */
export const STYLE =
  'body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}' +
  'th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;font-size:13px}td.num{text-align:right}' +
  'tr.bad td{color:#d62728}tr.unchecked td{color:#7f7f7f}figure{margin:1em 0}figcaption{font-weight:bold}' +
  '#meta th{background:#f6f6f6}summary{cursor:pointer;font-weight:bold}';

/** The page around a report body. */
export function page(title: string, m: ReportMeta, body: string, style = ''): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>` +
    `<style>${STYLE}${style}</style></head><body>\n${body.replace('<!--meta-->', metaHtml(m))}\n</body></html>\n`
  );
}
