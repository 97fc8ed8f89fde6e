import type { Knex } from 'knex';
import { sendWebhook, type SendResult } from './send';
import type { UrlPolicy } from './url-policy';

/**
 * One attempt at one delivery row, as the queue worker runs it. The attempt number is claimed
 * in PostgreSQL before the request leaves, and every attempt, failed or not, gets its row in
 * `webhook_delivery_attempts`: the log shows a subscriber's outage as it happened.
 */
export type AttemptOutcome =
  | { kind: 'delivered'; attempt: number }
  /** Failed; the queue retries it later (status 'failed'). */
  | { kind: 'retry'; attempt: number; error: string }
  /** Failed on the last attempt, or in a way no retry can fix (status 'dead'). */
  | { kind: 'dead'; attempt: number; error: string; permanent: boolean }
  /** Nothing to send: the delivery is gone, already delivered, or queued again since (a replay). */
  | { kind: 'skipped'; reason: string }
  /** The subscription is paused: the row goes back to waiting in PostgreSQL, unsent. */
  | { kind: 'paused' };

export interface AttemptContext {
  /**
   * The row's `enqueued_at` when the relay queued this job (ms): its generation. A replay
   * queues a new generation, and only the job of the current one sends.
   */
  enqueuedAtMs: number;
  /** No retry follows this attempt if it fails. */
  finalAttempt: boolean;
  timeoutMs: number;
  policy: UrlPolicy;
}

export async function attemptDelivery(db: Knex, deliveryId: number, ctx: AttemptContext): Promise<AttemptOutcome> {
  const row = await db('webhook_deliveries as d')
    .join('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .where('d.id', deliveryId)
    .first('d.id', 'd.event_key', 'd.event_type', 'd.payload', 'd.status', 'd.enqueued_at', 's.url', 's.secret', 's.active');
  if (!row) return { kind: 'skipped', reason: 'the delivery or its subscription was deleted' };
  if (!row.enqueued_at || new Date(row.enqueued_at).getTime() !== ctx.enqueuedAtMs) {
    return { kind: 'skipped', reason: 'superseded: the delivery was queued again since (replay)' };
  }
  // A job run twice (BullMQ redelivers a job whose worker died after sending) sends once.
  if (row.status === 'delivered') return { kind: 'skipped', reason: 'already delivered' };
  if (!row.active) {
    // Back to PostgreSQL: the relay takes it again when the subscription is resumed.
    await db('webhook_deliveries').where({ id: deliveryId, enqueued_at: new Date(ctx.enqueuedAtMs) }).update({ status: 'pending', enqueued_at: null });
    return { kind: 'paused' };
  }

  const claimed = await db('webhook_deliveries').where('id', deliveryId).increment('attempts', 1).returning('attempts');
  const attempt = Number(claimed[0]?.attempts ?? 1);
  const startedAt = new Date();
  const result = await sendWebhook(
    { url: row.url, secret: row.secret },
    { rawBody: JSON.stringify(row.payload), eventId: row.event_key, eventType: row.event_type, deliveryId: String(deliveryId), attempt },
    { timeoutMs: ctx.timeoutMs, policy: ctx.policy },
  );
  const dead = !result.ok && (ctx.finalAttempt || result.permanent);
  await recordAttempt(db, deliveryId, ctx.enqueuedAtMs, attempt, startedAt, result, dead);
  if (result.ok) return { kind: 'delivered', attempt };
  if (dead) return { kind: 'dead', attempt, error: result.error ?? 'failed', permanent: result.permanent };
  return { kind: 'retry', attempt, error: result.error ?? 'failed' };
}

async function recordAttempt(db: Knex, deliveryId: number, generationMs: number, attempt: number, at: Date, r: SendResult, dead: boolean): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('webhook_delivery_attempts').insert({ delivery_id: deliveryId, attempt, at, status_code: r.statusCode, error: r.error, duration_ms: r.durationMs });
    if (r.ok) {
      await trx('webhook_deliveries')
        .where('id', deliveryId)
        .update({ status: 'delivered', delivered_at: trx.fn.now(), last_status_code: r.statusCode, last_error: null });
      return;
    }
    // A failure speaks for its own generation only: after a replay the new job owns the status,
    // and a delivery made meanwhile is not undone by a late failure.
    await trx('webhook_deliveries')
      .where('id', deliveryId)
      .where('enqueued_at', new Date(generationMs))
      .whereNot('status', 'delivered')
      .update({ status: dead ? 'dead' : 'failed', last_status_code: r.statusCode, last_error: r.error });
  });
}
