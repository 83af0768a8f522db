// Polling for a condition the test cannot be told about (packets arriving, counters moving),
// with a deadline, so a test fails instead of hanging.

/** Resolves once `cond()` holds, checking every 20 ms; rejects after `ms` milliseconds. */
export async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
