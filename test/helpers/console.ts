import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Signs `username` (a seeded officer: db/seeds/02_agencies_and_officers.ts) in to the console
 * through the development identity provider, as an officer would: the console's button, the
 * provider's page, back to `path` (default: the officer's home screen). Resolves once the
 * console shows the officer's name.
 */
export async function signInToConsole(page: Page, baseUrl: string, username: string, path = '/console/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.getByRole('button', { name: 'Đăng nhập bằng tài khoản cơ quan' }).click();
  await page.waitForURL(/\/dev\/idp\/officers\/interaction\//);
  await page.getByLabel('Cán bộ').selectOption(username);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/console/') && !u.searchParams.has('code'));
  await expect.poll(() => page.getByTestId('officer-name').isVisible(), { timeout: 15_000 }).toBe(true);
}
