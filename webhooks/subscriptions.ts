import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/connection';
import { findAgencyByEid } from '../db/repositories/agencies';
import {
  deleteSubscriptionRow,
  deliveryCountsOfSubscription,
  findSubscriptionRow,
  insertSubscription,
  subscriptionRows,
  subscriptionTarget,
  updateSubscriptionRow,
  updateSubscriptionSecret,
  type SubscriptionRow,
} from '../db/repositories/webhooks';
import { invalidFields } from '../domain/errors';
import { vnTime } from '../domain/vn-time';
import { DELIVERY_STATUSES, type PingEvent, type PingResult, type SubscriptionView, type WebhookEventFilter } from './schemas';
import { sendWebhook } from './send';
import { generateWebhookSecret } from './signing';
import { subscriberUrlProblem, type UrlPolicy } from './url-policy';

/**
 * Webhook subscriptions as administrators manage them. The secret is stored (it is needed to
 * sign every delivery) but only ever returned by the two calls that create one.
 */
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

/**
 * The URL, when the policy allows it: checked when a subscription is saved (and again on
 * every connection). Otherwise an invalid-fields error on `url`.
 */
export async function checkedSubscriberUrl(url: string, policy: UrlPolicy): Promise<string> {
  const problem = await subscriberUrlProblem(url, policy);
  if (problem) throw invalidFields([{ field: 'url', message: problem }]);
  return url;
}

/** The id of the agency a subscription is limited to (null: every agency, undefined: unchanged); an unknown e-ID is an invalid field. */
export async function subscriptionAgencyId(db: Tx, eid: string | null | undefined): Promise<number | null | undefined> {
  if (eid === undefined || eid === null) return eid;
  const agency = await findAgencyByEid(db, eid, ['id']);
  if (!agency) throw invalidFields([{ field: 'agencyEid', message: `không có cơ quan ${eid}` }]);
  return Number(agency.id);
}

export async function createSubscription(
  db: Tx,
  input: { name: string; url: string; events: WebhookEventFilter[]; agencyId: number | null },
  createdBy: number,
): Promise<SubscriptionView & { secret: string }> {
  const secret = generateWebhookSecret();
  const id = await insertSubscription(db, { name: input.name, url: input.url, secret, events: normaliseEvents(input.events), agency_id: input.agencyId, created_by: createdBy });
  return { ...(await getSubscription(db, id))!, secret };
}

/** '*' already covers everything: ['*', 'dossier.status_changed'] is stored as ['*']. */
function normaliseEvents(events: WebhookEventFilter[]): string[] {
  return events.includes('*') ? ['*'] : [...new Set(events)].sort();
}

export async function listSubscriptions(db: Tx): Promise<SubscriptionView[]> {
  const rows = await subscriptionRows(db);
  return rows.map(toView);
}

/** One subscription with how its deliveries stand, or null. */
export async function getSubscription(db: Tx, id: number): Promise<SubscriptionView | null> {
  const row = await findSubscriptionRow(db, id);
  if (!row) return null;
  const counts = await deliveryCountsOfSubscription(db, id);
  const deliveries = Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, counts.find((c) => c.status === s)?.n ?? 0])) as Record<(typeof DELIVERY_STATUSES)[number], number>;
  return { ...toView(row), deliveries };
}

export async function updateSubscription(
  db: Tx,
  id: number,
  patch: { name?: string; url?: string; events?: WebhookEventFilter[]; agencyId?: number | null; active?: boolean },
): Promise<SubscriptionView | null> {
  const changes: Record<string, unknown> = {};
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.url !== undefined) changes.url = patch.url;
  if (patch.events !== undefined) changes.events = normaliseEvents(patch.events);
  if (patch.agencyId !== undefined) changes.agency_id = patch.agencyId;
  if (patch.active !== undefined) changes.active = patch.active;
  const n = await updateSubscriptionRow(db, id, changes);
  return n ? getSubscription(db, id) : null;
}

/** Deletes the subscription and, with it, its delivery log (deactivate to keep the log). */
export async function deleteSubscription(db: Tx, id: number): Promise<boolean> {
  return (await deleteSubscriptionRow(db, id)) > 0;
}

/**
 * A new secret, effective at once: deliveries still retrying are signed with it from their next
 * attempt, so the subscriber should switch as soon as it is told.
 */
export async function rotateSecret(db: Tx, id: number): Promise<(SubscriptionView & { secret: string }) | null> {
  const secret = generateWebhookSecret();
  const n = await updateSubscriptionSecret(db, id, secret);
  if (!n) return null;
  return { ...(await getSubscription(db, id))!, secret };
}

/**
 * Sends a signed `webhook.ping` now and reports the answer, so an administrator can check
 * the URL and the subscriber's verification before real events flow. Not logged, not retried.
 */
export async function pingSubscription(db: Tx, id: number, opts: { timeoutMs: number; policy: UrlPolicy }): Promise<PingResult | null> {
  const sub = await subscriptionTarget(db, id);
  if (!sub) return null;
  const eventId = `ping-${randomUUID()}`;
  const event: PingEvent = { id: eventId, type: 'webhook.ping', occurredAt: vnTime(new Date())!, subscription: { id: sub.id, name: sub.name } };
  const r = await sendWebhook({ url: sub.url, secret: sub.secret }, { rawBody: JSON.stringify(event), eventId, eventType: event.type, deliveryId: eventId }, opts);
  return { delivered: r.ok, statusCode: r.statusCode, error: r.error, durationMs: r.durationMs };
}
