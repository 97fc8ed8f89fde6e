import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paymentOutcomeResponse, startedPaymentResponse } from '../../api/payment-schemas';
import { startOnlinePayment } from '../../payments/payments';
import { applicantIds, eventually, http, payFeeAtCounter, startApi, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The way back from the payment gateway (issue 15, API item 7): a page of the portal
 * (`/thanh-toan/ket-qua?payment=<id>`), never the JSON API, and nothing the gateway appends to
 * it (status, amount, a "signature") proves a payment: the page asks
 * GET /api/v1/payments/{paymentId}, which says what the gateway's signed callback recorded.
 */
describe('payment return page', () => {
  const { api, taskQueue } = useStack({ name: 'payment-return' });
  const nextId = applicantIds('0816');
  const outcome = (paymentId: string) => http('GET', `${api.baseUrl}/api/v1/payments/${paymentId}`);
  const feeStatus = async (code: string) => (await api.db('dossiers').where({ code }).first('fee_status')).fee_status;
  const page = (url: string) => fetch(url, { headers: { accept: 'text/html' } });

  async function submitted() {
    const idNumber = nextId();
    const r = await submitSample(api.baseUrl, idNumber, {}, 'payret');
    expect(r.status).toBe(201);
    const code: string = r.body.code;
    await eventually(() => api.db('dossiers').where({ code }).first('fee_status'), (d) => d?.fee_status === 'unpaid');
    return { code, idNumber };
  }

  it('hands the gateway a portal page; a cancelled payment reads not paid whatever the address says, and can be paid again', async () => {
    const { code, idNumber } = await submitted();
    const opened = await http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/payments`, { body: { idNumber } });
    expect(opened.status).toBe(201);
    const { paymentId } = opened.body;

    // The citizen cancels on the gateway's page and is sent back: to the portal's page, with the gateway's own parameters added.
    const cancelled = await http('POST', opened.body.paymentUrl, { body: { action: 'cancel' } });
    expect(cancelled.status).toBe(200);
    const back = new URL(cancelled.body.returnUrl);
    expect(back.origin).toBe(api.baseUrl);
    expect(back.pathname).toBe('/thanh-toan/ket-qua');
    expect(back.searchParams.get('payment')).toBe(paymentId);
    expect(back.searchParams.get('status')).toBe('failed');
    const html = await page(back.toString());
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(html.headers.get('referrer-policy')).toBe('no-referrer'); // the payment id does not leave in a Referer
    expect(await html.text()).toContain('<div id="root">');

    await api.gateway.idle();
    const failed = await eventually(() => outcome(paymentId), (o) => o.body.status === 'failed');
    expect(failed.status).toBe(200);
    expect(failed.headers.get('cache-control')).toBe('no-store');
    expect(failed.body).toEqual({
      paymentId,
      status: 'failed',
      amountVnd: 50_000,
      paidAt: null,
      receiptCode: null,
      expiresAt: expect.stringMatching(/\+07:00$/),
      dossierCode: code,
      canRetry: true,
    });
    paymentOutcomeResponse.parse(failed.body); // as the contract describes it

    // Someone edits the address to say "paid": the page is the same page, and the API never reads it.
    const forged = new URL(back);
    forged.searchParams.set('status', 'paid');
    forged.searchParams.set('amountVnd', '50000');
    forged.searchParams.set('vnp_ResponseCode', '00');
    forged.searchParams.set('signature', 'a'.repeat(64));
    expect((await page(forged.toString())).status).toBe(200);
    const asked = await http('GET', `${api.baseUrl}/api/v1/payments/${paymentId}?status=paid`);
    expect(asked.status).toBe(422); // the API takes no such parameter
    expect((await outcome(paymentId)).body.status).toBe('failed');
    expect(await feeStatus(code)).toBe('unpaid');

    // "Thanh toán lại": a new payment on the gateway, paid this time.
    const again = await http('POST', `${api.baseUrl}/api/v1/payments/${paymentId}/retry`, { body: {} });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ amountVnd: 50_000, paymentUrl: expect.stringContaining('/sandbox/payment-gateway/pay/') });
    expect(again.body.paymentId).not.toBe(paymentId);
    startedPaymentResponse.parse(again.body);
    expect((await http('POST', again.body.paymentUrl, { body: { action: 'pay' } })).status).toBe(200);
    await api.gateway.idle();
    const paid = await eventually(() => outcome(again.body.paymentId), (o) => o.body.status === 'paid');
    expect(paid.body).toMatchObject({ status: 'paid', amountVnd: 50_000, receiptCode: expect.stringMatching(/^BL\d{2}-\d{7}$/), paidAt: expect.stringMatching(/\+07:00$/), canRetry: false });
    expect((await outcome(paymentId)).body).toMatchObject({ status: 'failed', canRetry: false }); // the fee is paid: nothing to retry
    const noMore = await http('POST', `${api.baseUrl}/api/v1/payments/${again.body.paymentId}/retry`, { body: {} });
    expect(noMore.status).toBe(409);
    expect(noMore.body.detail).toBe('Giao dịch này đã được thanh toán.');
    const paidAlready = await http('POST', `${api.baseUrl}/api/v1/payments/${paymentId}/retry`, { body: {} });
    expect(paidAlready.status).toBe(409);
    expect(paidAlready.body.detail).toBe('Phí, lệ phí của hồ sơ này đã được nộp.');
    await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/cancel`, { body: { reason: 'Kết thúc kiểm thử' }, headers: { 'X-User-Id': 'lanhdao.saigon' } });
  });

  it('paid at the gateway but no signed callback yet: still pending; the captured callback makes it paid', async () => {
    const { code } = await submitted();
    const dossierId = (await api.db('dossiers').where({ code }).first('id')).id;
    // The gateway's callbacks go to a path of this deployment that is no route, as when the API was down.
    const nowhere = `${api.baseUrl}/nowhere`;
    const started = await startOnlinePayment(api.db, api.paymentProvider, { dossierId, publicBaseUrl: nowhere });
    const choice = await http('POST', started.paymentUrl, { body: { action: 'pay' } });
    expect(choice.status).toBe(200);
    expect(new URL(choice.body.returnUrl).searchParams.get('status')).toBe('paid'); // what the gateway says on the way back
    await api.gateway.idle();
    const callback = api.gatewayCallbacks.find((c) => c.url.startsWith(nowhere) && c.body.includes(started.paymentId))!;
    expect(callback).toBeDefined();

    // The citizen lands on the page with status=paid in its address: the API still says pending, the dossier unpaid.
    expect((await page(`${api.baseUrl}/thanh-toan/ket-qua?payment=${started.paymentId}&status=paid&amountVnd=50000`)).status).toBe(200);
    expect((await outcome(started.paymentId)).body).toMatchObject({ status: 'pending', receiptCode: null, canRetry: true });
    expect(await feeStatus(code)).toBe('unpaid');

    // The signed callback arrives: now it is paid, with its e-receipt.
    const delivered = await fetch(`${api.baseUrl}/api/v1/payments/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-timestamp': String(callback.headers['x-timestamp']), 'x-signature': String(callback.headers['x-signature']) },
      body: callback.body,
    });
    expect(delivered.status).toBe(200);
    expect((await outcome(started.paymentId)).body).toMatchObject({ status: 'paid', receiptCode: expect.stringMatching(/^BL\d{2}-\d{7}$/), dossierCode: code });
    expect(await feeStatus(code)).toBe('paid');
    await http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/cancel`, { body: { reason: 'Kết thúc kiểm thử' }, headers: { 'X-User-Id': 'lanhdao.saigon' } });
  });

  it('an unknown, malformed or counter payment id gets one answer; the endpoint is rate limited', async () => {
    const { code } = await submitted();
    await payFeeAtCounter(api.baseUrl, code);
    const counterPayment = (await api.db('dossier_payments as p').join('dossiers as d', 'd.id', 'p.dossier_id').where('d.code', code).first('p.id')).id;
    const answers = await Promise.all([randomUUID(), 'not-a-uuid', counterPayment].map((id) => outcome(id)));
    const strip = ({ instance: _i, requestId: _r, ...rest }: Record<string, unknown>) => rest;
    for (const a of answers) expect(a.status).toBe(404);
    expect(answers.map((a) => strip(a.body))).toEqual(Array(3).fill(strip(answers[0]!.body)));
    expect(answers[0]!.body).toMatchObject({ reason: 'PaymentNotFound', detail: expect.stringContaining('Không tìm thấy giao dịch') });
    const retried = await http('POST', `${api.baseUrl}/api/v1/payments/${counterPayment}/retry`, { body: {} });
    expect(retried.status).toBe(404);
    expect(strip(retried.body)).toEqual(strip(answers[0]!.body));

    const strict = await startApi(taskQueue, { publicRateLimit: { limit: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await http('GET', `${strict.baseUrl}/api/v1/payments/${randomUUID()}`)).status);
      expect(statuses).toEqual([404, 404, 404, 429]);
    } finally {
      await strict.close();
    }
  });
});
