// The end of a run on the terminal: the verdict (coloured where welcome), each SLA criterion,
// the figures, the ledger, the diagnosis and the report files written.

import type { RunRecord } from '../run/record';
import { colourWanted, paintVerdict, palette } from './colour';
import { fitToTerminal } from './wrap';

/** Where the summary goes: the verdict and figures to `out`, problems to `err`; --quiet prints the verdict alone. */
export interface SummaryIo {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  quiet: boolean;
  /** Colour when `out` is a terminal that welcomes it (false: --no-color). */
  colour: boolean;
}

/** The verdict, the SLA criteria, the run's figures and ledger, and the report files written. */
export function printSummary(io: SummaryIo, r: RunRecord, files: string[], problems: string[] = []): void {
  const f = r.final;
  const n = (v: number) => Math.round(v).toLocaleString('en-US');
  const out = { write: (text: string) => io.out.write(fitToTerminal(io.out, text)) }; // wrapped at spaces
  const p = palette(colourWanted(io.out, io.colour));
  out.write(`${io.quiet ? '' : '\n'}VERDICT: ${paintVerdict(p, r.verdict)}\n`);
  if (io.quiet) {
    for (const problem of problems) io.err.write(`stresshm: ${problem}\n`);
    return;
  }
  const mark = (ok: boolean | null) => (ok === null ? 'n/a ' : ok ? p.green('ok  ') : p.red('FAIL'));
  for (const c of r.criteria) out.write(`  ${mark(c.ok)} ${c.name}: ${c.actual} (limit ${c.limit})\n`);
  out.write(
    `  sent ${n(f.sent)} heartbeats, processed ${n(f.processed)} (${(f.processedShare * 100).toFixed(2)}%), ` +
      `lag p50/p95/p99/max ${f.lagP50.toFixed(2)}/${f.lagP95.toFixed(2)}/${f.lagP99.toFixed(2)}/` +
      `${f.lagMax.toFixed(2)} s (±${(f.lagResolutionSecs / 2).toFixed(2)} s resolution)\n`,
  );
  out.write(
    `  stale max: >1 interval ${n(f.staleOver1Max)}, >2 intervals ${n(f.staleOver2Max)}, >heartbeat_timeout ` +
      `${n(f.timeoutStaleMax)}; schedule lag p99 ${f.scheduleLagP99Ms.toFixed(2)} ms; sender CPU ` +
      `${f.senderCpuSeconds.toFixed(2)} s\n`,
  );
  const errs = Object.entries(f.sendErrors);
  if (errs.length) out.write(`  send errors: ${errs.map(([k, v]) => `${k} ${n(v)}`).join(', ')}\n`);
  if (f.log)
    out.write(
      `  HM log: ${f.log.drops} dropped ("THIS IS NOT GOOD"), ${f.log.listenerMismatch} listener-count ` +
        `mismatches, ${f.log.hmacFailures} HMAC failures, ${f.log.tracebacks} tracebacks, ` +
        `${f.log.failovers} failover messages\n`,
    );
  const l = r.ledger;
  if (l) {
    const m = (v: number | null) => (v === null ? 'not measurable' : n(v));
    out.write(
      `  ledger: sent ${n(l.sent)} = processed ${n(l.processed)}\n` +
        `    + stale-dropped by the HM ${m(l.staleDropped)} + kernel-dropped ${m(l.kernelDropped)}\n` +
        `    + listener mismatch ${m(l.listenerMismatch)} + send errors ${n(l.sendErrors)} + unaccounted ` +
        `${n(l.unaccounted)}\n`,
    );
  }
  if (r.diagnosis?.length) {
    out.write('  diagnosis:\n');
    for (const d of r.diagnosis) out.write(`    - ${d}\n`);
  }
  if (f.abortedEarly) out.write(`  stopped early (--abort-on-fail): ${f.abortedEarly}\n`);
  if (f.interrupted) out.write(`  stopped early: ${f.interrupted}; the figures cover the run until then\n`);
  if (f.drain?.boundReached) {
    out.write(
      `  drain: the HM was still busy at drain_timeout_secs; waited ${f.drain.extraSecs.toFixed(0)} s more` +
        `${f.drain.gaveUp ? ' and cleaned while it was still active' : ' until it was quiet'}\n`,
    );
  }
  for (const file of files) out.write(`  report: ${file}\n`);
  for (const p of problems) io.err.write(`stresshm: ${p}\n`);
}
