import { createHmac, timingSafeEqual } from 'node:crypto';
import { PaymentSignatureError, type CallbackHeaders, type PaymentEvent } from './provider';

/**
 * The HMAC scheme shared by the merchant and the gateway, in both directions:
 * `x-signature = hex(HMAC-SHA256(secret, `${x-timestamp}.${payload}`))`, where `x-timestamp` is
 * milliseconds since the epoch and the payload is the exact raw body. A request without a body
 * signs its request line instead (`GET /payments/<ref>`, relative to the gateway's base URL), so
 * a captured signature cannot be replayed against another payment.
 */
export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-timestamp';
/** Older signatures are refused so a captured callback cannot be replayed later. */
export const SIGNATURE_MAX_AGE_MS = 10 * 60 * 1000;

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const EPOCH_MS = /^\d{1,16}$/;

export function assertUsableSecret(secret: string): void {
  // A short or empty secret would make every signature forgeable; fail at wiring time instead.
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new Error('payment gateway secret must be a string of at least 16 characters');
  }
}

export function signPayload(secret: string, timestampMs: number, payload: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}.${payload}`, 'utf8').digest('hex');
}

export function signatureHeaders(secret: string, payload: string, now: Date): Record<string, string> {
  const timestamp = now.getTime();
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signPayload(secret, timestamp, payload) };
}

function header(headers: CallbackHeaders, name: string): string | undefined {
  let found: string | undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    if (Array.isArray(value) || found !== undefined) throw new PaymentSignatureError(`header ${name} appears more than once`);
    found = value;
  }
  return found;
}

/** Throws PaymentSignatureError unless `payload` was signed with `secret` within the allowed age. */
export function verifySignature(
  secret: string,
  payload: string,
  headers: CallbackHeaders,
  now: Date,
  maxAgeMs: number = SIGNATURE_MAX_AGE_MS,
): void {
  const signature = header(headers, SIGNATURE_HEADER)?.trim();
  const timestamp = header(headers, TIMESTAMP_HEADER)?.trim();
  if (!signature) throw new PaymentSignatureError(`missing ${SIGNATURE_HEADER} header`);
  if (!timestamp) throw new PaymentSignatureError(`missing ${TIMESTAMP_HEADER} header`);
  if (!EPOCH_MS.test(timestamp)) throw new PaymentSignatureError(`${TIMESTAMP_HEADER} must be milliseconds since the epoch`);
  if (!HEX_SHA256.test(signature)) throw new PaymentSignatureError(`${SIGNATURE_HEADER} must be a hex HMAC-SHA256`);
  const timestampMs = Number(timestamp);
  const skew = now.getTime() - timestampMs;
  // Future timestamps are bounded too, otherwise a message signed "tomorrow" would stay replayable.
  if (Math.abs(skew) > maxAgeMs) {
    throw new PaymentSignatureError(
      `${TIMESTAMP_HEADER} ${new Date(timestampMs).toISOString()} is ${skew > 0 ? 'older' : 'later'} than the allowed ${maxAgeMs / 60000} minutes`,
    );
  }
  const expected = Buffer.from(signPayload(secret, timestampMs, payload), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new PaymentSignatureError('signature does not match the body: wrong secret or tampered message');
  }
}

const EVENT_STATUSES: ReadonlySet<string> = new Set<PaymentEvent['status']>(['paid', 'failed', 'expired']);

export function isPositiveVnd(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

export function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && !Number.isNaN(Date.parse(value));
}

/**
 * Reads a payment event from an already authenticated body. A signed but malformed body is still
 * refused as a signature error: the merchant must not act on anything it cannot fully read.
 */
export function parsePaymentEvent(rawBody: string): PaymentEvent {
  let data: unknown;
  try {
    data = JSON.parse(rawBody);
  } catch {
    throw new PaymentSignatureError('callback body is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new PaymentSignatureError('callback body is not a JSON object');
  }
  const e = data as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof e.providerRef !== 'string' || !e.providerRef) problems.push('providerRef');
  if (typeof e.paymentId !== 'string' || !e.paymentId) problems.push('paymentId');
  if (typeof e.status !== 'string' || !EVENT_STATUSES.has(e.status)) problems.push('status');
  if (!isPositiveVnd(e.amountVnd)) problems.push('amountVnd');
  if (!isIsoInstant(e.occurredAt)) problems.push('occurredAt');
  if (e.bankTransactionNo !== undefined && typeof e.bankTransactionNo !== 'string') problems.push('bankTransactionNo');
  if (problems.length > 0) throw new PaymentSignatureError(`callback body has invalid or missing fields: ${problems.join(', ')}`);
  const event: PaymentEvent = {
    providerRef: e.providerRef as string,
    paymentId: e.paymentId as string,
    status: e.status as PaymentEvent['status'],
    amountVnd: e.amountVnd as number,
    occurredAt: e.occurredAt as string,
  };
  if (typeof e.bankTransactionNo === 'string') event.bankTransactionNo = e.bankTransactionNo;
  return event;
}
