/**
 * What every messaging provider (e-mail, SMS gateway, Zalo ZNS) has in common, as the
 * notification senders see it. Each channel's interface adds its own way to send.
 */
export interface MessagingProvider {
  readonly name: string;
  /**
   * The provider answers a repeated message id (our request, tracking or message key) with the
   * first message instead of sending again. Only then may a send whose outcome is unknown (a
   * crash before it was recorded) be repeated safely.
   */
  readonly idempotent: boolean;
}

/**
 * A gateway refused a message. `retryable` tells an outage or a temporarily unreachable
 * recipient (try again later) from a refusal that will never succeed (malformed number, bad
 * template, too long): the latter goes straight to the dead-letter queue.
 */
export class MessagingRefusal extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
