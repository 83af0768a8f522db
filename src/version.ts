// The tool's version, read once from the package.json shipped next to the compiled code
// (dist/src/version.js -> ../../package.json), so `--version` and every report agree.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

let cached: string | undefined;

export function toolVersion(): string {
  if (cached === undefined) {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    cached = pkg.version ?? 'unknown';
  }
  return cached;
}
