import fs from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createDb } from '../db/connection';
import { bullmqOutbox, NOTIFICATION_QUEUE, sandboxSmsProvider, type NotificationJob } from '../activities/notifications';
import { loadConfig } from '../platform/config';
import { createDossierWorker } from './dossier-worker';
import { startNotificationWorker } from './notification-worker';

/**
 * Worker process: the Temporal worker for dossier workflows and the BullMQ workers.
 * SIGTERM/SIGINT drain both before exiting.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = createDb(config.databaseUrl);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<NotificationJob>(NOTIFICATION_QUEUE, { connection: redis, prefix: config.queuePrefix });

  // Fault injection for the crash-recovery test: die once, hard, right after an event is written.
  const crashAfter = process.env.DOSSIER_FAULT_CRASH_AFTER_EVENT;
  const crashMarker = process.env.DOSSIER_FAULT_MARKER;
  const afterEventWritten =
    crashAfter && crashMarker
      ? (event: { type: string }) => {
          if (event.type === crashAfter && !fs.existsSync(crashMarker)) {
            fs.writeFileSync(crashMarker, `${process.pid}\n`);
            process.kill(process.pid, 'SIGKILL');
          }
        }
      : undefined;

  const { worker, connection } = await createDossierWorker({
    config,
    db,
    outbox: bullmqOutbox(queue),
    afterEventWritten,
    bundlePath: process.env.WORKFLOW_BUNDLE_PATH || undefined,
  });
  const notifications = startNotificationWorker({ db, redis, prefix: config.queuePrefix, sms: sandboxSmsProvider() });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`worker: ${signal} received, draining…\n`);
    worker.shutdown();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  process.stdout.write(`worker: polling task queue "${config.taskQueue}" (pid ${process.pid})\n`);
  try {
    await worker.run();
  } finally {
    await notifications.close();
    await queue.close();
    await connection.close();
    redis.disconnect();
    await db.destroy();
    process.stdout.write('worker: stopped\n');
  }
}

main().catch((err) => {
  process.stderr.write(`worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
