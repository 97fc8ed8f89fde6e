/**
 * A payment gateway as seen by this system: citizens pay administrative fees (lệ phí, phí) online
 * through a provider (VNPay, Payoo, the national portal's payment platform, or the sandbox).
 * The rest of the system depends on this interface only, so a provider can be swapped without
 * touching the dossier workflow.
 */

export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'expired';

export interface CreatePaymentRequest {
  /** Our id for the payment; the provider deduplicates on it, so a retried create is safe. */
  paymentId: string;
  /** Whole Vietnamese đồng: the currency has no minor unit. */
  amountVnd: number;
  description: string;
  /** Where the citizen's browser goes back to; never proof of payment (the redirect is unsigned). */
  returnUrl: string;
  /** Where the provider POSTs signed payment events (IPN). */
  callbackUrl: string;
  expiresAt: Date;
}

export interface CreatedPayment {
  providerRef: string;
  paymentUrl: string;
  /** ISO 8601. */
  expiresAt: string;
}

export interface PaymentEvent {
  providerRef: string;
  paymentId: string;
  status: Exclude<PaymentStatus, 'pending'>;
  amountVnd: number;
  /** ISO 8601: when the payment was paid, cancelled, or reached its expiry. */
  occurredAt: string;
  /** The bank's transaction number, for paid events only. */
  bankTransactionNo?: string;
}

export interface PaymentQueryResult {
  status: PaymentStatus;
  amountVnd: number;
  paidAt?: string;
  paymentId: string;
}

/**
 * Headers as a merchant receives them. Arrays are accepted so Node's `req.headers` can be passed
 * as is; a repeated signature header is refused rather than guessed at.
 */
export type CallbackHeaders = Record<string, string | string[] | undefined>;

export interface PaymentProvider {
  readonly name: string;
  /** Idempotent on paymentId: the same paymentId gives the same providerRef and paymentUrl. */
  createPayment(req: CreatePaymentRequest): Promise<CreatedPayment>;
  /**
   * Authenticates a callback from its exact raw body (not re-serialised JSON) and headers.
   * Throws PaymentSignatureError when the signature is missing or wrong, the timestamp is stale,
   * or the body is not a well-formed payment event.
   */
  verifyCallback(rawBody: string, headers: CallbackHeaders): PaymentEvent;
  /** The provider's current view of a payment, for reconciliation when a callback never came. */
  queryPayment(providerRef: string): Promise<PaymentQueryResult>;
}

/** A message that does not provably come from the provider: answer 401 and do not act on it. */
export class PaymentSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentSignatureError';
  }
}

/** The provider refused a request or could not be reached. */
export class PaymentProviderError extends Error {
  constructor(
    message: string,
    /** HTTP status from the provider; undefined when it could not be reached. */
    readonly status: number | undefined,
    /** The provider's error code, e.g. `invalid_request`, `conflict`, `not_found`, `unreachable`. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PaymentProviderError';
  }
}
