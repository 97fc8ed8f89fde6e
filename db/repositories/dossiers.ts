import type { Knex } from 'knex';
import type { Channel, DeliveryMethod } from '../../domain/types';
import { preparedQuery, type Db, type Tx } from '../connection';
import { firstRow } from './rows';
import { noteDossierChange } from './dossier-changes';

// --- payments and delivery ---

export async function setDossierFeePaid(db: Tx, dossierId: number): Promise<void> {
  await db('dossiers').where('id', dossierId).update({ fee_status: 'paid' });
  await noteDossierChange(db, dossierId);
}

/** A dossier whose fee someone is about to pay. */
export const PAYABLE_COLUMNS = ['id', 'code', 'workflow_id', 'agency_id', 'status', 'fee_due_vnd', 'fee_status', 'applicant_id_number'] as const;
export type PayableDossierRow = Pick<DossierRow, (typeof PAYABLE_COLUMNS)[number]>;

/** What the officer's payments view shows of a dossier's fee. */
export const FEE_COLUMNS = ['id', 'agency_id', 'fee_due_vnd', 'fee_status', 'fee_timing'] as const;
export type DossierFeesRow = Pick<DossierRow, (typeof FEE_COLUMNS)[number]>;

// --- dossiers (read model, submission, status lookup) ---

/** A row of `dossiers`, the read model of one dossier (snake_case as stored). */
export interface DossierRow {
  id: number;
  code: string;
  workflow_id: string;
  procedure_id: number;
  agency_id: number;
  channel: Channel;
  delivery_method: DeliveryMethod;
  status: string;
  applicant_full_name: string;
  applicant_id_number: string;
  applicant_phone: string | null;
  applicant_email: string | null;
  applicant_address: string | null;
  postal_address: Record<string, unknown> | null;
  documents: unknown[];
  submitted_at: Date;
  received_at: Date | null;
  appointment_at: Date | null;
  calendar_code: string | null;
  calendar_version: number | null;
  assignee_id: number | null;
  received_by: number | null;
  decided_by: number | null;
  decided_at: Date | null;
  result_number: string | null;
  result_delivered_at: Date | null;
  completed_at: Date | null;
  workflow_started_at: Date | null;
  pending_action: Record<string, unknown> | null;
  closing_reason: string | null;
  fee_due_vnd: number | null;
  fee_timing: string | null;
  fee_status: 'none' | 'unpaid' | 'paid' | null;
  projection_seq: number;
  updated_at: Date;
  due_at: Date | null;
  deadline_state: string | null;
  clock_paused_at: Date | null;
  apology_issued_at: Date | null;
  escalation_level: number;
  supplement_requests: number;
  /** Routed dossiers (issue 17): the pinned internal procedure version, the step it is at (ProjectionFields.routeStep), the agency at fault. */
  procedure_version: number | null;
  route_step: RouteStepRow | null;
  fault_agency_eid: string | null;
  current_step: string | null;
}

/** `dossiers.route_step`: the step of the pinned version the dossier is at, and who holds it. */
export interface RouteStepRow {
  key: string;
  name: string;
  unit: string;
  kind: string;
  role: string;
  agencyEid: string;
  enteredAt: string;
  dueAt: string | null;
  actions: string[];
  sendBackTo: string[];
}

export type DossierColumn = keyof DossierRow;

/** The columns asked for of the dossier with this id. */
export async function findDossierById<C extends DossierColumn>(db: Tx, id: number, columns: readonly C[]): Promise<Pick<DossierRow, C> | undefined> {
  return firstRow<DossierRow, C>(db, 'dossiers', { id }, columns);
}

/** The columns asked for of the dossier with this code. */
export async function findDossierByCode<C extends DossierColumn>(db: Tx, code: string, columns: readonly C[]): Promise<Pick<DossierRow, C> | undefined> {
  return firstRow<DossierRow, C>(db, 'dossiers', { code }, columns);
}

/** A new dossier as submitted (JSON columns already serialised); its id. */
export type NewDossier = Pick<
  DossierRow,
  | 'code'
  | 'workflow_id'
  | 'procedure_id'
  | 'agency_id'
  | 'channel'
  | 'delivery_method'
  | 'status'
  | 'applicant_full_name'
  | 'applicant_id_number'
  | 'applicant_phone'
  | 'applicant_email'
  | 'applicant_address'
  | 'submitted_at'
> & { postal_address: string | null; documents: string };

/**
 * `changeNotedLater`: the caller's transaction records an event of the dossier after this
 * (record_dossier_event notes the change as its last statement), so the agency's change counter
 * is not locked here for the rest of the transaction, which would hold every other write of the
 * agency's read model (db/repositories/dossier-changes.ts) until the commit.
 */
export async function insertDossier(trx: Tx, row: NewDossier, opts: { changeNotedLater?: boolean } = {}): Promise<number> {
  const [{ id }] = await trx('dossiers').insert(row).returning('id');
  // A new dossier in the agency's intake queue: its counter and the live queues hear of it.
  if (!opts.changeNotedLater) await noteDossierChange(trx, Number(id));
  return Number(id);
}

/** The whole dossier row with its procedure's and agency's codes and names. */
export type DossierSummaryRow = DossierRow & { procedure_code: string; procedure_name: string; agency_eid: string; agency_name: string };

export async function dossierSummaryRow(db: Tx, id: number): Promise<DossierSummaryRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.id', id)
    .first('d.*', 'p.code as procedure_code', 'p.name as procedure_name', 'a.eid as agency_eid', 'a.name as agency_name');
}

/**
 * The officers' view of a dossier named by its code, in one statement (issue 18): its row with
 * the procedure (and whether its catalogue provides an on-site verification), the agency (its
 * EID the caller's roles are read against) and the assignee's name.
 */
export type DossierViewRow = DossierSummaryRow & {
  on_site_verification: boolean;
  assignee_name: string | null;
  /** Whether the internal procedure version the dossier pinned (procedure_version) is its procedure's default; null without one. */
  procedure_version_is_default: boolean | null;
};

export async function dossierViewRow(db: Tx, code: string): Promise<DossierViewRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('users as u', 'u.id', 'd.assignee_id')
    .leftJoin('internal_procedure_versions as v', (j) => {
      j.on('v.procedure_id', 'd.procedure_id').andOn('v.version', 'd.procedure_version');
    })
    .where('d.code', code)
    .first(
      'd.*',
      'p.code as procedure_code',
      'p.name as procedure_name',
      'p.on_site_verification',
      'a.eid as agency_eid',
      'a.name as agency_name',
      'u.full_name as assignee_name',
      'v.is_default as procedure_version_is_default',
    );
}

/**
 * A dossier an action names, in one statement (issue 18): what the route checks (id, agency,
 * workflow, status, applicant), the agency's EID the caller's roles are read against, and what
 * the action's answer says beside the Update's view (procedure, agency, channel, submission).
 */
export interface ActionDossierRow {
  id: number;
  code: string;
  agency_id: number;
  workflow_id: string;
  status: string;
  applicant_id_number: string;
  channel: Channel;
  delivery_method: DeliveryMethod;
  submitted_at: Date;
  clock_paused_at: Date | null;
  procedure_code: string;
  procedure_name: string;
  on_site_verification: boolean;
  agency_eid: string;
  agency_name: string;
}

export async function actionDossierRow(db: Tx, code: string): Promise<ActionDossierRow | undefined> {
  return actionDossierQuery(db, code).first();
}

/** The statement of `actionDossierRow`, for a caller that does more in the same statement (db/repositories/idempotency.ts). */
export function actionDossierQuery(db: Tx, code: string): Knex.QueryBuilder {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.code', code)
    .select(
      'd.id',
      'd.code',
      'd.agency_id',
      'd.workflow_id',
      'd.status',
      'd.applicant_id_number',
      'd.channel',
      'd.delivery_method',
      'd.submitted_at',
      'd.clock_paused_at',
      'p.code as procedure_code',
      'p.name as procedure_name',
      'p.on_site_verification',
      'a.eid as agency_eid',
      'a.name as agency_name',
    );
}

/** What officers see beyond the summary: the applicant, the documents, the assignee. */
export interface DossierDetailRow {
  applicant_full_name: string;
  applicant_id_number: string;
  applicant_phone: string | null;
  applicant_email: string | null;
  applicant_address: string | null;
  documents: unknown[];
  result_number: string | null;
  assignee_id: number | null;
  assignee_name: string | null;
}

export async function dossierDetailRow(db: Tx, id: number): Promise<DossierDetailRow | undefined> {
  return db('dossiers as d')
    .leftJoin('users as u', 'u.id', 'd.assignee_id')
    .where('d.id', id)
    .first('d.applicant_full_name', 'd.applicant_id_number', 'd.applicant_phone', 'd.applicant_email', 'd.applicant_address', 'd.documents', 'd.result_number', 'u.id as assignee_id', 'u.full_name as assignee_name');
}

/** The identifiers a dossier's workflow starts with. */
export interface DossierWorkflowInputRow {
  id: number;
  code: string;
  channel: Channel;
  delivery_method: DeliveryMethod;
  submitted_at: Date;
  procedure_code: string;
  agency_eid: string;
  /** The last event the read model shows (1: the submission recorded with the dossier). */
  projection_seq: number;
  fee_due_vnd: string | number | null;
  fee_timing: string | null;
  workflow_started_at: Date | null;
}

export async function dossierWorkflowInputRow(db: Tx, dossierId: number): Promise<DossierWorkflowInputRow | undefined> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.id', dossierId)
    .first('d.id', 'd.code', 'd.channel', 'd.delivery_method', 'd.submitted_at', 'p.code as procedure_code', 'a.eid as agency_eid', 'd.projection_seq', 'd.fee_due_vnd', 'd.fee_timing', 'd.workflow_started_at');
}

/** The dossier's workflow was started (by the API after its submission, or by the reconciler): it needs no other start. */
export async function markWorkflowStarted(db: Tx, dossierId: number): Promise<void> {
  await db('dossiers').where('id', dossierId).whereNull('workflow_started_at').update({ workflow_started_at: db.fn.now() });
}

/** Dossiers stored before `submittedBefore` whose workflow never started, oldest first. */
export async function pendingWorkflowStarts(db: Tx, submittedBefore: Date, limit: number): Promise<Array<{ id: number }>> {
  return db('dossiers')
    .where('status', 'SUBMITTED')
    .whereNull('workflow_started_at')
    // A chain's stages are started by the chain's workflow, as its children (dossiers/chains.ts).
    .whereNull('chain_id')
    .andWhere('submitted_at', '<', submittedBefore)
    .orderBy('id')
    .limit(limit)
    .select('id');
}

/** What the dossier's fee depends on: its channel and its procedure's fee timing. */
export async function dossierFeeBasis(db: Tx, dossierId: number): Promise<{ channel: Channel; procedure_id: number; fee_timing: string } | undefined> {
  return db('dossiers as d').join('procedures as p', 'p.id', 'd.procedure_id').where('d.id', dossierId).first('d.channel', 'p.id as procedure_id', 'p.fee_timing');
}

/** What a postal shipment of the result needs: sender agency, recipient, result document. */
export interface DossierShippingFacts {
  code: string;
  applicant_full_name: string;
  applicant_phone: string | null;
  postal_address: Record<string, unknown> | null;
  agency_name: string;
  agency_address: string | null;
  agency_phone: string | null;
  result_number: string | null;
  result_title: string | null;
}

export async function dossierShippingFacts(db: Tx, dossierId: number): Promise<DossierShippingFacts | undefined> {
  return db('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('dossier_results as r', 'r.dossier_id', 'd.id')
    .where('d.id', dossierId)
    .first('d.code', 'd.applicant_full_name', 'd.applicant_phone', 'd.postal_address', 'a.name as agency_name', 'a.address as agency_address', 'a.phone as agency_phone', 'r.number as result_number', 'r.title as result_title');
}

/** The dossier's assigned specialist, when it has one. */
export async function dossierAssignee(db: Tx, dossierId: number): Promise<{ id: number; full_name: string } | undefined> {
  return db('dossiers as d')
    .join('users as u', 'u.id', 'd.assignee_id')
    .where('d.id', dossierId)
    .first('u.id', 'u.full_name');
}

/**
 * The whole lookup in one statement: a single statement reads one snapshot, so the row, its
 * shipment and its history agree even while an event is being written, and it costs one round
 * trip. The caller's proof is checked in SQL on the row the unique index found, so an unknown
 * code and a wrong check do the same work (one index probe) and get the same empty answer.
 * Parameters: code, the signed-in owner's ID number (or null), the 4 check digits. Prepared once
 * per connection (db/connection.ts `preparedQuery`): the public lookup is the hottest read there is.
 */
const LOOKUP_SQL = `
  select d.code, d.status, d.channel, d.applicant_full_name, d.submitted_at, d.received_at, d.appointment_at,
         d.pending_action, d.closing_reason, d.fee_due_vnd, d.fee_status,
         p.code as procedure_code, p.national_code, p.name as procedure_name, a.eid as agency_eid, a.name as agency_name,
         (select json_build_object('tracking_number', s.tracking_number, 'status', s.status)
            from dossier_shipments s where s.dossier_id = d.id) as shipment,
         -- E-receipts (biên lai điện tử) of the fee paid, in the order paid.
         coalesce((select json_agg(json_build_object('series', pm.receipt_series, 'number', pm.receipt_number, 'code', pm.receipt_code,
                                                     'amount_vnd', pm.amount_vnd, 'method', pm.method, 'paid_at', pm.paid_at) order by pm.paid_at)
                     from dossier_payments pm
                    where pm.dossier_id = d.id and pm.status = 'paid' and pm.receipt_number is not null), '[]'::json) as receipts,
         -- The apology with a new appointment (hẹn lại, Form 04): at most one per dossier.
         (select json_build_object('at', coalesce(d.apology_issued_at, e.occurred_at), 'reason', e.data->>'reason',
                                   'previous_appointment_at', e.data->>'previousAppointmentAt', 'appointment_at', e.data->>'appointmentAt')
            from dossier_events e where e.dossier_id = d.id and e.type = 'reappointed' order by e.seq desc limit 1) as reappointment,
         -- Steps only: events that keep the status (a payment, a reassignment) are not steps.
         coalesce((select json_agg(json_build_object('to_status', e.to_status, 'occurred_at', e.occurred_at) order by e.seq)
                     from dossier_events e
                    where e.dossier_id = d.id and e.is_public and e.to_status is not null
                      and e.from_status is distinct from e.to_status), '[]'::json) as history
    from dossiers d
    join procedures p on p.id = d.procedure_id
    join agencies a on a.id = d.agency_id
   where d.code = $1
     and case when $2::text is not null then d.applicant_id_number = $2::text
              else right(d.applicant_id_number, 4) = $3::text end`;

/** A row of the public status lookup: the dossier, its shipment and its public history. */
export type StatusLookupRow = {
  code: string;
  status: string;
  channel: Channel;
  applicant_full_name: string;
  submitted_at: Date;
  received_at: Date | null;
  appointment_at: Date | null;
  pending_action: Record<string, any> | null;
  closing_reason: string | null;
  fee_due_vnd: number | null;
  fee_status: 'none' | 'unpaid' | 'paid' | null;
  procedure_code: string;
  national_code: string | null;
  procedure_name: string;
  agency_eid: string;
  agency_name: string;
  shipment: { tracking_number: string | null; status: string } | null;
  receipts: Array<{ series: string; number: number; code: string | null; amount_vnd: number; method: string; paid_at: string }>;
  reappointment: { at: string; reason: string | null; previous_appointment_at: string | null; appointment_at: string | null } | null;
  history: Array<{ to_status: string; occurred_at: string }>;
};

/**
 * The public status lookup of one dossier: found only with the signed-in owner's ID number
 * (`owner`), or else the last 4 digits of the applicant's ID number (`check`).
 */
export async function statusLookup(db: Db, code: string, owner: string | null, check: string | null): Promise<StatusLookupRow | undefined> {
  const [row] = await preparedQuery<StatusLookupRow>(db, 'public-status-lookup-v2', LOOKUP_SQL, [code, owner, check]);
  return row;
}

/** A line of a citizen's own list of dossiers. */
export interface ApplicantDossierLine {
  code: string;
  status: string;
  submitted_at: Date;
  received_at: Date | null;
  appointment_at: Date | null;
  procedure_code: string;
  procedure_name: string;
  agency_eid: string;
  agency_name: string;
  applicant_full_name: string;
  /** Set when the appointment was changed with an apology (hẹn lại); due_at keeps the legal date. */
  apology_issued_at: Date | null;
  due_at: Date | null;
}

/** The dossiers filed with this ID number, newest first (200 at most). */
export async function dossiersOfApplicant(db: Tx, idNumber: string): Promise<ApplicantDossierLine[]> {
  return db('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.applicant_id_number', idNumber)
    .orderBy('d.submitted_at', 'desc')
    .limit(200)
    .select(
      'd.code', 'd.status', 'd.submitted_at', 'd.received_at', 'd.appointment_at', 'd.apology_issued_at', 'd.due_at',
      'p.code as procedure_code', 'p.name as procedure_name', 'a.eid as agency_eid', 'a.name as agency_name', 'd.applicant_full_name',
    );
}

/**
 * The newest dossier of this ID number that has a phone or an e-mail on file: where the one-time
 * code of the lookup by ID number goes (its contact is the one the citizen gave last).
 */
export async function latestContactDossier(db: Tx, idNumber: string): Promise<{ id: number } | undefined> {
  return db('dossiers')
    .where('applicant_id_number', idNumber)
    .where((q) => q.whereNotNull('applicant_phone').orWhereNotNull('applicant_email'))
    .orderBy('submitted_at', 'desc')
    .orderBy('id', 'desc')
    .first('id');
}

// --- docs (documents, notifications, webhooks, audit, auth) ---

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
