import type { Queue } from 'bullmq';
import type { Knex } from 'knex';

export const NOTIFICATION_QUEUE = 'notifications';

export interface NotificationJob {
  dossierId: number;
  template:
    | 'intake_accepted'
    | 'supplement_requested'
    | 'site_visit_scheduled'
    | 'payment_due'
    | 'intake_refused'
    | 'closed_unsupplemented'
    | 'denied'
    | 'withdrawn'
    | 'cancelled'
    | 'result_delivered'
    | 'apology';
}

/** Records that the applicant must be told something; idempotent on the job key. */
export async function addToOutbox(db: Knex, jobKey: string, job: NotificationJob): Promise<void> {
  await db('notification_outbox')
    .insert({ job_key: jobKey, dossier_id: job.dossierId, template: job.template })
    .onConflict('job_key')
    .ignore();
}

/**
 * Moves outbox rows into BullMQ. Rows are locked with SKIP LOCKED so several workers
 * can relay side by side, and the BullMQ job id is the outbox key so nothing is queued
 * twice. When Redis is down the rows simply wait for the next pass.
 */
export async function relayOutbox(db: Knex, queue: Queue<NotificationJob>, limit = 100): Promise<number> {
  return db.transaction(async (trx) => {
    const rows: Array<{ id: number; job_key: string; dossier_id: number; template: NotificationJob['template'] }> = await trx(
      'notification_outbox',
    )
      .whereNull('enqueued_at')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .select('id', 'job_key', 'dossier_id', 'template');
    for (const row of rows) {
      await queue.add(
        row.template,
        { dossierId: Number(row.dossier_id), template: row.template },
        { jobId: row.job_key, attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: false },
      );
      await trx('notification_outbox').where('id', row.id).update({ enqueued_at: trx.fn.now() });
    }
    return rows.length;
  });
}

/** An SMS gateway as seen by this system: it accepts a message and returns its id. */
export interface SmsProvider {
  send(to: string, text: string): Promise<{ messageId: string }>;
}

/** Sandbox SMS gateway: accepts any Vietnamese mobile number, refuses malformed ones like a real gateway would. */
export function sandboxSmsProvider(): SmsProvider {
  let n = 0;
  return {
    async send(to, text) {
      if (!/^(\+84|0)\d{9}$/.test(to)) throw new Error(`SMS gateway refused recipient ${to}`);
      if (text.length > 612) throw new Error('SMS gateway refused a message longer than 4 segments');
      n += 1;
      return { messageId: `sandbox-sms-${Date.now()}-${n}` };
    },
  };
}

// Unaccented text: one 160-character GSM segment per part, which every handset shows.
const TEMPLATES: Record<NotificationJob['template'], (d: { code: string; appointment: string | null; deadline: string | null }) => string> = {
  intake_accepted: (d) =>
    `Ho so ${d.code} da duoc tiep nhan. Ngay hen tra: ${d.appointment ?? '-'}. Tra cuu tai Cong dich vu cong.`,
  supplement_requested: (d) =>
    `Ho so ${d.code} can bo sung giay to truoc ${d.deadline ?? '-'}. Xem danh sach tai Cong dich vu cong.`,
  site_visit_scheduled: (d) => `Ho so ${d.code}: can bo se den xac minh thuc dia. Lich hen xem tai Cong dich vu cong.`,
  payment_due: (d) => `Ho so ${d.code} da co ket qua. Vui long nop phi, le phi de nhan ket qua.`,
  intake_refused: (d) => `Ho so ${d.code} khong duoc tiep nhan. Ly do xem tai Cong dich vu cong.`,
  closed_unsupplemented: (d) => `Ho so ${d.code} da dong do khong bo sung dung han.`,
  denied: (d) => `Ho so ${d.code} khong du dieu kien giai quyet. Thong bao ly do xem tai Cong dich vu cong.`,
  withdrawn: (d) => `Ho so ${d.code} da dung giai quyet theo yeu cau cua Ong/Ba.`,
  cancelled: (d) => `Ho so ${d.code} da dung xu ly. Ly do xem tai Cong dich vu cong.`,
  result_delivered: (d) => `Ho so ${d.code} da co ket qua va da duoc tra. Cam on Ong/Ba da su dung dich vu.`,
  apology: (d) => `Xin loi Ong/Ba: ho so ${d.code} chua giai quyet kip thoi han. Ngay hen tra moi: ${d.appointment ?? '-'}. Ly do xem tai Cong dich vu cong.`,
};

function vnMinute(value: Date | string | null): string | null {
  if (!value) return null;
  return new Date(new Date(value).getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * Sends one notification job. The row is claimed before the gateway is called: a job
 * redelivered by BullMQ (stalled worker, retry) finds it and sends nothing; only a send
 * that failed is tried again.
 */
export async function deliverNotification(db: Knex, sms: SmsProvider, jobId: string, job: NotificationJob): Promise<'sent' | 'skipped'> {
  const dossier = await db('dossiers').where('id', job.dossierId).first('code', 'applicant_phone', 'appointment_at', 'pending_action');
  if (!dossier) throw new Error(`dossier ${job.dossierId} not found`);
  if (!dossier.applicant_phone) return 'skipped';
  const body = TEMPLATES[job.template]({
    code: dossier.code,
    appointment: vnMinute(dossier.appointment_at),
    deadline: vnMinute(dossier.pending_action?.deadline ?? null),
  });
  const claimed = await db('notifications')
    .insert({ job_id: jobId, dossier_id: job.dossierId, channel: 'sms', recipient: dossier.applicant_phone, template: job.template, body, status: 'sending' })
    .onConflict('job_id')
    .ignore()
    .returning('id');
  if (!claimed.length) {
    const retried = await db('notifications').where({ job_id: jobId, status: 'failed' }).update({ status: 'sending', claimed_at: db.fn.now(), error: null });
    if (!retried) return 'skipped';
  }
  try {
    const { messageId } = await sms.send(dossier.applicant_phone, body);
    await db('notifications').where('job_id', jobId).update({ status: 'sent', provider_message_id: messageId, sent_at: db.fn.now() });
    return 'sent';
  } catch (err) {
    await db('notifications').where('job_id', jobId).update({ status: 'failed', error: (err as Error).message });
    throw err;
  }
}
