import { describe, expect, it } from 'vitest';
import { pdf } from '../helpers/document-fixtures';
import { applicantIds, citizenToken, eventually, http, officerToken, payFeeAtCounter, SAMPLE_SUBMISSION, submitSample, uniqueKey, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 14, finding 5 (and the "authentication before any work on the body" part of 4):
 * Idempotency-Key follows one set of rules on every route that takes it. The same key with the
 * same request gets the first answer and acts once; the same key with another request is a 422
 * `IdempotencyKeyReused` and acts not at all (checked in the database and the dossier's events);
 * an upload is identified by its bytes, not its length; anonymous requests store no key, and an
 * anonymous body nested 5,000 deep is refused, never a 500.
 */
describe('Idempotency-Key: same rules everywhere', () => {
  const { api } = useStack({ name: 'sec-idem' });
  const idNumber = applicantIds('0795');
  const dossiersUrl = () => `${api.baseUrl}/api/v1/dossiers`;

  const count = async (query: { count(c: string): PromiseLike<Array<{ n: unknown }>> }) => Number((await query.count('* as n'))[0]!.n);
  const keyRows = (key: string) => count(api.db('idempotency_keys').where({ key }));
  const eventsOf = async (code: string) =>
    (await api.db('dossier_events as e').join('dossiers as d', 'd.id', 'e.dossier_id').where('d.code', code).orderBy('e.seq').select('e.type', 'e.data')) as Array<{ type: string; data: any }>;
  const act = (code: string, action: string, user: string, body: unknown, key: string) =>
    http('POST', `${dossiersUrl()}/${code}/${action}`, { body, headers: { 'X-User-Id': user, 'Idempotency-Key': key } });

  /** The refusal every route gives for a key reused with another request. */
  function expectReused(r: HttpAnswer): void {
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.reason).toBe('IdempotencyKeyReused');
    expect(r.body.detail).toContain('Khóa Idempotency-Key');
  }

  /** The first answer again, marked as such. */
  function expectReplay(again: HttpAnswer, first: HttpAnswer): void {
    expect(again.status).toBe(first.status);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  }

  async function submitted(): Promise<{ code: string; applicant: string }> {
    const applicant = idNumber();
    const r = await submitSample(api.baseUrl, applicant, {}, 'sec-idem');
    expect(r.status).toBe(201);
    return { code: r.body.code, applicant };
  }

  it('an officer action (intake/accept with a note): the same body is replayed, another body is a 422 and changes nothing', async () => {
    const { code } = await submitted();
    const key = uniqueKey('accept');
    const first = await act(code, 'intake/accept', 'motcua.saigon', { note: 'Hồ sơ đầy đủ' }, key);
    expect(first.status).toBe(200);
    // Issue 18: the acceptance answers once received; the specialist's assignment follows.
    expect(['RECEIVED', 'IN_REVIEW']).toContain(first.body.status.code);
    const eventsAfterFirst = await eventually(() => eventsOf(code), (events) => events.some((e) => e.type === 'assigned'));

    const again = await act(code, 'intake/accept', 'motcua.saigon', { note: 'Hồ sơ đầy đủ' }, key);
    expectReplay(again, first);

    // Before: 200, and the second note silently dropped (the key only named the Temporal update).
    const other = await act(code, 'intake/accept', 'motcua.saigon', { note: 'Thiếu bản sao CCCD' }, key);
    expectReused(other);

    const events = await eventsOf(code);
    expect(events).toEqual(eventsAfterFirst);
    expect(events.filter((e) => e.type === 'intake_accepted').map((e) => e.data.note)).toEqual(['Hồ sơ đầy đủ']);
    // One row for the key, with the first request's answer.
    const row = await api.db('idempotency_keys').where({ key }).first('scope', 'response_status');
    expect(row).toMatchObject({ scope: expect.stringMatching(/^dossier-action:\/dossiers\/:code\/intake\/accept:officer:\d+$/), response_status: 200 });
    expect(await keyRows(key)).toBe(1);

    // Keys are per caller: the leader's same key is a request of their own (refused by the state or the role, not as a reused key).
    const leader = await act(code, 'intake/accept', 'lanhdao.saigon', { note: 'Thiếu bản sao CCCD' }, key);
    expect(leader.status).toBeOneOf([403, 409]);
    expect(leader.body.reason).not.toBe('IdempotencyKeyReused');
    expect(await keyRows(key)).toBe(2);
    expect(await eventsOf(code)).toEqual(eventsAfterFirst);
  });

  it('a key sent with an action refused by its checks, before the workflow hears of it, stays free (issue 18: the key is claimed with the dossier, given up again)', async () => {
    const { code } = await submitted();
    const key = uniqueKey('checked');
    // Another agency's officer: the 404 of an unknown code, and no key is taken.
    const stranger = await act(code, 'intake/accept', 'motcua.dantoc', { note: 'Hồ sơ đầy đủ' }, key);
    expect(stranger.status).toBe(404);
    // An invalid body: a 422 naming the field; the key the request took is given up once it is answered.
    const invalid = await act(code, 'intake/accept', 'motcua.saigon', { note: 'Hồ sơ đầy đủ', waivers: [{ item: 0, reason: '' }] }, key);
    expect(invalid.status).toBe(422);
    expect(invalid.body.reason).not.toBe('IdempotencyKeyReused');
    await eventually(() => keyRows(key), (n) => n === 0, 5_000);
    // The corrected request under the same key is applied, not refused as a reused key.
    const applied = await act(code, 'intake/accept', 'motcua.saigon', { note: 'Hồ sơ đầy đủ, đã kiểm tra' }, key);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expectReplay(await act(code, 'intake/accept', 'motcua.saigon', { note: 'Hồ sơ đầy đủ, đã kiểm tra' }, key), applied);
    expect(await keyRows(key)).toBe(1);
  });

  it('an action refused for now (fee not yet paid) is judged anew when retried with the same key, and applied once it can be', async () => {
    const { code } = await submitted();
    expect((await act(code, 'intake/accept', 'motcua.saigon', {}, uniqueKey('accept'))).status).toBe(200);
    const specialist = await eventually(
      async () => (await api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username'))?.username as string | undefined,
      (u) => !!u,
    );
    const key = uniqueKey('propose');
    const early = await act(code, 'review/proposal', specialist!, { proposal: 'approve' }, key);
    expect(early.status).toBe(409);
    expect(early.body.reason).toBe('FeeUnpaid');
    await payFeeAtCounter(api.baseUrl, code);
    // The refusal was not the action's outcome: the same key, sent again, is applied (not replayed).
    const retried = await act(code, 'review/proposal', specialist!, { proposal: 'approve' }, key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body.status.code).toBe('AWAITING_DECISION');
    expect((await eventsOf(code)).filter((e) => e.type === 'approval_proposed')).toHaveLength(1);
    expectReplay(await act(code, 'review/proposal', specialist!, { proposal: 'approve' }, key), retried);
  });

  it('a leader’s decision: replayed with the same body, a different decision under the same key is refused and not applied', async () => {
    const { code } = await submitted();
    expect((await act(code, 'intake/accept', 'motcua.saigon', {}, uniqueKey('a'))).status).toBe(200);
    await payFeeAtCounter(api.baseUrl, code);
    // The assignment follows the acceptance's answer (issue 18).
    const assignee = (await eventually(() => api.db('dossiers as d').join('users as u', 'u.id', 'd.assignee_id').where('d.code', code).first('u.username'), (r) => !!r?.username)).username as string;
    expect((await act(code, 'review/proposal', assignee, { proposal: 'approve' }, uniqueKey('p'))).status).toBe(200);

    const key = uniqueKey('decide');
    const first = await act(code, 'decision', 'lanhdao.saigon', { decision: 'approve', note: 'Đồng ý' }, key);
    expect(first.status).toBe(200);
    expect(first.body.resultNumber).toBeTruthy();
    const again = await act(code, 'decision', 'lanhdao.saigon', { decision: 'approve', note: 'Đồng ý' }, key);
    expectReplay(again, first);
    const deny = await act(code, 'decision', 'lanhdao.saigon', { decision: 'deny', reasons: ['Không đủ điều kiện'] }, key);
    expectReused(deny);

    const events = await eventsOf(code);
    expect(events.filter((e) => e.type === 'approved')).toHaveLength(1);
    expect(events.some((e) => e.type === 'denied')).toBe(false);
    expect(await count(api.db('dossier_results as r').join('dossiers as d', 'd.id', 'r.dossier_id').where('d.code', code))).toBe(1);
  });

  it('a citizen action (withdrawal): another reason under the same key is refused; the first is kept', async () => {
    const { code, applicant } = await submitted();
    const key = uniqueKey('withdraw');
    const withdraw = async (reason: string) =>
      http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/withdraw`, { body: { reason }, headers: { Authorization: `Bearer ${await citizenToken(applicant)}`, 'Idempotency-Key': key } });
    const first = await withdraw('Tôi nộp nhầm thủ tục');
    expect(first.status).toBe(200);
    expectReplay(await withdraw('Tôi nộp nhầm thủ tục'), first);
    expectReused(await withdraw('Lý do khác'));
    const withdrawn = (await eventsOf(code)).filter((e) => e.type === 'withdrawn');
    expect(withdrawn).toHaveLength(1);
    expect(JSON.stringify(withdrawn[0]!.data)).toContain('Tôi nộp nhầm thủ tục');
  });

  it('a citizen’s online submission: the same body finds the same dossier, another body is a 422 and stores nothing', async () => {
    const applicant = idNumber();
    const key = uniqueKey('online');
    const body = { ...SAMPLE_SUBMISSION, applicant: { ...SAMPLE_SUBMISSION.applicant, idNumber: applicant } };
    const submit = (b: unknown) => http('POST', dossiersUrl(), { body: b, headers: { 'Idempotency-Key': key } });
    const first = await submit(body);
    expect(first.status).toBe(201);
    const again = await submit({ ...body, applicant: { ...body.applicant } }); // same content, keys in another order
    expect(again.status).toBe(200); // the dossier is the stored answer
    expect(again.body.code).toBe(first.body.code);
    expectReused(await submit({ ...body, applicant: { ...body.applicant, phone: '0900000000' } }));
    expect(await count(api.db('dossiers').where({ applicant_id_number: applicant }))).toBe(1);
    const events = await eventually(() => eventsOf(first.body.code), (e) => e.length > 0);
    expect(events.map((e) => e.type)).toEqual(['submitted']);
  });

  it('a counter submission: the same body finds the same dossier, another body is a 422 and stores nothing', async () => {
    const applicant = idNumber();
    const key = uniqueKey('counter');
    const body = {
      procedureCode: 'TP-CHUNGTHUC',
      agencyEid: '000.20.20.H29',
      deliveryMethod: 'counter',
      acceptNow: true,
      applicant: { fullName: 'Hoàng Thị Lan', idNumber: applicant, phone: '0987654321' },
      documents: [{ name: 'Bản chính giấy khai sinh', checklistItem: 1 }, { name: 'Bản sao cần chứng thực' }],
    };
    const submit = (b: unknown) => http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body: b, headers: { 'X-User-Id': 'motcua.saigon', 'Idempotency-Key': key } });
    const first = await submit(body);
    expect(first.status).toBe(201);
    const again = await submit(body);
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(first.body.code);
    expectReused(await submit({ ...body, documents: [{ name: 'Giấy tờ khác' }] }));
    expect(await count(api.db('dossiers').where({ applicant_id_number: applicant }))).toBe(1);
    expect((await eventsOf(first.body.code)).filter((e) => e.type === 'intake_accepted')).toHaveLength(1);
  });

  it('a counter payment: replayed once recorded; another method or amount under the key is a 422 and records nothing', async () => {
    const { code } = await submitted();
    const due = await eventually(() => http('GET', `${dossiersUrl()}/${code}/payments`, { headers: { 'X-User-Id': 'motcua.saigon' } }), (r) => r.status === 200 && r.body.feeStatus === 'unpaid');
    const key = uniqueKey('pay');
    const pay = (body: unknown) => http('POST', `${dossiersUrl()}/${code}/payments`, { body, headers: { 'X-User-Id': 'motcua.saigon', 'Idempotency-Key': key } });
    const first = await pay({ method: 'cash', amountVnd: due.body.feeDueVnd });
    expect(first.status).toBe(201);
    expectReplay(await pay({ amountVnd: due.body.feeDueVnd, method: 'cash' }), first);
    expectReused(await pay({ method: 'transfer', amountVnd: due.body.feeDueVnd, reference: 'CK-001' }));
    const d = await api.db('dossiers').where({ code }).first('id');
    expect(await count(api.db('dossier_payments').where({ dossier_id: d.id }))).toBe(1);
    const feePaid = await eventually(async () => (await eventsOf(code)).filter((e) => e.type === 'fee_paid'), (e) => e.length >= 1);
    expect(feePaid).toHaveLength(1);
  });

  describe('uploads are identified by their content', () => {
    const applicant = '079500000001';
    const upload = async (bytes: Buffer, key: string, name?: string) => {
      const form = new FormData();
      if (name !== undefined) form.append('name', name);
      form.append('file', new Blob([bytes], { type: 'application/pdf' }), 'to-khai.pdf');
      const res = await fetch(`${api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', headers: { Authorization: `Bearer ${await citizenToken(applicant)}`, 'Idempotency-Key': key }, body: form });
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    };
    const documents = () => count(api.db('documents').where({ owner_id_number: applicant }));

    it('the same upload again is the first answer; another file of the same length, or another name, is a 422 and stores nothing', async () => {
      const key = uniqueKey('upload');
      const before = await documents();
      const bytes = pdf(2048);
      const first = await upload(bytes, key, 'Tờ khai');
      expect(first.status).toBe(201);
      expectReplay(await upload(bytes, key, 'Tờ khai'), first);

      // Same length, one byte different: before, the length alone stood for the body and this was "replayed".
      const altered = Buffer.from(bytes);
      altered[1500] = 0x21;
      expect(altered.length).toBe(bytes.length);
      expectReused(await upload(altered, key, 'Tờ khai'));
      expectReused(await upload(bytes, key, 'Giấy tờ khác'));
      expect(await documents()).toBe(before + 1);
    });
  });

  describe('anonymous requests store no key, and their bodies cost nothing', () => {
    it('no row for an anonymous request with a key, on every kind of route that takes one', async () => {
      const { code } = await submitted();
      const key = uniqueKey('anon');
      const form = new FormData();
      form.append('file', new Blob([pdf()], { type: 'application/pdf' }), 'a.pdf');
      const answers = [
        await http('POST', `${dossiersUrl()}/${code}/payments`, { body: { method: 'cash', amountVnd: 50_000 }, headers: { 'Idempotency-Key': key } }),
        await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/payments`, { body: {}, headers: { 'Idempotency-Key': key } }),
        await http('POST', `${dossiersUrl()}/${code}/intake/accept`, { body: { note: 'x' }, headers: { 'Idempotency-Key': key } }),
        await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/withdraw`, { body: { reason: 'x' }, headers: { 'Idempotency-Key': key } }),
        await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body: SAMPLE_SUBMISSION, headers: { 'Idempotency-Key': key } }),
        await http('POST', `${api.baseUrl}/api/v1/calendars`, { body: { code: 'X' }, headers: { 'Idempotency-Key': key } }),
        await http('POST', `${api.baseUrl}/api/v1/webhooks/subscriptions`, { body: { name: 'x', url: 'http://127.0.0.1:9/' }, headers: { 'Idempotency-Key': key } }),
        await fetch(`${api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', headers: { 'Idempotency-Key': key }, body: form }).then((r) => ({ status: r.status })),
      ];
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 401));
      expect(await keyRows(key)).toBe(0);
    });

    const deep = (depth: number) => `{"method":"cash","amountVnd":50000,"reference":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${api.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'Idempotency-Key': uniqueKey('deep'), ...headers }, body });

    it('an anonymous body nested 5,000 deep with a key is refused (401, or 400 for the nesting), never a 500, and stores nothing', async () => {
      const { code } = await submitted();
      const before = await count(api.db('idempotency_keys'));
      for (const path of [`/api/v1/dossiers/${code}/payments`, `/api/v1/dossiers/${code}/intake/accept`, '/api/v1/calendars', '/api/v1/dossiers', '/api/v1/counter/dossiers']) {
        const res = await post(path, deep(5_000));
        expect({ path, status: res.status }).toEqual({ path, status: expect.toBeOneOf([400, 401]) });
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      // A token that does not verify: refused before the body is read at all.
      const forged = await post(`/api/v1/dossiers/${code}/payments`, deep(5_000), { Authorization: 'Bearer aaa.bbb.ccc' });
      expect(forged.status).toBe(401);
      expect(await count(api.db('idempotency_keys'))).toBe(before);
    });

    it('a signed-in officer’s deeply nested body is hashed without recursion: refused as invalid, not a 500', async () => {
      const { code } = await submitted();
      const res = await post(`/api/v1/dossiers/${code}/payments`, deep(5_000), { Authorization: `Bearer ${await officerToken('motcua.saigon')}` });
      expect(res.status).toBeOneOf([400, 422]);
      const d = await api.db('dossiers').where({ code }).first('id');
      expect(await count(api.db('dossier_payments').where({ dossier_id: d.id }))).toBe(0);
    });
  });
});
