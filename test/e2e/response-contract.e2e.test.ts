import { describe, expect, it } from 'vitest';
import { responseValidationOf } from '../../api/app';
import { declaredRoutes } from '../../api/contract';
import { pdf } from '../helpers/document-fixtures';
import { startWebhookSubscriber } from '../helpers/webhook-subscriber';
import { applicantIds, citizenToken, dossierClient, eventually, http, officerToken, payFeeAtCounter, submitReady, submitSample, uniqueKey, uploadCitizenDocument, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The answers match the contract (issue 15, API item 1): a broad lifecycle on the real stack,
 * as officers, citizens, supervisors, administrators and the public drive it, with every
 * successful JSON answer checked against its route's declared schema by the API itself
 * (api/response-validation.ts, in `record` mode here). At the end no answer may have strayed
 * from its schema, and every JSON answer seen must have had one.
 */
describe('responses match the declared schemas', () => {
  const { api } = useStack({ name: 'response-contract', api: { responseValidation: 'record' } });
  const { lookup, ownerLookup, officer, citizen, assigneeOf } = dossierClient(() => api);
  const idNumber = applicantIds('0818');
  const v1 = (path: string) => `${api.baseUrl}/api/v1${path}`;
  const AGENCY = '000.20.20.H29';
  const as = (user: string) => ({ 'X-User-Id': user });
  const asCitizen = async (id: string) => ({ Authorization: `Bearer ${await citizenToken(id)}` });
  const ok = (r: HttpAnswer, status = 200) => expect(r.status, `${JSON.stringify(r.body)}`.slice(0, 800)).toBe(status);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const PERIOD = `from=${day(-2)}&to=${day(2)}`;

  async function upload(url: string, headers: Record<string, string>, name: string): Promise<HttpAnswer> {
    const form = new FormData();
    form.append('name', name);
    form.append('file', new Blob([new Uint8Array(pdf())], { type: 'application/pdf' }), `${name}.pdf`);
    const res = await fetch(url, { method: 'POST', body: form, headers });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  it('public and operations answers', async () => {
    ok(await http('GET', `${api.baseUrl}/health`));
    ok(await http('GET', `${api.baseUrl}/ready`));
    ok(await http('GET', `${api.baseUrl}/api/openapi.json`));
    ok(await http('GET', v1('/procedures')));
    ok(await http('GET', v1('/procedures/KT-HKD')));
    ok(await http('POST', v1('/sla/preview'), { body: { procedureCode: 'KT-HKD', agencyCode: AGENCY, receivedAt: '2026-03-10T09:00:00+07:00' } }));
    ok(await http('POST', v1('/sla/preview'), { body: { timeLimit: { workingDays: 3 }, receivedAt: '2026-03-10T09:00:00+07:00' } }));
    ok(await http('POST', `${api.baseUrl}/dev/citizen-token`, { body: { idNumber: idNumber(), fullName: 'Trần Văn Bình' } }));
    ok(await http('POST', v1('/status/by-id-number'), { body: { idNumber: idNumber() } }), 202);
    // Inter-agency chains (ND 297/2025): the catalogue, and one submission (its lookup shows the stages).
    ok(await http('GET', v1('/procedure-chains')));
    ok(await http('GET', v1('/procedure-chains/LT-297-KARAOKE')));
    const chainApplicant = idNumber();
    const chain = await http('POST', v1('/citizen/chains/LT-297-KARAOKE/submissions'), {
      body: { deliveryMethod: 'online', applicant: { fullName: 'Trần Văn Ca', idNumber: chainApplicant }, documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh' }] },
      headers: { 'Idempotency-Key': uniqueKey('chain'), Authorization: `Bearer ${await citizenToken(chainApplicant)}` },
    });
    ok(chain, 201);
    ok(await http('GET', v1(`/status/${chain.body.code}`)));
  });

  it('an online dossier from submission to rating: citizen, one-stop officer, specialist, leader', async () => {
    const applicant = idNumber();
    const citizenHeaders = await asCitizen(applicant);
    ok(await http('GET', v1('/me'), { headers: citizenHeaders }));
    const fileId = await uploadCitizenDocument(api.baseUrl, applicant, 'Giấy đề nghị đăng ký hộ kinh doanh');
    ok(await http('GET', v1('/citizen/documents'), { headers: citizenHeaders }));
    const submitted = await submitSample(api.baseUrl, applicant, { documents: [{ name: 'Giấy đề nghị đăng ký hộ kinh doanh', fileId }] }, 'contract');
    ok(submitted, 201);
    const code: string = submitted.body.code;
    await eventually(() => lookup(code), (s) => s.body.history?.length === 1);
    ok(await lookup(code));
    ok(await http('GET', v1('/citizen/dossiers'), { headers: citizenHeaders }));
    ok(await http('GET', v1(`/citizen/dossiers/${code}/documents`), { headers: citizenHeaders }));

    // The one-stop officer asks for a supplement at intake; the citizen supplies it.
    ok(await http('GET', v1('/me'), { headers: as('motcua.saigon') }));
    ok(await http('GET', v1(`/dossiers?agency=${AGENCY}&queue=awaiting_intake`), { headers: as('motcua.saigon') }));
    ok(await http('GET', v1(`/dossiers/${code}`), { headers: as('motcua.saigon') }));
    ok(await officer(code, 'intake/supplement-request', 'motcua.saigon', { items: ['Bản sao CCCD của chủ hộ kinh doanh'], reason: 'Thiếu giấy tờ', deadlineWorkingDays: 5 }));
    ok(await ownerLookup(code));
    ok(await lookup(code));
    const extra = await uploadCitizenDocument(api.baseUrl, applicant, 'Bản sao CCCD của chủ hộ kinh doanh');
    ok(await citizen(code, 'supplement', { idNumber: applicant, documents: [{ name: 'Bản sao CCCD của chủ hộ kinh doanh', fileId: extra }] }));
    await eventually(() => lookup(code), (s) => s.body.status?.code === 'SUBMITTED');

    // Payments: the fee due, then paid at the counter (the e-receipt).
    ok(await http('GET', v1(`/dossiers/${code}/payments`), { headers: as('motcua.saigon') }));
    await payFeeAtCounter(api.baseUrl, code);
    ok(await http('GET', v1(`/dossiers/${code}/payments`), { headers: as('motcua.saigon') }));

    ok(await officer(code, 'intake/accept', 'motcua.saigon'));
    ok(await http('GET', v1(`/dossiers/${code}/receipt`), { headers: { ...as('motcua.saigon'), Accept: 'application/json' } }));
    ok(await http('POST', v1(`/citizen/dossiers/${code}/receipt`), { body: {}, headers: { ...citizenHeaders, Accept: 'application/json' } }));
    ok(await http('GET', v1(`/dossiers/${code}/deadline`), { headers: as('motcua.saigon') }));

    // The specialist: release, claim, a document, the clock paused and resumed, the proposal.
    const specialist = await assigneeOf(code);
    ok(await http('GET', v1(`/agencies/${AGENCY}/officers?role=specialist`), { headers: as('lanhdao.saigon') }));
    ok(await officer(code, 'release', specialist, { note: 'Trả lại để phân công' }));
    ok(await officer(code, 'assignment', 'lanhdao.saigon', { specialist }));
    ok(await upload(v1(`/dossiers/${code}/documents`), { Authorization: `Bearer ${await officerToken(specialist)}` }, 'Biên bản kiểm tra'), 201);
    ok(await http('GET', v1(`/dossiers/${code}/documents`), { headers: as(specialist) }));
    ok(await officer(code, 'clock/pause', specialist, { reason: 'Chờ ý kiến của Chi cục Thuế', legalBasis: 'Điều 22 Nghị định 101/2024/NĐ-CP' }));
    ok(await http('GET', v1(`/dossiers/${code}/deadline`), { headers: as(specialist) }));
    ok(await officer(code, 'clock/resume', specialist, { note: 'Đã có ý kiến' }));
    ok(await officer(code, 'deadline/extension', 'lanhdao.saigon', { workingDays: 1, reason: 'Cần lấy ý kiến cơ quan thuế', legalBasis: 'Điều 5 Nghị định 297/2025/NĐ-CP' }));
    ok(await officer(code, 'review/proposal', specialist, { proposal: 'approve' }));
    ok(await http('GET', v1(`/dossiers/${code}`), { headers: as('lanhdao.saigon') }));
    ok(await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' }));
    await eventually(() => lookup(code), (s) => s.body.status?.code === 'COMPLETED');

    ok(await http('GET', v1(`/dossiers/${code}`), { headers: as('giamsat.saigon') }));
    ok(await http('GET', v1(`/dossiers/${code}/process-control`), { headers: as('giamsat.saigon') }));
    ok(await http('GET', v1(`/dossiers/${code}/audit`), { headers: as('giamsat.saigon') }));
    ok(await http('GET', v1(`/dossiers/${code}/deadline`), { headers: as('giamsat.saigon') }));
    ok(await ownerLookup(code));
    ok(await http('POST', v1(`/citizen/dossiers/${code}/rating`), { body: { level: 'satisfied', comment: 'Nhanh gọn' }, headers: citizenHeaders }), 201);
    ok(await http('GET', v1('/alerts'), { headers: as(specialist) }));
  });

  it('counter intake accepted on the spot, handed over at the counter; a refusal and a withdrawal', async () => {
    ok(await upload(v1(`/agencies/${AGENCY}/documents`), { Authorization: `Bearer ${await officerToken('motcua.saigon')}` }, 'Bản quét'), 201);
    const body = {
      procedureCode: 'TP-CHUNGTHUC',
      agencyEid: AGENCY,
      deliveryMethod: 'counter',
      acceptNow: true,
      applicant: { fullName: 'Hoàng Thị Lan', idNumber: idNumber(), phone: '0987654321' },
      documents: [{ name: 'Bản chính giấy khai sinh', checklistItem: 1 }, { name: 'Bản sao cần chứng thực' }],
    };
    const key = uniqueKey('contract-counter');
    const counter = await http('POST', v1('/counter/dossiers'), { body, headers: { 'Idempotency-Key': key, ...as('motcua.saigon') } });
    ok(counter, 201);
    ok(await http('POST', v1('/counter/dossiers'), { body, headers: { 'Idempotency-Key': key, ...as('motcua.saigon') } }), 200);
    const code: string = counter.body.code;
    await payFeeAtCounter(api.baseUrl, code);
    ok(await officer(code, 'review/proposal', await assigneeOf(code), { proposal: 'approve' }));
    ok(await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' }));
    await eventually(() => lookup(code), (s) => s.body.status?.code === 'APPROVED');
    ok(await officer(code, 'result/handover', 'motcua.saigon', { receivedBy: 'Hoàng Thị Lan' }));

    const refused = await submitReady(api.baseUrl, idNumber(), 'contract-refuse');
    ok(await officer(refused.code, 'intake/refuse', 'motcua.saigon', { reasons: ['Không thuộc thẩm quyền giải quyết'] }));

    const withdrawn = await submitReady(api.baseUrl, idNumber(), 'contract-withdraw');
    ok(await officer(withdrawn.code, 'intake/accept', 'motcua.saigon'));
    ok(await officer(withdrawn.code, 'deadline/reappointment', 'lanhdao.saigon', { reason: 'Chờ ý kiến của Chi cục Thuế', workingDaysAfterDue: 2 }));
    ok(await citizen(withdrawn.code, 'withdraw', { idNumber: withdrawn.idNumber, reason: 'Không còn nhu cầu' }));
    const cancelled = await submitReady(api.baseUrl, idNumber(), 'contract-cancel');
    ok(await officer(cancelled.code, 'intake/accept', 'motcua.saigon'));
    ok(await officer(cancelled.code, 'cancel', 'lanhdao.saigon', { reason: 'Trùng hồ sơ' }));
  });

  it('an online payment opened by the citizen, read back on the return page', async () => {
    const { code, idNumber: applicant } = await submitReady(api.baseUrl, idNumber(), 'contract-pay', { paid: false });
    const started = await http('POST', v1(`/citizen/dossiers/${code}/payments`), { body: {}, headers: await asCitizen(applicant) });
    ok(started, 201);
    ok(await http('GET', v1(`/payments/${started.body.paymentId}`)));
  });

  it('supervision: worklists, on-time rates, indicators and satisfaction', async () => {
    const sup = as('giamsat.saigon');
    for (const view of ['overdue', 'due_today', 'paused', 'at_risk']) ok(await http('GET', v1(`/supervision/dossiers?view=${view}`), { headers: sup }));
    ok(await http('GET', v1('/supervision/dossiers?view=due_within&days=5'), { headers: sup }));
    for (const groupBy of ['agency', 'procedure', 'officer', 'step']) ok(await http('GET', v1(`/supervision/on-time?${PERIOD}&groupBy=${groupBy}`), { headers: sup }));
    ok(await http('GET', v1(`/supervision/indicators?${PERIOD}`), { headers: sup }));
    for (const groupBy of ['agency', 'officer']) ok(await http('GET', v1(`/supervision/satisfaction?${PERIOD}&groupBy=${groupBy}`), { headers: sup }));
    ok(await http('GET', v1(`/supervision/steps?${PERIOD}`), { headers: sup }));
  });

  it('inter-agency legs: the worklist of an agency', async () => {
    ok(await http('GET', v1('/legs'), { headers: as('chuyenvien.saigon1') }));
  });

  it('a routed dossier (TG-DOITRUSO, Hanoi 1594): its steps, consultations, a send-back, the City office’s leg', async () => {
    const DEPT = '000.00.35.H29';
    const TG_DOCUMENTS = [
      { name: 'Văn bản đăng ký thay đổi trụ sở (nêu lý do, địa điểm trụ sở mới)' },
      { name: 'Giấy tờ chứng minh quyền sử dụng hợp pháp địa điểm trụ sở mới' },
      { name: 'Văn bản chấp thuận của tổ chức tôn giáo cấp trên (nếu có)' },
    ];
    const view = (code: string) => http('GET', v1(`/dossiers/${code}`), { headers: as('motcua.dantoc') });
    const atStep = (code: string, key: string) => eventually(() => view(code), (r) => r.body.step?.key === key);
    /** An action that may meet the dossier or leg busy with a child's report (409 DossierBusy): tried again. */
    const retry = async (fn: () => Promise<HttpAnswer>) => {
      for (let i = 0; ; i++) {
        const r = await fn();
        if (r.body?.reason !== 'DossierBusy' || i > 20) return r;
        await new Promise((res) => setTimeout(res, 200));
      }
    };
    const legOf = async (user: string, code: string, kind: string, stepKey?: string) =>
      (await eventually(() => http('GET', v1('/legs'), { headers: as(user) }), (r) => r.body.legs?.some((l: any) => l.dossier.code === code && l.kind === kind && (!stepKey || l.step?.key === stepKey)))).body.legs.find(
        (l: any) => l.dossier.code === code && l.kind === kind && (!stepKey || l.step?.key === stepKey),
      );
    const legAct = (id: number, action: string, user: string, body: unknown) => retry(() => http('POST', v1(`/legs/${id}/${action}`), { body, headers: as(user) }));

    const submitted = await submitSample(api.baseUrl, idNumber(), { procedureCode: 'TG-DOITRUSO', agencyEid: DEPT, documents: TG_DOCUMENTS }, 'contract-routed');
    ok(submitted, 201);
    const code: string = submitted.body.code;
    await eventually(() => lookup(code), (s) => s.body.history?.length === 1);
    ok(await officer(code, 'intake/accept', 'motcua.dantoc'));
    await atStep(code, 'chuyen_giam_doc');
    ok(await officer(code, 'steps/forward', 'motcua.dantoc', { stepKey: 'chuyen_giam_doc' }));
    await atStep(code, 'giao_phong');
    ok(await officer(code, 'steps/forward', 'lanhdao.dantoc', { stepKey: 'giao_phong' }));
    await atStep(code, 'tham_dinh');
    const specialist = await assigneeOf(code);
    const question = 'Ý kiến về địa điểm đặt trụ sở mới?';
    ok(await officer(code, 'consultations', specialist, { stepKey: 'tham_dinh', requests: [{ agencyEid: '000.20.21.H29', question }, { agencyEid: AGENCY, question }] }));
    for (const user of ['canbo.congan.saigon', 'chuyenvien.saigon1']) {
      const consultation = await legOf(user, code, 'consultation');
      ok(await http('GET', v1(`/legs/${consultation.id}`), { headers: as(user) }));
      ok(await legAct(consultation.id, 'answer', user, { opinion: 'Nhất trí', agrees: true }));
    }
    await eventually(() => view(code), (r) => r.body.legs?.length === 2 && r.body.legs.every((l: any) => l.status === 'answered'));
    ok(await retry(() => officer(code, 'review/proposal', specialist, { proposal: 'approve' })));
    await atStep(code, 'truong_phong_duyet');
    ok(await officer(code, 'steps/send-back', 'truongphong.dantoc', { stepKey: 'truong_phong_duyet', toStep: 'tham_dinh', reason: 'Bổ sung căn cứ pháp lý' }));
    await atStep(code, 'tham_dinh');
    ok(await officer(code, 'review/proposal', specialist, { proposal: 'approve' }));
    await atStep(code, 'truong_phong_duyet');
    ok(await officer(code, 'steps/forward', 'truongphong.dantoc', { stepKey: 'truong_phong_duyet' }));
    await atStep(code, 'giam_doc_duyet');
    ok(await officer(code, 'steps/forward', 'lanhdao.dantoc', { stepKey: 'giam_doc_duyet' }));

    // The City People's Committee office's leg.
    const leg = await legOf('vanthu.vpubnd', code, 'leg', 'vp_tiep_nhan');
    ok(await retry(() => officer(code, 'legs/chase', 'lanhdao.dantoc', { workflowId: leg.workflowId, note: 'Đề nghị khẩn trương' })));
    ok(await legAct(leg.id, 'forward', 'vanthu.vpubnd', { stepKey: 'vp_tiep_nhan' }));
    ok(await legAct(leg.id, 'forward', 'lanhdao.vpubnd', { stepKey: 'vp_chuyen_phong' }));
    const inReview = await legOf('lanhdao.vpubnd', code, 'leg', 'vp_tham_tra');
    const legSpecialist = (await api.db('users').where({ id: inReview.assignee.userId }).first('username')).username as string;
    ok(await legAct(leg.id, 'forward', legSpecialist, { stepKey: 'vp_tham_tra' }));
    ok(await legAct(leg.id, 'send-back', 'lanhdao.vpubnd', { stepKey: 'vp_truong_phong', toStep: 'vp_tham_tra', reason: 'Chỉnh sửa dự thảo' }));
    ok(await legAct(leg.id, 'forward', legSpecialist, { stepKey: 'vp_tham_tra' }));
    ok(await legAct(leg.id, 'forward', 'lanhdao.vpubnd', { stepKey: 'vp_truong_phong' }));
    ok(await legAct(leg.id, 'forward', 'lanhdao.vpubnd', { stepKey: 'vp_lanh_dao' }));
    ok(await legAct(leg.id, 'finish', 'lanhdao.ubndtp', { stepKey: 'ubnd_ky', outcome: 'approve' }));
    ok(await legAct(leg.id, 'finish', 'vanthu.vpubnd', { stepKey: 'vp_phat_hanh', outcome: 'approve' }));
    await atStep(code, 'nhan_ket_qua');
    ok(await retry(() => officer(code, 'steps/forward', specialist, { stepKey: 'nhan_ket_qua' })));
    await eventually(() => lookup(code), (s) => s.body.status?.code === 'COMPLETED');
    ok(await http('GET', v1(`/dossiers/${code}/process-control`), { headers: as('lanhdao.dantoc') }));
  });

  it('administration: calendars and webhooks', async () => {
    const admin = as('quantri');
    ok(await http('GET', v1('/calendars'), { headers: admin }));
    ok(await http('GET', v1('/calendars/VN-STATE'), { headers: admin }));
    ok(await http('GET', v1('/calendars/VN-STATE/recomputations'), { headers: admin }));
    ok(await http('POST', v1('/calendars/VN-STATE/recompute-preview'), { body: {}, headers: admin }));

    // Internal procedures: the seeded ones read; a procedure of this suite's own drafted, validated and published.
    ok(await http('GET', v1('/procedures/TG-DOITRUSO/internal-procedure')));
    ok(await http('GET', v1('/admin/procedures/TG-DOITRUSO/internal-procedures'), { headers: admin }));
    ok(await http('GET', v1('/admin/procedures/TG-DOITRUSO/internal-procedures/2'), { headers: admin }));
    const procedureCode = `TEST-RC-${process.pid}`;
    await api.db('procedures').insert({
      code: procedureCode,
      name: 'Thủ tục kiểm thử hợp đồng',
      field: 'Thử nghiệm',
      legal_basis: 'Thử nghiệm',
      time_limit: JSON.stringify({ unit: 'working_days', value: 10 }),
      online_level: 'full',
      on_site_verification: false,
      fee_timing: 'none',
      result_name: 'Văn bản',
    });
    const versions = `/admin/procedures/${procedureCode}/internal-procedures`;
    const document = (await http('GET', v1('/admin/procedures/KT-HKD/internal-procedures/1'), { headers: admin })).body;
    const { title, basis, steps, consultations } = document;
    ok(await http('POST', v1(versions), { body: { title, basis, steps, consultations }, headers: admin }), 201);
    ok(await http('PUT', v1(`${versions}/1`), { body: { title: `${title} (sửa)`, basis, steps, consultations }, headers: admin }));
    ok(await http('POST', v1(`${versions}/1/validation`), { body: {}, headers: admin }));
    ok(await http('POST', v1(`${versions}/1/publication`), { body: {}, headers: admin }));

    ok(await http('GET', v1('/webhooks/event-types'), { headers: admin }));
    const subscriber = await startWebhookSubscriber();
    try {
      const created = await http('POST', v1('/webhooks/subscriptions'), { body: { name: 'Kiểm thử hợp đồng', url: subscriber.url, events: ['*'] }, headers: admin });
      ok(created, 201);
      const id: number = created.body.id;
      ok(await http('GET', v1('/webhooks/subscriptions'), { headers: admin }));
      ok(await http('GET', v1(`/webhooks/subscriptions/${id}`), { headers: admin }));
      ok(await http('PATCH', v1(`/webhooks/subscriptions/${id}`), { body: { name: 'Kiểm thử hợp đồng (đổi tên)' }, headers: admin }));
      const rotated = await http('POST', v1(`/webhooks/subscriptions/${id}/rotate-secret`), { headers: admin });
      ok(rotated);
      subscriber.setSecret(rotated.body.secret);
      ok(await http('POST', v1(`/webhooks/subscriptions/${id}/ping`), { headers: admin }));
      // A status change of a new dossier is delivered: its delivery read back and replayed.
      await submitReady(api.baseUrl, idNumber(), 'contract-webhook', { paid: false });
      const page = await eventually(() => http('GET', v1(`/webhooks/deliveries?subscription=${id}`), { headers: admin }), (r) => r.body.items?.length > 0);
      ok(page);
      const delivery = page.body.items[0].id as number;
      ok(await http('GET', v1(`/webhooks/deliveries/${delivery}`), { headers: admin }));
      ok(await http('POST', v1(`/webhooks/deliveries/${delivery}/replay`), { headers: admin }), 202);
      ok(await http('DELETE', v1(`/webhooks/subscriptions/${id}`), { headers: admin }), 204);
    } finally {
      await subscriber.close();
    }
  });

  it('every JSON answer seen matched its route’s declared schema, and every route seen declared one', () => {
    const log = responseValidationOf(api.app)!;
    expect(log, 'response validation is on in the test stack').not.toBeNull();
    expect(log.mismatches).toEqual([]);
    // The run covered the contract broadly: most declared JSON routes were answered.
    const jsonRoutes = declaredRoutes().filter((r) => Object.keys(r.responseBodies ?? {}).length > 0);
    const seen = new Set([...log.seen].map((k) => k.split(' ').slice(0, 2).join(' ')));
    const unseen = jsonRoutes.map((r) => `${r.method.toUpperCase()} ${r.path}`).filter((k) => !seen.has(k));
    expect(unseen.length, `declared JSON routes not exercised: ${unseen.join(', ')}`).toBeLessThanOrEqual(UNSEEN_ALLOWED.length);
    expect(unseen.filter((k) => !UNSEEN_ALLOWED.includes(k))).toEqual([]);
  });
});

/**
 * Declared JSON routes this run does not reach, each for its reason; their answers are checked
 * by the suites that drive them (in `record` mode, every test stack logs mismatches the same way).
 */
const UNSEEN_ALLOWED = [
  // Needs the one-time code sent by SMS (test/e2e/id-lookup.e2e.test.ts).
  'POST /api/v1/status/by-id-number/verify',
  // Signed third-party callbacks (test/e2e/fees.e2e.test.ts, test/e2e/postal.e2e.test.ts).
  'POST /api/v1/payments/callback',
  'POST /api/v1/postal/callback',
  // A retry from the return page once a payment failed (test/e2e/payment-return.e2e.test.ts).
  'POST /api/v1/payments/:paymentId/retry',
  // Site visits (test/e2e/site-verification.e2e.test.ts).
  'POST /api/v1/dossiers/:code/verification',
  'POST /api/v1/dossiers/:code/verification/record',
  // A supplement during processing (test/e2e/lifecycle-processing.e2e.test.ts).
  'POST /api/v1/dossiers/:code/review/supplement-request',
  // Claiming an unassigned dossier (test/e2e/console-api.test.ts).
  'POST /api/v1/dossiers/:code/claim',
  // Calendar administration that changes shared calendars (test/e2e/calendar-admin.test.ts).
  'POST /api/v1/calendars',
  'POST /api/v1/calendars/:code/versions',
  'POST /api/v1/calendars/:code/recompute',
  'PUT /api/v1/agencies/:eid/calendar',
  // No seeded internal procedure has an issue step at the lead agency, and the City office's leg assigns its
  // least-loaded specialist by itself: the refusals are checked in test/integration/interagency-routes.test.ts, the
  // workflow's side in test/workflow/routed-workflow.test.ts.
  'POST /api/v1/dossiers/:code/result/issue',
  'POST /api/v1/legs/:id/assignment',
];
