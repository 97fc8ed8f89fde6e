import { Queue } from 'bullmq';
import type { Knex } from 'knex';

export const NOTIFICATION_QUEUE = 'notifications';

export interface NotificationJob {
  dossierId: number;
  template:
    | 'intake_accepted'
    | 'supplement_requested'
    | 'intake_refused'
    | 'closed_unsupplemented'
    | 'denied'
    | 'withdrawn'
    | 'cancelled'
    | 'result_delivered';
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

// Unaccented text: one 160-character GSM segment per part, which every handset shows.
const TEMPLATES: Record<NotificationJob['template'], (d: { code: string; appointment: string | null; deadline: string | null }) => string> = {
  intake_accepted: (d) =>
    `Ho so ${d.code} da duoc tiep nhan. Ngay hen tra: ${d.appointment ?? '-'}. Tra cuu tai Cong dich vu cong.`,
  supplement_requested: (d) =>
    `Ho so ${d.code} can bo sung giay to truoc ${d.deadline ?? '-'}. Xem danh sach tai Cong dich vu cong.`,
  intake_refused: (d) => `Ho so ${d.code} khong duoc tiep nhan. Ly do xem tai Cong dich vu cong.`,
  closed_unsupplemented: (d) => `Ho so ${d.code} da dong do khong bo sung dung han.`,
  denied: (d) => `Ho so ${d.code} khong du dieu kien giai quyet. Thong bao ly do xem tai Cong dich vu cong.`,
  withdrawn: (d) => `Ho so ${d.code} da dung giai quyet theo yeu cau cua Ong/Ba.`,
  cancelled: (d) => `Ho so ${d.code} da dung xu ly. Ly do xem tai Cong dich vu cong.`,
  result_delivered: (d) => `Ho so ${d.code} da co ket qua va da duoc tra. Cam on Ong/Ba da su dung dich vu.`,
};

function vnMinute(value: Date | string | null): string | null {
  if (!value) return null;
  return new Date(new Date(value).getTime() + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** Sends one notification job and logs it; safe to run twice for the same job id. */
export async function deliverNotification(db: Knex, sms: SmsProvider, jobId: string, job: NotificationJob): Promise<void> {
  const already = await db('notifications').where('job_id', jobId).first('id');
  if (already) return;
  const dossier = await db('dossiers').where('id', job.dossierId).first('code', 'applicant_phone', 'appointment_at', 'pending_action');
  if (!dossier) throw new Error(`dossier ${job.dossierId} not found`);
  if (!dossier.applicant_phone) return;
  const body = TEMPLATES[job.template]({
    code: dossier.code,
    appointment: vnMinute(dossier.appointment_at),
    deadline: vnMinute(dossier.pending_action?.deadline ?? null),
  });
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
