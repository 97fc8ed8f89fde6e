import type { Db } from '../db/connection';
import { markAlertRead, officerAlerts } from '../db/repositories/supervision';
import { DomainError } from '../domain/errors';
import { vnTime } from '../domain/vn-time';

/** Officers' deadline alerts (sắp đến hạn, quá hạn, nhắc lại), written by the read model. */

/** An officer's latest alerts, newest first. */
export async function alertsOf(db: Db, userId: number, unreadOnly: boolean) {
  const rows = await officerAlerts(db, userId, unreadOnly);
  return {
    alerts: rows.map((a) => ({
      id: Number(a.id),
      kind: a.kind,
      level: a.level,
      message: a.message,
      dossier: { code: a.code, dueAt: vnTime(a.due_at), appointmentAt: vnTime(a.appointment_at) },
      createdAt: vnTime(a.created_at),
      readAt: vnTime(a.read_at),
    })),
  };
}

/** Marks one of the officer's alerts read; 404 when it is not theirs. */
export async function readAlert(db: Db, user: { id: number; username: string }, id: number): Promise<void> {
  const updated = await markAlertRead(db, id, user.id);
  if (!updated) throw new DomainError('not_found', 'Not found', `Không tìm thấy cảnh báo số ${id} của tài khoản ${user.username}.`, { reason: 'AlertNotFound' });
}
