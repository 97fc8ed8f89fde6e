import { createDossierClient } from '../dossiers/client';
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { Runtime, type Worker } from '@temporalio/worker';
import { Redis } from 'ioredis';
import { createDb } from '../db/connection';
import { notificationProviders } from '../notifications/wiring';
import { loadConfig } from '../platform/config';
import { enforcePosture, UnsafeConfigurationError } from '../platform/posture';
import { temporalAddress, temporalConnectionOptions } from '../platform/temporal-connection';
import { createDossierWorker } from './dossier-worker';
import { startMaintenance } from './maintenance-worker';
import { paymentWiring } from '../payments/wiring';
import { postalWiring } from '../delivery/postal';
import { startNotifications } from './notification-worker';
import { startWebhookDelivery } from './webhook-worker';
import { temporalLogger } from './temporal-logger';

/**
 * Worker process: the Temporal worker for dossier workflows and the BullMQ workers.
 * SIGTERM/SIGINT drain both before exiting, including a signal that arrives while the
 * workflow bundle is still being built.
 */
async function main(): Promise<void> {
  let stopRequested = false;
  const running: { worker?: Worker } = {};
  const stop = (reason: string) => {
    if (stopRequested) return;
    stopRequested = true;
    process.stdout.write(`worker: ${reason}, draining…\n`);
    if (running.worker?.getState() === 'RUNNING') running.worker.shutdown();
  };
  process.on('SIGTERM', () => stop('SIGTERM received'));
  process.on('SIGINT', () => stop('SIGINT received'));
  // Started by `npm start` with an IPC channel: if the supervisor dies, do not linger.
  if (process.send) process.on('disconnect', () => stop('supervisor gone'));
  // Signals are handled above, in order; the runtime must not act on them on its own. The SDK's
  // lines (the workflows' "update accepted" with its request id among them) go to the process logger.
  Runtime.install({ shutdownSignals: [], logger: temporalLogger() });

  const config = loadConfig();
  // In production: the warnings are printed, and a dangerous setting stops the start here.
  enforcePosture(config, process.env, (line) => process.stderr.write(`worker: ${line}\n`));
  const db = createDb(config.databaseUrl);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  // Fails fast while Redis is down, so the outbox relay retries on its next pass instead of hanging.
  const queueRedis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  queueRedis.on('error', () => undefined);
  redis.on('error', () => undefined);

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

  const created = await createDossierWorker({
    config,
    db,
    afterEventWritten,
    postal: (() => {
      const p = postalWiring(config, { withSandbox: false });
      return { provider: p.provider, callbackUrl: p.callbackUrl, province: config.postal.province };
    })(),
    bundlePath: process.env.WORKFLOW_BUNDLE_PATH || undefined,
  });
  const worker = created.worker;
  running.worker = worker;
  // The relays (notifications, webhooks) and maintenance run beside the activity tasks: a
  // `workflows` worker leaves them to the `activities` workers.
  const startRelays = async (): Promise<() => Promise<void>> => {
    // Fault injection for the notification crash test: die once, hard, after a provider accepted a message on this channel.
    const crashAfterSend = process.env.DOSSIER_FAULT_CRASH_AFTER_SEND;
    const providers = notificationProviders(config.notifications);
    const notifications = startNotifications({
      db,
      connection: redis,
      queueConnection: queueRedis,
      prefix: config.queuePrefix,
      config: config.notifications,
      providers,
      log: (line) => process.stdout.write(`${line}\n`),
      afterProviderAccepted:
        crashAfterSend && crashMarker
          ? (_id, channel) => {
              if (channel === crashAfterSend && !fs.existsSync(crashMarker)) {
                fs.writeFileSync(crashMarker, `${process.pid}\n`);
                process.kill(process.pid, 'SIGKILL');
              }
            }
          : undefined,
    });
    const webhooks = startWebhookDelivery({ db, redis, queueRedis, prefix: config.queuePrefix, config: config.webhooks, log: (line) => process.stdout.write(`${line}\n`) });
    const clientConnection = await Connection.connect(temporalConnectionOptions(config, temporalAddress(config)));
    const temporalClient = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
    const maintenance = await startMaintenance({
      db,
      redis,
      prefix: config.queuePrefix,
      dossiers: createDossierClient({ temporal: temporalClient, taskQueue: config.taskQueue }),
      chains: { temporal: temporalClient, taskQueue: config.taskQueue },
      intervalMs: config.submissionReconcile.intervalMs,
      graceMs: config.submissionReconcile.graceMs,
      paymentProvider: paymentWiring(config, { withSandbox: false }).provider,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    return async () => {
      await webhooks.close();
      await maintenance.close();
      await notifications.close();
      providers.close();
      await clientConnection.close();
    };
  };
  const closeRelays = config.workerRole === 'workflows' ? async () => undefined : await startRelays();

  try {
    // run() even when a stop came during start-up: a worker that never ran keeps its
    // connection pinned, so it is started and shut down at once instead.
    const run = worker.run();
    if (stopRequested) worker.shutdown();
    else {
      process.stdout.write(`worker: polling task queue "${config.taskQueue}" as ${config.workerRole} (pid ${process.pid})\n`);
      // The SDK's own line at the threads' start says promise hooks are "not available": they are declined on purpose.
      if (config.workerRole !== 'activities' && !config.temporal.workflowStackTraces) {
        process.stdout.write('worker: workflow stack traces off (TEMPORAL_WORKFLOW_STACK_TRACES=true turns them on for the Temporal UI)\n');
      }
      if (process.connected) process.send?.({ type: 'ready' });
    }
    await run;
  } finally {
    await closeRelays();
    queueRedis.disconnect();
    await created.connection.close();
    redis.disconnect();
    await db.destroy();
    process.stdout.write('worker: stopped\n');
    if (process.connected) process.disconnect();
  }
}

main().catch((err) => {
  process.stderr.write(`worker: ${err instanceof UnsafeConfigurationError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
