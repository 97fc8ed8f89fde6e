import type { MessagingProvider } from '../messaging';

/**
 * Sending e-mail, as seen by this system. `nodemailer-provider.ts` implements it over SMTP
 * (any relay, or a local catcher) and, for development, into an outbox folder of .eml files.
 */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  /** Ours, unique per message: the Message-ID is derived from it, so a resent copy is recognisable. */
  messageKey: string;
}

/** `idempotent`: a repeated `messageKey` cannot produce a second e-mail (the outbox folder). SMTP cannot promise it. */
export interface EmailProvider extends MessagingProvider {
  send(message: EmailMessage): Promise<{ messageId: string }>;
  close(): void;
}

/** The mail server refused; a 5xx reply (bad mailbox, policy) is never retried, a 4xx or a lost connection is. */
export class EmailDeliveryError extends Error {
  override name = 'EmailDeliveryError';
  constructor(
    message: string,
    readonly responseCode: number | null,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export function isEmailAddress(address: string): boolean {
  return /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/.test(address);
}
