import type { Db } from '../db/connection';
import { findReceiptDossierByCode, type ReceiptDossierRow } from '../db/repositories/dossiers';
import { DomainError } from '../domain/errors';
import { vnDocumentDateTime, vnTime } from '../domain/vn-time';
import { clockFromFeeNote, receiptAppointment } from './clock-note';
import { receivedDocuments } from './received-documents';

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** "10 giờ 00 phút, ngày 27 tháng 02 năm 2026", as Form 01 prints a moment. */
export function formTime(instant: Date | string): string {
  return vnDocumentDateTime(instant);
}

const CHANNEL = { counter: 'Trực tiếp tại Bộ phận Một cửa', online: 'Trực tuyến', postal: 'Qua dịch vụ bưu chính công ích' } as const;
const DELIVERY = { counter: 'Tại Bộ phận Một cửa', online: 'Trực tuyến (kết quả điện tử)', postal: 'Qua dịch vụ bưu chính công ích' } as const;

/**
 * Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Form 01, TT 01/2018 and its successors): the
 * dossier code, what was received, the receipt and appointment to the minute. Printed at
 * the counter by an officer of the agency, or downloaded by the applicant.
 */

export type { ReceiptDossierRow };

/** The dossier whose receipt is asked for (undefined for an unknown code); the caller checks who may see it. */
export async function receiptDossier(db: Db, code: string): Promise<ReceiptDossierRow | undefined> {
  const d = await findReceiptDossierByCode(db, code);
  // Every document received, the supplement's included, by the names they were given.
  return d && { ...d, documents: await receivedDocuments(db, d.id) };
}

/** Form 01 as data (the JSON answer). */
export interface IntakeReceipt {
  form: string;
  agency: string;
  code: string;
  procedure: string;
  applicant: { fullName: string; idNumber: string; phone: string | null; address: string | null };
  documents: string[];
  channel: string;
  deliveryMethod: string;
  receivedAt: string | null;
  appointmentAt: string | null;
  originalAppointmentAt: string | null;
  receivedBy: string | null;
  lookup: string;
  /** Where the limit counts from a complete dossier and the fee paid: that rule, and no appointment until paid. */
  timeLimitNote?: string | null;
}

/** The receipt of a received dossier; refused before the dossier is received. */
export function intakeReceipt(d: ReceiptDossierRow): IntakeReceipt {
  if (!d.received_at) throw new DomainError('conflict', 'Not received', 'Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả.');
  const documents = (d.documents ?? []) as Array<{ name: string }>;
  return {
    form: 'Mẫu số 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    agency: d.agency_name,
    code: d.code,
    procedure: d.procedure_name,
    applicant: { fullName: d.applicant_full_name, idNumber: d.applicant_id_number, phone: d.applicant_phone, address: d.applicant_address },
    documents: documents.map((x) => x.name),
    channel: CHANNEL[d.channel as keyof typeof CHANNEL],
    deliveryMethod: DELIVERY[d.delivery_method as keyof typeof DELIVERY],
    receivedAt: vnTime(d.received_at),
    appointmentAt: vnTime(d.appointment_at),
    // After an apology (Form 04) the appointment is the new one; the first stays on record.
    originalAppointmentAt: d.apology_issued_at ? vnTime(d.due_at) : null,
    receivedBy: d.receiver_name ?? null,
    lookup: `/api/v1/status/${encodeURIComponent(d.code)}`,
    timeLimitNote: clockFromFeeNote(d),
  };
}

/** The printable receipt (HTML) of a received dossier: `receipt` is its intakeReceipt. */
export function intakeReceiptHtml(d: ReceiptDossierRow, receipt: IntakeReceipt): string {
  const documents = (d.documents ?? []) as Array<{ name: string }>;
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Giấy tiếp nhận hồ sơ ${esc(d.code)}</title></head>
<body><header><p>${esc(d.agency_name)}</p><p>Bộ phận Một cửa</p><p>Mã hồ sơ: <strong>${esc(d.code)}</strong></p></header>
<h1>GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ</h1>
<p>Bộ phận Một cửa ${esc(d.agency_name)} đã tiếp nhận hồ sơ của: <strong>${esc(d.applicant_full_name)}</strong></p>
<p>Số giấy tờ tùy thân: ${esc(d.applicant_id_number)}${d.applicant_phone ? ` — Điện thoại: ${esc(d.applicant_phone)}` : ''}</p>
<p>Nội dung yêu cầu giải quyết: ${esc(d.procedure_name)}</p>
<ol>${documents.map((x) => `<li>${esc(x.name)}</li>`).join('')}</ol>
<p>Hình thức nộp: ${esc(receipt.channel)}</p>
<p>Thời gian nhận hồ sơ: <strong>${esc(formTime(d.received_at!))}</strong></p>
<p>Thời gian trả kết quả giải quyết hồ sơ: <strong>${esc(receiptAppointment(d))}</strong>${d.apology_issued_at ? ` (hẹn lại; ngày hẹn ban đầu ${esc(formTime(d.due_at!))})` : ''}</p>
${receipt.timeLimitNote ? `<p>${esc(receipt.timeLimitNote)}</p>` : ''}<p>Nhận kết quả: ${esc(receipt.deliveryMethod)}</p>
<p>Tra cứu tình trạng hồ sơ tại Cổng dịch vụ công bằng mã hồ sơ và 4 số cuối số giấy tờ tùy thân của người nộp.</p>
<footer><p>Người tiếp nhận: ${esc(d.receiver_name ?? 'Hệ thống tiếp nhận trực tuyến')}</p></footer>
</body></html>`;
}
