import type { Db } from '../db/connection';
import { inTransaction } from '../db/connection';
import { ensureTrackingBookNumber } from '../db/repositories/sequences';
import type { TimeLimit } from '../domain/calendar';
import { describeLimit } from '../domain/clock-ledger';
import { DomainError } from '../domain/errors';
import { vnDocumentDateTime, vnTime } from '../domain/vn-time';
import { formDossier, receiptForm, type FormContext, type FormDossierRow } from '../forms/documents';
import { renderForm, type FormFormat, type RenderedForm } from '../forms/render';
import { clockFromFeeNote } from './clock-note';
import { receivedDocuments } from './received-documents';

/** "10 giờ 00 phút, ngày 27 tháng 02 năm 2026", as Form 01 prints a moment. */
export function formTime(instant: Date | string): string {
  return vnDocumentDateTime(instant);
}

const CHANNEL = { counter: 'Trực tiếp tại Bộ phận Một cửa', online: 'Trực tuyến', postal: 'Qua dịch vụ bưu chính công ích' } as const;
const DELIVERY = { counter: 'Tại Bộ phận Một cửa', online: 'Trực tuyến (kết quả điện tử)', postal: 'Qua dịch vụ bưu chính công ích' } as const;

/**
 * Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Form 01, TT 01/2018 and its successors): the
 * dossier code, what was received, the receipt and appointment to the minute. Printed at
 * the counter by an officer of the agency, or downloaded by the applicant. The printed form
 * (HTML, PDF) is forms/documents.ts `receiptForm`; this is its JSON answer.
 */

export type ReceiptDossierRow = FormDossierRow;

/** The dossier whose receipt is asked for (undefined for an unknown code); the caller checks who may see it. */
export async function receiptDossier(db: Db, code: string): Promise<ReceiptDossierRow | undefined> {
  const d = await formDossier(db, code);
  // Every document received, the supplement's included, by the names they were given.
  return d && { ...d, documents: await receivedDocuments(db, d.id) };
}

/** Form 01 as data (the JSON answer). */
export interface IntakeReceipt {
  form: string;
  agency: string;
  code: string;
  procedure: string;
  applicant: { fullName: string; idNumber: string; phone: string | null; email: string | null; address: string | null };
  documents: string[];
  /** Số lượng hồ sơ (bộ). */
  sets: number;
  /** The legal processing time of the procedure, as the form prints it ("3 ngày làm việc"). */
  processingTime: string;
  channel: string;
  deliveryMethod: string;
  receivedAt: string | null;
  appointmentAt: string | null;
  originalAppointmentAt: string | null;
  receivedBy: string | null;
  /** The entry in the agency's tracking book (sổ theo dõi hồ sơ): the year's volume and the number. */
  trackingBook: { volume: number; number: number } | null;
  lookup: string;
  /** Where the limit counts from a complete dossier and the fee paid: that rule, and no appointment until paid. */
  timeLimitNote?: string | null;
}

const notReceived = () => new DomainError('conflict', 'Not received', 'Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả.');

/** The receipt of a received dossier; refused before the dossier is received. */
export function intakeReceipt(d: ReceiptDossierRow): IntakeReceipt {
  if (!d.received_at) throw notReceived();
  const documents = (d.documents ?? []) as Array<{ name: string }>;
  return {
    form: 'Mẫu số 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
    agency: d.agency_name,
    code: d.code,
    procedure: d.procedure_name,
    applicant: { fullName: d.applicant_full_name, idNumber: d.applicant_id_number, phone: d.applicant_phone, email: d.applicant_email, address: d.applicant_address },
    documents: documents.map((x) => x.name),
    sets: d.procedure_sets,
    processingTime: describeLimit(d.procedure_time_limit as TimeLimit),
    channel: CHANNEL[d.channel as keyof typeof CHANNEL],
    deliveryMethod: DELIVERY[d.delivery_method as keyof typeof DELIVERY],
    receivedAt: vnTime(d.received_at),
    appointmentAt: vnTime(d.appointment_at),
    // After an apology (Form 04) the appointment is the new one; the first stays on record.
    originalAppointmentAt: d.apology_issued_at ? vnTime(d.due_at) : null,
    receivedBy: d.receiver_name ?? null,
    trackingBook: d.tracking_book_number !== null ? { volume: d.tracking_book_year!, number: d.tracking_book_number } : null,
    lookup: `/api/v1/status/${encodeURIComponent(d.code)}`,
    timeLimitNote: clockFromFeeNote(d),
  };
}

/** The receipt as data, numbered in the tracking book first if it was received before the book existed. */
export async function intakeReceiptData(db: Db, d: ReceiptDossierRow): Promise<IntakeReceipt> {
  if (!d.received_at) throw notReceived();
  if (d.tracking_book_number === null) {
    const book = await inTransaction(db, (trx) => ensureTrackingBookNumber(trx, d.id));
    if (book) d = { ...d, tracking_book_year: book.year, tracking_book_number: book.number };
  }
  return intakeReceipt(d);
}

/** The printable receipt (HTML or PDF) of a received dossier. */
export async function intakeReceiptDocument(db: Db, d: ReceiptDossierRow, format: FormFormat, ctx: FormContext): Promise<RenderedForm> {
  return renderForm(await receiptForm(db, d, ctx), format);
}
