import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowser } from '../helpers/browser';
import { signInToConsole } from '../helpers/console';
import { pdf } from '../helpers/document-fixtures';
import { dialog, dossierInReview, expectFocusBack, focused, officerView, statusBecomes, tabTo } from '../helpers/processing';
import { visitStartingNow } from '../helpers/site-visits';
import { applicantIds, eventually } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, journey 6 without a mouse: every step by Tab, Shift+Tab, Enter, Space, the arrow
 * keys and Escape, as an officer at a counter works. The leader schedules the visit (with the
 * reason the catalogue calls for), the specialist records it with its minutes and proposes, the
 * leader returns it (the comment is required), the specialist proposes again, the leader extends
 * the time limit, apologises with a new appointment (Form 04 opens) and approves.
 */
describe('console: journey 6 keyboard only', () => {
  const stack = useStack({ name: 'browser-console-processing-keys' });
  const browser = useBrowser();
  const nextId = applicantIds('0797');
  const base = () => stack.api.baseUrl;

  async function signIn(page: Page, username: string, code: string): Promise<void> {
    await signInToConsole(page, base(), username);
    await page.goto(`${base()}/console/ho-so/${code}`);
    await expect.poll(() => page.getByTestId('dossier-status').isVisible(), { timeout: 15_000 }).toBe(true);
  }
  async function reload(page: Page): Promise<void> {
    await page.reload();
    await expect.poll(() => page.getByTestId('dossier-status').isVisible(), { timeout: 15_000 }).toBe(true);
  }
  /** From the top of the page, Tab to the action's button and press Enter: its dialog opens. */
  async function openByKeys(page: Page, action: string, title: string): Promise<void> {
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await tabTo(page, `[data-action="${action}"]`);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog(page).getByRole('heading', { name: title }).isVisible()).toBe(true);
  }
  /** Tab (within the dialog: focus is trapped there) to the field labelled `label`, then type. */
  async function typeInto(page: Page, label: string, text: string): Promise<void> {
    const id = await dialog(page).getByLabel(label).first().getAttribute('id');
    await tabTo(page, `[id="${id}"]`);
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(text);
  }
  async function submitByKeys(page: Page): Promise<void> {
    await tabTo(page, '[role="dialog"] [data-testid="action-submit"]');
    await page.keyboard.press('Enter');
  }

  it('schedules and records the visit, proposes, returns with a required comment, extends, apologises and approves', async () => {
    const code = await dossierInReview(base(), nextId());
    const l = (await browser.open()).page;
    const s = (await browser.open()).page;
    // File choosers intercepted from the start: Playwright turns interception on asynchronously
    // when the first listener comes, which may lose the race with the key press on a loaded machine.
    s.on('filechooser', () => undefined);
    await signIn(l, 'lanhdao.saigon', code);

    // The leader: the visit now, with the reason (the catalogue has none for this procedure).
    await openByKeys(l, 'scheduleVerification', 'Lên lịch xác minh thực địa');
    const visit = await visitStartingNow(60);
    expect(await focused(l, '[data-testid="visit-date"]')).toBe(true);
    await l.keyboard.type(visit.date.split('-').reverse().join('/'));
    await typeInto(l, 'Từ giờ', visit.from);
    await typeInto(l, 'Đến giờ', visit.to);
    await typeInto(l, 'Địa điểm', '25 Hai Bà Trưng, Phường Sài Gòn');
    await typeInto(l, 'Nội dung xác minh', 'Kiểm tra địa điểm kinh doanh thực tế');
    await typeInto(l, 'Lý do lãnh đạo cho phép xác minh ngoài quy định', 'Nghi vấn địa điểm không có thật');
    await submitByKeys(l);
    await expectFocusBack(l, 'scheduleVerification');
    await statusBecomes(base(), code, 'SITE_VERIFICATION');

    // The specialist records it: outcome by the arrow keys, the minutes chosen with Enter.
    await signIn(s, 'chuyenvien.saigon1', code);
    await openByKeys(s, 'recordVerification', 'Ghi kết quả xác minh thực địa');
    await tabTo(s, '[role="dialog"] input[type="radio"]:checked');
    await s.keyboard.press('ArrowDown');
    expect(await dialog(s).getByRole('radio', { name: 'Có sai khác so với hồ sơ' }).isChecked()).toBe(true);
    await s.keyboard.press('ArrowUp');
    await typeInto(s, 'Nội dung ghi nhận', 'Địa điểm đúng như hồ sơ.');
    await tabTo(s, '[role="dialog"] [data-testid="attach-files"]');
    const [chooser] = await Promise.all([s.waitForEvent('filechooser'), s.keyboard.press('Enter')]);
    await chooser.setFiles({ name: 'Biên bản xác minh.pdf', mimeType: 'application/pdf', buffer: pdf() });
    await submitByKeys(s);
    await expectFocusBack(s, 'recordVerification');
    await statusBecomes(base(), code, 'IN_REVIEW');

    await openByKeys(s, 'proposeDecision', 'Đề xuất giải quyết');
    await submitByKeys(s);
    await expectFocusBack(s, 'proposeDecision');
    await statusBecomes(base(), code, 'AWAITING_DECISION');

    // The leader returns it: without the comment the form says so and puts the focus there.
    await reload(l);
    await openByKeys(l, 'decide', 'Quyết định giải quyết hồ sơ');
    await tabTo(l, '[role="dialog"] input[type="radio"]:checked');
    await l.keyboard.press('ArrowDown');
    await l.keyboard.press('ArrowDown');
    expect(await dialog(l).getByRole('radio', { name: 'Trả lại chuyên viên xem xét lại' }).isChecked()).toBe(true);
    await submitByKeys(l);
    await expect.poll(() => dialog(l).getByText('Vui lòng ghi ý kiến cho chuyên viên khi trả lại hồ sơ.').isVisible()).toBe(true);
    const comment = await dialog(l).getByLabel('Ý kiến cho chuyên viên').getAttribute('id');
    await expect.poll(() => focused(l, `[id="${comment}"]`)).toBe(true);
    await l.keyboard.type('Bổ sung ảnh biển hiệu.');
    await submitByKeys(l);
    await expectFocusBack(l, 'decide');
    await statusBecomes(base(), code, 'IN_REVIEW');

    await reload(s);
    await openByKeys(s, 'proposeDecision', 'Đề xuất giải quyết');
    await submitByKeys(s);
    await expectFocusBack(s, 'proposeDecision');
    await statusBecomes(base(), code, 'AWAITING_DECISION');

    // Extension, then the apology with a new appointment; Form 04 opens with Enter.
    await reload(l);
    await openByKeys(l, 'extendDeadline', 'Gia hạn thời gian giải quyết');
    await typeInto(l, 'Thời gian gia hạn (ngày làm việc)', '2');
    await typeInto(l, 'Lý do gia hạn', 'Cần lấy ý kiến cơ quan thuế');
    await typeInto(l, 'Căn cứ pháp lý', 'Khoản 2 Điều 21 Nghị định 118/2025/NĐ-CP');
    await submitByKeys(l);
    await expectFocusBack(l, 'extendDeadline');

    await reload(l);
    await openByKeys(l, 'reappoint', 'Xin lỗi và hẹn lại ngày trả kết quả');
    await l.keyboard.type('Chờ ý kiến của cơ quan thuế');
    await submitByKeys(l);
    await expect.poll(() => dialog(l).getByTestId('reappointed').isVisible()).toBe(true);
    await expect.poll(() => l.evaluate('document.activeElement?.textContent')).toBe('In Phiếu xin lỗi (Mẫu 04)');
    const [form04] = await Promise.all([l.waitForEvent('popup'), l.keyboard.press('Enter')]);
    await expect.poll(() => form04.url()).toMatch(/^blob:/);
    await form04.close();
    await l.bringToFront();
    await l.keyboard.press('Escape');
    await expectFocusBack(l, 'reappoint');
    expect((await officerView(base(), code)).deadline.reappointed).toBe(true);

    await reload(l);
    await openByKeys(l, 'decide', 'Quyết định giải quyết hồ sơ');
    await submitByKeys(l);
    await expectFocusBack(l, 'decide');
    await eventually(() => officerView(base(), code), (v) => v.events.some((e: { type: string }) => e.type === 'approved'));
  });
});
