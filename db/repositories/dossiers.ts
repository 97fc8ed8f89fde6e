import type { Tx } from '../connection';

// --- payments and delivery ---

/** The agency of a dossier (whose yearly receipt series numbers its payments). */
export async function findDossierAgencyId(db: Tx, dossierId: number): Promise<{ agency_id: number } | undefined> {
  return db('dossiers').where('id', dossierId).first('agency_id');
}

export async function setDossierFeePaid(db: Tx, dossierId: number): Promise<void> {
  await db('dossiers').where('id', dossierId).update({ fee_status: 'paid' });
}

/** What an online payment of a dossier's fee is opened for. */
export async function findDossierFeeDue(db: Tx, dossierId: number): Promise<{ code: string; fee_due_vnd: number; fee_status: string | null } | undefined> {
  return db('dossiers').where('id', dossierId).first('code', 'fee_due_vnd', 'fee_status');
}

export interface PayableDossierRow {
  id: number;
  agency_id: number;
  status: string;
  fee_due_vnd: number | null;
  fee_status: 'none' | 'unpaid' | 'paid' | null;
  applicant_id_number: string;
}

/** A dossier whose fee someone is about to pay. */
export async function findPayableDossierByCode(db: Tx, code: string): Promise<PayableDossierRow | undefined> {
  return db('dossiers').where({ code }).first('id', 'agency_id', 'status', 'fee_due_vnd', 'fee_status', 'applicant_id_number');
}

export async function findDossierAgencyByCode(db: Tx, code: string): Promise<{ agency_id: number } | undefined> {
  return db('dossiers').where({ code }).first('agency_id');
}

export interface DossierFeesRow {
  id: number;
  agency_id: number;
  fee_due_vnd: number | null;
  fee_status: 'none' | 'unpaid' | 'paid' | null;
  fee_timing: string | null;
}

export async function findDossierFeesByCode(db: Tx, code: string): Promise<DossierFeesRow | undefined> {
  return db('dossiers').where({ code }).first('id', 'agency_id', 'fee_due_vnd', 'fee_status', 'fee_timing');
}

export interface ResultDossierRow {
  id: number;
  code: string;
  applicant_full_name: string;
  applicant_id_number: string;
  fee_status: 'none' | 'unpaid' | 'paid' | null;
  closing_reason: string | null;
  procedure_name: string;
  agency_name: string;
}

/** A dossier as its electronic result names it: procedure and agency included. */
export async function findResultDossierByCode(db: Tx, code: string): Promise<ResultDossierRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.code', code)
    .first('d.id', 'd.code', 'd.applicant_full_name', 'd.applicant_id_number', 'd.fee_status', 'd.closing_reason', 'p.name as procedure_name', 'a.name as agency_name');
}

export interface ReceiptDossierRow {
  id: number;
  code: string;
  agency_id: number;
  channel: string;
  delivery_method: string;
  applicant_full_name: string;
  applicant_id_number: string;
  applicant_phone: string | null;
  applicant_address: string | null;
  documents: Array<{ name: string }> | null;
  received_at: Date | null;
  appointment_at: Date | null;
  due_at: Date | null;
  apology_issued_at: Date | null;
  procedure_name: string;
  agency_name: string;
  receiver_name: string | null;
}

/** A dossier as its intake receipt (Form 01) prints it: procedure, agency and the officer who received it. */
export async function findReceiptDossierByCode(db: Tx, code: string): Promise<ReceiptDossierRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('users as u', 'u.id', 'd.received_by')
    .where('d.code', code)
    .first(
      'd.id', 'd.code', 'd.agency_id', 'd.channel', 'd.delivery_method', 'd.applicant_full_name', 'd.applicant_id_number', 'd.applicant_phone',
      'd.applicant_address', 'd.documents', 'd.received_at', 'd.appointment_at', 'd.due_at', 'd.apology_issued_at',
      'p.name as procedure_name', 'a.name as agency_name', 'u.full_name as receiver_name',
    );
}
