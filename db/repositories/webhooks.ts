import type { Tx } from '../connection';

/**
 * Outbound webhooks: subscriptions (`webhook_subscriptions`), the deliveries the read model
 * writes with each event (`webhook_deliveries`) and every attempt at them
 * (`webhook_delivery_attempts`).
 */

// Subscriptions

export interface SubscriptionRow {
  id: number;
  name: string;
  url: string;
  events: string[];
  agency_eid: string | null;
  active: boolean;
  created_at: Date;
  created_by_username: string | null;
}

function selectSubscriptions(db: Tx) {
  return db('webhook_subscriptions as s')
    .leftJoin('agencies as a', 'a.id', 's.agency_id')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .select('s.id', 's.name', 's.url', 's.events', 'a.eid as agency_eid', 's.active', 's.created_at', 'u.username as created_by_username');
}

export async function insertSubscription(
  db: Tx,
  row: { name: string; url: string; secret: string; events: string[]; agency_id: number | null; created_by: number },
): Promise<number> {
  const [inserted] = await db('webhook_subscriptions').insert(row).returning('id');
  return Number(inserted.id);
}

export async function subscriptionRows(db: Tx): Promise<SubscriptionRow[]> {
  return selectSubscriptions(db).orderBy('s.id');
}

export async function findSubscriptionRow(db: Tx, id: number): Promise<SubscriptionRow | undefined> {
  return selectSubscriptions(db).where('s.id', id).first();
}

/** How many of the subscription's deliveries are in each status (statuses with none are absent). */
export async function deliveryCountsOfSubscription(db: Tx, id: number): Promise<Array<{ status: string; n: number }>> {
  return db('webhook_deliveries').where('subscription_id', id).groupBy('status').select('status', db.raw('count(*)::int as n'));
}

/** Rows changed (0 when there is no such subscription). */
export async function updateSubscriptionRow(db: Tx, id: number, changes: Record<string, unknown>): Promise<number> {
  return db('webhook_subscriptions').where('id', id).update(changes);
}

/** Rows deleted; the subscription's deliveries and attempts go with it. */
export async function deleteSubscriptionRow(db: Tx, id: number): Promise<number> {
  return db('webhook_subscriptions').where('id', id).del();
}

export async function updateSubscriptionSecret(db: Tx, id: number, secret: string): Promise<number> {
  return db('webhook_subscriptions').where('id', id).update({ secret });
}

/** What a ping needs: where to send and the secret to sign with. */
export async function subscriptionTarget(db: Tx, id: number): Promise<{ id: number; name: string; url: string; secret: string } | undefined> {
  return db('webhook_subscriptions').where('id', id).first('id', 'name', 'url', 'secret');
}

// The delivery log

export interface DeliveryRow {
  id: string | number;
  subscription_id: number;
  event_key: string;
  event_type: string;
  dossier_code: string | null;
  status: 'pending' | 'delivered' | 'failed' | 'dead';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  enqueued_at: Date | null;
  delivered_at: Date | null;
  payload?: unknown;
}

function selectDeliveries(db: Tx) {
  return db('webhook_deliveries as w')
    .leftJoin('dossiers as d', 'd.id', 'w.dossier_id')
    .select(
      'w.id',
      'w.subscription_id',
      'w.event_key',
      'w.event_type',
      'd.code as dossier_code',
      'w.status',
      'w.attempts',
      'w.last_status_code',
      'w.last_error',
      'w.created_at',
      'w.enqueued_at',
      'w.delivered_at',
    );
}

export interface DeliveryFilter {
  subscription?: number;
  status?: string;
  dossier?: string;
  before?: number;
}

/** Newest first, at most `limit`, filtered. */
export async function deliveryRows(db: Tx, filter: DeliveryFilter, limit: number): Promise<DeliveryRow[]> {
  const query = selectDeliveries(db).orderBy('w.id', 'desc').limit(limit);
  if (filter.subscription !== undefined) query.where('w.subscription_id', filter.subscription);
  if (filter.status !== undefined) query.where('w.status', filter.status);
  if (filter.dossier !== undefined) query.where('d.code', filter.dossier);
  if (filter.before !== undefined) query.where('w.id', '<', filter.before);
  return query;
}

/** One delivery with its payload. */
export async function findDeliveryRow(db: Tx, id: number): Promise<DeliveryRow | undefined> {
  return selectDeliveries(db).select('w.payload').where('w.id', id).first();
}

export interface AttemptRow {
  delivery_id: number | string;
  attempt: number;
  at: Date;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
}

export async function attemptRowsOf(db: Tx, deliveryIds: number[]): Promise<AttemptRow[]> {
  return db('webhook_delivery_attempts').whereIn('delivery_id', deliveryIds).orderBy(['delivery_id', 'attempt', 'id']).select('delivery_id', 'attempt', 'at', 'status_code', 'error', 'duration_ms');
}

/** Whether the delivery's subscription is active; undefined when there is no such delivery. */
export async function subscriptionStateOfDelivery(db: Tx, id: number): Promise<{ active: boolean } | undefined> {
  return db('webhook_deliveries as w').join('webhook_subscriptions as s', 's.id', 'w.subscription_id').where('w.id', id).first('s.active');
}

/** Back to 'pending' with no queue job: the relay queues it again. */
export async function resetDeliveryToPending(db: Tx, id: number): Promise<void> {
  await db('webhook_deliveries').where('id', id).update({ status: 'pending', enqueued_at: null });
}

// Sending

export interface DeliveryToSend {
  id: number;
  event_key: string;
  event_type: string;
  payload: unknown;
  status: string;
  enqueued_at: Date | null;
  url: string;
  secret: string;
  active: boolean;
}

export async function findDeliveryToSend(db: Tx, deliveryId: number): Promise<DeliveryToSend | undefined> {
  return db('webhook_deliveries as d')
    .join('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .where('d.id', deliveryId)
    .first('d.id', 'd.event_key', 'd.event_type', 'd.payload', 'd.status', 'd.enqueued_at', 's.url', 's.secret', 's.active');
}

/** A paused subscription's delivery goes back to waiting in PostgreSQL (this generation only). */
export async function returnDeliveryToWaiting(db: Tx, deliveryId: number, enqueuedAt: Date): Promise<void> {
  await db('webhook_deliveries').where({ id: deliveryId, enqueued_at: enqueuedAt }).update({ status: 'pending', enqueued_at: null });
}

/** Claims the next attempt number. */
export async function incrementDeliveryAttempts(db: Tx, deliveryId: number): Promise<number> {
  const claimed = await db('webhook_deliveries').where('id', deliveryId).increment('attempts', 1).returning('attempts');
  return Number(claimed[0]?.attempts ?? 1);
}

export async function insertDeliveryAttempt(
  trx: Tx,
  row: { delivery_id: number; attempt: number; at: Date; status_code: number | null; error: string | null; duration_ms: number },
): Promise<void> {
  await trx('webhook_delivery_attempts').insert(row);
}

export async function markDeliveryDelivered(trx: Tx, deliveryId: number, statusCode: number | null): Promise<void> {
  await trx('webhook_deliveries')
    .where('id', deliveryId)
    .update({ status: 'delivered', delivered_at: trx.fn.now(), last_status_code: statusCode, last_error: null });
}

/** A failure of one generation; a later generation's status and a delivery made meanwhile are left alone. */
export async function markDeliveryFailed(
  trx: Tx,
  deliveryId: number,
  generation: Date,
  failure: { status: 'dead' | 'failed'; last_status_code: number | null; last_error: string | null },
): Promise<void> {
  await trx('webhook_deliveries')
    .where('id', deliveryId)
    .where('enqueued_at', generation)
    .whereNot('status', 'delivered')
    .update(failure);
}

// Relay

/**
 * Deliveries ready to go, oldest first, locked (SKIP LOCKED) until the caller's transaction
 * ends: pending, not queued, of an active subscription, with no earlier delivery of the same
 * dossier to the same subscriber still pending or failing.
 */
export async function lockReadyDeliveries(trx: Tx, limit: number): Promise<Array<{ id: string | number }>> {
  return trx
    .select('d.id')
    .from('webhook_deliveries as d')
    .join('webhook_subscriptions as s', 's.id', 'd.subscription_id')
    .where('d.status', 'pending')
    .whereNull('d.enqueued_at')
    .where('s.active', true)
    .whereNotExists(function earlierStillOpen() {
      this.select(trx.raw('1'))
        .from('webhook_deliveries as e')
        .whereRaw('e.subscription_id = d.subscription_id')
        .whereRaw('e.dossier_id = d.dossier_id')
        .whereRaw('e.id < d.id')
        .whereIn('e.status', ['pending', 'failed']);
    })
    .orderBy('d.id')
    .limit(limit)
    .forUpdate('d')
    .skipLocked();
}

export async function markDeliveryEnqueued(trx: Tx, id: string | number, at: Date): Promise<void> {
  await trx('webhook_deliveries').where('id', id).update({ enqueued_at: at });
}

/** Undoes a claim whose job could not be queued. */
export async function unmarkDeliveryEnqueued(db: Tx, id: number, at: Date): Promise<void> {
  await db('webhook_deliveries').where({ id, enqueued_at: at }).update({ enqueued_at: null });
}

/** Queued in PostgreSQL before `before` and not finished: candidates for a lost queue job. */
export async function staleQueuedDeliveries(db: Tx, before: Date, limit: number, afterId = 0): Promise<Array<{ id: string | number; enqueued_at: Date }>> {
  return db('webhook_deliveries')
    .whereIn('status', ['pending', 'failed'])
    .whereNotNull('enqueued_at')
    .where('enqueued_at', '<', before)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .select('id', 'enqueued_at');
}

function openGeneration(db: Tx, id: string | number, at: Date) {
  return db('webhook_deliveries').where({ id, enqueued_at: at }).whereIn('status', ['pending', 'failed']);
}

/** Releases a delivery whose job is gone to the relay; rows changed. */
export async function releaseLostDelivery(db: Tx, id: string | number, at: Date): Promise<number> {
  return openGeneration(db, id, at).update({ enqueued_at: null, status: 'pending' });
}

/** Marks dead a delivery whose job failed without recording it; rows changed. */
export async function markLostDeliveryDead(db: Tx, id: string | number, at: Date): Promise<number> {
  return openGeneration(db, id, at).update({ status: 'dead', last_error: db.raw(`coalesce(last_error, 'the delivery job failed without recording its last attempt')`) });
}
