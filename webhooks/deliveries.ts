import type { Tx } from '../db/connection';
import { attemptRowsOf, deliveryRows, findDeliveryRow, resetDeliveryToPending, subscriptionStateOfDelivery, type DeliveryRow } from '../db/repositories/webhooks';
import { vnTime } from '../domain/vn-time';
import type { AttemptView, DeliveryListQuery, DeliveryView, StatusChangedEvent } from './schemas';

/** The delivery log as administrators read it, and replays. */
const DEFAULT_PAGE = 50;

async function attemptsOf(db: Tx, ids: number[]): Promise<Map<number, AttemptView[]>> {
  const byDelivery = new Map<number, AttemptView[]>();
  if (!ids.length) return byDelivery;
  const rows = await attemptRowsOf(db, ids);
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
    ...(r.payload ? { payload: r.payload as StatusChangedEvent } : {}),
  };
}

/** Newest first, with their attempts; `nextBefore` pages backwards by id. */
export async function listDeliveries(db: Tx, q: DeliveryListQuery): Promise<{ items: DeliveryView[]; nextBefore: number | null }> {
  const limit = q.limit ?? DEFAULT_PAGE;
  const rows = await deliveryRows(db, { subscription: q.subscription, status: q.status, dossier: q.dossier, before: q.before }, limit + 1);
  const page = rows.slice(0, limit);
  const attempts = await attemptsOf(db, page.map((r) => Number(r.id)));
  return {
    items: page.map((r) => toView(r, attempts.get(Number(r.id)) ?? [])),
    nextBefore: rows.length > limit ? Number(page[page.length - 1]!.id) : null,
  };
}

export async function getDelivery(db: Tx, id: number): Promise<DeliveryView | null> {
  const row = await findDeliveryRow(db, id);
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
export async function replayDelivery(db: Tx, id: number): Promise<ReplayResult> {
  const found = await subscriptionStateOfDelivery(db, id);
  if (!found) return { kind: 'not_found' };
  // A paused subscription would hold the replay silently: say so instead.
  if (!found.active) return { kind: 'inactive' };
  await resetDeliveryToPending(db, id);
  return { kind: 'replayed', delivery: (await getDelivery(db, id))! };
}
