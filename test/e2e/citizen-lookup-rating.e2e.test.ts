import { describe, expect, it } from 'vitest';
import { applicantIds, citizenToken, dossierClient, eventually, http, officerToken, submitReady } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 16, what the citizen sees and says, on the real stack (API, worker process, Temporal,
 * PostgreSQL): the lookup shows the e-receipt numbers of the fee (item 8) and that the
 * appointment was changed with an apology, when, why, original and new (item 9); the applicant
 * rates the handling once it is done (item 11), and the supervisor reads the ratings per agency
 * and per officer, and in QĐ 766 indicator 5.4.
 */
describe('citizen lookup (e-receipt, hẹn lại) and satisfaction rating', () => {
  const { api } = useStack({ name: 'citizen-rating' });
  const { lookup, ownerLookup, officer, assigneeOf } = dossierClient(() => api);
  const idNumber = applicantIds('0794');
  const rate = (code: string, id: string, body: unknown) =>
    citizenToken(id).then((t) => http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/rating`, { body, headers: { Authorization: `Bearer ${t}` } }));
  const supervisor = (path: string) => http('GET', `${api.baseUrl}/api/v1/supervision/${path}`, { headers: { 'X-User-Id': 'giamsat.saigon' } });
  const day = (offset: number) => new Date(Date.now() + 7 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  const PERIOD = `from=${day(-2)}&to=${day(2)}`;
  let code = '';
  let applicant = '';

  it('the lookup shows the e-receipt of the fee paid, and the appointment changed with an apology (hẹn lại)', async () => {
    applicant = idNumber();
    ({ code } = await submitReady(api.baseUrl, applicant, 'rating'));
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);

    const paid = await api.db('dossier_payments as p').join('dossiers as d', 'd.id', 'p.dossier_id').where({ 'd.code': code, 'p.status': 'paid' }).first('p.receipt_series', 'p.receipt_number', 'p.receipt_code');
    expect(paid.receipt_number).toBeGreaterThan(0);
    const before = await lookup(code);
    expect(before.status).toBe(200);
    expect(before.body.receipts).toEqual([
      { series: paid.receipt_series, number: paid.receipt_number, code: paid.receipt_code, amountVnd: 50_000, method: 'cash', paidAt: expect.stringMatching(/\+07:00$/) },
    ]);
    expect(before.body.reappointment).toBeNull();
    const legalDue = before.body.appointmentAt;

    const apology = await officer(code, 'deadline/reappointment', 'lanhdao.saigon', { reason: 'Chờ ý kiến của Chi cục Thuế', workingDaysAfterDue: 2 });
    expect(apology.status).toBe(200);
    const after = await lookup(code);
    expect(after.body.appointmentAt).toBe(apology.body.appointmentAt);
    expect(after.body.reappointment).toEqual({
      at: expect.stringMatching(/\+07:00$/),
      originalAppointmentAt: legalDue,
      appointmentAt: apology.body.appointmentAt,
      // What the leader wrote is for the applicant signed in, as every officer's text.
      reason: null,
    });
    const own = await ownerLookup(code);
    expect(own.body.reappointment).toMatchObject({ originalAppointmentAt: legalDue, appointmentAt: apology.body.appointmentAt, reason: 'Chờ ý kiến của Chi cục Thuế' });
    expect(own.body.receipts).toHaveLength(1);

    // The citizen's own list says so too; the statistics keep the legal due date.
    const list = await http('GET', `${api.baseUrl}/api/v1/citizen/dossiers`, { headers: { Authorization: `Bearer ${await citizenToken(applicant)}` } });
    expect(list.body.dossiers.find((d: { code: string }) => d.code === code)).toMatchObject({
      appointmentAt: apology.body.appointmentAt,
      reappointed: { at: after.body.reappointment.at, originalAppointmentAt: legalDue },
    });
    const row = await api.db('dossiers').where({ code }).first('due_at', 'appointment_at');
    expect(new Date(row.due_at).getTime()).toBe(Date.parse(legalDue));
    expect(new Date(row.appointment_at).getTime()).toBe(Date.parse(apology.body.appointmentAt));
  });

  it('refuses a rating before completion (409, Vietnamese, stable reason), from anyone but the owner, and a bad level', async () => {
    const early = await rate(code, applicant, { level: 'satisfied' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ reason: 'RatingBeforeCompletion', status: 'IN_REVIEW' });
    expect(early.body.detail).toMatch(/đánh giá mức độ hài lòng sau khi hồ sơ được giải quyết xong/);
    expect((await rate(code, idNumber(), { level: 'satisfied' })).status).toBe(404);
    const asOfficer = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/rating`, { body: { level: 'satisfied' }, headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(asOfficer.status).toBe(403);
    const bad = await rate(code, applicant, { level: 'great' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0]).toMatchObject({ field: 'level', message: expect.stringMatching(/Rất hài lòng/) });
  });

  it('the owner rates once after completion; the second time is refused', async () => {
    const assignee = await assigneeOf(code);
    expect((await officer(code, 'review/proposal', assignee, { proposal: 'approve' })).status).toBe(200);
    expect((await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    await eventually(() => lookup(code), (r) => r.body.status?.code === 'COMPLETED');

    const rated = await rate(code, applicant, { level: 'not_satisfied', comment: '  Phải đi lại hai lần  ' });
    expect(rated.status).toBe(201);
    expect(rated.body).toEqual({ code, level: 'not_satisfied', label: 'Không hài lòng', comment: 'Phải đi lại hai lần', ratedAt: expect.stringMatching(/\+07:00$/) });
    const again = await rate(code, applicant, { level: 'very_satisfied' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyRated', rating: { level: 'not_satisfied' } });
    expect(again.body.detail).toMatch(/mỗi hồ sơ được đánh giá một lần/);
    const stored = await api.db('dossier_ratings as r').join('dossiers as d', 'd.id', 'r.dossier_id').where('d.code', code).select('r.level');
    expect(stored).toEqual([{ level: 'not_satisfied' }]);
  });

  it('the supervisor reads the ratings per agency and per officer (JSON and CSV), and 5.4 counts the "Không hài lòng"', async () => {
    // A second completed dossier, rated "Rất hài lòng".
    const second = idNumber();
    const { code: code2 } = await submitReady(api.baseUrl, second, 'rating');
    expect((await officer(code2, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    expect((await officer(code2, 'review/proposal', await assigneeOf(code2), { proposal: 'approve' })).status).toBe(200);
    expect((await officer(code2, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    await eventually(() => lookup(code2), (r) => r.body.status?.code === 'COMPLETED');
    expect((await rate(code2, second, { level: 'very_satisfied' })).status).toBe(201);

    const byAgency = await supervisor(`satisfaction?${PERIOD}&agency=000.20.20.H29`);
    expect(byAgency.status).toBe(200);
    // Other suites rate dossiers of this agency at the same time ("Rất hài lòng", "Hài lòng"), never
    // "Không hài lòng": that count is exact, the others at least this suite's, the rates their ratios.
    const rateOf = (n: number, total: number) => Math.round((10000 * n) / total) / 100;
    expect(byAgency.body.groups).toHaveLength(1);
    const group = byAgency.body.groups[0];
    expect(group).toMatchObject({ key: '000.20.20.H29', notSatisfied: 1 });
    expect(group.verySatisfied).toBeGreaterThanOrEqual(1);
    expect(group.total).toBe(group.verySatisfied + group.satisfied + group.notSatisfied);
    expect(group.rates).toEqual({
      verySatisfied: rateOf(group.verySatisfied, group.total),
      satisfied: rateOf(group.satisfied, group.total),
      notSatisfied: rateOf(1, group.total),
      satisfiedOrBetter: rateOf(group.verySatisfied + group.satisfied, group.total),
    });
    expect(byAgency.body.totals).toMatchObject({ notSatisfied: 1 });

    const byOfficer = await supervisor(`satisfaction?${PERIOD}&groupBy=officer`);
    const officers = [await assigneeOf(code), await assigneeOf(code2)];
    const expected = new Map<string, { v: number; n: number }>();
    expected.set(officers[0]!, { v: 0, n: 1 });
    const o2 = expected.get(officers[1]!) ?? { v: 0, n: 0 };
    expected.set(officers[1]!, { v: o2.v + 1, n: o2.n });
    for (const [officerName, c] of expected) {
      const g = byOfficer.body.groups.find((x: any) => x.key === officerName);
      expect(g, officerName).toBeDefined();
      expect(g.notSatisfied).toBe(c.n);
      expect(g.verySatisfied).toBeGreaterThanOrEqual(c.v);
    }

    const csv = await fetch(`${api.baseUrl}/api/v1/supervision/satisfaction?${PERIOD}&groupBy=agency&format=csv`, {
      headers: { Authorization: `Bearer ${await officerToken('giamsat.saigon')}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = Buffer.from(await csv.arrayBuffer()).subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('agency,name,very_satisfied,satisfied,not_satisfied,total,very_satisfied_rate,satisfied_rate,not_satisfied_rate,satisfied_or_better_rate');
    expect(lines.find((l) => l.startsWith('000.20.20.H29,'))).toMatch(/^000\.20\.20\.H29,.*,\d+,\d+,1,\d+,[\d.]+,[\d.]+,[\d.]+,[\d.]+$/);
    expect(lines.find((l) => l.startsWith(',Tổng cộng,'))).toMatch(/^,Tổng cộng,\d+,\d+,1,\d+,/);

    // QĐ 766 5.4 = (on time − "Không hài lòng") ÷ the dossiers of 2.1.
    const ind = await supervisor(`indicators?${PERIOD}&agency=000.20.20.H29`);
    const byCode = Object.fromEntries(ind.body.indicators.map((i: any) => [i.code, i]));
    expect(byCode['5.4']).toMatchObject({ numerator: byCode['2.1'].numerator - 1, denominator: byCode['2.1'].denominator, threshold: 90, maxPoints: 6 });
    const indCsv = await fetch(`${api.baseUrl}/api/v1/supervision/indicators?${PERIOD}&agency=000.20.20.H29&format=csv`, {
      headers: { Authorization: `Bearer ${await officerToken('giamsat.saigon')}` },
    });
    expect(Buffer.from(await indCsv.arrayBuffer()).toString('utf8')).toMatch(/\r\n5\.4,Mức độ hài lòng trong tiếp nhận, giải quyết thủ tục hành chính|\r\n5\.4,"Mức độ hài lòng/);
  });
});
