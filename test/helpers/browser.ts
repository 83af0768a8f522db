// Headless Chromium (Debian's, driven by playwright-core) for the report tests: one browser for
// a test, and pages that record every console error, page error and network request they see.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

const EXECUTABLE = '/usr/bin/chromium';

/** A page opened on a local file, with the problems seen while it loaded (and after). */
export interface OpenedPage {
  page: Page;
  problems: string[];
}

/** Opens `file` in a new page of `browser`, recording console errors, page errors and any network request. */
export async function openFile(browser: Browser, file: string): Promise<OpenedPage> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`network request ${r.url()}`);
  });
  await page.goto(`file://${file}`);
  return { page, problems };
}

/** Runs `fn` with a headless Chromium, closed afterwards; fails when chromium is not installed. */
export async function withChromium<T>(fn: (browser: Browser) => Promise<T>): Promise<T> {
  if (!existsSync(EXECUTABLE))
    assert.fail('chromium is not installed: run `apt-get install -y chromium` (make test does)');
  const browser = await chromium.launch({
    executablePath: EXECUTABLE,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}
