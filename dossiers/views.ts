import type { Db } from '../db/connection';
import { dossierEventLog, dossierHandoffs } from '../db/repositories/dossier-events';
import { dossierChecklist } from './checklist';
import { dossierSummaryRow, dossierViewRow, findDossierByCode, findDossierById, type DossierRow, type DossierSummaryRow, type DossierViewRow } from '../db/repositories/dossiers';
import { parseDossierCode } from '../domain/dossier-code';
import { DomainError } from '../domain/errors';
import { unknownDossier } from '../domain/principal';
import { isDossierStatus, isTerminal, statusLabel } from '../domain/status';
import type { Actor } from '../domain/types';
import { vnTime } from '../domain/vn-time';
import { citizenRequests, officerActions, readModelFacts } from './actions';
import { dossierLegs, openConsultationCount, procedureVersionOf } from '../db/repositories/legs';
import { legViews } from './legs';

/**
 * What officers and applicants read of a dossier, as plain objects the API answers with:
 * the summary every dossier answer starts with, the officers' detail with the event log, and
 * the process-control sheet.
 */

/** The dossier as every answer about it starts: procedure, agency, status, dates and deadline. */
export async function dossierSummary(db: Db, id: number) {
  return summaryOfRow((await dossierSummaryRow(db, id))!);
}

/** The summary of a dossier row loaded with its procedure and agency. */
function summaryOfRow(d: DossierSummaryRow) {
  return {
    code: d.code,
    procedure: { code: d.procedure_code, name: d.procedure_name },
    agency: { eid: d.agency_eid, name: d.agency_name },
    channel: d.channel,
    deliveryMethod: d.delivery_method,
    status: { code: d.status, label: isDossierStatus(d.status) ? statusLabel(d.status) : d.status },
    submittedAt: vnTime(d.submitted_at),
    receivedAt: vnTime(d.received_at),
    appointmentAt: vnTime(d.appointment_at),
    deadline: d.due_at
      ? {
          dueAt: vnTime(d.due_at),
          state: d.deadline_state,
          pausedSince: vnTime(d.clock_paused_at),
          reappointed: d.apology_issued_at !== null,
          escalationLevel: d.escalation_level,
          calendar: d.calendar_code ? { code: d.calendar_code, version: d.calendar_version } : null,
        }
      : null,
    links: { status: `/api/v1/status/${encodeURIComponent(d.code)}`, deadline: `/api/v1/dossiers/${encodeURIComponent(d.code)}/deadline` },
  };
}

export type DossierSummary = ReturnType<typeof summaryOfRow>;

/** A dossier named by its code, as officer actions need it; a malformed or unknown code is refused. */
export async function loadDossier(db: Db, code: string) {
  if (!parseDossierCode(code)) throw new DomainError('bad_request', 'Bad dossier code', `"${code}" không phải mã hồ sơ (dạng <mã định danh cơ quan>-<YYMMDD>-<số thứ tự>).`, { reason: 'MalformedDossierCode' });
  const d = await findDossierByCode(db, code, ['id', 'code', 'agency_id', 'workflow_id', 'status']);
  if (!d) throw unknownDossier();
  return d;
}

/** A citizen's dossier named by its code, with the ID number that proves it is theirs; undefined for a malformed code. */
export async function findApplicantDossier(db: Db, code: string) {
  return parseDossierCode(code) ? await findDossierByCode(db, code, ['id', 'code', 'agency_id', 'workflow_id', 'applicant_id_number']) : undefined;
}

/** Whether the dossier has reached a final status. */
export async function hasEnded(db: Db, dossierId: number): Promise<boolean> {
  const row = (await findDossierById(db, dossierId, ['status']))!;
  return isDossierStatus(row.status) && isTerminal(row.status);
}

/** The dossier's code, workflow id and status. */
export async function dossierState(db: Db, dossierId: number) {
  return (await findDossierById(db, dossierId, ['code', 'workflow_id', 'status']))!;
}

/** The dossier the officers' view names (`dossierDetail`), in one statement; a malformed or unknown code is refused. */
export async function loadDossierView(db: Db, code: string): Promise<DossierViewRow> {
  if (!parseDossierCode(code)) throw new DomainError('bad_request', 'Bad dossier code', `"${code}" không phải mã hồ sơ (dạng <mã định danh cơ quan>-<YYMMDD>-<số thứ tự>).`, { reason: 'MalformedDossierCode' });
  const d = await dossierViewRow(db, code);
  if (!d) throw unknownDossier();
  return d;
}

/**
 * The officers' view of a dossier: the summary, what `actor` may do to it now, the applicant,
 * documents, assignee, what the citizen was asked for, and the whole event log. From the row
 * `loadDossierView` loaded (issue 18: the summary, the facts of `allowedActions`, the detail and
 * the routing read off that one row), its event log, checklist and legs.
 */
export async function dossierDetail(db: Db, full: DossierViewRow, actor: Actor) {
  const dossierId = full.id;
  const events = await dossierEventLog(db, dossierId);
  const facts = readModelFacts(full, events, full.on_site_verification, full.route_step ? await openConsultationCount(db, dossierId) : undefined);
  return {
    ...summaryOfRow(full),
    allowedActions: officerActions(facts, actor),
    applicant: {
      fullName: full.applicant_full_name,
      idNumber: full.applicant_id_number,
      phone: full.applicant_phone,
      email: full.applicant_email,
      address: full.applicant_address,
    },
    documents: full.documents,
    // Thành phần hồ sơ: each item of the procedure's checklist, supplied (by which documents), waived or missing.
    checklist: await dossierChecklist(db, dossierId),
    assignee: full.assignee_id ? { userId: full.assignee_id, fullName: full.assignee_name } : null,
    resultNumber: full.result_number,
    // Yêu cầu bổ sung, lịch xác minh: what the citizen was asked for, and their answer.
    requests: citizenRequests(events),
    // Routed dossiers (issue 17): the pinned internal procedure, the step held now, the inter-agency legs and consultations.
    ...(await routedViewOf(db, full, { procedureCode: full.procedure_code, version: full.procedure_version, isDefault: full.procedure_version === 0 || !!full.procedure_version_is_default })),
    events: events.map((e) => ({
      seq: e.seq,
      type: e.type,
      from: e.from_status,
      to: e.to_status,
      actor: e.actor_name ? { fullName: e.actor_name, role: e.actor_role } : e.actor_role ? { role: e.actor_role } : null,
      at: vnTime(e.occurred_at),
      data: e.data,
    })),
  };
}

/**
 * What a routed dossier adds to the officers' view (RoutedDossierView of the contract): the
 * version it pinned, the step it is at with who holds it and its due time, its legs and
 * consultations, and the agency whose delay made it late. Null and empty on the fixed path.
 */
export async function routedView(db: Db, dossierId: number) {
  return routedViewOf(db, { id: dossierId, ...(await findDossierById(db, dossierId, ['procedure_id', 'procedure_version', 'route_step', 'fault_agency_eid']))! });
}

/** `known`: the pinned version as the caller loaded it with the row (procedureVersionOf's answer), else looked up. */
async function routedViewOf(
  db: Db,
  row: Pick<DossierRow, 'id' | 'procedure_id' | 'procedure_version' | 'route_step' | 'fault_agency_eid'>,
  known?: { procedureCode: string; version: number | null; isDefault: boolean },
) {
  const dossierId = row.id;
  const pinned = row.procedure_version;
  const version = pinned === null ? null : known && known.version === pinned ? { procedureCode: known.procedureCode, version: pinned, isDefault: known.isDefault } : await procedureVersionOf(db, row.procedure_id, pinned);
  const s = row.route_step;
  return {
    procedureVersion: version,
    step: s
      ? { key: s.key, name: s.name, unit: s.unit, kind: s.kind, role: s.role, agencyEid: s.agencyEid, enteredAt: vnTime(s.enteredAt)!, dueAt: vnTime(s.dueAt) }
      : null,
    legs: legViews(await dossierLegs(db, dossierId)),
    faultAgencyEid: row.fault_agency_eid,
  };
}

/** Phiếu kiểm soát quá trình: every hand-off with giver, receiver, times and outcome. */
export async function processControl(db: Db, dossier: { id: number; code: string }) {
  const rows = await dossierHandoffs(db, dossier.id);
  return {
    code: dossier.code,
    handoffs: rows.map((h) => ({
      step: h.step,
      giver: { userId: h.giver_id, name: h.giver_name ?? h.giver_unit, unit: h.giver_unit },
      receiver: { userId: h.receiver_id, name: h.receiver_name ?? h.receiver_unit, unit: h.receiver_unit },
      receivedAt: vnTime(h.received_at),
      dueAt: vnTime(h.due_at),
      doneAt: vnTime(h.done_at),
      outcome: h.outcome,
      // Routed dossiers (issue 17): the step of the pinned version, the agency receiving it, the leg the row belongs to.
      ...(h.step_key ? { stepKey: h.step_key, stepName: h.step_name } : {}),
      ...(h.agency_eid ? { agencyEid: h.agency_eid } : {}),
      ...(h.leg_workflow_id ? { legWorkflowId: h.leg_workflow_id } : {}),
    })),
  };
}
