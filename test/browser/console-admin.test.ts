import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../../domain/calendar';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';
import { expectAccessible, screenshot, settleAnimations, useBrowser } from '../helpers/browser';
import { signInToConsole } from '../helpers/console';
import { eventually, http, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';
import { startWebhookSubscriber } from '../helpers/webhook-subscriber';

/**
 * Issue 15, the administrator's screens (quantri) on the real stack: a working calendar gets a
 * new version with a day off typed as dd/mm/yyyy; the preview shows the open dossier whose due
 * date would move, before and after; the recomputation, confirmed with a reason, is logged.
 * A webhook subscription is created with its event types (the secret shown once, and the test
 * subscriber verifies signatures with it), pinged, paused and resumed; a dossier's status
 * changes are delivered, one delivery's attempts are read and it is replayed; the
 * subscription is deleted after confirming. Axe and a screenshot (1366×768) on every screen
 * and dialog.
 */
describe('console: administration in the browser', () => {
  const stack = useStack({
    name: 'browser-console-admin',
    worker: { WEBHOOK_MAX_ATTEMPTS: '3', WEBHOOK_BACKOFF_MS: '300', WEBHOOK_BACKOFF_MAX_MS: '1000', WEBHOOK_TIMEOUT_MS: '2000', WEBHOOK_RELAY_INTERVAL_MS: '100' },
  });
  const { open } = useBrowser();
  const ADMIN = { 'X-User-Id': 'quantri' };
  const CAL = 'QT-THU-NGHIEM';
  const url = (path: string) => `${stack.api.baseUrl}/api/v1${path}`;
  /** A dialog once it has faded in: judged by axe in its final colours. */
  // A dialog is judged once it is visible and has finished fading in.
  const shown = async (dialog: Locator) => {
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await settleAnimations(dialog.page());
  };
  const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

  it('calendars: a new version, the recompute preview (before/after), the confirmed recomputation and its log', { timeout: 180_000 }, async () => {
    // An agency on a calendar of its own, with a dossier received at its counter now.
    expect((await http('POST', url('/calendars'), { body: { code: CAL, name: 'Lịch thử nghiệm của phường', baseCode: 'VN-STATE', reason: 'Bộ kiểm thử giao diện' }, headers: ADMIN })).status).toBe(201);
    const cal = await stack.api.db('work_calendars').where({ code: CAL, version: 1 }).first('id');
    const [agency] = await stack.api.db('agencies').insert({ eid: '000.99.61.H29', name: 'Ủy ban nhân dân Phường Thử Nghiệm Lịch', level: 'commune', calendar_id: cal.id }).returning(['id', 'eid']);
    const procedure = await stack.api.db('procedures').where('code', 'DD-DANGKYLANDAU').first('id');
    await stack.api.db('procedure_agencies').insert({ procedure_id: procedure.id, agency_id: agency.id });
    const staff = await stack.api
      .db('users')
      .insert([
        { username: 'qt.motcua.lich', full_name: 'Cán bộ một cửa thử lịch' },
        { username: 'qt.chuyenvien.lich', full_name: 'Chuyên viên thử lịch' },
      ])
      .returning('id');
    await stack.api.db('user_roles').insert([
      { user_id: staff[0].id, agency_id: agency.id, role: 'one_stop_officer' },
      { user_id: staff[1].id, agency_id: agency.id, role: 'specialist' },
    ]);
    const submitted = await http('POST', url('/counter/dossiers'), {
      body: {
        procedureCode: 'DD-DANGKYLANDAU',
        agencyEid: agency.eid,
        deliveryMethod: 'counter',
        acceptNow: true,
        applicant: { fullName: 'Trần Văn Thử', idNumber: '084200000001', phone: '0912345678' },
        documents: [{ name: 'Đơn đăng ký đất đai (Mẫu 04/ĐK)', checklistItem: 1 }, { name: 'Giấy tờ về quyền sử dụng đất' }],
      },
      headers: { 'Idempotency-Key': uniqueKey('browser-admin'), 'X-User-Id': 'qt.motcua.lich' },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const code: string = submitted.body.code;
    const dated = await eventually(() => stack.api.db('dossiers').where('code', code).first('id', 'due_at'), (d) => d.due_at !== null);
    const start = await stack.api.db('dossier_clock_entries').where({ dossier_id: dated.id, kind: 'start' }).first('at');
    // The first working day after the receipt becomes a day off: the due date moves one working day.
    const national = new WorkingCalendar(VN_STATE_CALENDAR);
    let dayOff = national.localDateOf(new Date(start.at));
    do dayOff = new Date(Date.parse(`${dayOff}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    while (!national.isWorkingDay(dayOff));

    const t = await open();
    const { page } = t;
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
    });
    await signInToConsole(page, stack.api.baseUrl, 'quantri', `/console/quan-tri/lich-lam-viec?lich=${CAL}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Lịch làm việc');
    const detail = page.getByTestId('calendar-detail');
    await expect.poll(() => detail.getByRole('heading', { level: 2 }).innerText()).toBe('Lịch thử nghiệm của phường');
    expect(await page.getByTestId('calendar-list').innerText()).toContain('VN-STATE');
    expect(await detail.innerText()).toContain('Ủy ban nhân dân Phường Thử Nghiệm Lịch');
    await expectAccessible(page, 'calendars');
    await screenshot(page, 'console-admin-calendars-1366');

    // The new version's form explains what is missing before sending.
    await page.getByRole('button', { name: 'Tạo phiên bản mới' }).click();
    const dialog = page.getByRole('dialog', { name: `Tạo phiên bản mới của lịch ${CAL}` });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Tạo phiên bản' }).click();
    await expect.poll(() => dialog.innerText()).toContain('Vui lòng nhập lý do thay đổi.');
    expect(await dialog.innerText()).toContain('Phiên bản mới phải thay đổi ít nhất một điều');
    await shown(dialog);
    await expectAccessible(page, 'calendars: new version (errors)');
    await screenshot(page, 'console-admin-calendar-version-errors-1366', { fullPage: false });

    await dialog.getByLabel('Lý do thay đổi').fill('Nghỉ đột xuất theo quyết định của Ủy ban');
    const day = dialog.getByLabel('Ngày (dòng 1)', { exact: true });
    await day.fill(dmy(dayOff));
    await day.press('Tab');
    await dialog.getByLabel('Tên ngày (dòng 1)').fill('Nghỉ đột xuất');
    await expectAccessible(page, 'calendars: new version (filled)');
    await screenshot(page, 'console-admin-calendar-version-1366', { fullPage: false });
    await dialog.getByRole('button', { name: 'Tạo phiên bản' }).click();
    await expect.poll(async () => (await dialog.isVisible()) ? await dialog.innerText() : false, { timeout: 20_000 }).toBe(false);
    await expect.poll(() => page.getByTestId('calendar-versions').innerText()).toContain('Nghỉ đột xuất theo quyết định của Ủy ban');
    expect(await page.getByTestId('calendar-days').innerText()).toContain('Nghỉ đột xuất');
    expect((await stack.api.db('work_calendars').where({ code: CAL }).max('version as v').first())!.v).toBe(2);

    // The preview: this dossier, its due date now and on version 2.
    const preview = await http('POST', url(`/calendars/${CAL}/recompute-preview`), { body: {}, headers: ADMIN });
    expect(preview.body).toMatchObject({ count: 1, changed: 1, dossiers: [{ code, changed: true }] });
    await page.getByRole('button', { name: 'Xem trước và tính lại hạn' }).click();
    const rc = page.getByRole('dialog', { name: `Tính lại hạn theo lịch ${CAL} phiên bản 2` });
    await expect.poll(() => rc.getByTestId('preview-summary').innerText()).toContain('1 hồ sơ sẽ đổi hạn giải quyết');
    const row = await rc.getByTestId('preview-table').innerText();
    expect(row).toContain(code);
    const vnTime = (iso: string) => `${iso.slice(11, 16)}, `;
    expect(row).toContain(vnTime(preview.body.dossiers[0].oldDueAt));
    expect(row).toContain(dmy(preview.body.dossiers[0].newDueAt.slice(0, 10)));
    await shown(rc);
    await expectAccessible(page, 'calendars: recompute preview');
    await screenshot(page, 'console-admin-recompute-preview-1366', { fullPage: false });

    // Confirmation asks for a reason, then recomputes.
    await rc.getByRole('button', { name: 'Tính lại hạn 1 hồ sơ' }).click();
    await rc.getByRole('button', { name: 'Xác nhận tính lại' }).click();
    await expect.poll(() => rc.innerText()).toContain('Vui lòng nhập lý do tính lại.');
    await expectAccessible(page, 'calendars: recompute confirmation');
    await screenshot(page, 'console-admin-recompute-confirm-1366', { fullPage: false });
    await rc.getByLabel('Lý do tính lại').fill('Áp dụng ngày nghỉ đột xuất');
    await rc.getByRole('button', { name: 'Xác nhận tính lại' }).click();
    await expect.poll(() => rc.getByTestId('recompute-done').innerText(), { timeout: 30_000 }).toContain('1/1 hồ sơ đã đổi hạn theo phiên bản 2');
    await expectAccessible(page, 'calendars: recomputed');
    await screenshot(page, 'console-admin-recompute-done-1366', { fullPage: false });
    await rc.getByRole('button', { name: 'Đóng' }).first().click();
    await expect.poll(() => page.getByTestId('recompute-log').innerText()).toContain('Áp dụng ngày nghỉ đột xuất');
    expect(await page.getByTestId('recompute-log').innerText()).toContain(code);
    const after = await stack.api.db('dossiers').where('code', code).first('calendar_version', 'due_at');
    expect(after.calendar_version).toBe(2);
    expect(new Date(after.due_at).toISOString()).toBe(new Date(preview.body.dossiers[0].newDueAt).toISOString());
    await screenshot(page, 'console-admin-calendars-after-1366');
    expect(failed).toEqual([]);
    // No answer of ours failed (above): a 404 logged by the browser is its guess at /favicon.ico.
    expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });

  it('webhooks: create with event types (secret shown once), ping, pause and resume, deliveries with attempts, replay, delete', { timeout: 180_000 }, async () => {
    const subscriber = await startWebhookSubscriber();
    // Buttons are found by this name: other suites sharing the database list subscriptions too.
    const SUB_NAME = 'Cổng Dịch vụ công quốc gia – đồng bộ trạng thái';
    try {
      const t = await open();
      const { page } = t;
      await signInToConsole(page, stack.api.baseUrl, 'quantri', '/console/quan-tri/webhook');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Kết nối (webhook)');
      await expectAccessible(page, 'webhooks (empty)');

      await page.getByRole('button', { name: 'Thêm đăng ký nhận' }).click();
      const create = page.getByRole('dialog', { name: 'Thêm đăng ký nhận webhook' });
      await create.getByRole('button', { name: 'Tạo đăng ký' }).click();
      await expect.poll(() => create.innerText()).toContain('Vui lòng nhập tên đăng ký.');
      await shown(create);
    await expectAccessible(page, 'webhooks: create (errors)');
      await screenshot(page, 'console-admin-webhook-create-errors-1366', { fullPage: false });
      await create.getByLabel('Tên').fill(SUB_NAME);
      await create.getByLabel('Địa chỉ nhận (URL)').fill(subscriber.url);
      await create.getByLabel('Tất cả sự kiện (kể cả loại thêm sau này)').uncheck();
      await create.getByLabel('Hồ sơ chuyển trạng thái').check();
      await create.getByLabel('Chỉ hồ sơ của cơ quan (mã định danh)').fill('000.20.20.H29');
      await create.getByRole('button', { name: 'Tạo đăng ký' }).click();

      // The secret, once: the subscriber verifies signatures with it.
      const secretDialog = page.getByRole('dialog', { name: 'Đã tạo đăng ký nhận' });
      const secret = await secretDialog.getByTestId('webhook-secret').innerText();
      expect(secret.length).toBeGreaterThan(20);
      subscriber.setSecret(secret.trim());
      await shown(secretDialog);
    await expectAccessible(page, 'webhooks: secret shown once');
      await screenshot(page, 'console-admin-webhook-secret-1366', { fullPage: false });
      await secretDialog.getByRole('button', { name: 'Tôi đã lưu khóa, đóng' }).click();
      const subs = page.getByTestId('subscriptions');
      await expect.poll(() => subs.innerText()).toContain('Hồ sơ chuyển trạng thái');
      const listed = await http('GET', url('/webhooks/subscriptions'), { headers: ADMIN });
      // Other suites sharing the database may hold subscriptions of their own: this test reads its own.
      const mineListed = listed.body.items.filter((i: { url: string }) => i.url === subscriber.url);
      expect(mineListed).toEqual([expect.objectContaining({ url: subscriber.url, events: ['dossier.status_changed'], agencyEid: '000.20.20.H29', active: true })]);
      const subId: number = mineListed[0].id;

      // Ping: the subscriber answers.
      await page.getByRole('button', { name: `Gửi thử ${SUB_NAME}` }).click();
      await expect.poll(() => page.getByTestId('ping-result').innerText()).toContain('Thành công');
      // Pause and resume.
      await page.getByRole('button', { name: `Tạm dừng ${SUB_NAME}` }).click();
      // Its own button turns to resume (other suites' rows may say either).
      await expect.poll(() => page.getByRole('button', { name: `Tiếp tục ${SUB_NAME}` }).count()).toBe(1);
      expect((await http('GET', url(`/webhooks/subscriptions/${subId}`), { headers: ADMIN })).body.active).toBe(false);
      await page.getByRole('button', { name: `Tiếp tục ${SUB_NAME}` }).click();
      await expect.poll(() => page.getByRole('button', { name: `Tạm dừng ${SUB_NAME}` }).count()).toBe(1);
      await expectAccessible(page, 'webhooks: subscription');
      await screenshot(page, 'console-admin-webhooks-1366');

      // A dossier submitted: its status change is delivered, signed with the secret shown.
      const r = await http('POST', url('/dossiers'), {
        body: {
          procedureCode: 'KT-HKD',
          agencyEid: '000.20.20.H29',
          deliveryMethod: 'online',
          applicant: { fullName: 'Nguyễn Văn Kết Nối', idNumber: '084200000002', phone: '0912345678' },
          documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh' }],
        },
        headers: { 'Idempotency-Key': uniqueKey('browser-admin-hook') },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      await eventually(async () => subscriber.events().filter((e) => e.dossier?.code === r.body.code).length, (n) => n >= 1);
      await page.getByRole('button', { name: 'Làm mới' }).click();
      const deliveries = page.getByTestId('deliveries');
      await expect.poll(() => deliveries.innerText()).toContain(r.body.code);
      await expect.poll(() => deliveries.innerText()).toContain('Đã gửi');
      const delivered = (await http('GET', url(`/webhooks/deliveries?subscription=${subId}`), { headers: ADMIN })).body.items[0];
      const deliveryRow = deliveries.locator(`tr[data-id="${delivered.id}"]`);

      // Its attempts.
      await deliveryRow.getByRole('button', { name: `Các lần gửi của lượt ${delivered.id}` }).click();
      const attempts = page.getByRole('dialog', { name: `Các lần gửi của lượt ${delivered.id}` });
      await expect.poll(() => attempts.getByTestId('attempts').innerText()).toContain('HTTP 204');
      await shown(attempts);
    await expectAccessible(page, 'webhooks: attempts');
      await screenshot(page, 'console-admin-webhook-attempts-1366', { fullPage: false });
      await page.keyboard.press('Escape');
      await expect.poll(() => attempts.isVisible()).toBe(false);

      // Replay: sent again, with the same event id.
      const before = subscriber.requests.length;
      await deliveryRow.getByRole('button', { name: `Gửi lại lượt ${delivered.id}` }).click();
      await expect.poll(() => page.getByTestId('replay-result').innerText()).toContain(`Lượt gửi #${delivered.id} sẽ được gửi lại`);
      await eventually(async () => subscriber.requests.length, (n) => n > before);
      expect(subscriber.requests.at(-1)!.body.id).toBe(delivered.eventId);
      await eventually(() => http('GET', url(`/webhooks/deliveries/${delivered.id}`), { headers: ADMIN }), (d) => d.body.status === 'delivered' && d.body.attemptCount >= 2);
      await page.getByRole('button', { name: 'Làm mới' }).click();
      await expect.poll(() => deliveryRow.locator('td').nth(5).innerText()).not.toBe('1');
      await expectAccessible(page, 'webhooks: replayed');
      await screenshot(page, 'console-admin-webhook-replayed-1366');

      // Rotate: a new secret, shown once.
      await page.getByRole('button', { name: `Đổi khóa bí mật ${SUB_NAME}` }).click();
      const rotated = page.getByRole('dialog', { name: 'Khóa bí mật mới' });
      expect((await rotated.getByTestId('webhook-secret').innerText()).trim()).not.toBe(secret.trim());
      await rotated.getByRole('button', { name: 'Tôi đã lưu khóa, đóng' }).click();

      // Delete, after confirming.
      await page.getByRole('button', { name: `Xóa ${SUB_NAME}` }).click();
      const confirm = page.getByRole('dialog', { name: 'Xóa đăng ký nhận?' });
      await expect.poll(() => confirm.isVisible()).toBe(true);
      await shown(confirm);
    await expectAccessible(page, 'webhooks: delete confirmation');
      await screenshot(page, 'console-admin-webhook-delete-1366', { fullPage: false });
      await confirm.getByRole('button', { name: 'Xóa đăng ký' }).click();
      await expect.poll(async () => (await http('GET', url('/webhooks/subscriptions'), { headers: ADMIN })).body.items.filter((i: { url: string }) => i.url === subscriber.url)).toEqual([]);
      await expect.poll(() => page.getByRole('button', { name: `Xóa ${SUB_NAME}` }).count()).toBe(0);
      // As in the calendars test: a 404 the console's own requests may meet while it signs in is not a problem of this screen.
      expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
    } finally {
      await subscriber.close();
    }
  });
});
