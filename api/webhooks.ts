import type { Router, Request } from 'express';
import { apiRouter } from './router';
import type { Db } from '../db/connection';
import { invalidFields, type FieldError } from '../domain/errors';
import { z } from 'zod';
import { webhookConfig, type WebhookConfig } from '../platform/config';
import { getDelivery, listDeliveries, replayDelivery } from '../webhooks/deliveries';
import {
  createSubscriptionBodySchema,
  deliveryListQuerySchema,
  idParamSchema,
  updateSubscriptionBodySchema,
  WEBHOOK_EVENT_TYPES,
} from '../webhooks/schemas';
import {
  checkedSubscriberUrl,
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  pingSubscription,
  rotateSecret,
  subscriptionAgencyId,
  updateSubscription,
} from '../webhooks/subscriptions';
import { callerFor } from './caller';
import { isAdmin, type Caller } from '../domain/officer';
import { HttpProblem } from './problem';

/**
 * Outbound webhooks, administration (issue 5): subscriptions, the delivery log and replays.
 * Administrators only: a subscription decides where dossier data is sent.
 */
const vietnamese = z.locales.vi().localeError;

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** Parses with `schema`, or answers 422 listing every field at fault (as the rest of the API does). */
function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  if (input === undefined || input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new HttpProblem(400, 'Malformed request', 'Nội dung yêu cầu phải là một đối tượng JSON (Content-Type: application/json).');
  }
  const r = schema.safeParse(input, { error: vietnamese });
  if (r.success) return r.data;
  const errors: FieldError[] = [];
  for (const issue of r.error.issues) {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ field: at ? `${at}.${key}` : key, message: 'trường không được phép' });
    } else if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      errors.push({ field: at, message: 'bắt buộc nhập' });
    } else {
      errors.push({ field: at || '(body)', message: issue.message });
    }
  }
  throw invalidFields(errors);
}

function idOf(req: Request, what: string): number {
  const r = idParamSchema.safeParse(req.params.id);
  if (!r.success) throw new HttpProblem(404, 'Not found', `Không có ${what} ${String(req.params.id)}.`);
  return r.data;
}

async function requireWebhookAdmin(db: Db, req: Request): Promise<Caller> {
  const caller = await callerFor(db, req);
  if (!isAdmin(caller)) throw new HttpProblem(403, 'Forbidden', `Chỉ quản trị hệ thống được quản lý webhook; tài khoản ${caller.username} không có vai trò này.`, { reason: 'AdminOnly' });
  return caller;
}

const notFound = (what: string, id: number) => new HttpProblem(404, 'Not found', `Không có ${what} ${id}.`);

export function webhookRoutes(deps: { db: Db; config?: Pick<WebhookConfig, 'allowPrivateNetworks' | 'timeoutMs'> }): Router {
  const { db } = deps;
  const config = deps.config ?? webhookConfig();
  const router = apiRouter();

  router.get('/webhooks/event-types', async (req, res) => {
    await requireWebhookAdmin(db, req);
    res.json({ items: ['*', ...WEBHOOK_EVENT_TYPES] });
  });

  router.post('/webhooks/subscriptions', async (req, res) => {
    const caller = await requireWebhookAdmin(db, req);
    const body = parse(createSubscriptionBodySchema, req.body);
    const url = await checkedSubscriberUrl(body.url, config);
    const agencyId = (await subscriptionAgencyId(db, body.agencyEid)) ?? null;
    const created = await createSubscription(db, { name: body.name, url, events: body.events ?? ['*'], agencyId }, caller.userId);
    // The secret is in this answer only: no cache may keep it.
    res.status(201).location(`/api/v1/webhooks/subscriptions/${created.id}`).set('Cache-Control', 'no-store').json(created);
  });

  router.get('/webhooks/subscriptions', async (req, res) => {
    await requireWebhookAdmin(db, req);
    res.json({ items: await listSubscriptions(db) });
  });

  router.get('/webhooks/subscriptions/:id', async (req, res) => {
    await requireWebhookAdmin(db, req);
    const id = idOf(req, 'đăng ký webhook');
    const sub = await getSubscription(db, id);
    if (!sub) throw notFound('đăng ký webhook', id);
    res.json(sub);
  });

  router.patch('/webhooks/subscriptions/:id', async (req, res) => {
    await requireWebhookAdmin(db, req);
    const id = idOf(req, 'đăng ký webhook');
    const body = parse(updateSubscriptionBodySchema, req.body);
    const url = body.url === undefined ? undefined : await checkedSubscriberUrl(body.url, config);
    const agencyId = await subscriptionAgencyId(db, body.agencyEid);
    const updated = await updateSubscription(db, id, { name: body.name, url, events: body.events, agencyId, active: body.active });
    if (!updated) throw notFound('đăng ký webhook', id);
    res.json(updated);
  });

  router.delete('/webhooks/subscriptions/:id', async (req, res) => {
    await requireWebhookAdmin(db, req);
    const id = idOf(req, 'đăng ký webhook');
    if (!(await deleteSubscription(db, id))) throw notFound('đăng ký webhook', id);
    res.status(204).end();
  });

  router.post('/webhooks/subscriptions/:id/rotate-secret', async (req, res) => {
    await requireWebhookAdmin(db, req);
    const id = idOf(req, 'đăng ký webhook');
    const rotated = await rotateSecret(db, id);
    if (!rotated) throw notFound('đăng ký webhook', id);
    res.set('Cache-Control', 'no-store').json(rotated);
  });

  router.post('/webhooks/subscriptions/:id/ping', async (req, res) => {
    await requireWebhookAdmin(db, req);
    const id = idOf(req, 'đăng ký webhook');
    const result = await pingSubscription(db, id, { timeoutMs: config.timeoutMs, policy: config });
    if (!result) throw notFound('đăng ký webhook', id);
    res.json(result);
  });

  router.get('/webhooks/deliveries', async (req, res) => {
    await requireWebhookAdmin(db, req);
    res.json(await listDeliveries(db, parse(deliveryListQuerySchema, { ...req.query })));
  });

  router.get('/webhooks/deliveries/:id', async (req, res) => {
    await requireWebhookAdmin(db, req);
    const id = idOf(req, 'lượt gửi webhook');
    const delivery = await getDelivery(db, id);
    if (!delivery) throw notFound('lượt gửi webhook', id);
    res.json(delivery);
  });

  router.post('/webhooks/deliveries/:id/replay', async (req, res) => {
    await requireWebhookAdmin(db, req);
    const id = idOf(req, 'lượt gửi webhook');
    const r = await replayDelivery(db, id);
    if (r.kind === 'not_found') throw notFound('lượt gửi webhook', id);
    if (r.kind === 'inactive') throw new HttpProblem(409, 'Subscription inactive', `Đăng ký nhận của lượt gửi ${id} đang tạm dừng; kích hoạt lại (PATCH active: true) rồi gửi lại.`);
    res.status(202).json(r.delivery);
  });

  return router;
}
