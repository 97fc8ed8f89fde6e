import { describe, expect, it } from 'vitest';
import { toOffsetIso, WorkingCalendar } from '../../domain/calendar';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';
import { pdf } from '../helpers/document-fixtures';
import { uploadCitizenDocument, applicantIds, dossierClient, eventually, http, officerToken, payFeeAtCounter, processControl, SAMPLE_SUBMISSION, submitSample, uniqueKey } from '../helpers/stack';
import { visitStartingNow } from '../helpers/site-visits';
import { useStack } from '../helpers/use-stack';

/**
 * Processing branches over HTTP on the real stack: counter intake accepted on the spot
 * with the result handed over at the counter, on-site verification with a missed and a
 * rescheduled visit, and a supplement during processing under the RESTART and PAUSE
 * clock policies.
 */
describe('dossier processing branches', () => {
  const calendar = new WorkingCalendar(VN_STATE_CALENDAR);
  const { api, finished } = useStack({ name: 'processing' });
  const { lookup, ownerLookup, officer, assigneeOf } = dossierClient(() => api);
  const idNumber = applicantIds('0791');
  const eventsOf = async (code: string) => {
    const d = await api.db('dossiers').where({ code }).first('id');
    return api.db('dossier_events').where('dossier_id', d.id).orderBy('seq').select('type', 'data', 'occurred_at');
  };
  /** A file an officer files on the dossier (minutes, photos); its id. */
  async function officerUpload(code: string, name: string, user = 'chuyenvien.saigon1'): Promise<string> {
    const form = new FormData();
    form.append('name', name);
    form.append('file', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), `${name}.pdf`);
    const res = await fetch(`${api.baseUrl}/api/v1/dossiers/${code}/documents`, { method: 'POST', body: form, headers: { Authorization: `Bearer ${await officerToken(user)}` } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }
  async function submitOnline(procedureCode: string, applicantId = idNumber()) {
    // The procedure's required documents, by their checklist names (papers brought to the counter).
    const documents = procedureCode === 'TP-SAOSOGOC' ? [{ name: 'Đơn đề nghị cấp bản sao từ sổ gốc' }, { name: 'Giấy tờ tùy thân của người yêu cầu' }] : SAMPLE_SUBMISSION.documents;
    const r = await submitSample(api.baseUrl, applicantId, { procedureCode, documents }, 'proc');
    expect(r.status).toBe(201);
    await payFeeAtCounter(api.baseUrl, r.body.code);
    return { code: r.body.code as string, idNumber: applicantId };
  }

  it('counter intake: the officer enters the dossier and accepts it on the spot; the result is handed over at the counter', async () => {
    const body = {
      procedureCode: 'TP-CHUNGTHUC',
      agencyEid: '000.20.20.H29',
      deliveryMethod: 'counter',
      acceptNow: true,
      applicant: { fullName: 'Hoàng Thị Lan', idNumber: idNumber(), phone: '0987654321' },
      documents: [{ name: 'Bản chính giấy khai sinh', checklistItem: 1 }, { name: 'Bản sao cần chứng thực' }],
    };
    const citizenTry = await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body, headers: { 'Idempotency-Key': uniqueKey('c') } });
    expect(citizenTry.status).toBe(401);
    const wrongRole = await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body, headers: { 'Idempotency-Key': uniqueKey('c'), 'X-User-Id': 'chuyenvien.saigon1' } });
    expect(wrongRole.status).toBe(403);

    const key = uniqueKey('counter');
    const r = await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body, headers: { 'Idempotency-Key': key, 'X-User-Id': 'motcua.saigon' } });
    expect(r.status).toBe(201);
    // Issue 18: accepted on the spot and answered once received; the specialist's assignment follows.
    expect(r.body).toMatchObject({ channel: 'counter', deliveryMethod: 'counter' });
    expect(['RECEIVED', 'IN_REVIEW']).toContain(r.body.status.code);
    expect(r.body.receivedAt).toBeTruthy();
    expect(r.body.appointmentAt).toMatch(/T17:00:00\+07:00$/); // same-day procedure: close of a working day
    const code: string = r.body.code;
    const again = await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body, headers: { 'Idempotency-Key': key, 'X-User-Id': 'motcua.saigon' } });
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(code);

    await payFeeAtCounter(api.baseUrl, code);
    const assignee = await assigneeOf(code);
    await officer(code, 'review/proposal', assignee, { proposal: 'approve' });
    await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    // The result waits at the counter: not delivered until someone collects it.
    await eventually(() => lookup(code), (s) => s.body.status.code === 'APPROVED');
    expect((await officer(code, 'result/handover', 'motcua.saigon', {})).status).toBe(422);
    const handed = await officer(code, 'result/handover', 'motcua.saigon', { receivedBy: 'Hoàng Thị Lan, CCCD ...5678' });
    expect(handed.status).toBe(200);
    expect((await finished(code, 'counter-intake-update-with-start')).status).toBe('COMPLETED');
    const types = (await eventsOf(code)).map((e) => e.type);
    expect(types).toEqual(['submitted', 'intake_accepted', 'assigned', 'fee_paid', 'approval_proposed', 'approved', 'result_handed_over', 'completed']);
    const sheet = await processControl(api.baseUrl, code);
    expect(sheet.map((h) => h.step)).toEqual(['intake', 'review', 'decision', 'result']);
    expect(sheet.every((h) => h.doneAt)).toBe(true);
  });

  it('on-site verification: scheduled and told to the citizen, missed, rescheduled, recorded with minutes, back to review', async () => {
    const { code } = await submitOnline('KT-HKD');
    await eventually(() => lookup(code), (s) => s.body.history?.length === 1);
    await officer(code, 'intake/accept', 'motcua.saigon');
    const specialist = await assigneeOf(code);
    // KT-HKD has no on-site verification in its catalogue: a leader schedules it, with the reason (docs/domain.md §3.9).
    const exceptionReason = 'Địa điểm kinh doanh trong hồ sơ chưa khớp dữ liệu địa chính, cần kiểm tra thực tế';
    const visit = { ...(await visitStartingNow()), place: '12 Lê Lợi, Phường Sài Gòn', officers: ['Lê Văn Hùng', 'Võ Thanh Tâm'] };

    expect((await officer(code, 'verification', 'lanhdao.saigon', { visit: { ...visit, from: '10:00', to: '08:00' }, purpose: 'x', exceptionReason })).status).toBe(422);
    expect((await officer(code, 'verification', specialist, { visit, purpose: 'x' })).status).toBe(422); // needs a leader's reason
    const scheduled = await officer(code, 'verification', 'lanhdao.saigon', { visit, purpose: 'Kiểm tra địa điểm kinh doanh', exceptionReason });
    expect(scheduled.status).toBe(200);
    const s1 = await ownerLookup(code); // the place, as typed, is for the applicant signed in (issue 14)
    expect(s1.body.status).toEqual({ code: 'SITE_VERIFICATION', label: 'Đang xác minh, kiểm tra thực địa' });
    expect(s1.body.pending).toEqual({ kind: 'site_visit', visit: { date: visit.date, from: visit.from, to: visit.to, place: '12 Lê Lợi, Phường Sài Gòn' } });
    expect(JSON.stringify(s1.body)).not.toContain('Võ Thanh Tâm'); // officers' names stay internal
    expect((await lookup(code)).body.pending).toEqual({ kind: 'site_visit', visit: { date: visit.date, from: visit.from, to: visit.to } });

    expect((await officer(code, 'review/proposal', specialist, { proposal: 'approve' })).status).toBe(409); // not while verifying
    expect((await officer(code, 'verification/record', specialist, { outcome: 'confirmed', findings: 'Đúng hiện trạng', attachments: [] })).status).toBe(422); // minutes required
    const missed = await officer(code, 'verification/record', specialist, { outcome: 'missed', findings: 'Không gặp chủ hộ' });
    expect(missed.status).toBe(200);
    expect(missed.body.status.code).toBe('SITE_VERIFICATION');
    expect((await ownerLookup(code)).body.pending).toBeNull(); // the visit is over: nothing pending until it is rescheduled
    const visit2 = { ...visit, ...(await visitStartingNow(45)) };
    const again = await officer(code, 'verification', 'lanhdao.saigon', { visit: visit2, purpose: 'Kiểm tra lại', exceptionReason });
    expect(again.status).toBe(200);
    const minutes = await officerUpload(code, 'Biên bản xác minh', specialist);
    const photo = await officerUpload(code, 'Ảnh hiện trạng', specialist);
    const recorded = await officer(code, 'verification/record', specialist, {
      outcome: 'confirmed',
      findings: 'Địa điểm đúng như hồ sơ, đủ điều kiện',
      attachments: [{ name: 'Biên bản xác minh', fileId: minutes }, { name: 'Ảnh hiện trạng', fileId: photo }],
    });
    expect(recorded.status).toBe(200);
    expect(recorded.body.status.code).toBe('IN_REVIEW');
    expect((await lookup(code)).body.pending).toBeNull();

    await officer(code, 'review/proposal', specialist, { proposal: 'approve' });
    await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    expect((await finished(code, 'site-verification-checks')).status).toBe('COMPLETED');
    const events = await eventsOf(code);
    expect(events.map((e) => e.type)).toEqual([
      'submitted', 'fee_paid', 'intake_accepted', 'assigned', 'site_visit_scheduled', 'site_visit_missed', 'site_visit_rescheduled', 'site_verified',
      'approval_proposed', 'approved', 'result_delivered_online', 'completed',
    ]);
    expect(events.find((e) => e.type === 'site_visit_scheduled')!.data).toMatchObject({ exception: { reason: exceptionReason, kinds: expect.arrayContaining(['procedure_without_verification']) } });
    expect(events.find((e) => e.type === 'site_verified')!.data).toMatchObject({ outcome: 'confirmed', attachments: [{ fileId: minutes }, { fileId: photo }] });
    const sheet = (await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/process-control`, { headers: { 'X-User-Id': 'giamsat.saigon' } })).body.handoffs;
    expect(sheet.map((h: any) => h.step)).toEqual(['intake', 'review', 'verification', 'verification', 'review', 'decision', 'result']);
    // No verification budget for KT-HKD: due at the end of the planned visit (capped by the dossier's due date).
    const due = (await api.db('dossiers').where({ code }).first('due_at')).due_at as Date;
    expect(sheet[3].dueAt).toBe(toOffsetIso(new Date(Math.min(Date.parse(`${visit2.date}T${visit2.to}:00+07:00`), due.getTime()))));
  });

  it('supplement during processing under RESTART: the limit counts again from the supplement; only one request', async () => {
    const { code, idNumber: id } = await submitOnline('KT-HKD');
    await officer(code, 'intake/accept', 'motcua.saigon');
    const specialist = await assigneeOf(code);
    const before = (await lookup(code)).body.appointmentAt;
    expect((await officer(code, 'review/supplement-request', specialist, { items: ['Giấy tờ chứng minh địa điểm'] })).status).toBe(422); // reason required
    const asked = await officer(code, 'review/supplement-request', specialist, { items: ['Giấy tờ chứng minh quyền sử dụng địa điểm'], reason: 'Hợp đồng thuê đã hết hạn' });
    expect(asked.status).toBe(200);
    const s = await ownerLookup(code);
    expect(s.body.status.code).toBe('SUPPLEMENT_REQUESTED');
    expect(s.body.pending).toMatchObject({ kind: 'supplement', items: ['Giấy tờ chứng minh quyền sử dụng địa điểm'], reason: 'Hợp đồng thuê đã hết hạn' });
    expect(s.body.appointmentAt).toBe(before);

    const supplied = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/supplement`, { body: { idNumber: id, documents: [{ name: 'Hợp đồng thuê mới', fileId: await uploadCitizenDocument(api.baseUrl, id, 'Hợp đồng thuê mới') }] } });
    expect(supplied.status).toBe(200);
    expect(supplied.body.status.code).toBe('IN_REVIEW');
    const resumed = (await eventsOf(code)).find((e) => e.type === 'supplement_submitted')!;
    expect(resumed.data.clock.policy).toBe('RESTART');
    const expected = toOffsetIso(calendar.appointment(new Date(resumed.data.clock.resumedAt), { unit: 'working_days', value: 3 }));
    expect(resumed.data.clock.appointmentAt).toBe(expected);
    expect((await lookup(code)).body.appointmentAt).toBe(expected);

    const second = await officer(code, 'review/supplement-request', specialist, { items: ['Thêm giấy tờ'], reason: 'Khác' });
    expect(second.status).toBe(409);
    await officer(code, 'review/proposal', specialist, { proposal: 'approve' });
    await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    expect((await finished(code, 'processing-supplement-restart')).status).toBe('COMPLETED');
    const sheet = await processControl(api.baseUrl, code);
    expect(sheet.map((h) => h.step)).toEqual(['intake', 'review', 'citizen_supplement', 'review', 'decision', 'result']);
    expect(sheet.every((h) => h.doneAt)).toBe(true);
  });

  it('supplement during processing under PAUSE: the appointment moves by the working time the clock stood still', async () => {
    const { code, idNumber: id } = await submitOnline('TP-SAOSOGOC');
    await officer(code, 'intake/accept', 'motcua.saigon');
    const specialist = await assigneeOf(code);
    const original = (await api.db('dossiers').where({ code }).first('appointment_at')).appointment_at as Date;
    await officer(code, 'review/supplement-request', specialist, { items: ['Giấy tờ tùy thân của người yêu cầu'], reason: 'Bản chụp không rõ' });
    await new Promise((r) => setTimeout(r, 1200));
    expect((await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/supplement`, { body: { idNumber: id, documents: [{ name: 'CCCD', fileId: await uploadCitizenDocument(api.baseUrl, id, 'CCCD') }] } })).status).toBe(200);
    const events = await eventsOf(code);
    const paused = events.find((e) => e.type === 'supplement_requested')!;
    const resumed = events.find((e) => e.type === 'supplement_submitted')!;
    expect(resumed.data.clock.policy).toBe('PAUSE');
    expect(resumed.data.clock.pausedAt).toBe(paused.data.clockPausedAt);
    const stood = calendar.workingTimeBetween(new Date(resumed.data.clock.pausedAt), new Date(resumed.data.clock.resumedAt));
    // Outside office hours (a run at lunch time or in the evening) nothing stood still, and the date stays.
    expect(resumed.data.clock.appointmentAt).toBe(toOffsetIso(stood > 0 ? calendar.addWorkingTime(original, stood) : original));
    await officer(code, 'cancel', 'lanhdao.saigon', { reason: 'Kết thúc kiểm thử' });
    expect((await finished(code, 'processing-supplement-pause')).status).toBe('CANCELLED');
  });
});
