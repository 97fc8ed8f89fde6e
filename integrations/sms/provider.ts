import { MessagingRefusal, type MessagingProvider } from '../messaging';

/**
 * An SMS gateway (brandname SMS) as seen by this system. The sandbox in this folder
 * implements it locally; a carrier or aggregator adapter implements the same interface.
 */
export interface SmsMessage {
  /** Vietnamese mobile number as the citizen gave it (0912345678 or +84912345678). */
  to: string;
  text: string;
  /** Ours, unique per message: a gateway that deduplicates accepts the same request id once. */
  requestId: string;
}

export interface SmsProvider extends MessagingProvider {
  send(message: SmsMessage): Promise<{ messageId: string }>;
}

/** The gateway refused a message (see MessagingRefusal for `retryable`). */
export class SmsGatewayError extends MessagingRefusal {
  override name = 'SmsGatewayError';
}

/** 0912345678, +84912345678 and 84912345678 → 84912345678; null when it is not a Vietnamese mobile number. */
export function normalizeVnMobile(phone: string): string | null {
  const digits = phone.replace(/[\s.-]/g, '');
  const m = /^(?:\+?84|0)([35789]\d{8})$/.exec(digits);
  return m ? `84${m[1]}` : null;
}
