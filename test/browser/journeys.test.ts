import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, useBrowser, type TestPage } from '../helpers/browser';
import { signInToConsole } from '../helpers/console';
import { pdf } from '../helpers/document-fixtures';
import { signInToPortal, vnTimeAndDate } from '../helpers/portal';
import { actionButton, officerView, statusBecomes } from '../helpers/processing';
import { applicantIds, dossierClient, eventually, http, officerToken, payFeeAtCounter, readAnswer, submitReady, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15's acceptance journeys across roles, in Debian's Chromium against the real stack: the
 * console's officers and the portal's citizen each in their own browser, passing one dossier
 * between them. Journey 5 (a supplement asked at intake, answered in the portal, accepted; a
 * refusal the citizen reads), journey 8 (the e-result downloaded, the result handed over at the
 * counter, completed on both sides), journey 10 (each role sees only its actions and screens;
 * another citizen's dossier reads like an unknown code). axe and a screenshot
 * (test-results/screens/journey-*.png) on every new screen state.
 */

/** Waits for the page (the API and the workflow behind it) longer than expect.poll's second. */
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 100 });

/**
 * The actions that have a dialog in the console (web/src/console/actions/registry.ts, in the
 * lifecycle order of types.ts ACTION_NAMES): the ActionBar offers those of `allowedActions`
 * that are here, in this order.
 */
const REGISTERED_ACTIONS = [
  'acceptIntake',
  'requestIntakeSupplement',
  'refuseIntake',
  'recordPayment',
  'assign',
  'claim',
  'release',
  'requestSupplement',
  'scheduleVerification',
  'recordVerification',
  'proposeDecision',
  'decide',
  'extendDeadline',
  'pauseClock',
  'resumeClock',
  'reappoint',
  'handOverResult',
  'cancel',
];

describe('cross-role journeys', () => {
  const stack = useStack({ name: 'browser-journeys' });
  const nextId = applicantIds('0915');
  const { open } = useBrowser();
  const client = dossierClient(() => stack.api);
  const ONE_STOP = 'motcua.saigon';
  const base = () => stack.api.baseUrl;

  const row = (page: Page, code: string) => page.locator(`tr[data-code="${code}"]`);
  const dossierLink = (page: Page, code: string) => page.locator(`a[href="/console/ho-so/${encodeURIComponent(code)}"]`);

  /** axe, then the picture: one state of a screen. */
  async function check(page: Page, screen: string, name: string, opts: { fullPage?: boolean } = {}) {
    await expectAccessible(page, screen);
    await screenshot(page, `journey-${name}`, opts);
  }

  /** Only the browser's own asks that were meant to fail (the identity provider's favicon, a refused action) are allowed. */
  const unexpected = (t: TestPage, allowed = /status of 404/) => t.problems.filter((p) => !allowed.test(p));

  it('journey 5: the one-stop officer asks for a supplement in the console, the citizen answers in the portal, the officer sees it and accepts; a refusal reads as refused', async () => {
    const idNumber = nextId();
    const name = 'Nguyễn Văn An';
    const { code } = await submitReady(base(), idNumber, 'journey-5');
    const { code: toRefuse } = await submitReady(base(), idNumber, 'journey-5');
    const items = ['Hợp đồng thuê địa điểm kinh doanh', 'Bản sao CCCD của chủ hộ kinh doanh'];
    const reason = 'Chưa có giấy tờ chứng minh địa điểm kinh doanh';

    // The officer opens it from the queue and asks for everything missing at once.
    const officer = await open();
    const o = officer.page;
    await signInToConsole(o, base(), ONE_STOP, '/console/ho-so?hang=awaiting_intake');
    await poll(() => row(o, code).isVisible()).toBe(true);
    await dossierLink(o, code).click();
    await o.waitForURL((u) => u.pathname === `/console/ho-so/${code}`);
    await actionButton(o, 'requestIntakeSupplement').click();
    const dialog = o.getByRole('dialog');
    await poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel(/Giấy tờ, nội dung cần bổ sung/).fill(items.join('\n'));
    await dialog.getByLabel('Lý do', { exact: true }).fill(reason);
    await dialog.getByLabel('Thời hạn bổ sung (ngày làm việc)').fill('3');
    await check(o, 'journey 5: supplement dialog, filled', '5-console-supplement-dialog', { fullPage: false });
    await dialog.getByRole('button', { name: 'Gửi yêu cầu bổ sung' }).click();
    await poll(() => dialog.getByTestId('action-done').isVisible(), 30_000).toBe(true);
    await o.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    await poll(() => o.getByTestId('dossier-status').innerText()).toBe('Yêu cầu bổ sung hồ sơ');
    const asked = await eventually(() => client.ownerLookup(code), (r) => r.body.pending?.kind === 'supplement');
    const [time, date] = vnTimeAndDate(asked.body.pending.deadline);

    // The citizen, signed in, reads what is missing, why and by when, and answers with a file.
    const citizen = await open();
    const c = citizen.page;
    await c.goto(`${base()}/ho-so-cua-toi/${code}`);
    await signInToPortal(c, idNumber, name, `/ho-so-cua-toi/${code}`);
    await poll(() => c.getByTestId('dossier-status').textContent()).toBe('Yêu cầu bổ sung hồ sơ');
    const request = c.getByTestId('supplement-request');
    await poll(() => request.isVisible()).toBe(true);
    const shown = await request.innerText();
    expect(shown).toContain('Hồ sơ cần bổ sung');
    expect(shown).toContain(reason);
    for (const item of items) expect(shown).toContain(item);
    expect(shown).toContain(time);
    expect(shown).toContain(date);
    await check(c, 'journey 5: portal, supplement asked', '5-portal-supplement-asked');
    await request.getByTestId('file-1').setInputFiles({ name: 'hop-dong-thue.pdf', mimeType: 'application/pdf', buffer: pdf(2048) });
    await poll(() => request.getByTestId('uploaded').innerText()).toContain('hop-dong-thue.pdf');
    await request.getByLabel('Ghi chú cho cán bộ').fill('Bản sao CCCD nộp trực tiếp khi nhận kết quả.');
    await c.getByRole('button', { name: 'Gửi hồ sơ bổ sung' }).click();
    await poll(() => c.getByTestId('dossier-status').textContent(), 20_000).toBe('Đã nộp, chờ tiếp nhận');
    expect(await c.getByTestId('supplement-request').count()).toBe(0);
    await check(c, 'journey 5: portal, supplement sent', '5-portal-supplement-sent');

    // Back in the console: the reply is in the "supplements received" queue and on the dossier's requests tab.
    await o.getByRole('link', { name: '← Danh sách hồ sơ' }).click();
    await o.waitForURL((u) => u.pathname === '/console/ho-so');
    await o.locator('[data-queue="supplements_received"]').click();
    await o.waitForURL((u) => u.searchParams.get('hang') === 'supplements_received');
    await poll(() => row(o, code).isVisible(), 20_000).toBe(true);
    await check(o, 'journey 5: worklist, supplements received', '5-console-supplements-received');
    await dossierLink(o, code).click();
    await o.waitForURL((u) => u.pathname === `/console/ho-so/${code}`);
    await o.getByRole('tab', { name: 'Yêu cầu công dân' }).click();
    const answered = o.getByTestId('supplement-request');
    await poll(() => answered.innerText()).toContain('Công dân đã bổ sung');
    const answer = await answered.innerText();
    expect(answer).toContain(reason);
    expect(answer).toContain(items[0]);
    expect(answer).toContain('Bản sao CCCD nộp trực tiếp khi nhận kết quả.');
    await check(o, 'journey 5: dossier, supplement answered', '5-console-supplement-answered');

    await actionButton(o, 'acceptIntake').click();
    await poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await poll(() => dialog.getByTestId('action-done').isVisible(), 30_000).toBe(true);
    await o.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    await poll(() => o.getByTestId('dossier-status').innerText()).not.toBe('Đã nộp, chờ tiếp nhận');
    expect(['RECEIVED', 'IN_REVIEW']).toContain((await client.lookup(code)).body.status.code);

    // The other dossier is refused at intake, with its reasons.
    const reasons = ['Ngành nghề kinh doanh thuộc danh mục cấm kinh doanh', 'Địa điểm kinh doanh không thuộc địa bàn phường'];
    await o.goto(`${base()}/console/ho-so/${encodeURIComponent(toRefuse)}`);
    await poll(() => actionButton(o, 'refuseIntake').isVisible()).toBe(true);
    await actionButton(o, 'refuseIntake').click();
    await poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel(/Lý do từ chối/).fill(reasons.join('\n'));
    await dialog.getByRole('button', { name: 'Từ chối tiếp nhận' }).click();
    await poll(() => dialog.getByTestId('action-done').isVisible(), 30_000).toBe(true);
    await check(o, 'journey 5: refusal dialog, done', '5-console-refused-dialog', { fullPage: false });
    await o.keyboard.press('Escape');
    await poll(() => o.getByTestId('dossier-status').innerText()).toBe('Từ chối tiếp nhận');

    // The citizen (still signed in, moving within the portal) finds it refused, with the reasons and Mẫu 03.
    await c.getByRole('link', { name: '← Hồ sơ của tôi' }).click();
    await c.waitForURL((u) => u.pathname === '/ho-so-cua-toi');
    const list = c.getByTestId('my-dossiers');
    await poll(() => list.innerText()).toContain(toRefuse);
    await poll(() => list.textContent()).toContain('Từ chối tiếp nhận');
    await c.getByRole('link', { name: toRefuse }).click();
    await c.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${toRefuse}`);
    await poll(() => c.getByTestId('dossier-status').textContent()).toBe('Từ chối tiếp nhận');
    const page = await c.getByRole('main').innerText();
    for (const r of reasons) expect(page).toContain(r);
    expect(await c.getByRole('button', { name: 'Rút hồ sơ', exact: true }).count()).toBe(0);
    const saving = c.waitForEvent('download');
    await c.getByTestId('download-refusal').click();
    const slip = await saving;
    expect(slip.url()).toMatch(/^blob:/);
    expect(fs.readFileSync((await slip.path())!).subarray(0, 5).toString()).toBe('%PDF-');
    await check(c, 'journey 5: portal, refused', '5-portal-refused');
    expect((await client.lookup(toRefuse)).body.status.code).toBe('REFUSED_AT_INTAKE');
    expect(unexpected(officer)).toEqual([]);
    expect(unexpected(citizen)).toEqual([]);
  });

  it('journey 8: the citizen downloads the e-result, the officer hands the result over at the counter, and both read it completed', async () => {
    const idNumber = nextId();
    const name = 'Trần Thị Bình';
    const submitted = await submitSample(base(), idNumber, { deliveryMethod: 'counter' }, 'journey-8');
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const code: string = submitted.body.code;
    await eventually(() => client.lookup(code), (s) => s.body.history?.length === 1);
    await payFeeAtCounter(base(), code);
    expect((await client.officer(code, 'intake/accept', ONE_STOP)).status).toBe(200);
    await eventually(() => client.lookup(code), (s) => s.body.status?.code === 'IN_REVIEW');
    expect((await client.officer(code, 'review/proposal', await client.assigneeOf(code), { proposal: 'approve' })).status).toBe(200);
    expect((await client.officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    await eventually(() => client.lookup(code), (s) => s.body.status?.code === 'APPROVED');

    // The citizen keeps the e-result: fetched with the token, saved from a Blob.
    const citizen = await open();
    const c = citizen.page;
    await c.goto(`${base()}/ho-so-cua-toi/${code}`);
    await signInToPortal(c, idNumber, name, `/ho-so-cua-toi/${code}`);
    await poll(() => c.getByTestId('dossier-status').textContent()).toBe('Đã có kết quả');
    const answered = c.waitForResponse((r) => r.url().includes('/forms/result'));
    const saving = c.waitForEvent('download');
    await c.getByTestId('download-result').click();
    const res = await answered;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^application\/pdf/);
    const file = await saving;
    expect(file.url()).toMatch(/^blob:/);
    expect(file.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = fs.readFileSync((await file.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await poll(() => c.getByTestId('downloaded-result').innerText()).toContain(file.suggestedFilename());
    await check(c, 'journey 8: portal, result downloaded', '8-portal-result-downloaded');

    // The officer hands the paper result over at the counter, from the queue.
    const officer = await open();
    const o = officer.page;
    await signInToConsole(o, base(), ONE_STOP, '/console/ho-so?hang=results_to_hand_over');
    await poll(() => row(o, code).isVisible()).toBe(true);
    await check(o, 'journey 8: worklist, results to hand over', '8-console-results-to-hand-over');
    await dossierLink(o, code).click();
    await o.waitForURL((u) => u.pathname === `/console/ho-so/${code}`);
    await actionButton(o, 'handOverResult').click();
    const dialog = o.getByRole('dialog');
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getByLabel('Người nhận kết quả').inputValue()).toBe('Nguyễn Văn An');
    await dialog.getByLabel('Người nhận kết quả').fill(name);
    await dialog.getByRole('button', { name: 'Xác nhận đã trả kết quả' }).click();
    await poll(() => dialog.getByTestId('action-done').isVisible(), 30_000).toBe(true);
    expect(await dialog.getByTestId('action-done').innerText()).toContain(name);
    await check(o, 'journey 8: hand-over dialog, done', '8-console-handed-over', { fullPage: false });
    await o.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    await poll(() => o.getByTestId('dossier-status').innerText(), 20_000).toBe('Hoàn thành');
    expect(await o.locator('[data-action]').count()).toBe(0);
    await check(o, 'journey 8: dossier, completed', '8-console-completed');

    // The citizen, moving within the portal, reads it completed too.
    await c.getByRole('link', { name: '← Hồ sơ của tôi' }).click();
    await c.waitForURL((u) => u.pathname === '/ho-so-cua-toi');
    await poll(() => c.getByTestId('my-dossiers').textContent()).toContain('Hoàn thành');
    await c.getByRole('link', { name: code }).click();
    await c.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${code}`);
    await poll(() => c.getByTestId('dossier-status').textContent()).toBe('Hoàn thành');
    await check(c, 'journey 8: portal, completed', '8-portal-completed');
    expect((await client.lookup(code)).body.status.code).toBe('COMPLETED');
    expect(unexpected(officer)).toEqual([]);
    expect(unexpected(citizen)).toEqual([]);
  });

  describe('journey 10: each role sees only its own', () => {
    const OFFICERS = ['motcua.saigon', 'chuyenvien.saigon1', 'chuyenvien.saigon2', 'lanhdao.saigon', 'giamsat.saigon'] as const;
    type Officer = (typeof OFFICERS)[number];
    /** The console's screens in each role's menu. */
    const MENU: Record<Officer, string[]> = {
      'motcua.saigon': ['Hồ sơ', 'Tiếp nhận tại quầy', 'Hồ sơ liên thông'],
      'chuyenvien.saigon1': ['Hồ sơ', 'Hồ sơ liên thông'],
      'chuyenvien.saigon2': ['Hồ sơ', 'Hồ sơ liên thông'],
      'lanhdao.saigon': ['Hồ sơ', 'Hồ sơ liên thông', 'Giám sát, thống kê'],
      'giamsat.saigon': ['Giám sát, thống kê'],
    };

    /** The dossier as `user` reads it over the API, with their own signed token. */
    async function asOfficer(user: string, code: string): Promise<{ status: { code: string; label: string }; allowedActions: string[] }> {
      const res = await fetch(`${base()}/api/v1/dossiers/${encodeURIComponent(code)}`, { headers: { Authorization: `Bearer ${await officerToken(user)}` } });
      const view = await readAnswer(res);
      expect(view.status, `${user}: ${JSON.stringify(view.body)}`).toBe(200);
      return view.body;
    }

    it('at intake, in review (chuyenvien.saigon1) and awaiting decision, the action buttons are exactly the API’s allowedActions; the menu only the role’s screens', async () => {
      const { code } = await submitReady(base(), nextId(), 'journey-10');
      const pages = new Map<Officer, TestPage>();
      for (const user of OFFICERS) {
        const t = await open();
        await signInToConsole(t.page, base(), user, `/console/ho-so/${encodeURIComponent(code)}`);
        await t.page.waitForURL((u) => u.pathname === `/console/ho-so/${code}`);
        const menu = t.page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link');
        expect((await menu.allInnerTexts()).map((s) => s.trim()), `${user}'s menu`).toEqual(MENU[user]);
        pages.set(user, t);
      }

      const shownAt = async (stage: string, expectStatus: string) => {
        const seen: Record<string, string[]> = {};
        for (const user of OFFICERS) {
          const { page } = pages.get(user)!;
          if (stage !== 'intake') {
            await page.goto(`${base()}/console/ho-so/${encodeURIComponent(code)}`);
            await poll(() => page.getByTestId('officer-name').isVisible()).toBe(true);
          }
          const view = await asOfficer(user, code);
          expect(view.status.code).toBe(expectStatus);
          await poll(() => page.getByTestId('dossier-status').innerText()).toBe(view.status.label);
          await poll(async () => (await page.locator('[data-action]').count()) + (await page.getByTestId('no-actions').count())).toBeGreaterThan(0);
          const shown = await page.locator('[data-action]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action') ?? ''));
          expect(shown, `${user}'s buttons at ${stage}`).toEqual(REGISTERED_ACTIONS.filter((a) => view.allowedActions.includes(a)));
          if (!shown.length) expect(await page.getByTestId('no-actions').innerText()).toBe('Không có thao tác nào dành cho bạn ở bước này.');
          // Said by name too: the words on the buttons belong to the role.
          if (user !== ONE_STOP) expect(await page.getByRole('button', { name: 'Tiếp nhận', exact: true }).count(), `${user} at ${stage}`).toBe(0);
          if (user !== 'lanhdao.saigon') expect(await page.getByRole('button', { name: 'Quyết định', exact: true }).count(), `${user} at ${stage}`).toBe(0);
          await check(page, `journey 10: dossier at ${stage}, as ${user}`, `10-${stage}-${user.replace('.', '-')}`, { fullPage: false });
          seen[user] = shown;
        }
        return seen;
      };

      const atIntake = await shownAt('intake', 'SUBMITTED');
      expect(atIntake['motcua.saigon']).toContain('acceptIntake');
      expect(atIntake['motcua.saigon']).toContain('refuseIntake');
      for (const user of ['chuyenvien.saigon1', 'chuyenvien.saigon2', 'lanhdao.saigon', 'giamsat.saigon'] as const) {
        expect(atIntake[user]).not.toContain('acceptIntake');
      }
      expect(atIntake['giamsat.saigon']).toEqual([]);

      // Accepted; the leader hands it to chuyenvien.saigon1 when the automatic assignment chose the other one.
      expect((await client.officer(code, 'intake/accept', ONE_STOP)).status).toBe(200);
      const received = await eventually(() => officerView(base(), code), (v) => v.status.code === 'IN_REVIEW' || (v.status.code === 'RECEIVED' && !!v.assignee));
      if (received.assignee?.fullName !== 'Lê Văn Hùng') {
        const assigned = await client.officer(code, 'assignment', 'lanhdao.saigon', { specialist: 'chuyenvien.saigon1' });
        expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
      }
      await eventually(() => officerView(base(), code), (v) => v.status.code === 'IN_REVIEW' && v.assignee?.fullName === 'Lê Văn Hùng');
      const inReview = await shownAt('review', 'IN_REVIEW');
      expect(inReview['chuyenvien.saigon1']).toContain('proposeDecision');
      expect(inReview['chuyenvien.saigon2']).not.toContain('proposeDecision');
      expect(inReview['motcua.saigon']).not.toContain('decide');
      expect(inReview['giamsat.saigon']).toEqual([]);

      expect((await client.officer(code, 'review/proposal', 'chuyenvien.saigon1', { proposal: 'approve', note: 'Đủ điều kiện' })).status).toBe(200);
      await statusBecomes(base(), code, 'AWAITING_DECISION');
      const awaitingDecision = await shownAt('decision', 'AWAITING_DECISION');
      expect(awaitingDecision['lanhdao.saigon']).toContain('decide');
      for (const user of ['motcua.saigon', 'chuyenvien.saigon1', 'chuyenvien.saigon2', 'giamsat.saigon'] as const) expect(awaitingDecision[user]).not.toContain('decide');
      expect(awaitingDecision['giamsat.saigon']).toEqual([]);

      // The supervisor's menu has no counter intake, and the address does not open it either.
      const supervisor = pages.get('giamsat.saigon')!.page;
      expect(await supervisor.getByRole('link', { name: 'Tiếp nhận tại quầy' }).count()).toBe(0);
      await check(supervisor, 'journey 10: supervisor menu', '10-supervisor-menu');
      for (const t of pages.values()) expect(unexpected(t)).toEqual([]);
    });

    it("another citizen's dossier reads exactly like an unknown code", async () => {
      const owner = nextId();
      const { code } = await submitReady(base(), owner, 'journey-10', { paid: false });
      const stranger = nextId();
      const t = await open();
      const page = t.page;
      await page.goto(`${base()}/ho-so-cua-toi/${code}`);
      await signInToPortal(page, stranger, 'Đỗ Văn Giang', `/ho-so-cua-toi/${code}`);
      const theirs = page.getByTestId('dossier-unknown');
      await poll(() => theirs.isVisible()).toBe(true);
      const theirsText = (await page.getByRole('main').innerText()).replaceAll(code, '<code>');
      expect(theirsText).not.toContain('Nguyễn Văn An');
      await check(page, "journey 10: portal, another citizen's dossier", '10-portal-other-citizens-dossier');

      // A code that does not exist, opened within the portal (still signed in).
      const missing = code.replace(/-(\d{4,})$/, (_, n: string) => `-${String(Number(n) + 9000).padStart(n.length, '0')}`);
      expect(await http('GET', `${base()}/api/v1/status/${missing}`).then((r) => r.status)).toBe(404);
      await page.evaluate(`window.history.pushState(null, '', ${JSON.stringify(`/ho-so-cua-toi/${missing}`)}); window.dispatchEvent(new PopStateEvent('popstate'))`);
      await poll(() => page.getByRole('main').innerText()).toContain(missing);
      await poll(() => page.getByTestId('dossier-unknown').isVisible()).toBe(true);
      expect((await page.getByRole('main').innerText()).replaceAll(missing, '<code>')).toBe(theirsText);
      await check(page, 'journey 10: portal, unknown code', '10-portal-unknown-code');
      expect(unexpected(t)).toEqual([]);
    });
  });
});
