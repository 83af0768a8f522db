// Runs every benchmark in turn, each in its own process (so one's memory and threads do not
// colour the next), printing each one's comparison as it finishes: `make bench`.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const BENCHES = ['send', 'encode', 'fleet100k', 'monitor', 'populate', 'dbscale'];

function main(): void {
  let failed = 0;
  for (const name of BENCHES) {
    process.stdout.write(`\n=== bench/${name} ===\n`);
    const r = spawnSync(process.execPath, [join(__dirname, `${name}.js`)], { stdio: 'inherit' });
    if (r.status !== 0) {
      failed++;
      process.stdout.write(`bench/${name} exited with ${r.status ?? r.signal}\n`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

main();
