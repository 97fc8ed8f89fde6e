import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { expectAccessible, screenshot, useBrowser } from '../helpers/browser';
import { signInToConsole } from '../helpers/console';
import { applicantIds, citizenToken, dossierClient, eventually, http, submitReady } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 15, journey 9: the supervisor (giamsat.saigon) reads the deadline worklists, the
 * on-time rates, the QĐ 766 indicators and satisfaction in the console, on real dossiers made
 * through the API (received, one paused, one decided and rated; "overdue" by asking as of a
 * day three weeks ahead). Every number on screen equals the API's answer for the same
 * filters; the filters live in the address and survive a reload; each CSV download has the
 * API's header row and one line per row. Axe and a screenshot (1366×768) on every screen.
 */
describe('console: supervision in the browser', () => {
  const stack = useStack({ name: 'browser-console-supervision' });
  const { officer, assigneeOf } = dossierClient(() => stack.api);
  const nextId = applicantIds('0841');
  const { open } = useBrowser();

  /** YYYY-MM-DD in Việt Nam, `days` from today. */
  const vnDay = (days: number) => new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
  const dmy = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
  const api = (path: string, query: Record<string, string>) =>
    http('GET', `${stack.api.baseUrl}/api/v1/supervision/${path}?${new URLSearchParams(query)}`, { headers: { 'X-User-Id': 'giamsat.saigon' } }).then((r) => {
      expect(r.status).toBe(200);
      return r.body;
    });

  async function received(): Promise<string> {
    const { code } = await submitReady(stack.api.baseUrl, nextId(), 'browser-supervision');
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    await eventually(() => stack.api.db('dossiers').where({ code }).first('assignee_id', 'due_at'), (r) => !!r?.assignee_id && !!r.due_at);
    return code;
  }

  it('journey 9: the totals on screen are the API’s; filters survive a reload; CSV downloads', { timeout: 240_000 }, async () => {
    // Three open dossiers (one with its clock stopped), one decided and rated by its applicant.
    const open1 = await received();
    await received();
    const paused = await received();
    const stop = await officer(paused, 'clock/pause', await assigneeOf(paused), { reason: 'Chờ cơ quan thuế xác định nghĩa vụ tài chính', legalBasis: 'Điều 22 Nghị định 101/2024/NĐ-CP' });
    expect(stop.status).toBe(200);
    const done = await received();
    expect((await officer(done, 'review/proposal', await assigneeOf(done), { proposal: 'approve' })).status).toBe(200);
    expect((await officer(done, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    await eventually(() => http('GET', `${stack.api.baseUrl}/api/v1/status/${done}`), (s) => s.body.status?.code === 'COMPLETED');
    const owner = (await stack.api.db('dossiers').where({ code: done }).first('applicant_id_number')).applicant_id_number;
    const rated = await http('POST', `${stack.api.baseUrl}/api/v1/citizen/dossiers/${done}/rating`, {
      body: { level: 'very_satisfied', comment: 'Nhanh, chu đáo' },
      headers: { Authorization: `Bearer ${await citizenToken(owner)}` },
    });
    expect(rated.status).toBe(201);

    // Three weeks ahead every open dossier of 3 working days is overdue.
    const ahead = vnDay(21);
    const asOf = `${ahead}T23:59:59+07:00`;
    const t = await open();
    const { page } = t;
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.request().method()} ${new URL(res.url()).pathname}`);
    });
    await signInToConsole(page, stack.api.baseUrl, 'giamsat.saigon', `/console/giam-sat?view=overdue&asOf=${ahead}`);
    await page.waitForURL((u) => u.pathname === '/console/giam-sat' && u.searchParams.get('asOf') === ahead);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Giám sát, thống kê');
    const total = page.getByTestId('worklist-total');

    const overdue = await api('dossiers', { view: 'overdue', asOf });
    expect(overdue.total).toBeGreaterThanOrEqual(2);
    expect(overdue.dossiers.map((d: { code: string }) => d.code)).toContain(open1);
    await expect.poll(() => total.innerText()).toBe(String(overdue.total));
    // Counts by unit and by officer, row by row, as the API counts them.
    const rows = async (testId: string) =>
      page
        .getByTestId(testId)
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-key') || null, Number(tr.querySelector('[data-testid=count]')!.textContent)]));
    expect(await rows('counts-agency')).toEqual(overdue.counts.agency.map((c: { key: string; count: number }) => [c.key, c.count]));
    expect(await rows('counts-officer')).toEqual(overdue.counts.officer.map((c: { key: string | null; count: number }) => [c.key, c.count]));
    const table = await page.getByTestId('worklist-table').innerText();
    expect(table).toContain(open1);
    expect(table).toMatch(/Quá hạn [\d,]+ giờ làm việc/);
    expect(await page.getByTestId('as-of').innerText()).toContain(dmy(ahead));
    await expectAccessible(page, 'supervision: overdue worklist');
    await screenshot(page, 'console-supervision-overdue-1366');

    // The paused list, chosen on screen: the address says so and the number is the API's.
    await page.getByText('Tạm dừng', { exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('view') === 'paused');
    const pausedList = await api('dossiers', { view: 'paused', asOf });
    expect(pausedList.dossiers.map((d: { code: string }) => d.code)).toContain(paused);
    await expect.poll(() => total.innerText()).toBe(String(pausedList.total));
    await expect.poll(() => page.getByTestId('worklist-table').innerText()).toMatch(/Tạm dừng từ/);
    await screenshot(page, 'console-supervision-paused-1366');

    // Due within N working days, N typed; then the "as of" day typed as dd/mm/yyyy.
    await page.getByText('Đến hạn trong N ngày', { exact: true }).click();
    const n = page.getByLabel('Số ngày làm việc tới (N)');
    await n.fill('5');
    await page.waitForURL((u) => u.searchParams.get('view') === 'due_within' && u.searchParams.get('days') === '5');
    const soon = vnDay(1);
    const asOfInput = page.getByLabel('Tính đến hết ngày');
    await asOfInput.fill(dmy(soon));
    await asOfInput.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('asOf') === soon);
    expect(new URL(page.url()).searchParams.get('days')).toBe('5');
    const within = await api('dossiers', { view: 'due_within', days: '5', asOf: `${soon}T23:59:59+07:00` });
    await expect.poll(() => total.innerText()).toBe(String(within.total));
    // The date picker, open, is accessible too; then closed for the picture.
    await expectAccessible(page, 'supervision: due within N days, date picker open');
    await asOfInput.press('Escape');
    await expectAccessible(page, 'supervision: due within N days');
    await screenshot(page, 'console-supervision-due-within-1366');

    // A reload keeps the address and the numbers.
    const before = page.url();
    await page.reload();
    await page.waitForURL((u) => u.searchParams.get('view') === 'due_within');
    expect(page.url()).toBe(before);
    await expect.poll(() => total.innerText(), { timeout: 15_000 }).toBe(String(within.total));
    expect(page.url()).toBe(before);
    expect(await page.getByLabel('Số ngày làm việc tới (N)').inputValue()).toBe('5');
    expect(await page.getByLabel('Tính đến hết ngày').inputValue()).toBe(dmy(soon));

    // The worklist as CSV for Excel: the API's file, a BOM, its header row, one line per dossier.
    await page.goto(`${stack.api.baseUrl}/console/giam-sat?view=overdue&asOf=${ahead}`);
    await expect.poll(() => total.innerText(), { timeout: 15_000 }).toBe(String(overdue.total));
    const csv = async (testId: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
      const text = fs.readFileSync((await download.path())!, 'utf8');
      expect(text.charCodeAt(0)).toBe(0xfeff);
      return { name: download.suggestedFilename(), lines: text.slice(1).trimEnd().split('\r\n') };
    };
    const wl = await csv('csv-worklist');
    expect(wl.name).toBe(`supervision-overdue-${ahead}.csv`);
    expect(wl.lines[0]).toMatch(/^code,agency_eid,agency_name,procedure_code,/);
    expect(wl.lines).toHaveLength(overdue.total + 1);

    // On-time rates over this month, by officer: totals and every group as the API says.
    const from = `${vnDay(0).slice(0, 8)}01`;
    const period = { from, to: vnDay(1) };
    await page.getByRole('tab', { name: 'Tỷ lệ đúng hạn' }).click();
    await page.waitForURL((u) => u.searchParams.get('tab') === 'dung-han');
    await page.getByRole('combobox', { name: 'Nhóm theo' }).click();
    await page.getByRole('option', { name: 'Theo cán bộ' }).click();
    await page.waitForURL((u) => u.searchParams.get('onTimeBy') === 'officer');
    const onTime = await api('on-time', { ...period, asOf, groupBy: 'officer' });
    expect(onTime.totals.total).toBeGreaterThan(0);
    // The previous grouping stays on screen until the new one arrives: wait for the officers' names.
    for (const g of onTime.groups) await expect.poll(() => page.getByTestId('on-time-table').innerText()).toContain(g.name);
    const totals = page.getByTestId('on-time-totals');
    await expect.poll(() => totals.getByTestId('total').getByTestId('value').innerText()).toBe(String(onTime.totals.total));
    const rate = (r: number | null) => (r === null ? '—' : `${String(r).replace('.', ',')}%`);
    expect(await totals.getByTestId('onTime').getByTestId('value').innerText()).toBe(`${onTime.totals.onTime} (${rate(onTime.totals.rates.onTime)})`);
    const onTimeTable = await page.getByTestId('on-time-table').innerText();
    for (const g of onTime.groups) expect(onTimeTable).toContain(g.name);
    await expectAccessible(page, 'supervision: on-time rates');
    await screenshot(page, 'console-supervision-on-time-1366');
    const ot = await csv('csv-on-time');
    expect(ot.lines[0]).toBe('officer,name,early,on_time,late,total,early_rate,on_time_rate,late_rate,on_time_or_early_rate');
    expect(ot.lines).toHaveLength(onTime.groups.length + 2); // header, groups, total row

    // QĐ 766 indicators by their Vietnamese names.
    await page.getByRole('tab', { name: 'Chỉ số Quyết định 766' }).click();
    const indicators = await api('indicators', { ...period, asOf });
    const indicatorTable = page.getByTestId('indicators-table');
    await expect.poll(() => indicatorTable.innerText()).toContain(indicators.indicators[0].name);
    for (const i of indicators.indicators) {
      const shown = await indicatorTable.locator(`tr[data-code="${i.code}"]`).getByTestId('value').innerText();
      expect(shown).toBe(i.value === null ? '—' : i.unit === 'percent' ? rate(i.value) : `${String(i.value).replace('.', ',')} ngày làm việc`);
    }
    await expectAccessible(page, 'supervision: indicators');
    await screenshot(page, 'console-supervision-indicators-1366');
    const ind = await csv('csv-indicators');
    expect(ind.lines[0]).toMatch(/^code,name,numerator,denominator,rate,value,unit/);
    expect(ind.lines).toHaveLength(indicators.indicators.length + 1);

    // Satisfaction: the rating given above counts.
    await page.getByRole('tab', { name: 'Mức độ hài lòng' }).click();
    const satisfaction = await api('satisfaction', { ...period, asOf, groupBy: 'agency' });
    expect(satisfaction.totals.verySatisfied).toBeGreaterThanOrEqual(1);
    const sat = page.getByTestId('satisfaction-totals');
    await expect.poll(() => sat.getByTestId('total').getByTestId('value').innerText()).toBe(String(satisfaction.totals.total));
    expect(await sat.getByTestId('verySatisfied').getByTestId('value').innerText()).toBe(`${satisfaction.totals.verySatisfied} (${rate(satisfaction.totals.rates.verySatisfied)})`);
    await expectAccessible(page, 'supervision: satisfaction');
    await screenshot(page, 'console-supervision-satisfaction-1366');
    const sc = await csv('csv-satisfaction');
    expect(sc.lines[0]).toMatch(/^agency,name,very_satisfied,satisfied,not_satisfied,total/);
    expect(sc.lines).toHaveLength(satisfaction.groups.length + 2);

    // A period that ends before it starts is explained, not asked for.
    const toInput = page.getByLabel('Đến ngày');
    await toInput.fill(dmy(vnDay(-40)));
    await toInput.press('Enter');
    await expect.poll(() => page.getByRole('alert').first().innerText()).toContain('Ngày kết thúc phải từ ngày bắt đầu trở đi.');
    await toInput.press('Escape');
    await expectAccessible(page, 'supervision: bad period');
    await screenshot(page, 'console-supervision-bad-period-1366');

    expect(failed).toEqual([]);
    // No answer of ours failed (above): a 404 logged by the browser is its guess at /favicon.ico.
    expect(t.problems.filter((p) => !/status of 404/.test(p))).toEqual([]);
  });
});
