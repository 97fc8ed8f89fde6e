import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { vnTime } from '../domain/vn-time';
import { DELIVERY_STATUSES, type PingEvent, type PingResult, type SubscriptionView, type WebhookEventFilter } from './schemas';
import { sendWebhook } from './send';
import { generateWebhookSecret } from './signing';
import type { UrlPolicy } from './url-policy';

/**
 * Webhook subscriptions as administrators manage them. The secret is stored (it is needed to
 * sign every delivery) but only ever returned by the two calls that create one.
 */
interface SubscriptionRow {
  id: number;
  name: string;
  url: string;
  events: string[];
  agency_eid: string | null;
  active: boolean;
  created_at: Date;
  created_by_username: string | null;
}

function selectSubscriptions(db: Knex) {
  return db('webhook_subscriptions as s')
    .leftJoin('agencies as a', 'a.id', 's.agency_id')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .select('s.id', 's.name', 's.url', 's.events', 'a.eid as agency_eid', 's.active', 's.created_at', 'u.username as created_by_username');
}

function toView(r: SubscriptionRow): SubscriptionView {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    events: r.events as WebhookEventFilter[],
    agencyEid: r.agency_eid,
    active: r.active,
    createdAt: vnTime(r.created_at)!,
    createdBy: r.created_by_username,
  };
}

/** The agency's id for an e-ID, or null when no such agency exists. */
export async function agencyIdFor(db: Knex, eid: string): Promise<number | null> {
  const a = await db('agencies').where('eid', eid).first('id');
  return a ? Number(a.id) : null;
}

export async function createSubscription(
  db: Knex,
  input: { name: string; url: string; events: WebhookEventFilter[]; agencyId: number | null },
  createdBy: number,
): Promise<SubscriptionView & { secret: string }> {
  const secret = generateWebhookSecret();
  const [row] = await db('webhook_subscriptions')
    .insert({ name: input.name, url: input.url, secret, events: normaliseEvents(input.events), agency_id: input.agencyId, created_by: createdBy })
    .returning('id');
  return { ...(await getSubscription(db, Number(row.id)))!, secret };
}

/** '*' already covers everything: ['*', 'dossier.status_changed'] is stored as ['*']. */
function normaliseEvents(events: WebhookEventFilter[]): string[] {
  return events.includes('*') ? ['*'] : [...new Set(events)].sort();
}

export async function listSubscriptions(db: Knex): Promise<SubscriptionView[]> {
  const rows: SubscriptionRow[] = await selectSubscriptions(db).orderBy('s.id');
  return rows.map(toView);
}

/** One subscription with how its deliveries stand, or null. */
export async function getSubscription(db: Knex, id: number): Promise<SubscriptionView | null> {
  const row: SubscriptionRow | undefined = await selectSubscriptions(db).where('s.id', id).first();
  if (!row) return null;
  const counts: Array<{ status: string; n: number }> = await db('webhook_deliveries').where('subscription_id', id).groupBy('status').select('status', db.raw('count(*)::int as n'));
  const deliveries = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, counts.find((c) => c.status === s)?.n ?? 0])) as Record<(typeof DELIVERY_STATUSES)[number], number>;
  return { ...toView(row), deliveries };
}

export async function updateSubscription(
  db: Knex,
  id: number,
  patch: { name?: string; url?: string; events?: WebhookEventFilter[]; agencyId?: number | null; active?: boolean },
): Promise<SubscriptionView | null> {
  const changes: Record<string, unknown> = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.url !== undefined) changes.url = patch.url;
  if (patch.events !== undefined) changes.events = normaliseEvents(patch.events);
  if (patch.agencyId !== undefined) changes.agency_id = patch.agencyId;
  if (patch.active !== undefined) changes.active = patch.active;
  const n = await db('webhook_subscriptions').where('id', id).update(changes);
  return n ? getSubscription(db, id) : null;
}

/** Deletes the subscription and, with it, its delivery log (deactivate to keep the log). */
export async function deleteSubscription(db: Knex, id: number): Promise<boolean> {
  return (await db('webhook_subscriptions').where('id', id).del()) > 0;
}

/**
 * A new secret, effective at once: deliveries still retrying are signed with it from their next
 * attempt, so the subscriber should switch as soon as it is told.
 */
export async function rotateSecret(db: Knex, id: number): Promise<(SubscriptionView & { secret: string }) | null> {
  const secret = generateWebhookSecret();
  const n = await db('webhook_subscriptions').where('id', id).update({ secret });
  if (!n) return null;
  return { ...(await getSubscription(db, id))!, secret };
}

/**
 * Sends a signed `webhook.ping` now and reports the answer, so an administrator can check
 * the URL and the subscriber's verification before real events flow. Not logged, not retried.
 */
export async function pingSubscription(db: Knex, id: number, opts: { timeoutMs: number; policy: UrlPolicy }): Promise<PingResult | null> {
  const sub = await db('webhook_subscriptions').where('id', id).first('id', 'name', 'url', 'secret');
  if (!sub) return null;
  const eventId = `ping-${randomUUID()}`;
  const event: PingEvent = { id: eventId, type: 'webhook.ping', occurredAt: vnTime(new Date())!, subscription: { id: sub.id, name: sub.name } };
  const r = await sendWebhook({ url: sub.url, secret: sub.secret }, { rawBody: JSON.stringify(event), eventId, eventType: event.type, deliveryId: eventId }, opts);
  return { delivered: r.ok, statusCode: r.statusCode, error: r.error, durationMs: r.durationMs };
}
