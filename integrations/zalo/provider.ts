import { MessagingRefusal, type MessagingProvider } from '../messaging';

/**
 * Zalo Notification Service (ZNS) as seen by this system: a message is a template that
 * Zalo approved beforehand, sent to a phone number with the template's parameters. The
 * sandbox in this folder implements it locally; a ZNS API adapter implements the same
 * interface.
 */
export interface ZnsMessage {
  /** International form without "+": 84912345678. */
  phone: string;
  templateId: string;
  templateData: Record<string, string>;
  /** Ours, unique per message (ZNS `tracking_id`). */
  trackingId: string;
}

export interface ZaloProvider extends MessagingProvider {
  sendTemplate(message: ZnsMessage): Promise<{ messageId: string }>;
}

/** ZNS refused the call; `retryable` tells a quota or outage (later) from a bad request (never). */
export class ZaloApiError extends MessagingRefusal {
  override name = 'ZaloApiError';
}
