import { randomBytes, randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentSignatureError, type CallbackHeaders, type CreatePaymentRequest, type PaymentEvent, type PaymentStatus } from './provider';
import { assertUsableSecret, isIsoInstant, isPositiveVnd, signatureHeaders, verifySignature } from './signature';
import { isCallbackUrlUnder } from '../callback-url';

/**
 * A local payment gateway that behaves like VNPay / Payoo for development and tests: a signed
 * merchant API, a checkout page for the citizen, signed callbacks (IPN) retried until the
 * merchant answers 2xx, expiry, and on-demand redelivery so duplicate callbacks can be exercised.
 *
 * Its HTTP face (api/sandbox-payment-gateway.ts) is mounted before any body parser: requests are
 * authenticated over the exact raw body. This module answers them:
 *
 *   POST /payments                       signed   create (idempotent on paymentId)
 *   GET  /payments/:providerRef          signed   status, for reconciliation
 *   POST /payments/:providerRef/redeliver signed  send the settled event again
 *   GET  /pay/:providerRef                        checkout page
 *   POST /pay/:providerRef  action=pay|cancel     the citizen's choice (form or JSON)
 */

export interface SandboxGatewayOptions {
  secret: string;
  /**
   * Where callbacks may go: the public base URL of the deployment the sandbox stands in for. A
   * create naming a callbackUrl elsewhere is refused (400), so no caller makes the sandbox POST
   * signed requests to a host of its choosing.
   */
  callbackBase: string;
  /** The gateway's clock: expiry and signature timestamps follow it, so tests need not sleep. */
  now?: () => Date;
  /** Public base URL used in paymentUrl; by default derived from the create request. */
  publicUrl?: string;
  /** Waits before each retry of a callback; the default gives 5 attempts in about 4 s. */
  callbackRetryDelaysMs?: readonly number[];
  callbackTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CallbackDelivery {
  providerRef: string;
  kind: 'initial' | 'redelivery';
  attempt: number;
  at: string;
  httpStatus?: number;
  error?: string;
  delivered: boolean;
}

export interface SandboxPaymentView {
  providerRef: string;
  paymentId: string;
  amountVnd: number;
  description: string;
  status: PaymentStatus;
  expiresAt: string;
  paidAt?: string;
  bankTransactionNo?: string;
  callbackUrl: string;
}

/** A request to the merchant API, as it arrived. */
export interface MerchantRequest {
  /** The exact raw body, '' when there is none. */
  body: string;
  method: string;
  /** Relative to where the gateway is mounted: `/payments/<ref>`. */
  path: string;
  headers: CallbackHeaders;
}

/** The gateway's signed JSON answer to the merchant. */
export interface SignedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the citizen's choice on the checkout page led to: settled (or settled before), or refused. */
export type CheckoutChoice =
  | { refused: false; providerRef: string; status: PaymentStatus; returnUrl: string }
  | { refused: true; status: number; code: string; message: string };

export interface SandboxGateway {
  /** POST /payments. `mountUrl` (where the gateway is served) makes the paymentUrl when no publicUrl is configured. */
  merchantCreate(req: MerchantRequest, mountUrl: string): SignedAnswer;
  /** GET /payments/:providerRef */
  merchantStatus(req: MerchantRequest, providerRef: string): SignedAnswer;
  /** POST /payments/:providerRef/redeliver */
  merchantRedeliver(req: MerchantRequest, providerRef: string): SignedAnswer;
  /** GET /pay/:providerRef: the checkout page, or a page saying there is no such payment. */
  checkoutPage(providerRef: string): { status: number; html: string };
  /** POST /pay/:providerRef with the citizen's `action` (pay or cancel). */
  checkoutChoice(providerRef: string, action: unknown): CheckoutChoice;
  /** Expires every pending payment past its expiresAt and sends their callbacks; returns their refs. */
  sweepExpired(): string[];
  /** Sends the settled event of a payment once more, as a gateway does when it is unsure of delivery. */
  redeliver(providerRef: string): void;
  deliveries(providerRef: string): readonly CallbackDelivery[];
  payment(providerRef: string): SandboxPaymentView | undefined;
  /** Resolves when no callback delivery (including retries) is in progress. */
  idle(): Promise<void>;
  /** Abandons pending callback retries so a test or process can end. */
  close(): Promise<void>;
}

interface StoredPayment extends CreatePaymentRequest {
  providerRef: string;
  paymentUrl: string;
  status: PaymentStatus;
  paidAt?: string;
  bankTransactionNo?: string;
  /** The settled event exactly as first serialised, so every delivery carries byte-identical JSON. */
  eventBody?: string;
}

/** A refusal of the merchant API, answered as `{ code, message }` with its status. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_RETRY_DELAYS_MS = [250, 500, 1000, 2000];
const MAX_DESCRIPTION = 255;
const MAX_PAYMENT_ID = 100;

export function createSandboxGateway(options: SandboxGatewayOptions): SandboxGateway {
  assertUsableSecret(options.secret);
  new URL(options.callbackBase); // refuses a missing or malformed base at wiring time
  const secret = options.secret;
  const now = options.now ?? (() => new Date());
  const retryDelays = options.callbackRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const callbackTimeoutMs = options.callbackTimeoutMs ?? 5000;
  const fetchImpl = options.fetch ?? fetch;

  const byRef = new Map<string, StoredPayment>();
  const refByPaymentId = new Map<string, string>();
  const deliveryLog = new Map<string, CallbackDelivery[]>();
  const inFlight = new Set<Promise<void>>();
  const closing = new AbortController();

  function lookup(providerRef: string): StoredPayment {
    const p = byRef.get(providerRef);
    if (!p) throw new GatewayError(404, 'not_found', `no payment ${providerRef}`);
    expireIfDue(p);
    return p;
  }

  function expireIfDue(p: StoredPayment): boolean {
    if (p.status !== 'pending' || now().getTime() < p.expiresAt.getTime()) return false;
    settle(p, 'expired', p.expiresAt.toISOString());
    return true;
  }

  function settle(p: StoredPayment, status: PaymentEvent['status'], occurredAt: string): void {
    p.status = status;
    const event: PaymentEvent = { providerRef: p.providerRef, paymentId: p.paymentId, status, amountVnd: p.amountVnd, occurredAt };
    if (status === 'paid') {
      p.paidAt = occurredAt;
      // Eight digits, like the bank transaction numbers VNPay reports.
      p.bankTransactionNo = String(randomInt(10_000_000, 100_000_000));
      event.bankTransactionNo = p.bankTransactionNo;
    }
    p.eventBody = JSON.stringify(event);
    deliver(p, 'initial');
  }

  function deliver(p: StoredPayment, kind: CallbackDelivery['kind']): void {
    const body = p.eventBody;
    if (body === undefined) throw new GatewayError(409, 'not_settled', `payment ${p.providerRef} is still pending: there is no callback to send`);
    const run = sendWithRetries(p.providerRef, p.callbackUrl, body, kind).finally(() => inFlight.delete(run));
    inFlight.add(run);
  }

  async function sendWithRetries(providerRef: string, url: string, body: string, kind: CallbackDelivery['kind']): Promise<void> {
    const log = deliveryLog.get(providerRef) ?? [];
    deliveryLog.set(providerRef, log);
    const waits = [0, ...retryDelays];
    for (let i = 0; i < waits.length; i += 1) {
      if (closing.signal.aborted) return;
      const wait = waits[i] ?? 0;
      if (wait > 0) {
        try {
          await sleep(wait, undefined, { signal: closing.signal });
        } catch {
          return;
        }
      }
      const entry: CallbackDelivery = { providerRef, kind, attempt: i + 1, at: now().toISOString(), delivered: false };
      try {
        const res = await fetchImpl(url, {
          method: 'POST',
          // Signed at each attempt: a retry hours later must still pass the merchant's freshness check.
          headers: { 'content-type': 'application/json', ...signatureHeaders(secret, body, now()) },
          body,
          signal: AbortSignal.any([closing.signal, AbortSignal.timeout(callbackTimeoutMs)]),
        });
        await res.arrayBuffer().catch(() => undefined);
        entry.httpStatus = res.status;
        entry.delivered = res.ok;
      } catch (err) {
        entry.error = err instanceof Error ? err.message : String(err);
      }
      log.push(entry);
      if (entry.delivered) return;
    }
  }

  function view(p: StoredPayment): SandboxPaymentView {
    const v: SandboxPaymentView = {
      providerRef: p.providerRef,
      paymentId: p.paymentId,
      amountVnd: p.amountVnd,
      description: p.description,
      status: p.status,
      expiresAt: p.expiresAt.toISOString(),
      callbackUrl: p.callbackUrl,
    };
    if (p.paidAt) v.paidAt = p.paidAt;
    if (p.bankTransactionNo) v.bankTransactionNo = p.bankTransactionNo;
    return v;
  }

  // ---- merchant API -------------------------------------------------------------------------

  /** Authenticates the merchant and returns the raw body it signed ('' when there is none). */
  function authenticate(req: MerchantRequest): string {
    const text = req.body;
    try {
      verifySignature(secret, text.length > 0 ? text : `${req.method} ${req.path}`, req.headers, now());
    } catch (err) {
      if (err instanceof PaymentSignatureError) throw new GatewayError(401, 'unauthenticated', err.message);
      throw err;
    }
    return text;
  }

  function signed(status: number, payload: unknown): SignedAnswer {
    const body = JSON.stringify(payload);
    return { status, headers: signatureHeaders(secret, body, now()), body };
  }

  function parseCreate(text: string): CreatePaymentRequest {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new GatewayError(400, 'invalid_request', 'body is not valid JSON');
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new GatewayError(400, 'invalid_request', 'body must be a JSON object');
    const b = data as Record<string, unknown>;
    const problems: string[] = [];
    const text255 = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
    if (!text255(b.paymentId, MAX_PAYMENT_ID)) problems.push(`paymentId must be a non-empty string of at most ${MAX_PAYMENT_ID} characters`);
    if (!isPositiveVnd(b.amountVnd)) problems.push('amountVnd must be a positive integer number of đồng');
    if (!text255(b.description, MAX_DESCRIPTION)) problems.push(`description must be a non-empty string of at most ${MAX_DESCRIPTION} characters`);
    if (!isHttpUrl(b.returnUrl)) problems.push('returnUrl must be an http(s) URL');
    if (!isHttpUrl(b.callbackUrl)) problems.push('callbackUrl must be an http(s) URL');
    else if (!isCallbackUrlUnder(b.callbackUrl, options.callbackBase)) problems.push(`callbackUrl must be on this deployment (${options.callbackBase})`);
    if (!isIsoInstant(b.expiresAt)) problems.push('expiresAt must be an ISO 8601 instant');
    else if (Date.parse(b.expiresAt) <= now().getTime()) problems.push('expiresAt must be in the future');
    if (problems.length > 0) throw new GatewayError(400, 'invalid_request', problems.join('; '));
    return {
      paymentId: b.paymentId as string,
      amountVnd: b.amountVnd as number,
      description: b.description as string,
      returnUrl: b.returnUrl as string,
      callbackUrl: b.callbackUrl as string,
      expiresAt: new Date(b.expiresAt as string),
    };
  }

  function merchantCreate(req: MerchantRequest, mountUrl: string): SignedAnswer {
    const input = parseCreate(authenticate(req));
    const existingRef = refByPaymentId.get(input.paymentId);
    if (existingRef) {
      const p = lookup(existingRef);
      // expiresAt is left out on purpose: a merchant retry recomputes it from its own clock.
      const same =
        p.amountVnd === input.amountVnd && p.description === input.description && p.callbackUrl === input.callbackUrl && p.returnUrl === input.returnUrl;
      if (!same) throw new GatewayError(409, 'conflict', `paymentId ${input.paymentId} was already used for a payment with different details`);
      return signed(200, { providerRef: p.providerRef, paymentUrl: p.paymentUrl, expiresAt: p.expiresAt.toISOString() });
    }
    const providerRef = `SBX${randomBytes(10).toString('hex').toUpperCase()}`;
    const base = (options.publicUrl ?? mountUrl).replace(/\/+$/, '');
    const p: StoredPayment = { ...input, providerRef, paymentUrl: `${base}/pay/${providerRef}`, status: 'pending' };
    byRef.set(providerRef, p);
    refByPaymentId.set(p.paymentId, providerRef);
    return signed(201, { providerRef, paymentUrl: p.paymentUrl, expiresAt: p.expiresAt.toISOString() });
  }

  function merchantStatus(req: MerchantRequest, providerRef: string): SignedAnswer {
    authenticate(req);
    const p = lookup(providerRef);
    const answer: Record<string, unknown> = {
      providerRef: p.providerRef,
      paymentId: p.paymentId,
      status: p.status,
      amountVnd: p.amountVnd,
      expiresAt: p.expiresAt.toISOString(),
    };
    if (p.paidAt) answer.paidAt = p.paidAt;
    if (p.bankTransactionNo) answer.bankTransactionNo = p.bankTransactionNo;
    return signed(200, answer);
  }

  function merchantRedeliver(req: MerchantRequest, providerRef: string): SignedAnswer {
    authenticate(req);
    const p = lookup(providerRef);
    deliver(p, 'redelivery');
    return signed(202, { providerRef: p.providerRef, status: p.status });
  }

  // ---- citizen checkout ----------------------------------------------------------------------

  function checkoutPage(providerRef: string): { status: number; html: string } {
    const p = byRef.get(providerRef);
    if (!p) return { status: 404, html: messagePage('Không tìm thấy giao dịch', 'Giao dịch không tồn tại hoặc đường dẫn không đúng.') };
    expireIfDue(p);
    return { status: 200, html: renderCheckout(p) };
  }

  function checkoutChoice(providerRef: string, action: unknown): CheckoutChoice {
    const refuse = (status: number, code: string, message: string): CheckoutChoice => ({ refused: true, status, code, message });
    const p = byRef.get(providerRef);
    if (!p) return refuse(404, 'not_found', 'Giao dịch không tồn tại.');
    expireIfDue(p);
    if (action !== 'pay' && action !== 'cancel') return refuse(400, 'invalid_request', 'action phải là "pay" hoặc "cancel".');
    if (p.status === 'expired') return refuse(409, 'expired', 'Giao dịch đã hết hạn thanh toán.');
    const target = action === 'pay' ? 'paid' : 'failed';
    // A double click repeats the same choice: answer as before, charge and notify once.
    if (p.status !== target) {
      if (p.status !== 'pending') return refuse(409, 'already_settled', `Giao dịch đã ${STATUS_LABEL[p.status]}, không thể ${action === 'pay' ? 'thanh toán' : 'hủy'}.`);
      settle(p, target, now().toISOString());
    }
    return { refused: false, providerRef: p.providerRef, status: p.status, returnUrl: returnUrlFor(p) };
  }

  return {
    merchantCreate,
    merchantStatus,
    merchantRedeliver,
    checkoutPage,
    checkoutChoice,
    sweepExpired() {
      const expired: string[] = [];
      for (const p of byRef.values()) if (expireIfDue(p)) expired.push(p.providerRef);
      return expired;
    },
    redeliver(providerRef) {
      deliver(lookup(providerRef), 'redelivery');
    },
    deliveries(providerRef) {
      return [...(deliveryLog.get(providerRef) ?? [])];
    },
    payment(providerRef) {
      const p = byRef.get(providerRef);
      return p && view(p);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      closing.abort();
      await Promise.all([...inFlight]);
    },
  };
}

const STATUS_LABEL: Record<PaymentStatus, string> = {
  pending: 'chờ thanh toán',
  paid: 'được thanh toán',
  failed: 'bị hủy',
  expired: 'hết hạn',
};

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The citizen's way back to the merchant. Deliberately unsigned: it only tells the portal which
 * payment to show; the callback or a status query is what proves the payment.
 */
function returnUrlFor(p: StoredPayment): string {
  const u = new URL(p.returnUrl);
  u.searchParams.set('paymentId', p.paymentId);
  u.searchParams.set('providerRef', p.providerRef);
  u.searchParams.set('status', p.status);
  return u.toString();
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const VND = new Intl.NumberFormat('vi-VN');

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 2rem auto">
<p><small>Cổng thanh toán thử nghiệm — không trừ tiền thật</small></p>
${body}
</body></html>`;
}

function renderCheckout(p: StoredPayment): string {
  const details = `<h1>Thanh toán phí, lệ phí</h1>
<p>Nội dung: ${escapeHtml(p.description)}</p>
<p>Số tiền: <strong>${VND.format(p.amountVnd)} ₫</strong></p>
<p>Mã giao dịch: ${escapeHtml(p.providerRef)}</p>
<p>Hạn thanh toán: ${escapeHtml(p.expiresAt.toISOString())}</p>`;
  if (p.status !== 'pending') {
    return layout('Giao dịch', `${details}\n<p>Giao dịch đã ${STATUS_LABEL[p.status]}.</p>\n<p><a href="${escapeHtml(returnUrlFor(p))}">Quay lại</a></p>`);
  }
  return layout(
    'Thanh toán',
    `${details}
<form method="post">
  <button type="submit" name="action" value="pay">Thanh toán</button>
  <button type="submit" name="action" value="cancel">Hủy</button>
</form>`,
  );
}

/** A page that says one thing: no such payment, or why the citizen's choice was refused. */
export function messagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
