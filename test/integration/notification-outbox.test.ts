import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { addToOutbox } from '../../activities/notifications';
import { createDb } from '../../db/connection';
import { CHANNELS, channelQueueName } from '../../notifications/channels';
import { deliverMessage } from '../../notifications/delivery';
import { relayOutbox, type ChannelJob, type ChannelQueues } from '../../notifications/relay';
import type { ChannelSender } from '../../notifications/senders';
import { freePort } from '../../platform/temporal-dev-server';
import { createDossier, outboxKey, testNotificationConfig } from '../helpers/notifications-fixtures';

/**
 * Telling the citizen goes through a PostgreSQL outbox: Redis being down delays the
 * messages but never loses them or blocks the dossier, each row fans out once per
 * channel, and a redelivered job sends once.
 */
describe('notification outbox', () => {
  const db = createDb(inject('databaseUrl'));
  const prefix = `${inject('runId')}-outbox`;
  const config = testNotificationConfig();
  afterAll(() => db.destroy());

  function queuesOn(connection: Redis): ChannelQueues {
    return Object.fromEntries(CHANNELS.map((c) => [c, new Queue<ChannelJob>(channelQueueName(c), { connection, prefix })])) as ChannelQueues;
  }

  it('keeps messages in PostgreSQL while Redis is down and relays them when it is back, once per channel', async () => {
    const dossier = await createDossier(db);
    const key = outboxKey('relay');
    await addToOutbox(db, key, { dossierId: dossier.id, template: 'intake_accepted' });
    await addToOutbox(db, key, { dossierId: dossier.id, template: 'intake_accepted' }); // a retried activity
    expect(await db('notification_outbox').where('job_key', key).count('* as n').first()).toEqual({ n: 1 });

    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const deadQueues = queuesOn(dead);
    for (const q of Object.values(deadQueues)) q.on('error', () => undefined);
    await expect(relayOutbox(db, deadQueues, config)).rejects.toThrow();
    expect((await db('notification_outbox').where('job_key', key).first('enqueued_at')).enqueued_at).toBeNull();
    await Promise.all(Object.values(deadQueues).map((q) => q.close().catch(() => undefined)));
    dead.disconnect();

    const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const queues = queuesOn(redis);
    try {
      expect(await relayOutbox(db, queues, config)).toBeGreaterThanOrEqual(1);
      expect((await db('notification_outbox').where('job_key', key).first('enqueued_at')).enqueued_at).not.toBeNull();
      expect(await relayOutbox(db, queues, config)).toBe(0);
      // The citizen has a phone and an e-mail address; Zalo is not configured by default.
      expect((await queues.sms.getJob(key))?.data).toEqual({ outboxKey: key, channel: 'sms' });
      expect((await queues.email.getJob(key))?.data).toEqual({ outboxKey: key, channel: 'email' });
      expect(await queues.zalo.getJob(key)).toBeUndefined();
      expect((await queues.sms.getJob(key))?.opts).toMatchObject({ attempts: config.attempts, backoff: { type: 'exponential', delay: config.backoffMs } });

      // Relaying the same row again (a crash before the commit) queues nothing twice.
      const before = { sms: await queues.sms.count(), email: await queues.email.count() };
      await db('notification_outbox').where('job_key', key).update({ enqueued_at: null });
      expect(await relayOutbox(db, queues, config)).toBe(1);
      expect({ sms: await queues.sms.count(), email: await queues.email.count() }).toEqual(before);
    } finally {
      for (const q of Object.values(queues)) {
        await q.obliterate({ force: true });
        await q.close();
      }
      redis.disconnect();
    }
  });

  it('claims before sending: a redelivered job sends nothing twice, a failed send is retried', async () => {
    const dossier = await createDossier(db);
    const key = outboxKey('claim');
    await addToOutbox(db, key, { dossierId: dossier.id, template: 'result_delivered' });
    await db('notification_outbox').where('job_key', key).update({ enqueued_at: db.fn.now() }); // delivered by hand below, not by a relay
    const sent: string[] = [];
    let fail = true;
    const sender: ChannelSender = {
      provider: 'fake-sms',
      idempotent: true,
      prepare: (_template, facts) => ({
        body: `ket qua ${facts.dossier?.code}`,
        async send(to) {
          if (fail) throw new Error('gateway timeout');
          sent.push(to);
          return { messageId: `m-${sent.length}` };
        },
      }),
    };
    const deliver = () => deliverMessage(db, { outboxKey: key, channel: 'sms', sender, leaseMs: 60_000 });
    await expect(deliver()).rejects.toThrow('gateway timeout');
    expect(await db('notifications').where('job_id', `${key}:sms`).first('status', 'attempts')).toEqual({ status: 'failed', attempts: 1 });
    fail = false;
    expect(await deliver()).toMatchObject({ kind: 'sent', messageId: 'm-1', attempt: 2 });
    expect(await deliver()).toEqual({ kind: 'already_sent' });
    expect(sent).toEqual(['0912345678']);
    expect(await db('notifications').where('job_id', `${key}:sms`).first('status', 'provider_message_id', 'attempts', 'recipient')).toEqual({
      status: 'sent',
      provider_message_id: 'm-1',
      attempts: 2,
      recipient: '0912345678',
    });
  });
});
