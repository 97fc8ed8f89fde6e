import type { Knex } from 'knex';
import { vnTime } from '../domain/vn-time';
import type { AttemptView, DeliveryListQuery, DeliveryStatus, DeliveryView, StatusChangedEvent } from './schemas';

/** The delivery log as administrators read it, and replays. */
const DEFAULT_PAGE = 50;

interface DeliveryRow {
  id: string | number;
  subscription_id: number;
  event_key: string;
  event_type: string;
  dossier_code: string | null;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  enqueued_at: Date | null;
  delivered_at: Date | null;
  payload?: StatusChangedEvent;
}

function selectDeliveries(db: Knex) {
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

async function attemptsOf(db: Knex, ids: number[]): Promise<Map<number, AttemptView[]>> {
  const byDelivery = new Map<number, AttemptView[]>();
  if (!ids.length) return byDelivery;
  const rows = await db('webhook_delivery_attempts').whereIn('delivery_id', ids).orderBy(['delivery_id', 'attempt', 'id']).select('delivery_id', 'attempt', 'at', 'status_code', 'error', 'duration_ms');
  for (const r of rows) {
    const list = byDelivery.get(Number(r.delivery_id)) ?? [];
    list.push({ attempt: r.attempt, at: vnTime(r.at)!, statusCode: r.status_code, error: r.error, durationMs: r.duration_ms });
    byDelivery.set(Number(r.delivery_id), list);
  }
  return byDelivery;
}

function toView(r: DeliveryRow, attempts: AttemptView[]): DeliveryView {
  return {
    id: Number(r.id),
    subscriptionId: r.subscription_id,
    eventId: r.event_key,
    eventType: r.event_type,
    dossierCode: r.dossier_code,
    status: r.status,
    attemptCount: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: vnTime(r.created_at)!,
    enqueuedAt: vnTime(r.enqueued_at),
    deliveredAt: vnTime(r.delivered_at),
    attempts,
    ...(r.payload ? { payload: r.payload } : {}),
  };
}

/** Newest first, with their attempts; `nextBefore` pages backwards by id. */
export async function listDeliveries(db: Knex, q: DeliveryListQuery): Promise<{ items: DeliveryView[]; nextBefore: number | null }> {
  const limit = q.limit ?? DEFAULT_PAGE;
  const query = selectDeliveries(db).orderBy('w.id', 'desc').limit(limit + 1);
  if (q.subscription !== undefined) query.where('w.subscription_id', q.subscription);
  if (q.status !== undefined) query.where('w.status', q.status);
  if (q.dossier !== undefined) query.where('d.code', q.dossier);
  if (q.before !== undefined) query.where('w.id', '<', q.before);
  const rows: DeliveryRow[] = await query;
  const page = rows.slice(0, limit);
  const attempts = await attemptsOf(db, page.map((r) => Number(r.id)));
  return {
    items: page.map((r) => toView(r, attempts.get(Number(r.id)) ?? [])),
    nextBefore: rows.length > limit ? Number(page[page.length - 1]!.id) : null,
  };
}

export async function getDelivery(db: Knex, id: number): Promise<DeliveryView | null> {
  const row: DeliveryRow | undefined = await selectDeliveries(db).select('w.payload').where('w.id', id).first();
  if (!row) return null;
  return toView(row, (await attemptsOf(db, [id])).get(id) ?? []);
}

export type ReplayResult = { kind: 'replayed'; delivery: DeliveryView } | { kind: 'not_found' } | { kind: 'inactive' };

/**
 * Sends a delivery again, whatever its status: it goes back to 'pending' with no queue job,
 * so the relay queues a new generation (its attempts are appended to the same log) and any
 * job still retrying the old one stands down. The event id is unchanged, so a subscriber that
 * already has it recognises the duplicate.
 */
export async function replayDelivery(db: Knex, id: number): Promise<ReplayResult> {
  const found = await db('webhook_deliveries as w').join('webhook_subscriptions as s', 's.id', 'w.subscription_id').where('w.id', id).first('s.active');
  if (!found) return { kind: 'not_found' };
  // A paused subscription would hold the replay silently: say so instead.
  if (!found.active) return { kind: 'inactive' };
  await db('webhook_deliveries').where('id', id).update({ status: 'pending', enqueued_at: null });
  return { kind: 'replayed', delivery: (await getDelivery(db, id))! };
}
