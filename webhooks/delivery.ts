import { inTransaction, type Db } from '../db/connection';
import {
  findDeliveryToSend,
  incrementDeliveryAttempts,
  insertDeliveryAttempt,
  markDeliveryDelivered,
  markDeliveryFailed,
  returnDeliveryToWaiting,
} from '../db/repositories/webhooks';
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

export async function attemptDelivery(db: Db, deliveryId: number, ctx: AttemptContext): Promise<AttemptOutcome> {
  const row = await findDeliveryToSend(db, deliveryId);
  if (!row) return { kind: 'skipped', reason: 'the delivery or its subscription was deleted' };
  if (!row.enqueued_at || new Date(row.enqueued_at).getTime() !== ctx.enqueuedAtMs) {
    return { kind: 'skipped', reason: 'superseded: the delivery was queued again since (replay)' };
  }
  // A job run twice (BullMQ redelivers a job whose worker died after sending) sends once.
  if (row.status === 'delivered') return { kind: 'skipped', reason: 'already delivered' };
  if (!row.active) {
    // Back to PostgreSQL: the relay takes it again when the subscription is resumed.
    await returnDeliveryToWaiting(db, deliveryId, new Date(ctx.enqueuedAtMs));
    return { kind: 'paused' };
  }

  const attempt = await incrementDeliveryAttempts(db, deliveryId);
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

async function recordAttempt(db: Db, deliveryId: number, generationMs: number, attempt: number, at: Date, r: SendResult, dead: boolean): Promise<void> {
  await inTransaction(db, async (trx) => {
    await insertDeliveryAttempt(trx, { delivery_id: deliveryId, attempt, at, status_code: r.statusCode, error: r.error, duration_ms: r.durationMs });
    if (r.ok) {
      await markDeliveryDelivered(trx, deliveryId, r.statusCode);
      return;
    }
    // A failure speaks for its own generation only: after a replay the new job owns the status,
    // and a delivery made meanwhile is not undone by a late failure.
    await markDeliveryFailed(trx, deliveryId, new Date(generationMs), { status: dead ? 'dead' : 'failed', last_status_code: r.statusCode, last_error: r.error });
  });
}
