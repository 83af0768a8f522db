// JUnit XML for CI systems: a stable suite name, one test case per SLA criterion (skipped
// when not checked) and one for the verdict itself, with the run's duration.

import type { RunRecord } from '../run/record';

const x = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

function testCase(name: string, ok: boolean | null, message: string): string {
  const body = ok === null ? `<skipped message="${x(message)}"/>` : ok ? '' : `<failure message="${x(message)}"/>`;
  return `    <testcase classname="stresshm.sla" name="${x(name)}">${body}</testcase>`;
}

export function renderJunit(r: RunRecord): string {
  const seconds = r.phases.reduce((a, p) => a + p.seconds, 0);
  const cases = [
    testCase('verdict', r.verdict === 'KEEPING UP', `verdict ${r.verdict}`),
    ...r.criteria.map((c) => testCase(c.name, c.ok, `${c.actual} (limit ${c.limit})`)),
  ];
  const failures = 1 - Number(r.verdict === 'KEEPING UP') + r.criteria.filter((c) => c.ok === false).length;
  const skipped = r.criteria.filter((c) => c.ok === null).length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="stresshm" tests="${cases.length}" failures="` +
    `${failures}" ` +
    `skipped="${skipped}" time="${seconds.toFixed(3)}" timestamp="${x(r.startedAt)}">\n` +
    `${cases.join('\n')}\n</testsuite>\n`
  );
}
