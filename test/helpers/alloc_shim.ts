// Builds bench/c/malloc_count.c, the allocation counter the native engine's benchEncode reads
// when it is preloaded (LD_PRELOAD): the no-allocation test and bench/encode.ts use it.

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Compiles the shim into a new temporary directory; returns the directory and the library's path. */
export function buildAllocShim(): { dir: string; library: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stresshm-alloc-shim-'));
  const library = join(dir, 'malloc_count.so');
  const source = join(__dirname, '..', '..', '..', 'bench', 'c', 'malloc_count.c');
  execFileSync('cc', ['-O2', '-shared', '-fPIC', '-o', library, source]);
  return { dir, library };
}

/** The environment without the shim, for the processes a benchmark or test starts. */
export function envWithoutShim(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  return env;
}
