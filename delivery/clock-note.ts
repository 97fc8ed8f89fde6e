import type { FormDossierRow as ReceiptDossierRow } from '../db/repositories/forms';
import { vnDocumentDateTime } from '../domain/vn-time';

/**
 * What Form 01 says of the clock where the time limit counts from a complete dossier and the
 * fee paid (ND 297/2025 art. 6(2), procedures.clock_from_fee): the rule, and no appointment
 * until the fee is paid (docs/domain.md §3.4).
 */

export const CLOCK_FROM_FEE_NOTE = 'Thời hạn giải quyết được tính từ khi nhận đủ hồ sơ và phí, lệ phí.';

/** The sentence the receipt prints under the appointment, or null where the limit counts from the receipt. */
export function clockFromFeeNote(d: Pick<ReceiptDossierRow, 'clock_from_fee' | 'appointment_at'>): string | null {
  if (!d.clock_from_fee) return null;
  return d.appointment_at ? CLOCK_FROM_FEE_NOTE : `${CLOCK_FROM_FEE_NOTE} Ngày hẹn trả kết quả được xác định khi Ông/Bà nộp phí, lệ phí.`;
}

/** The appointment as Form 01 prints it: to the minute, or why there is none yet. */
export function receiptAppointment(d: Pick<ReceiptDossierRow, 'appointment_at'>): string {
  return d.appointment_at ? vnDocumentDateTime(d.appointment_at) : 'Chưa xác định (chưa nộp phí, lệ phí)';
}
