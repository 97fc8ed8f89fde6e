import { Worker as QueueWorker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { Queue } from 'bullmq';
import { deliverNotification, NOTIFICATION_QUEUE, relayOutbox, type NotificationJob, type SmsProvider } from '../activities/notifications';

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

/** Relays the notification outbox into BullMQ every `intervalMs` until closed. */
export function startOutboxRelay(opts: { db: Knex; queue: Queue<NotificationJob>; intervalMs: number; log: (line: string) => void }): { close(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let lastError = '';
  const tick = () => {
    running = (async () => {
      try {
        // Drain in batches while there is a backlog.
        while (!stopped && (await relayOutbox(opts.db, opts.queue)) > 0);
        lastError = '';
      } catch (err) {
        const message = (err as Error).message;
        if (message !== lastError) opts.log(`worker: notification relay waiting (${message})`);
        lastError = message;
      }
      if (!stopped) timer = setTimeout(tick, opts.intervalMs);
    })();
  };
  tick();
  return {
    async close() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
