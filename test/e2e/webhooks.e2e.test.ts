import express from 'express';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticate } from '../../api/auth';
import { errorHandler } from '../../api/problem';
import { webhookRoutes } from '../../api/webhooks';
import { authConfig } from '../../platform/config';
import { freePort } from '../../platform/temporal-dev-server';
import { signWebhook, verifyWebhookSignature } from '../../webhooks/signing';
import {
  dossierClient,
  eventually,
  http,
  payFeeAtCounter,
  SAMPLE_SUBMISSION,
  uniqueKey,
} from '../helpers/stack';
import { useStack } from '../helpers/use-stack';
import { startWebhookSubscriber, type WebhookSubscriber } from '../helpers/webhook-subscriber';

/**
 * Outbound webhooks on the real stack: dossiers driven through the API and the Temporal
 * workflow in the real worker process, which relays the delivery rows written with each status
 * change into BullMQ and POSTs them, signed, to test subscribers on this machine.
 */
const MAX_ATTEMPTS = 6;

describe('outbound webhooks', () => {
  const admin = { 'X-User-Id': 'quantri' };
  const { api } = useStack({
    name: 'webhooks',
    worker: {
      // Seconds instead of hours: the same schedule, shrunk.
      WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      WEBHOOK_BACKOFF_MS: '300',
      WEBHOOK_BACKOFF_MAX_MS: '1000',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_RELAY_INTERVAL_MS: '100',
    },
  });
  const subscribers: WebhookSubscriber[] = [];
  const subscriptionIds: number[] = [];
  const dossiers = dossierClient(() => api);
  const v1 = (path: string) => `${api.baseUrl}/api/v1${path}`;

  afterEach(async () => {
    // Each test's subscribers stop receiving, so the next test's dossiers are not sent to them.
    for (const id of subscriptionIds.splice(0)) await http('DELETE', v1(`/webhooks/subscriptions/${id}`), { headers: admin });
    for (const s of subscribers.splice(0)) await s.close();
  });

  async function subscribe(body: Record<string, unknown>, opts: { down?: boolean } = {}): Promise<{ id: number; secret: string; subscriber: WebhookSubscriber }> {
    const subscriber = await startWebhookSubscriber();
    subscribers.push(subscriber);
    if (opts.down) await subscriber.down();
    const created = await http('POST', v1('/webhooks/subscriptions'), { body: { url: subscriber.url, ...body }, headers: admin });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    subscriptionIds.push(created.body.id);
    subscriber.setSecret(created.body.secret);
    return { id: created.body.id, secret: created.body.secret, subscriber };
  }

  async function submit(overrides: Record<string, unknown> = {}, idNumber = `0790${Date.now().toString().slice(-8)}`): Promise<{ code: string; id: number }> {
    const r = await http('POST', v1('/dossiers'), {
      body: { ...SAMPLE_SUBMISSION, ...overrides, applicant: { ...SAMPLE_SUBMISSION.applicant, idNumber } },
      headers: { 'Idempotency-Key': uniqueKey('webhook') },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return { code: r.body.code, id: Number((await api.db('dossiers').where({ code: r.body.code }).first('id')).id) };
  }

  const deliveriesOf = async (subscription: number, dossier?: string) => {
    const r = await http('GET', v1(`/webhooks/deliveries?subscription=${subscription}${dossier ? `&dossier=${encodeURIComponent(dossier)}` : ''}`), { headers: admin });
    expect(r.status).toBe(200);
    return r.body.items as any[];
  };

  /** Status changes of a dossier as its event log has them: what subscribers must receive. */
  const statusChanges = async (dossierId: number) =>
    (await api.db('dossier_events').where('dossier_id', dossierId).whereRaw('from_status is distinct from to_status').orderBy('seq').select('seq', 'type', 'from_status', 'to_status')).map(
      (e) => ({ seq: e.seq, event: e.type, from: e.from_status, to: e.to_status }),
    );

  it('is for administrators only, validates strictly, and shows a secret once', async () => {
    const anonymous = await http('GET', v1('/webhooks/subscriptions'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    const officer = await http('GET', v1('/webhooks/subscriptions'), { headers: { 'X-User-Id': 'motcua.saigon' } });
    expect(officer.status).toBe(403);
    expect((await http('POST', v1('/webhooks/subscriptions'), { body: { name: 'x', url: 'https://example.vn/h' }, headers: { 'X-User-Id': 'giamsat.saigon' } })).status).toBe(403);

    const bad = await http('POST', v1('/webhooks/subscriptions'), { body: { name: '', url: 'ftp://example.vn/h', events: ['dossier.deleted'], agencyID: '000.20.20.H29' }, headers: admin });
    expect(bad.status).toBe(422);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: any) => e.field).sort()).toEqual(['agencyID', 'events.0', 'name', 'url']);
    const missing = await http('POST', v1('/webhooks/subscriptions'), { body: {}, headers: admin });
    expect(missing.body.errors).toEqual(expect.arrayContaining([{ field: 'name', message: 'bắt buộc nhập' }, { field: 'url', message: 'bắt buộc nhập' }]));
    const credentials = await http('POST', v1('/webhooks/subscriptions'), { body: { name: 'x', url: 'https://portal:s3cret@dvc.example.vn/h' }, headers: admin });
    expect(credentials.status).toBe(422);
    expect(credentials.body.errors[0].field).toBe('url');
    const agency = await http('POST', v1('/webhooks/subscriptions'), { body: { name: 'x', url: 'https://dvc.example.vn/h', agencyEid: '999.99.99.H99' }, headers: admin });
    expect(agency.status).toBe(422);
    expect(agency.body.errors).toEqual([{ field: 'agencyEid', message: 'không có cơ quan 999.99.99.H99' }]);

    const created = await http('POST', v1('/webhooks/subscriptions'), {
      body: { name: 'Cổng Dịch vụ công quốc gia', url: 'https://dvc.example.vn/hooks', events: ['dossier.status_changed'], agencyEid: '000.20.20.H29' },
      headers: admin,
    });
    expect(created.status).toBe(201);
    subscriptionIds.push(created.body.id);
    expect(created.headers.get('location')).toBe(`/api/v1/webhooks/subscriptions/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'Cổng Dịch vụ công quốc gia', events: ['dossier.status_changed'], agencyEid: '000.20.20.H29', active: true, createdBy: 'quantri' });
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.headers.get('cache-control')).toBe('no-store');

    const list = await http('GET', v1('/webhooks/subscriptions'), { headers: admin });
    expect(list.status).toBe(200);
    expect(list.body.items.find((s: any) => s.id === created.body.id)).toBeTruthy();
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const one = await http('GET', v1(`/webhooks/subscriptions/${created.body.id}`), { headers: admin });
    expect(one.body.secret).toBeUndefined();
    expect(one.body.deliveries).toEqual({ pending: 0, delivered: 0, failed: 0, dead: 0 });

    const rotated = await http('POST', v1(`/webhooks/subscriptions/${created.body.id}/rotate-secret`), { headers: admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(await api.db('webhook_subscriptions').where('id', created.body.id).first('secret')).toEqual({ secret: rotated.body.secret });

    const paused = await http('PATCH', v1(`/webhooks/subscriptions/${created.body.id}`), { body: { active: false, agencyEid: null }, headers: admin });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ active: false, agencyEid: null });
    expect((await http('PATCH', v1(`/webhooks/subscriptions/${created.body.id}`), { body: { secret: 'mine' }, headers: admin })).status).toBe(422);
    expect((await http('PATCH', v1(`/webhooks/subscriptions/${created.body.id}`), { body: {}, headers: admin })).status).toBe(422);
    expect((await http('PATCH', v1('/webhooks/subscriptions/987654'), { body: { active: true }, headers: admin })).status).toBe(404);

    expect((await http('GET', v1('/webhooks/deliveries?status=lost'), { headers: admin })).status).toBe(422);
    expect((await http('GET', v1('/webhooks/deliveries?dossierCode=x'), { headers: admin })).status).toBe(422);
    expect((await http('GET', v1('/webhooks/deliveries/987654321'), { headers: admin })).status).toBe(404);
    expect((await http('POST', v1('/webhooks/deliveries/987654321/replay'), { headers: admin })).status).toBe(404);
    expect((await http('GET', v1('/webhooks/deliveries/abc'), { headers: admin })).status).toBe(404);

    expect((await http('DELETE', v1(`/webhooks/subscriptions/${created.body.id}`), { headers: admin })).status).toBe(204);
    expect((await http('GET', v1(`/webhooks/subscriptions/${created.body.id}`), { headers: admin })).status).toBe(404);
  });

  it('refuses loopback, private and metadata addresses where the deployment forbids them', async () => {
    // The production setting (WEBHOOK_ALLOW_PRIVATE_NETWORKS=false), on the same router.
    const app = express();
    app.use(express.json());
    app.use(authenticate(api.db, authConfig({})));
    app.use('/api/v1', webhookRoutes({ db: api.db, config: { allowPrivateNetworks: false, timeoutMs: 1000 } }));
    app.use(errorHandler);
    const port = await freePort();
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s));
    });
    try {
      for (const url of ['http://127.0.0.1:8080/h', 'http://localhost:8080/h', 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.5/h', 'http://[::1]/h', 'http://[::ffff:127.0.0.1]/h']) {
        const r = await http('POST', `http://127.0.0.1:${port}/api/v1/webhooks/subscriptions`, { body: { name: 'internal', url }, headers: admin });
        expect(r.status, url).toBe(422);
        expect(r.body.errors[0].field).toBe('url');
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("sends every status change of a dossier, signed, in order, with the dossier's data", async () => {
    const { id, secret, subscriber } = await subscribe({ name: 'Đồng bộ Cổng DVC quốc gia', events: ['dossier.status_changed'] });
    const ping = await http('POST', v1(`/webhooks/subscriptions/${id}/ping`), { headers: admin });
    expect(ping.body).toMatchObject({ delivered: true, statusCode: 204, error: null });
    expect(subscriber.events()[0]).toMatchObject({ type: 'webhook.ping', subscription: { id } });

    const dossier = await submit();
    expect((await dossiers.officer(dossier.code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    await payFeeAtCounter(api.baseUrl, dossier.code);
    expect((await dossiers.officer(dossier.code, 'review/proposal', await dossiers.assigneeOf(dossier.code), { proposal: 'approve' })).status).toBe(200);
    expect((await dossiers.officer(dossier.code, 'decision', 'lanhdao.saigon', { decision: 'approve' })).status).toBe(200);
    await eventually(() => dossiers.lookup(dossier.code), (r) => r.body.status?.code === 'COMPLETED');

    const expected = await statusChanges(dossier.id);
    expect(expected.map((c) => c.to)).toEqual(['SUBMITTED', 'RECEIVED', 'IN_REVIEW', 'AWAITING_DECISION', 'APPROVED', 'RESULT_DELIVERED', 'COMPLETED']);
    const received = await eventually(
      async () => subscriber.events().filter((e) => e.dossier?.code === dossier.code),
      (events) => events.length === expected.length,
    );
    // In order of the event log, each once, with the dossier as the read model has it.
    expect(received.map((e) => e.change)).toEqual(expected);
    const row = await api.db('dossiers as d').join('procedures as p', 'p.id', 'd.procedure_id').where('d.id', dossier.id).first('p.national_code', 'd.received_at');
    for (const e of received) {
      expect(e).toMatchObject({
        id: `dossier-${dossier.id}-${e.change.seq}`,
        type: 'dossier.status_changed',
        occurredAt: expect.stringMatching(/\+07:00$/),
        dossier: { code: dossier.code, agencyEid: '000.20.20.H29', procedureCode: 'KT-HKD', nationalProcedureCode: row.national_code, channel: 'online' },
      });
    }
    expect(received.at(-1).dossier.receivedAt).toMatch(/\+07:00$/);

    // Every request carried a valid signature and the identifying headers.
    const requests = subscriber.requests.filter((r) => r.body?.dossier?.code === dossier.code);
    const log = await deliveriesOf(id, dossier.code);
    expect(log).toHaveLength(expected.length);
    for (const r of requests) {
      expect(r.verified).toBe(true);
      expect(r.headers['x-dossier-event-id']).toBe(r.body.id);
      expect(r.headers['x-dossier-event-type']).toBe('dossier.status_changed');
      expect(r.headers['user-agent']).toMatch(/^DossierPlatform-Webhooks\//);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(log.find((d) => String(d.id) === r.headers['x-dossier-delivery-id'])?.eventId).toBe(r.body.id);
      const header = r.headers['x-dossier-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      // What a subscriber must refuse: an altered body, or a signature made with another secret.
      expect(verifyWebhookSignature(secret, header, r.rawBody.replace(dossier.code, '000.20.20.H29-000000-9999')).ok).toBe(false);
      expect(verifyWebhookSignature(`${secret}x`, header, r.rawBody).ok).toBe(false);
    }
    // The delivery log: each delivered at its first attempt, with the answer recorded.
    for (const d of log) {
      expect(d).toMatchObject({ status: 'delivered', attemptCount: 1, lastStatusCode: 204, dossierCode: dossier.code });
      expect(d.attempts).toEqual([{ attempt: 1, at: expect.any(String), statusCode: 204, error: null, durationMs: expect.any(Number) }]);
    }
    const one = await http('GET', v1(`/webhooks/deliveries/${log[0].id}`), { headers: admin });
    expect(one.body.payload).toEqual(received.find((e) => e.id === log[0].eventId));

    // A forged request (signed with a guessed secret) is refused by the subscriber.
    const forgedBody = JSON.stringify({ ...received[0], change: { ...received[0].change, to: 'CANCELLED' } });
    const forged = await fetch(subscriber.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-dossier-signature': signWebhook('whsec_guess', forgedBody, Math.floor(Date.now() / 1000)), 'x-dossier-event-id': 'forged-1' },
      body: forgedBody,
    });
    expect(forged.status).toBe(401);
  });

  it('keeps a delivery through the subscriber being down (refused connections, then 503) and delivers it later, in order', async () => {
    const { id, subscriber } = await subscribe({ name: 'Hệ thống một cửa điện tử tỉnh' }, { down: true });
    const dossier = await submit();
    // The first delivery fails while the subscriber is unreachable…
    const failing = await eventually(() => deliveriesOf(id, dossier.code), (items) => items.some((d) => d.attemptCount >= 2));
    expect(failing.find((d) => d.attemptCount >= 2)).toMatchObject({ status: 'failed', lastStatusCode: null, lastError: expect.stringContaining('ECONNREFUSED') });
    // …and the officer goes on working meanwhile: later changes wait behind it.
    expect((await dossiers.officer(dossier.code, 'intake/accept', 'motcua.saigon')).status).toBe(200);
    subscriber.failWith(503, 1);
    await subscriber.up();

    // The specialist's assignment follows the acceptance's answer (issue 18): wait for its change too.
    const expected = await eventually(() => statusChanges(dossier.id), (c) => c.length === 3);
    expect(expected.map((c) => c.to)).toEqual(['SUBMITTED', 'RECEIVED', 'IN_REVIEW']);
    const log = await eventually(
      () => deliveriesOf(id, dossier.code),
      (items) => items.length === expected.length && items.every((d) => d.status === 'delivered'),
      20_000,
    );
    const first = log.find((d) => d.eventId === `dossier-${dossier.id}-1`)!;
    const errors = first.attempts.map((a: any) => a.statusCode ?? a.error);
    expect(first.attempts.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expect(errors.filter((e: any) => typeof e === 'string' && e.includes('ECONNREFUSED')).length).toBeGreaterThanOrEqual(2);
    expect(errors.slice(-2)).toEqual([503, 204]);
    expect(first.attempts.map((a: any) => a.attempt)).toEqual(first.attempts.map((_: any, i: number) => i + 1));
    expect(first.lastError).toBeNull();

    // Once, and in the dossier's order, although the later ones were ready long before.
    const received = subscriber.events().filter((e) => e.dossier?.code === dossier.code);
    expect(received.map((e) => e.change)).toEqual(expected);
    expect(subscriber.requests.filter((r) => r.answeredWith === 401)).toEqual([]);
  });

  it('marks a delivery dead after its last attempt; an administrator replays it', async () => {
    const { id, subscriber } = await subscribe({ name: 'Hệ thống đang bảo trì' });
    subscriber.failWith(500);
    const dossier = await submit();
    const [dead] = await eventually(() => deliveriesOf(id, dossier.code), (items) => items[0]?.status === 'dead', 30_000);
    expect(dead.attemptCount).toBe(MAX_ATTEMPTS);
    expect(dead.attempts.map((a: any) => a.statusCode)).toEqual(Array(MAX_ATTEMPTS).fill(500));
    expect(dead.lastError).toContain('HTTP 500');
    expect(subscriber.events()).toEqual([]);
    expect((await http('GET', v1(`/webhooks/deliveries?status=dead&subscription=${id}`), { headers: admin })).body.items.map((d: any) => d.id)).toEqual([dead.id]);

    subscriber.recover();
    const notAdmin = await http('POST', v1(`/webhooks/deliveries/${dead.id}/replay`), { headers: { 'X-User-Id': 'lanhdao.saigon' } });
    expect(notAdmin.status).toBe(403);
    const replay = await http('POST', v1(`/webhooks/deliveries/${dead.id}/replay`), { headers: admin });
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: dead.id, status: 'pending' });
    const delivered = await eventually(
      () => http('GET', v1(`/webhooks/deliveries/${dead.id}`), { headers: admin }),
      (r) => r.body.status === 'delivered',
    );
    // The replay is new attempts on the same log, with the same event id.
    expect(delivered.body.attempts.map((a: any) => a.statusCode)).toEqual([...Array(MAX_ATTEMPTS).fill(500), 204]);
    expect(subscriber.events()).toHaveLength(1);
    const accepted = subscriber.requests.filter((r) => r.answeredWith === 204);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]!.headers['x-dossier-event-id']).toBe(dead.eventId);
    expect(accepted[0]!.headers['x-dossier-delivery-attempt']).toBe(String(MAX_ATTEMPTS + 1));

    // A delivered one can be replayed too (the subscriber lost it): it arrives again, same event id.
    expect((await http('POST', v1(`/webhooks/deliveries/${dead.id}/replay`), { headers: admin })).status).toBe(202);
    await eventually(async () => subscriber.requests.filter((r) => r.answeredWith === 204).length, (n) => n === 2);
    expect(subscriber.events()).toHaveLength(1); // deduplicated on X-Dossier-Event-Id

    // A paused subscription records nothing new, and a replay says it would wait.
    expect((await http('PATCH', v1(`/webhooks/subscriptions/${id}`), { body: { active: false }, headers: admin })).status).toBe(200);
    const paused = await http('POST', v1(`/webhooks/deliveries/${dead.id}/replay`), { headers: admin });
    expect(paused.status).toBe(409);
  });

  it("sends an agency's subscriber only that agency's dossiers", async () => {
    const ward = await subscribe({ name: 'UBND Phường Sài Gòn', agencyEid: '000.20.20.H29' });
    const police = await subscribe({ name: 'Công an Phường Sài Gòn', agencyEid: '000.20.21.H29' });
    const wardDossier = await submit();
    const policeDossier = await submit({ procedureCode: 'CA-THUONGTRU', agencyEid: '000.20.21.H29', documents: [] });
    await eventually(async () => ward.subscriber.events().length + police.subscriber.events().length, (n) => n >= 2);
    await eventually(() => deliveriesOf(police.id), (items) => items.length >= 1 && items.every((d) => d.status === 'delivered'));
    await eventually(() => deliveriesOf(ward.id), (items) => items.length >= 1 && items.every((d) => d.status === 'delivered'));
    expect(new Set(ward.subscriber.events().map((e) => e.dossier.code))).toEqual(new Set([wardDossier.code]));
    expect(new Set(police.subscriber.events().map((e) => e.dossier.code))).toEqual(new Set([policeDossier.code]));
    expect(police.subscriber.events()[0].dossier.agencyEid).toBe('000.20.21.H29');
  });
});
