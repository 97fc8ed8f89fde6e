import type { JobsOptions, Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { NotificationConfig } from '../platform/config';
import { routesFor, type Channel } from './channels';

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
export async function relayOutbox(db: Knex, queues: ChannelQueues, settings: RelaySettings, limit = 100): Promise<number> {
  return db.transaction(async (trx) => {
    const rows: Array<{
      id: number;
      job_key: string;
      template: string;
      recipient_user_id: number | null;
      applicant_phone: string | null;
      applicant_email: string | null;
      user_phone: string | null;
      user_email: string | null;
      user_active: boolean | null;
    }> = await trx('notification_outbox as o')
      .leftJoin('dossiers as d', 'd.id', 'o.dossier_id')
      .leftJoin('users as u', 'u.id', 'o.recipient_user_id')
      .whereNull('o.enqueued_at')
      .orderBy('o.id')
      .limit(limit)
      .forUpdate('o')
      .skipLocked()
      .select(
        'o.id',
        'o.job_key',
        'o.template',
        'o.recipient_user_id',
        'd.applicant_phone',
        'd.applicant_email',
        'u.phone as user_phone',
        'u.email as user_email',
        'u.active as user_active',
      );
    for (const row of rows) {
      const officer = row.recipient_user_id !== null;
      const contacts = officer
        ? row.user_active
          ? { phone: row.user_phone, email: row.user_email }
          : { phone: null, email: null } // a deactivated account is told nothing
        : { phone: row.applicant_phone, email: row.applicant_email };
      for (const route of routesFor(officer ? 'officer' : 'citizen', contacts, settings)) {
        await queues[route.channel].add(row.template, { outboxKey: row.job_key, channel: route.channel }, channelJobOptions(settings, row.job_key));
      }
    }
    if (rows.length) await trx('notification_outbox').whereIn('id', rows.map((r) => r.id)).update({ enqueued_at: trx.fn.now() });
    return rows.length;
  });
}

/**
 * Redis lost what the relay had queued (a restart without persistence, a flush, a failover
 * to an empty replica): every outbox row relayed within the queues' retention that still
 * has a channel with neither a sent nor a dead-lettered `notifications` row is released to
 * the relay again (enqueued_at back to null). Channels already sent are queued again too,
 * but their claim rows answer 'already sent': nothing goes out twice. Returns the rows released.
 */
export async function releaseUnfinished(db: Knex, settings: RelaySettings, retentionMs = 7 * 24 * 3600_000): Promise<number> {
  const rows: Array<{
    id: number;
    recipient_user_id: number | null;
    applicant_phone: string | null;
    applicant_email: string | null;
    user_phone: string | null;
    user_email: string | null;
    user_active: boolean | null;
    finished: string[];
  }> = await db('notification_outbox as o')
    .leftJoin('dossiers as d', 'd.id', 'o.dossier_id')
    .leftJoin('users as u', 'u.id', 'o.recipient_user_id')
    .whereNotNull('o.enqueued_at')
    .where('o.enqueued_at', '>', new Date(Date.now() - retentionMs))
    .select(
      'o.id',
      'o.recipient_user_id',
      'd.applicant_phone',
      'd.applicant_email',
      'u.phone as user_phone',
      'u.email as user_email',
      'u.active as user_active',
      db.raw(
        `array(select n.channel from notifications n where n.job_id in (o.job_key || ':email', o.job_key || ':sms', o.job_key || ':zalo') and (n.status = 'sent' or n.dead_lettered_at is not null)) as finished`,
      ),
    );
  const lost = rows
    .filter((row) => {
      const officer = row.recipient_user_id !== null;
      const contacts = officer
        ? row.user_active
          ? { phone: row.user_phone, email: row.user_email }
          : { phone: null, email: null }
        : { phone: row.applicant_phone, email: row.applicant_email };
      return routesFor(officer ? 'officer' : 'citizen', contacts, settings).some((r) => !row.finished.includes(r.channel));
    })
    .map((r) => r.id);
  for (let i = 0; i < lost.length; i += 1000) await db('notification_outbox').whereIn('id', lost.slice(i, i + 1000)).update({ enqueued_at: null });
  return lost.length;
}
