import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { addToOutbox, deliverNotification, NOTIFICATION_QUEUE, relayOutbox, type NotificationJob, type SmsProvider } from '../activities/notifications';
import { createDb } from '../db/connection';
import { freePort } from '../platform/temporal-dev-server';

/**
 * Telling the citizen goes through a PostgreSQL outbox: Redis being down delays the
 * messages but never loses them or blocks the dossier, and a redelivered job sends once.
 */
describe('notification outbox', () => {
  const db = createDb(inject('databaseUrl'));
  const prefix = `${inject('runId')}-outbox`;
  afterAll(() => db.destroy());

  async function someDossier(): Promise<number> {
    const d = await db('dossiers').whereNotNull('applicant_phone').first('id');
    if (d) return Number(d.id);
    const p = await db('procedures').first('id');
    const a = await db('agencies').first('id');
    const [row] = await db('dossiers')
      .insert({ code: `000.20.20.H29-300301-${Date.now() % 10000}`, workflow_id: `wf-${Date.now()}`, procedure_id: p.id, agency_id: a.id, channel: 'online', delivery_method: 'online', status: 'SUBMITTED', applicant_full_name: 'Trần Văn B', applicant_id_number: '079000000001', applicant_phone: '0901234567', submitted_at: new Date() })
      .returning('id');
    return Number(row.id);
  }

  it('keeps messages in PostgreSQL while Redis is down and relays them when it is back, once', async () => {
    const dossierId = await someDossier();
    const key = `outbox-test-${Date.now()}`;
    await addToOutbox(db, key, { dossierId, template: 'intake_accepted' });
    await addToOutbox(db, key, { dossierId, template: 'intake_accepted' }); // a retried activity
    expect(await db('notification_outbox').where('job_key', key).count('* as n').first()).toEqual({ n: 1 });

    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const deadQueue = new Queue<NotificationJob>(NOTIFICATION_QUEUE, { connection: dead, prefix });
    deadQueue.on('error', () => undefined);
    await expect(relayOutbox(db, deadQueue)).rejects.toThrow();
    expect((await db('notification_outbox').where('job_key', key).first('enqueued_at')).enqueued_at).toBeNull();
    await deadQueue.close().catch(() => undefined);
    dead.disconnect();

    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queue = new Queue<NotificationJob>(NOTIFICATION_QUEUE, { connection: redis, prefix });
    try {
      expect(await relayOutbox(db, queue)).toBeGreaterThanOrEqual(1);
      expect((await db('notification_outbox').where('job_key', key).first('enqueued_at')).enqueued_at).not.toBeNull();
      expect(await relayOutbox(db, queue)).toBe(0);
      const job = await queue.getJob(key);
      expect(job?.data).toEqual({ dossierId, template: 'intake_accepted' });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });

  it('claims before sending: a redelivered job sends nothing twice, a failed send is retried', async () => {
    const dossierId = await someDossier();
    const sent: string[] = [];
    let fail = true;
    const sms: SmsProvider = {
      async send(to, text) {
        if (fail) throw new Error('gateway timeout');
        sent.push(`${to}:${text}`);
        return { messageId: `m-${sent.length}` };
      },
    };
    const jobId = `deliver-test-${Date.now()}`;
    await expect(deliverNotification(db, sms, jobId, { dossierId, template: 'result_delivered' })).rejects.toThrow('gateway timeout');
    expect((await db('notifications').where('job_id', jobId).first('status')).status).toBe('failed');
    fail = false;
    expect(await deliverNotification(db, sms, jobId, { dossierId, template: 'result_delivered' })).toBe('sent');
    expect(await deliverNotification(db, sms, jobId, { dossierId, template: 'result_delivered' })).toBe('skipped');
    expect(sent).toHaveLength(1);
    expect(await db('notifications').where('job_id', jobId).first('status', 'provider_message_id')).toEqual({ status: 'sent', provider_message_id: 'm-1' });
  });
});
