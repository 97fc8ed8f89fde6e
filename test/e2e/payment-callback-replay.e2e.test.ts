import { describe, expect, it } from 'vitest';
import { startOnlinePayment } from '../../payments/payments';
import { eventually, http, submitSample } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * The gateway's signed "paid" callback for one payment is captured as it was sent (raw body
 * and signature headers) and replayed ten times at once against the API, as an unsure
 * gateway or a replaying attacker would: one payment, one e-receipt number consumed, one
 * `fee_paid` event in the dossier, and ten 200 answers (the gateway must stop retrying).
 * fees.e2e.test.ts covers a single redelivery and forged callbacks.
 */
describe('payment callback replayed ten times', () => {
  const { api } = useStack({ name: 'callback-replay' });

  it('records one payment with one receipt and tells the dossier once', async () => {
    const idNumber = `0793${String(process.pid).padStart(8, '0').slice(-8)}`;
    const r = await submitSample(api.baseUrl, idNumber, {}, 'replay');
    expect(r.status).toBe(201);
    const dossier = await eventually(() => api.db('dossiers').where({ code: r.body.code }).first('id', 'agency_id', 'fee_status'), (d) => d?.fee_status === 'unpaid');
    // The callbacks go to a path of this deployment that is no route: the API sees none of them (404), the stack keeps them as sent.
    const nowhere = `${api.baseUrl}/nowhere`;
    const started = await startOnlinePayment(api.db, api.paymentProvider, { dossierId: dossier.id, publicBaseUrl: nowhere });
    expect((await http('POST', started.paymentUrl, { body: { action: 'pay' } })).status).toBe(200);
    const { body, headers } = await eventually(
      async () => api.gatewayCallbacks.find((c) => c.url.startsWith(nowhere)),
      (c) => c !== undefined,
    ).then((c) => c!);
    expect(JSON.parse(body)).toMatchObject({ paymentId: started.paymentId, status: 'paid' });
    const receiptsBefore = await api.db('receipt_number_sequences').where({ agency_id: dossier.agency_id }).select('year', 'last_value');

    const replay = () =>
      fetch(`${api.baseUrl}/api/v1/payments/callback`, {
        method: 'POST',
        headers: { 'content-type': String(headers['content-type']), 'x-timestamp': String(headers['x-timestamp']), 'x-signature': String(headers['x-signature']) },
        body,
      }).then((res) => res.status);
    expect(await Promise.all(Array.from({ length: 10 }, replay))).toEqual(Array(10).fill(200));

    const payments = await api.db('dossier_payments').where('dossier_id', dossier.id).select('status', 'receipt_code', 'workflow_acknowledged_at');
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({ status: 'paid', receipt_code: expect.stringMatching(/^BL\d{2}-\d{7}$/), workflow_acknowledged_at: expect.any(Date) });
    // One receipt number consumed for the agency, not ten.
    const receiptsAfter = await api.db('receipt_number_sequences').where({ agency_id: dossier.agency_id }).select('year', 'last_value');
    const consumed = receiptsAfter.reduce((n, a) => n + a.last_value - (receiptsBefore.find((b) => b.year === a.year)?.last_value ?? 0), 0);
    expect(consumed).toBe(1);
    const feePaid = () => api.db('dossier_events').where({ dossier_id: dossier.id, type: 'fee_paid' }).count('* as n').first();
    await eventually(feePaid, (c: any) => c.n >= 1);
    await new Promise((res) => setTimeout(res, 500)); // a second event, if any, would be in by now
    expect(await feePaid()).toEqual({ n: 1 });
    expect((await api.db('dossiers').where('id', dossier.id).first('fee_status')).fee_status).toBe('paid');

    expect((await http('POST', `${api.baseUrl}/api/v1/dossiers/${r.body.code}/cancel`, { body: { reason: 'Kết thúc kiểm thử' }, headers: { 'X-User-Id': 'lanhdao.saigon' } })).status).toBe(200);
  });
});
