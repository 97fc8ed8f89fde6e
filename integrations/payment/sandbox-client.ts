import {
  PaymentProviderError,
  PaymentSignatureError,
  type CreatedPayment,
  type PaymentProvider,
  type PaymentQueryResult,
  type PaymentStatus,
} from './provider';
import {
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  assertUsableSecret,
  isIsoInstant,
  isPositiveVnd,
  parsePaymentEvent,
  signatureHeaders,
  verifySignature,
} from './signature';

export interface SandboxPaymentProviderOptions {
  /** Where the sandbox gateway router is mounted, e.g. http://127.0.0.1:3000/sandbox/payment-gateway */
  baseUrl: string;
  secret: string;
  fetch?: typeof fetch;
  /** Must agree with the gateway's clock within the signature age; injectable for tests. */
  now?: () => Date;
  timeoutMs?: number;
}

const PAYMENT_STATUSES: ReadonlySet<string> = new Set<PaymentStatus>(['pending', 'paid', 'failed', 'expired']);

/** PaymentProvider backed by the sandbox gateway over HTTP, signing requests and checking signed answers. */
export function createSandboxPaymentProvider(options: SandboxPaymentProviderOptions): PaymentProvider {
  assertUsableSecret(options.secret);
  const secret = options.secret;
  const base = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    const headers: Record<string, string> = signatureHeaders(secret, raw.length > 0 ? raw : `${method} ${path}`, now());
    if (raw.length > 0) headers['content-type'] = 'application/json';
    let res: Awaited<ReturnType<typeof fetch>>;
    let text: string;
    try {
      res = await fetchImpl(`${base}${path}`, { method, headers, body: raw.length > 0 ? raw : undefined, signal: AbortSignal.timeout(timeoutMs) });
      text = await res.text();
    } catch (err) {
      throw new PaymentProviderError(`sandbox payment gateway unreachable for ${method} ${path}: ${(err as Error).message}`, undefined, 'unreachable', {
        cause: err,
      });
    }
    if (!res.ok) {
      let code = 'error';
      let message = text.slice(0, 300);
      try {
        const problem = JSON.parse(text) as { code?: unknown; message?: unknown };
        if (typeof problem.code === 'string') code = problem.code;
        if (typeof problem.message === 'string') message = problem.message;
      } catch {
        // Not the gateway's JSON (a proxy page, say): the raw text is the best explanation.
      }
      throw new PaymentProviderError(`sandbox payment gateway refused ${method} ${path} (${res.status} ${code}): ${message}`, res.status, code);
    }
    // Reconciliation trusts these answers as much as callbacks, so they are authenticated the same way.
    verifySignature(secret, text, { [SIGNATURE_HEADER]: res.headers.get(SIGNATURE_HEADER) ?? undefined, [TIMESTAMP_HEADER]: res.headers.get(TIMESTAMP_HEADER) ?? undefined }, now());
    try {
      const data: unknown = JSON.parse(text);
      if (typeof data === 'object' && data !== null && !Array.isArray(data)) return data as Record<string, unknown>;
    } catch {
      // reported below
    }
    throw new PaymentSignatureError(`sandbox payment gateway answered ${method} ${path} with a signed body that is not a JSON object`);
  }

  function malformed(what: string, data: unknown): never {
    throw new PaymentProviderError(`sandbox payment gateway returned a malformed ${what}: ${JSON.stringify(data)}`, undefined, 'malformed_response');
  }

  return {
    name: 'sandbox',

    async createPayment(req): Promise<CreatedPayment> {
      if (!(req.expiresAt instanceof Date) || Number.isNaN(req.expiresAt.getTime())) {
        throw new TypeError(`createPayment ${req.paymentId}: expiresAt must be a valid Date`);
      }
      const data = await call('POST', '/payments', {
        paymentId: req.paymentId,
        amountVnd: req.amountVnd,
        description: req.description,
        returnUrl: req.returnUrl,
        callbackUrl: req.callbackUrl,
        expiresAt: req.expiresAt.toISOString(),
      });
      const { providerRef, paymentUrl, expiresAt } = data;
      if (typeof providerRef !== 'string' || !providerRef || typeof paymentUrl !== 'string' || !isIsoInstant(expiresAt)) malformed('created payment', data);
      return { providerRef, paymentUrl, expiresAt };
    },

    verifyCallback(rawBody, headers) {
      if (typeof rawBody !== 'string') throw new PaymentSignatureError('callback body must be the raw request body as a string');
      verifySignature(secret, rawBody, headers, now());
      return parsePaymentEvent(rawBody);
    },

    async queryPayment(providerRef): Promise<PaymentQueryResult> {
      const data = await call('GET', `/payments/${encodeURIComponent(providerRef)}`);
      const { status, amountVnd, paidAt, paymentId } = data;
      // A signed answer about another payment would be a replayed response, not ours.
      if (data.providerRef !== providerRef) malformed(`status for ${providerRef}`, data);
      if (typeof status !== 'string' || !PAYMENT_STATUSES.has(status) || !isPositiveVnd(amountVnd) || typeof paymentId !== 'string') {
        malformed(`status for ${providerRef}`, data);
      }
      if (paidAt !== undefined && !isIsoInstant(paidAt)) malformed(`status for ${providerRef}`, data);
      const result: PaymentQueryResult = { status: status as PaymentStatus, amountVnd, paymentId };
      if (paidAt !== undefined) result.paidAt = paidAt;
      return result;
    },
  };
}
