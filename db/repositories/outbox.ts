import type { Tx } from '../connection';

/**
 * The notification outbox (`notification_outbox`: what must be told, written with the event)
 * and the delivery record of each message on each channel (`notifications`: claimed once,
 * sent once).
 */

/** Records a message to send; a second row with the same job key is ignored (the first snapshot wins). */
export async function insertOutboxMessage(db: Tx, row: { job_key: string; dossier_id: number; template: string; payload: string }): Promise<void> {
  await db('notification_outbox').insert(row).onConflict('job_key').ignore();
}

/** Who an outbox row is for: the applicant's contacts (citizen) or the officer's account. */
export interface RecipientContactsRow {
  recipient_user_id: number | null;
  applicant_phone: string | null;
  applicant_email: string | null;
  user_phone: string | null;
  user_email: string | null;
  user_active: boolean | null;
}

/** The outbox with its dossier (the applicant's contacts) and its officer recipient's account. */
function outboxWithRecipients(db: Tx) {
  return db('notification_outbox as o')
    .leftJoin('dossiers as d', 'd.id', 'o.dossier_id')
    .leftJoin('users as u', 'u.id', 'o.recipient_user_id');
}

/** The columns of RecipientContactsRow. */
const RECIPIENT_CONTACTS = [
  'o.recipient_user_id',
  'd.applicant_phone',
  'd.applicant_email',
  'u.phone as user_phone',
  'u.email as user_email',
  'u.active as user_active',
] as const;

export interface OutboxMessageRow extends RecipientContactsRow {
  template: string;
  dossier_id: number | string | null;
  payload: unknown;
  user_name: string | null;
}

/** The outbox row of a message, with its recipient's addresses as they are now. */
export async function findOutboxMessage(db: Tx, outboxKey: string): Promise<OutboxMessageRow | undefined> {
  return outboxWithRecipients(db)
    .where('o.job_key', outboxKey)
    .first(
      'o.template',
      'o.dossier_id',
      'o.recipient_user_id',
      'o.payload',
      'd.applicant_phone',
      'd.applicant_email',
      'u.full_name as user_name',
      'u.phone as user_phone',
      'u.email as user_email',
      'u.active as user_active',
    );
}

export interface OutboxRelayRow extends RecipientContactsRow {
  id: number;
  job_key: string;
  template: string;
}

/** Outbox rows not yet relayed, oldest first, locked (SKIP LOCKED) until the caller's transaction ends. */
export async function lockUnrelayedOutbox(trx: Tx, limit: number): Promise<OutboxRelayRow[]> {
  return outboxWithRecipients(trx)
    .whereNull('o.enqueued_at')
    .orderBy('o.id')
    .limit(limit)
    .forUpdate('o')
    .skipLocked()
    .select('o.id', 'o.job_key', 'o.template', ...RECIPIENT_CONTACTS);
}

export async function markOutboxRelayed(trx: Tx, ids: number[]): Promise<void> {
  await trx('notification_outbox').whereIn('id', ids).update({ enqueued_at: trx.fn.now() });
}

export interface RelayedOutboxRow extends RecipientContactsRow {
  id: number;
  /** Channels whose message was sent or dead-lettered. */
  finished: string[];
}

/** Outbox rows relayed since `since`, with the channels already finished. */
export async function outboxRelayedSince(db: Tx, since: Date): Promise<RelayedOutboxRow[]> {
  return outboxWithRecipients(db)
    .whereNotNull('o.enqueued_at')
    .where('o.enqueued_at', '>', since)
    .select(
      'o.id',
      ...RECIPIENT_CONTACTS,
      db.raw(
        `array(select n.channel from notifications n where n.job_id in (o.job_key || ':email', o.job_key || ':sms', o.job_key || ':zalo') and (n.status = 'sent' or n.dead_lettered_at is not null)) as finished`,
      ),
    );
}

/** Releases outbox rows to the relay again (enqueued_at back to null). */
export async function releaseOutboxRows(db: Tx, ids: number[]): Promise<void> {
  await db('notification_outbox').whereIn('id', ids).update({ enqueued_at: null });
}

export interface NotificationClaim {
  id: string;
  dossierId: number | null;
  recipientUserId: number | null;
  channel: string;
  recipient: string | null;
  template: string;
  body: string;
  leaseMs: number;
  takeOverStale: boolean;
}

/**
 * Takes the `notifications` row of a message on a channel: a new row, one whose last attempt
 * failed, or (when `takeOverStale`) one left 'sending' longer than the lease. The claim's
 * attempt number, or null when the row could not be taken.
 */
export async function claimNotification(db: Tx, c: NotificationClaim): Promise<number | null> {
  const r = await db.raw(
    `insert into notifications (job_id, dossier_id, recipient_user_id, channel, recipient, template, body, status, attempts, claimed_at)
     values (?, ?, ?, ?, ?, ?, ?, 'sending', 1, now())
     on conflict (job_id) do update
       set status = 'sending', attempts = notifications.attempts + 1, claimed_at = now(), error = null,
           recipient = excluded.recipient, body = excluded.body
       where notifications.dead_lettered_at is null
         and (notifications.status = 'failed'
              or (?::boolean and notifications.status = 'sending' and notifications.claimed_at < now() - make_interval(secs => ?)))
     returning attempts`,
    [c.id, c.dossierId, c.recipientUserId, c.channel, c.recipient, c.template, c.body, c.takeOverStale, c.leaseMs / 1000],
  );
  return r.rows.length ? Number(r.rows[0].attempts) : null;
}

export interface NotificationClaimState {
  status: string;
  dead_lettered_at: Date | null;
  lease_left_ms: number;
}

/** How the row of a message stands, with what is left of its lease (ms). */
export async function notificationClaimState(db: Tx, id: string, leaseMs: number): Promise<NotificationClaimState | undefined> {
  return db('notifications')
    .where('job_id', id)
    .first('status', 'dead_lettered_at', db.raw(`greatest(0, extract(epoch from (claimed_at + make_interval(secs => ?) - now())) * 1000)::int as lease_left_ms`, [leaseMs / 1000]));
}

/** The claim's send failed (only while this attempt still holds it). */
export async function markNotificationFailed(db: Tx, id: string, attempt: number, error: string): Promise<void> {
  await db('notifications').where({ job_id: id, attempts: attempt, status: 'sending' }).update({ status: 'failed', error });
}

/** The provider accepted the message (unless another attempt recorded it first). */
export async function markNotificationSent(db: Tx, id: string, attempt: number, providerMessageId: string): Promise<void> {
  await db('notifications')
    .where({ job_id: id, attempts: attempt })
    .whereNot('status', 'sent')
    .update({ status: 'sent', provider_message_id: providerMessageId, sent_at: db.fn.now(), error: null });
}

/**
 * Marks the message failed for good, creating its row from the outbox row when there is none
 * yet; a message already sent or already dead-lettered is left as it is.
 */
export async function markNotificationDeadLettered(db: Tx, id: string, outboxKey: string, channel: string, error: string): Promise<void> {
  await db.raw(
    `insert into notifications (job_id, dossier_id, recipient_user_id, channel, recipient, template, body, status, error, dead_lettered_at)
     select ?, o.dossier_id, o.recipient_user_id, ?, '', o.template, '', 'failed', ?, now() from notification_outbox o where o.job_key = ?
     on conflict (job_id) do update set status = 'failed', error = excluded.error, dead_lettered_at = now()
       where notifications.status <> 'sent' and notifications.dead_lettered_at is null`,
    [id, channel, error, outboxKey],
  );
}

/** A dead letter goes back to 'failed', so the next attempt may claim it. */
export async function reviveDeadLetteredNotification(db: Tx, id: string): Promise<void> {
  await db('notifications').where('job_id', id).whereNotNull('dead_lettered_at').update({ dead_lettered_at: null, status: 'failed' });
}
