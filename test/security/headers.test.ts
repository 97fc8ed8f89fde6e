import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeaders as paymentSignature } from '../../integrations/payment/signature';
import { requestMessage, signatureHeaders as postalSignature } from '../../integrations/postal/signing';
import { formatS10 } from '../../integrations/postal/tracking-number';
import { applicantIds, dossierClient, eventually, http, payFeeAtCounter, PAYMENT_SECRET, POSTAL_SECRET, submitSample, type HttpAnswer } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

/**
 * Issue 14, finding 9 (headers and exposure) and the callback part of finding 1, on the real
 * app: every answer carries nosniff, no-framing and a Content-Security-Policy fit for its kind
 * of page; routes match in their exact case; the sandboxes send callbacks to this deployment
 * only; a correctly signed callback about an id that cannot be ours is a 4xx the provider stops
 * retrying, with nothing recorded.
 */

/** A Content-Security-Policy header as directive → sources. */
function csp(headers: Headers): Record<string, string[]> {
  const raw = headers.get('content-security-policy');
  expect(raw, 'Content-Security-Policy header').toBeTruthy();
  return Object.fromEntries(
    raw!
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...sources] = d.split(/\s+/);
        return [name!, sources];
      }),
  );
}

/** What every answer carries, whatever its kind. */
function expectBaseHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-powered-by')).toBeNull();
  expect(csp(headers)['frame-ancestors']).toEqual(["'none'"]);
}

const JSON_API_POLICY = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

describe('security headers', () => {
  const { api } = useStack({ name: 'sec-headers' });
  const { officer, citizen } = dossierClient(() => api);
  const nextIdNumber = applicantIds('0795');

  it('JSON answers: nosniff, no framing, and a policy that loads nothing', async () => {
    const res = await http('GET', `${api.baseUrl}/api/v1/procedures`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expectBaseHeaders(res.headers);
    expect(csp(res.headers)).toEqual(JSON_API_POLICY);
  });

  it('problem+json answers (404, 401, 422) carry the same headers', async () => {
    const answers: HttpAnswer[] = [
      await http('GET', `${api.baseUrl}/api/v1/no-such-thing`),
      await http('GET', `${api.baseUrl}/api/v1/procedures`, { headers: { Authorization: 'Bearer not-a-token' } }),
      await http('POST', `${api.baseUrl}/api/v1/sla/preview`, { body: { receivedAt: 'yesterday' } }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 401, 422]);
    for (const a of answers) {
      expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expectBaseHeaders(a.headers);
      expect(csp(a.headers)).toEqual(JSON_API_POLICY);
    }
  });

  it('routes match in their exact case: another casing is an unknown address', async () => {
    expect((await fetch(`${api.baseUrl}/metrics`)).status).toBe(200); // open in development
    for (const path of ['/METRICS', '/Metrics', '/API/v1/procedures', '/api/V1/procedures', '/api/v1/Procedures', '/Health', '/api/DOCS']) {
      const res = await http('GET', `${api.baseUrl}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.body.title).toBe('Not found');
    }
  });

  it('HTML documents (Form 01 receipt, stop notice): no script, nothing loaded, sandboxed, not framable', async () => {
    const idNumber = nextIdNumber();
    const submitted = await submitSample(api.baseUrl, idNumber, {}, 'sec-headers');
    expect(submitted.status).toBe(201);
    const code: string = submitted.body.code;
    await payFeeAtCounter(api.baseUrl, code);
    expect((await officer(code, 'intake/accept', 'motcua.saigon')).status).toBe(200);

    const receipt = await http('GET', `${api.baseUrl}/api/v1/dossiers/${code}/receipt`, { headers: { 'X-User-Id': 'motcua.saigon', Accept: 'text/html' } });
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toMatch(/^text\/html/);
    expect(receipt.body).toContain('Giấy tiếp nhận hồ sơ');

    expect((await citizen(code, 'withdraw', { idNumber, reason: 'Không còn nhu cầu' })).status).toBe(200);
    const notice = await eventually(
      () => http('POST', `${api.baseUrl}/api/v1/citizen/dossiers/${code}/result`, { body: { idNumber } }),
      (r) => r.status === 200,
    );
    expect(notice.headers.get('content-type')).toMatch(/^text\/html/);
    expect(notice.body).toContain('Thông báo dừng giải quyết hồ sơ');

    for (const page of [receipt, notice]) {
      expectBaseHeaders(page.headers);
      const policy = csp(page.headers);
      expect(policy['default-src']).toEqual(["'none'"]);
      expect(policy['sandbox']).toEqual([]);
      expect(policy['form-action']).toEqual(["'none'"]);
      expect(policy['base-uri']).toEqual(["'none'"]);
      expect(policy['script-src']).toBeUndefined();
      // The documents use none of what the policy forbids: no script, style sheet or image.
      expect(page.body).not.toMatch(/<script|<link|<img|<style|style=/i);
    }
  });

  it('Swagger UI: scripts and style sheet from this server only, no inline script', async () => {
    const page = await fetch(`${api.baseUrl}/api/docs`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expectBaseHeaders(page.headers);
    const policy = csp(page.headers);
    expect(policy['default-src']).toEqual(["'none'"]);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(Object.values(policy).flat().filter((s) => /^https?:|^\*$/.test(s))).toEqual([]); // no other origin
    // Every script the page runs is a file of this server's, which the policy allows.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThanOrEqual(3);
    for (const [, attrs, body] of scripts) {
      expect(body!.trim()).toBe('');
      const src = /src="([^"]+)"/.exec(attrs!)?.[1];
      expect(src).toMatch(/^\/api\/docs\/assets\//);
      const asset = await fetch(`${api.baseUrl}${src}`);
      expect(asset.status, src).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(/javascript/);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const init = await (await fetch(`${api.baseUrl}/api/docs/assets/init.js`)).text();
    expect(init).toContain("url: '/api/openapi.json'");
  });

  it('the sandbox checkout page: its inline style and a form posting to itself, no script', async () => {
    const page = await fetch(`${api.baseUrl}/sandbox/payment-gateway/pay/SBXNOSUCHPAYMENT`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expectBaseHeaders(page.headers);
    const policy = csp(page.headers);
    expect(policy).toMatchObject({ 'default-src': ["'none'"], 'style-src': ["'unsafe-inline'"], 'form-action': ["'self'"] });
    expect(policy['script-src']).toBeUndefined();
  });
});

describe('provider callbacks', () => {
  const { api } = useStack({ name: 'sec-callbacks', worker: false });
  const futureIso = () => new Date(Date.now() + 15 * 60_000).toISOString();

  /** A merchant create, signed with the stack's gateway secret as the API's own client signs it. */
  const createPayment = (body: Record<string, unknown>) => {
    const raw = JSON.stringify(body);
    return fetch(`${api.baseUrl}/sandbox/payment-gateway/payments`, { method: 'POST', headers: { 'content-type': 'application/json', ...paymentSignature(PAYMENT_SECRET, raw, new Date()) }, body: raw });
  };

  it('the payment sandbox refuses a callbackUrl off this deployment, and stores nothing', async () => {
    const paymentId = randomUUID();
    const request = { paymentId, amountVnd: 50_000, description: 'Phí thử', returnUrl: `${api.baseUrl}/api/v1/status/x`, expiresAt: futureIso() };
    for (const foreign of ['http://169.254.169.254/latest/meta-data', 'http://127.0.0.1:1/steal', `${api.baseUrl}.evil.example/cb`, `http://user:pw@${new URL(api.baseUrl).host}/cb`, 'ftp://example.org/cb']) {
      const refused = await createPayment({ ...request, callbackUrl: foreign });
      expect(refused.status, foreign).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('callbackUrl') });
    }
    // Nothing was kept under that paymentId: a create with this deployment's callback is new (201), not a replay or a conflict.
    const accepted = await createPayment({ ...request, callbackUrl: `${api.baseUrl}/api/v1/payments/callback` });
    expect(accepted.status).toBe(201);
    const { providerRef } = (await accepted.json()) as { providerRef: string };
    expect(api.gateway.payment(providerRef)?.callbackUrl).toBe(`${api.baseUrl}/api/v1/payments/callback`);
  });

  it('the postal sandbox refuses a callbackUrl off this deployment, and stores nothing', async () => {
    const shipmentId = randomUUID();
    const address = { recipientName: 'Nguyễn Văn An', phone: '0912345678', line: '1 Lê Lợi', ward: 'Phường Sài Gòn', province: 'Thành phố Hồ Chí Minh' };
    const request = { shipmentId, dossierCode: '000.20.20.H29-260101-0001', contents: 'Kết quả', sender: address, recipient: address, weightGrams: 100 };
    const create = (callbackUrl: string) => {
      const raw = JSON.stringify({ ...request, callbackUrl });
      return fetch(`${api.baseUrl}/sandbox/postal/shipments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...postalSignature(POSTAL_SECRET, requestMessage('POST', '/shipments', raw), Date.now()) },
        body: raw,
      });
    };
    for (const foreign of ['http://10.0.0.5/internal', 'https://attacker.example/cb', `http://127.0.0.1:${Number(new URL(api.baseUrl).port) + 1}/api/v1/postal/callback`]) {
      const refused = await create(foreign);
      expect(refused.status, foreign).toBe(400);
      expect(((await refused.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['callbackUrl']);
    }
    const accepted = await create(`${api.baseUrl}/api/v1/postal/callback`);
    expect(accepted.status).toBe(201); // not 200 (replayed) nor 409 (reused): nothing was stored before
  });

  it('a correctly signed payment callback about a malformed or unknown payment id is a 404 with a reason, and records nothing', async () => {
    const before = await api.db('dossier_payments').count<{ count: string }[]>('* as count');
    const send = async (paymentId: string) => {
      const raw = JSON.stringify({ providerRef: 'SBX0123456789ABCDEF0123', paymentId, status: 'paid', amountVnd: 50_000, occurredAt: new Date().toISOString(), bankTransactionNo: '12345678' });
      return http('POST', `${api.baseUrl}/api/v1/payments/callback`, { body: raw, headers: { 'content-type': 'application/json', ...paymentSignature(PAYMENT_SECRET, raw, new Date()) } });
    };
    for (const malformed of ['not-a-uuid', "1' OR '1'='1", '00000000-0000-0000-0000-00000000000g', 'x'.repeat(100)]) {
      const r = await send(malformed);
      expect(r.status, malformed).toBe(404);
      expect(r.body).toMatchObject({ title: 'Unknown payment', reason: 'MalformedPaymentId' });
    }
    const unknown = await send(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.reason).toBe('UnknownPayment');
    // The signature still matters: the same body unsigned is refused before anything is looked up.
    const unsigned = await http('POST', `${api.baseUrl}/api/v1/payments/callback`, { body: JSON.stringify({ paymentId: 'not-a-uuid' }), headers: { 'content-type': 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect(await api.db('dossier_payments').count<{ count: string }[]>('* as count')).toEqual(before);
  });

  it('a correctly signed payment callback with another amount than due is a 422, and the payment stays unpaid', async () => {
    const submitted = await submitSample(api.baseUrl, applicantIds('0798')(), {}, 'amount');
    const dossier = await api.db('dossiers').where({ code: submitted.body.code }).first('id');
    const paymentId = randomUUID();
    const providerRef = `SBX${randomUUID().replace(/-/g, '').slice(0, 20).toUpperCase()}`;
    await api.db('dossier_payments').insert({ id: paymentId, dossier_id: dossier.id, method: 'online', status: 'pending', amount_vnd: 50_000, provider: 'sandbox', provider_ref: providerRef });
    const raw = JSON.stringify({ providerRef, paymentId, status: 'paid', amountVnd: 5_000, occurredAt: new Date().toISOString(), bankTransactionNo: '12345678' });
    const r = await http('POST', `${api.baseUrl}/api/v1/payments/callback`, { body: raw, headers: { 'content-type': 'application/json', ...paymentSignature(PAYMENT_SECRET, raw, new Date()) } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ title: 'Amount mismatch', reason: 'AmountMismatch' });
    expect(await api.db('dossier_payments').where('id', paymentId).first('status', 'receipt_code')).toEqual({ status: 'pending', receipt_code: null });
    await api.db('dossier_payments').where('id', paymentId).del();
  });

  it('a correctly signed postal callback about a malformed or unknown shipment id is a 404 with a reason, and records nothing', async () => {
    const before = await api.db('dossier_shipments').select('id', 'status');
    const send = async (shipmentId: string) => {
      const raw = JSON.stringify({ trackingNumber: formatS10('EB', '12345678'), shipmentId, status: 'in_transit', occurredAt: new Date().toISOString() });
      return http('POST', `${api.baseUrl}/api/v1/postal/callback`, { body: raw, headers: { 'content-type': 'application/json', ...postalSignature(POSTAL_SECRET, raw, Date.now()) } });
    };
    for (const malformed of ['ship-1', '%ff', '123']) {
      const r = await send(malformed);
      expect(r.status, malformed).toBe(404);
      expect(r.body).toMatchObject({ title: 'Unknown shipment', reason: 'MalformedShipmentId' });
    }
    const unknown = await send(randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.reason).toBe('UnknownShipment');
    expect(await api.db('dossier_shipments').select('id', 'status')).toEqual(before);
  });
});
