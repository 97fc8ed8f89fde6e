import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PostalRequestError, PostalSignatureError, type CreateShipmentRequest, type PostalProvider, type ShipmentEvent } from '../../integrations/postal/provider';
import { createSandboxPostalProvider } from '../../integrations/postal/sandbox-client';
import { createSandboxPostalService, type SandboxPostalService } from '../../integrations/postal/sandbox-postal-service';
import { formatS10, isValidS10, s10CheckDigit } from '../../integrations/postal/tracking-number';
import { sandboxPostalRoutes } from '../../api/sandbox-postal';

const SECRET = 'postal-test-secret';

/** Independent of the module under test: UPU S10 weights 8 6 4 2 3 5 9 7, mod 11, 10 → 0, 11 → 5. */
function expectedCheckDigit(serial: string): number {
  const sum = [8, 6, 4, 2, 3, 5, 9, 7].reduce((acc, w, i) => acc + w * Number(serial[i]), 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}

async function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

const close = (server: Server | undefined) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

interface Received {
  rawBody: string;
  headers: Record<string, string | undefined>;
  answered: number;
}

describe('postal service sandbox over HTTP', () => {
  let sandbox: SandboxPostalService;
  let postal: PostalProvider;
  let postalServer: Server;
  let postalUrl: string;
  let receiverServer: Server;
  let callbackBase: string;
  /** Callbacks as the receiver saw them, per shipment id (the path segment). */
  const received = new Map<string, Received[]>();
  /** How many more times the receiver answers 503 to a shipment, to exercise retries. */
  const failuresLeft = new Map<string, number>();
  let seq = 0;

  beforeAll(async () => {
    const receiver = express();
    receiver.post('/callbacks/:shipmentId', express.text({ type: '*/*' }), (req, res) => {
      const id = String(req.params.shipmentId);
      const left = failuresLeft.get(id) ?? 0;
      const answered = left > 0 ? 503 : 204;
      if (left > 0) failuresLeft.set(id, left - 1);
      const list = received.get(id) ?? [];
      list.push({ rawBody: req.body as string, headers: req.headers as Record<string, string | undefined>, answered });
      received.set(id, list);
      res.status(answered).end();
    });
    ({ server: receiverServer, url: callbackBase } = await listen(receiver));

    // Callbacks go to the receiver's deployment only.
    sandbox = createSandboxPostalService({ secret: SECRET, callbackBase, callbackBackoffMs: 10, callbackTimeoutMs: 2_000 });
    const postalApp = express();
    postalApp.use('/sandbox/postal', sandboxPostalRoutes(sandbox));
    ({ server: postalServer, url: postalUrl } = await listen(postalApp));
    postal = createSandboxPostalProvider({ baseUrl: `${postalUrl}/sandbox/postal`, secret: SECRET });
  });

  afterAll(async () => {
    sandbox?.close();
    await Promise.all([close(postalServer), close(receiverServer)]);
  });

  let request: CreateShipmentRequest;
  beforeEach(() => {
    seq += 1;
    const shipmentId = `ship-${process.pid}-${seq}`;
    request = {
      shipmentId,
      dossierCode: `000.20.20.H29-250915-${String(seq).padStart(4, '0')}`,
      sender: { recipientName: 'UBND Phường Sài Gòn', phone: '028 3829 1234', line: '86 Lê Thánh Tôn', ward: 'Phường Sài Gòn', province: 'TP. Hồ Chí Minh' },
      recipient: { recipientName: 'Nguyễn Văn An', phone: '0912345678', line: '12 Nguyễn Huệ', ward: 'Phường Sài Gòn', province: 'TP. Hồ Chí Minh' },
      contents: 'Giấy chứng nhận đăng ký hộ kinh doanh',
      weightGrams: 200,
      callbackUrl: `${callbackBase}/callbacks/${shipmentId}`,
    };
  });

  /** Callbacks the receiver acknowledged, verified the way the back office will verify them. */
  const acknowledged = (shipmentId: string): ShipmentEvent[] =>
    (received.get(shipmentId) ?? []).filter((r) => r.answered < 300).map((r) => postal.verifyCallback(r.rawBody, r.headers));

  it('computes UPU S10 check digits, including the 10 → 0 and 11 → 5 cases', () => {
    expect(s10CheckDigit('12345678')).toBe(5);
    expect(formatS10('EB', '12345678')).toBe('EB123456785VN');
    expect(isValidS10('RA473124829GB')).toBe(true); // Royal Mail's published example
    expect(isValidS10('RA473124828GB')).toBe(false);
    const serials = Array.from({ length: 2000 }, (_, i) => String(i * 49_999 + 7).padStart(8, '0'));
    for (const serial of serials) expect(s10CheckDigit(serial)).toBe(expectedCheckDigit(serial));
    const remainder = (s: string) => [8, 6, 4, 2, 3, 5, 9, 7].reduce((acc, w, i) => acc + w * Number(s[i]), 0) % 11;
    expect(s10CheckDigit(serials.find((s) => remainder(s) === 1)!)).toBe(0);
    expect(s10CheckDigit(serials.find((s) => remainder(s) === 0)!)).toBe(5);
  });

  it('creates a shipment with a Vietnam Post S10 tracking number and an accepted callback', async () => {
    const created = await postal.createShipment(request);
    expect(created.trackingNumber).toMatch(/^EB\d{9}VN$/);
    const serial = created.trackingNumber.slice(2, 10);
    expect(Number(created.trackingNumber[10])).toBe(expectedCheckDigit(serial));
    expect(created.feeVnd).toBe(20_000);
    expect(Date.parse(created.acceptedAt)).not.toBeNaN();
    await sandbox.whenIdle();
    expect(acknowledged(request.shipmentId)).toEqual([
      { trackingNumber: created.trackingNumber, shipmentId: request.shipmentId, status: 'accepted', occurredAt: created.acceptedAt },
    ]);
  });

  it('is idempotent on shipmentId and refuses the same id for a different shipment', async () => {
    const first = await postal.createShipment(request);
    const again = await postal.createShipment({ ...request, recipient: { ...request.recipient } });
    expect(again).toEqual(first);
    await sandbox.whenIdle();
    expect(acknowledged(request.shipmentId).map((e) => e.status)).toEqual(['accepted']);
    const reused = await postal.createShipment({ ...request, weightGrams: 900 }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(PostalRequestError);
    expect(reused).toMatchObject({ status: 409, retryable: false });
  });

  it('charges 20,000 VND up to 250 g and 5,000 VND per started 250 g after that', async () => {
    const fees: Record<number, number> = {};
    for (const weightGrams of [1, 250, 251, 500, 501, 1000, 2000]) {
      fees[weightGrams] = (await postal.createShipment({ ...request, shipmentId: `${request.shipmentId}-w${weightGrams}`, weightGrams })).feeVnd;
    }
    expect(fees).toEqual({ 1: 20_000, 250: 20_000, 251: 25_000, 500: 25_000, 501: 30_000, 1000: 35_000, 2000: 55_000 });
    const zero = await postal.createShipment({ ...request, weightGrams: 0 }).catch((e: unknown) => e);
    expect(zero).toMatchObject({ status: 400 });
    expect((zero as Error).message).toContain('weightGrams');
  });

  it('refuses a recipient without phone, line or province, or with a foreign phone, with 400', async () => {
    const missing = await postal
      .createShipment({ ...request, recipient: { ...request.recipient, phone: '', line: ' ', province: undefined as unknown as string } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PostalRequestError);
    expect(missing).toMatchObject({ status: 400, retryable: false, body: { error: 'invalid_address' } });
    const fields = ((missing as PostalRequestError).body as { errors: { field: string }[] }).errors.map((e) => e.field);
    expect(fields.sort()).toEqual(['recipient.line', 'recipient.phone', 'recipient.province']);
    expect((missing as Error).message).toContain('Thiếu số điện thoại người nhận');

    const foreign = await postal.createShipment({ ...request, recipient: { ...request.recipient, phone: '+1 415 555 0100' } }).catch((e: unknown) => e);
    expect(foreign).toMatchObject({ status: 400 });
    expect((foreign as Error).message).toMatch(/recipient\.phone.*không phải số Việt Nam/);

    for (const phone of ['+84912345678', '0912.345.678', '024 3825 3535']) {
      await expect(postal.createShipment({ ...request, shipmentId: `${request.shipmentId}-${phone}`, recipient: { ...request.recipient, phone } })).resolves.toBeTruthy();
    }
  });

  it('refuses unsigned, forged and replayed-elsewhere requests with 401', async () => {
    const body = JSON.stringify(request);
    const post = (headers: Record<string, string>) =>
      fetch(`${postalUrl}/sandbox/postal/shipments`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({})).status).toBe(401);
    const ts = String(Date.now());
    const forged = createHmac('sha256', 'not-the-secret').update(`${ts}.POST /shipments\n${body}`).digest('hex');
    expect((await post({ 'x-timestamp': ts, 'x-signature': forged })).status).toBe(401);
    // A body-only signature is what a callback carries; it must not authorise an API call.
    const bodyOnly = createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex');
    expect((await post({ 'x-timestamp': ts, 'x-signature': bodyOnly })).status).toBe(401);
    const good = createHmac('sha256', SECRET).update(`${ts}.POST /shipments\n${body}`).digest('hex');
    const res = await post({ 'x-timestamp': ts, 'x-signature': good });
    expect(res.status).toBe(201);
    expect((await fetch(`${postalUrl}/sandbox/postal/shipments/${((await res.json()) as { trackingNumber: string }).trackingNumber}`)).status).toBe(401);
  });

  it('follows a shipment to delivery with signed callbacks in order, retried past failures', async () => {
    failuresLeft.set(request.shipmentId, 2); // the receiver is down for the accepted callback's first two attempts
    const { trackingNumber } = await postal.createShipment(request);
    sandbox.advance(trackingNumber, 'in_transit', { note: 'Đã đến bưu cục phát Sài Gòn' });
    sandbox.advance(trackingNumber, 'out_for_delivery');
    const delivered = await fetch(`${postalUrl}/sandbox/postal/shipments/${trackingNumber}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'delivered', receivedBy: 'Nguyễn Văn An (CCCD 079123456789)' }),
    });
    expect(delivered.status).toBe(201);
    await sandbox.whenIdle();

    const events = acknowledged(request.shipmentId);
    expect(events.map((e) => e.status)).toEqual(['accepted', 'in_transit', 'out_for_delivery', 'delivered']);
    expect(events.every((e) => e.trackingNumber === trackingNumber && e.shipmentId === request.shipmentId)).toBe(true);
    expect(events[1]!.note).toBe('Đã đến bưu cục phát Sài Gòn');
    expect(events[3]!.receivedBy).toBe('Nguyễn Văn An (CCCD 079123456789)');
    const attempts = sandbox.callbackAttempts(trackingNumber);
    expect(attempts.filter((a) => a.status === 'accepted').map((a) => a.httpStatus)).toEqual([503, 503, 204]);
    expect(attempts.every((a) => a.status === 'accepted' || a.attempt === 1)).toBe(true);
  });

  it('gives up on a callback after 5 attempts and still delivers the next one', async () => {
    failuresLeft.set(request.shipmentId, 5);
    const { trackingNumber } = await postal.createShipment(request);
    sandbox.advance(trackingNumber, 'cancelled', { note: 'Người gửi hủy' });
    await sandbox.whenIdle();
    const attempts = sandbox.callbackAttempts(trackingNumber);
    expect(attempts.filter((a) => a.status === 'accepted').map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.some((a) => a.delivered && a.status === 'accepted')).toBe(false);
    expect(acknowledged(request.shipmentId).map((e) => e.status)).toEqual(['cancelled']);
  });

  it('returns an undeliverable shipment with its reason', async () => {
    const { trackingNumber } = await postal.createShipment(request);
    const operate = (body: unknown) =>
      fetch(`${postalUrl}/sandbox/postal/shipments/${trackingNumber}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await operate({ status: 'in_transit' })).status).toBe(201);
    expect((await operate({ status: 'out_for_delivery' })).status).toBe(201);
    const noReason = await operate({ status: 'returned' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { message: string }).message).toContain('returnReason');
    expect((await operate({ status: 'returned', returnReason: 'Người nhận vắng nhà sau 3 lần phát', note: 'Chuyển hoàn' })).status).toBe(201);
    await sandbox.whenIdle();
    const events = acknowledged(request.shipmentId);
    expect(events.map((e) => e.status)).toEqual(['accepted', 'in_transit', 'out_for_delivery', 'returned']);
    expect(events[3]).toMatchObject({ returnReason: 'Người nhận vắng nhà sau 3 lần phát', note: 'Chuyển hoàn' });
    expect(events[3]!.receivedBy).toBeUndefined();
  });

  it('answers 409 to a transition out of order or out of a final state', async () => {
    const { trackingNumber } = await postal.createShipment(request);
    const operate = (status: string, extra: Record<string, string> = {}) =>
      fetch(`${postalUrl}/sandbox/postal/shipments/${trackingNumber}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status, ...extra }),
      });
    const skip = await operate('delivered', { receivedBy: 'X' });
    expect(skip.status).toBe(409);
    expect(((await skip.json()) as { message: string }).message).toContain('accepted: cannot become delivered');
    expect((await operate('in_transit')).status).toBe(201);
    expect((await operate('cancelled')).status).toBe(409); // only before it leaves the post office
    expect((await operate('in_transit')).status).toBe(409);
    expect((await operate('accepted')).status).toBe(409);
    expect((await operate('lost')).status).toBe(400);
    expect((await operate('out_for_delivery')).status).toBe(201);
    expect((await operate('delivered', { receivedBy: 'Nguyễn Văn An' })).status).toBe(201);
    expect((await operate('returned', { returnReason: 'late' })).status).toBe(409);
    expect(() => sandbox.advance('EB000000005VN', 'in_transit')).toThrow(/No shipment/);
    expect((await fetch(`${postalUrl}/sandbox/postal/shipments/EB000000005VN/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"status":"in_transit"}' })).status).toBe(404);
  });

  it('rejects forged, tampered, stale, unsigned and malformed callbacks', async () => {
    const event: ShipmentEvent = { trackingNumber: 'EB123456785VN', shipmentId: 'ship-x', status: 'delivered', occurredAt: new Date().toISOString(), receivedBy: 'A' };
    const body = JSON.stringify(event);
    const sign = (raw: string, ts: number, secret = SECRET) => ({
      'x-timestamp': String(ts),
      'x-signature': createHmac('sha256', secret).update(`${ts}.${raw}`).digest('hex'),
    });
    expect(postal.verifyCallback(body, sign(body, Date.now()))).toEqual(event);
    // Headers in any case; one signature, both headers from it (two calls could straddle a millisecond).
    const signed = sign(body, Date.now());
    expect(postal.verifyCallback(body, { 'X-Timestamp': signed['x-timestamp'], 'X-Signature': signed['x-signature'] })).toEqual(event);

    const refused = (raw: string, headers: Record<string, string | undefined>) => () => postal.verifyCallback(raw, headers);
    expect(refused(body, sign(body, Date.now(), 'attacker'))).toThrow(PostalSignatureError);
    expect(refused(body.replace('"A"', '"B"'), sign(body, Date.now()))).toThrow(/does not match/);
    expect(refused(body, sign(body, Date.now() - 11 * 60_000))).toThrow(/10-minute window/);
    expect(refused(body, sign(body, Date.now() + 11 * 60_000))).toThrow(/10-minute window/);
    const stale = sign(body, Date.now() - 11 * 60_000);
    expect(refused(body, { ...stale, 'x-timestamp': String(Date.now()) })).toThrow(/does not match/); // fresh timestamp on an old signature
    expect(refused(body, {})).toThrow(/missing/);
    expect(refused(body, { ...sign(body, Date.now()), 'x-signature': 'abc' })).toThrow(PostalSignatureError);
    expect(refused('{not json', sign('{not json', Date.now()))).toThrow(/not JSON/);
    const noReceiver = JSON.stringify({ ...event, receivedBy: undefined });
    expect(refused(noReceiver, sign(noReceiver, Date.now()))).toThrow(/received/);
    const badStatus = JSON.stringify({ ...event, status: 'lost' });
    expect(refused(badStatus, sign(badStatus, Date.now()))).toThrow(PostalSignatureError);
  });

  it('returns the shipment history from getShipment', async () => {
    const { trackingNumber, acceptedAt } = await postal.createShipment(request);
    sandbox.advance(trackingNumber, 'in_transit');
    sandbox.advance(trackingNumber, 'out_for_delivery', { note: 'Bưu tá Trần Văn Bình' });
    const shipment = await postal.getShipment(trackingNumber);
    expect(shipment.status).toBe('out_for_delivery');
    expect(shipment.events.map((e) => e.status)).toEqual(['accepted', 'in_transit', 'out_for_delivery']);
    expect(shipment.events[0]!.occurredAt).toBe(acceptedAt);
    expect(shipment.events[2]!.note).toBe('Bưu tá Trần Văn Bình');
    const missing = await postal.getShipment('EB000000005VN').catch((e: unknown) => e);
    expect(missing).toMatchObject({ status: 404, retryable: false });
    await sandbox.whenIdle();
    expect(acknowledged(request.shipmentId)).toEqual(shipment.events);
  });
});
