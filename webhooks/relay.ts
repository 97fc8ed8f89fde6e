import type { Queue } from 'bullmq';
import { inTransaction, type Db, type Tx } from '../db/connection';
import { lockReadyDeliveries, markDeliveryEnqueued, markLostDeliveryDead, releaseLostDelivery, staleQueuedDeliveries, unmarkDeliveryEnqueued } from '../db/repositories/webhooks';

/**
 * Moves delivery rows from PostgreSQL (written with the dossier event) into BullMQ. Redis
 * being down only delays them: a row stays unqueued (`enqueued_at` null) until a pass succeeds.
 *
 * Ordering: a delivery is queued only when no earlier delivery of the same dossier to the same
 * subscriber is still pending or failing, so a subscriber sees one dossier's changes in order
 * while they are first sent, even across its outages. A delivery that goes 'dead' stops holding
 * the next ones back, and a replay sends an old event late: subscribers still order by
 * `change.seq` and deduplicate on the event id.
 */
export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJob {
  deliveryId: number;
  /** The row's `enqueued_at` at queueing (ms): the job's generation, see attemptDelivery. */
  enqueuedAtMs: number;
}

/** BullMQ refuses ':' and all-digit custom ids; the generation makes a replay a new job. */
export const webhookJobId = (deliveryId: number, enqueuedAtMs: number) => `webhook-${deliveryId}-${enqueuedAtMs}`;

export interface RelayOptions {
  maxAttempts: number;
  limit?: number;
}

/**
 * One pass: claims up to `limit` deliveries ready to go and queues them. The claim is committed
 * before queueing (a job must find its row claimed when it runs, however fast); a row whose job
 * could not be added is released again, and one lost between the two steps (a crash) is found
 * by `recoverLostJobs`. Returns the number queued.
 */
export async function relayWebhookDeliveries(db: Db, queue: Queue<WebhookJob>, opts: RelayOptions): Promise<number> {
  const claimed = await inTransaction(db, async (trx) => {
    const rows = await lockReadyDeliveries(trx, opts.limit ?? 100);
    const out: Array<{ id: number; at: Date }> = [];
    for (const r of rows) {
      const at = new Date();
      await markDeliveryEnqueued(trx, r.id, at);
      out.push({ id: Number(r.id), at });
    }
    return out;
  });
  let queued = 0;
  try {
    for (const c of claimed) {
      await queue.add(
        'deliver',
        { deliveryId: c.id, enqueuedAtMs: c.at.getTime() },
        {
          jobId: webhookJobId(c.id, c.at.getTime()),
          attempts: opts.maxAttempts,
          backoff: { type: WEBHOOK_BACKOFF },
          // The delivery log in PostgreSQL is the record; Redis keeps jobs only for a while.
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
      queued += 1;
    }
  } catch (err) {
    // Redis went away mid-pass: what was not queued waits in PostgreSQL for the next pass.
    for (const c of claimed.slice(queued)) await unmarkDeliveryEnqueued(db, c.id, c.at);
    throw err;
  }
  return queued;
}

/** Name of the backoff strategy the webhook worker registers. */
export const WEBHOOK_BACKOFF = 'webhook';

/**
 * Exponential backoff with a ceiling and jitter: `base · 2^(n-1)`, at most `max`, minus up to
 * a fifth at random, so deliveries that failed together (a subscriber outage) do not all
 * come back in the same second.
 */
export function webhookBackoffDelay(failures: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exp * (1 - 0.2 * random()));
}

/** How long a queued row may go without its job before it is checked for. */
const LOST_AFTER_MS = 2 * 60_000;

/**
 * Heals what Redis lost (a flush, a restart without persistence) or a crash between claim and
 * queueing: a row that is queued in PostgreSQL but has no job is released to the relay; one
 * whose job ended failed without the row being marked (the worker died on its last attempt)
 * is marked dead. Returns the number of rows changed.
 *
 * Every stale row is looked at, page by page: rows whose jobs still live (a long backoff) stay
 * stale, and a single first page of them would otherwise hide lost rows behind them for ever.
 */
export async function recoverLostJobs(db: Tx, queue: Queue<WebhookJob>, pageSize = 100): Promise<number> {
  const before = new Date(Date.now() - LOST_AFTER_MS);
  let changed = 0;
  let afterId = 0;
  for (;;) {
    const rows = await staleQueuedDeliveries(db, before, pageSize, afterId);
    for (const r of rows) {
      const at = new Date(r.enqueued_at);
      const state = await queue.getJobState(webhookJobId(Number(r.id), at.getTime()));
      if (state === 'unknown' || state === 'completed') changed += await releaseLostDelivery(db, r.id, at);
      else if (state === 'failed') changed += await markLostDeliveryDead(db, r.id, at);
    }
    if (rows.length < pageSize) return changed;
    afterId = Number(rows[rows.length - 1]!.id);
  }
}
