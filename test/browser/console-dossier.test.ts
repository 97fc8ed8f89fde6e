import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, useBrowser } from '../helpers/browser';
import { signInToConsole } from '../helpers/console';
import { officerRead, processedDossier } from '../helpers/console-dossier';
import { applicantIds, eventually, http, submitReady } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The dossier's page in the console (issue 15, "Dossier detail"), in Chromium against the real
 * stack: a dossier taken through submission, payment, intake, a supplement during processing
 * answered by the citizen, proposal and approval shows each section with what the API answers
 * (timeline, process-control sheet, documents with preview, payments, the deadline explained,
 * the audit log, printable forms); the time left is coloured and said in words; an officer of
 * another agency and an unknown code read "Không tìm thấy hồ sơ". Every section is checked by
 * axe and saved as a screenshot at 1366×768.
 */
describe('console: the dossier page', () => {
  const stack = useStack({ name: 'browser-console-dossier' });
  const nextId = applicantIds('0734');
  const { open } = useBrowser();

  const dossierPath = (code: string, section?: string) => `/console/ho-so/${encodeURIComponent(code)}${section ? `?muc=${section}` : ''}`;
  const vnd = (n: number) => `${new Intl.NumberFormat('vi-VN').format(n)}\u00a0₫`;
  /** Working minutes in words, 8-hour days, as the page must say them. */
  const words = (m: number) => {
    const d = Math.floor(m / 480);
    const h = Math.floor((m % 480) / 60);
    return [d ? `${d} ngày` : '', h ? `${h} giờ` : '', !d && !h ? `${m % 60} phút` : ''].filter(Boolean).join(' ') + ' làm việc';
  };

  async function openSection(page: Page, label: string) {
    await page.getByRole('tab', { name: label }).click();
    await expect.poll(() => page.getByRole('tab', { name: label }).getAttribute('aria-selected')).toBe('true');
  }

  it('shows every section of a processed dossier as the API answers it; preview and printing work', async () => {
    const { code } = await processedDossier(stack.api, nextId());
    const dossier = await officerRead(stack.api, code, '', 'lanhdao.saigon');
    const sheet = (await officerRead(stack.api, code, 'process-control', 'lanhdao.saigon')).handoffs as Array<{ step: string; outcome: string | null }>;
    const payments = await officerRead(stack.api, code, 'payments', 'lanhdao.saigon');
    const deadline = await officerRead(stack.api, code, 'deadline', 'lanhdao.saigon');
    const documents = (await officerRead(stack.api, code, 'documents', 'lanhdao.saigon')).documents as Array<{ id: string; name: string }>;
    expect(deadline.outcome.result).toBe('early');

    const t = await open();
    const { page } = t;
    const notFound: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 404) notFound.push(new URL(r.url()).pathname);
    });
    await signInToConsole(page, stack.api.baseUrl, 'lanhdao.saigon', dossierPath(code));
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe(`Hồ sơ ${code}`);

    // The header: status, applicant, time left in words, dates in Việt Nam time.
    await expect.poll(() => page.getByTestId('dossier-status').innerText()).toBe('Hoàn thành');
    await expect.poll(() => page.getByTestId('time-left').innerText()).toContain('Hoàn thành trước hạn');
    const applicant = await page.getByTestId('applicant').innerText();
    expect(applicant).toContain('Nguyễn Văn An');
    expect(applicant).toContain(dossier.applicant.idNumber);
    expect(applicant).toContain('0912345678');
    const hhmm = (iso: string) => iso.slice(11, 16);
    expect(await page.getByTestId('appointment-at').innerText()).toContain(hhmm(dossier.appointmentAt));
    expect(await page.getByTestId('received-at').innerText()).toContain(hhmm(dossier.receivedAt));

    // Timeline: one entry per event of the log, in Vietnamese, with who acted.
    await expect.poll(() => page.getByTestId('timeline-event').count()).toBe(dossier.events.length);
    const timeline = await page.getByRole('list', { name: 'Diễn biến xử lý hồ sơ' }).innerText();
    for (const phrase of ['Nộp hồ sơ', 'Nộp phí, lệ phí', 'Tiếp nhận hồ sơ', 'Phân công chuyên viên xử lý', 'Yêu cầu bổ sung hồ sơ trong quá trình giải quyết', 'Công dân bổ sung hồ sơ', 'Đề xuất phê duyệt', 'Lãnh đạo phê duyệt kết quả', 'Hoàn thành']) {
      expect(timeline).toContain(phrase);
    }
    expect(timeline).toContain('Nguyễn Quốc Bảo (Lãnh đạo)');
    expect(timeline).toContain('50.000\u00a0₫');
    expect(timeline).not.toMatch(/\b[a-z]+_[a-z_]+\b/); // no event code shows through
    await expectAccessible(page, 'dossier page: timeline');
    await screenshot(page, 'console-dossier-timeline-1366');

    // What the citizen was asked, and the reply.
    await openSection(page, 'Yêu cầu công dân');
    const request = await page.getByTestId('supplement-request').innerText();
    expect(request).toContain('Giấy tờ chứng minh quyền sử dụng địa điểm kinh doanh');
    expect(request).toContain('Hợp đồng thuê địa điểm đã hết hạn');
    expect(request).toContain('Công dân đã bổ sung');
    expect(request).toContain('Hợp đồng thuê địa điểm mới');
    await expectAccessible(page, 'dossier page: requests');
    await screenshot(page, 'console-dossier-requests-1366');

    // The process-control sheet: the API's rows, outcomes in words; printing fetches the PDF.
    await openSection(page, 'Phiếu kiểm soát');
    await expect.poll(() => page.getByTestId('handoff').count()).toBe(sheet.length);
    expect(await page.getByTestId('handoff').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step')))).toEqual(sheet.map((h) => h.step));
    expect(await page.getByTestId('handoff').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')))).toEqual(sheet.map((h) => h.outcome ?? ''));
    expect(await page.getByTestId('process-control').innerText()).toContain('Trước hạn');
    await expectAccessible(page, 'dossier page: process-control sheet');
    await screenshot(page, 'console-dossier-process-control-1366');
    const printed = page.waitForResponse((r) => r.url().includes(`/forms/process-control`));
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: /^In phiếu/ }).click();
    const pdf = await printed;
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    await (await popup).close();

    // Documents: names, checklist item, size; an image previews in a dialog (fetched with the token).
    await openSection(page, 'Giấy tờ');
    await expect.poll(() => page.getByTestId('document').count()).toBe(documents.length);
    const table = await page.getByTestId('documents').innerText();
    expect(table).toContain('1. Giấy đề nghị đăng ký hộ kinh doanh');
    expect(table).toContain('149 B');
    await expectAccessible(page, 'dossier page: documents');
    await screenshot(page, 'console-dossier-documents-1366');
    const viewPhoto = page.getByRole('button', { name: 'Xem Ảnh mặt tiền địa điểm kinh doanh' });
    await viewPhoto.click();
    const dialog = page.getByRole('dialog', { name: 'Xem giấy tờ: Ảnh mặt tiền địa điểm kinh doanh' });
    await expect.poll(() => dialog.getByRole('img', { name: 'Ảnh mặt tiền địa điểm kinh doanh' }).evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0)).toBe(true);
    expect(await dialog.getByRole('img', { name: 'Ảnh mặt tiền địa điểm kinh doanh' }).getAttribute('src')).toMatch(/^blob:/);
    await expectAccessible(page, 'dossier page: document preview');
    await screenshot(page, 'console-dossier-document-preview-1366', { fullPage: false });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Xem Ảnh mặt tiền địa điểm kinh doanh');
    // A PDF previews too.
    await page.getByRole('button', { name: 'Xem Giấy đề nghị đăng ký hộ kinh doanh' }).click();
    const pdfDialog = page.getByRole('dialog', { name: 'Xem giấy tờ: Giấy đề nghị đăng ký hộ kinh doanh' });
    await expect.poll(() => pdfDialog.locator('iframe').getAttribute('src')).toMatch(/^blob:/);
    await pdfDialog.getByRole('button', { name: 'Đóng' }).last().click();
    await expect.poll(() => pdfDialog.count()).toBe(0);

    // Payments: fee due, each payment with its method, amount and e-receipt; printing the receipt fetches its PDF.
    await openSection(page, 'Phí, lệ phí');
    expect(await page.getByTestId('fee-due').innerText()).toBe(vnd(payments.feeDueVnd));
    expect(await page.getByTestId('payment-amount').allInnerTexts()).toEqual(payments.payments.map((p: { amountVnd: number }) => vnd(p.amountVnd)));
    const paymentsText = await page.getByTestId('payments').innerText();
    expect(paymentsText).toContain('Tiền mặt tại quầy');
    expect(paymentsText).toContain(payments.payments[0].receiptCode);
    await expectAccessible(page, 'dossier page: payments');
    await screenshot(page, 'console-dossier-payments-1366');
    const receipt = page.waitForResponse((r) => r.url().includes('/forms/e-receipt'));
    const receiptTab = page.waitForEvent('popup');
    await page.getByRole('button', { name: /^In biên lai/ }).click();
    expect((await receipt).headers()['content-type']).toContain('application/pdf');
    await (await receiptTab).close();

    // The deadline explained: the API's own lines.
    await openSection(page, 'Thời hạn');
    expect(await page.getByTestId('deadline-explanation').locator('li').allInnerTexts()).toEqual(deadline.explanation);
    expect(await page.getByTestId('deadline-words').innerText()).toBe('Hoàn thành trước hạn');
    await expectAccessible(page, 'dossier page: deadline');
    await screenshot(page, 'console-dossier-deadline-1366');

    // The audit log (a leader of the agency may read it): one row per entry.
    const audit = (await officerRead(stack.api, code, 'audit', 'lanhdao.saigon')).entries as unknown[];
    await openSection(page, 'Nhật ký');
    await expect.poll(() => page.getByTestId('audit-entry').count()).toBe(audit.length);
    const auditText = await page.getByTestId('audit').innerText();
    expect(auditText).toContain('Tiếp nhận hồ sơ');
    expect(auditText).toContain('Cán bộ Bộ phận Một cửa');
    await expectAccessible(page, 'dossier page: audit log');
    await screenshot(page, 'console-dossier-audit-1366');

    // The forms this dossier has, each printable.
    await openSection(page, 'Biểu mẫu');
    expect(await page.getByTestId('form').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-form-name')))).toEqual(['receipt', 'supplement-request', 'process-control', 'e-receipt', 'result']);
    await expectAccessible(page, 'dossier page: forms');
    await screenshot(page, 'console-dossier-forms-1366');
    const form01 = page.waitForResponse((r) => r.url().includes('/forms/receipt'));
    const form01Tab = page.waitForEvent('popup');
    await page.getByRole('button', { name: /^In: Giấy tiếp nhận/ }).click();
    expect((await form01).headers()['content-type']).toContain('application/pdf');
    await (await form01Tab).close();

    // The section lives in the address: a reload opens the same one.
    await page.reload();
    await expect.poll(() => page.getByRole('tab', { name: 'Biểu mẫu' }).getAttribute('aria-selected'), { timeout: 15_000 }).toBe('true');
    // The identity provider's plain page names no icon: the browser's guess at /favicon.ico is the only 404.
    expect(notFound.filter((p) => p !== '/favicon.ico')).toEqual([]);
    expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });

  it('says the time left in words while the clock runs, and "Tạm dừng tính thời gian" while the citizen is asked for papers', async () => {
    const running = await submitReady(stack.api.baseUrl, nextId(), 'console-dossier');
    expect((await http('POST', `${stack.api.baseUrl}/api/v1/dossiers/${running.code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } })).status).toBe(200);
    const paused = await submitReady(stack.api.baseUrl, nextId(), 'console-dossier');
    expect((await http('POST', `${stack.api.baseUrl}/api/v1/dossiers/${paused.code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } })).status).toBe(200);
    // The assignment follows the acceptance's answer (issue 18).
    const { username: specialist } = await eventually(() => stack.api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', paused.code).first('u.username'), (r) => !!r?.username);
    const asked = await http('POST', `${stack.api.baseUrl}/api/v1/dossiers/${paused.code}/review/supplement-request`, {
      body: { items: ['Bản sao hợp đồng thuê địa điểm'], reason: 'Chưa có giấy tờ chứng minh địa điểm kinh doanh' },
      headers: { 'X-User-Id': specialist },
    });
    expect(asked.status).toBe(200);

    const t = await open();
    const { page } = t;
    await signInToConsole(page, stack.api.baseUrl, 'chuyenvien.saigon1', dossierPath(running.code));
    const deadline = await officerRead(stack.api, running.code, 'deadline', 'chuyenvien.saigon1');
    expect(['running', 'at_risk']).toContain(deadline.state);
    const expected = `${deadline.state === 'at_risk' ? 'Sắp đến hạn: còn' : 'Còn'} ${words(deadline.remainingMinutes)}`;
    // The page asks a moment later than the test: within a minute of working time.
    await expect.poll(() => page.getByTestId('time-left').innerText()).toMatch(/(Còn|còn) .*làm việc/);
    const shown = await page.getByTestId('time-left').innerText();
    expect([expected, `${deadline.state === 'at_risk' ? 'Sắp đến hạn: còn' : 'Còn'} ${words(deadline.remainingMinutes - 1)}`]).toContain(shown.split('\n')[0]);
    expect(await page.getByTestId('holder').innerText()).toContain('Thẩm định, xử lý hồ sơ');
    // A specialist reads no audit log (the API keeps it for supervisors, leaders and admins).
    expect(await page.getByRole('tab', { name: 'Nhật ký' }).count()).toBe(0);
    await expectAccessible(page, 'dossier page: running clock');
    await screenshot(page, 'console-dossier-running-1366');

    await page.goto(`${stack.api.baseUrl}${dossierPath(paused.code, 'yeu-cau')}`);
    await expect.poll(() => page.getByTestId('time-left').innerText(), { timeout: 15_000 }).toContain('Tạm dừng tính thời gian');
    await expect.poll(() => page.getByTestId('supplement-request').innerText()).toContain('Đang chờ công dân bổ sung');
    expect(await page.getByTestId('supplement-request').innerText()).toContain('Bản sao hợp đồng thuê địa điểm');
    expect(await page.getByTestId('holder').innerText()).toContain('Công dân bổ sung hồ sơ');
    await expectAccessible(page, 'dossier page: paused clock, supplement asked');
    await screenshot(page, 'console-dossier-paused-1366');
    expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });

  it('an officer of another agency, and an unknown code, read "Không tìm thấy hồ sơ" (the API\'s 404), not a crash', async () => {
    const { code } = await submitReady(stack.api.baseUrl, nextId(), 'console-dossier');
    for (const user of ['chuyenvien.tuphap', 'canbo.congan.saigon']) {
      const t = await open();
      await signInToConsole(t.page, stack.api.baseUrl, user, dossierPath(code));
      await expect.poll(() => t.page.getByTestId('dossier-error').innerText()).toContain('Không tìm thấy hồ sơ');
      expect(await t.page.getByTestId('dossier-status').count()).toBe(0);
      await expectAccessible(t.page, `dossier page: another agency's dossier (${user})`);
      if (user === 'chuyenvien.tuphap') await screenshot(t.page, 'console-dossier-not-found-1366');
      expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    }
    const t = await open();
    await signInToConsole(t.page, stack.api.baseUrl, 'motcua.saigon', dossierPath('000.20.20.H29-260101-9999'));
    await expect.poll(() => t.page.getByTestId('dossier-error').innerText()).toContain('Không tìm thấy hồ sơ');
    await expectAccessible(t.page, 'dossier page: unknown code');
  });
});
