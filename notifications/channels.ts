import type { RecipientContactsRow } from '../db/repositories/outbox';
import { normalizeVnMobile } from '../integrations/sms/provider';
import { NOTIFICATION_CHANNELS, type NotificationChannel, type NotificationConfig } from '../platform/config';

export type Channel = NotificationChannel;
export const CHANNELS = NOTIFICATION_CHANNELS;

/** One BullMQ queue per channel: each provider gets its own retries, backoff and rate limit. */
export const channelQueueName = (channel: Channel): string => `notifications-${channel}`;

/** Messages that failed for good, with why; nothing consumes it: an operator reads and re-drives it. */
export const DEAD_LETTER_QUEUE = 'notifications-dead';

/** The `notifications` row of one message on one channel: claimed once, sent once. */
export const deliveryId = (outboxKey: string, channel: Channel): string => `${outboxKey}:${channel}`;

export type Audience = 'citizen' | 'officer';

export interface Contacts {
  phone: string | null;
  email: string | null;
}

/** The audience and addresses of an outbox row's recipient; a deactivated account is told nothing. */
export function contactsOf(row: RecipientContactsRow): { audience: Audience; contacts: Contacts } {
  if (row.recipient_user_id === null) return { audience: 'citizen', contacts: { phone: row.applicant_phone, email: row.applicant_email } };
  return { audience: 'officer', contacts: row.user_active ? { phone: row.user_phone, email: row.user_email } : { phone: null, email: null } };
}

export interface Route {
  channel: Channel;
  /** Where this channel sends: an e-mail address, a phone as given (SMS), or 84xxxxxxxxx (Zalo). */
  address: string;
}

/**
 * The channels a message goes out on: those configured for its audience for which the
 * recipient has an address. A malformed phone is still routed, so the gateway's refusal
 * lands in the dead-letter queue where an officer sees it, rather than vanishing here.
 */
export function routesFor(audience: Audience, contacts: Contacts, config: Pick<NotificationConfig, 'citizenChannels' | 'officerChannels'>): Route[] {
  const phone = contacts.phone?.trim() || null;
  const email = contacts.email?.trim() || null;
  const routes: Route[] = [];
  for (const channel of audience === 'citizen' ? config.citizenChannels : config.officerChannels) {
    if (channel === 'email' && email) routes.push({ channel, address: email });
    if (channel === 'sms' && phone) routes.push({ channel, address: phone });
    if (channel === 'zalo' && phone) routes.push({ channel, address: normalizeVnMobile(phone) ?? phone });
  }
  return routes;
}
