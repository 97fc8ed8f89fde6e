import { Worker as QueueWorker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { deliverNotification, NOTIFICATION_QUEUE, type NotificationJob, type SmsProvider } from '../activities/notifications';

/** BullMQ worker that sends citizen notifications through the SMS provider. */
export function startNotificationWorker(opts: { db: Knex; redis: Redis; prefix: string; sms: SmsProvider }): QueueWorker<NotificationJob> {
  return new QueueWorker<NotificationJob>(
    NOTIFICATION_QUEUE,
    async (job) => {
      await deliverNotification(opts.db, opts.sms, job.id ?? `${job.name}-${job.timestamp}`, job.data);
    },
    { connection: opts.redis, prefix: opts.prefix, concurrency: 8 },
  );
}
