// Where the Octavia schema dumps live for the benchmarks (not the test helpers): $STRESSHM_SCHEMA_DIR,
// ../shared/octavia-schemas beside the checkout (CI layout), else the workplace copy.

import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function schemaDumpPath(version: string): string {
  const dir =
    [
      process.env.STRESSHM_SCHEMA_DIR,
      join(__dirname, '..', '..', '..', 'shared', 'octavia-schemas'),
      '/work/shared/octavia-schemas',
    ].find((d): d is string => !!d && existsSync(d)) ?? '../shared/octavia-schemas';
  return join(dir, `octavia-${version}.sql`);
}
