import type { Tx } from '../connection';

/** What the legal forms (forms/) print of a dossier, its procedure, agency, events and payment. */

export interface FormDossierRow {
  id: number;
  code: string;
  agency_id: number;
  status: string;
  channel: string;
  delivery_method: string;
  applicant_full_name: string;
  applicant_id_number: string;
  applicant_phone: string | null;
  applicant_email: string | null;
  applicant_address: string | null;
  postal_address: { line?: string; ward?: string; province?: string } | null;
  documents: Array<{ name: string; copies?: number }> | null;
  submitted_at: Date;
  received_at: Date | null;
  appointment_at: Date | null;
  due_at: Date | null;
  apology_issued_at: Date | null;
  closing_reason: string | null;
  fee_due_vnd: number | null;
  fee_status: 'none' | 'unpaid' | 'paid' | null;
  tracking_book_year: number | null;
  tracking_book_number: number | null;
  procedure_id: number;
  procedure_name: string;
  procedure_legal_basis: string;
  procedure_time_limit: { unit: string; value?: number; cutoff?: string; counting?: string };
  procedure_notes: string | null;
  procedure_sets: number;
  /** The procedure's time limit counts from a complete dossier and the fee paid. */
  clock_from_fee: boolean;
  agency_name: string;
  agency_address: string | null;
  agency_phone: string | null;
  agency_parent_name: string | null;
  receiver_name: string | null;
}

export async function findFormDossierByCode(db: Tx, code: string): Promise<FormDossierRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('agencies as pa', 'pa.id', 'a.parent_id')
    .leftJoin('users as u', 'u.id', 'd.received_by')
    .where('d.code', code)
    .first(
      'd.id', 'd.code', 'd.agency_id', 'd.status', 'd.channel', 'd.delivery_method', 'd.applicant_full_name', 'd.applicant_id_number',
      'd.applicant_phone', 'd.applicant_email', 'd.applicant_address', 'd.postal_address', 'd.documents', 'd.submitted_at', 'd.received_at',
      'd.appointment_at', 'd.due_at', 'd.apology_issued_at', 'd.closing_reason', 'd.fee_due_vnd', 'd.fee_status',
      'd.tracking_book_year', 'd.tracking_book_number', 'd.procedure_id',
      'p.name as procedure_name', 'p.legal_basis as procedure_legal_basis', 'p.time_limit as procedure_time_limit', 'p.notes as procedure_notes', 'p.dossier_sets as procedure_sets', 'p.clock_from_fee',
      'a.name as agency_name', 'a.address as agency_address', 'a.phone as agency_phone', 'pa.name as agency_parent_name',
      'u.full_name as receiver_name',
    );
}

export interface FormEventRow {
  type: string;
  occurred_at: Date;
  data: Record<string, any>;
  actor_name: string | null;
  actor_phone: string | null;
  actor_role: string | null;
}

/** The dossier's latest event of one of these types (the supplement request, the refusal, the apology). */
export async function latestDossierEvent(db: Tx, dossierId: number, types: readonly string[]): Promise<FormEventRow | undefined> {
  return db('dossier_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.dossier_id', dossierId)
    .whereIn('e.type', types)
    .orderBy('e.seq', 'desc')
    .first('e.type', 'e.occurred_at', 'e.data', 'e.actor_role', 'u.full_name as actor_name', 'u.phone as actor_phone');
}

export interface ReceiptPaymentRow {
  id: string;
  amount_vnd: number;
  method: 'online' | 'cash' | 'transfer';
  paid_at: Date;
  receipt_series: string;
  receipt_number: number;
  receipt_code: string;
  provider: string | null;
  bank_transaction_no: string | null;
  reference: string | null;
  collector_name: string | null;
}

/** The dossier's paid payment with its e-receipt (one at most: dossier_payments_one_paid). */
export async function findPaidPayment(db: Tx, dossierId: number): Promise<ReceiptPaymentRow | undefined> {
  return db('dossier_payments as p')
    .leftJoin('users as u', 'u.id', 'p.recorded_by')
    .where({ 'p.dossier_id': dossierId, 'p.status': 'paid' })
    .whereNotNull('p.receipt_code')
    .first(
      'p.id', 'p.amount_vnd', 'p.method', 'p.paid_at', 'p.receipt_series', 'p.receipt_number', 'p.receipt_code', 'p.provider',
      'p.bank_transaction_no', 'p.reference', 'u.full_name as collector_name',
    );
}

/** The name of the fee the procedure charges on this channel ("Lệ phí đăng ký hộ kinh doanh"). */
export async function feeNames(db: Tx, procedureId: number, channel: string): Promise<Array<{ fee_name: string; amount_vnd: number; note: string | null }>> {
  return db('procedure_fees').where({ procedure_id: procedureId, channel }).orderBy('fee_name').select('fee_name', 'amount_vnd', 'note');
}

/** The leader of an agency who signs in its name, when the event does not say (the first by id). */
export async function agencyLeaderName(db: Tx, agencyId: number): Promise<string | null> {
  const row = await db('user_roles as r').join('users as u', 'u.id', 'r.user_id').where({ 'r.agency_id': agencyId, 'r.role': 'leader' }).orderBy('u.id').first('u.full_name');
  return row?.full_name ?? null;
}

/** An agency as a form's header and place name it (issue 17: Form 04 issued by the agency at fault). */
export async function formAgencyByEid(db: Tx, eid: string): Promise<{ id: number; eid: string; name: string; address: string | null; phone: string | null; parent_name: string | null } | undefined> {
  return db('agencies as a').leftJoin('agencies as pa', 'pa.id', 'a.parent_id').where('a.eid', eid).first('a.id', 'a.eid', 'a.name', 'a.address', 'a.phone', 'pa.name as parent_name');
}
