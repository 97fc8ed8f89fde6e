import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, expectAccessible, screenshot, useBrowser } from '../helpers/browser';
import { applicantIds, eventually, http, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Journey 1's payment in Debian's Chromium (issue 15): the citizen goes from the payment URL the
 * API hands out to the sandbox gateway's page, pays (or cancels), and comes back to the portal's
 * page (`/thanh-toan/ket-qua`), which says what the gateway's signed callback recorded, never
 * what the address says. Each state is checked by axe and saved at 1366×768 and 390×844.
 */
describe('paying online in the browser', () => {
  const stack = useStack({ name: 'browser-payment' });
  const nextId = applicantIds('0817');
  const { open } = useBrowser();

  /** A dossier submitted online with its fee due, and the online payment its applicant opened. */
  async function openedPayment() {
    const idNumber = nextId();
    const r = await submitSample(stack.api.baseUrl, idNumber, {}, 'browser-pay');
    expect(r.status).toBe(201);
    const code: string = r.body.code;
    await eventually(() => stack.api.db('dossiers').where({ code }).first('fee_status'), (d) => d?.fee_status === 'unpaid');
    const opened = await http('POST', `${stack.api.baseUrl}/api/v1/citizen/dossiers/${code}/payments`, { body: { idNumber } });
    expect(opened.status).toBe(201);
    return { code, paymentId: opened.body.paymentId as string, paymentUrl: opened.body.paymentUrl as string };
  }

  /** axe and a screenshot of the page as it is, on the desktop and on a phone. */
  async function checkState(page: Page, screen: string, name: string) {
    for (const [viewport, suffix] of [
      [DESKTOP, '1366'],
      [PHONE, '390'],
    ] as const) {
      await page.setViewportSize(viewport);
      await expectAccessible(page, `${screen} (${suffix})`);
      await screenshot(page, `${name}-${suffix}`);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    }
    await page.setViewportSize(DESKTOP);
  }

  const result = (page: Page) => page.getByTestId('payment-result');

  it('journey 1, payment: "paid" in the address proves nothing; paid on the gateway, the portal says so with the e-receipt number', async () => {
    const { code, paymentId, paymentUrl } = await openedPayment();
    const t = await open();
    const page = t.page;
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) missing.push(new URL(r.url()).pathname);
    });

    // The address says paid; the API has no signed callback: the page waits for the gateway.
    await page.goto(`${stack.api.baseUrl}/thanh-toan/ket-qua?payment=${paymentId}&status=paid&amountVnd=50000&signature=${'a'.repeat(64)}`);
    await expect.poll(() => page.title()).toBe('Kết quả thanh toán — Cổng dịch vụ công');
    await expect.poll(() => result(page).innerText()).toContain('Đang chờ xác nhận từ cổng thanh toán');
    await expect.poll(() => page.getByText('Chờ xác nhận', { exact: true }).isVisible()).toBe(true);
    await checkState(page, 'payment (waiting)', 'portal-payment-waiting');
    expect(await page.getByText('Đã thanh toán').count()).toBe(0);

    // On the gateway's page the citizen pays, and is sent back to the portal.
    await page.goto(paymentUrl);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Thanh toán phí, lệ phí');
    await screenshot(page, 'sandbox-gateway-pay-1366');
    await page.getByRole('button', { name: 'Thanh toán', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/thanh-toan/ket-qua');
    await expect.poll(() => result(page).innerText(), { timeout: 15_000 }).toContain('Đã thanh toán 50.000\u00a0₫');
    const receipt = (await stack.api.db('dossier_payments').where({ id: paymentId }).first('receipt_code')).receipt_code as string;
    expect(receipt).toMatch(/^BL\d{2}-\d{7}$/);
    const details = await page.getByRole('region', { name: 'Thông tin giao dịch' }).innerText();
    expect(details).toContain(`Số biên lai điện tử\n${receipt}`);
    expect(details).toContain(`Mã hồ sơ\n${code}`);
    expect(details).toMatch(/Thời điểm thanh toán\n\d{2}:\d{2}, /);
    expect(await page.getByRole('button', { name: 'Thanh toán lại' }).count()).toBe(0);
    await checkState(page, 'payment (paid)', 'portal-payment-paid');

    // Then the dossier: the public lookup with its code filled in.
    await page.getByRole('link', { name: `Xem hồ sơ ${code}` }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Tra cứu hồ sơ');
    expect(await page.getByLabel('Mã hồ sơ').inputValue()).toBe(code);
    // No page or fetch of the journey went missing; the console's one 404 is Chromium's own ask for the sandbox gateway's /favicon.ico (it has none).
    expect(missing).toEqual([]);
    expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });

  it('a cancelled payment reads not paid, and "Thanh toán lại" goes back to the gateway and pays', async () => {
    const { paymentId, paymentUrl } = await openedPayment();
    const t = await open(PHONE);
    const page = t.page;
    await page.goto(paymentUrl);
    await page.getByRole('button', { name: 'Hủy' }).click();
    await page.waitForURL((u) => u.pathname === '/thanh-toan/ket-qua');
    expect(new URL(page.url()).searchParams.get('payment')).toBe(paymentId);
    const unpaid = page.getByTestId('payment-unpaid');
    await expect.poll(() => unpaid.isVisible(), { timeout: 15_000 }).toBe(true);
    const text = await unpaid.innerText();
    expect(text).toContain('Chưa thanh toán');
    expect(text).toContain('Thanh toán không thành công');
    expect(text).toContain('Giao dịch đã bị hủy hoặc không thành công.');
    await checkState(page, 'payment (cancelled)', 'portal-payment-cancelled');

    await page.getByRole('button', { name: 'Thanh toán lại' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/sandbox/payment-gateway/pay/'));
    await page.getByRole('button', { name: 'Thanh toán', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/thanh-toan/ket-qua');
    expect(new URL(page.url()).searchParams.get('payment')).not.toBe(paymentId);
    await expect.poll(() => result(page).innerText(), { timeout: 15_000 }).toContain('Đã thanh toán 50.000\u00a0₫');
    expect(t.problems).toEqual([]);
  });

  it('no confirmation from the gateway within the wait: says so, not paid, with a way to check again', async () => {
    const { paymentId } = await openedPayment();
    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/thanh-toan/ket-qua?payment=${paymentId}&status=paid`);
    await expect.poll(() => result(page).innerText()).toContain('Đang chờ xác nhận từ cổng thanh toán');
    await expect.poll(() => result(page).innerText(), { timeout: 30_000, interval: 1_000 }).toContain('Chưa nhận được xác nhận thanh toán');
    expect(await page.getByText('Chờ xác nhận', { exact: true }).isVisible()).toBe(true);
    await checkState(page, 'payment (no confirmation)', 'portal-payment-unconfirmed');
    await page.getByRole('button', { name: 'Kiểm tra lại' }).click();
    await expect.poll(() => result(page).innerText()).toContain('Đang chờ xác nhận từ cổng thanh toán');

    // An unknown payment: explained, not a blank page.
    await page.goto(`${stack.api.baseUrl}/thanh-toan/ket-qua?payment=00000000-0000-4000-8000-000000000000`);
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Không tìm thấy giao dịch thanh toán này.');
    expect(await page.getByRole('link', { name: 'Tra cứu hồ sơ bằng mã hồ sơ' }).isVisible()).toBe(true);
    await checkState(page, 'payment (unknown)', 'portal-payment-unknown');
    expect(t.problems.filter((p) => !/404|Not Found/.test(p))).toEqual([]);
  });
});
