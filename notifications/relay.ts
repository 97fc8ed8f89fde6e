import type { JobsOptions, Queue } from 'bullmq';
import { inTransaction, type Db, type Tx } from '../db/connection';
import { lockUnrelayedOutbox, markOutboxRelayed, outboxRelayedSince, releaseOutboxRows, reviveDeadLetteredNotification, type RecipientContactsRow } from '../db/repositories/outbox';
import type { NotificationConfig } from '../platform/config';
import { contactsOf, deliveryId, routesFor, type Channel } from './channels';

/** A message on one channel, as queued: identifiers only, personal data stays in PostgreSQL. */
export interface ChannelJob {
  outboxKey: string;
  channel: Channel;
}

export type ChannelQueues = Record<Channel, Queue<ChannelJob>>;

type RelaySettings = Pick<NotificationConfig, 'citizenChannels' | 'officerChannels' | 'attempts' | 'backoffMs'>;

export function channelJobOptions(settings: Pick<NotificationConfig, 'attempts' | 'backoffMs'>, outboxKey: string): JobsOptions {
  return {
    // The outbox key is the job id in every channel queue: relaying a row twice queues nothing twice.
    jobId: outboxKey,
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    // Failed for good means dead-lettered: the dead-letter queue and the notifications row keep the record.
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * Moves outbox rows into the channel queues, fanning each out to the channels its recipient
 * can be reached on (citizen: the dossier's phone and e-mail; officer: the user's). Fanning
 * out here rather than in one job per row gives each provider its own queue, so its rate
 * limit, retries and backoff apply to its messages only, and a failing SMS gateway never
 * holds back the e-mail of the same event.
 *
 * Rows are locked with SKIP LOCKED so several workers can relay side by side. If the process
 * dies between queueing and commit, the row is relayed again and the same job ids are
 * refused by BullMQ; a job already removed would be queued anew, and its claim row in
 * `notifications` stops a second send. When Redis is down the rows simply wait.
 */
export async function relayOutbox(db: Db, queues: ChannelQueues, settings: RelaySettings, limit = 100): Promise<number> {
  return inTransaction(db, async (trx) => {
    const rows = await lockUnrelayedOutbox(trx, limit);
    for (const row of rows) {
      for (const route of routesOf(row, settings)) {
        await queues[route.channel].add(row.template, { outboxKey: row.job_key, channel: route.channel }, channelJobOptions(settings, row.job_key));
      }
    }
    if (rows.length) await markOutboxRelayed(trx, rows.map((r) => r.id));
    return rows.length;
  });
}

/** The channels an outbox row goes out on, from its recipient's addresses (a deactivated account: none). */
function routesOf(row: RecipientContactsRow, settings: RelaySettings) {
  const { audience, contacts } = contactsOf(row);
  return routesFor(audience, contacts, settings);
}

/**
 * Redis lost what the relay had queued (a restart without persistence, a flush, a failover
 * to an empty replica): every outbox row relayed within the queues' retention that still
 * has a channel with neither a sent nor a dead-lettered `notifications` row is released to
 * the relay again (enqueued_at back to null). Channels already sent are queued again too,
 * but their claim rows answer 'already sent': nothing goes out twice. Returns the rows released.
 */
export async function releaseUnfinished(db: Tx, settings: RelaySettings, retentionMs = 7 * 24 * 3600_000): Promise<number> {
  const rows = await outboxRelayedSince(db, new Date(Date.now() - retentionMs));
  const lost = rows.filter((row) => routesOf(row, settings).some((r) => !row.finished.includes(r.channel))).map((r) => r.id);
  for (let i = 0; i < lost.length; i += 1000) await releaseOutboxRows(db, lost.slice(i, i + 1000));
  return lost.length;
}

/** A dead letter's row goes back to 'failed', so the message queued afresh may claim it again. */
export async function redriveDeadLetter(db: Tx, outboxKey: string, channel: Channel): Promise<void> {
  await reviveDeadLetteredNotification(db, deliveryId(outboxKey, channel));
}
