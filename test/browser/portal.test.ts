import { describe, expect, it } from 'vitest';
import { PHONE, expectAccessible, screenshot, useBrowser, type TestPage } from '../helpers/browser';
import { applicantIds, eventually, http, startApi, submitReady, type ApiUnderTest } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The citizen portal in Debian's Chromium against the real stack (issue 15): the procedure
 * catalogue with the appointment preview, and journey 2, the public lookup by code and the
 * last 4 ID digits, where a wrong check reads exactly like an unknown code. Every screen and
 * error state is checked by axe (WCAG 2.2 A/AA) and saved as a screenshot at 1366×768 (and
 * 390×844 for phones).
 */
describe('citizen portal in the browser', () => {
  const stack = useStack({ name: 'browser-portal' });
  const nextId = applicantIds('0815');
  const { open } = useBrowser();

  /** A dossier received by the one-stop officer: code, receipt and appointment dates, a history of its steps. */
  async function receivedDossier() {
    const { code, idNumber } = await submitReady(stack.api.baseUrl, nextId(), 'browser-portal');
    const accepted = await http('POST', `${stack.api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(accepted.status).toBe(200);
    const status = await eventually(
      () => http('GET', `${stack.api.baseUrl}/api/v1/status/${code}`),
      // Received, then handed to a specialist at once.
      (s) => s.body.status?.code === 'IN_REVIEW' && s.body.receivedAt !== null && s.body.appointmentAt !== null,
    );
    return { code, idNumber, status: status.body };
  }

  async function lookUp(t: TestPage, baseUrl: string, code: string, check: string) {
    await t.page.getByLabel('Mã hồ sơ').fill(code);
    await t.page.getByLabel('4 số cuối CCCD/CMND').fill(check);
    const answered = t.page.waitForResponse((r) => r.url().includes('/api/v1/status/'));
    await t.page.getByRole('button', { name: 'Tra cứu' }).click();
    await answered;
    void baseUrl;
  }

  it('journey 2: the public lookup finds a real dossier; a wrong check reads exactly like an unknown code', async () => {
    const { code, idNumber, status } = await receivedDossier();
    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/tra-cuu`);
    await expect.poll(() => page.title()).toBe('Tra cứu hồ sơ — Cổng dịch vụ công');
    await expectAccessible(page, 'lookup (empty)');
    await screenshot(page, 'portal-lookup-empty-1366');

    // The form explains what is missing before asking the API.
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await expect.poll(() => page.getByText('Vui lòng nhập mã hồ sơ.').isVisible()).toBe(true);
    expect(await page.getByText('Vui lòng nhập đủ 4 chữ số cuối của số CCCD/CMND.').isVisible()).toBe(true);
    await expectAccessible(page, 'lookup (field errors)');
    await screenshot(page, 'portal-lookup-field-errors-1366');

    // Found: code, procedure, masked applicant, receipt and appointment in Việt Nam time, the status and its history.
    await lookUp(t, stack.api.baseUrl, code, idNumber.slice(-4));
    const result = page.getByTestId('lookup-result');
    await expect.poll(() => result.innerText()).toContain('Đang xử lý');
    const text = await result.innerText();
    expect(text).toContain(code);
    expect(text).toContain('Đăng ký thành lập hộ kinh doanh');
    expect(text).toContain(status.applicant.fullName); // masked by the API
    expect(text).not.toContain('Nguyễn Văn An');
    const vnDate = (iso: string) => {
      const [date, time] = [iso.slice(0, 10), iso.slice(11, 16)];
      return `${time}, ${['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'][new Date(`${date}T00:00:00Z`).getUTCDay()]} ${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
    };
    // The API's times carry +07:00; the browser runs in UTC and still shows Việt Nam time.
    expect(status.receivedAt).toMatch(/\+07:00$/);
    expect(text).toContain(`Ngày tiếp nhận\n${vnDate(status.receivedAt)}`);
    expect(text).toContain(`Ngày hẹn trả kết quả\n${vnDate(status.appointmentAt)}`);
    expect(text).toMatch(/Phí, lệ phí\n50\.000\u00a0₫ \(Đã nộp\)/);
    expect(text).toContain('Quá trình xử lý');
    for (const step of ['Đã nộp, chờ tiếp nhận', 'Đã tiếp nhận', 'Đang xử lý']) expect(text).toContain(step);
    await expectAccessible(page, 'lookup (found)');
    await screenshot(page, 'portal-lookup-found-1366');

    // A wrong check, then an unknown code: the same words, nothing else.
    const wrong = String((Number(idNumber.slice(-4)) + 1) % 10_000).padStart(4, '0');
    await lookUp(t, stack.api.baseUrl, code, wrong);
    await expect.poll(() => page.getByTestId('lookup-error').isVisible()).toBe(true);
    const wrongCheck = await result.innerText();
    await expectAccessible(page, 'lookup (not found: wrong check)');
    await screenshot(page, 'portal-lookup-not-found-1366');
    const unknown = code.replace(/-(\d+)$/, (_m, n: string) => `-${String(Number(n) + 5000).padStart(n.length, '0')}`);
    await lookUp(t, stack.api.baseUrl, unknown, idNumber.slice(-4));
    // The answer, not the blank area while the request is on its way.
    await expect.poll(() => result.innerText()).toContain('Không tìm thấy hồ sơ');
    const unknownCode = await result.innerText();
    expect(unknownCode).not.toContain(code);
    expect(wrongCheck).toBe(unknownCode);
    expect(wrongCheck).toContain('Không tìm thấy hồ sơ với mã hồ sơ và 4 số cuối giấy tờ tùy thân đã nhập');
    expect(wrongCheck).not.toContain(status.applicant.fullName);

    // The same journey on a phone.
    const phone = await open(PHONE);
    await phone.page.goto(`${stack.api.baseUrl}/tra-cuu`);
    await lookUp(phone, stack.api.baseUrl, code, idNumber.slice(-4));
    await expect.poll(() => phone.page.getByTestId('lookup-result').innerText()).toContain('Đang xử lý');
    await expectAccessible(phone.page, 'lookup (found, phone)');
    await screenshot(phone.page, 'portal-lookup-found-390');
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

    expect([...t.problems.filter((p) => !/404|Not Found/.test(p)), ...phone.problems]).toEqual([]);
  });

  it('explains the lock-out after repeated wrong checks (429) in Vietnamese', async () => {
    // An API of its own with a low threshold: two failed checks lock the code for a minute.
    const strict: ApiUnderTest = await startApi(stack.taskQueue, { lookupLockout: { failuresPerCode: 2, failuresPerClient: 100, lockoutSeconds: [60] } });
    try {
      const { code, idNumber } = await submitReady(stack.api.baseUrl, nextId(), 'browser-portal-lock');
      const t = await open();
      await t.page.goto(`${strict.baseUrl}/tra-cuu`);
      for (const check of ['0000', '0001', '0002']) await lookUp(t, strict.baseUrl, code, check);
      const error = t.page.getByTestId('lookup-error');
      await expect.poll(() => error.innerText()).toContain('Tạm thời bị khóa');
      const text = await error.innerText();
      expect(text).toContain('nhập sai 4 số cuối giấy tờ quá nhiều lần');
      expect(text).toContain('Vui lòng thử lại sau 60 giây');
      // Even the right digits wait for the lock-out to end.
      await lookUp(t, strict.baseUrl, code, idNumber.slice(-4));
      expect(await error.innerText()).toContain('Tạm thời bị khóa');
      await expectAccessible(t.page, 'lookup (locked out)');
      await screenshot(t.page, 'portal-lookup-locked-1366');
    } finally {
      await strict.close();
    }
  });

  it('the catalogue lists procedures with time limit and fee, finds them without diacritics, and previews the appointment', async () => {
    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/`);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('listitem').count()).toBeGreaterThan(3);
    await expectAccessible(page, 'catalogue');
    await screenshot(page, 'portal-catalogue-1366');

    // "ho kinh doanh" finds "Đăng ký thành lập hộ kinh doanh".
    await page.getByLabel('Tìm thủ tục').fill('ho kinh doanh');
    await expect.poll(() => page.getByRole('listitem').count()).toBe(1);
    const card = page.getByRole('listitem').first();
    const cardText = await card.innerText();
    expect(cardText).toContain('hộ kinh doanh');
    expect(cardText).toMatch(/Lệ phí\n.*50\.000\u00a0₫/);
    expect(cardText).toContain('ngày làm việc');

    await card.getByRole('link').click();
    await expect.poll(() => page.getByRole('heading', { name: 'Xem trước ngày hẹn trả kết quả' }).isVisible()).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('hộ kinh doanh');
    await expectAccessible(page, 'procedure');

    // Received on Friday 13/02/2026 at 10:00, before the Tết holiday: the holiday is skipped and said.
    const when = page.getByLabel('Thời điểm nộp hồ sơ (giờ Việt Nam)');
    await when.fill('31/02/2026 10:00'); // no such day: said before asking the API
    await page.getByRole('button', { name: 'Xem ngày hẹn trả' }).click();
    await expect.poll(() => page.getByText('Vui lòng nhập ngày giờ theo dạng ngày/tháng/năm giờ:phút').isVisible()).toBe(true);
    await expectAccessible(page, 'procedure (preview field error)');
    await when.fill('13/02/2026 10:00');
    const previewed = page.waitForResponse((r) => r.url().endsWith('/api/v1/sla/preview'));
    await page.getByRole('button', { name: 'Xem ngày hẹn trả' }).click();
    const answer = await (await previewed).json();
    const result = page.getByTestId('preview-result');
    await expect.poll(() => result.isVisible()).toBe(true);
    const text = await result.innerText();
    expect(answer.appointmentAt).toMatch(/\+07:00$/);
    expect(text).toContain(`${answer.appointmentAt.slice(11, 16)}, `);
    expect(text).toContain(`${answer.appointmentAt.slice(8, 10)}/${answer.appointmentAt.slice(5, 7)}/${answer.appointmentAt.slice(0, 4)}`);
    expect(text).toContain('Ngày nghỉ không tính');
    expect(text).toContain('Tết');
    for (const line of answer.explanation as string[]) expect(text).toContain(line);
    await expectAccessible(page, 'procedure (preview)');
    await screenshot(page, 'portal-procedure-preview-1366');

    // A procedure that is not in the catalogue is explained, not a blank page.
    await page.goto(`${stack.api.baseUrl}/thu-tuc/KHONG-CO`);
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Không có thủ tục mã "KHONG-CO" trong danh mục.');
    await expectAccessible(page, 'procedure (unknown)');

    // On a phone: the menu is a drawer that opens from the keyboard-reachable button.
    const phone = await open(PHONE);
    await phone.page.goto(`${stack.api.baseUrl}/`);
    await expect.poll(() => phone.page.getByRole('listitem').count()).toBeGreaterThan(3);
    await expectAccessible(phone.page, 'catalogue (phone)');
    await screenshot(phone.page, 'portal-catalogue-390');
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await phone.page.getByRole('button', { name: 'Mở trình đơn' }).click();
    await expect.poll(() => phone.page.getByRole('dialog').isVisible()).toBe(true);
    await expectAccessible(phone.page, 'menu (phone)');
    await screenshot(phone.page, 'portal-menu-390', { fullPage: false });
    await phone.page.getByRole('dialog').getByRole('link', { name: 'Tra cứu hồ sơ' }).click();
    await expect.poll(() => phone.page.getByRole('heading', { level: 1 }).innerText()).toBe('Tra cứu hồ sơ');

    expect([...t.problems.filter((p) => !/404|Not Found/.test(p)), ...phone.problems]).toEqual([]);
  });

  it('serves the console at /console/ (sign-in for now), with the pages’ headers and cache rules', async () => {
    const t = await open();
    await t.page.goto(`${stack.api.baseUrl}/console/hang-doi?trang=2`);
    await expect.poll(() => t.page.getByRole('heading', { level: 1 }).innerText()).toBe('Đăng nhập');
    await expectAccessible(t.page, 'console sign-in');
    await screenshot(t.page, 'console-sign-in-1366');
    expect(t.problems).toEqual([]);

    const html = await fetch(`${stack.api.baseUrl}/console/`, { headers: { accept: 'text/html' } });
    expect(html.headers.get('cache-control')).toBe('no-cache');
    const csp = html.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())![1]!;
    const asset = await fetch(`${stack.api.baseUrl}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The API keeps its own strict policy and answers its 404s as before.
    const apiAnswer = await fetch(`${stack.api.baseUrl}/api/v1/procedures`);
    expect(apiAnswer.headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
    const unknown = await fetch(`${stack.api.baseUrl}/khong-co`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const apiPage = await fetch(`${stack.api.baseUrl}/api/v1/khong-co`, { headers: { accept: 'text/html' } });
    expect(apiPage.status).toBe(404);
    expect((await fetch(`${stack.api.baseUrl}/console`, { headers: { accept: 'text/html' }, redirect: 'manual' })).headers.get('location')).toBe('/console/');
  });
});
