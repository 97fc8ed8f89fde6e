import { ApplicationFailure, ParentClosePolicy, startChild } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { HandoffOpening, ProjectionFields } from '../../activities';
import { budgetHours, type ProcedureStep } from '../../domain/internal-procedure';
import { canTransition, type DossierStatus } from '../../domain/status';
import type { LegView, LegWorkflowInput, StepView } from '../contracts/interagency-v1';
import type { Dossier } from './state';
import type { RouteState, Transition } from './types';

/**
 * The interpreter of a pinned, non-default internal procedure (issue 17): the dossier holds a
 * step index; entering a step opens its row on the process-control sheet (Form 06) with the
 * step's budget and projects where the dossier is (route_step). The status a step runs in
 * follows from its place in the version (see statusAt). Dossiers on the default version never
 * come here: they run today's fixed path unchanged.
 */

/** Who hands the dossier over, as the control sheet prints it. */
export type Giver = { id: number | null; unit: string };

export function routeOf(d: Dossier): RouteState | null {
  return d.state.route ?? null;
}

export function currentStep(r: RouteState): ProcedureStep {
  return r.procedure.steps[r.at]!;
}

export function stepIndex(r: RouteState, key: string): number {
  return r.procedure.steps.findIndex((s) => s.key === key);
}

function landmarks(r: RouteState): { assignAt: number; proposeAt: number; decideAt: number } {
  const steps = r.procedure.steps;
  return {
    assignAt: steps.findIndex((s) => s.kind === 'assignment'),
    proposeAt: steps.findIndex((s) => s.actions.includes('propose')),
    decideAt: steps.findIndex((s) => s.kind === 'decision' || (s.kind === 'leg' && s.decides === true)),
  };
}

/**
 * The status a dossier is in while it holds step `i`: received until a specialist is
 * assigned, in review until the proposal, awaiting the decision until it is made, approved
 * after it (relays and the numbering of the result run while the result waits to be returned).
 */
export function statusAt(r: RouteState, i: number): DossierStatus {
  const { assignAt, proposeAt, decideAt } = landmarks(r);
  if (i <= assignAt) return 'RECEIVED';
  if (i <= proposeAt) return 'IN_REVIEW';
  if (i <= decideAt) return 'AWAITING_DECISION';
  return 'APPROVED';
}

/** Whether an `issue` step follows the decision: approval then leaves the numbering to it. */
export function issuedLater(r: RouteState): boolean {
  const { decideAt } = landmarks(r);
  return r.procedure.steps.some((s, i) => i > decideAt && s.kind === 'issue');
}

/** The status a dossier lands in when sent back (or refused by a leg) to step `i` from `from`. */
export function landingStatus(r: RouteState, from: DossierStatus, i: number): DossierStatus | null {
  const to = statusAt(r, i);
  return canTransition(from, to) ? to : null;
}

export function stepView(d: Dossier, r: RouteState): StepView {
  const s = currentStep(r);
  return { key: s.key, name: s.name, unit: s.unit, kind: s.kind, role: s.role, agencyEid: s.agencyEid ?? d.input.agencyEid, enteredAt: r.enteredAt, dueAt: r.dueAt };
}

/** What the read model shows of the step (the views' allowedActions read actions and sendBackTo). */
export function routeProjection(d: Dossier, r: RouteState): ProjectionFields {
  const s = currentStep(r);
  return { routeStep: { ...stepView(d, r), actions: [...s.actions], sendBackTo: [...(s.sendBackTo ?? [])] } };
}

/**
 * Moves the dossier to step `i`: its due time (the step budget on the doing agency's calendar,
 * capped by the dossier's appointment) and the transition parts that close the held row and
 * open the new one. The caller writes the transition with its own event type.
 */
export async function enterStep(d: Dossier, i: number, giver: Giver): Promise<Pick<Transition, 'to' | 'handoff' | 'projection'>> {
  const r = routeOf(d)!;
  const step = r.procedure.steps[i];
  if (!step) {
    // A published version always ends with its result step; a malformed one must fail the action, not the workflow task.
    throw ApplicationFailure.create({ message: `Quy trình nội bộ của hồ sơ ${d.code} không có bước thứ ${i + 1}.`, type: FAILURE_TYPES.invalidState, nonRetryable: true, details: [{ reason: 'StepActionNotAllowed' }] });
  }
  const now = d.now();
  const hours = budgetHours(step.budget);
  const own = await d.look.addWorkingHours({ agencyEid: step.agencyEid ?? d.input.agencyEid, from: now, hours });
  const cap = d.state.appointmentAt;
  const dueAt = cap && Date.parse(cap) < Date.parse(own) ? cap : own;
  r.at = i;
  r.enteredAt = now;
  r.dueAt = dueAt;
  const holder = (step.kind === 'review' || step.kind === 'verification') && d.state.assignee ? d.state.assignee : null;
  const open: HandoffOpening = {
    step: step.kind,
    giverId: giver.id,
    giverUnit: giver.unit,
    receiverId: holder?.userId ?? null,
    receiverUnit: step.unit,
    dueAt: cap,
    stepKey: step.key,
    stepName: step.name,
    budgetHours: hours,
    ...(step.agencyEid ? { agencyEid: step.agencyEid } : {}),
  };
  return { to: statusAt(r, i), handoff: { close: true, open }, projection: routeProjection(d, r) };
}

/**
 * What happens by itself on arriving at the held step: at an assignment step the least-loaded
 * specialist is tried (as today after intake); a leg step starts the other agency's child
 * workflow. Other steps wait for their officers.
 */
export async function arrive(d: Dossier, giver: Giver): Promise<void> {
  const r = routeOf(d)!;
  const step = currentStep(r);
  if (step.kind === 'assignment' && !d.state.assignee) {
    let assignee: { userId: number; fullName: string };
    try {
      assignee = await d.look.assignSpecialist({ dossierId: d.input.dossierId, agencyEid: d.input.agencyEid });
    } catch (err) {
      // Received all the same: the dossier waits at the assignment step for a leader or a claim.
      await d.transition({ to: d.state.status, type: 'assignment_pending', by: null, data: { reason: (err as Error).message, stepKey: step.key } });
      return;
    }
    d.state.assignee = assignee;
    const next = await enterStep(d, r.at + 1, giver);
    await d.transition({ ...next, type: 'assigned', by: null, projection: { ...next.projection, assigneeId: assignee.userId }, data: { assignee, stepKey: step.key } });
    await arrive(d, { id: null, unit: step.unit });
    return;
  }
  if (step.kind === 'leg') await startLeg(d, r, step);
}

/** The next step after the held one, entered with `type`, and whatever it does by itself. */
export async function advance(d: Dossier, type: string, by: Transition['by'], giver: Giver, extra: { projection?: ProjectionFields; data?: Record<string, unknown>; to?: DossierStatus } = {}): Promise<void> {
  const r = routeOf(d)!;
  const from = currentStep(r);
  const next = await enterStep(d, r.at + 1, giver);
  await d.transition({
    ...next,
    ...(extra.to ? { to: extra.to } : {}),
    type,
    by,
    projection: { ...next.projection, ...extra.projection },
    data: { stepKey: from.key, toStep: currentStep(r).key, ...extra.data },
  });
  // What the next step does by itself (an assignment, a leg) does not decide the answer.
  await d.afterAnswer(() => arrive(d, giver));
}

/** Liên thông: the other agency's part runs as its own workflow; it reports back by signal. */
async function startLeg(d: Dossier, r: RouteState, step: ProcedureStep): Promise<void> {
  const n = (r.started[`leg/${step.key}`] ?? 0) + 1;
  r.started[`leg/${step.key}`] = n;
  const workflowId = `${d.workflowId()}/leg/${step.key}/${n}`;
  const startedAt = d.now();
  const input: LegWorkflowInput = {
    kind: 'leg',
    parentWorkflowId: d.workflowId(),
    dossierId: d.input.dossierId,
    code: d.code,
    leadAgencyEid: d.input.agencyEid,
    agencyEid: step.agencyEid!,
    stepKey: step.key,
    steps: step.steps ?? [],
    decides: step.decides === true,
    budgetHours: budgetHours(step.budget),
    startedAt,
    procedureCode: d.input.procedureCode,
    ...(d.input.legDueInMs !== undefined ? { dueAt: new Date(Date.parse(startedAt) + d.input.legDueInMs).toISOString() } : {}),
  };
  await openChild(d, r, input, workflowId, 'leg_started');
}

/** Xin ý kiến: one child per consulted agency, each with the rule's budget. */
export async function startConsultation(d: Dossier, r: RouteState, agencyEid: string, question: string): Promise<void> {
  const rule = r.procedure.consultations.find((c) => c.agencyEid === agencyEid)!;
  const n = (r.started[`consult/${agencyEid}`] ?? 0) + 1;
  r.started[`consult/${agencyEid}`] = n;
  const workflowId = `${d.workflowId()}/consult/${agencyEid}/${n}`;
  const startedAt = d.now();
  const input: LegWorkflowInput = {
    kind: 'consultation',
    parentWorkflowId: d.workflowId(),
    dossierId: d.input.dossierId,
    code: d.code,
    leadAgencyEid: d.input.agencyEid,
    agencyEid,
    stepKey: currentStep(r).key,
    question,
    budgetHours: budgetHours(rule.budget),
    startedAt,
    procedureCode: d.input.procedureCode,
    ...(d.input.legDueInMs !== undefined ? { dueAt: new Date(Date.parse(startedAt) + d.input.legDueInMs).toISOString() } : {}),
  };
  await openChild(d, r, input, workflowId, 'consultation_requested');
}

async function openChild(d: Dossier, r: RouteState, input: LegWorkflowInput, workflowId: string, type: string): Promise<void> {
  // ABANDON: the child reports back by signal, so a parent that continued as new still hears it,
  // and a parent that ended (withdrawn, stopped) cancels it explicitly.
  const child = await startChild('legWorkflow', { workflowId, args: [input], parentClosePolicy: ParentClosePolicy.ABANDON });
  const view: LegView = {
    workflowId: child.workflowId,
    kind: input.kind,
    stepKey: input.stepKey,
    agencyEid: input.agencyEid,
    startedAt: input.startedAt,
    dueAt: input.dueAt ?? null,
    status: 'open',
    late: false,
    finishedAt: null,
    ...(input.kind === 'consultation' ? { opinion: null, agrees: null } : {}),
  };
  r.legs.push(view);
  await d.transition({
    to: d.state.status,
    type,
    by: null,
    data: { workflowId, agencyEid: input.agencyEid, stepKey: input.stepKey, ...(input.question ? { question: input.question } : {}) },
  });
}

export function openConsultations(r: RouteState | null): number {
  return r ? r.legs.filter((l) => l.kind === 'consultation' && l.status === 'open').length : 0;
}
