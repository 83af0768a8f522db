// Runs every benchmark in turn, each in its own process (so one's memory and threads do not
// colour the next), printing each one's comparison as it finishes: `make bench`. The million-
// amphora run takes a few minutes and ~1 GB: it runs at 200,000 amphorae for 15 s unless
// `--million` (or STRESSHM_BENCH_MILLION=1) asks for the full size. The scaling benchmark runs
// at its full sizes (200,000 LBs, 1,000,000 amphorae): several minutes.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const full = process.argv.includes('--million') || process.env.STRESSHM_BENCH_MILLION === '1';
const BENCHES: Array<[string, string[]]> = [
  ['send', []],
  ['encode', []],
  ['fleet100k', []],
  ['million', full ? [] : ['--amphorae', '200000', '--seconds', '15']],
  ['monitor', []],
  ['populate', []],
  ['dbscale', []],
  ['scaling', []],
];

function main(): void {
  let failed = 0;
  for (const [name, args] of BENCHES) {
    process.stdout.write(`\n=== bench/${name} ${args.join(' ')} ===\n`);
    const r = spawnSync(process.execPath, [join(__dirname, `${name}.js`), ...args], { stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      process.stdout.write(`bench/${name} exited with ${r.status ?? r.signal}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main();
