import { Queue } from 'bullmq';
import type { Knex } from 'knex';

export const NOTIFICATION_QUEUE = 'notifications';

export interface NotificationJob {
  dossierId: number;
  template: 'intake_accepted' | 'result_delivered';
}

/** Where activities hand notifications off; BullMQ in production, anything in tests. */
export interface NotificationOutbox {
  enqueue(jobId: string, job: NotificationJob): Promise<void>;
}

export function bullmqOutbox(queue: Queue<NotificationJob>): NotificationOutbox {
  return {
    async enqueue(jobId, job) {
      // The job id makes a retried activity enqueue at most one job.
      await queue.add(job.template, job, {
        jobId,
        attempts: 8,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: 1000,
        removeOnFail: false,
      });
    },
  };
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

const TEMPLATES: Record<NotificationJob['template'], (d: { code: string; appointment: string | null }) => string> = {
  intake_accepted: (d) =>
    `Ho so ${d.code} da duoc tiep nhan. Ngay hen tra: ${d.appointment ?? '-'}. Tra cuu tai Cong dich vu cong.`,
  result_delivered: (d) => `Ho so ${d.code} da co ket qua va da duoc tra. Cam on Ong/Ba da su dung dich vu.`,
};

/** Sends one notification job and logs it; safe to run twice for the same job id. */
export async function deliverNotification(db: Knex, sms: SmsProvider, jobId: string, job: NotificationJob): Promise<void> {
  const already = await db('notifications').where('job_id', jobId).first('id');
  if (already) return;
  const dossier = await db('dossiers').where('id', job.dossierId).first('code', 'applicant_phone', 'appointment_at');
  if (!dossier) throw new Error(`dossier ${job.dossierId} not found`);
  if (!dossier.applicant_phone) return;
  const appointment = dossier.appointment_at
    ? new Date(new Date(dossier.appointment_at).getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
    : null;
  const body = TEMPLATES[job.template]({ code: dossier.code, appointment });
  const { messageId } = await sms.send(dossier.applicant_phone, body);
  await db('notifications')
    .insert({
      job_id: jobId,
      dossier_id: job.dossierId,
      channel: 'sms',
      recipient: dossier.applicant_phone,
      template: job.template,
      body,
      provider_message_id: messageId,
    })
    .onConflict('job_id')
    .ignore();
}
