import { describe, expect, it } from 'vitest';
import { applicantIds, dossierClient, eventually, submitReady, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Poison input never wedges a dossier (issue 14, finding 3): a NUL or an unpaired surrogate
 * in an officer note, supplement items or a withdrawal reason used to pass validation, fail
 * in PostgreSQL inside the workflow's activity and retry forever with the dossier's lock
 * held, so every later action got 409. Now each is refused at the door (422 naming the
 * field), nothing reaches the workflow or the read model, and the very next valid action on
 * the same dossier is applied.
 */
describe('refused input leaves the dossier workable', () => {
  const { api } = useStack({ name: 'poison' });
  const { ownerLookup, officer, citizen, assigneeOf } = dossierClient(() => api);
  const nextIdNumber = applicantIds('0792');

  const submit = () => submitReady(api.baseUrl, nextIdNumber(), 'poison');

  /** What a refused request must leave as it was: the status and every event of the dossier. */
  async function state(code: string): Promise<{ status: string; events: string[] }> {
    const d = await api.db('dossiers').where({ code }).first('id', 'status');
    const events = await api.db('dossier_events').where('dossier_id', d.id).orderBy('seq').select('type');
    return { status: d.status, events: events.map((e) => e.type) };
  }

  async function expectRefused(code: string, send: () => Promise<HttpAnswer>, errors: Array<[field: string, reason: string]>): Promise<HttpAnswer> {
    const before = await state(code);
    const r = await send();
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(r.body.reason).toBe(errors[0]![1]);
    expect(r.body.errors.map((e: { field: string; reason: string }) => [e.field, e.reason])).toEqual(errors);
    expect(r.body.detail).toContain('ký tự không được phép');
    expect(await state(code)).toEqual(before);
    return r;
  }

  /** The next valid action is applied: not a 409 "another action is in progress", not a 503. */
  function expectApplied(r: HttpAnswer, status: string): void {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.status.code).toBe(status);
  }

  /** The acceptance answers once received; the specialist's assignment follows it (issue 18). */
  function expectAccepted(r: HttpAnswer): void {
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(['RECEIVED', 'IN_REVIEW']).toContain(r.body.status.code);
  }

  it('an officer note at intake, then supplement items during processing', async () => {
    const { code } = await submit();
    await expectRefused(code, () => officer(code, 'intake/accept', 'motcua.saigon', { note: 'Đủ hồ sơ\u0000' }), [['note', 'ControlCharacter']]);
    await expectRefused(code, () => officer(code, 'intake/accept', 'motcua.saigon', { note: '\ud800 Đủ hồ sơ' }), [['note', 'UnpairedSurrogate']]);
    // Tabs and line breaks are text, not poison.
    expectAccepted(await officer(code, 'intake/accept', 'motcua.saigon', { note: 'Đủ hồ sơ\n\ttheo quy định' }));

    const specialist = await assigneeOf(code);
    await expectRefused(code, () => officer(code, 'review/supplement-request', specialist, { items: ['Giấy tờ chứng minh địa điểm\u0000'], reason: 'Thiếu' }), [['items[0]', 'ControlCharacter']]);
    await expectRefused(code, () => officer(code, 'review/supplement-request', specialist, { items: ['Hợp đồng thuê', 'Bản sao \udfff'], reason: 'Thiếu' }), [['items[1]', 'UnpairedSurrogate']]);
    expectApplied(await officer(code, 'review/supplement-request', specialist, { items: ['Giấy tờ chứng minh địa điểm'], reason: 'Hợp đồng thuê đã hết hạn' }), 'SUPPLEMENT_REQUESTED');
  });

  it('supplement items at intake', async () => {
    const { code } = await submit();
    await expectRefused(code, () => officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['Bản sao CCCD\u0000'], deadlineWorkingDays: 5 }), [['items[0]', 'ControlCharacter']]);
    await expectRefused(code, () => officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['Bản sao CCCD'], reason: 'Thiếu \ud83d' }), [['reason', 'UnpairedSurrogate']]);
    expectApplied(await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['Bản sao CCCD'], reason: 'Thiếu giấy tờ', deadlineWorkingDays: 5 }), 'SUPPLEMENT_AT_INTAKE');
  });

  it('refusal reasons at intake (\\u0001 was stored before)', async () => {
    const { code } = await submit();
    await expectRefused(code, () => officer(code, 'intake/refuse', 'motcua.saigon', { reasons: ['Hồ sơ hợp lệ', '\u0001Ngành nghề kinh doanh thuộc danh mục cấm'] }), [['reasons[1]', 'ControlCharacter']]);
    expectApplied(await officer(code, 'intake/refuse', 'motcua.saigon', { reasons: ['Ngành nghề kinh doanh thuộc danh mục cấm'] }), 'REFUSED_AT_INTAKE');
    // The reason as stored, for its owner (the public answer carries no officer's free text).
    expect((await ownerLookup(code)).body.closingReason).toBe('Ngành nghề kinh doanh thuộc danh mục cấm');
  });

  it('a withdrawal reason', async () => {
    const { code, idNumber } = await submit();
    expectAccepted(await officer(code, 'intake/accept', 'motcua.saigon'));
    await expectRefused(code, () => citizen(code, 'withdraw', { idNumber, reason: 'Không còn nhu cầu\u0000' }), [['reason', 'ControlCharacter']]);
    await expectRefused(code, () => citizen(code, 'withdraw', { idNumber, reason: 'Không còn nhu cầu \ud83d' }), [['reason', 'UnpairedSurrogate']]);
    expectApplied(await citizen(code, 'withdraw', { idNumber, reason: 'Không còn nhu cầu' }), 'WITHDRAWN');
  });

  it('a stop reason (ESC was stored before); the refusal is audited without the character', async () => {
    const { code } = await submit();
    expectAccepted(await officer(code, 'intake/accept', 'motcua.saigon'));
    const refused = await expectRefused(code, () => officer(code, 'cancel', 'lanhdao.saigon', { reason: 'Hồ sơ trùng\u001b[31m' }), [['reason', 'ControlCharacter']]);
    expectApplied(await officer(code, 'cancel', 'lanhdao.saigon', { reason: 'Hồ sơ trùng với hồ sơ đã giải quyết' }), 'CANCELLED');
    expect((await ownerLookup(code)).body.closingReason).toBe('Hồ sơ trùng với hồ sơ đã giải quyết');
    // The audit trail records the refusal, the refused character replaced (it is written after the answer).
    const entry = await eventually(
      () => api.db('audit_log').where('request_id', refused.headers.get('x-request-id')).first('reason', 'after'),
      (row) => row !== undefined,
    );
    expect(entry).toEqual({ reason: 'Hồ sơ trùng\ufffd[31m', after: { status: 422 } });
  });
});
