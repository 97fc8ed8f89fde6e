import { Queue, Worker as QueueWorker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../db/connection';
import type { DossierClient } from '../dossiers/client';
import type { PaymentProvider } from '../integrations/payment/provider';
import { reconcilePayments } from '../payments/payments';
import { startPendingDossierWorkflows } from '../dossiers/starts';
import { startPendingChainWorkflows } from '../dossiers/chains';
import type { Client } from '@temporalio/client';

export const MAINTENANCE_QUEUE = 'maintenance';

/**
 * Periodic maintenance through a BullMQ job scheduler: one run per interval whatever
 * the number of worker replicas: restarts stalled submissions and reconciles payments.
 */
export async function startMaintenance(opts: {
  db: Db;
  redis: Redis;
  prefix: string;
  dossiers: DossierClient;
  /** Inter-agency chains stored but not started (dossiers/chains.ts). */
  chains?: { temporal: Client; taskQueue: string };
  intervalMs: number;
  graceMs: number;
  paymentProvider?: PaymentProvider;
  log: (line: string) => void;
}): Promise<{ close(): Promise<void> }> {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: opts.redis, prefix: opts.prefix });
  const schedule = () => queue.upsertJobScheduler('start-pending-dossiers', { every: opts.intervalMs }, { name: 'start-pending-dossiers' });
  await schedule();
  // The scheduler lives in Redis: one that lost its data (restart without persistence, flush)
  // lost it too. Put it back on every reconnection (an upsert: nothing doubles).
  const reschedule = () => {
    schedule().catch((err: Error) => opts.log(`worker: maintenance schedule not restored yet (${err.message})`));
  };
  opts.redis.on('ready', reschedule);
  const { dossiers } = opts;
  const worker = new QueueWorker(
    MAINTENANCE_QUEUE,
    async () => {
      const r = await startPendingDossierWorkflows(opts.db, dossiers, { olderThanMs: opts.graceMs });
      if (r.started) opts.log(`worker: started ${r.started} dossier workflow(s) that had not begun processing`);
      if (opts.chains) {
        const c = await startPendingChainWorkflows(opts.db, opts.chains.temporal, opts.chains.taskQueue, { olderThanMs: opts.graceMs });
        if (c.started) opts.log(`worker: started ${c.started} inter-agency chain workflow(s) that had not begun processing`);
      }
      const p = await reconcilePayments(opts.db, opts.paymentProvider, dossiers, { quietForMs: Math.max(opts.graceMs, 60_000) });
      if (p.settled || p.acknowledged) opts.log(`worker: payments reconciled (${p.settled} settled with the gateway, ${p.acknowledged} told to their dossiers)`);
      return { ...r, payments: p };
    },
    { connection: opts.redis, prefix: opts.prefix, concurrency: 1 },
  );
  return {
    async close() {
      opts.redis.off('ready', reschedule);
      await worker.close();
      await queue.close();
    },
  };
}
