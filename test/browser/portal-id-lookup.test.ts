import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { normalizeVnMobile } from '../../integrations/sms/provider';
import { sandboxSmsDir, sandboxSmsProvider } from '../../integrations/sms/sandbox';
import { PHONE, expectAccessible, screenshot, useBrowser, type TestPage } from '../helpers/browser';
import { applicantIds, eventually, http, payFeeAtCounter, startApi, submitSample, type ApiUnderTest } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 16 in the citizen portal, without signing in: the public lookup shows the e-receipt of
 * the fee paid and the appointment changed (hẹn lại); "Tra cứu bằng số CCCD" asks for a one-time
 * code (read here from the sandbox SMS gateway's log) and shows that person's dossiers, masked,
 * with the wrong, used and locked-out codes explained in Vietnamese. Every screen and error state
 * is checked by axe and saved at 1366×768 and 390×844.
 */
describe('citizen portal: e-receipts, hẹn lại and the lookup by ID number', () => {
  const high = { failuresPerCode: 10_000, failuresPerClient: 10_000 };
  const stack = useStack({ name: 'browser-id-lookup', api: { idLookup: { sends: high, wrongCodes: high } } });
  const nextId = applicantIds('0794');
  const smsDir = sandboxSmsDir(path.join(os.tmpdir(), `dossier-outbox-${inject('runId')}`));
  let phoneSeq = 0;
  const newPhone = () => `08${String(process.pid).padStart(5, '0').slice(-5)}${String(++phoneSeq).padStart(3, '0')}`;
  const { open } = useBrowser();

  /** A dossier with its own phone, its fee paid in cash at the counter, received by the one-stop officer. */
  async function receivedDossier(id = nextId(), phone = newPhone()) {
    const r = await submitSample(stack.api.baseUrl, id, { applicant: { fullName: 'Nguyễn Văn An', idNumber: id, phone, email: `browser-id-${id}@example.vn` } }, 'browser-id-lookup');
    expect(r.status).toBe(201);
    const code = r.body.code as string;
    await eventually(() => http('GET', `${stack.api.baseUrl}/api/v1/status/${code}`), (s) => s.body.history?.length === 1);
    await payFeeAtCounter(stack.api.baseUrl, code);
    const accepted = await http('POST', `${stack.api.baseUrl}/api/v1/dossiers/${code}/intake/accept`, { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(accepted.status).toBe(200);
    const status = await eventually(
      () => http('GET', `${stack.api.baseUrl}/api/v1/status/${code}`),
      (s) => s.body.status?.code === 'IN_REVIEW' && s.body.appointmentAt !== null && s.body.receipts?.length === 1,
    );
    return { code, id, phone, status: status.body };
  }

  /** "10:00, thứ Sáu 13/02/2026" from an API time in +07:00. */
  const vnDate = (iso: string) => {
    const [date, time] = [iso.slice(0, 10), iso.slice(11, 16)];
    return `${time}, ${['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'][new Date(`${date}T00:00:00Z`).getUTCDay()]} ${date.slice(8, 10)}/${date.slice(5, 7)}/${date.slice(0, 4)}`;
  };

  /** The code in the newest SMS the sandbox gateway accepted for this phone after `since`. */
  async function smsCode(phone: string, since: number): Promise<string> {
    const to = normalizeVnMobile(phone);
    const sms = await eventually(
      async () => sandboxSmsProvider({ dir: smsDir }).accepted().filter((m) => m.to === to && Date.parse(m.acceptedAt) >= since && /Ma xac thuc tra cuu/.test(m.text)),
      (list) => list.length > 0,
    );
    return /(\d{6})/.exec(sms.sort((a, b) => a.acceptedAt.localeCompare(b.acceptedAt)).at(-1)!.text)![1]!;
  }

  async function lookUp(t: TestPage, code: string, check: string) {
    await t.page.getByLabel('Mã hồ sơ').fill(code);
    await t.page.getByLabel('4 số cuối CCCD/CMND').fill(check);
    const answered = t.page.waitForResponse((r) => r.url().includes('/api/v1/status/'));
    await t.page.getByRole('button', { name: 'Tra cứu' }).click();
    await answered;
  }

  async function askCode(t: TestPage, id: string) {
    await t.page.getByLabel('Số CCCD/CMND').fill(id);
    const answered = t.page.waitForResponse((r) => r.url().endsWith('/api/v1/status/by-id-number'));
    await t.page.getByRole('button', { name: /Gửi (lại )?mã xác thực/ }).click();
    return answered;
  }

  async function enterCode(t: TestPage, code: string) {
    await t.page.getByLabel('Mã xác thực (6 chữ số)').fill(code);
    const answered = t.page.waitForResponse((r) => r.url().endsWith('/api/v1/status/by-id-number/verify'));
    await t.page.getByRole('button', { name: 'Xem hồ sơ' }).click();
    await answered;
  }

  it('the public lookup shows the e-receipt of the fee paid at the counter, and the appointment changed (hẹn lại)', async () => {
    const { code, id, status } = await receivedDossier();
    const receipt = status.receipts[0];
    expect(receipt).toMatchObject({ amountVnd: 50_000, method: 'cash' });
    const t = await open();
    await t.page.goto(`${stack.api.baseUrl}/tra-cuu`);
    await lookUp(t, code, id.slice(-4));
    const result = t.page.getByTestId('lookup-result');
    await expect.poll(() => result.innerText()).toContain('Biên lai điện tử');
    let text = await result.innerText();
    expect(text).toContain(`Ký hiệu ${receipt.series}, số ${String(receipt.number).padStart(7, '0')}: 50.000\u00a0₫, Tiền mặt tại quầy, lúc ${vnDate(receipt.paidAt)}`);
    expect(text).not.toContain('Đã hẹn lại');
    await expectAccessible(t.page, 'lookup (e-receipt)');
    await screenshot(t.page, 'portal-lookup-receipt-1366');

    // The leader changes the appointment with an apology: when, the original and the new one; not the reason.
    const apology = await http('POST', `${stack.api.baseUrl}/api/v1/dossiers/${code}/deadline/reappointment`, {
      body: { reason: 'Chờ ý kiến của Chi cục Thuế', workingDaysAfterDue: 2 },
      headers: { 'X-User-Id': 'lanhdao.saigon' },
    });
    expect(apology.status).toBe(200);
    const after = (await http('GET', `${stack.api.baseUrl}/api/v1/status/${code}`)).body;
    await lookUp(t, code, id.slice(-4));
    await expect.poll(() => result.innerText()).toContain('Đã hẹn lại');
    text = await result.innerText();
    expect(text).toContain(`Ngày hẹn lại: ${vnDate(after.reappointment.at)}`);
    expect(text).toContain(`Hẹn ban đầu: ${vnDate(status.appointmentAt)}`);
    expect(text).toContain(`Hẹn mới: ${vnDate(apology.body.appointmentAt)}`);
    expect(text).toContain(`Ngày hẹn trả kết quả\n${vnDate(apology.body.appointmentAt)}`);
    expect(text).not.toContain('Chi cục Thuế');
    await expectAccessible(t.page, 'lookup (hẹn lại)');
    await screenshot(t.page, 'portal-lookup-reappointment-1366');

    const phone = await open(PHONE);
    await phone.page.goto(`${stack.api.baseUrl}/tra-cuu`);
    await lookUp(phone, code, id.slice(-4));
    await expect.poll(() => phone.page.getByTestId('lookup-result').innerText()).toContain('Đã hẹn lại');
    await expectAccessible(phone.page, 'lookup (hẹn lại, phone)');
    await screenshot(phone.page, 'portal-lookup-reappointment-390');
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect([...t.problems.filter((p) => !/404|Not Found/.test(p)), ...phone.problems]).toEqual([]);
  });

  it('Tra cứu bằng số CCCD: the code from the SMS shows the dossiers, masked; a wrong and a used code are explained', async () => {
    const a = await receivedDossier();
    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/tra-cuu`);
    await page.getByRole('link', { name: 'Tra cứu bằng số CCCD' }).click();
    await expect.poll(() => page.title()).toBe('Tra cứu bằng số CCCD — Cổng dịch vụ công');
    await expectAccessible(page, 'id lookup (empty)');
    await screenshot(page, 'portal-id-lookup-empty-1366');

    // Checked before asking the API.
    await page.getByLabel('Số CCCD/CMND').fill('12345');
    await page.getByRole('button', { name: 'Gửi mã xác thực' }).click();
    await expect.poll(() => page.getByText('Số CCCD gồm 12 chữ số (số CMND cũ gồm 9 chữ số).').isVisible()).toBe(true);
    await expectAccessible(page, 'id lookup (field error)');

    // The same words for an ID number without dossiers and for one with.
    const sent = page.getByTestId('id-lookup-sent');
    expect((await askCode(t, nextId())).status()).toBe(202);
    await expect.poll(() => sent.innerText()).toContain('Nếu số CCCD có hồ sơ, mã xác thực đã được gửi tới số điện thoại/thư điện tử đã đăng ký');
    const nobody = await sent.innerText();
    const since = Date.now() - 1000;
    expect((await askCode(t, a.id)).status()).toBe(202);
    await expect.poll(() => sent.innerText()).toContain('Nếu số CCCD có hồ sơ');
    expect(await sent.innerText()).toBe(nobody);
    await expectAccessible(page, 'id lookup (code sent)');
    await screenshot(page, 'portal-id-lookup-sent-1366');

    // A wrong code: how many tries are left, in Vietnamese.
    const code = await smsCode(a.phone, since);
    await enterCode(t, code === '000000' ? '000001' : '000000');
    const result = page.getByTestId('id-lookup-result');
    await expect.poll(() => result.innerText()).toContain('Mã xác thực không đúng. Ông/Bà còn 4 lần nhập.');
    await expectAccessible(page, 'id lookup (wrong code)');
    await screenshot(page, 'portal-id-lookup-wrong-code-1366');

    // The right code: the list, masked, in Việt Nam time.
    await enterCode(t, code);
    await expect.poll(() => result.innerText()).toContain(a.code);
    const text = await result.innerText();
    expect(text).toContain('Hồ sơ của Ông/Bà (1)');
    expect(text).toContain('Đăng ký thành lập hộ kinh doanh');
    expect(text).toMatch(/Đang xử lý/i);
    expect(text).toContain(a.status.applicant.fullName);
    expect(text).not.toContain('Nguyễn Văn An');
    expect(text).toContain(`Ngày tiếp nhận\n${vnDate(a.status.receivedAt)}`);
    expect(text).toContain(`Ngày hẹn trả kết quả\n${vnDate(a.status.appointmentAt)}`);
    await expectAccessible(page, 'id lookup (list)');
    await screenshot(page, 'portal-id-lookup-list-1366');

    // The same code again: used up, ask for a new one.
    await enterCode(t, code);
    await expect.poll(() => result.innerText()).toContain('Mã xác thực đã hết hiệu lực');
    await expectAccessible(page, 'id lookup (used code)');

    // On a phone, end to end.
    const phone = await open(PHONE);
    await phone.page.goto(`${stack.api.baseUrl}/tra-cuu/cccd`);
    await expectAccessible(phone.page, 'id lookup (phone, empty)');
    const since2 = Date.now() - 1000;
    await askCode(phone, a.id);
    await expect.poll(() => phone.page.getByTestId('id-lookup-sent').innerText()).toContain('Nếu số CCCD có hồ sơ');
    await screenshot(phone.page, 'portal-id-lookup-sent-390');
    // The old code is only a wrong code for the new one.
    await enterCode(phone, code);
    await expect.poll(() => phone.page.getByTestId('id-lookup-error').innerText()).toContain('Mã xác thực không đúng. Ông/Bà còn 4 lần nhập.');
    await expectAccessible(phone.page, 'id lookup (wrong code, phone)');
    await screenshot(phone.page, 'portal-id-lookup-wrong-code-390');
    const fresh = await eventually(
      () => smsCode(a.phone, since2),
      (c) => c !== code,
    );
    await enterCode(phone, fresh);
    await expect.poll(() => phone.page.getByTestId('id-lookup-result').innerText()).toContain(a.code);
    await expectAccessible(phone.page, 'id lookup (list, phone)');
    await screenshot(phone.page, 'portal-id-lookup-list-390');
    expect(await phone.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);

    // 422 answers are logged by the browser as failed resources; nothing else.
    expect([...t.problems, ...phone.problems].filter((p) => !/404|Not Found|422/.test(p))).toEqual([]);
  });

  it('explains the lock-outs (429) in Vietnamese: too many codes asked, too many wrong codes', async () => {
    const strict: ApiUnderTest = await startApi(stack.taskQueue, {
      idLookup: { sends: { failuresPerCode: 2, failuresPerClient: 100, lockoutSeconds: [60] }, wrongCodes: { failuresPerCode: 2, failuresPerClient: 100, lockoutSeconds: [60] } },
    });
    try {
      const t = await open();
      await t.page.goto(`${strict.baseUrl}/tra-cuu/cccd`);
      const id = nextId();
      expect((await askCode(t, id)).status()).toBe(202);
      await enterCode(t, '111111');
      await enterCode(t, '111112');
      await enterCode(t, '111113');
      const error = t.page.getByTestId('id-lookup-error');
      await expect.poll(() => error.innerText()).toContain('Tạm thời bị khóa');
      expect(await error.innerText()).toMatch(/Đã nhập sai mã xác thực quá nhiều lần .* Vui lòng thử lại sau \d+ giây/);
      await expectAccessible(t.page, 'id lookup (wrong codes locked)');
      await screenshot(t.page, 'portal-id-lookup-locked-1366');

      expect((await askCode(t, id)).status()).toBe(202);
      const third = await askCode(t, id);
      expect(third.status()).toBe(429);
      const sendError = t.page.getByTestId('id-lookup-send-error');
      await expect.poll(() => sendError.innerText()).toContain('Tạm thời bị khóa');
      expect(await sendError.innerText()).toContain('Đã yêu cầu mã xác thực quá nhiều lần');
      // No neutral message and no code form while the requests are locked.
      expect(await t.page.getByText('Nếu số CCCD có hồ sơ').count()).toBe(0);
      await expectAccessible(t.page, 'id lookup (requests locked)');
      await screenshot(t.page, 'portal-id-lookup-send-locked-1366');
    } finally {
      await strict.close();
    }
  });
});
