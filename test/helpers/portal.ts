import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Signs a citizen in to the portal as test/browser/portal-citizen.test.ts does: the page's own
 * "Đăng nhập" (in the page, else the header), the development identity provider's form (or
 * straight back when it still knows the citizen), back on `returnPath` with the code gone from
 * the address. Resolves once the header shows `fullName`. The token lives in memory only: a
 * full-page navigation (page.goto, reload) signs the citizen out again.
 */
export async function signInToPortal(page: Page, idNumber: string, fullName: string, returnPath: string): Promise<void> {
  const inPage = page.getByRole('main').getByRole('button', { name: 'Đăng nhập', exact: true });
  await (await inPage.count() ? inPage : page.getByRole('banner').getByRole('button', { name: 'Đăng nhập', exact: true })).click();
  await page.waitForURL((u) => u.pathname.startsWith('/dev/idp/citizens/') || u.searchParams.has('code'), { waitUntil: 'commit', timeout: 15_000 });
  await page.waitForURL((u) => u.pathname.startsWith('/dev/idp/citizens/interaction/') || !u.pathname.startsWith('/dev/idp/'), { timeout: 15_000 });
  if (new URL(page.url()).pathname.startsWith('/dev/idp/')) {
    await page.getByLabel('Số CCCD/CMND').fill(idNumber);
    await page.getByLabel('Họ và tên').fill(fullName);
    await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  }
  await page.waitForURL((u) => u.pathname === returnPath && !u.searchParams.has('code'), { timeout: 15_000 });
  try {
    await expect.poll(() => page.getByRole('banner').getByText(fullName).count(), { timeout: 10_000, interval: 100 }).toBeGreaterThan(0);
  } catch (err) {
    throw new Error(`not signed in as ${fullName} at ${page.url()}: ${await page.locator('body').innerText()}`, { cause: err });
  }
}

/** A moment as the portal and the console say it ("HH:mm, <weekday> dd/MM/yyyy" in Việt Nam time, UTC+7): its time and its date. */
export function vnTimeAndDate(iso: string): [time: string, date: string] {
  const vn = new Date(Date.parse(iso) + 7 * 3_600_000).toISOString();
  return [`${vn.slice(11, 16)}, `, `${vn.slice(8, 10)}/${vn.slice(5, 7)}/${vn.slice(0, 4)}`];
}
