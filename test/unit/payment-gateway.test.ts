import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaymentProviderError, PaymentSignatureError, type PaymentProvider } from '../../integrations/payment/provider';
import { createSandboxPaymentProvider } from '../../integrations/payment/sandbox-client';
import { createSandboxGateway, type SandboxGateway } from '../../integrations/payment/sandbox-gateway';
import { signatureHeaders } from '../../integrations/payment/signature';
import { sandboxPaymentGatewayRoutes } from '../../api/sandbox-payment-gateway';

const SECRET = 'sandbox-secret-for-tests-0123456789';
const MINUTE = 60_000;

interface Listening {
  url: string;
  close(): Promise<void>;
}

async function listen(app: express.Express): Promise<Listening> {
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Arrival {
  body: string;
  headers: Record<string, string | undefined>;
}

/** The whole cast: the gateway on its own server, a merchant callback receiver, and the merchant's provider client. */
interface Stack {
  gateway: SandboxGateway;
  provider: PaymentProvider;
  gatewayUrl: string;
  callbackUrl: string;
  returnUrl: string;
  /** Callbacks received by the merchant, in order. */
  arrivals: Arrival[];
  /** Statuses the merchant answers with before it starts answering 200. */
  merchantAnswers: number[];
  advance(ms: number): void;
  nowMs(): number;
  close(): Promise<void>;
}

async function startStack(): Promise<Stack> {
  let clock = Date.parse('2025-06-02T02:00:00.000Z');
  const now = () => new Date(clock);
  const arrivals: Arrival[] = [];
  const merchantAnswers: number[] = [];
  const merchantApp = express();
  // Raw text, not parsed JSON: the signature covers the exact bytes.
  merchantApp.post('/callbacks/payment', express.text({ type: '*/*' }), (req, res) => {
    arrivals.push({ body: String(req.body ?? ''), headers: { 'x-signature': req.get('x-signature'), 'x-timestamp': req.get('x-timestamp') } });
    res.status(merchantAnswers.shift() ?? 200).json({ received: true });
  });
  const merchantServer = await listen(merchantApp);

  // Callbacks go to the merchant's deployment only.
  const gateway = createSandboxGateway({ secret: SECRET, now, callbackBase: merchantServer.url, callbackRetryDelaysMs: [5, 10, 20, 40] });
  const gatewayApp = express();
  gatewayApp.use('/sandbox/payment-gateway', sandboxPaymentGatewayRoutes(gateway));
  const gatewayServer = await listen(gatewayApp);

  const gatewayUrl = `${gatewayServer.url}/sandbox/payment-gateway`;
  return {
    gateway,
    provider: createSandboxPaymentProvider({ baseUrl: gatewayUrl, secret: SECRET, now }),
    gatewayUrl,
    callbackUrl: `${merchantServer.url}/callbacks/payment`,
    returnUrl: 'https://dichvucong.example.gov.vn/thanh-toan/ket-qua',
    arrivals,
    merchantAnswers,
    advance: (ms) => {
      clock += ms;
    },
    nowMs: () => clock,
    async close() {
      await gateway.close();
      await Promise.all([gatewayServer.close(), merchantServer.close()]);
    },
  };
}

describe('sandbox payment gateway', () => {
  let s: Stack;
  let seq = 0;
  beforeEach(async () => {
    s = await startStack();
  });
  afterEach(() => s.close());

  const feeRequest = (overrides: Partial<{ paymentId: string; amountVnd: number; expiresInMs: number }> = {}) => {
    seq += 1;
    return {
      paymentId: overrides.paymentId ?? `LP-000.20.20.H29-250602-${String(seq).padStart(4, '0')}`,
      amountVnd: overrides.amountVnd ?? 150_000,
      description: 'Lệ phí đăng ký hộ kinh doanh',
      returnUrl: s.returnUrl,
      callbackUrl: s.callbackUrl,
      expiresAt: new Date(s.nowMs() + (overrides.expiresInMs ?? 15 * MINUTE)),
    };
  };

  const payAction = (providerRef: string, action: string) =>
    fetch(`${s.gatewayUrl}/pay/${providerRef}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action }) });

  const signedPost = (path: string) =>
    fetch(`${s.gatewayUrl}${path}`, { method: 'POST', headers: signatureHeaders(SECRET, `POST ${path}`, new Date(s.nowMs())) });

  it('create → citizen pays on the checkout page → signed callback arrives and verifies', async () => {
    const req = feeRequest();
    const created = await s.provider.createPayment(req);
    expect(created.providerRef).toMatch(/^SBX[0-9A-F]{20}$/);
    expect(created.paymentUrl).toBe(`${s.gatewayUrl}/pay/${created.providerRef}`);
    expect(created.expiresAt).toBe(req.expiresAt.toISOString());

    const page = await fetch(created.paymentUrl);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Thanh toán');
    expect(html).toContain('Hủy');
    expect(html).toContain('150.000');

    // What the browser sends when the citizen clicks "Thanh toán".
    const paid = await fetch(created.paymentUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=pay',
      redirect: 'manual',
    });
    expect(paid.status).toBe(303);
    const back = new URL(paid.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(s.returnUrl);
    expect(Object.fromEntries(back.searchParams)).toEqual({ paymentId: req.paymentId, providerRef: created.providerRef, status: 'paid' });

    await s.gateway.idle();
    expect(s.arrivals).toHaveLength(1);
    const arrival = s.arrivals[0]!;
    const event = s.provider.verifyCallback(arrival.body, arrival.headers);
    expect(event).toMatchObject({ providerRef: created.providerRef, paymentId: req.paymentId, status: 'paid', amountVnd: 150_000 });
    expect(event.bankTransactionNo).toMatch(/^\d{8}$/);
    expect(event.occurredAt).toBe(new Date(s.nowMs()).toISOString());

    expect(await s.provider.queryPayment(created.providerRef)).toEqual({
      status: 'paid',
      amountVnd: 150_000,
      paymentId: req.paymentId,
      paidAt: event.occurredAt,
    });
    // A second click on the same button is answered again without a second charge or callback.
    expect((await payAction(created.providerRef, 'pay')).status).toBe(200);
    await s.gateway.idle();
    expect(s.arrivals).toHaveLength(1);
  });

  it('create is idempotent on paymentId and refuses reuse with different details', async () => {
    const req = feeRequest();
    const first = await s.provider.createPayment(req);
    // A retry computes its expiry again; it must still land on the same payment.
    const again = await s.provider.createPayment({ ...req, expiresAt: new Date(req.expiresAt.getTime() + MINUTE) });
    expect(again).toEqual(first);
    const other = await s.provider.createPayment(feeRequest());
    expect(other.providerRef).not.toBe(first.providerRef);

    const reused = s.provider.createPayment({ ...req, amountVnd: 1_000 });
    await expect(reused).rejects.toBeInstanceOf(PaymentProviderError);
    await expect(reused).rejects.toMatchObject({ status: 409, code: 'conflict' });
  });

  it('refuses amounts that are not a positive whole number of đồng, and unsigned requests', async () => {
    for (const amountVnd of [0, -10_000, 1500.5, '150000' as unknown as number]) {
      await expect(s.provider.createPayment(feeRequest({ amountVnd }))).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
    }
    const body = JSON.stringify({ ...feeRequest(), expiresAt: new Date(s.nowMs() + MINUTE).toISOString() });
    const unsigned = await fetch(`${s.gatewayUrl}/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const wrongSecret = createSandboxPaymentProvider({ baseUrl: s.gatewayUrl, secret: 'not-the-shared-secret-at-all', now: () => new Date(s.nowMs()) });
    await expect(wrongSecret.createPayment(feeRequest())).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    await expect(s.provider.queryPayment('SBXNOSUCHPAYMENT')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('verifyCallback rejects forged, tampered, unsigned, stale and malformed callbacks', async () => {
    const created = await s.provider.createPayment(feeRequest({ amountVnd: 25_000 }));
    await payAction(created.providerRef, 'pay');
    await s.gateway.idle();
    const { body, headers } = s.arrivals[0]!;
    expect(s.provider.verifyCallback(body, headers).status).toBe('paid');
    const at = new Date(s.nowMs());
    const rejects = (raw: string, h: Record<string, string | undefined>, message: RegExp) => {
      expect(() => s.provider.verifyCallback(raw, h)).toThrow(PaymentSignatureError);
      expect(() => s.provider.verifyCallback(raw, h)).toThrow(message);
    };

    rejects(body, signatureHeaders('someone-elses-secret-0123456789', body, at), /signature does not match/);
    rejects(body.replace('"amountVnd":25000', '"amountVnd":2500'), headers, /signature does not match/);
    rejects(JSON.stringify(JSON.parse(body), null, 2), headers, /signature does not match/);
    rejects(body, {}, /missing x-signature/);
    rejects(body, { 'x-signature': headers['x-signature'] }, /missing x-timestamp/);
    rejects(body, signatureHeaders(SECRET, body, new Date(s.nowMs() - 11 * MINUTE)), /older than the allowed 10 minutes/);
    rejects(body, signatureHeaders(SECRET, body, new Date(s.nowMs() + 11 * MINUTE)), /later than the allowed/);
    // Correctly signed but not a payment event: still never acted upon.
    rejects('{"status":"paid"', signatureHeaders(SECRET, '{"status":"paid"', at), /not valid JSON/);
    const noAmount = JSON.stringify({ ...JSON.parse(body), amountVnd: undefined });
    rejects(noAmount, signatureHeaders(SECRET, noAmount, at), /amountVnd/);

    // Within the window the same signature is still good: freshness, not single use, is checked here.
    s.advance(9 * MINUTE);
    expect(s.provider.verifyCallback(body, headers).amountVnd).toBe(25_000);
  });

  it('a redelivered callback arrives twice with the identical body and both verify', async () => {
    const req = feeRequest();
    const created = await s.provider.createPayment(req);
    expect((await signedPost(`/payments/${created.providerRef}/redeliver`)).status).toBe(409);

    await payAction(created.providerRef, 'pay');
    await s.gateway.idle();
    s.advance(30_000);
    const redeliver = await signedPost(`/payments/${created.providerRef}/redeliver`);
    expect(redeliver.status).toBe(202);
    await s.gateway.idle();

    expect(s.arrivals).toHaveLength(2);
    const [first, second] = s.arrivals as [Arrival, Arrival];
    expect(second.body).toBe(first.body);
    expect(second.headers['x-timestamp']).not.toBe(first.headers['x-timestamp']);
    const events = s.arrivals.map((a) => s.provider.verifyCallback(a.body, a.headers));
    expect(events[1]).toEqual(events[0]);
    expect(s.gateway.deliveries(created.providerRef).map((d) => [d.kind, d.delivered])).toEqual([
      ['initial', true],
      ['redelivery', true],
    ]);
    expect((await signedPost('/payments/SBXNOSUCHPAYMENT/redeliver')).status).toBe(404);
  });

  it('retries a callback until the merchant answers 2xx, and gives up after five attempts', async () => {
    s.merchantAnswers.push(500, 503);
    const recovered = await s.provider.createPayment(feeRequest());
    await payAction(recovered.providerRef, 'pay');
    await s.gateway.idle();
    expect(s.arrivals).toHaveLength(3);
    expect(new Set(s.arrivals.map((a) => a.body)).size).toBe(1);
    expect(s.gateway.deliveries(recovered.providerRef).map((d) => d.httpStatus)).toEqual([500, 503, 200]);

    s.merchantAnswers.push(500, 500, 500, 500, 500);
    const down = await s.provider.createPayment(feeRequest());
    await payAction(down.providerRef, 'cancel');
    await s.gateway.idle();
    const attempts = s.gateway.deliveries(down.providerRef);
    expect(attempts.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.every((d) => !d.delivered)).toBe(true);
  });

  it('cancel → failed callback, and the payment can no longer be paid', async () => {
    const req = feeRequest();
    const created = await s.provider.createPayment(req);
    const cancelled = await payAction(created.providerRef, 'cancel');
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'failed' });
    await s.gateway.idle();

    expect(s.arrivals).toHaveLength(1);
    const event = s.provider.verifyCallback(s.arrivals[0]!.body, s.arrivals[0]!.headers);
    expect(event).toMatchObject({ status: 'failed', paymentId: req.paymentId, amountVnd: req.amountVnd });
    expect(event.bankTransactionNo).toBeUndefined();
    expect((await s.provider.queryPayment(created.providerRef)).status).toBe('failed');

    const payAfterCancel = await payAction(created.providerRef, 'pay');
    expect(payAfterCancel.status).toBe(409);
    expect((await payAction(created.providerRef, 'refund')).status).toBe(400);
  });

  it('expiry → expired status and callback, pay refused; sweepExpired notices without any access', async () => {
    const req = feeRequest({ expiresInMs: 15 * MINUTE });
    const created = await s.provider.createPayment(req);
    expect((await s.provider.queryPayment(created.providerRef)).status).toBe('pending');

    s.advance(15 * MINUTE);
    expect(await s.provider.queryPayment(created.providerRef)).toEqual({ status: 'expired', amountVnd: req.amountVnd, paymentId: req.paymentId });
    const refused = await payAction(created.providerRef, 'pay');
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'expired' });
    const page = await (await fetch(created.paymentUrl)).text();
    expect(page).toContain('hết hạn');
    expect(page).not.toContain('<button');

    await s.gateway.idle();
    expect(s.arrivals).toHaveLength(1);
    expect(s.provider.verifyCallback(s.arrivals[0]!.body, s.arrivals[0]!.headers)).toMatchObject({
      status: 'expired',
      paymentId: req.paymentId,
      occurredAt: req.expiresAt.toISOString(),
    });

    const quiet = await s.provider.createPayment(feeRequest({ expiresInMs: 5 * MINUTE }));
    const stillOpen = await s.provider.createPayment(feeRequest({ expiresInMs: 60 * MINUTE }));
    s.advance(6 * MINUTE);
    expect(s.gateway.sweepExpired()).toEqual([quiet.providerRef]);
    expect(s.gateway.sweepExpired()).toEqual([]);
    await s.gateway.idle();
    expect(s.arrivals.map((a) => s.provider.verifyCallback(a.body, a.headers).providerRef)).toEqual([created.providerRef, quiet.providerRef]);
    expect(s.gateway.payment(stillOpen.providerRef)?.status).toBe('pending');

    // An expired paymentId is not silently reopened by a retried create.
    expect(await s.provider.createPayment({ ...req, expiresAt: new Date(s.nowMs() + MINUTE) })).toEqual(created);
    expect((await s.provider.queryPayment(created.providerRef)).status).toBe('expired');
  });
});
