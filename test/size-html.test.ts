import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';

/** Debian's chromium (scripts/setup.sh installs it); the test fails, never skips, without it. */
const CHROMIUM = process.env.GOREADY_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} missing: apt-get install chromium`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
});

describe('goready size --format html in headless Chromium', () => {
  it('loads offline without console errors, draws the treemap, zooms into a module on click, searches the table', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'goready-html-')), 'size.html');
    expect(goready(['size', entry('linux-amd64-deps').file, '--format', 'html', '--out', out]).code).toBe(0);
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(`file://${out}`);
    const cells = page.locator('#map .cell');
    expect(await cells.count()).toBeGreaterThan(5);
    // Zoom: click the std module, whose children are packages.
    await page.locator('#map .cell[data-name="std"]').click();
    expect(await page.locator('#crumbs').textContent()).toContain('std');
    expect(await page.locator('#map .cell[data-name="runtime"]').count()).toBe(1);
    // Zoom again into a package: its functions appear.
    await page.locator('#map .cell[data-name="runtime"]').click();
    expect(await page.locator('#map .cell[data-name="runtime.mallocgc"]').count()).toBe(1);
    // Hover shows the size.
    await page.locator('#map .cell[data-name="runtime.mallocgc"]').hover();
    expect(await page.locator('#info').textContent()).toMatch(/runtime\.mallocgc — \d+ bytes/);
    // Search filters the table.
    await page.fill('#search', 'yaml');
    const visible = await page.locator('#table tbody tr:not([hidden])').allTextContents();
    expect(visible.length).toBeGreaterThan(0);
    for (const row of visible) expect(row).toContain('yaml');
    await page.screenshot({ path: out.replace(/\.html$/, '.png') });
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 120_000);
});
