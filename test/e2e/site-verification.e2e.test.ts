import { describe, expect, it } from 'vitest';
import { toOffsetIso } from '../../domain/calendar';
import { pdf } from '../helpers/document-fixtures';
import { localDateIn, nextWorkingDate, stateCalendar, visitOn, visitStartingNow, visitWindow, type VisitWindow } from '../helpers/site-visits';
import { applicantIds, citizenToken, dossierClient, eventually, http, officerToken, payFeeAtCounter, processControl, submitSample, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 16, item 3 and the working-hours point: what on-site verification checks (docs/domain.md
 * §3.9), over HTTP on the real stack. Visits are not scheduled in the past nor recorded before
 * they begin; their minutes are files of the dossier; a procedure whose catalogue has no on-site
 * verification, or a visit outside the agency's working hours, needs a leader's reason; a missed
 * visit is no longer shown to the citizen as pending; the verification row of the process-control
 * sheet is due after the visit (its budget counted from the visit), capped by the due date.
 */
describe('on-site verification checks', () => {
  const { api } = useStack({ name: 'site-verification' });
  const { lookup, ownerLookup, officer, assigneeOf } = dossierClient(() => api);
  const nextId = applicantIds('0793');
  const LEADER = 'lanhdao.saigon';
  /** The ward police (Công an Phường Sài Gòn), who handle residence registration. */
  const POLICE = { eid: '000.20.21.H29', leader: 'truongcongan.saigon' };
  const place = '25 Hai Bà Trưng, Phường Sài Gòn';
  const officers = ['Lê Văn Hùng'];

  /** Submitted online, fee paid, accepted at intake: with its assigned specialist. */
  async function inReview(procedureCode: string, documents: Array<{ name: string }>, agencyEid = '000.20.20.H29'): Promise<{ code: string; specialist: string; idNumber: string }> {
    const idNumber = nextId();
    const r = await submitSample(api.baseUrl, idNumber, { procedureCode, agencyEid, documents }, 'verify');
    expect(r.status).toBe(201);
    const code = r.body.code as string;
    await eventually(() => lookup(code), (s) => s.body.history?.length === 1);
    await payFeeAtCounter(api.baseUrl, code);
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    const specialist = await eventually(() => assigneeOf(code).catch(() => ''), (u) => u !== '');
    return { code, specialist, idNumber };
  }
  /** Household business registration: no on-site verification in its catalogue, no verification budget. */
  const business = () => inReview('KT-HKD', [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh' }, { name: 'Bản sao biên bản họp thành viên hộ gia đình (nếu có)' }]);
  /** Permanent residence: on-site verification in its catalogue, a verification budget of 8 working hours. */
  const residence = () => inReview('CA-THUONGTRU', [{ name: 'Tờ khai thay đổi thông tin cư trú (CT01)' }, { name: 'Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp' }], POLICE.eid);

  const schedule = (code: string, user: string, visit: VisitWindow, extra: Record<string, unknown> = {}) =>
    officer(code, 'verification', user, { visit: { ...visit, place, officers }, purpose: 'Xác minh chỗ ở, địa điểm thực tế', ...extra });

  async function upload(code: string, name: string, user: string): Promise<string> {
    const form = new FormData();
    form.append('name', name);
    form.append('file', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), `${name}.pdf`);
    const res = await fetch(`${api.baseUrl}/api/v1/dossiers/${code}/documents`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${await officerToken(user)}` } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  /** A refusal as problem+json, with its status, stable reason code and a Vietnamese detail. */
  function expectRefusal(r: HttpAnswer, status: number, reason: string, detail: RegExp): void {
    expect({ status: r.status, reason: r.body?.reason }).toEqual({ status, reason });
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.detail).toMatch(detail);
  }

  const dueAtOf = async (code: string) => ((await api.db('dossiers').where({ code }).first('due_at')).due_at as Date).getTime();
  const at = (v: VisitWindow, edge: 'from' | 'to') => new Date(`${v.date}T${v[edge]}:00+07:00`);
  const events = async (code: string) => {
    const d = await api.db('dossiers').where({ code }).first('id');
    return api.db('dossier_events').where('dossier_id', d.id).orderBy('seq').select('type', 'actor_role', 'data');
  };

  it('refuses a visit in the past, relative to the moment it is scheduled', async () => {
    const { code } = await business();
    const yesterday = visitOn(localDateIn(-1), '08:00', '10:00');
    const reason = 'Địa điểm kinh doanh cần kiểm tra thực tế';
    expectRefusal(await schedule(code, LEADER, yesterday, { exceptionReason: reason }), 422, 'VisitInPast', /thời điểm đã qua/);
    // Minutes ago is past too; the current minute is not (the visit is taking place now).
    const twoMinutesAgo = visitWindow(new Date(Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000), 30);
    if (twoMinutesAgo.date === localDateIn(0)) expectRefusal(await schedule(code, LEADER, twoMinutesAgo, { exceptionReason: reason }), 422, 'VisitInPast', /thời điểm đã qua/);
    expect((await schedule(code, LEADER, await visitStartingNow(), { exceptionReason: reason })).status).toBe(200);
    expect((await lookup(code)).body.status.code).toBe('SITE_VERIFICATION');
  });

  it('a procedure without on-site verification in its catalogue: only a leader schedules a visit, with the reason recorded', async () => {
    const { code, specialist } = await business();
    const visit = visitOn(nextWorkingDate(), '08:00', '10:00'); // working hours: only the catalogue stands in the way
    expectRefusal(await schedule(code, specialist, visit), 422, 'ProcedureWithoutSiteVerification', /không quy định xác minh thực địa/);
    const reason = 'Nghi vấn địa điểm kinh doanh không có thật, cần kiểm tra thực tế';
    expectRefusal(await schedule(code, specialist, visit, { exceptionReason: reason }), 403, 'VerificationExceptionLeaderOnly', /Chỉ lãnh đạo/);
    expectRefusal(await schedule(code, LEADER, visit), 422, 'ProcedureWithoutSiteVerification', /lãnh đạo cơ quan lên lịch và ghi rõ lý do/);
    const ok = await schedule(code, LEADER, visit, { exceptionReason: reason });
    expect(ok.status).toBe(200);
    const logged = (await events(code)).find((e) => e.type === 'site_visit_scheduled')!;
    expect(logged.actor_role).toBe('leader');
    expect(logged.data.exception).toEqual({ reason, kinds: ['procedure_without_verification'] });
  });

  it('visits fall in the agency’s working hours unless a leader records why not', async () => {
    const { code, specialist } = await residence();
    const day = nextWorkingDate();
    const night = visitOn(day, '02:11', '03:00');
    expectRefusal(await schedule(code, specialist, night), 422, 'VisitOutsideWorkingHours', /ngoài giờ làm việc/);
    expectRefusal(await schedule(code, specialist, visitOn(day, '11:00', '13:30')), 422, 'VisitOutsideWorkingHours', /ngoài giờ làm việc/); // over the lunch break
    // In hours, on a procedure that provides for it: the specialist's word is enough, and a leader's reason is not called for.
    expectRefusal(await schedule(code, POLICE.leader, visitOn(day, '08:00', '10:00'), { exceptionReason: 'Không cần' }), 422, 'VerificationExceptionNotNeeded', /không cần lý do/);
    expect((await schedule(code, specialist, visitOn(day, '08:00', '10:00'))).status).toBe(200);
    const reason = 'Người dân chỉ có mặt ngoài giờ hành chính do làm ca đêm';
    expect((await schedule(code, POLICE.leader, night, { exceptionReason: reason })).status).toBe(200);
    const logged = (await events(code)).filter((e) => e.type === 'site_visit_rescheduled');
    expect(logged.at(-1)!.data.exception).toEqual({ reason, kinds: ['outside_working_hours'] });
  });

  it('refuses findings and “missed” before the visit’s time', async () => {
    const { code, specialist } = await residence();
    const visit = visitOn(nextWorkingDate(), '08:00', '10:00');
    expect((await schedule(code, specialist, visit)).status).toBe(200);
    const minutes = await upload(code, 'Biên bản xác minh', specialist);
    expectRefusal(
      await officer(code, 'verification/record', specialist, { outcome: 'confirmed', findings: 'Đúng hiện trạng', attachments: [{ name: 'Biên bản', fileId: minutes }] }),
      409,
      'VisitNotYetDue',
      /Chưa đến giờ xác minh/,
    );
    expectRefusal(await officer(code, 'verification/record', specialist, { outcome: 'missed', findings: 'Không gặp chủ hộ' }), 409, 'VisitNotYetDue', /Chưa đến giờ xác minh/);
    expect((await ownerLookup(code)).body.status.code).toBe('SITE_VERIFICATION');
  });

  it('attachments must be files of the dossier: unknown files and another dossier’s are refused', async () => {
    const a = await business();
    const b = await business();
    const reason = 'Cần kiểm tra địa điểm kinh doanh';
    expect((await schedule(a.code, LEADER, await visitStartingNow(), { exceptionReason: reason })).status).toBe(200);
    const own = await upload(a.code, 'Biên bản xác minh', a.specialist);
    const others = await upload(b.code, 'Biên bản của hồ sơ khác', b.specialist);
    const record = (attachments: Array<{ name: string; fileId: string }>) => officer(a.code, 'verification/record', a.specialist, { outcome: 'confirmed', findings: 'Đúng hiện trạng', attachments });

    const unknown = await record([{ name: 'Biên bản', fileId: own }, { name: 'Ảnh', fileId: '00000000-0000-4000-8000-000000000000' }]);
    expectRefusal(unknown, 422, 'VerificationAttachmentNotInDossier', /tải lên hồ sơ này/);
    expect(unknown.body.errors).toEqual([{ field: 'attachments[1].fileId', message: expect.stringMatching(/hồ sơ không có tệp/) }]);
    const foreign = await record([{ name: 'Biên bản', fileId: others }]);
    expectRefusal(foreign, 422, 'VerificationAttachmentNotInDossier', /tải lên hồ sơ này/);
    expect(foreign.body.errors).toEqual([{ field: 'attachments[0].fileId', message: unknown.body.errors[0].message }]); // unknown and not yours read alike
    expectRefusal(await record([{ name: 'Biên bản', fileId: 'file-bb-01' }]), 422, 'VerificationAttachmentNotInDossier', /tải lên hồ sơ này/);
    // A counter scan another agency holds (not filed on any dossier) is not this dossier's either.
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), 'scan.pdf');
    const scan = await fetch(`${api.baseUrl}/api/v1/agencies/${POLICE.eid}/documents`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${await officerToken('motcua.saigon')}` } });
    expect(scan.status).toBe(201);
    const scanId = ((await scan.json()) as { id: string }).id;
    expectRefusal(await record([{ name: 'Biên bản', fileId: scanId }]), 422, 'VerificationAttachmentNotInDossier', /tải lên hồ sơ này/);
    expect((await ownerLookup(a.code)).body.status.code).toBe('SITE_VERIFICATION'); // nothing recorded

    const done = await record([{ name: 'Biên bản xác minh', fileId: own }]);
    expect(done.status).toBe(200);
    expect(done.body.status.code).toBe('IN_REVIEW');
  });

  it('after a visit recorded missed the citizen no longer sees it as pending; recording again needs a new visit', async () => {
    const { code, specialist, idNumber } = await business();
    const visit = await visitStartingNow();
    expect((await schedule(code, LEADER, visit, { exceptionReason: 'Cần kiểm tra địa điểm kinh doanh' })).status).toBe(200);
    expect((await ownerLookup(code)).body.pending).toMatchObject({ kind: 'site_visit', visit: { date: visit.date, from: visit.from } });
    expect((await lookup(code)).body.pending).toMatchObject({ kind: 'site_visit' });

    const missed = await officer(code, 'verification/record', specialist, { outcome: 'missed', findings: 'Không gặp chủ hộ, cửa khóa' });
    expect(missed.status).toBe(200);
    const own = await ownerLookup(code);
    expect(own.body.status.code).toBe('SITE_VERIFICATION');
    expect(own.body.pending).toBeNull();
    expect((await lookup(code)).body.pending).toBeNull();
    const mine = await http('GET', `${api.baseUrl}/api/v1/citizen/dossiers`, { headers: { Authorization: `Bearer ${await citizenToken(idNumber)}` } });
    expect(mine.status).toBe(200);
    const line = mine.body.dossiers.find((d: { code: string }) => d.code === code);
    expect(line.status.code).toBe('SITE_VERIFICATION');
    expect(line.pending ?? null).toBeNull();

    expectRefusal(await officer(code, 'verification/record', specialist, { outcome: 'missed', findings: 'Lại không gặp' }), 409, 'VisitNotScheduled', /lên lịch lại/);
    const again = await visitStartingNow();
    expect((await schedule(code, LEADER, again, { exceptionReason: 'Hẹn lại với chủ hộ' })).status).toBe(200);
    expect((await ownerLookup(code)).body.pending).toMatchObject({ kind: 'site_visit', visit: { date: again.date, from: again.from } });
  });

  it('the verification hand-off is due after the visit: the step budget counts from the visit, capped by the due date', async () => {
    const { code, specialist } = await residence();
    const due = await dueAtOf(code);
    const verificationRows = async () => (await processControl(api.baseUrl, code, POLICE.leader)).filter((h) => h.step === 'verification') as unknown as Array<{ dueAt: string; doneAt: string | null }>;

    // CA-THUONGTRU: 8 working hours for verification, counted from the visit's start, never before it ends.
    const visit = visitOn(nextWorkingDate(), '08:00', '10:00');
    expect((await schedule(code, specialist, visit)).status).toBe(200);
    const expected = Math.min(Math.max(stateCalendar.addWorkingTime(at(visit, 'from'), 8 * 3_600_000).getTime(), at(visit, 'to').getTime()), due);
    const [first] = await verificationRows();
    expect(first!.dueAt).toBe(toOffsetIso(new Date(expected)));
    expect(Date.parse(first!.dueAt)).toBeGreaterThan(at(visit, 'to').getTime() - 1);

    // A visit late on the due date's day: the budget would run past the due date, which caps it.
    const dueDay = toOffsetIso(new Date(due)).slice(0, 10);
    const late = visitOn(dueDay, '15:00', '16:00');
    expect(stateCalendar.workingTimeBetween(at(late, 'from'), at(late, 'to'))).toBe(3_600_000); // in working hours
    expect((await schedule(code, specialist, late)).status).toBe(200);
    const rows = await verificationRows();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.doneAt).not.toBeNull(); // rescheduled before the first visit: none of its budget was spent
    expect(rows[1]!.dueAt).toBe(toOffsetIso(new Date(due)));
  });
});
