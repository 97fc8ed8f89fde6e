import { WorkflowUpdateFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { toOffsetIso, WorkingCalendar } from '../../domain/calendar';
import { dossierWorkflowId } from '../../domain/dossier-code';
import { VN_STATE_CALENDAR } from '../../domain/holidays-vn';
import { acceptIntakeUpdate, dossierViewQuery } from '../../workflows/contracts/dossier-v1';
import { applicantIds, dossierClient, eventually, http, payFeeAtCounter, submitSample, uniqueKey, uploadCitizenDocument } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 16, items 1 and 4: the procedure's checklist is enforced at intake (each required
 * document supplied, by the submission or a supplement, or waived by the one-stop officer with
 * a reason that is recorded), online and at the counter; and where the time limit counts from
 * a complete dossier and the fee paid (household business registration), the clock starts at
 * the payment, as the receipt and the deadline explanation say.
 */
describe('intake checklist and the clock from the fee', () => {
  const { api, finished } = useStack({ name: 'intake-checklist' });
  const { lookup, officer, citizen, assigneeOf } = dossierClient(() => api);
  const idNumber = applicantIds('0794');
  const FORM = 'Giấy đề nghị đăng ký hộ kinh doanh';
  const MINUTES = 'Bản sao biên bản họp thành viên hộ gia đình (nếu có)';
  const detail = (code: string) => http('GET', `${api.baseUrl}/api/v1/dossiers/${code}`, { headers: { 'X-User-Id': 'motcua.saigon' } });
  const acceptance = async (code: string) => {
    const d = await api.db('dossiers').where({ code }).first('id');
    return api.db('dossier_events').where({ dossier_id: d.id, type: 'intake_accepted' }).first('data');
  };
  async function submitted(documents: unknown[], opts: { paid?: boolean } = {}): Promise<{ code: string; idNumber: string }> {
    const id = idNumber();
    const r = await submitSample(api.baseUrl, id, { documents }, 'checklist');
    expect(r.status).toBe(201);
    await eventually(() => lookup(r.body.code), (s) => s.body.history?.length === 1);
    if (opts.paid !== false) await payFeeAtCounter(api.baseUrl, r.body.code);
    return { code: r.body.code, idNumber: id };
  }

  it('a dossier without its required documents is not received; documents the citizen supplies in the supplement count', async () => {
    const { code, idNumber: id } = await submitted([]);
    const before = await detail(code);
    expect(before.body.checklist).toMatchObject({
      complete: false,
      missing: [{ item: 1, name: FORM }],
      items: [
        { item: 1, name: FORM, required: true, status: 'missing', documents: [] },
        { item: 2, name: MINUTES, required: false, status: 'not_supplied' },
        { item: 3, required: false, status: 'not_supplied' },
      ],
    });

    const refused = await officer(code, 'intake/accept', 'motcua.saigon', { note: 'Đủ hồ sơ' });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ reason: 'RequiredDocumentsMissing', missing: [{ item: 1, name: FORM }] });
    expect(refused.body.detail).toContain('chưa đủ thành phần bắt buộc');
    expect(refused.body.detail).toContain(FORM);
    // A waiver needs a reason, and names an item of the checklist that is missing.
    const noReason = await officer(code, 'intake/accept', 'motcua.saigon', { waivers: [{ item: 1, reason: '  ' }] });
    expect(noReason.status).toBe(422);
    expect(noReason.body.errors.map((e: { field: string }) => e.field)).toEqual(['waivers[0].reason']);
    const unknownItem = await officer(code, 'intake/accept', 'motcua.saigon', { waivers: [{ item: 9, reason: 'Không cần' }] });
    expect(unknownItem.status).toBe(422);
    expect(unknownItem.body.errors).toEqual([{ field: 'waivers[0].item', message: expect.stringContaining('không có giấy tờ số 9') }]);
    const twice = await officer(code, 'intake/accept', 'motcua.saigon', { waivers: [{ item: 1, reason: 'a' }, { item: 1, reason: 'b' }] });
    expect(twice.status).toBe(422);
    expect((await lookup(code)).body.status.code).toBe('SUBMITTED');

    // Form 02 asks for it; the citizen supplies it, and the minutes under another name, naming the checklist item.
    expect((await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: [FORM], reason: 'Thiếu giấy đề nghị' })).status).toBe(200);
    const formFile = await uploadCitizenDocument(api.baseUrl, id, 'Giấy đề nghị (bản ký)');
    const minutesFile = await uploadCitizenDocument(api.baseUrl, id, 'Biên bản');
    const nowhere = await citizen(code, 'supplement', { idNumber: id, documents: [{ name: FORM, checklistItem: 7 }] });
    expect(nowhere.status).toBe(422);
    expect(nowhere.body.errors).toEqual([{ field: 'documents[0].checklistItem', message: expect.stringContaining('không có giấy tờ số 7') }]);
    const supplied = await citizen(code, 'supplement', {
      idNumber: id,
      documents: [
        { name: FORM, fileId: formFile },
        { name: 'Biên bản họp thành viên hộ gia đình (bản sao)', fileId: minutesFile, checklistItem: 2 },
      ],
    });
    expect(supplied.status).toBe(200);
    const after = await detail(code);
    expect(after.body.checklist).toMatchObject({
      complete: true,
      missing: [],
      items: [
        { item: 1, status: 'supplied', documents: [{ documentId: formFile, name: FORM, form: 'file', source: 'supplement' }] },
        { item: 2, status: 'supplied', documents: [{ documentId: minutesFile, name: 'Biên bản họp thành viên hộ gia đình (bản sao)', form: 'file', source: 'supplement' }] },
        { item: 3, status: 'not_supplied' },
      ],
    });
    // Waiving what is there is refused; accepting as it stands is not.
    const needless = await officer(code, 'intake/accept', 'motcua.saigon', { waivers: [{ item: 1, reason: 'x' }] });
    expect(needless.status).toBe(422);
    expect(needless.body.errors[0].message).toContain('đã có trong hồ sơ');
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    // Form 01 lists what the citizen supplied, by the names given.
    const receipt = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon', Accept: 'application/json' } });
    expect(receipt.body.documents).toEqual([FORM, 'Biên bản họp thành viên hộ gia đình (bản sao)']);
    expect((await acceptance(code)).data.documents).toEqual({
      supplied: [
        { item: 1, name: FORM, documentIds: [formFile], papers: 0 },
        { item: 2, name: MINUTES, documentIds: [minutesFile], papers: 0 },
      ],
      waived: [],
    });
  });

  it('a submission naming a checklist item the procedure does not have is refused', async () => {
    const r = await submitSample(api.baseUrl, idNumber(), { documents: [{ name: FORM, checklistItem: 4 }] }, 'checklist');
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ field: 'documents[0].checklistItem', message: expect.stringContaining('(có 3 mục)') }]);
  });

  it('the one-stop officer may waive a required document with a reason: recorded in the event, the checklist and the audit trail', async () => {
    const { code } = await submitted([{ name: 'Giấy tờ khác' }]);
    const reason = 'Đã đối chiếu bản chính tại quầy, không phải nộp bản sao';
    // The Update's own validator: a waiver without a reason never reaches the history, whoever sends it.
    const u = await api.db('users').where({ username: 'motcua.saigon' }).first('id', 'username', 'full_name');
    const actor = { userId: u.id, username: u.username, fullName: u.full_name, roles: ['one_stop_officer' as const] };
    const handle = api.temporal.workflow.getHandle(dossierWorkflowId(code));
    for (const waivers of [[{ item: 1, reason: '  ' }], [{ item: 0, reason: 'x' }], [{ item: 1, reason: 'a' }, { item: 1, reason: 'b' }]]) {
      const err = await handle.executeUpdate(acceptIntakeUpdate, { args: [{ actor, waivers }] }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((err as WorkflowUpdateFailedError).cause as { type?: string }).type).toBe('DossierInvalidInput');
    }
    expect((await handle.query(dossierViewQuery)).status).toBe('SUBMITTED');
    const accepted = await officer(code, 'intake/accept', 'motcua.saigon', { note: 'Tiếp nhận', waivers: [{ item: 1, reason }] });
    expect(accepted.status).toBe(200);
    // Issue 18: received is the answer; the specialist is assigned right after it.
    expect(['RECEIVED', 'IN_REVIEW']).toContain(accepted.body.status.code);
    expect((await acceptance(code)).data).toMatchObject({ note: 'Tiếp nhận', documents: { supplied: [], waived: [{ item: 1, name: FORM, reason }] } });
    const view = await detail(code);
    expect(view.body.checklist).toMatchObject({ complete: true, items: [{ item: 1, status: 'waived', waiver: { reason } }, {}, {}], unmatched: [{ documentId: null, name: 'Giấy tờ khác' }] });
    const d = await api.db('dossiers').where({ code }).first('id');
    const audit = await eventually(
      () => api.db('audit_log').where({ dossier_id: d.id }).andWhere('action', 'like', '%intake/accept').select('reason'),
      (rows) => rows.length === 1,
    );
    expect(audit[0].reason).toBe(`Tiếp nhận; miễn giấy tờ số 1: ${reason}`);
  });

  it('counter intake follows the same rule: accepted on the spot only with every required document supplied or waived', async () => {
    const body = (documents: unknown[], extra: Record<string, unknown> = {}) => ({
      procedureCode: 'TP-SAOSOGOC',
      agencyEid: '000.20.20.H29',
      deliveryMethod: 'counter',
      acceptNow: true,
      applicant: { fullName: 'Đỗ Thị Hoa', idNumber: idNumber(), phone: '0987000111' },
      documents,
      ...extra,
    });
    const counter = (b: unknown) => http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body: b, headers: { 'Idempotency-Key': uniqueKey('cl-counter'), 'X-User-Id': 'motcua.saigon' } });
    const onlyForm = [{ name: 'Đơn đề nghị cấp bản sao từ sổ gốc' }];
    const notNow = await counter({ ...body(onlyForm), acceptNow: undefined, waivers: [{ item: 2, reason: 'x' }] });
    expect(notNow.status).toBe(422);
    expect(notNow.body.errors.map((e: { field: string }) => e.field)).toEqual(['waivers']);

    // Stored and started, not received: the answer says why.
    const incomplete = await counter(body(onlyForm));
    expect(incomplete.status).toBe(201);
    expect(incomplete.body.status.code).toBe('SUBMITTED');
    expect(incomplete.body.receivedAt).toBeNull();
    expect(incomplete.body.acceptance).toMatchObject({ status: 422, reason: 'RequiredDocumentsMissing', missing: [{ item: 2, name: 'Giấy tờ tùy thân của người yêu cầu' }] });
    await eventually(() => lookup(incomplete.body.code), (s) => s.body.history?.length === 1);
    expect((await lookup(incomplete.body.code)).body.status.code).toBe('SUBMITTED');

    const waived = await counter(body(onlyForm, { waivers: [{ item: 2, reason: 'Xuất trình căn cước tại quầy' }] }));
    expect(waived.status).toBe(201);
    expect(['RECEIVED', 'IN_REVIEW']).toContain(waived.body.status.code);
    expect(waived.body.appointmentAt).toMatch(/T17:00:00\+07:00$/);
    expect((await acceptance(waived.body.code)).data.documents).toEqual({
      supplied: [{ item: 1, name: 'Đơn đề nghị cấp bản sao từ sổ gốc', documentIds: [], papers: 1 }],
      waived: [{ item: 2, name: 'Giấy tờ tùy thân của người yêu cầu', reason: 'Xuất trình căn cước tại quầy' }],
    });
  });

  it('household business registration: received before the fee is paid, the legal clock starts at the payment', async () => {
    const catalogue = await http('GET', `${api.baseUrl}/api/v1/procedures/KT-HKD`);
    expect(catalogue.body).toMatchObject({ clockFromFee: true, documents: [{ item: 1, name: FORM, required: true }, { item: 2, required: false }, { item: 3, required: false }] });

    const { code } = await submitted([{ name: FORM }], { paid: false });
    const accepted = await officer(code, 'intake/accept', 'motcua.saigon');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ appointmentAt: null, deadline: null });
    expect(['RECEIVED', 'IN_REVIEW']).toContain(accepted.body.status.code);
    expect(accepted.body.receivedAt).toEqual(expect.any(String));
    expect((await acceptance(code)).data).toMatchObject({ clockFromFee: true, explanation: expect.stringContaining('tính từ khi nhận đủ hồ sơ và phí, lệ phí') });

    // The receipt says so, and has no appointment yet.
    const receipt = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon', Accept: 'application/json' } });
    expect(receipt.status).toBe(200);
    expect(receipt.body).toMatchObject({ appointmentAt: null, timeLimitNote: expect.stringContaining('Thời hạn giải quyết được tính từ khi nhận đủ hồ sơ và phí, lệ phí.') });
    expect(receipt.body.timeLimitNote).toContain('khi Ông/Bà nộp phí, lệ phí');
    const printed = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon', Accept: 'text/html' } });
    expect(printed.body).toContain('Chưa xác định (chưa nộp phí, lệ phí)');
    expect(printed.body).toContain('Thời hạn giải quyết được tính từ khi nhận đủ hồ sơ và phí, lệ phí.');
    const waiting = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/deadline`, { headers: { 'X-User-Id': 'giamsat.saigon' } });
    expect(waiting.body).toMatchObject({ dueAt: null, appointmentAt: null, state: 'awaiting_fee' });
    expect(waiting.body.explanation[0]).toContain('chưa nộp phí, lệ phí nên thời hạn chưa bắt đầu tính');
    // No time limit runs yet: nothing to extend.
    const extend = await officer(code, 'deadline/extension', 'lanhdao.saigon', { workingDays: 1, reason: 'x', legalBasis: 'y' });
    expect(extend.status).toBe(409);
    expect(extend.body).toMatchObject({ reason: 'ClockAwaitsFee', detail: expect.stringContaining('được tính từ khi nộp phí, lệ phí') });

    // Paid at the counter: the ledger starts at the payment, the appointment follows from it.
    await payFeeAtCounter(api.baseUrl, code);
    const d = await api.db('dossiers').where({ code }).first('id', 'received_at');
    const row = await eventually(() => api.db('dossiers').where({ code }).first('appointment_at', 'due_at', 'deadline_state'), (r) => r.appointment_at !== null);
    const paid = await api.db('dossier_events').where({ dossier_id: d.id, type: 'fee_paid' }).first('data');
    const start = await api.db('dossier_clock_entries').where({ dossier_id: d.id, kind: 'start' }).first('at', 'legal_basis', 'data');
    expect(new Date(start.at).getTime()).toBe(Math.max(Date.parse(paid.data.paidAt), new Date(d.received_at).getTime()));
    expect(start.legal_basis).toBe('Nghị định 297/2025/NĐ-CP, điều 6 khoản 2');
    expect(start.data).toMatchObject({ countsFrom: 'fee_payment', receivedAt: new Date(d.received_at).toISOString(), limit: { unit: 'working_days', value: 3 } });
    const exact = new WorkingCalendar(VN_STATE_CALENDAR).appointment(new Date(start.at), { unit: 'working_days', value: 3 });
    const due = new Date(Math.floor(exact.getTime() / 1000) * 1000); // kept to the second, as Form 01 prints it
    expect(new Date(row.appointment_at).getTime()).toBe(due.getTime());
    expect(new Date(row.due_at).getTime()).toBe(due.getTime());
    expect(row.deadline_state).toBe('running');
    expect(paid.data).toMatchObject({ clockStartedAt: new Date(start.at).toISOString(), appointmentAt: toOffsetIso(due) });

    const explained = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/deadline`, { headers: { 'X-User-Id': 'giamsat.saigon' } });
    expect(explained.body).toMatchObject({ state: 'running', dueAt: toOffsetIso(due), countingFrom: toOffsetIso(new Date(start.at)), receivedAt: toOffsetIso(new Date(d.received_at)) });
    expect(explained.body.explanation[0]).toContain('đã nộp phí, lệ phí lúc');
    expect(explained.body.explanation[0]).toContain('được tính từ khi nhận đủ hồ sơ và phí, lệ phí');
    expect(explained.body.ledger).toEqual([expect.objectContaining({ kind: 'start', countsFrom: 'fee_payment', legalBasis: 'Nghị định 297/2025/NĐ-CP, điều 6 khoản 2' })]);
    const after = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon', Accept: 'application/json' } });
    expect(after.body).toMatchObject({ appointmentAt: toOffsetIso(due), timeLimitNote: 'Thời hạn giải quyết được tính từ khi nhận đủ hồ sơ và phí, lệ phí.' });

    const assignee = await assigneeOf(code);
    expect((await officer(code, 'review/proposal', assignee, { proposal: 'approve' })).status).toBe(200);
    expect((await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    expect((await finished(code, 'clock-from-fee')).status).toBe('COMPLETED');
  });
});
