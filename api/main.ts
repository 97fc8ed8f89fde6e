import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import { createDb } from '../db/connection';
import { loadConfig } from '../platform/config';
import { enforcePosture, UnsafeConfigurationError } from '../platform/posture';
import { temporalAddress, temporalConnectionOptions } from '../platform/temporal-connection';
import { closeLiveQueues, createApp } from './app';
import { requestIdClientInterceptor } from '../platform/request-propagation';
import { paymentWiring } from '../payments/wiring';
import { postalWiring } from '../delivery/postal';
import { apiMetrics, metricsApp, type MetricsAccess } from './metrics';

/** API process. It starts even while a dependency is down; /ready tells when it can serve. */
async function main(): Promise<void> {
  const config = loadConfig();
  // In production: the warnings are printed, and a dangerous setting stops the start here.
  enforcePosture(config, process.env, (line) => process.stderr.write(`api: ${line}\n`));
  const db = createDb(config.databaseUrl);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', () => undefined); // reported by /health, not crashed on
  const connection = Connection.lazy(temporalConnectionOptions(config, temporalAddress(config)));
  const temporal = new Client({ connection, namespace: config.temporal.namespace, interceptors: { workflow: [requestIdClientInterceptor()] } });
  const { provider, sandbox } = paymentWiring(config, { withSandbox: true });
  const metrics = apiMetrics({ db, redis, queuePrefix: config.queuePrefix });
  // Behind METRICS_TOKEN; without one, open in development and absent in production.
  const metricsAccess: MetricsAccess = config.metrics.token ? { token: config.metrics.token } : config.production ? 'none' : 'open';
  const app = createApp({
    db,
    redis,
    temporal,
    taskQueue: config.taskQueue,
    publicBaseUrl: config.publicBaseUrl,
    payments: { provider, sandbox, publicBaseUrl: config.publicBaseUrl, validityMinutes: config.payment.validityMinutes },
    postal: postalWiring(config, { withSandbox: true }),
    // Counters live next to the BullMQ keys of this deployment.
    publicRateLimit: { limit: config.publicRateLimitPerMinute, windowSeconds: 60, keyPrefix: `${config.queuePrefix}:` },
    auth: config.auth,
    trustProxy: config.trustProxy,
    queuePrefix: config.queuePrefix,
    metrics: { collector: metrics, access: metricsAccess },
  });
  const metricsPort = config.metrics.port;
  const metricsServer: Server | undefined =
    metricsPort === undefined
      ? undefined
      : metricsApp(metrics).listen(metricsPort, config.metrics.host, (err?: Error) => {
          if (err) {
            process.stderr.write(`api: cannot listen for metrics on ${config.metrics.host}:${metricsPort}: ${err.message}\n`);
            process.exit(1);
          }
          process.stdout.write(`api: metrics on http://${config.metrics.host}:${metricsPort}/metrics\n`);
        });

  const server: Server = app.listen(config.port, config.host, (err?: Error) => {
    if (err) {
      process.stderr.write(`api: cannot listen on ${config.host}:${config.port}: ${err.message}\n`);
      process.exit(1);
    }
    process.stdout.write(`api: listening on http://${config.host}:${config.port} (pid ${process.pid})\n`);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`api: ${signal} received, closing…\n`);
    metricsServer?.close();
    // The officers' event streams never end by themselves: ended first, or the server would wait for them.
    void closeLiveQueues(app);
    server.close(async () => {
      await connection.close().catch(() => undefined);
      redis.disconnect();
      await db.destroy();
      process.stdout.write('api: stopped\n');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // Started by `npm start` with an IPC channel: if the supervisor dies, do not linger.
  if (process.send) process.on('disconnect', () => stop('supervisor gone'));
}

main().catch((err) => {
  process.stderr.write(`api: ${err instanceof UnsafeConfigurationError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
