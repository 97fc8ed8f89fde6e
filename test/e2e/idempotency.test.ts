import { beforeAll, describe, expect, it } from 'vitest';
import { pdf } from '../helpers/document-fixtures';
import { citizenToken, http, submitSample, uniqueKey } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Idempotency-Key on the POSTs that create something: a retry gets the first answer and
 * creates nothing more; the same key with another request is refused; keys are per caller.
 */
describe('idempotent creation', () => {
  const { api } = useStack({ name: 'idem', worker: false });
  let code: string;
  const applicant = '079304440001';

  beforeAll(async () => {
    const r = await submitSample(api.baseUrl, applicant, {}, 'idem');
    code = r.body.code;
    // The fee is fixed once the workflow records the submission; without a worker, set it as it would.
    await api.db('dossiers').where({ code }).update({ fee_due_vnd: 50_000, fee_status: 'unpaid', fee_timing: 'at_submission' });
  });

  it('a counter payment retried with the same key is recorded once and answered the same', async () => {
    const key = uniqueKey('pay');
    const pay = (body: unknown, k = key) => http('POST', `${api.baseUrl}/api/v1/dossiers/${code}/payments`, { body, headers: { 'X-User-Id': 'motcua.saigon', 'Idempotency-Key': k } });
    const first = await pay({ method: 'cash', amountVnd: 50_000 });
    expect(first.status).toBe(201);
    const again = await pay({ method: 'cash', amountVnd: 50_000 });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const d = await api.db('dossiers').where({ code }).first('id');
    expect(Number((await api.db('dossier_payments').where({ dossier_id: d.id }).count<{ count: string }[]>('* as count'))[0]!.count)).toBe(1);
    const other = await pay({ method: 'transfer', amountVnd: 50_000 });
    expect(other.status).toBe(422);
    expect(other.body.detail).toContain('Idempotency-Key');
  });

  it('an upload retried with the same key stores one document', async () => {
    const key = uniqueKey('up');
    const upload = async () => {
      const form = new FormData();
      form.append('file', new Blob([pdf()], { type: 'application/pdf' }), 'to-khai.pdf');
      const res = await fetch(`${api.baseUrl}/api/v1/citizen/documents`, { method: 'POST', headers: { Authorization: `Bearer ${await citizenToken(applicant)}`, 'Idempotency-Key': key }, body: form });
      return { status: res.status, body: (await res.json()) as { id: string } };
    };
    const first = await upload();
    const second = await upload();
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).toBe(first.body.id);
    expect(Number((await api.db('documents').where({ owner_id_number: applicant }).count<{ count: string }[]>('* as count'))[0]!.count)).toBe(1);
  });

  it('keys are per caller: another officer’s same key is a new request', async () => {
    const key = uniqueKey('sub');
    const create = (user: string, name: string) =>
      http('POST', `${api.baseUrl}/api/v1/webhooks/subscriptions`, { body: { name, url: 'http://127.0.0.1:9/hook' }, headers: { 'X-User-Id': user, 'Idempotency-Key': key } });
    const first = await create('quantri', 'Đồng bộ Cổng DVC quốc gia');
    expect(first.status).toBe(201);
    const retry = await create('quantri', 'Đồng bộ Cổng DVC quốc gia');
    expect(retry.body.id).toBe(first.body.id);
    expect((await create('motcua.saigon', 'x')).status).toBe(403); // not an admin, and not a replay of someone else's answer
    // Later suites' dossiers must not queue deliveries to it (test/integration/webhooks-relay counts them).
    expect((await http('DELETE', `${api.baseUrl}/api/v1/webhooks/subscriptions/${first.body.id}`, { headers: { 'X-User-Id': 'quantri' } })).status).toBe(204);
  });
});
