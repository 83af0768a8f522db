// A test file's own temporary directory and sandboxes, removed and stopped after its tests:
// tests assert only on (and leave nothing but) what they created.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../src/octavia/sandbox';

export interface Fixture {
  dir: string;
  /** Starts a sandbox that is stopped after the file's tests. */
  sandbox(o: SandboxOptions): Promise<Sandbox>;
}

export function fixture(name: string): Fixture {
  const dir = mkdtempSync(join(tmpdir(), `stresshm-${name}-`));
  const sandboxes: Sandbox[] = [];
  after(async () => {
    await Promise.all(sandboxes.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    sandbox: async (o) => {
      const sb = await startSandbox(o);
      sandboxes.push(sb);
      return sb;
    },
  };
}

/** `--config-file SANDBOX/stresshm.conf run --hm-log LOG ...`: a run against the sandbox, following every HM log. */
export function runArgs(sb: Sandbox): string[] {
  return ['--config-file', sb.stresshmConf, 'run', ...sb.hmLogs.flatMap((l) => ['--hm-log', l])];
}
