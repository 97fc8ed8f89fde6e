import type { Db } from '../db/connection';
import { dossierEventLog, type DossierEventLine } from '../db/repositories/dossier-events';
import { findDossierById, type DossierRow } from '../db/repositories/dossiers';
import { visitFacts } from '../db/repositories/verification';
import { openConsultationCount } from '../db/repositories/legs';
import { allowedActions, type DossierAction, type DossierFacts } from '../domain/dossier-actions';
import { isDossierStatus, isTerminal } from '../domain/status';
import type { VisitWindow } from '../domain/site-visit';
import type { Actor, OfficerRole } from '../domain/types';
import { vnTime } from '../domain/vn-time';

/**
 * What the officer's view says beside the dossier itself: the actions the caller may take now
 * (`allowedActions`, from the same rules the workflow's validators apply:
 * domain/dossier-actions.ts) and what the citizen was asked for (`requests`: the last supplement
 * request and the last on-site visit), both read from the read model the workflow projects.
 */

const FACT_COLUMNS = [
  'code',
  'status',
  'delivery_method',
  'assignee_id',
  'fee_due_vnd',
  'fee_timing',
  'fee_status',
  'pending_action',
  'due_at',
  'deadline_state',
  'apology_issued_at',
  'route_step',
] as const;
type FactRow = Pick<DossierRow, (typeof FACT_COLUMNS)[number]>;

/**
 * The dossier as the action rules read it, from its read-model row and event log. What the
 * read model does not keep is said conservatively: nobody is busy (the workflow still refuses a
 * concurrent action), and the apology's last day is unknown (the workflow refuses a late one).
 */
export function readModelFacts(row: FactRow, events: readonly Pick<DossierEventLine, 'type'>[], siteVerification?: boolean, openConsultations?: number): DossierFacts | null {
  if (!isDossierStatus(row.status)) return null;
  const status = row.status;
  const count = (type: string) => events.filter((e) => e.type === type).length;
  const state = row.deadline_state;
  const pending = row.pending_action as { kind?: string; visit?: VisitWindow } | null;
  const amountVnd = Number(row.fee_due_vnd ?? 0);
  return {
    code: row.code,
    status,
    busy: false,
    deliveryMethod: row.delivery_method,
    assignee: row.assignee_id !== null ? { userId: row.assignee_id, fullName: null } : null,
    intakeSupplements: count('intake_supplement_requested'),
    processingSupplements: count('supplement_requested'),
    fee: { amountVnd, timing: row.fee_timing ?? 'none', paid: row.fee_status !== 'unpaid' },
    withPost: status === 'RESULT_IN_TRANSIT',
    pendingVisit: pending?.kind === 'site_visit' && pending.visit ? pending.visit : null,
    ...(siteVerification !== undefined ? { siteVerification } : {}),
    // Routed dossiers (issue 17): the step the read model says it is at, and the consultations still out.
    ...(row.route_step
      ? {
          step: {
            key: row.route_step.key,
            kind: row.route_step.kind,
            role: row.route_step.role as OfficerRole,
            agencyEid: row.route_step.agencyEid,
            actions: row.route_step.actions ?? [],
            sendBackTo: row.route_step.sendBackTo ?? [],
          },
        }
      : {}),
    ...(openConsultations !== undefined ? { openConsultations } : {}),
    clock: {
      awaitingFee: state === 'awaiting_fee',
      running: row.due_at !== null && state !== 'awaiting_fee',
      stopped: state === 'stopped' || isTerminal(status),
      paused: state === 'paused',
      // A supplement during processing is the only pause the citizen causes; any other pause is a clock-excluded step.
      pausedFor: state === 'paused' ? (status === 'SUPPLEMENT_REQUESTED' ? 'citizen_supplement' : 'clock_excluded') : null,
      dueAt: row.due_at ? row.due_at.toISOString() : null,
      apologyBy: null,
      reappointed: row.apology_issued_at !== null,
    },
  };
}

/** The officer's actions on the dossier now, in the contract's order. */
export function officerActions(facts: DossierFacts | null, actor: Actor, now = Date.now()): DossierAction[] {
  return facts ? allowedActions(facts, { kind: 'officer', userId: actor.userId, roles: actor.roles }, now) : [];
}

/** The applicant's actions on their dossier now. */
export function applicantActions(facts: DossierFacts | null, now = Date.now()): DossierAction[] {
  return facts ? allowedActions(facts, { kind: 'applicant' }, now) : [];
}

/** Loads what `readModelFacts` needs. */
export async function dossierFacts(db: Db, dossierId: number, events?: readonly Pick<DossierEventLine, 'type'>[]): Promise<DossierFacts | null> {
  const row = await findDossierById(db, dossierId, FACT_COLUMNS);
  if (!row) return null;
  const procedure = await visitFacts(db, dossierId);
  const consultations = row.route_step ? await openConsultationCount(db, dossierId) : undefined;
  return readModelFacts(row, events ?? (await dossierEventLog(db, dossierId)), procedure?.on_site_verification, consultations);
}

type Line = Pick<DossierEventLine, 'type' | 'occurred_at' | 'data' | 'actor_name' | 'actor_role'>;
type Data = Record<string, unknown>;

const SUPPLEMENT_ASKED = ['intake_supplement_requested', 'supplement_requested'];
const VISIT_SET = ['site_visit_scheduled', 'site_visit_rescheduled'];
/** What ends a dossier before a request is answered. */
const ENDINGS = ['closed_unsupplemented', 'withdrawn', 'cancelled', 'intake_refused'];

const by = (e: Line) => (e.actor_name || e.actor_role ? { fullName: e.actor_name ?? null, role: e.actor_role ?? null } : null);

/**
 * What the citizen was asked for: the last supplement request (at intake or during processing)
 * with its answer, and the last on-site visit with its outcome; null where there was none.
 * `state`: `open` (waiting for the citizen / the visit), `answered` / `recorded` / `missed`,
 * or `closed` (the dossier ended first).
 */
export function citizenRequests(events: readonly Line[]) {
  let supplement: {
    stage: 'intake' | 'processing';
    requestedAt: string | null;
    requestedBy: { fullName: string | null; role: string | null } | null;
    items: string[];
    reason: string | null;
    deadline: string | null;
    state: 'open' | 'answered' | 'closed';
    answeredAt: string | null;
    supplied: { documents: unknown[]; note: string | null } | null;
  } | null = null;
  let visit: {
    scheduledAt: string | null;
    scheduledBy: { fullName: string | null; role: string | null } | null;
    date: string;
    from: string;
    to: string;
    place: string | null;
    officers: string[];
    purpose: string | null;
    state: 'scheduled' | 'missed' | 'recorded' | 'closed';
    outcome: string | null;
    findings: string | null;
    recordedAt: string | null;
  } | null = null;
  for (const e of events) {
    const d = (e.data ?? {}) as Data;
    if (SUPPLEMENT_ASKED.includes(e.type)) {
      supplement = {
        stage: e.type === 'intake_supplement_requested' ? 'intake' : 'processing',
        requestedAt: vnTime(e.occurred_at),
        requestedBy: by(e),
        items: Array.isArray(d.items) ? (d.items as string[]) : [],
        reason: typeof d.reason === 'string' ? d.reason : null,
        deadline: typeof d.deadline === 'string' ? vnTime(d.deadline) : null,
        state: 'open',
        answeredAt: null,
        supplied: null,
      };
    } else if (e.type === 'supplement_submitted' && supplement?.state === 'open') {
      supplement.state = 'answered';
      supplement.answeredAt = vnTime(e.occurred_at);
      supplement.supplied = { documents: Array.isArray(d.documents) ? d.documents : [], note: typeof d.note === 'string' ? d.note : null };
    } else if (VISIT_SET.includes(e.type)) {
      const v = (d.visit ?? {}) as Partial<VisitWindow & { place: string; officers: string[] }>;
      visit = {
        scheduledAt: vnTime(e.occurred_at),
        scheduledBy: by(e),
        date: v.date ?? '',
        from: v.from ?? '',
        to: v.to ?? '',
        place: v.place ?? null,
        officers: Array.isArray(v.officers) ? v.officers : [],
        purpose: typeof d.purpose === 'string' ? d.purpose : null,
        state: 'scheduled',
        outcome: null,
        findings: null,
        recordedAt: null,
      };
    } else if ((e.type === 'site_visit_missed' || e.type === 'site_verified') && visit?.state === 'scheduled') {
      visit.state = e.type === 'site_visit_missed' ? 'missed' : 'recorded';
      visit.outcome = typeof d.outcome === 'string' ? d.outcome : null;
      visit.findings = typeof d.findings === 'string' ? d.findings : null;
      visit.recordedAt = vnTime(e.occurred_at);
    } else if (ENDINGS.includes(e.type)) {
      if (supplement?.state === 'open') supplement.state = 'closed';
      if (visit?.state === 'scheduled') visit.state = 'closed';
    }
  }
  return { supplement, visit };
}

/**
 * The applicant's actions on their dossier now (supplement, withdraw): they depend on its
 * status only, so the citizen's views need no more than that.
 */
export function applicantActionsByStatus(code: string, status: string, now = Date.now()): DossierAction[] {
  if (!isDossierStatus(status)) return [];
  const facts: DossierFacts = {
    code,
    status,
    busy: false,
    deliveryMethod: 'online',
    assignee: null,
    intakeSupplements: 0,
    processingSupplements: 0,
    fee: { amountVnd: 0, timing: 'none', paid: true },
    withPost: false,
    pendingVisit: null,
    clock: null,
  };
  return applicantActions(facts, now);
}
