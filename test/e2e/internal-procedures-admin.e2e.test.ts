import { beforeAll, describe, expect, it } from 'vitest';
import { internalProcedureInForce, pinInternalProcedure } from '../../db/repositories/internal-procedures';
import type { InternalProcedureDocument, ProcedureStep } from '../../domain/internal-procedure';
import { eventually, http } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Internal procedures as data (issue 17), administered over HTTP on the real stack: a draft
 * saved with its problems, refused at publication with every problem, fixed and published;
 * published versions never change; only administrators write; and a version published later
 * never changes what a dossier pinned at its receipt.
 * Other suites share this database: this one writes versions only of a procedure and agency of
 * its own (random code, e-ID 000.97.x.H29) and reads the seeded ones.
 */
const TAG = Math.random().toString(36).slice(2, 7).toUpperCase();
const CODE = `TEST-QTNB-${TAG}`;
const EID = `000.97.${100 + Math.floor(Math.random() * 800)}.H29`;
const ADMIN = { 'X-User-Id': 'quantri' };
const OFFICER = { 'X-User-Id': 'motcua.saigon' };
const wd = (value: number) => ({ unit: 'working_days' as const, value });

/** A valid five-step version of a 10-working-day procedure (0.5 + 10 days), with the review's budget to play with. */
function draft(reviewDays: number, title = 'Quy trình nội bộ thử nghiệm'): InternalProcedureDocument {
  const steps: ProcedureStep[] = [
    { key: 'tiep_nhan', name: 'Tiếp nhận hồ sơ', unit: 'Bộ phận Một cửa', kind: 'intake', role: 'one_stop_officer', budget: wd(0.5), actions: [] },
    { key: 'phan_cong', name: 'Phân công chuyên viên', unit: 'Lãnh đạo cơ quan', kind: 'assignment', role: 'leader', budget: wd(1), actions: [] },
    { key: 'tham_dinh', name: 'Thẩm định, đề xuất', unit: 'Chuyên viên', kind: 'review', role: 'specialist', budget: wd(reviewDays), actions: ['request_supplement', 'propose'] },
    { key: 'phe_duyet', name: 'Phê duyệt', unit: 'Lãnh đạo cơ quan', kind: 'decision', role: 'leader', budget: wd(2), actions: ['decide', 'send_back'], sendBackTo: ['tham_dinh'] },
    { key: 'tra_ket_qua', name: 'Trả kết quả', unit: 'Bộ phận Một cửa', kind: 'result', role: 'one_stop_officer', budget: wd(1), actions: [] },
  ];
  return { title, basis: `Quyết định ${TAG}/QĐ-UBND (thử nghiệm)`, steps, consultations: [] };
}

describe('internal procedure administration', () => {
  const { api } = useStack({ name: 'internal-procedures', worker: false });
  const url = (path: string) => `${api.baseUrl}/api/v1${path}`;
  const base = `/admin/procedures/${CODE}/internal-procedures`;
  const get = (path: string, headers: Record<string, string> = ADMIN) => http('GET', url(path), { headers });
  const post = (path: string, body: unknown, headers: Record<string, string> = ADMIN) => http('POST', url(path), { body, headers });
  const put = (path: string, body: unknown, headers: Record<string, string> = ADMIN) => http('PUT', url(path), { body, headers });
  let procedureId: number;
  let agencyId: number;

  /** A received dossier row of this suite's procedure (no workflow: the pin is what is tested). */
  async function dossierRow(n: number): Promise<number> {
    const [row] = await api
      .db('dossiers')
      .insert({
        code: `${EID}-261205-${String(n).padStart(4, '0')}`,
        workflow_id: `test-qtnb-${TAG}-${n}`,
        procedure_id: procedureId,
        agency_id: agencyId,
        channel: 'online',
        delivery_method: 'online',
        status: 'RECEIVED',
        applicant_full_name: 'Nguyễn Văn Thử',
        applicant_id_number: '079302229999',
        submitted_at: new Date(),
      })
      .returning('id');
    return Number(row.id);
  }

  beforeAll(async () => {
    const cal = await api.db('work_calendars').where('code', 'VN-STATE').orderBy('version', 'desc').first('id');
    [{ id: agencyId }] = await api.db('agencies').insert({ eid: EID, name: `Cơ quan thử nghiệm ${TAG}`, level: 'commune', calendar_id: cal.id }).returning('id');
    [{ id: procedureId }] = await api
      .db('procedures')
      .insert({
        code: CODE,
        name: `Thủ tục thử nghiệm quy trình nội bộ ${TAG}`,
        field: 'Thử nghiệm',
        legal_basis: 'Thử nghiệm',
        time_limit: JSON.stringify({ unit: 'working_days', value: 10 }),
        online_level: 'full',
        on_site_verification: false,
        fee_timing: 'none',
        result_name: 'Văn bản trả lời',
        step_budgets: JSON.stringify({ intake: 4, assignment: 8, review: 48, decision: 16, result: 8 }),
      })
      .returning('id');
    await api.db('procedure_agencies').insert({ procedure_id: procedureId, agency_id: agencyId });
  });

  it('shows the seeded Hanoi 1594 version in force, to administrators and to anyone publicly', async () => {
    const list = await get('/admin/procedures/TG-DOITRUSO/internal-procedures');
    expect(list.status).toBe(200);
    expect(list.body.procedure).toMatchObject({ code: 'TG-DOITRUSO', timeLimit: { unit: 'working_days', value: 30 } });
    expect(list.body.inForce).toBe(2);
    expect(list.body.items.map((v: any) => [v.version, v.status, v.isDefault, v.inForce])).toEqual([
      [2, 'published', false, true],
      [1, 'published', true, false],
    ]);
    expect(list.body.items[0]).toMatchObject({ effectiveFrom: '2020-01-01T00:00:00+07:00', stepCount: 10 });

    const v2 = await get('/admin/procedures/TG-DOITRUSO/internal-procedures/2');
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, status: 'published', inForce: true, problems: [] });
    expect(v2.body.consultations).toHaveLength(2);

    const pub = await get('/procedures/TG-DOITRUSO/internal-procedure', {});
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ version: 2, isDefault: false, procedure: { code: 'TG-DOITRUSO', name: 'Đăng ký thay đổi trụ sở của tổ chức tôn giáo' } });
    expect(pub.body.steps.map((s: any) => s.budget.text)).toEqual([
      '0,5 ngày làm việc',
      '0,5 ngày làm việc',
      '1 ngày làm việc',
      '1 ngày làm việc',
      '16 ngày làm việc',
      '1 ngày làm việc',
      '1 ngày làm việc',
      '7 ngày làm việc',
      '2 ngày làm việc',
      '0 ngày làm việc',
    ]);
    const leg = pub.body.steps.find((s: any) => s.kind === 'leg');
    expect(leg).toMatchObject({ agency: { eid: '000.00.02.H29', name: 'Văn phòng Ủy ban nhân dân Thành phố Hồ Chí Minh' }, decides: true });
    expect(leg.steps).toHaveLength(8);
    expect(pub.body.consultations).toEqual([
      { agency: { eid: '000.20.21.H29', name: 'Công an Phường Sài Gòn' }, subject: 'Ý kiến về địa điểm đặt trụ sở mới', budget: { unit: 'working_days', value: 5, text: '5 ngày làm việc' } },
      { agency: { eid: '000.20.20.H29', name: 'Ủy ban nhân dân Phường Sài Gòn' }, subject: 'Ý kiến về địa điểm đặt trụ sở mới', budget: { unit: 'working_days', value: 5, text: '5 ngày làm việc' } },
    ]);

    const land = await get('/procedures/XD-GPXD/internal-procedure', {});
    expect(land.body.steps.map((s: any) => s.kind)).toContain('verification');
    expect((await get('/procedures/NOPE-NOPE/internal-procedure', {})).status).toBe(404);
  });

  it('keeps writes to administrators', async () => {
    expect((await get(base, {})).status).toBe(401);
    for (const [status, res] of [
      [403, await get(base, OFFICER)],
      [403, await post(base, draft(6), OFFICER)],
      [403, await put(`${base}/1`, draft(6), OFFICER)],
      [403, await post(`${base}/1/validation`, {}, OFFICER)],
      [403, await post(`${base}/1/publication`, {}, OFFICER)],
      [403, await post('/admin/procedures/TG-DOITRUSO/internal-procedures', draft(6), { 'X-User-Id': 'lanhdao.dantoc' })],
    ] as const) {
      expect(res.status).toBe(status);
      expect(res.body.reason).toBe('AdminOnly');
    }
  });

  it('drafts, refuses to publish with every problem, publishes once fixed, and never changes a published version', async () => {
    // A procedure with no version runs the default derived from its step budgets.
    const empty = await get(base);
    expect(empty.body).toMatchObject({ inForce: 0, items: [] });
    const derived = await get(`/procedures/${CODE}/internal-procedure`, {});
    expect(derived.body).toMatchObject({ version: 0, isDefault: true });
    expect(derived.body.steps.map((s: any) => s.key)).toEqual(['intake', 'assignment', 'review', 'decision', 'result']);

    // 1 + 8 + 2 + 1 = 12 working days after intake, over the limit of 10: saved, with the problem.
    const created = await post(base, draft(8));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1${base}/1`);
    expect(created.body).toMatchObject({ procedureCode: CODE, version: 1, status: 'draft', isDefault: false, inForce: false, effectiveFrom: null, createdBy: 'quantri', publishedAt: null });
    expect(created.body.problems.map((p: any) => p.reason)).toEqual(['BudgetExceedsTimeLimit']);

    const checked = await post(`${base}/1/validation`, {});
    expect(checked.status).toBe(200);
    expect(checked.body.problems).toEqual([{ field: 'steps', reason: 'BudgetExceedsTimeLimit', message: expect.stringContaining('vượt thời hạn giải quyết theo quy định (10 ngày làm việc)') }]);

    const refused = await post(`${base}/1/publication`, {});
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ reason: 'InternalProcedureInvalid', errors: [{ field: 'steps', reason: 'BudgetExceedsTimeLimit', message: expect.stringContaining('12 ngày làm việc') }] });

    // A structural mistake is refused before saving; a semantic one is saved with its problems.
    const malformed = await put(`${base}/1`, { ...draft(6), steps: [{ key: 'x' }] });
    expect(malformed.status).toBe(422);
    const sendBackLater = draft(6);
    sendBackLater.steps[2] = { ...sendBackLater.steps[2]!, actions: ['propose', 'send_back'], sendBackTo: ['phe_duyet'] };
    const stillWrong = await put(`${base}/1`, sendBackLater);
    expect(stillWrong.status).toBe(200);
    expect(stillWrong.body.problems.map((p: any) => [p.field, p.reason])).toEqual([['steps[2].sendBackTo[0]', 'SendBackNotEarlier']]);

    const fixed = await put(`${base}/1`, draft(6));
    expect(fixed.status).toBe(200);
    expect(fixed.body).toMatchObject({ version: 1, status: 'draft', problems: [] });

    const past = await post(`${base}/1/publication`, { effectiveFrom: '2020-01-01T00:00:00+07:00' });
    expect(past.status).toBe(422);
    expect(past.body.reason).toBe('EffectiveFromInPast');

    const published = await post(`${base}/1/publication`, {});
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ version: 1, status: 'published', inForce: true, publishedBy: 'quantri', problems: [] });
    expect(published.body.effectiveFrom).toMatch(/\+07:00$/);

    const edit = await put(`${base}/1`, draft(5));
    expect(edit.status).toBe(409);
    expect(edit.body.reason).toBe('InternalProcedurePublished');
    const again = await post(`${base}/1/publication`, {});
    expect(again.status).toBe(409);
    expect(again.body.reason).toBe('InternalProcedurePublished');
    // Not even a direct write changes it.
    await expect(api.db('internal_procedure_versions').where({ procedure_id: procedureId, version: 1 }).update({ title: 'sửa lén' })).rejects.toThrow(/published and cannot change/);
    expect((await get(`${base}/1`)).body.title).toBe('Quy trình nội bộ thử nghiệm');

    expect((await get(`${base}/9`)).status).toBe(404);
    expect((await get(`${base}/abc`)).status).toBe(422);
    expect((await get('/admin/procedures/NOPE-NOPE/internal-procedures')).status).toBe(404);

    // Audited like every administrator's write.
    const audited = await eventually(
      () => api.db('audit_log').where('target', `/api/v1${base}/1/publication`).orderBy('id').select('action', 'actor_label', 'actor_kind'),
      (rows) => rows.length >= 4,
    );
    expect(audited[0]).toMatchObject({ action: 'POST /api/v1/admin/procedures/:code/internal-procedures/:version/publication' });
    expect(audited.map((r: any) => r.actor_label)).toContain('quantri');
  });

  it('keeps the version a dossier pinned at receipt, whatever is published later', async () => {
    const receivedAt = new Date();
    const first = await dossierRow(1);
    const pinned = await pinInternalProcedure(api.db, { dossierId: first, procedureCode: CODE, at: receivedAt });
    expect(pinned).toMatchObject({ procedureCode: CODE, version: 1, isDefault: false });
    expect(pinned.steps.map((s) => s.key)).toEqual(['tiep_nhan', 'phan_cong', 'tham_dinh', 'phe_duyet', 'tra_ket_qua']);

    // Version 2 in force in an hour: before then, version 1 stays in force.
    expect((await post(base, draft(5, 'Phiên bản 2'))).status).toBe(201);
    const later = new Date(Date.now() + 3_600_000);
    const v2 = await post(`${base}/2/publication`, { effectiveFrom: later.toISOString() });
    expect(v2.status).toBe(200);
    expect(v2.body).toMatchObject({ version: 2, inForce: false });
    expect((await internalProcedureInForce(api.db, CODE, new Date(later.getTime() - 1000))).version).toBe(1);
    expect((await internalProcedureInForce(api.db, CODE, later)).version).toBe(2);

    // Version 3 in force now: a dossier received now pins it; the first dossier, retried now, keeps version 1.
    expect((await post(base, draft(4, 'Phiên bản 3'))).status).toBe(201);
    const v3 = await post(`${base}/3/publication`, {});
    expect(v3.body).toMatchObject({ version: 3, inForce: true });
    const retried = await pinInternalProcedure(api.db, { dossierId: first, procedureCode: CODE, at: new Date() });
    expect(retried.version).toBe(1);
    expect(retried.steps.find((s) => s.key === 'tham_dinh')!.budget).toEqual(wd(6));
    expect((await api.db('dossiers').where('id', first).first('procedure_version')).procedure_version).toBe(1);

    const second = await dossierRow(2);
    expect((await pinInternalProcedure(api.db, { dossierId: second, procedureCode: CODE, at: new Date() })).version).toBe(3);
    // Received before version 3 came into force: version 1, even when pinned after it.
    const third = await dossierRow(3);
    expect((await pinInternalProcedure(api.db, { dossierId: third, procedureCode: CODE, at: receivedAt })).version).toBe(1);

    const list = await get(base);
    expect(list.body.inForce).toBe(3);
    expect(list.body.items.map((v: any) => [v.version, v.inForce])).toEqual([
      [3, true],
      [2, false],
      [1, false],
    ]);
    expect((await get(`/procedures/${CODE}/internal-procedure`, {})).body.version).toBe(3);
  });
});
