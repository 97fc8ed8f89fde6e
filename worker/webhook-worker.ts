import { Queue, UnrecoverableError, Worker as QueueWorker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/connection';
import type { WebhookConfig } from '../platform/config';
import { attemptDelivery } from '../webhooks/delivery';
import { recoverLostJobs, relayWebhookDeliveries, WEBHOOK_QUEUE, webhookBackoffDelay, type WebhookJob } from '../webhooks/relay';
import { closeInStages, startRelayLoop, type Closable } from './relay-loop';

/** Deliveries one relay pass claims and queues. */
const RELAY_BATCH = 100;

/**
 * Outbound webhooks in the worker process: a relay from PostgreSQL into BullMQ (as for
 * notifications) and a BullMQ worker that sends each delivery, retrying with backoff.
 */
export function startWebhookDelivery(opts: {
  db: Db;
  /** For the BullMQ worker (blocking commands: maxRetriesPerRequest null). */
  redis: Redis;
  /** For queueing: fails fast while Redis is down, so the relay retries on its next pass. */
  queueRedis: Redis;
  prefix: string;
  config: WebhookConfig;
  log: (line: string) => void;
}): Closable {
  const { db, config } = opts;
  const policy = { allowPrivateNetworks: config.allowPrivateNetworks };
  const queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection: opts.queueRedis, prefix: opts.prefix });
  queue.on('error', () => undefined); // reported by the relay's own pass
  const worker = new QueueWorker<WebhookJob>(
    WEBHOOK_QUEUE,
    async (job) => {
      const outcome = await attemptDelivery(db, job.data.deliveryId, {
        enqueuedAtMs: job.data.enqueuedAtMs,
        finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
        timeoutMs: config.timeoutMs,
        policy,
      });
      if (outcome.kind === 'retry') throw new Error(`attempt ${outcome.attempt}: ${outcome.error}`);
      if (outcome.kind === 'dead') {
        opts.log(`worker: webhook delivery ${job.data.deliveryId} is dead after attempt ${outcome.attempt} (${outcome.error})`);
        throw new UnrecoverableError(`attempt ${outcome.attempt}: ${outcome.error}`);
      }
      return outcome;
    },
    {
      connection: opts.redis,
      prefix: opts.prefix,
      // Each job waits on a remote server; several at once keep one slow subscriber from stalling the rest.
      concurrency: 8,
      // Jobs carry backoff type 'webhook' (see the relay): exponential with a ceiling and jitter.
      settings: { backoffStrategy: (failures: number) => webhookBackoffDelay(failures, config.backoffMs, config.backoffMaxMs) },
    },
  );
  worker.on('error', () => undefined); // Redis outages: BullMQ reconnects by itself

  let lastRecovery = 0;
  const relay = startRelayLoop({
    name: 'webhook relay',
    pass: () => relayWebhookDeliveries(db, queue, { maxAttempts: config.maxAttempts, limit: RELAY_BATCH }),
    batchSize: RELAY_BATCH,
    afterDrain: async () => {
      if (Date.now() - lastRecovery <= 60_000) return;
      lastRecovery = Date.now();
      const healed = await recoverLostJobs(db, queue);
      if (healed) opts.log(`worker: ${healed} webhook deliveries had lost their queue job and were released again`);
    },
    intervalMs: config.relayIntervalMs,
    log: opts.log,
  });
  return { close: () => closeInStages([relay], [worker], [queue]) };
}
