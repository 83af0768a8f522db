// The reports of the commands that are not a single run (capacity, sweep, compare, api-bench):
// their header (date, target, settings, version) and one path to writeReports, so every kind is
// checked before work starts and written the same way.

import { displaySettings, loadSettings } from '../config/config';
import { EnvError } from '../errors';
import { checkReportPaths, newMeta, type Report, type ReportMeta, writeReports } from '../report';
import { maskSecrets } from '../report/meta';
import { type CommandContext, flagString } from './command';

/** Flags never shown in a report: its own output paths, and secrets. */
const HIDDEN = /^(report_json|report_html|junit|record|csv)$/;
const SECRET = /token|pass|secret|key|credential/i;

/** --report-json and --report-html of a command, checked now (exit 2 before any work). */
export function reportPaths(ctx: CommandContext): { json?: string; html?: string } {
  const paths = { json: flagString(ctx, 'report_json'), html: flagString(ctx, 'report_html') };
  checkReportPaths(paths);
  return paths;
}

/** The command's own flags as "--name" -> value (report paths left out, secrets masked). */
export function flagSettings(ctx: CommandContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.flags)) {
    if (v === undefined || v === false || HIDDEN.test(k)) continue;
    const text = Array.isArray(v) ? v.join(', ') : String(v);
    out[`--${k.replace(/_/g, '-')}`] = SECRET.test(k) ? '***' : maskSecrets(text);
  }
  return out;
}

/** The effective options (secrets masked), then the command's own flags. */
export function commandSettings(ctx: CommandContext, files = ctx.configFiles): Record<string, string> {
  return { ...displaySettings(loadSettings(files, ctx.overrides)), ...flagSettings(ctx) };
}

/** The header of a command's report made now. */
export function commandMeta(ctx: CommandContext, target: string, files = ctx.configFiles): ReportMeta {
  return newMeta(target, commandSettings(ctx, files));
}

/** Writes the asked reports, prints where, and fails (exit 3) when one could not be written. */
export function emitReports(ctx: CommandContext, r: Report, paths: { json?: string; html?: string }): void {
  const w = writeReports(r, paths);
  for (const f of w.files) ctx.out.write(`  report: ${f}\n`);
  if (w.problems.length) throw new EnvError(w.problems.join('; '));
}
