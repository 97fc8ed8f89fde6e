import type { Tx } from '../db/connection';
import {
  claimNotification,
  findOutboxMessage,
  markNotificationDeadLettered,
  markNotificationFailed,
  markNotificationSent,
  notificationClaimState,
} from '../db/repositories/outbox';
import { contactsOf, deliveryId, routesFor, type Channel } from './channels';
import { loadDossierFacts, type AlertFacts, type DossierFacts, type LookupCodeFacts, type MessageFacts } from './facts';
import type { ChannelSender } from './senders';
import { isTemplateName, type TemplateName } from './templates';

export type DeliveryOutcome =
  | { kind: 'sent'; messageId: string; attempt: number }
  /** An earlier attempt already had it accepted by the provider. */
  | { kind: 'already_sent' }
  /** An earlier attempt gave up on it: it is in the dead-letter queue. */
  | { kind: 'dead_lettered' }
  /** Another attempt holds a live claim (a job redelivered while the first is still sending). */
  | { kind: 'held'; retryInMs: number }
  /**
   * A claim was left 'sending' by a worker that died, and the provider cannot tell whether
   * it got the message (SMTP): sending again might duplicate it, so it goes to an operator.
   */
  | { kind: 'outcome_unknown'; reason: string }
  /** The dossier or the recipient's address is gone since the message was queued. */
  | { kind: 'nothing_to_send'; reason: string };

interface LoadedMessage {
  template: TemplateName;
  dossierId: number | null;
  recipientUserId: number | null;
  address: string | null;
  facts: MessageFacts;
}

/** The outbox row, who it is for on this channel now, and the facts to render. */
async function loadMessage(db: Tx, outboxKey: string, channel: Channel): Promise<LoadedMessage | null> {
  const row = await findOutboxMessage(db, outboxKey);
  if (!row) return null;
  if (!isTemplateName(row.template)) throw new Error(`outbox row ${outboxKey} has unknown template ${row.template}`);
  const dossierId = row.dossier_id === null ? null : Number(row.dossier_id);
  const payload = (row.payload ?? {}) as { dossier?: DossierFacts; lookupCode?: LookupCodeFacts } & Partial<AlertFacts>;
  const { audience, contacts } = contactsOf(row);
  const officer = audience === 'officer';
  // Routed again for this one channel: the address is read now, it never travelled through Redis.
  const route = routesFor(audience, contacts, { citizenChannels: [channel], officerChannels: [channel] })[0];
  // Citizen messages carry the snapshot taken with their event; officer alerts (and rows from
  // before snapshots) read the dossier as it is now.
  const dossier = payload.dossier ?? (dossierId === null ? null : await loadDossierFacts(db, dossierId));
  const facts: MessageFacts = officer
    ? { dossier, officerName: row.user_name ?? undefined, alert: payload.kind ? { kind: payload.kind, level: Number(payload.level ?? 0), message: String(payload.message ?? '') } : undefined }
    : { dossier, ...(payload.lookupCode ? { lookupCode: payload.lookupCode } : {}) };
  return { template: row.template, dossierId, recipientUserId: officer ? Number(row.recipient_user_id) : null, address: route?.address ?? null, facts };
}

/**
 * Takes the `notifications` row of this message on this channel: a new row, or one whose
 * last attempt failed, or (only when the provider deduplicates on our id) one left
 * 'sending' longer than the lease by a worker that died. Returns the claim's attempt
 * number, which fences every later update: a slow attempt that lost its claim cannot
 * overwrite what the attempt that took over recorded.
 */
async function claim(
  db: Tx,
  id: string,
  m: LoadedMessage,
  channel: Channel,
  body: string,
  opts: { leaseMs: number; takeOverStale: boolean },
): Promise<number | null> {
  return claimNotification(db, {
    id,
    dossierId: m.dossierId,
    recipientUserId: m.recipientUserId,
    channel,
    recipient: m.address,
    template: m.template,
    body,
    leaseMs: opts.leaseMs,
    takeOverStale: opts.takeOverStale,
  });
}

/** Why a claim could not be taken, from the row as it stands. */
async function notClaimed(db: Tx, id: string, leaseMs: number, takeOverStale: boolean): Promise<DeliveryOutcome> {
  const row = await notificationClaimState(db, id, leaseMs);
  if (!row) return { kind: 'held', retryInMs: 1000 }; // vanished between the two statements: try again shortly
  if (row.dead_lettered_at) return { kind: 'dead_lettered' };
  if (row.status === 'sent') return { kind: 'already_sent' };
  // (With a deduplicating provider a lease that ran out just now is simply taken over on the next try.)
  if (row.status === 'sending' && Number(row.lease_left_ms) <= 0 && !takeOverStale) {
    return { kind: 'outcome_unknown', reason: 'a worker died while sending; the provider cannot say whether it got the message, so it is not sent again' };
  }
  return { kind: 'held', retryInMs: Math.max(Number(row.lease_left_ms), 200) };
}

export interface DeliverArgs {
  outboxKey: string;
  channel: Channel;
  sender: ChannelSender;
  leaseMs: number;
  /** Test hook: called after the provider accepted and before that is recorded (the worst moment to crash). */
  afterAccepted?: (deliveryId: string, channel: Channel) => void;
}

/**
 * Sends one outbox message on one channel, at most once per claim. The row is claimed
 * before the provider is called, so a redelivered job finds it and sends nothing; a send
 * that failed is claimed again by the next attempt.
 *
 * The remaining window is a crash after the provider accepted and before the row says
 * 'sent'. Then the row stays 'sending'; after the lease, a provider that deduplicates on our
 * id (SMS and Zalo sandboxes, the e-mail outbox folder; real gateways with request ids) is
 * called again with the same id and answers with the first message: still one message. A
 * provider that cannot (plain SMTP) is not called again: the message is dead-lettered as
 * "outcome unknown" for an operator, preferring a rare missed e-mail to a duplicate.
 */
export async function deliverMessage(db: Tx, args: DeliverArgs): Promise<DeliveryOutcome> {
  const id = deliveryId(args.outboxKey, args.channel);
  const message = await loadMessage(db, args.outboxKey, args.channel);
  if (!message) return { kind: 'nothing_to_send', reason: 'outbox row gone (dossier deleted)' };
  if (!message.facts.dossier) return { kind: 'nothing_to_send', reason: 'dossier gone' };
  if (!message.address) return { kind: 'nothing_to_send', reason: `no ${args.channel} address any more` };
  // A one-time code that no longer works is not worth a message (a backlog outlasted it).
  const code = message.facts.lookupCode;
  if (code && Date.parse(code.expiresAt) <= Date.now()) return { kind: 'nothing_to_send', reason: 'the one-time code has expired' };
  const prepared = args.sender.prepare(message.template, message.facts);
  const attempt = await claim(db, id, message, args.channel, prepared.body, { leaseMs: args.leaseMs, takeOverStale: args.sender.idempotent });
  if (attempt === null) return notClaimed(db, id, args.leaseMs, args.sender.idempotent);
  let messageId: string;
  try {
    ({ messageId } = await prepared.send(message.address, id));
  } catch (err) {
    await markNotificationFailed(db, id, attempt, (err as Error).message);
    throw err;
  }
  args.afterAccepted?.(id, args.channel);
  await markNotificationSent(db, id, attempt, messageId);
  return { kind: 'sent', messageId, attempt };
}

/**
 * Marks the message failed for good (status failed, dead_lettered_at, the error), creating
 * the row when it failed before any claim (e.g. a template error), so every dead letter has
 * its row. A message already sent is left as it is.
 */
export async function markDeadLettered(db: Tx, outboxKey: string, channel: Channel, error: string): Promise<void> {
  await markNotificationDeadLettered(db, deliveryId(outboxKey, channel), outboxKey, channel, error);
}
