import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { DossierFacts } from '../../domain/dossier-actions';
import type { DossierStatus } from '../../domain/status';
import type { Actor, Channel, DeliveryMethod } from '../../domain/types';
import type { RoutedDossierView } from './interagency-v1';

/**
 * The dossier workflow's message contract, version 1: every Update and Query it answers, their
 * command and view types, and the search attributes it keeps. The workflow (workflows/dossier/)
 * and its one client (dossiers/client.ts) both import from here, so a message is named once.
 *
 * Versioning: the names below are in recorded histories and running workflows. A change of a
 * message's meaning or shape is a new message (or a dossier-v2.ts beside this file), never an
 * edit in place; additions of optional fields are compatible.
 */

/** Workflow input: identifiers only; personal data and documents stay in PostgreSQL. */
export interface DossierWorkflowInput {
  dossierId: number;
  code: string;
  agencyEid: string;
  procedureCode: string;
  channel: Channel;
  deliveryMethod: DeliveryMethod;
  submittedAt: string;
  /**
   * The submission already recorded by the API with the dossier (its first event, the fee fixed
   * with it): the workflow begins from it instead of recording it (patch merged-records-v1). Absent
   * for dossiers stored before, and for a chain's stages: the workflow records their submission.
   */
  submitted?: { feeVnd: number; feeTiming: 'none' | 'at_submission' | 'before_processing' | 'at_result' };
  /**
   * The newest patch its starter knows the run begins after (issue 18): a worker that knows this
   * field holds that patch, and every older one, without asking `patched()`, so a new run records
   * no patch marker and no TemporalChangeVersion upsert (a visibility write per dossier). Set by
   * dossiers/starts.ts for every run it starts; absent on runs started before, which ask. A worker
   * older than the field ignores it and asks, as before; a current worker replaying that history
   * asks too, and matches the marker (Dossier.begunAfter; test/histories/begun-after-*.json).
   */
  begunAfter?: 'status-in-read-model-v1';
  /** Continue as new past this many history events (tests set it low); Temporal's own suggestion applies too. */
  maxHistoryEvents?: number;
  /** Overrides the procedure's warning and escalation intervals, in working milliseconds (tests use seconds). */
  deadlinePolicy?: { warnBeforeMs?: number; escalateEveryMs?: number };
  /** Tests: inter-agency legs and consultations are due this long after they start (SLAs of seconds). */
  legDueInMs?: number;
}

/**
 * What a dossier workflow returns when it ends: its outcome (runs begun after patch
 * small-markers-v1), or its whole view (older runs; a DossierView is a DossierOutcome too).
 */
export type DossierOutcome = Pick<DossierView, 'code' | 'status' | 'resultNumber' | 'lastSeq'>;

export interface DossierView extends RoutedDossierView {
  code: string;
  status: DossierStatus;
  /** What the citizen must act on now (supplement list and deadline, refusal grounds…). */
  pending:
    | { kind: 'supplement'; items: string[]; deadline: string }
    | { kind: 'site_visit'; visit: SiteVisit }
    | null;
  receivedAt: string | null;
  appointmentAt: string | null;
  assignee: { userId: number; fullName: string } | null;
  resultNumber: string | null;
  fee: { amountVnd: number; timing: string; paid: boolean; receiptCode: string | null };
  /** Legal deadline derived from the clock ledger; absent on dossiers begun before it existed. */
  deadline?: DeadlineView | null;
  lastSeq: number;
  /**
   * What the action rules (domain/dossier-actions.ts) read, as of this view (issue 18): the API
   * answers an officer's action with allowedActions computed from it instead of re-reading the
   * read model. Absent from views of runs before it existed; `busy` is the state after the action.
   */
  facts?: DossierFacts;
}

export interface AcceptIntakeCommand {
  actor: Actor;
  note?: string;
  /** Required checklist items not supplied, each waived by the one-stop officer with a reason. */
  waivers?: Array<{ item: number; reason: string }>;
  /**
   * The checklist as the service found it before the Update (dossiers/checklist.ts): items
   * supplied, by document IDs, and items waived. Positions and IDs only; recorded with the event.
   */
  documents?: {
    supplied: Array<{ item: number; name: string; documentIds: string[]; papers: number }>;
    waived: Array<{ item: number; name: string; reason: string }>;
  };
}

export interface ProposeDecisionCommand {
  actor: Actor;
  proposal: 'approve' | 'deny';
  /** Required when proposing a denial: the concrete grounds the citizen will read. */
  reasons?: string[];
  note?: string;
}

export interface DecideCommand {
  actor: Actor;
  /** `return` sends the dossier back to the specialist with comments. */
  decision: 'approve' | 'deny' | 'return';
  reasons?: string[];
  note?: string;
}

/** Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Form 02): everything missing, listed in one go. */
export interface IntakeSupplementCommand {
  actor: Actor;
  items: string[];
  reason?: string;
  /** Working days the citizen has to supplement; the procedure's default applies when absent. */
  deadlineWorkingDays?: number;
  /** Or the date written on the slip (ISO 8601), when the officer names one. */
  deadline?: string;
}

/** Phiếu từ chối tiếp nhận (Form 03), with concrete reasons. */
export interface RefuseIntakeCommand {
  actor: Actor;
  reasons: string[];
}

/** The citizen's supplement: document references only, the files stay in storage. */
export interface SubmitSupplementCommand {
  documents: Array<{ name: string; fileId?: string; checklistItem?: number }>;
  note?: string;
}

/** The citizen asks to stop the procedure (ND 118 art. 21). */
export interface WithdrawCommand {
  reason: string;
}

/** Yêu cầu bổ sung trong quá trình giải quyết: once, by the assigned specialist; the procedure's clock policy applies. */
export interface ProcessingSupplementCommand {
  actor: Actor;
  items: string[];
  reason: string;
  /** A leader's reason for asking a second time (counted late by QĐ 766). */
  overrideReason?: string;
  deadlineWorkingDays?: number;
  deadline?: string;
}

/** An on-site visit (xác minh, kiểm tra thực địa): when, where and by whom; the citizen is told. */
export interface SiteVisit {
  /** Local date and window, e.g. 2026-03-12 08:00–10:00 (+07:00). */
  date: string;
  from: string;
  to: string;
  place: string;
  officers: string[];
}

/** Why a visit needs a leader's reason: the catalogue has no on-site verification for the procedure, or the visit is outside the agency's working hours. */
export type VerificationExceptionKind = 'procedure_without_verification' | 'outside_working_hours';

export interface ScheduleVerificationCommand {
  actor: Actor;
  visit: SiteVisit;
  purpose: string;
  /**
   * A visit the rules allow only with a leader's reason (docs/domain.md §3.9): scheduled by a
   * leader of the agency, who says why; `kinds` are what the API found in the catalogue and
   * the agency's calendar. Absent for an ordinary visit, scheduled by the assigned specialist.
   */
  exception?: { reason: string; kinds: VerificationExceptionKind[] };
}

/** Biên bản xác minh: findings, attachments (minutes, photos) and the outcome. */
export interface RecordVerificationCommand {
  actor: Actor;
  outcome: 'confirmed' | 'discrepancies' | 'missed';
  findings: string;
  attachments: Array<{ name: string; fileId: string }>;
}

/** A fee payment recorded in PostgreSQL (gateway callback, reconciliation or the counter), told to the workflow. */
export interface RecordPaymentCommand {
  paymentId: string;
  amountVnd: number;
  method: 'online' | 'cash' | 'transfer';
  receiptCode: string;
  paidAt: string;
  recordedBy: number | null;
}

/** A verified status report of the post about the dossier's result shipment. */
export interface ShipmentEventCommand {
  trackingNumber: string;
  status: 'accepted' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'returned' | 'cancelled';
  occurredAt: string;
  receivedBy?: string;
  returnReason?: string;
}

/** A leader assigns or reassigns the dossier to a specialist of the agency (phân công). */
export interface AssignCommand {
  actor: Actor;
  specialist: { userId: number; fullName: string };
  note?: string;
}

/** A specialist takes an unassigned dossier, or gives back one assigned to them. */
export interface ClaimCommand {
  actor: Actor;
  note?: string;
}

/** An officer stops processing, with a reason. */
export interface CancelCommand {
  actor: Actor;
  reason: string;
}

export interface HandOverResultCommand {
  actor: Actor;
  /** Who physically received the result at the counter, or the postal tracking number. */
  receivedBy: string;
  note?: string;
}

/** Gia hạn: more working time on a legal basis (e.g. verification needed), granted by a leader before the due date. */
export interface ExtendDeadlineCommand {
  actor: Actor;
  workingDays?: number;
  workingHours?: number;
  reason: string;
  legalBasis: string;
}

/** A clock-excluded step (e.g. the citizen paying land obligations, another agency's reply): the clock stops. */
export interface PauseClockCommand {
  actor: Actor;
  reason: string;
  legalBasis: string;
}

export interface ResumeClockCommand {
  actor: Actor;
  note?: string;
}

/**
 * Thư xin lỗi và hẹn lại ngày trả kết quả (Form 04): once per dossier, by the agency head,
 * no later than one working day before the due date. Either a date or working days after the due date.
 */
export interface ReappointCommand {
  actor: Actor;
  reason: string;
  appointmentAt?: string;
  workingDaysAfterDue?: number;
}

/** Date the dossier by a newer calendar version: an explicit, logged recomputation. */
export interface RebaseCalendarCommand {
  actor: Actor;
  calendarCode: string;
  calendarVersion: number;
  reason: string;
  /** The calendar_recomputations row this belongs to. */
  recomputationId: number;
}

/** The deadline as the workflow tracks it (null before the dossier is received or for older runs). */
export interface DeadlineView {
  dueAt: string;
  appointmentAt: string;
  paused: boolean;
  state: 'running' | 'paused' | 'at_risk' | 'overdue' | 'stopped';
  warnAt: string | null;
  nextEscalationAt: string | null;
  apologyBy: string | null;
  escalationLevel: number;
  reappointed: boolean;
  calendar: { code: string; version: number };
}


/** Error types carried by ApplicationFailure from update validators, mapped to HTTP statuses by the API. */
export const FAILURE_TYPES = {
  invalidState: 'DossierInvalidState', // 409
  forbidden: 'DossierActionForbidden', // 403
  invalidInput: 'DossierInvalidInput', // 422
} as const;

// ---- messages ----

export const acceptIntakeUpdate = defineUpdate<DossierView, [AcceptIntakeCommand]>('acceptIntake');
export const requestIntakeSupplementUpdate = defineUpdate<DossierView, [IntakeSupplementCommand]>('requestIntakeSupplement');
export const refuseIntakeUpdate = defineUpdate<DossierView, [RefuseIntakeCommand]>('refuseIntake');
export const submitSupplementUpdate = defineUpdate<DossierView, [SubmitSupplementCommand]>('submitSupplement');
export const assignUpdate = defineUpdate<DossierView, [AssignCommand]>('assign');
export const claimUpdate = defineUpdate<DossierView, [ClaimCommand]>('claim');
export const releaseUpdate = defineUpdate<DossierView, [ClaimCommand]>('release');
export const requestSupplementUpdate = defineUpdate<DossierView, [ProcessingSupplementCommand]>('requestSupplement');
export const scheduleVerificationUpdate = defineUpdate<DossierView, [ScheduleVerificationCommand]>('scheduleVerification');
export const recordVerificationUpdate = defineUpdate<DossierView, [RecordVerificationCommand]>('recordVerification');
export const recordPaymentUpdate = defineUpdate<DossierView, [RecordPaymentCommand]>('recordPayment');
export const recordShipmentEventUpdate = defineUpdate<DossierView, [ShipmentEventCommand]>('recordShipmentEvent');
export const proposeDecisionUpdate = defineUpdate<DossierView, [ProposeDecisionCommand]>('proposeDecision');
export const decideUpdate = defineUpdate<DossierView, [DecideCommand]>('decide');
export const handOverResultUpdate = defineUpdate<DossierView, [HandOverResultCommand]>('handOverResult');
export const withdrawUpdate = defineUpdate<DossierView, [WithdrawCommand]>('withdraw');
export const cancelUpdate = defineUpdate<DossierView, [CancelCommand]>('cancel');
export const extendDeadlineUpdate = defineUpdate<DossierView, [ExtendDeadlineCommand]>('extendDeadline');
export const pauseClockUpdate = defineUpdate<DossierView, [PauseClockCommand]>('pauseClock');
export const resumeClockUpdate = defineUpdate<DossierView, [ResumeClockCommand]>('resumeClock');
export const reappointUpdate = defineUpdate<DossierView, [ReappointCommand]>('reappoint');
export const rebaseCalendarUpdate = defineUpdate<DossierView, [RebaseCalendarCommand]>('rebaseCalendar');
export const dossierViewQuery = defineQuery<DossierView>('dossierView');

export const DossierStatusKey = defineSearchAttributeKey('DossierStatus', SearchAttributeType.KEYWORD);
export const DossierCodeKey = defineSearchAttributeKey('DossierCode', SearchAttributeType.KEYWORD);
export const AgencyCodeKey = defineSearchAttributeKey('AgencyCode', SearchAttributeType.KEYWORD);
export const ProcedureCodeKey = defineSearchAttributeKey('ProcedureCode', SearchAttributeType.KEYWORD);
