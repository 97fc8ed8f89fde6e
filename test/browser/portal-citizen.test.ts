import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, expectAccessible, screenshot, useBrowser, type TestPage } from '../helpers/browser';
import { exe, pdf } from '../helpers/document-fixtures';
import { applicantIds, citizenToken, dossierClient, eventually, http, submitReady } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, the signed-in citizen in the portal, in Debian's Chromium against the real stack:
 * sign-in through the development identity provider (code + PKCE, the token in memory only,
 * back on the page the citizen was on), journey 1 (submit with an upload: the client's and the
 * API's own field errors, a double click filing one dossier; pay on the sandbox gateway and see
 * it paid), "Hồ sơ của tôi", the supplement asked at intake and the reply, withdrawal, the
 * receipt and the result downloaded as Blobs, the satisfaction rating, and another citizen's
 * code reading like an unknown one. Every screen, dialog and error state is checked by axe and
 * saved at 1366×768 and 390×844.
 */
/** Waits for the page (the API and the workflow behind it) longer than expect.poll's one second. */
const poll = <T>(fn: () => Promise<T> | T, timeout = 10_000) => expect.poll(fn, { timeout, interval: 100 });

describe('citizen portal, signed in', () => {
  const stack = useStack({ name: 'browser-portal-citizen' });
  const nextId = applicantIds('0816');
  const { open } = useBrowser();
  const client = dossierClient(() => stack.api);

  /** axe and a screenshot of the page as it is, on the desktop and on a phone; nothing wider than the screen. */
  async function checkState(page: Page, screen: string, name: string) {
    for (const [viewport, suffix] of [
      [DESKTOP, '1366'],
      [PHONE, '390'],
    ] as const) {
      await page.setViewportSize(viewport);
      await expectAccessible(page, `${screen} (${suffix})`);
      await screenshot(page, `${name}-${suffix}`);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${screen} fits ${suffix}`).toBeLessThanOrEqual(viewport.width);
    }
    await page.setViewportSize(DESKTOP);
  }

  /** Signs in from the page's own "Đăng nhập" (in the page, else the header) through the development identity provider. */
  async function signIn(page: Page, idNumber: string, fullName: string, returnPath: string) {
    const inPage = page.getByRole('main').getByRole('button', { name: 'Đăng nhập', exact: true });
    const button = (await inPage.count()) ? inPage : page.getByRole('banner').getByRole('button', { name: 'Đăng nhập', exact: true });
    // Off to the provider (the click first discovers it), then its sign-in page, or straight back when it still knows the citizen.
    // Watched from before the click: a provider that still knows the citizen can send the page back, and the
    // portal strip the code from the address, before a wait begun after the click would look.
    const offToProvider = () => page.waitForURL((u) => u.pathname.startsWith('/dev/idp/citizens/') || u.searchParams.has('code'), { waitUntil: 'commit', timeout: 15_000 }).then(() => 'left' as const, () => 'stayed' as const);
    const leaving = offToProvider();
    await button.click();
    // When the portal could not reach the provider it says so and asks to try again: the citizen clicks once more.
    const unreachable = page.getByText('Không kết nối được với hệ thống đăng nhập', { exact: false }).waitFor({ timeout: 15_000 }).then(() => 'unreachable' as const, () => leaving);
    let outcome = await Promise.race([leaving, unreachable]);
    if (outcome === 'unreachable') {
      const again = offToProvider();
      await button.click();
      outcome = await again;
    }
    if (outcome !== 'left') throw new Error(`the sign-in did not leave ${page.url()}: ${await page.locator('body').innerText()}`);
    await page.waitForURL((u) => u.pathname.startsWith('/dev/idp/citizens/interaction/') || !u.pathname.startsWith('/dev/idp/'), { timeout: 15_000 });
    if (new URL(page.url()).pathname.startsWith('/dev/idp/')) {
      await page.getByLabel('Số CCCD/CMND').fill(idNumber);
      await page.getByLabel('Họ và tên').fill(fullName);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    }
    // Back on the page the citizen left, the code gone from the address bar.
    await page.waitForURL((u) => u.pathname === returnPath && !u.searchParams.has('code'), { timeout: 15_000 });
    try {
      await poll(() => page.getByRole('banner').getByText(fullName).count()).toBeGreaterThan(0);
    } catch (err) {
      throw new Error(`not signed in as ${fullName} at ${page.url()}: ${await page.locator('body').innerText()}`, { cause: err });
    }
  }

  const noTokenStored = async (page: Page) => expect(await page.evaluate('JSON.stringify({ l: { ...localStorage }, s: { ...sessionStorage } })')).not.toMatch(/eyJ/);
  const fixture = (name: string) => ({ name, mimeType: 'application/pdf', buffer: pdf(2048) });
  const countOf = async (idNumber: string) => Number((await stack.api.db('dossiers').where({ applicant_id_number: idNumber }).count('* as n'))[0]!.n);

  it('journey 1: signs in, a field error shows, a double click files one dossier, pays on the gateway and sees it paid', async () => {
    const idNumber = nextId();
    const name = 'Trần Thị Bình';
    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/thu-tuc/KT-HKD`);
    await page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).click();
    await page.waitForURL((u) => u.pathname === '/thu-tuc/KT-HKD/nop-ho-so');
    await poll(() => page.getByRole('heading', { name: 'Vui lòng đăng nhập' }).isVisible()).toBe(true);
    await checkState(page, 'submit (signed out)', 'portal-submit-sign-in');

    await signIn(page, idNumber, name, '/thu-tuc/KT-HKD/nop-ho-so');
    await noTokenStored(page);
    await poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Nộp hồ sơ trực tuyến');
    expect(await page.getByLabel('Họ và tên').inputValue()).toBe(name);
    expect(await page.getByLabel('Số CCCD/CMND').inputValue()).toBe(idNumber);
    await checkState(page, 'submit (empty form)', 'portal-submit-form');

    // The client's own check first: the required document has no file.
    await page.getByTestId('submit-dossier').click();
    await poll(() => page.getByTestId('form-errors').isVisible()).toBe(true);
    expect(await page.getByText('Vui lòng đính kèm tệp của giấy tờ bắt buộc này.').isVisible()).toBe(true);
    await checkState(page, 'submit (missing document)', 'portal-submit-missing-document');

    // A file the API refuses is explained under its document.
    await page.getByTestId('file-1').setInputFiles({ name: 'giay-de-nghi.exe', mimeType: 'application/octet-stream', buffer: exe() });
    await poll(() => page.getByText('không được chấp nhận', { exact: false }).first().isVisible()).toBe(true);
    await checkState(page, 'submit (file refused)', 'portal-submit-file-refused');

    // The upload goes at once; a phone number the API's schema refuses comes back under its field.
    await page.getByTestId('file-1').setInputFiles(fixture('giay-de-nghi.pdf'));
    await poll(() => page.getByTestId('uploaded').innerText()).toContain('giay-de-nghi.pdf');
    await page.getByLabel('Số điện thoại').fill('0912');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/dossiers') && r.request().method() === 'POST');
    await page.getByTestId('submit-dossier').click();
    expect((await refused).status()).toBe(422);
    const phone = page.getByLabel('Số điện thoại');
    await poll(() => phone.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await phone.getAttribute('aria-describedby')) ?? '';
    const errorText = (await Promise.all(describedBy.split(' ').filter(Boolean).map((id) => page.locator(`[id="${id}"]`).innerText()))).join(' ');
    expect(errorText).toContain('Chưa hợp lệ: số điện thoại Việt Nam, ví dụ 0912345678');
    expect(await countOf(idNumber)).toBe(0);
    await checkState(page, 'submit (API field error)', 'portal-submit-api-error');

    // A double click on "Nộp hồ sơ" files one dossier.
    await phone.fill('0912345678');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/v1/dossiers') && r.method() === 'POST') posts.push(r.headers()['idempotency-key'] ?? '');
    });
    await page.getByTestId('submit-dossier').dblclick();
    await page.waitForURL((u) => u.pathname.startsWith('/ho-so-cua-toi/'), { timeout: 20_000 });
    const code = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(await countOf(idNumber)).toBe(1);
    expect(posts.length).toBe(1);
    expect(posts[0]).toMatch(/^[0-9a-f-]{36}$/);
    const docs = await stack.api.db('documents as doc').join('dossiers as d', 'd.id', 'doc.dossier_id').where('d.code', code).select('doc.filename');
    expect(docs.map((d) => d.filename)).toEqual(['giay-de-nghi.pdf']);

    await poll(() => page.getByTestId('submitted-notice').innerText()).toContain(code);
    await poll(() => page.getByTestId('fee').innerText(), 20_000).toBe('50.000\u00a0₫ (Chưa nộp)');
    await checkState(page, 'dossier (just submitted, fee due)', 'portal-dossier-submitted');

    // Pay on the sandbox gateway; back in the portal it reads paid.
    await page.getByRole('button', { name: 'Thanh toán trực tuyến 50.000\u00a0₫' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/sandbox/payment-gateway/pay/'));
    await page.getByRole('button', { name: 'Thanh toán', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/thanh-toan/ket-qua');
    await poll(() => page.getByTestId('payment-result').innerText(), 15_000).toContain('Đã thanh toán 50.000\u00a0₫');

    // The way back was a full-page navigation: signed out (memory only); signing in lands on the dossier.
    await page.getByRole('link', { name: 'Mở trong Hồ sơ của tôi' }).click();
    await page.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${code}`);
    await signIn(page, idNumber, name, `/ho-so-cua-toi/${code}`);
    await poll(() => page.getByTestId('fee').innerText()).toBe('50.000\u00a0₫ (Đã nộp)');
    expect(await page.getByRole('button', { name: /Thanh toán trực tuyến/ }).count()).toBe(0);
    await poll(() => page.getByText('Biên lai điện tử', { exact: true }).count()).toBeGreaterThan(0);
    await checkState(page, 'dossier (paid)', 'portal-dossier-paid');
    await noTokenStored(page);
    // The refused file (415), the refused phone number (422), Chromium's ask for the gateway's /favicon.ico (404).
    expect(t.problems.filter((p) => !/status of (404|415|422)/.test(p))).toEqual([]);
  });

  it('"Hồ sơ của tôi" lists the dossiers; a supplement asked at intake shows its reason, items and deadline, and the reply is accepted', async () => {
    const idNumber = nextId();
    const name = 'Lê Văn Cường';
    const { code } = await submitReady(stack.api.baseUrl, idNumber, 'browser-citizen');
    const { code: other } = await submitReady(stack.api.baseUrl, idNumber, 'browser-citizen');
    const items = ['Bản sao biên bản họp thành viên hộ gia đình', 'Văn bản ủy quyền có chứng thực'];
    const asked = await client.officer(code, 'intake/supplement-request', 'motcua.saigon', { items, reason: 'Thiếu biên bản họp và giấy ủy quyền', deadlineWorkingDays: 5 });
    expect(asked.status).toBe(200);
    const own = await eventually(() => client.ownerLookup(code), (r) => r.body.pending?.kind === 'supplement');
    const deadline: string = own.body.pending.deadline;

    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/ho-so-cua-toi`);
    await checkState(page, 'my dossiers (signed out)', 'portal-my-dossiers-sign-in');
    await signIn(page, idNumber, name, '/ho-so-cua-toi');
    const list = page.getByTestId('my-dossiers');
    await poll(() => list.innerText()).toContain(code);
    const text = await list.innerText();
    expect(text).toContain(other);
    expect(text).toContain('Cần bổ sung hồ sơ');
    await checkState(page, 'my dossiers', 'portal-my-dossiers');

    // The phone's menu has the account too.
    await page.setViewportSize(PHONE);
    await page.getByRole('button', { name: 'Mở trình đơn' }).click();
    await poll(() => page.getByRole('dialog').getByText(`Đã đăng nhập: ${name}`).isVisible()).toBe(true);
    await expectAccessible(page, 'menu, signed in (390)');
    await screenshot(page, 'portal-menu-signed-in-390', { fullPage: false });
    await page.keyboard.press('Escape');
    await page.setViewportSize(DESKTOP);

    await page.getByRole('link', { name: code }).click();
    await page.waitForURL((u) => u.pathname === `/ho-so-cua-toi/${code}`);
    const request = page.getByTestId('supplement-request');
    await poll(() => request.innerText()).toContain('Thiếu biên bản họp và giấy ủy quyền');
    const asShown = await request.innerText();
    for (const item of items) expect(asShown).toContain(item);
    const vn = new Date(Date.parse(deadline) + 7 * 3_600_000).toISOString();
    expect(asShown).toContain(`${vn.slice(11, 16)}, `);
    expect(asShown).toContain(`${vn.slice(8, 10)}/${vn.slice(5, 7)}/${vn.slice(0, 4)}`);
    await checkState(page, 'dossier (needs supplement)', 'portal-dossier-supplement');

    // Nothing attached: said before asking the API.
    await page.getByRole('button', { name: 'Gửi hồ sơ bổ sung' }).click();
    await poll(() => page.getByText('Vui lòng đính kèm ít nhất một tệp giấy tờ bổ sung.').isVisible()).toBe(true);
    await checkState(page, 'dossier (supplement without files)', 'portal-dossier-supplement-error');

    // The Mẫu 02 slip is there to download, as a Blob.
    const slip = page.waitForEvent('download');
    await page.getByTestId('download-supplement-request').click();
    const saved = await slip;
    expect(fs.readFileSync((await saved.path())!).subarray(0, 5).toString()).toBe('%PDF-');

    await request.getByTestId('file-1').setInputFiles(fixture('bien-ban-hop.pdf'));
    await poll(() => request.getByTestId('uploaded').innerText()).toContain('bien-ban-hop.pdf');
    await request.getByLabel('Ghi chú cho cán bộ').fill('Gửi biên bản họp; giấy ủy quyền nộp sau.');
    await page.getByRole('button', { name: 'Gửi hồ sơ bổ sung' }).click();
    await poll(() => page.getByTestId('dossier-status').textContent(), 20_000).toBe('Đã nộp, chờ tiếp nhận');
    expect(await page.getByTestId('supplement-request').count()).toBe(0);
    const docs = await stack.api.db('documents as doc').join('dossiers as d', 'd.id', 'doc.dossier_id').where('d.code', code).select('doc.filename');
    expect(docs.map((d) => d.filename)).toContain('bien-ban-hop.pdf');
    expect((await client.lookup(code)).body.status.code).toBe('SUBMITTED');
    await checkState(page, 'dossier (supplement sent)', 'portal-dossier-supplement-sent');
    expect(t.problems.filter((p) => !/status of (404|422)/.test(p))).toEqual([]);
  });

  it('withdraws a dossier after confirming in a dialog that returns focus and explains a missing reason', async () => {
    const idNumber = nextId();
    const name = 'Phạm Thu Dung';
    const { code } = await submitReady(stack.api.baseUrl, idNumber, 'browser-citizen', { paid: false });
    const t = await open(PHONE);
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/ho-so-cua-toi/${code}`);
    await signIn(page, idNumber, name, `/ho-so-cua-toi/${code}`);
    const withdraw = page.getByRole('button', { name: 'Rút hồ sơ', exact: true });
    await withdraw.click();
    const dialog = page.getByRole('dialog', { name: 'Xác nhận rút hồ sơ' });
    await poll(() => dialog.isVisible()).toBe(true);
    await checkState(page, 'withdraw dialog', 'portal-withdraw-dialog');
    // Escape closes it and the keyboard is back on "Rút hồ sơ".
    await page.keyboard.press('Escape');
    await poll(() => dialog.count()).toBe(0);
    await poll(() => page.evaluate('document.activeElement?.textContent')).toBe('Rút hồ sơ');

    await withdraw.click();
    await dialog.getByRole('button', { name: 'Xác nhận rút hồ sơ' }).click();
    await poll(() => dialog.getByText('Vui lòng cho biết lý do rút hồ sơ.').isVisible()).toBe(true);
    await checkState(page, 'withdraw dialog (no reason)', 'portal-withdraw-dialog-error');
    await dialog.getByLabel('Lý do rút hồ sơ').fill('Nộp nhầm thủ tục');
    await dialog.getByRole('button', { name: 'Xác nhận rút hồ sơ' }).click();
    await poll(() => page.getByTestId('dossier-status').textContent(), 20_000).toBe('Công dân yêu cầu rút hồ sơ');
    expect((await client.lookup(code)).body.status.code).toBe('WITHDRAWN');
    expect(await page.getByRole('button', { name: 'Rút hồ sơ', exact: true }).count()).toBe(0);
    await poll(() => page.getByTestId('download-stop-notice').isVisible()).toBe(true);
    await checkState(page, 'dossier (withdrawn)', 'portal-dossier-withdrawn');
    expect(t.problems).toEqual([]);
  });

  it('downloads the receipt (Mẫu 01) and the e-result as Blobs, and rates the completed dossier once', async () => {
    const idNumber = nextId();
    const name = 'Võ Minh Em';
    const { code } = await submitReady(stack.api.baseUrl, idNumber, 'browser-citizen');
    expect((await client.officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    await eventually(() => client.lookup(code), (r) => r.body.status?.code === 'IN_REVIEW');
    expect((await client.officer(code, 'review/proposal', await client.assigneeOf(code), { proposal: 'approve' })).status).toBe(200);
    expect((await client.officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    await eventually(() => client.lookup(code), (r) => r.body.status?.code === 'COMPLETED');

    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/ho-so-cua-toi/${code}`);
    await signIn(page, idNumber, name, `/ho-so-cua-toi/${code}`);
    await poll(() => page.getByTestId('dossier-status').textContent()).toBe('Hoàn thành');

    // Mẫu 01 through fetch with the token, saved from a Blob: a PDF, its name from the API.
    const answered = page.waitForResponse((r) => r.url().includes(`/forms/receipt`));
    const saving = page.waitForEvent('download');
    await page.getByTestId('download-receipt').click();
    const res = await answered;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toMatch(/^application\/pdf/);
    const file = await saving;
    expect(file.url()).toMatch(/^blob:/);
    const bytes = fs.readFileSync((await file.path())!);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(1000);
    expect(file.suggestedFilename()).toMatch(/\.pdf$/);
    await poll(() => page.getByTestId('downloaded-receipt').innerText()).toContain(file.suggestedFilename());

    const result = page.waitForEvent('download');
    await page.getByTestId('download-result').click();
    expect(fs.readFileSync((await (await result).path())!).subarray(0, 5).toString()).toBe('%PDF-');

    // The rating: a level is needed; then thanks, and the API holds one rating.
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await poll(() => page.getByText('Vui lòng chọn mức độ hài lòng.').isVisible()).toBe(true);
    await checkState(page, 'dossier (completed, rating without level)', 'portal-dossier-rating-error');
    await page.getByLabel('Rất hài lòng').check();
    await page.getByLabel('Ý kiến (không bắt buộc)').fill('Nhanh, chu đáo');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await poll(() => page.getByTestId('rating-done').innerText()).toContain('Rất hài lòng');
    const stored = await stack.api.db('dossier_ratings as r').join('dossiers as d', 'd.id', 'r.dossier_id').where('d.code', code).select('r.level', 'r.comment');
    expect(stored).toEqual([{ level: 'very_satisfied', comment: 'Nhanh, chu đáo' }]);
    await checkState(page, 'dossier (completed, rated)', 'portal-dossier-rated');

    // After a reload (signed out, in again) the form asks again; the API's "already rated" shows what was said.
    await page.reload();
    await signIn(page, idNumber, name, `/ho-so-cua-toi/${code}`);
    await page.getByLabel('Hài lòng', { exact: true }).check();
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await poll(() => page.getByTestId('rating-done').innerText()).toContain('Rất hài lòng');
    expect(t.problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
  });

  it("another citizen's dossier code reads exactly like a code that does not exist", async () => {
    const owner = nextId();
    const { code } = await submitReady(stack.api.baseUrl, owner, 'browser-citizen', { paid: false });
    const stranger = nextId();
    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/ho-so-cua-toi/${code}`);
    await signIn(page, stranger, 'Đỗ Văn Giang', `/ho-so-cua-toi/${code}`);
    const theirs = page.getByTestId('dossier-unknown');
    await poll(() => theirs.isVisible()).toBe(true);
    const theirsText = (await theirs.innerText()).replace(code, '<code>');
    await checkState(page, 'dossier (unknown)', 'portal-dossier-unknown');

    const missing = code.replace(/-(\d{4,})$/, (_, n: string) => `-${String(Number(n) + 9000).padStart(n.length, '0')}`);
    await page.getByRole('link', { name: '← Hồ sơ của tôi' }).click();
    await page.waitForURL((u) => u.pathname === '/ho-so-cua-toi');
    await poll(() => page.getByText('Ông/Bà chưa có hồ sơ nào.', { exact: false }).isVisible()).toBe(true);
    // Within the app (signed in still), the unknown code.
    await page.evaluate(`window.history.pushState(null, '', ${JSON.stringify(`/ho-so-cua-toi/${missing}`)}); window.dispatchEvent(new PopStateEvent('popstate'))`);
    const none = page.getByTestId('dossier-unknown');
    await poll(() => none.isVisible()).toBe(true);
    expect((await none.innerText()).replace(missing, '<code>')).toBe(theirsText);
    // The API's own answers are alike too.
    const a = await http('GET', `${stack.api.baseUrl}/api/v1/status/${code}`, { headers: { Authorization: `Bearer ${await citizenToken(stranger)}` } });
    const b = await http('GET', `${stack.api.baseUrl}/api/v1/status/${missing}`, { headers: { Authorization: `Bearer ${await citizenToken(stranger)}` } });
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(a.body.detail).toBe(b.body.detail);
    expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });

  it('a sign-in cancelled at the identity provider comes back to the page, said as cancelled', async () => {
    const t = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/ho-so-cua-toi`);
    await page.getByRole('main').getByRole('button', { name: 'Đăng nhập', exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/dev/idp/citizens/interaction/'));
    await page.getByRole('button', { name: 'Hủy' }).click();
    await page.waitForURL((u) => u.pathname === '/ho-so-cua-toi' && !u.search);
    await poll(() => page.getByRole('alert').innerText()).toContain('Ông/Bà đã hủy đăng nhập.');
    await checkState(page, 'sign-in cancelled', 'portal-sign-in-cancelled');
    await noTokenStored(page);
    expect(t.problems).toEqual([]);
  });

  it('signs out from the header: the dossiers are gone from the page and the token from memory', async () => {
    const idNumber = nextId();
    const t: TestPage = await open();
    const page = t.page;
    await page.goto(`${stack.api.baseUrl}/`);
    await signIn(page, idNumber, 'Hoàng Thị Hoa', '/');
    await checkState(page, 'catalogue (signed in)', 'portal-catalogue-signed-in');
    await page.getByRole('banner').getByRole('button', { name: 'Đăng xuất' }).click();
    await poll(() => page.getByRole('banner').getByRole('button', { name: 'Đăng nhập', exact: true }).isVisible()).toBe(true);
    await page.getByRole('banner').getByRole('link', { name: 'Hồ sơ của tôi' }).click();
    await poll(() => page.getByRole('heading', { name: 'Vui lòng đăng nhập' }).isVisible()).toBe(true);
    expect(t.problems).toEqual([]);
  });
});
