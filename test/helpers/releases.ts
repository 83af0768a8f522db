// The Octavia releases an integration test runs against: the installed one (Debian 12's
// Octavia 11) always; Debian roots (sid's 19, trixie's 16) in CI (CI=true), where a missing
// root is built; elsewhere a release whose root is not built yet is skipped, saying how to
// build it. STRESSHM_TEST_RELEASES=installed,sid,... chooses explicitly (roots built).

import { join } from 'node:path';
import { type OctaviaChoice, parseOctaviaChoice } from '../../src/octavia/release';
import { rootState, rootsDir } from '../../src/octavia/roots';

export interface ReleaseUnderTest {
  choice: OctaviaChoice;
  label: string;
  /** false, or why this release is skipped here. */
  skip: false | string;
}

/** `wanted`: the releases this test covers (in CI); 'installed' is always first. */
export function releasesUnderTest(wanted: string[]): ReleaseUnderTest[] {
  const explicit = process.env.STRESSHM_TEST_RELEASES?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ci = process.env.CI === 'true' || !!explicit;
  const names = explicit ? wanted.filter((w) => explicit.includes(w)) : wanted;
  return names.map((name) => {
    const choice = parseOctaviaChoice(name);
    if (choice.kind !== 'suite' || ci) return { choice, label: name, skip: false };
    const root = join(rootsDir(), choice.suite);
    const skip =
      rootState(root) === 'ready'
        ? false
        : `Debian ${choice.suite} root not built (${root}); build it with ` +
          `\`node bin/stresshm.js sandbox --octavia ${choice.suite}\` or run with CI=true`;
    return { choice, label: name, skip };
  });
}
