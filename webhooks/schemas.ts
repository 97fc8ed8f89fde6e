import { z } from 'zod';

/**
 * Shapes of the webhook admin API and of what subscribers receive. Request schemas are strict
 * (an unknown field is an error, not silently dropped: a misspelt `agencyEid` must not turn a
 * filtered subscription into one that receives every agency's dossiers). Exported for the
 * OpenAPI document (`z.toJSONSchema`).
 */

/** Event types a subscription may ask for; '*' is every type, including those added later. */
export const WEBHOOK_EVENT_TYPES = ['dossier.status_changed'] as const;
export const eventFilterSchema = z.enum(['*', ...WEBHOOK_EVENT_TYPES]);

/**
 * pending: waiting to be sent (or to be sent again after a replay); failed: the last attempt
 * failed and a retry is scheduled; delivered: a 2xx answer; dead: every attempt failed.
 */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'dead'] as const;
export const deliveryStatusSchema = z.enum(DELIVERY_STATUSES);

const agencyEidSchema = z.string().regex(/^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$/, 'mã định danh cơ quan không đúng định dạng (vd. 000.20.20.H29)');
const subscriberUrlSchema = z
  .url({ protocol: /^https?$/, error: 'phải là địa chỉ http:// hoặc https:// hợp lệ' })
  .max(2000)
  .describe('Where events are POSTed. http(s) only, no credentials; non-public addresses are refused unless the deployment allows them.');
const nameSchema = z.string().trim().min(1).max(200);
const eventsSchema = z
  .array(eventFilterSchema)
  .min(1)
  .max(10)
  .describe("Event types to receive; ['*'] (the default) is all of them.");

export const createSubscriptionBodySchema = z.strictObject({
  name: nameSchema.describe('Who receives it, e.g. "Cổng Dịch vụ công quốc gia – đồng bộ trạng thái"'),
  url: subscriberUrlSchema,
  events: eventsSchema.optional(),
  agencyEid: agencyEidSchema.nullable().optional().describe("Only this agency's dossiers; absent or null: every agency."),
});

export const updateSubscriptionBodySchema = z
  .strictObject({
    name: nameSchema.optional(),
    url: subscriberUrlSchema.optional(),
    events: eventsSchema.optional(),
    agencyEid: agencyEidSchema.nullable().optional(),
    active: z.boolean().optional().describe('false pauses the subscription: nothing is sent, nothing new is recorded; true resumes sending what was waiting.'),
  })
  .refine((b) => Object.keys(b).length > 0, { error: 'cần ít nhất một trường để cập nhật' });

/** Path parameter `:id`: a positive integer. */
export const idParamSchema = z.coerce.number().int().positive();

export const deliveryListQuerySchema = z.strictObject({
  subscription: z.coerce.number().int().positive().optional(),
  status: deliveryStatusSchema.optional(),
  dossier: z.string().min(1).max(64).optional().describe('Dossier code'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('Page size (default 50)'),
  before: z.coerce.number().int().positive().optional().describe('Cursor: only deliveries with a smaller id (the previous page\'s nextBefore)'),
});

export const subscriptionSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  url: z.string(),
  events: z.array(eventFilterSchema),
  agencyEid: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  /** Present on a single subscription: how its deliveries stand. */
  deliveries: z.record(deliveryStatusSchema, z.number().int()).optional(),
}).meta({ id: 'WebhookSubscription' });

/** Only in the answers that create a secret (create, rotate): it is never shown again. */
export const subscriptionWithSecretSchema = subscriptionSchema.extend({
  secret: z.string().describe('HMAC-SHA256 key for X-Dossier-Signature; store it now, it is not shown again'),
}).meta({ id: 'WebhookSubscriptionWithSecret' });

export const attemptSchema = z.object({
  attempt: z.number().int(),
  at: z.string(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int().nullable(),
}).meta({ id: 'WebhookAttempt' });

/** The body POSTed for a dossier status change (written by the read model with the event). */
export const statusChangedEventSchema = z.object({
  id: z.string().describe('Event id, also in X-Dossier-Event-Id: the same on every retry and replay; deduplicate on it'),
  type: z.literal('dossier.status_changed'),
  occurredAt: z.string(),
  dossier: z.object({
    code: z.string(),
    agencyEid: z.string(),
    procedureCode: z.string(),
    nationalProcedureCode: z.string().nullable(),
    channel: z.string(),
    receivedAt: z.string().nullable(),
    appointmentAt: z.string().nullable(),
    dueAt: z.string().nullable(),
  }),
  change: z.object({
    seq: z.number().int().describe("Position in the dossier's event log: order by it, deliveries may arrive out of order"),
    event: z.string(),
    from: z.string().nullable(),
    to: z.string(),
  }),
}).meta({ id: 'WebhookStatusChangedEvent' });

/** The body of a test ping (POST /webhooks/subscriptions/{id}/ping); never retried or logged. */
export const pingEventSchema = z.object({
  id: z.string(),
  type: z.literal('webhook.ping'),
  occurredAt: z.string(),
  subscription: z.object({ id: z.number().int(), name: z.string() }),
});

export const deliverySchema = z.object({
  id: z.number().int(),
  subscriptionId: z.number().int(),
  eventId: z.string(),
  eventType: z.string(),
  dossierCode: z.string().nullable(),
  status: deliveryStatusSchema,
  attemptCount: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  enqueuedAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  attempts: z.array(attemptSchema),
  payload: statusChangedEventSchema.optional().describe('On a single delivery only'),
}).meta({ id: 'WebhookDelivery' });

export const deliveryPageSchema = z.object({
  items: z.array(deliverySchema),
  nextBefore: z.number().int().nullable().describe('Pass as `before` for the next page; null on the last one'),
}).meta({ id: 'WebhookDeliveryPage' });

export const pingResultSchema = z.object({
  delivered: z.boolean(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().int(),
}).meta({ id: 'WebhookPingResult' });

export type WebhookEventFilter = z.infer<typeof eventFilterSchema>;
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>;
export type CreateSubscriptionBody = z.infer<typeof createSubscriptionBodySchema>;
export type UpdateSubscriptionBody = z.infer<typeof updateSubscriptionBodySchema>;
export type DeliveryListQuery = z.infer<typeof deliveryListQuerySchema>;
export type SubscriptionView = z.infer<typeof subscriptionSchema>;
export type SubscriptionWithSecret = z.infer<typeof subscriptionWithSecretSchema>;
export type AttemptView = z.infer<typeof attemptSchema>;
export type DeliveryView = z.infer<typeof deliverySchema>;
export type StatusChangedEvent = z.infer<typeof statusChangedEventSchema>;
export type PingEvent = z.infer<typeof pingEventSchema>;
export type PingResult = z.infer<typeof pingResultSchema>;
