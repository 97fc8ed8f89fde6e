import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, useBrowser, type TestPage } from '../helpers/browser';
import { signInToConsole } from '../helpers/console';
import { pdf } from '../helpers/document-fixtures';
import { applicantIds, eventually, http, payFeeAtCounter, submitReady, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The one-stop officer in the console (issue 15), in Debian's Chromium against the real stack:
 * journey 3 (accept from the queue, print Form 01, another officer's open queue drops the
 * dossier without a reload; also by keyboard alone), journey 4 (counter intake: scan, accept
 * on the spot, cash with its e-receipt number), journey 7 (two officers accept at once: the
 * second reads the 409 in Vietnamese and sees the new status), and the other intake dialogs.
 * Every screen, open dialog and error state: axe (WCAG 2.2 A/AA) and a screenshot at 1366×768.
 */
describe('one-stop officer in the console', () => {
  const stack = useStack({ name: 'browser-console-onestop' });
  const nextId = applicantIds('0716');
  const { open } = useBrowser();
  const OFFICER = 'motcua.saigon';

  /** A dossier submitted online (fee paid), waiting for intake. */
  const waiting = async () => (await submitReady(stack.api.baseUrl, nextId(), 'browser-onestop')).code;

  const row = (page: Page, code: string) => page.locator(`tr[data-code="${code}"]`);

  /** The PDF of a form, as the print button fetches it: its status and type. */
  function pdfResponse(page: Page, form: string) {
    return page.waitForResponse((r) => r.url().includes(`/forms/${form}?format=pdf`), { timeout: 30_000 });
  }

  /** Presses Tab until the focused element matches (at most `max` times); fails naming what was focused last. */
  async function tabTo(page: Page, matches: string, max = 80): Promise<void> {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      const hit = await page.evaluate(`document.activeElement?.matches(${JSON.stringify(matches)}) ?? false`);
      if (hit) return;
    }
    const last = await page.evaluate('document.activeElement?.outerHTML.slice(0, 200)');
    throw new Error(`Tab never reached ${matches}; focus is on ${last}`);
  }

  it('journey 3: accepts a dossier from the queue, prints Form 01; another officer’s open queue drops it without a reload', async () => {
    const code = await waiting();
    const a = await open();
    const b = await open();
    const notFound: string[] = [];
    for (const t of [a, b]) t.page.on('response', (r) => void (r.status() === 404 && notFound.push(new URL(r.url()).pathname)));
    await signInToConsole(a.page, stack.api.baseUrl, OFFICER, '/console/ho-so?hang=awaiting_intake');
    await signInToConsole(b.page, stack.api.baseUrl, OFFICER, '/console/ho-so?hang=awaiting_intake');
    for (const t of [a, b]) await expect.poll(() => row(t.page, code).isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => b.page.getByTestId('live-state').innerText(), { timeout: 15_000 }).toContain('Cập nhật trực tiếp');
    // B's page must not reload: a mark on its window survives only without one.
    await b.page.evaluate('window.unreloaded = true');

    const count = Number(await a.page.getByTestId('count-awaiting_intake').innerText());
    expect(count).toBeGreaterThanOrEqual(1);
    expect(await row(a.page, code).getByTestId('due').innerText()).toMatch(/^(Còn|Quá hạn|Đã đến hạn|Đến hạn)/);
    await expectAccessible(a.page, 'worklist: awaiting intake');
    await screenshot(a.page, 'console-worklist-1366');

    // The row opens the dossier; its "Tiếp nhận" opens the dialog with the checklist.
    await row(a.page, code).locator('td').nth(1).click();
    await a.page.waitForURL((u) => u.pathname === `/console/ho-so/${code}`);
    await a.page.locator('[data-action="acceptIntake"]').click();
    const dialog = a.page.getByRole('dialog');
    await expect.poll(() => dialog.innerText()).toContain('Thành phần hồ sơ');
    expect(await dialog.innerText()).toContain('Giấy đề nghị đăng ký hộ kinh doanh');
    await expectAccessible(a.page, 'accept dialog');
    await screenshot(a.page, 'console-dialog-accept-1366', { fullPage: false });

    await dialog.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await expect.poll(() => dialog.getByTestId('action-done').isVisible(), { timeout: 30_000 }).toBe(true);
    await expectAccessible(a.page, 'accept dialog: done');
    await screenshot(a.page, 'console-dialog-accept-done-1366', { fullPage: false });

    // Form 01, fetched as PDF with the token and opened for printing.
    const printed = pdfResponse(a.page, 'receipt');
    await dialog.getByRole('button', { name: 'In giấy tiếp nhận (Mẫu 01)' }).click();
    const response = await printed;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/pdf');

    // The other officer's queue drops the dossier by itself.
    await expect.poll(() => row(b.page, code).count(), { timeout: 20_000 }).toBe(0);
    expect(await b.page.evaluate('window.unreloaded')).toBe(true);
    // The identity provider's plain pages name no icon: the browser's guess at /favicon.ico is the only 404.
    expect(notFound.filter((p) => p !== '/favicon.ico')).toEqual([]);
    for (const t of [a, b]) expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });

  it('journey 3 by keyboard alone: / searches, Tab and Enter open the dossier and accept it, Form 01 prints, Escape closes', async () => {
    const code = await waiting();
    const t = await open();
    const { page } = t;
    await signInToConsole(page, stack.api.baseUrl, OFFICER, '/console/ho-so?hang=awaiting_intake');
    await expect.poll(() => row(page, code).isVisible(), { timeout: 15_000 }).toBe(true);

    // `/` puts the cursor in the search box; the search lands in the address.
    await page.locator('main').focus();
    await page.keyboard.press('/');
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('worklist-search');
    await page.keyboard.type(code.slice(-11));
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('tim') === code.slice(-11));
    await expect.poll(() => page.getByTestId('worklist-total').innerText()).toBe('Đang hiển thị 1 trên 1 hồ sơ.');

    await tabTo(page, `a[href="/console/ho-so/${encodeURIComponent(code)}"]`);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === `/console/ho-so/${code}`);
    await expect.poll(() => page.locator('[data-action="acceptIntake"]').isVisible()).toBe(true);
    await tabTo(page, '[data-action="acceptIntake"]');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    // Escape closes and gives focus back to the button; Space opens it again.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('data-action')")).toBe('acceptIntake');
    await page.keyboard.press('Space');
    await expect.poll(() => dialog.isVisible()).toBe(true);

    await tabTo(page, '[role="dialog"] button[type="submit"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.getByTestId('action-done').isVisible(), { timeout: 30_000 }).toBe(true);
    // The print button has the focus once accepted.
    expect(await page.evaluate("document.activeElement?.getAttribute('data-form')")).toBe('receipt');
    const printed = pdfResponse(page, 'receipt');
    await page.keyboard.press('Enter');
    const response = await printed;
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/pdf');
    await page.bringToFront();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('dossier-status').innerText(), { timeout: 15_000 }).not.toBe('Đã nộp, chờ tiếp nhận');
  });

  it('journey 4: counter intake — scan upload, accepted on the spot, Form 01, cash with its e-receipt number', async () => {
    const t = await open();
    const { page } = t;
    await signInToConsole(page, stack.api.baseUrl, OFFICER, '/console/tiep-nhan');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Tiếp nhận tại quầy');
    await expectAccessible(page, 'counter intake (empty)');
    await screenshot(page, 'console-counter-intake-empty-1366');

    // Nothing filled: each field says what is missing, before the API is asked.
    await page.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await expect.poll(() => page.getByText('Vui lòng chọn thủ tục.').isVisible()).toBe(true);
    expect(await page.getByText('Vui lòng nhập đầy đủ họ và tên.').isVisible()).toBe(true);
    await expectAccessible(page, 'counter intake (field errors)');
    await screenshot(page, 'console-counter-intake-errors-1366');

    expect(await page.getByRole('combobox', { name: 'Cơ quan tiếp nhận' }).inputValue()).toBe('Ủy ban nhân dân Phường Sài Gòn');
    await page.getByRole('combobox', { name: 'Thủ tục hành chính' }).fill('hộ kinh doanh');
    await page.getByRole('option', { name: /hộ kinh doanh/i }).first().click();
    const idNumber = nextId();
    await page.getByLabel('Họ và tên').fill('Phạm Thị Hoa');
    await page.getByLabel('Số CCCD').fill(idNumber);
    await page.getByLabel('Số điện thoại').fill('0912345678');

    // The required document scanned at the counter: uploaded for the agency before the dossier exists.
    const chooser = page.waitForEvent('filechooser');
    await page.getByRole('button', { name: 'Bản quét giấy tờ số 1' }).click();
    await (await chooser).setFiles({ name: 'giay-de-nghi.pdf', mimeType: 'application/pdf', buffer: pdf(2048) });
    await expect.poll(() => page.getByTestId('scan-done-1').isVisible(), { timeout: 15_000 }).toBe(true);
    await expectAccessible(page, 'counter intake (filled)');
    await screenshot(page, 'console-counter-intake-filled-1366');

    await page.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    const accepted = page.getByTestId('counter-accepted');
    await expect.poll(() => accepted.isVisible(), { timeout: 30_000 }).toBe(true);
    const code = /hồ sơ (\S+)/.exec(await accepted.innerText())![1]!;
    const printed = pdfResponse(page, 'receipt');
    await page.getByRole('button', { name: 'In giấy tiếp nhận (Mẫu 01)' }).click();
    expect((await printed).headers()['content-type']).toContain('application/pdf');

    // The fee of the counter channel, in cash: the e-receipt's number comes back at once.
    await expect.poll(() => page.getByTestId('fee-due').innerText()).toMatch(/^[\d.]+\u00a0₫$/);
    await expectAccessible(page, 'counter intake (accepted, fee due)');
    await screenshot(page, 'console-counter-intake-accepted-1366');
    await page.getByRole('button', { name: /^Thu .* và cấp biên lai$/ }).click();
    await expect.poll(() => page.getByTestId('receipt-code').isVisible(), { timeout: 15_000 }).toBe(true);
    const receipt = (await page.getByTestId('receipt-code').innerText()).trim();
    expect(receipt).not.toBe('');
    const payments = await http('GET', `${stack.api.baseUrl}/api/v1/dossiers/${code}/payments`, { headers: { 'X-User-Id': OFFICER } });
    expect(payments.body.feeStatus).toBe('paid');
    expect(payments.body.payments.map((p: { receiptCode: string }) => p.receiptCode)).toContain(receipt);
    await expectAccessible(page, 'counter intake (paid)');
    await screenshot(page, 'console-counter-intake-paid-1366');
    const printedReceipt = pdfResponse(page, 'e-receipt');
    await page.getByRole('button', { name: 'In biên lai điện tử' }).click();
    expect((await printedReceipt).headers()['content-type']).toContain('application/pdf');
  });

  it('journey 7: two officers accept at once; the second reads the 409 in Vietnamese and sees the new status', async () => {
    const code = await waiting();
    const [a, b] = [await open(), await open()];
    for (const t of [a, b]) {
      await signInToConsole(t.page, stack.api.baseUrl, OFFICER, `/console/ho-so/${encodeURIComponent(code)}`);
      await t.page.locator('[data-action="acceptIntake"]').click();
      await expect.poll(() => t.page.getByRole('dialog').isVisible()).toBe(true);
    }
    await a.page.getByRole('dialog').getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await expect.poll(() => a.page.getByTestId('action-done').isVisible(), { timeout: 30_000 }).toBe(true);

    const refused = b.page.waitForResponse((r) => r.url().endsWith('/intake/accept'));
    await b.page.getByRole('dialog').getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    expect((await refused).status()).toBe(409);
    const error = b.page.getByTestId('action-error');
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.innerText()).toMatch(/Hồ sơ vừa được xử lý/);
    // The view was read again: the status now, in the explanation and behind the dialog.
    await expect.poll(() => b.page.getByTestId('conflict-status').innerText(), { timeout: 15_000 }).not.toContain('chờ tiếp nhận');
    await expect.poll(() => b.page.getByTestId('dossier-status').innerText()).not.toBe('Đã nộp, chờ tiếp nhận');
    await expectAccessible(b.page, 'accept dialog: 409');
    await screenshot(b.page, 'console-dialog-accept-409-1366', { fullPage: false });
  });

  /** Opens an action's dialog on the dossier page. */
  async function openDialog(t: TestPage, code: string, action: string) {
    await t.page.goto(`${stack.api.baseUrl}/console/ho-so/${encodeURIComponent(code)}`);
    await expect.poll(() => t.page.getByTestId('officer-name').isVisible(), { timeout: 15_000 }).toBe(true);
    await t.page.locator(`[data-action="${action}"]`).click();
    await expect.poll(() => t.page.getByRole('dialog').isVisible()).toBe(true);
    return t.page.getByRole('dialog');
  }

  it('supplement at intake (Form 02), refusal (Form 03), cash payment and hand-over dialogs', async () => {
    const t = await open();
    const { page } = t;
    await signInToConsole(page, stack.api.baseUrl, OFFICER);

    // Supplement: the items are required before anything is sent.
    const toSupplement = await waiting();
    let dialog = await openDialog(t, toSupplement, 'requestIntakeSupplement');
    await dialog.getByRole('button', { name: 'Gửi yêu cầu bổ sung' }).click();
    await expect.poll(() => dialog.getByText('Vui lòng ghi ít nhất một giấy tờ, nội dung cần bổ sung.').isVisible()).toBe(true);
    await expectAccessible(page, 'supplement dialog (field error)');
    await screenshot(page, 'console-dialog-supplement-1366', { fullPage: false });
    await dialog.getByLabel(/Giấy tờ, nội dung cần bổ sung/).fill('Bản sao CCCD của chủ hộ\nHợp đồng thuê địa điểm kinh doanh');
    await dialog.getByLabel('Lý do').fill('Thiếu giấy tờ chứng minh địa điểm kinh doanh');
    await dialog.getByRole('button', { name: 'Gửi yêu cầu bổ sung' }).click();
    await expect.poll(() => dialog.getByTestId('action-done').isVisible(), { timeout: 30_000 }).toBe(true);
    const form02 = pdfResponse(page, 'supplement-request');
    await dialog.getByRole('button', { name: 'In phiếu yêu cầu bổ sung (Mẫu 02)' }).click();
    expect((await form02).headers()['content-type']).toContain('application/pdf');
    await page.bringToFront();

    // Refusal: reasons required; then Form 03.
    const toRefuse = await waiting();
    dialog = await openDialog(t, toRefuse, 'refuseIntake');
    await dialog.getByRole('button', { name: 'Từ chối tiếp nhận' }).click();
    await expect.poll(() => dialog.getByText('Vui lòng ghi rõ lý do từ chối (mỗi dòng một lý do).').isVisible()).toBe(true);
    await expectAccessible(page, 'refusal dialog (field error)');
    await screenshot(page, 'console-dialog-refuse-1366', { fullPage: false });
    await dialog.getByLabel(/Lý do từ chối/).fill('Ngành nghề kinh doanh thuộc danh mục cấm');
    await dialog.getByRole('button', { name: 'Từ chối tiếp nhận' }).click();
    await expect.poll(() => dialog.getByTestId('action-done').isVisible(), { timeout: 30_000 }).toBe(true);
    const form03 = pdfResponse(page, 'refusal');
    await dialog.getByRole('button', { name: 'In phiếu từ chối (Mẫu 03)' }).click();
    expect((await form03).headers()['content-type']).toContain('application/pdf');
    await page.bringToFront();

    // Cash payment of an unpaid dossier: the e-receipt number shows.
    const unpaid = (await submitReady(stack.api.baseUrl, nextId(), 'browser-onestop', { paid: false })).code;
    dialog = await openDialog(t, unpaid, 'recordPayment');
    await expect.poll(() => dialog.getByTestId('fee-due').isVisible(), { timeout: 15_000 }).toBe(true);
    await expectAccessible(page, 'payment dialog');
    await screenshot(page, 'console-dialog-payment-1366', { fullPage: false });
    await dialog.getByRole('button', { name: /^Thu .* và cấp biên lai$/ }).click();
    await expect.poll(() => dialog.getByTestId('receipt-code').isVisible(), { timeout: 15_000 }).toBe(true);
    expect((await dialog.getByTestId('receipt-code').innerText()).trim()).not.toBe('');
    await expectAccessible(page, 'payment dialog (paid)');
    await screenshot(page, 'console-dialog-payment-done-1366', { fullPage: false });

    // Hand-over of an approved result at the counter.
    const approved = await approvedAtCounter();
    dialog = await openDialog(t, approved, 'handOverResult');
    await dialog.getByLabel('Người nhận kết quả').fill('');
    await dialog.getByRole('button', { name: 'Xác nhận đã trả kết quả' }).click();
    await expect.poll(() => dialog.getByText('Vui lòng ghi họ tên người nhận kết quả.').isVisible()).toBe(true);
    await expectAccessible(page, 'hand-over dialog (field error)');
    await screenshot(page, 'console-dialog-handover-1366', { fullPage: false });
    await dialog.getByLabel('Người nhận kết quả').fill('Nguyễn Văn An');
    await dialog.getByRole('button', { name: 'Xác nhận đã trả kết quả' }).click();
    await expect.poll(() => dialog.getByTestId('action-done').isVisible(), { timeout: 30_000 }).toBe(true);
    await eventually(() => http('GET', `${stack.api.baseUrl}/api/v1/status/${approved}`), (s) => ['RESULT_DELIVERED', 'COMPLETED'].includes(s.body.status?.code));
  });

  /** A dossier to collect at the counter, approved by the leader (through the API). */
  async function approvedAtCounter(): Promise<string> {
    const submitted = await submitSample(stack.api.baseUrl, nextId(), { deliveryMethod: 'counter' }, 'browser-onestop');
    expect(submitted.status).toBe(201);
    const code: string = submitted.body.code;
    await eventually(() => http('GET', `${stack.api.baseUrl}/api/v1/status/${code}`), (s) => s.body.history?.length === 1);
    await payFeeAtCounter(stack.api.baseUrl, code);
    const base = `${stack.api.baseUrl}/api/v1/dossiers/${code}`;
    expect((await http('POST', `${base}/intake/accept`, { headers: { 'X-User-Id': OFFICER } })).status).toBe(200);
    const assigned = await eventually(() => http('GET', base, { headers: { 'X-User-Id': OFFICER } }), (r) => r.body.assignee !== null && r.body.status?.code === 'IN_REVIEW');
    const specialist = String(assigned.body.assignee.userId);
    expect((await http('POST', `${base}/review/proposal`, { body: { proposal: 'approve' }, headers: { 'X-User-Id': specialist } })).status).toBe(200);
    expect((await http('POST', `${base}/decision`, { body: { decision: 'approve' }, headers: { 'X-User-Id': 'lanhdao.saigon' } })).status).toBe(200);
    await eventually(() => http('GET', base, { headers: { 'X-User-Id': OFFICER } }), (r) => r.body.status?.code === 'APPROVED');
    return code;
  }
});

describe('worklist filters in the address and saved searches', () => {
  const stack = useStack({ name: 'browser-console-worklist' });
  const nextId = applicantIds('0717');
  const { open } = useBrowser();

  it('a search without diacritics finds the applicant; filters survive a reload; a saved search brings them back', async () => {
    const { code } = await submitReady(stack.api.baseUrl, nextId(), 'browser-worklist');
    const t = await open();
    const { page } = t;
    await signInToConsole(page, stack.api.baseUrl, 'motcua.saigon', '/console/ho-so?trang-thai=SUBMITTED&tim=nguyen%20van%20an');
    await expect.poll(() => page.locator(`tr[data-code="${code}"]`).isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await page.getByTestId('worklist-search').inputValue()).toBe('nguyen van an');
    expect(await page.getByRole('combobox', { name: 'Trạng thái' }).inputValue()).toBe('Đã nộp, chờ tiếp nhận');

    // Saved under a name, in this browser, for this officer.
    await page.getByRole('button', { name: 'Lưu bộ lọc này' }).click();
    await page.getByRole('dialog').getByLabel('Tên bộ lọc').fill('Chờ tiếp nhận của anh An');
    await expectAccessible(page, 'save search dialog');
    await screenshot(page, 'console-worklist-save-search-1366', { fullPage: false });
    await page.getByRole('dialog').getByRole('button', { name: 'Lưu', exact: true }).click();

    // A reload signs in again silently and keeps the filters; "Bỏ lọc" clears them; the saved search restores them.
    await page.reload();
    await page.waitForURL((u) => u.searchParams.get('tim') === 'nguyen van an' && u.searchParams.get('trang-thai') === 'SUBMITTED', { timeout: 15_000 });
    await expect.poll(() => page.getByTestId('worklist-search').inputValue(), { timeout: 15_000 }).toBe('nguyen van an');
    // Dates are typed as Vietnamese write them and kept in the address as calendar days.
    const receivedFrom = page.getByLabel('Tiếp nhận từ ngày', { exact: true });
    await receivedFrom.fill('01/12/2026');
    await receivedFrom.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('nhan-tu') === '2026-12-01');
    expect(await receivedFrom.inputValue()).toBe('01/12/2026');
    await receivedFrom.press('Escape');
    await page.getByRole('button', { name: 'Bỏ lọc' }).click();
    await page.waitForURL((u) => !u.searchParams.has('tim') && !u.searchParams.has('nhan-tu'));
    await page.getByRole('combobox', { name: 'Bộ lọc đã lưu' }).click();
    await page.getByRole('option', { name: 'Chờ tiếp nhận của anh An' }).click();
    await page.waitForURL((u) => u.searchParams.get('tim') === 'nguyen van an');
    await expect.poll(() => page.locator(`tr[data-code="${code}"]`).isVisible()).toBe(true);
    await expectAccessible(page, 'worklist with filters');
    await screenshot(page, 'console-worklist-filtered-1366');
  });
});
