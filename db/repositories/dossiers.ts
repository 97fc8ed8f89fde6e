import type { Tx } from '../connection';

// --- docs (documents, notifications, webhooks, audit, auth) ---

/** The dossier a request path names, for the audit trail entry of that request. */
export async function dossierAgencyByCode(db: Tx, code: string): Promise<{ id: number; agency_id: number } | undefined> {
  return db('dossiers').where({ code }).first('id', 'agency_id');
}

/** The dossier whose audit trail is asked for. */
export async function dossierForAuditByCode(db: Tx, code: string): Promise<{ id: number; agency_id: number; code: string } | undefined> {
  return db('dossiers').where({ code }).first('id', 'agency_id', 'code');
}

/** The dossier documents are filed on or listed for, with its applicant (who may read them). */
export async function dossierForDocumentsByCode(db: Tx, code: string): Promise<{ id: number; code: string; agency_id: number; applicant_id_number: string } | undefined> {
  return db('dossiers').where({ code }).first('id', 'code', 'agency_id', 'applicant_id_number');
}

/** The dossier as a message describes it (read model, its procedure and agency, the last reappointment's reason). */
export interface DossierFactsRow {
  code: string;
  applicant_full_name: string;
  delivery_method: 'online' | 'counter' | 'postal';
  received_at: Date | string | null;
  appointment_at: Date | string | null;
  due_at: Date | string | null;
  pending_action: unknown;
  fee_due_vnd: number | string | null;
  fee_status: string | null;
  closing_reason: string | null;
  result_number: string | null;
  procedure_name: string;
  agency_name: string;
  agency_address: string | null;
  agency_phone: string | null;
  apology_reason: string | null;
}

export async function dossierFactsRow(db: Tx, dossierId: number): Promise<DossierFactsRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.id', dossierId)
    .first(
      'd.code',
      'd.applicant_full_name',
      'd.delivery_method',
      'd.received_at',
      'd.appointment_at',
      'd.due_at',
      'd.pending_action',
      'd.fee_due_vnd',
      'd.fee_status',
      'd.closing_reason',
      'd.result_number',
      'p.name as procedure_name',
      'a.name as agency_name',
      'a.address as agency_address',
      'a.phone as agency_phone',
      db.raw(
        `(select c.reason from dossier_clock_entries c where c.dossier_id = d.id and c.kind = 'reappointment' order by c.seq desc limit 1) as apology_reason`,
      ),
    );
}
