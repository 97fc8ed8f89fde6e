import { DelayedError, Queue, UnrecoverableError, Worker as QueueWorker, type Job, type WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/connection';
import type { NotificationConfig } from '../platform/config';
import { CHANNELS, channelQueueName, DEAD_LETTER_QUEUE, type Channel } from '../notifications/channels';
import { deliverMessage, markDeadLettered, type DeliveryOutcome } from '../notifications/delivery';
import { channelJobOptions, redriveDeadLetter, relayOutbox, releaseUnfinished, type ChannelJob, type ChannelQueues } from '../notifications/relay';
import { channelSender, type ChannelProviders } from '../notifications/senders';
import { closeInStages, startRelayLoop } from './relay-loop';

/** What the dead-letter queue keeps about a message that failed for good. */
export interface DeadLetter extends ChannelJob {
  queue: string;
  attempts: number;
  error: string;
  deadAt: string;
}

/** Outbox rows one relay pass moves into the channel queues. */
const RELAY_BATCH = 100;

export const deadLetterJobId = (job: ChannelJob) => `${job.channel}-${job.outboxKey}`;

/**
 * BullMQ settings of a channel's worker. The limiter is the provider's rate limit: BullMQ
 * keeps it in Redis per queue, so it holds across all worker replicas. The lock is how long
 * a dead worker's job waits before another worker takes it over.
 */
export function channelWorkerOptions(channel: Channel, config: NotificationConfig, connection: Redis, prefix: string): WorkerOptions {
  const perSecond = config.perSecond[channel];
  return {
    connection,
    prefix,
    concurrency: 4,
    ...(perSecond > 0 ? { limiter: { max: perSecond, duration: 1000 } } : {}),
    lockDuration: config.jobLockMs,
    stalledInterval: config.jobLockMs,
    // A message may be interrupted by two crashes before it is given up on (and dead-lettered).
    maxStalledCount: 2,
  };
}

/** Errors a provider says will never succeed (bad address, bad template) skip the retries. */
function isPermanent(err: unknown): boolean {
  return err instanceof UnrecoverableError || (typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false);
}

export interface NotificationService {
  queues: ChannelQueues;
  deadLetters: Queue<DeadLetter>;
  workers: Record<Channel, QueueWorker<ChannelJob>>;
  /**
   * Sends a dead letter again, e.g. once an officer corrected the citizen's phone number: its
   * row is released and the message queued afresh with all its attempts. False when unknown.
   */
  redrive(deadLetterId: string): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The notification side of the worker process: the outbox relay, one BullMQ worker per
 * channel, and the dead-letter queue.
 *
 * `connection` serves the workers (it waits for Redis); `queueConnection` serves the relay
 * and should fail fast, so a Redis outage leaves rows in the outbox for the next pass.
 */
export function startNotifications(opts: {
  db: Db;
  connection: Redis;
  queueConnection: Redis;
  prefix: string;
  config: NotificationConfig;
  providers: ChannelProviders;
  log: (line: string) => void;
  relayIntervalMs?: number;
  afterProviderAccepted?: (deliveryId: string, channel: Channel) => void;
}): NotificationService {
  const { db, config } = opts;
  const queues = Object.fromEntries(
    CHANNELS.map((c) => [c, new Queue<ChannelJob>(channelQueueName(c), { connection: opts.queueConnection, prefix: opts.prefix })]),
  ) as ChannelQueues;
  for (const q of Object.values(queues)) q.on('error', () => undefined); // the relay reports outages itself
  const deadLetters = new Queue<DeadLetter>(DEAD_LETTER_QUEUE, { connection: opts.connection, prefix: opts.prefix });

  /** Nothing consumes the dead-letter queue: its jobs wait there for an operator. Idempotent on the job id. */
  async function enqueueDeadLetter(job: Job<ChannelJob>, error: string): Promise<void> {
    const letter: DeadLetter = { ...job.data, queue: channelQueueName(job.data.channel), attempts: job.attemptsMade + 1, error, deadAt: new Date().toISOString() };
    await deadLetters.add('dead', letter, { jobId: deadLetterJobId(job.data) });
  }

  /** Row first, then the queue entry: a crash in between is finished by the redelivered job (outcome 'dead_lettered'). */
  async function deadLetter(job: Job<ChannelJob>, error: string): Promise<void> {
    await markDeadLettered(db, job.data.outboxKey, job.data.channel, error);
    await enqueueDeadLetter(job, error);
    opts.log(`worker: ${job.data.channel} message ${job.data.outboxKey} dead-lettered: ${error}`);
  }

  const workers = Object.fromEntries(
    CHANNELS.map((channel) => {
      const sender = channelSender(channel, opts.providers, config.zaloTemplateIds);
      const worker = new QueueWorker<ChannelJob>(
        channelQueueName(channel),
        async (job, token): Promise<DeliveryOutcome> => {
          let outcome: DeliveryOutcome;
          try {
            outcome = await deliverMessage(db, {
              outboxKey: job.data.outboxKey,
              channel,
              sender,
              leaseMs: config.claimLeaseMs,
              afterAccepted: opts.afterProviderAccepted,
            });
          } catch (err) {
            const message = (err as Error).message;
            const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
            if (isPermanent(err) || last) {
              await deadLetter(job, message);
              throw new UnrecoverableError(message);
            }
            throw err; // retried with exponential backoff
          }
          if (outcome.kind === 'held') {
            // Not an attempt: wait for the other claim to end or expire.
            await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
            throw new DelayedError();
          }
          if (outcome.kind === 'outcome_unknown') {
            await deadLetter(job, outcome.reason);
            throw new UnrecoverableError(outcome.reason);
          }
          if (outcome.kind === 'dead_lettered') {
            await enqueueDeadLetter(job, 'dead-lettered by an earlier attempt');
            throw new UnrecoverableError('dead-lettered by an earlier attempt');
          }
          return outcome;
        },
        channelWorkerOptions(channel, config, opts.connection, opts.prefix),
      );
      // Jobs failed by BullMQ itself (stalled too often) never reached the catch above.
      worker.on('failed', (job, err) => {
        if (!job || !/stalled more than allowable limit/.test(err.message)) return;
        deadLetter(job, err.message).catch((e) => opts.log(`worker: could not dead-letter ${job.id}: ${(e as Error).message}`));
      });
      worker.on('error', (err) => opts.log(`worker: ${channel} notifications: ${err.message}`));
      return [channel, worker];
    }),
  ) as Record<Channel, QueueWorker<ChannelJob>>;

  // A key that lives as long as Redis keeps its data: when it is missing, whatever the relay
  // had queued may be gone with it (restart without persistence, flush), so unfinished
  // messages are relayed again before anything new.
  const epochKey = `${opts.prefix}:notifications:epoch`;
  const relayPass = async () => {
    if (!(await opts.queueConnection.exists(epochKey))) {
      const released = await releaseUnfinished(db, config);
      await opts.queueConnection.set(epochKey, new Date().toISOString());
      if (released) opts.log(`worker: Redis had lost its queues; ${released} notification(s) relayed again`);
    }
    return relayOutbox(db, queues, config, RELAY_BATCH);
  };
  const relay = startRelayLoop({ name: 'notification relay', pass: relayPass, batchSize: RELAY_BATCH, intervalMs: opts.relayIntervalMs ?? 500, log: opts.log });
  return {
    queues,
    deadLetters,
    workers,
    async redrive(deadLetterId) {
      const letter = await deadLetters.getJob(deadLetterId);
      if (!letter) return false;
      const { outboxKey, channel } = letter.data;
      await redriveDeadLetter(db, outboxKey, channel);
      // The failed job still holds the outbox key as its id: it goes, and a fresh one with all its attempts comes.
      await (await queues[channel].getJob(outboxKey))?.remove();
      await queues[channel].add('redrive', { outboxKey, channel }, channelJobOptions(config, outboxKey));
      await letter.remove();
      opts.log(`worker: ${channel} message ${outboxKey} re-driven from the dead-letter queue`);
      return true;
    },
    close: () => closeInStages([relay], Object.values(workers), Object.values(queues), [deadLetters]),
  };
}
