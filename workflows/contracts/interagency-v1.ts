import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ConsultationRule, PinnedProcedure, ProcedureStep, StepKind } from '../../domain/internal-procedure';
import type { OfficerRole } from '../../domain/types';
import type { Actor } from '../../domain/types';
import type { DossierView } from './dossier-v1';

/**
 * Messages of internal procedures as data and inter-agency processing (issue 17), version 1:
 * the dossier workflow's step Updates, the inter-agency leg and consultation child workflows'
 * Updates and Query, and the signals between them. Same versioning rule as dossier-v1.ts:
 * additions of optional fields only; a change of meaning is a new message.
 */

// ---- where a routed dossier stands (added to DossierView as optional fields) ----

/** The step of the pinned internal procedure the dossier is at, and who holds it. */
export interface StepView {
  key: string;
  name: string;
  unit: string;
  kind: StepKind;
  role: OfficerRole;
  /** The agency whose officers act at this step (the lead agency, or the leg's agency). */
  agencyEid: string;
  enteredAt: string;
  /** The step budget from `enteredAt`, capped by the dossier's due date. */
  dueAt: string | null;
}

/** An inter-agency leg or a consultation, as the lead agency's dossier sees it. */
export interface LegView {
  /** The child workflow's ID: `${dossierWorkflowId}/leg/${stepKey}/${n}` or `${dossierWorkflowId}/consult/${agencyEid}/${n}`. */
  workflowId: string;
  kind: 'leg' | 'consultation';
  stepKey: string;
  agencyEid: string;
  startedAt: string;
  dueAt: string | null;
  status: 'open' | 'result' | 'denied' | 'refused' | 'answered' | 'unanswered' | 'cancelled';
  /** Finished after its due time, or not answered by it: the agency at fault is `agencyEid`. */
  late: boolean;
  finishedAt: string | null;
  resultNumber?: string | null;
  /** Reasons of a denial or refusal; a consultation's opinion. */
  reasons?: string[] | null;
  opinion?: string | null;
  agrees?: boolean | null;
  /** The leg's current step, as its child workflow last reported it. */
  step?: { key: string; name: string; unit: string } | null;
  chasedAt?: string | null;
}

/** Optional fields a routed dossier adds to its DossierView. */
export interface RoutedDossierView {
  procedureVersion?: { procedureCode: string; version: number; isDefault: boolean } | null;
  step?: StepView | null;
  legs?: LegView[];
  /** The agency whose delay made the dossier late (a leg or consultation past its deadline). */
  faultAgencyEid?: string | null;
}

// ---- the dossier workflow's step Updates ----

export interface ForwardStepCommand {
  actor: Actor;
  /** The step the officer saw the dossier at: a stale screen is refused (StepChanged). */
  stepKey: string;
  note?: string;
}

export interface SendBackCommand {
  actor: Actor;
  stepKey: string;
  /** One of the step's `sendBackTo`. */
  toStep: string;
  reason: string;
}

export interface IssueResultCommand {
  actor: Actor;
  stepKey: string;
}

export interface ConsultCommand {
  actor: Actor;
  stepKey: string;
  /** Agencies among the version's consultations; each answers by its own deadline. */
  requests: Array<{ agencyEid: string; question: string }>;
}

export interface ChaseLegCommand {
  actor: Actor;
  /** The leg's or consultation's child workflow ID. */
  workflowId: string;
  note?: string;
}

export const forwardStepUpdate = defineUpdate<DossierView, [ForwardStepCommand]>('forwardStep');
export const sendBackUpdate = defineUpdate<DossierView, [SendBackCommand]>('sendBack');
export const issueResultUpdate = defineUpdate<DossierView, [IssueResultCommand]>('issueResult');
export const consultUpdate = defineUpdate<DossierView, [ConsultCommand]>('consult');
export const chaseLegUpdate = defineUpdate<DossierView, [ChaseLegCommand]>('chaseLeg');

// ---- the child workflows: an inter-agency leg (its own steps) or a consultation ----

export interface LegWorkflowInput {
  kind: 'leg' | 'consultation';
  /** The lead agency's dossier: its workflow (to signal back), row and code. */
  parentWorkflowId: string;
  dossierId: number;
  code: string;
  leadAgencyEid: string;
  /** The agency doing the leg or answering. */
  agencyEid: string;
  stepKey: string;
  /** leg: the agency's own steps (ProcedureStep.steps) and whether its result is the decision. */
  steps?: ProcedureStep[];
  decides?: boolean;
  /** consultation: what is asked. */
  question?: string;
  /** The leg's or consultation's budget in working hours of `agencyEid`'s calendar. */
  budgetHours: number;
  startedAt: string;
  /** Tests: overrides the due time (SLAs of seconds). */
  dueAt?: string;
  /** The lead dossier's procedure: the leg's result number is issued under it (record.issueResult). */
  procedureCode?: string;
}

export interface LegStateView {
  workflowId: string;
  kind: 'leg' | 'consultation';
  agencyEid: string;
  code: string;
  status: LegView['status'];
  step: StepView | null;
  assignee: { userId: number; fullName: string } | null;
  dueAt: string | null;
  late: boolean;
  lastSeq: number;
}

/** The leg's officers move it along its own steps, as the dossier's officers do theirs. */
export interface LegAssignCommand {
  actor: Actor;
  specialist: { userId: number; fullName: string };
}
/** The leg ends: its result (approve, with a number issued by the leg's agency), a denial, or a refusal back to the lead agency. */
export interface LegFinishCommand {
  actor: Actor;
  stepKey: string;
  outcome: 'approve' | 'deny' | 'refuse';
  reasons?: string[];
  note?: string;
}
export interface AnswerConsultationCommand {
  actor: Actor;
  opinion: string;
  agrees: boolean;
}

export const legForwardUpdate = defineUpdate<LegStateView, [ForwardStepCommand]>('legForward');
export const legSendBackUpdate = defineUpdate<LegStateView, [SendBackCommand]>('legSendBack');
export const legAssignUpdate = defineUpdate<LegStateView, [LegAssignCommand]>('legAssign');
export const legFinishUpdate = defineUpdate<LegStateView, [LegFinishCommand]>('legFinish');
export const answerConsultationUpdate = defineUpdate<LegStateView, [AnswerConsultationCommand]>('answerConsultation');
export const legViewQuery = defineQuery<LegStateView>('legView');

/** The lead agency chases the leg (đôn đốc): its officers are alerted. */
export const chaseSignal = defineSignal<[{ byUserId: number; note: string | null; at: string }]>('chase');
/** The lead dossier was stopped or withdrawn: the leg ends without a result. */
export const cancelLegSignal = defineSignal<[{ reason: string }]>('cancelLeg');

/** Child → parent: the leg or consultation moved (progress) or ended. */
export interface LegReport {
  workflowId: string;
  status: LegView['status'];
  step?: LegView['step'];
  late: boolean;
  at: string;
  /** The leg's due time, as the child computed it on its agency's calendar. */
  dueAt?: string | null;
  resultNumber?: string | null;
  reasons?: string[] | null;
  opinion?: string | null;
  agrees?: boolean | null;
}
export const legReportSignal = defineSignal<[LegReport]>('legReport');

export type { ConsultationRule, PinnedProcedure, ProcedureStep };
