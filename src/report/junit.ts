// JUnit XML for CI systems: one test case per SLA criterion of the run.

import { RunRecord } from '../run/record';

const x = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c]!));

export function renderJunit(r: RunRecord): string {
  const failures = r.criteria.filter((c) => !c.ok).length;
  const cases = r.criteria.map((c) => `    <testcase classname="stresshm.sla" name="${x(c.name)}">${c.ok ? '' : `\n      <failure message="${x(`${c.actual} (limit ${c.limit})`)}"/>\n    `}</testcase>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="stresshm ${x(r.verdict)}" tests="${r.criteria.length}" failures="${failures}" timestamp="${x(r.startedAt)}">\n${cases}\n</testsuite>\n`;
}
