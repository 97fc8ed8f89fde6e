import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { ROOT } from './stack';

/**
 * The browser suites' Chromium: Debian's (`/usr/bin/chromium`, or CHROMIUM_PATH), driven by
 * playwright-core (its own browser builds cannot be downloaded here). `npm test`'s pretest and
 * .ci/run install the `chromium` package when it is missing (scripts/ensure-deps.cjs).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The officer's screen and a citizen's phone. */
export const DESKTOP = { width: 1366, height: 768 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Screenshots the suites save, to be looked at (gitignored). */
export const SCREENS_DIR = path.join(ROOT, 'test-results', 'screens');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
  }
  // --no-sandbox: the suites run as root in a container, where Chromium's sandbox cannot start.
  // --lang=vi-VN: the browser of a Vietnamese user (its own widgets, e.g. date inputs, read dd/mm/yyyy).
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--font-render-hinting=none', '--lang=vi-VN'] });
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, failed requests and Content-Security-Policy violations seen so far. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * A page in a fresh context (no cookies or storage shared between tests) at `viewport`, in
 * Vietnamese, with the browser's clock in UTC: every time the page shows must be said in Việt
 * Nam time whatever the browser's zone.
 */
export async function newPage(browser: Browser, viewport: { width: number; height: number } = DESKTOP): Promise<TestPage> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'UTC', deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { page, context, problems, close: () => context.close() };
}

/** Saves a screenshot (of the full page unless `fullPage: false`, e.g. with a drawer open) as test-results/screens/<name>.png; its path. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(SCREENS_DIR, { recursive: true });
  const file = path.join(SCREENS_DIR, `${name}.png`);
  // Web fonts and transitions settle before the picture.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true, animations: 'disabled' });
  return file;
}

/** Waits until every running CSS transition and animation on the page has finished (infinite ones are skipped). */
export async function settleAnimations(page: Page): Promise<void> {
  // Two frames first: a dialog just mounted starts its transition on the next frame.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
  await page.evaluate(`Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map((a) => a.finished.catch(() => undefined))).then(() => true)`);
}

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: the tags axe-core checks. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

/** Fails with each violation named (rule, impact, the elements) when axe finds any WCAG 2.2 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // A drawer or dialog still fading in has colours between its two states (axe once measured
  // 4.09:1 on a link mid-transition): judge the page once its transitions have finished.
  await settleAnimations(page);
  const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  if (result.violations.length) {
    const lines = result.violations.map(
      (v) => `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`)
        .join('\n')}`,
    );
    throw new Error(`axe found ${result.violations.length} WCAG 2.2 A/AA violation(s) on "${screen}":\n${lines.join('\n')}`);
  }
}

/**
 * One Chromium for the suite where it is called (a file or a `describe`), launched in a
 * `beforeAll` and closed with every page it opened in an `afterAll`; `open` gives a fresh
 * context's page at a viewport (1366×768 unless told).
 */
export function useBrowser(): { open(viewport?: { width: number; height: number }): Promise<TestPage> } {
  let browser: Browser | undefined;
  const pages: TestPage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const p of pages.splice(0)) await p.close();
    await browser?.close();
  });
  return {
    async open(viewport = DESKTOP) {
      if (!browser) throw new Error('useBrowser: open pages in tests or hooks, once the browser is launched');
      const p = await newPage(browser, viewport);
      pages.push(p);
      return p;
    },
  };
}
