import { describe, expect, it } from 'vitest';
import { uploadCitizenDocument, applicantIds, dossierClient, eventually, http, submitReady } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The branches off the happy path, over HTTP on the real stack: supplement at intake,
 * refusal, withdrawal by the citizen, a stop by an officer, denial, and a leader
 * returning the dossier to the specialist. Each checks the read model, the
 * process-control sheet and the public lookup, and records its history for replay.
 */
describe('dossier lifecycle branches', () => {
  const { api, finished } = useStack({ name: 'branches' });
  const { lookup, ownerLookup, officer, citizen, assigneeOf } = dossierClient(() => api);
  const nextIdNumber = applicantIds('0790');

  const submit = () => submitReady(api.baseUrl, nextIdNumber(), 'branch');
  const handoffs = async (code: string) =>
    (await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/process-control`, { headers: { 'X-User-Id': 'giamsat.saigon' } })).body.handoffs;
  const events = async (code: string) => {
    const d = await api.db('dossiers').where({ code }).first('id');
    return (await api.db('dossier_events').where('dossier_id', d.id).orderBy('seq').select('seq', 'type')).map((e) => e.type);
  };

  it('supplement at intake: listed in one go, the citizen supplements, the dossier returns to the check and is accepted', async () => {
    const { code, idNumber } = await submit();
    const missing = ['Bản sao CCCD của chủ hộ kinh doanh', 'Hợp đồng thuê địa điểm kinh doanh'];
    const asked = await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: missing, reason: 'Thiếu giấy tờ theo quy định', deadlineWorkingDays: 5 });
    expect(asked.status).toBe(200);
    expect(asked.body.status.code).toBe('SUPPLEMENT_AT_INTAKE');

    const s = await ownerLookup(code); // what officers typed is for the applicant signed in (issue 14)
    expect(s.body.status).toEqual({ code: 'SUPPLEMENT_AT_INTAKE', label: 'Yêu cầu bổ sung hồ sơ' });
    expect(s.body.pending).toMatchObject({ kind: 'supplement', items: missing, reason: 'Thiếu giấy tờ theo quy định' });
    expect((await lookup(code)).body.pending).toEqual({ kind: 'supplement', itemCount: 2, deadline: s.body.pending.deadline });
    expect(s.body.pending.deadline).toMatch(/T17:00:00\+07:00$/);
    expect(s.body.receivedAt).toBeNull(); // not received: no clock yet

    const notOwner = await citizen(code, 'supplement', { idNumber: '012345678901', documents: [{ name: 'x' }] });
    expect(notOwner.status).toBe(404); // not theirs reads like an unknown code
    expect(notOwner.body.detail).toContain('Không tìm thấy hồ sơ');
    const empty = await citizen(code, 'supplement', { idNumber, documents: [] });
    expect(empty.status).toBe(422);

    const supplied = await citizen(code, 'supplement', {
      idNumber,
      documents: [
        { name: missing[0], fileId: await uploadCitizenDocument(api.baseUrl, idNumber, missing[0]!) },
        { name: missing[1], fileId: await uploadCitizenDocument(api.baseUrl, idNumber, missing[1]!) },
      ],
    });
    expect(supplied.status).toBe(200);
    expect(supplied.body.status.code).toBe('SUBMITTED');
    expect((await lookup(code)).body.pending).toBeNull();

    // Everything missing was to be listed at once: no second request.
    const again = await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['Giấy tờ khác'] });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ reason: 'IntakeSupplementAlreadyRequested', detail: expect.stringContaining('đã được yêu cầu bổ sung một lần') });

    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    const assignee = await assigneeOf(code);
    expect((await officer(code, 'review/proposal', assignee, { proposal: 'approve' })).status).toBe(200);
    expect((await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    expect((await finished(code, 'intake-supplement')).status).toBe('COMPLETED');

    expect(await events(code)).toEqual([
      'submitted',
      'fee_paid',
      'intake_supplement_requested',
      'supplement_submitted',
      'intake_accepted',
      'assigned',
      'approval_proposed',
      'approved',
      'result_delivered_online',
      'completed',
    ]);
    const sheet = await handoffs(code);
    expect(sheet.map((h: any) => h.step)).toEqual(['intake', 'citizen_supplement', 'intake', 'review', 'decision', 'result']);
    expect(sheet.every((h: any) => h.doneAt)).toBe(true);
    expect(sheet[1]).toMatchObject({ giver: { name: 'Trần Thị Mai' }, receiver: { unit: 'Tổ chức, cá nhân nộp hồ sơ' }, outcome: 'early' });
    expect(sheet[4].outcome).toMatch(/early|on_time/);
  });

  it('silence past the supplement deadline written on the slip closes the dossier', async () => {
    const { code, idNumber } = await submit();
    expect((await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['x'], deadline: '2020-01-01T17:00:00+07:00' })).status).toBe(422);
    expect((await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['x'], deadline: 'tomorrow' })).status).toBe(422);
    const deadline = new Date(Date.now() + 3000).toISOString();
    const asked = await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['Bản sao CCCD của chủ hộ'], deadline });
    expect(asked.status).toBe(200);
    expect(new Date((await lookup(code)).body.pending.deadline).getTime()).toBe(Math.floor(new Date(deadline).getTime() / 1000) * 1000);
    const closed = await eventually(() => ownerLookup(code), (s) => s.body.status.code === 'CLOSED_UNSUPPLEMENTED', 20_000);
    expect(closed.body).toMatchObject({
      status: { code: 'CLOSED_UNSUPPLEMENTED', label: 'Đóng hồ sơ do không bổ sung đúng hạn' },
      closingReason: 'Không bổ sung hồ sơ trong thời hạn',
      pending: null,
    });
    expect((await finished(code, 'intake-supplement-silence')).status).toBe('CLOSED_UNSUPPLEMENTED');
    // Too late: the citizen's supplement is refused, with the reason in Vietnamese.
    const late = await citizen(code, 'supplement', { idNumber, documents: [{ name: 'CCCD' }] });
    expect(late.status).toBe(409);
    const sheet = await handoffs(code);
    expect(sheet.map((h: any) => h.step)).toEqual(['intake', 'citizen_supplement']);
    expect(sheet[1]).toMatchObject({ outcome: 'late' }); // the citizen's step ran past its due time
    expect(await events(code)).toEqual(['submitted', 'fee_paid', 'intake_supplement_requested', 'closed_unsupplemented']);
  });

  it('refusal at intake: concrete reasons reach the citizen and the dossier ends', async () => {
    const { code } = await submit();
    expect((await officer(code, 'intake/refuse', 'motcua.saigon', { reasons: [] })).status).toBe(422);
    const refused = await officer(code, 'intake/refuse', 'motcua.saigon', { reasons: ['Ngành nghề kinh doanh thuộc danh mục cấm'] });
    expect(refused.status).toBe(200);
    expect((await finished(code, 'intake-refusal')).status).toBe('REFUSED_AT_INTAKE');
    const s = await ownerLookup(code);
    expect(s.body.status).toEqual({ code: 'REFUSED_AT_INTAKE', label: 'Từ chối tiếp nhận' });
    expect(s.body.closingReason).toBe('Ngành nghề kinh doanh thuộc danh mục cấm');
    expect((await lookup(code)).body).toMatchObject({ status: { code: 'REFUSED_AT_INTAKE' }, closingReason: null });
    const ended = await officer(code, 'intake/accept', 'motcua.saigon');
    expect(ended.status).toBe(409);
    expect(ended.body.reason).toBe('DossierEnded');
    expect(await events(code)).toEqual(['submitted', 'fee_paid', 'intake_refused']);
    const sheet = await handoffs(code);
    expect(sheet.map((h: any) => h.step)).toEqual(['intake']);
    expect(sheet[0].doneAt).toBeTruthy();
  });

  it('withdrawal by the citizen before the decision; refused once decided', async () => {
    const { code, idNumber } = await submit();
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    expect((await citizen(code, 'withdraw', { idNumber })).status).toBe(422); // a reason is required
    const withdrawn = await citizen(code, 'withdraw', { idNumber, reason: 'Không còn nhu cầu' });
    expect(withdrawn.status).toBe(200);
    expect((await finished(code, 'withdrawal-with-stop-notice')).status).toBe('WITHDRAWN');
    const s = await lookup(code);
    expect(s.body.status).toEqual({ code: 'WITHDRAWN', label: 'Công dân yêu cầu rút hồ sơ' });
    expect(s.body.history.map((h: any) => h.status.code)).toEqual(['SUBMITTED', 'RECEIVED', 'IN_REVIEW', 'WITHDRAWN']);
    const sheet = await handoffs(code);
    expect(sheet.map((h: any) => h.step)).toEqual(['intake', 'review']);
    expect(sheet.every((h: any) => h.doneAt)).toBe(true);
    // The stop notice (Form 05) is numbered and the citizen can download it.
    expect(withdrawn.body.status.code).toBe('WITHDRAWN');
    const notice = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/result`, { body: { idNumber } });
    expect(notice.status).toBe(200);
    expect(notice.body).toContain('Thông báo dừng giải quyết hồ sơ');
    expect(notice.body).toContain('Không còn nhu cầu');
    expect(notice.body).toMatch(/\d{4}\/\d{4}\/TBD-000\.20\.20\.H29/);

    // A dossier already decided cannot be withdrawn.
    const other = await submit();
    await officer(other.code, 'intake/accept', 'motcua.saigon');
    await officer(other.code, 'review/proposal', await assigneeOf(other.code), { proposal: 'approve' });
    await officer(other.code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    const late = await citizen(other.code, 'withdraw', { idNumber: other.idNumber, reason: 'Đổi ý' });
    expect([404, 409]).toContain(late.status);
  });

  it('an officer stops a dossier with a reason; a specialist may not', async () => {
    const { code } = await submit();
    await officer(code, 'intake/accept', 'motcua.saigon');
    const assignee = await assigneeOf(code);
    expect((await officer(code, 'cancel', assignee, { reason: 'x' })).status).toBe(403);
    expect((await officer(code, 'cancel', 'lanhdao.saigon', {})).status).toBe(422);
    const stopped = await officer(code, 'cancel', 'lanhdao.saigon', { reason: 'Hồ sơ trùng với hồ sơ đã giải quyết' });
    expect(stopped.status).toBe(200);
    expect((await finished(code, 'officer-stop-with-notice')).status).toBe('CANCELLED');
    expect((await ownerLookup(code)).body).toMatchObject({ status: { code: 'CANCELLED', label: 'Dừng xử lý' }, closingReason: 'Hồ sơ trùng với hồ sơ đã giải quyết' });
    const sheet = await handoffs(code);
    expect(sheet.map((h: any) => h.step)).toEqual(['intake', 'review']);
    expect(sheet.every((h: any) => h.doneAt)).toBe(true);
    const notice = await api.db('dossier_results as r').join('dossiers as d', 'd.id', 'r.dossier_id').where('d.code', code).first('r.kind', 'r.signer_id');
    expect(notice).toEqual({ kind: 'stop_notice', signer_id: (await api.db('users').where('username', 'lanhdao.saigon').first('id')).id });
  });

  it('denial: the specialist proposes it with reasons, the leader issues a reasoned notice', async () => {
    const { code } = await submit();
    await officer(code, 'intake/accept', 'motcua.saigon');
    const assignee = await assigneeOf(code);
    expect((await officer(code, 'review/proposal', assignee, { proposal: 'deny' })).status).toBe(422);
    expect((await officer(code, 'review/proposal', assignee, { proposal: 'deny', reasons: ['Địa điểm kinh doanh không hợp pháp'] })).status).toBe(200);
    const denied = await officer(code, 'decision', 'lanhdao.saigon', { decision: 'deny', reasons: ['Địa điểm kinh doanh không hợp pháp'] });
    expect(denied.status).toBe(200);
    expect(denied.body.resultNumber).toMatch(/^\d{4}\/\d{4}\/TB-000\.20\.20\.H29$/);
    expect((await finished(code, 'denial')).status).toBe('DENIED');
    expect((await ownerLookup(code)).body).toMatchObject({ status: { code: 'DENIED', label: 'Không đủ điều kiện giải quyết' }, closingReason: 'Địa điểm kinh doanh không hợp pháp' });
    const denialSheet = await handoffs(code);
    expect(denialSheet.map((h: any) => h.step)).toEqual(['intake', 'review', 'decision']);
    expect(denialSheet.every((h: any) => h.doneAt)).toBe(true);
    const download = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/result`, { body: { idNumber: (await api.db('dossiers').where({ code }).first('applicant_id_number')).applicant_id_number } });
    expect(download.status).toBe(200);
    expect(download.body).toContain('Thông báo hồ sơ không đủ điều kiện giải quyết');
    expect(download.body).toContain('Địa điểm kinh doanh không hợp pháp');
    const notice = await api.db('dossier_results as r').join('dossiers as d', 'd.id', 'r.dossier_id').where('d.code', code).first('r.kind', 'r.title');
    expect(notice).toEqual({ kind: 'denial_notice', title: 'Thông báo hồ sơ không đủ điều kiện giải quyết' });
  });

  it('assignment: a specialist releases, another claims, the leader reassigns; only specialists of the agency qualify', async () => {
    const { code } = await submit();
    await officer(code, 'intake/accept', 'motcua.saigon');
    const first = await assigneeOf(code);
    const second = first === 'chuyenvien.saigon1' ? 'chuyenvien.saigon2' : 'chuyenvien.saigon1';

    expect((await officer(code, 'release', second)).status).toBe(409); // not theirs
    const released = await officer(code, 'release', first, { note: 'Đi công tác' });
    expect(released.status).toBe(200);
    expect(released.body.status.code).toBe('RECEIVED');
    expect((await officer(code, 'review/proposal', first, { proposal: 'approve' })).status).toBe(409);

    const claimed = await officer(code, 'claim', second);
    expect(claimed.status).toBe(200);
    expect(claimed.body.assignee.fullName).toBeTruthy();
    expect((await officer(code, 'claim', first)).status).toBe(409); // already taken

    expect((await officer(code, 'assignment', 'lanhdao.saigon', { specialist: 'chuyenvien.tuphap' })).status).toBe(422); // other agency
    expect((await officer(code, 'assignment', second, { specialist: first })).status).toBe(403); // not a leader
    const reassigned = await officer(code, 'assignment', 'lanhdao.saigon', { specialist: first, note: 'Cân đối khối lượng' });
    expect(reassigned.status).toBe(200);
    expect(await assigneeOf(code)).toBe(first);
    expect((await officer(code, 'review/proposal', first, { proposal: 'approve' })).status).toBe(200);
    await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    expect((await finished(code, 'assignment-changes')).status).toBe('COMPLETED');

    expect(await events(code)).toEqual([
      'submitted', 'fee_paid', 'intake_accepted', 'assigned', 'released', 'claimed', 'reassigned',
      'approval_proposed', 'approved', 'result_delivered_online', 'completed',
    ]);
    const sheet = await handoffs(code);
    expect(sheet.map((h: any) => h.step)).toEqual(['intake', 'review', 'assignment', 'review', 'review', 'decision', 'result']);
    expect(sheet[4]).toMatchObject({ giver: { name: 'Nguyễn Quốc Bảo' } });
  });

  it('the leader returns the dossier to the specialist with comments, then approves', async () => {
    const { code } = await submit();
    await officer(code, 'intake/accept', 'motcua.saigon');
    const assignee = await assigneeOf(code);
    await officer(code, 'review/proposal', assignee, { proposal: 'approve' });
    expect((await officer(code, 'decision', 'lanhdao.saigon', { decision: 'return' })).status).toBe(422); // comments required
    const returned = await officer(code, 'decision', 'lanhdao.saigon', { decision: 'return', note: 'Bổ sung ý kiến thẩm định về địa điểm' });
    expect(returned.status).toBe(200);
    expect(returned.body.status.code).toBe('IN_REVIEW');
    expect((await officer(code, 'review/proposal', assignee, { proposal: 'approve', note: 'Đã bổ sung' })).status).toBe(200);
    expect((await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    expect((await finished(code, 'return-to-specialist')).status).toBe('COMPLETED');
    const sheet = await handoffs(code);
    expect(sheet.map((h: any) => h.step)).toEqual(['intake', 'review', 'decision', 'review', 'decision', 'result']);
    expect(sheet[3]).toMatchObject({ giver: { name: 'Nguyễn Quốc Bảo' }, receiver: { userId: expect.any(Number) } });
    expect(sheet.filter((h: any) => h.dueAt).every((h: any) => ['early', 'on_time'].includes(h.outcome))).toBe(true);
  });
});
