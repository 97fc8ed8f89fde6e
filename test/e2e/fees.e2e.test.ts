import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDossierClient } from '../../dossiers/client';
import { reconcilePayments, startOnlinePayment } from '../../payments/payments';
import { applicantIds, dossierClient, eventually, http, PAYMENT_SECRET, processControl, submitSample, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Fees over HTTP on the real stack with the sandbox gateway: online payment with its
 * signed callback (delivered twice, and forged), cash at the counter for a fee due when
 * the result is collected, and reconciliation when a callback never arrives.
 */
describe('fees and payments', () => {
  const { api, finished, taskQueue } = useStack({ name: 'fees' });
  const { lookup, officer, assigneeOf } = dossierClient(() => api);
  const idNumber = applicantIds('0792');
  const paymentsOf = async (code: string) => {
    const d = await api.db('dossiers').where({ code }).first('id');
    return api.db('dossier_payments').where('dossier_id', d.id).orderBy('created_at');
  };
  const feeEvents = async (code: string) => {
    const d = await api.db('dossiers').where({ code }).first('id');
    return api.db('dossier_events').where({ dossier_id: d.id, type: 'fee_paid' }).select('data');
  };

  it('online payment: signed callback recorded once with an e-receipt, forged callbacks refused, processing only once paid', async () => {
    const applicantId = idNumber();
    const r = await submitSample(api.baseUrl, applicantId, {}, 'fee');
    const code: string = r.body.code;
    const s0 = await eventually(() => lookup(code), (s) => s.body.history?.length === 1);
    expect(s0.body.fee).toEqual({ amountVnd: 50_000, status: 'unpaid' }); // household business, online rate
    await officer(code, 'intake/accept', 'motcua.saigon');
    const specialist = await assigneeOf(code);
    const early = await officer(code, 'review/proposal', specialist, { proposal: 'approve' });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ reason: 'FeeUnpaid', detail: expect.stringContaining('phải được nộp trước khi') });

    expect((await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/payments`, { body: { idNumber: '001122334455' } })).status).toBe(404);
    const opened = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/payments`, { body: { idNumber: applicantId } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ amountVnd: 50_000, paymentUrl: expect.stringContaining('/sandbox/payment-gateway/pay/') });
    const reopened = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/payments`, { body: { idNumber: applicantId } });
    expect(reopened.body.paymentId).toBe(opened.body.paymentId); // one open payment, not a second charge

    // A forged "paid" callback for this payment is refused and changes nothing.
    const [pending] = await paymentsOf(code);
    const forgedBody = JSON.stringify({ providerRef: pending.provider_ref, paymentId: pending.id, status: 'paid', amountVnd: 50_000, occurredAt: new Date().toISOString() });
    const ts = Date.now();
    const forged = await http('POST', `${api.baseUrl}/api/v1/payments/callback`, {
      body: forgedBody,
      headers: { 'content-type': 'application/json', 'x-timestamp': String(ts), 'x-signature': createHmac('sha256', 'not-the-gateway-secret-at-all').update(`${ts}.${forgedBody}`).digest('hex') },
    });
    expect(forged.status).toBe(401);
    expect((await paymentsOf(code))[0].status).toBe('pending');

    // The citizen pays on the gateway's page; the gateway calls back, signed.
    const pay = await http('POST', opened.body.paymentUrl, { body: { action: 'pay' } });
    expect(pay.status).toBe(200);
    await api.gateway.idle();
    const paid = await eventually(() => paymentsOf(code), (rows) => rows[0]?.status === 'paid');
    expect(paid[0].receipt_code).toMatch(/^BL\d{2}-\d{7}$/);
    await eventually(() => feeEvents(code), (rows) => rows.length === 1);

    // The gateway is unsure and delivers the same callback again: still one payment, one event.
    api.gateway.redeliver(pending.provider_ref);
    await api.gateway.idle();
    expect(api.gateway.deliveries(pending.provider_ref).filter((d) => d.delivered).length).toBeGreaterThanOrEqual(2);
    expect(await paymentsOf(code)).toHaveLength(1);
    expect(await feeEvents(code)).toHaveLength(1);
    expect((await lookup(code)).body.fee).toEqual({ amountVnd: 50_000, status: 'paid' });
    expect((await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/payments`, { body: { idNumber: applicantId } })).status).toBe(409);

    expect((await officer(code, 'review/proposal', specialist, { proposal: 'approve' })).status).toBe(200);
    await officer(code, 'decision', 'lanhdao.saigon', { decision: 'approve' });
    expect((await finished(code, 'fee-online-payment')).status).toBe('COMPLETED');
  });

  it('fee due when collecting the result: no hand-over until the officer records the cash payment', async () => {
    const body = {
      procedureCode: 'DD-DANGKYLANDAU',
      agencyEid: '000.00.31.H29',
      deliveryMethod: 'counter',
      acceptNow: true,
      applicant: { fullName: 'Phan Văn Đất', idNumber: idNumber(), phone: '0911222333' },
      // The checklist's first item, named by its position; the second by its name.
      documents: [{ name: 'Đơn đăng ký đất đai (Mẫu 04/ĐK)', checklistItem: 1 }, { name: 'Giấy tờ về quyền sử dụng đất' }],
    };
    const r = await http('POST', `${api.baseUrl}/api/v1/counter/dossiers`, { body, headers: { 'Idempotency-Key': uniqueKey('land'), 'X-User-Id': 'motcua.tphcm' } });
    expect(r.status).toBe(201);
    const code: string = r.body.code;
    expect((await lookup(code)).body.fee).toEqual({ amountVnd: 100_000, status: 'unpaid' });
    await officer(code, 'review/proposal', 'chuyenvien.datdai', { proposal: 'approve' });
    await officer(code, 'decision', 'lanhdao.datdai', { decision: 'approve' });
    await eventually(() => lookup(code), (s) => s.body.status.code === 'APPROVED');

    const noResultYet = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/result`, { body: { idNumber: body.applicant.idNumber } });
    expect(noResultYet.status).toBe(409);
    expect(noResultYet.body.detail).toContain('nộp phí');
    const refused = await officer(code, 'result/handover', 'motcua.tphcm', { receivedBy: 'Phan Văn Đất' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ reason: 'FeeUnpaid', detail: expect.stringContaining('chưa được nộp') });
    expect((await officer(code, 'payments', 'motcua.tphcm', { method: 'cash', amountVnd: 90_000 })).status).toBe(422);
    expect((await officer(code, 'payments', 'chuyenvien.datdai', { method: 'cash', amountVnd: 100_000 })).status).toBe(403);
    const cash = await officer(code, 'payments', 'motcua.tphcm', { method: 'cash', amountVnd: 100_000 });
    expect(cash.status).toBe(201);
    expect(cash.body).toMatchObject({ method: 'cash', status: 'paid', receiptCode: expect.stringMatching(/^BL\d{2}-\d{7}$/) });
    // The dossier was told before the answer (the row read before the payment named its workflow), and the answer says where its time went (no Idempotency-Key here, so nothing `stored`).
    expect((await api.db('dossier_payments').where('id', cash.body.paymentId).first('workflow_acknowledged_at')).workflow_acknowledged_at).not.toBeNull();
    expect(cash.headers.get('server-timing')).toMatch(/^before;dur=\d+\.\d, update;dur=\d+\.\d, answer;dur=\d+\.\d$/);
    expect((await officer(code, 'payments', 'motcua.tphcm', { method: 'cash', amountVnd: 100_000 })).status).toBe(409);
    await eventually(() => feeEvents(code), (rows) => rows.length === 1);

    expect((await officer(code, 'result/handover', 'motcua.tphcm', { receivedBy: 'Phan Văn Đất' })).status).toBe(200);
    expect((await finished(code, 'fee-at-result-cash')).status).toBe('COMPLETED');
    const sheet = await processControl(api.baseUrl, code, 'lanhdao.datdai');
    expect(sheet.map((h) => h.step)).toEqual(['intake', 'review', 'decision', 'result']);
    expect(sheet.every((h) => h.doneAt)).toBe(true);
  });

  it('reconciliation: a payment whose callback never arrived is settled with the gateway and told to the dossier', async () => {
    const applicantId = idNumber();
    const r = await submitSample(api.baseUrl, applicantId, {}, 'recon');
    const code: string = r.body.code;
    await eventually(() => lookup(code), (s) => s.body.history?.length === 1);
    const dossierId = (await api.db('dossiers').where({ code }).first('id')).id;
    // Callbacks go where nothing answers them (the gateway sends only to this deployment: a path of it that is no route), as when our API was down.
    const started = await startOnlinePayment(api.db, api.paymentProvider, { dossierId, publicBaseUrl: `${api.baseUrl}/down` });
    await http('POST', started.paymentUrl, { body: { action: 'pay' } });
    await api.gateway.idle();
    expect((await paymentsOf(code))[0].status).toBe('pending');

    const result = await reconcilePayments(api.db, api.paymentProvider, createDossierClient({ temporal: api.temporal, taskQueue }), { quietForMs: 0 });
    expect(result.settled).toBeGreaterThanOrEqual(1);
    expect(result.acknowledged).toBeGreaterThanOrEqual(1);
    expect((await paymentsOf(code))[0]).toMatchObject({ status: 'paid', receipt_code: expect.stringMatching(/^BL/) });
    expect(await feeEvents(code)).toHaveLength(1);
    expect((await reconcilePayments(api.db, api.paymentProvider, createDossierClient({ temporal: api.temporal, taskQueue }), { quietForMs: 0 })).acknowledged).toBe(0);
    expect(PAYMENT_SECRET.length).toBeGreaterThanOrEqual(16);
    await officer(code, 'cancel', 'lanhdao.saigon', { reason: 'Kết thúc kiểm thử' });
  });
});
