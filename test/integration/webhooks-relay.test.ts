import { Queue, Worker as QueueWorker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createDb } from '../../db/connection';
import { freePort } from '../../platform/temporal-dev-server';
import { eventually } from '../helpers/stack';
import { recoverLostJobs, relayWebhookDeliveries, WEBHOOK_QUEUE, webhookJobId, type WebhookJob } from '../../webhooks/relay';

/**
 * The relay from PostgreSQL to BullMQ on its own, against real PostgreSQL and Redis: Redis
 * being down leaves deliveries waiting in PostgreSQL; one dossier's deliveries to one
 * subscriber go out one at a time, in order; paused subscriptions hold theirs; lost jobs heal.
 */
describe('webhook relay', () => {
  const db = createDb(inject('databaseUrl'));
  const prefix = `${inject('runId')}-webhook-relay`;
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
  const queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection: redis, prefix });
  let subscriptionId: number;
  let dossierId: number;
  // The relay sends every pending delivery: other suites' active subscriptions are held while these
  // tests count what it queues, and given back after.
  let held: number[] = [];

  beforeAll(async () => {
    held = await db('webhook_subscriptions').where('active', true).pluck('id');
    if (held.length) await db('webhook_subscriptions').whereIn('id', held).update({ active: false });
    const p = await db('procedures').first('id');
    const a = await db('agencies').where('eid', '000.20.20.H29').first('id');
    const [d] = await db('dossiers')
      .insert({ code: `000.20.20.H29-300302-${Date.now() % 100000}`, workflow_id: `wf-relay-${Date.now()}`, procedure_id: p.id, agency_id: a.id, channel: 'online', delivery_method: 'online', status: 'SUBMITTED', applicant_full_name: 'Trần Văn B', applicant_id_number: '079000000002', submitted_at: new Date() })
      .returning('id');
    dossierId = Number(d.id);
    // Inactive from the start: no worker of another suite may pick these rows up.
    const [s] = await db('webhook_subscriptions').insert({ name: 'relay test', url: 'http://127.0.0.1:9/h', secret: 'whsec_test', active: false }).returning('id');
    subscriptionId = s.id;
  });
  afterAll(async () => {
    await db('webhook_subscriptions').where('id', subscriptionId).del();
    if (held.length) await db('webhook_subscriptions').whereIn('id', held).update({ active: true });
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    await db.destroy();
  });

  const addDelivery = async (seq: number) => {
    const [row] = await db('webhook_deliveries')
      .insert({ subscription_id: subscriptionId, event_key: `dossier-${dossierId}-${seq}`, event_type: 'dossier.status_changed', dossier_id: dossierId, payload: JSON.stringify({ id: `dossier-${dossierId}-${seq}` }) })
      .returning('id');
    return Number(row.id);
  };
  const rowOf = (id: number) => db('webhook_deliveries').where('id', id).first('status', 'enqueued_at');
  const mine = () => db('webhook_deliveries').where('subscription_id', subscriptionId);

  it('holds a paused subscription, waits out Redis being down, then queues one dossier in order', async () => {
    const first = await addDelivery(1);
    const second = await addDelivery(2);
    expect(await relayWebhookDeliveries(db, queue, { maxAttempts: 3 })).toBe(0); // paused
    await db('webhook_subscriptions').where('id', subscriptionId).update({ active: true });

    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const deadQueue = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection: dead, prefix });
    deadQueue.on('error', () => undefined);
    await expect(relayWebhookDeliveries(db, deadQueue, { maxAttempts: 3 })).rejects.toThrow();
    expect((await rowOf(first)).enqueued_at).toBeNull(); // released: it waits in PostgreSQL
    await deadQueue.close().catch(() => undefined);
    dead.disconnect();

    // Redis is back: the first goes, the second waits behind it (same dossier, same subscriber).
    expect(await relayWebhookDeliveries(db, queue, { maxAttempts: 3 })).toBe(1);
    const queued = await rowOf(first);
    expect(queued.enqueued_at).not.toBeNull();
    const job = await queue.getJob(webhookJobId(first, new Date(queued.enqueued_at).getTime()));
    expect(job?.data).toEqual({ deliveryId: first, enqueuedAtMs: new Date(queued.enqueued_at).getTime() });
    expect(job?.opts.attempts).toBe(3);
    expect((await rowOf(second)).enqueued_at).toBeNull();
    expect(await relayWebhookDeliveries(db, queue, { maxAttempts: 3 })).toBe(0);

    // Still failing holds it too; once the first is delivered (or dead), the second goes.
    await db('webhook_deliveries').where('id', first).update({ status: 'failed' });
    expect(await relayWebhookDeliveries(db, queue, { maxAttempts: 3 })).toBe(0);
    await db('webhook_deliveries').where('id', first).update({ status: 'dead' });
    expect(await relayWebhookDeliveries(db, queue, { maxAttempts: 3 })).toBe(1);
    expect((await rowOf(second)).enqueued_at).not.toBeNull();
    await db('webhook_subscriptions').where('id', subscriptionId).update({ active: false });
    await mine().del();
  });

  it('releases a row whose queue job was lost, and marks dead one whose job failed unrecorded', async () => {
    const lost = await addDelivery(10);
    const failed = await addDelivery(11);
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await db('webhook_deliveries').where('id', lost).update({ enqueued_at: longAgo });
    await db('webhook_deliveries').where('id', failed).update({ enqueued_at: longAgo, status: 'failed' });
    // The failed one's job ended failed without the row being marked (its worker died on the last attempt).
    await queue.obliterate({ force: true });
    await queue.add('deliver', { deliveryId: failed, enqueuedAtMs: longAgo.getTime() }, { jobId: webhookJobId(failed, longAgo.getTime()), attempts: 1 });
    const workerRedis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const crashing = new QueueWorker<WebhookJob>(WEBHOOK_QUEUE, async () => Promise.reject(new Error('job stalled more than allowable limit')), { connection: workerRedis, prefix });
    await eventually(() => queue.getJobState(webhookJobId(failed, longAgo.getTime())), (s) => s === 'failed', 10_000);
    await crashing.close();
    workerRedis.disconnect();

    // At least these two: the browser suites' deliveries share the database (their queue is another).
    expect(await recoverLostJobs(db, queue)).toBeGreaterThanOrEqual(2);
    // Released: its old enqueue time is gone (another stack's relay sharing the database may already have enqueued it anew).
    const released = await rowOf(lost);
    expect(released.status).toBe('pending');
    expect(released.enqueued_at === null || new Date(released.enqueued_at).getTime() > longAgo.getTime()).toBe(true);
    expect((await rowOf(failed)).status).toBe('dead');
    await mine().del();
  });

  it('looks past stale rows whose jobs still live (a long backoff) to a lost one behind them', async () => {
    const waiting = await addDelivery(20);
    const lost = await addDelivery(21);
    const longAgo = new Date(Date.now() - 10 * 60_000);
    await db('webhook_deliveries').whereIn('id', [waiting, lost]).update({ enqueued_at: longAgo, status: 'failed' });
    await queue.obliterate({ force: true });
    // The first still waits out its backoff in the queue; the second's job is gone.
    await queue.add('deliver', { deliveryId: waiting, enqueuedAtMs: longAgo.getTime() }, { jobId: webhookJobId(waiting, longAgo.getTime()), delay: 3_600_000 });

    // One row per page: the live row fills a page, and the lost one is still found after it.
    expect(await recoverLostJobs(db, queue, 1)).toBeGreaterThanOrEqual(1);
    // Not ended by our pass (a relay of another stack sharing the database may release it: its queue lacks the job).
    expect((await rowOf(waiting)).status).not.toBe('dead');
    const released = await rowOf(lost);
    expect(released.enqueued_at === null || new Date(released.enqueued_at).getTime() > longAgo.getTime()).toBe(true);
    await queue.obliterate({ force: true });
    await mine().del();
  });
});
