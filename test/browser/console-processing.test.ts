import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, useBrowser } from '../helpers/browser';
import { signInToConsole } from '../helpers/console';
import { jpeg, pdf } from '../helpers/document-fixtures';
import { actionButton, dialog, dossierInReview, expectFocusBack, officerView, statusBecomes } from '../helpers/processing';
import { visitStartingNow } from '../helpers/site-visits';
import { applicantIds, eventually, officerToken } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, journey 6 and the specialist's and leader's dialogs, in Chromium on the real stack:
 * the specialist records an on-site visit and proposes; the leader returns it (the comment is
 * required), then approves; an extension and the apology with a new appointment (Form 04).
 * Also assignment with each specialist's load, claim and release, pausing and resuming the
 * clock. Every dialog is photographed open and in its error state, and checked by axe.
 */
describe('console: the specialist’s and the leader’s actions', () => {
  const stack = useStack({ name: 'browser-console-processing' });
  const browser = useBrowser();
  const nextId = applicantIds('0796');
  const base = () => stack.api.baseUrl;

  const dmy = (iso: string) => iso.split('-').reverse().join('/');

  /** Opens the action's dialog with the mouse: its title is visible. */
  async function open(page: Page, action: string, title: string): Promise<void> {
    await actionButton(page, action).click();
    await expect.poll(() => dialog(page).getByRole('heading', { name: title }).isVisible()).toBe(true);
  }
  const submit = (page: Page) => dialog(page).getByTestId('action-submit').click();
  /** Shoots and checks the screen as it is now. */
  async function look(page: Page, name: string): Promise<void> {
    await expectAccessible(page, name);
    await screenshot(page, `console-${name}`, { fullPage: false });
  }
  /** Signs the officer in and opens the dossier's page (a deep link signs in again silently). */
  async function signIn(page: Page, username: string, code: string): Promise<void> {
    await signInToConsole(page, base(), username);
    await page.goto(`${base()}/console/ho-so/${code}`);
    await expect
      .poll(() => page.getByTestId('dossier-status').isVisible(), { timeout: 15_000 })
      .toBe(true)
      .catch(async (err: unknown) => {
        await screenshot(page, `console-processing-failed-${username}`);
        throw new Error(`${(err as Error).message} at ${page.url()}: ${await page.locator('main').innerText().catch(() => '?')}`);
      });
  }
  /** Reads the dossier again, as an officer coming back to it would. */
  async function reload(page: Page): Promise<void> {
    await page.reload();
    await expect.poll(() => page.getByTestId('dossier-status').isVisible(), { timeout: 15_000 }).toBe(true);
  }

  it('journey 6: the visit recorded, the proposal returned with a required comment, extension and apology, then approval', async () => {
    const code = await dossierInReview(base(), nextId());
    const specialist = await browser.open();
    const leader = await browser.open();
    const s = specialist.page;
    const l = leader.page;
    // Refusals the test provokes are 409/422; a 404 may only be the browser's guess at /favicon.ico.
    const notFound: string[] = [];
    for (const p of [s, l]) p.on('response', (r) => void (r.status() === 404 && notFound.push(new URL(r.url()).pathname)));
    await signIn(s, 'chuyenvien.saigon1', code);

    // The catalogue has no on-site verification for this procedure: the specialist is not offered
    // the visit (allowedActions, from the workflow's rules); a leader schedules it, with a reason.
    await s.locator('[data-action]').first().waitFor();
    expect(await s.locator('[data-action="scheduleVerification"]').count()).toBe(0);

    // The leader plans the visit: an empty form is explained field by field, in Vietnamese.
    await signIn(l, 'lanhdao.saigon', code);
    await open(l, 'scheduleVerification', 'Lên lịch xác minh thực địa');
    await look(l, 'schedule-visit-open');
    await l.getByLabel('Nội dung xác minh').fill('');
    await submit(l);
    await expect.poll(() => dialog(l).getByText('Vui lòng chọn ngày xác minh (dd/mm/yyyy).').isVisible()).toBe(true);
    await expect.poll(() => dialog(l).getByText('Vui lòng nhập nội dung xác minh.').isVisible()).toBe(true);
    await look(l, 'schedule-visit-errors');
    // Starting now, so that it can be recorded at once.
    const visit = await visitStartingNow(60);
    await l.getByRole('textbox', { name: 'Ngày xác minh' }).fill(dmy(visit.date));
    await l.getByLabel('Từ giờ').fill(visit.from);
    await l.getByLabel('Đến giờ').fill(visit.to);
    await l.getByLabel('Địa điểm').fill('25 Hai Bà Trưng, Phường Sài Gòn');
    await l.getByLabel('Nội dung xác minh').fill('Kiểm tra địa điểm kinh doanh thực tế');
    await l.getByLabel('Lý do lãnh đạo cho phép xác minh ngoài quy định').fill('Nghi vấn địa điểm kinh doanh không có thật, cần kiểm tra ngay');
    await look(l, 'schedule-visit-leader');
    await submit(l);
    await expectFocusBack(l, 'scheduleVerification');
    await statusBecomes(base(), code, 'SITE_VERIFICATION');

    // The specialist records it: the minutes are required, photos go with them.
    await reload(s);
    await open(s, 'recordVerification', 'Ghi kết quả xác minh thực địa');
    await look(s, 'record-visit-open');
    await submit(s);
    await expect.poll(() => dialog(s).getByText('Vui lòng đính kèm biên bản xác minh (và hình ảnh nếu có).').isVisible()).toBe(true);
    await expect.poll(() => dialog(s).getByText('Vui lòng nhập nội dung ghi nhận khi xác minh.').isVisible()).toBe(true);
    await look(s, 'record-visit-errors');
    await s.getByLabel('Nội dung ghi nhận').fill('Địa điểm kinh doanh đúng như hồ sơ; biển hiệu đã treo.');
    const [chooser] = await Promise.all([s.waitForEvent('filechooser'), dialog(s).getByTestId('attach-files').click()]);
    await chooser.setFiles([
      { name: 'Biên bản xác minh.pdf', mimeType: 'application/pdf', buffer: pdf() },
      { name: 'Ảnh mặt tiền.jpg', mimeType: 'image/jpeg', buffer: jpeg() },
    ]);
    await expect.poll(() => dialog(s).getByRole('list', { name: 'Tệp đính kèm' }).innerText()).toMatch(/Biên bản xác minh\.pdf[\s\S]*Ảnh mặt tiền\.jpg/);
    await look(s, 'record-visit-filled');
    await submit(s);
    await expectFocusBack(s, 'recordVerification');
    await statusBecomes(base(), code, 'IN_REVIEW');
    const recorded = (await officerView(base(), code)).events.find((e: { type: string }) => e.type === 'site_verified');
    expect(recorded.data.attachments.map((a: { name: string }) => a.name)).toEqual(['Biên bản xác minh', 'Ảnh mặt tiền']);

    // The proposal: approval.
    await open(s, 'proposeDecision', 'Đề xuất giải quyết');
    await look(s, 'propose-open');
    await s.getByRole('radio', { name: 'Từ chối giải quyết' }).check();
    await submit(s);
    await expect.poll(() => dialog(s).getByText('Đề xuất từ chối phải nêu rõ lý do (mỗi dòng một lý do).').isVisible()).toBe(true);
    await look(s, 'propose-errors');
    await s.getByRole('radio', { name: 'Giải quyết (cấp kết quả)' }).check();
    await s.getByLabel('Ý kiến gửi lãnh đạo (không bắt buộc)').fill('Đủ điều kiện đăng ký hộ kinh doanh.');
    await submit(s);
    await expectFocusBack(s, 'proposeDecision');
    await statusBecomes(base(), code, 'AWAITING_DECISION');

    // The leader returns it: the comment is required.
    await reload(l);
    await open(l, 'decide', 'Quyết định giải quyết hồ sơ');
    await expect.poll(() => dialog(l).innerText()).toMatch(/Lê Văn Hùng đề xuất giải quyết/);
    await look(l, 'decide-open');
    await l.getByRole('radio', { name: 'Trả lại chuyên viên xem xét lại' }).check();
    await submit(l);
    await expect.poll(() => dialog(l).getByText('Vui lòng ghi ý kiến cho chuyên viên khi trả lại hồ sơ.').isVisible()).toBe(true);
    await expect.poll(() => l.getByLabel('Ý kiến cho chuyên viên').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await look(l, 'decide-return-errors');
    await l.getByLabel('Ý kiến cho chuyên viên').fill('Bổ sung ảnh biển hiệu vào biên bản trước khi trình lại.');
    await submit(l);
    await expectFocusBack(l, 'decide');
    await statusBecomes(base(), code, 'IN_REVIEW');

    // The specialist sees the comment and proposes again.
    await reload(s);
    await open(s, 'proposeDecision', 'Đề xuất giải quyết');
    await expect.poll(() => dialog(s).innerText()).toMatch(/Bổ sung ảnh biển hiệu vào biên bản trước khi trình lại\./);
    await look(s, 'propose-after-return');
    await submit(s);
    await expectFocusBack(s, 'proposeDecision');
    await statusBecomes(base(), code, 'AWAITING_DECISION');

    // An extension on a legal basis, then the apology with a new appointment and Form 04.
    await reload(l);
    const before = (await officerView(base(), code)).deadline.dueAt;
    await open(l, 'extendDeadline', 'Gia hạn thời gian giải quyết');
    await look(l, 'extend-open');
    await submit(l);
    await expect.poll(() => dialog(l).getByText('Vui lòng nhập căn cứ pháp lý của việc gia hạn.').isVisible()).toBe(true);
    await look(l, 'extend-errors');
    await l.getByLabel('Thời gian gia hạn (ngày làm việc)').fill('2');
    await l.getByLabel('Lý do gia hạn').fill('Cần lấy ý kiến cơ quan thuế về địa điểm kinh doanh');
    await l.getByLabel('Căn cứ pháp lý').fill('Khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP');
    await submit(l);
    await expectFocusBack(l, 'extendDeadline');
    const extended = await officerView(base(), code);
    expect(Date.parse(extended.deadline.dueAt)).toBeGreaterThan(Date.parse(before));

    await reload(l);
    await open(l, 'reappoint', 'Xin lỗi và hẹn lại ngày trả kết quả');
    await look(l, 'reappoint-open');
    await submit(l);
    await expect.poll(() => dialog(l).getByText('Vui lòng nhập lý do chậm trả kết quả (ghi trong Phiếu xin lỗi).').isVisible()).toBe(true);
    await look(l, 'reappoint-errors');
    await l.getByLabel('Lý do chậm trả kết quả').fill('Chờ ý kiến của cơ quan thuế');
    await l.getByLabel('Số ngày làm việc sau hạn hiện tại').fill('3');
    await submit(l);
    await expect.poll(() => dialog(l).getByTestId('reappointed').isVisible()).toBe(true);
    await look(l, 'reappoint-done');
    const [form04] = await Promise.all([l.waitForEvent('popup'), dialog(l).getByRole('button', { name: 'In Phiếu xin lỗi (Mẫu 04)' }).click()]);
    await expect.poll(() => form04.url()).toMatch(/^blob:/);
    await form04.close();
    await dialog(l).getByTestId('reappointed').getByRole('button', { name: 'Đóng' }).click();
    await expectFocusBack(l, 'reappoint');
    expect((await officerView(base(), code)).deadline.reappointed).toBe(true);

    // Approval.
    await reload(l);
    await open(l, 'decide', 'Quyết định giải quyết hồ sơ');
    await submit(l);
    await expectFocusBack(l, 'decide');
    // Approved, and (an online result) delivered and completed at once.
    await eventually(() => officerView(base(), code), (v) => v.events.some((e: { type: string }) => e.type === 'approved'));
    await reload(l);
    await screenshot(l, 'console-dossier-approved-1366');
    expect(notFound.filter((p) => p !== '/favicon.ico')).toEqual([]);
    expect([...specialist.problems, ...leader.problems].filter((p) => !/status of (404|409|422)/.test(p))).toEqual([]);
  });

  it('assignment with each specialist’s load, claim and release, pausing and resuming the clock', async () => {
    const code = await dossierInReview(base(), nextId());
    const leader = await browser.open();
    const l = leader.page;
    await signIn(l, 'lanhdao.saigon', code);

    // The specialists with the dossiers they hold open; the current one cannot be picked again.
    await open(l, 'assign', 'Phân công lại chuyên viên thụ lý');
    await expect.poll(() => dialog(l).getByTestId('load-chuyenvien.saigon2').isVisible()).toBe(true);
    const agency = (await officerView(base(), code)).agency.eid;
    const loads = (await (await fetch(`${base()}/api/v1/agencies/${agency}/officers?role=specialist`, { headers: { Authorization: `Bearer ${await officerToken('lanhdao.saigon')}` } })).json()) as {
      officers: Array<{ username: string; openLoadInAgency: number }>;
    };
    for (const o of loads.officers) expect(await dialog(l).getByTestId(`load-${o.username}`).textContent()).toBe(`${o.openLoadInAgency} hồ sơ đang xử lý`);
    expect(await dialog(l).getByRole('radio', { name: /Lê Văn Hùng/ }).isDisabled()).toBe(true);
    await look(l, 'assign-open');
    await submit(l);
    await expect.poll(() => dialog(l).getByText('Vui lòng chọn chuyên viên thụ lý.').isVisible()).toBe(true);
    await look(l, 'assign-errors');
    await dialog(l).getByRole('radio', { name: /Phạm Thu Hà/ }).check();
    await dialog(l).getByLabel('Ghi chú cho chuyên viên (không bắt buộc)').fill('Chị Hà xử lý giúp, anh Hùng đang đi xác minh.');
    await submit(l);
    await expectFocusBack(l, 'assign');
    expect((await officerView(base(), code)).assignee.fullName).toBe('Phạm Thu Hà');

    // The new specialist gives it back, then takes it again.
    const specialist = await browser.open();
    const s = specialist.page;
    await signIn(s, 'chuyenvien.saigon2', code);
    await open(s, 'release', 'Trả hồ sơ để phân công lại');
    await look(s, 'release-open');
    await s.getByLabel('Lý do trả lại (không bắt buộc)').fill('Trùng lịch xác minh hồ sơ khác');
    await submit(s);
    await expectFocusBack(s, 'release');
    await statusBecomes(base(), code, 'RECEIVED');
    await open(s, 'claim', 'Nhận xử lý hồ sơ');
    await look(s, 'claim-open');
    await submit(s);
    await expectFocusBack(s, 'claim');
    await statusBecomes(base(), code, 'IN_REVIEW');
    expect((await officerView(base(), code)).assignee.fullName).toBe('Phạm Thu Hà');

    // Claimed, it is no longer offered to claim (allowedActions), and can be given back.
    await expect.poll(() => s.locator('[data-action="claim"]').count()).toBe(0);
    await expect.poll(() => s.locator('[data-action="release"]').count()).toBe(1);

    // The clock stops for a clock-excluded step, and runs again.
    await open(s, 'pauseClock', 'Tạm dừng tính thời hạn giải quyết');
    await look(s, 'pause-clock-open');
    await submit(s);
    await expect.poll(() => dialog(s).getByText('Vui lòng nhập lý do tạm dừng.').isVisible()).toBe(true);
    await look(s, 'pause-clock-errors');
    await s.getByLabel('Lý do tạm dừng').fill('Chờ công dân nộp tiền thuế khoán');
    await s.getByLabel('Căn cứ pháp lý').fill('Điều 22 Nghị định 118/2025/NĐ-CP');
    await submit(s);
    await expectFocusBack(s, 'pauseClock');
    await expect.poll(async () => (await officerView(base(), code)).deadline.pausedSince).not.toBeNull();
    await reload(s);
    await open(s, 'resumeClock', 'Tiếp tục tính thời hạn giải quyết');
    await look(s, 'resume-clock-open');
    await submit(s);
    await expectFocusBack(s, 'resumeClock');
    await expect.poll(async () => (await officerView(base(), code)).deadline.pausedSince).toBeNull();

    // The supplement during processing and the stop: their forms and error states.
    await open(s, 'requestSupplement', 'Yêu cầu bổ sung hồ sơ trong quá trình giải quyết');
    await look(s, 'processing-supplement-open');
    await submit(s);
    await expect.poll(() => dialog(s).getByText('Vui lòng nhập lý do yêu cầu bổ sung.').isVisible()).toBe(true);
    await look(s, 'processing-supplement-errors');
    await s.keyboard.press('Escape');
    await expectFocusBack(s, 'requestSupplement');

    await reload(l);
    await open(l, 'cancel', 'Dừng giải quyết hồ sơ');
    await submit(l);
    await expect.poll(() => dialog(l).getByText('Vui lòng nhập lý do dừng giải quyết.').isVisible()).toBe(true);
    await look(l, 'cancel-errors');
    await l.getByLabel('Lý do dừng giải quyết').fill('Công dân đề nghị dừng để điều chỉnh ngành nghề kinh doanh');
    await submit(l);
    await expectFocusBack(l, 'cancel');
    await statusBecomes(base(), code, 'CANCELLED');
  });
});
