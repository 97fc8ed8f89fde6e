import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchBrowser, newPage, screenshot, type TestPage } from '../helpers/browser';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, sign-in in the browser: an officer signs in to the console through the development
 * identity provider (OpenID Connect, code with PKCE, oauth4webapi in web/src/auth/oidc.ts), and
 * the console shows their name from GET /me. The token stays in memory: nothing in storage.
 */
describe('console sign-in in the browser', () => {
  const stack = useStack({ name: 'browser-console-sign-in', worker: false });
  let browser: Browser;
  let t: TestPage | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await t?.close();
    await browser?.close();
  });

  it('signs an officer in with the development identity provider and shows their name', async () => {
    t = await newPage(browser);
    const { page } = t;
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(new URL(r.url()).pathname);
    });
    await page.goto(`${stack.api.baseUrl}/console/`);
    await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cơ quan' }).click();

    // The provider's sign-in page, in Vietnamese.
    await page.waitForURL(/\/dev\/idp\/officers\/interaction\//);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Đăng nhập cán bộ');
    await expectAccessible(page, 'development identity provider: officer sign-in');
    await screenshot(page, 'dev-idp-officer-sign-in-1366');
    await page.getByLabel('Cán bộ').selectOption('motcua.saigon');
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();

    // Back in the console, signed in, at the officer's queues: the code is gone from the address bar.
    await page.waitForURL((u) => u.pathname === '/console/ho-so' && !u.search);
    await expect.poll(() => page.getByTestId('officer-name').innerText()).toBe('Trần Thị Mai');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Hồ sơ');
    await expect.poll(() => page.getByRole('navigation', { name: 'Điều hướng chính' }).innerText()).toContain('Tiếp nhận tại quầy');
    await expectAccessible(page, 'console signed in');
    await screenshot(page, 'console-signed-in-1366');

    // A reload keeps the screen and its query (filters live in the address): the identity
    // provider's session signs the officer in again without asking.
    await page.goto(`${stack.api.baseUrl}/console/ho-so?trang-thai=RECEIVED`);
    await page.waitForURL((u) => u.pathname === '/console/ho-so' && u.search === '?trang-thai=RECEIVED');
    await expect.poll(() => page.getByTestId('officer-name').innerText()).toBe('Trần Thị Mai');

    // Signing out forgets the token and stays out after a reload.
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Đăng nhập');
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cơ quan' }).isVisible()).toBe(true);

    // The token lives in memory only.
    const stored = await page.evaluate('JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })');
    expect(stored).not.toMatch(/eyJ/);
    // The provider's plain pages name no icon: the browser's guess at /favicon.ico is the only 404.
    expect(notFound.filter((p) => p !== '/favicon.ico')).toEqual([]);
    expect(t.problems.filter((p) => !/status of 404/.test(p) || notFound.some((n) => n !== '/favicon.ico'))).toEqual([]);
  });
});
