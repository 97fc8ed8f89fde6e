import { ApplicationFailure, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import type { LegEventRecord } from '../../activities/interagency';
import type { HandoffOpening } from '../../activities';
import { budgetHours, type ProcedureStep } from '../../domain/internal-procedure';
import type { Actor, OfficerRole } from '../../domain/types';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import { lookup, record } from './proxies';
import { legReportSignal, type LegReport, type LegStateView, type LegView, type LegWorkflowInput, type StepView } from '../contracts/interagency-v1';

export interface LegState {
  status: LegView['status'];
  seq: number;
  busy: boolean;
  /** Index of the leg's step held (legs); -1 for a consultation. */
  at: number;
  step: StepView | null;
  assignee: { userId: number; fullName: string } | null;
  dueAt: string | null;
  late: boolean;
  finishedAt: string | null;
  resultNumber: string | null;
  reasons: string[] | null;
  opinion: string | null;
  agrees: boolean | null;
  chasedAt: string | null;
  chases: Array<{ byUserId: number; note: string | null; at: string }>;
  cancelReason: string | null;
}

/** An Update of the leg: its validator and its body. */
export interface LegAction<C> {
  validate(leg: Leg, cmd: C): void;
  run(leg: Leg, cmd: C): Promise<LegStateView>;
}

/** What one event does: its type, who, its data, and the control-sheet row it closes or opens. */
interface LegEvent {
  type: string;
  by?: { actor: Actor; role: OfficerRole } | null;
  data?: Record<string, unknown>;
  handoff?: LegEventRecord['handoff'];
}

/**
 * The leg's state inside its workflow and the one way it changes (`record`): its own event
 * sequence, its row in the read model, and the lead dossier's control sheet. One per run.
 */
export class Leg {
  readonly state: LegState = {
    status: 'open',
    seq: 0,
    busy: false,
    at: -1,
    step: null,
    assignee: null,
    dueAt: null,
    late: false,
    finishedAt: null,
    resultNumber: null,
    reasons: null,
    opinion: null,
    agrees: null,
    chasedAt: null,
    chases: [],
    cancelReason: null,
  };

  constructor(readonly input: LegWorkflowInput) {}

  get steps(): ProcedureStep[] {
    return this.input.steps ?? [];
  }

  now(): string {
    return new Date().toISOString();
  }

  workflowId(): string {
    return workflowInfo().workflowId;
  }

  view(): LegStateView {
    const s = this.state;
    return { workflowId: this.workflowId(), kind: this.input.kind, agencyEid: this.input.agencyEid, code: this.input.code, status: s.status, step: s.step, assignee: s.assignee, dueAt: s.dueAt, late: s.late, lastSeq: s.seq };
  }

  async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    this.state.busy = true;
    try {
      return await fn();
    } finally {
      this.state.busy = false;
    }
  }

  /** Writes one event of the leg (its row as it now is) through recordLegEvent. */
  async record(e: LegEvent): Promise<void> {
    const s = this.state;
    s.seq += 1;
    const step = s.step;
    await record.recordLegEvent({
      dossierId: this.input.dossierId,
      legWorkflowId: this.workflowId(),
      kind: this.input.kind,
      agencyEid: this.input.agencyEid,
      stepKey: this.input.stepKey,
      seq: s.seq,
      type: e.type,
      actorId: e.by?.actor.userId ?? null,
      actorRole: e.by?.role ?? null,
      occurredAt: this.now(),
      data: e.data ?? {},
      leg: {
        status: s.status,
        startedAt: this.input.startedAt,
        dueAt: s.dueAt,
        late: s.late,
        finishedAt: s.finishedAt,
        step: step ? { key: step.key, name: step.name, unit: step.unit, kind: step.kind, role: step.role, dueAt: step.dueAt } : null,
        assigneeId: s.assignee?.userId ?? null,
        resultNumber: s.resultNumber,
        question: this.input.question ?? null,
        opinion: s.opinion,
        agrees: s.agrees,
        reasons: s.reasons,
        chasedAt: s.chasedAt,
      },
      ...(e.handoff ? { handoff: e.handoff } : {}),
    });
  }

  /** Tells the lead dossier; a dossier that has ended no longer listens. */
  async report(): Promise<void> {
    const s = this.state;
    const report: LegReport = {
      workflowId: this.workflowId(),
      status: s.status,
      step: s.step ? { key: s.step.key, name: s.step.name, unit: s.step.unit } : null,
      late: s.late,
      at: this.now(),
      dueAt: s.dueAt,
      resultNumber: s.resultNumber,
      reasons: s.reasons,
      opinion: s.opinion,
      agrees: s.agrees,
    };
    try {
      await getExternalWorkflowHandle(this.input.parentWorkflowId).signal(legReportSignal, report);
    } catch {
      // The lead dossier has closed (withdrawn, stopped): nothing waits for this leg any more.
    }
  }

  /** Tiếp nhận liên thông: the deadline on the agency's calendar, the first row, the agency alerted. */
  async receive(): Promise<void> {
    const { input, state: s } = this;
    s.dueAt = input.dueAt ?? (await lookup.addWorkingHours({ agencyEid: input.agencyEid, from: input.startedAt, hours: input.budgetHours }));
    const consultation = input.kind === 'consultation';
    const open: HandoffOpening | undefined = consultation
      ? { step: 'consultation', giverId: null, giverUnit: 'Cơ quan chủ trì', receiverId: null, receiverUnit: input.agencyEid, dueAt: s.dueAt, stepKey: input.stepKey, budgetHours: input.budgetHours, agencyEid: input.agencyEid }
      : this.steps.length > 0
        ? await this.openStep(0, { id: null, unit: 'Cơ quan chủ trì' })
        : undefined;
    await this.record({ type: consultation ? 'consultation_received' : 'leg_received', data: { question: input.question ?? null, leadAgencyEid: input.leadAgencyEid }, ...(open ? { handoff: { open } } : {}) });
    await record.alertAgency({
      agencyEid: input.agencyEid,
      dossierId: input.dossierId,
      legWorkflowId: this.workflowId(),
      kind: consultation ? 'consultation_requested' : 'leg_received',
      message: consultation ? `Cơ quan chủ trì xin ý kiến về hồ sơ ${input.code}: ${input.question ?? ''}` : `Hồ sơ liên thông ${input.code} được chuyển đến cơ quan để giải quyết.`,
    });
    await this.report();
    if (!consultation) await this.arrive();
  }

  /** Enters step `i` of the leg: its due time (budget on the agency's calendar, capped by the leg's) and its row. */
  async openStep(i: number, giver: { id: number | null; unit: string }): Promise<HandoffOpening> {
    const s = this.state;
    const step = this.steps[i]!;
    const now = this.now();
    const hours = budgetHours(step.budget);
    const own = await lookup.addWorkingHours({ agencyEid: this.input.agencyEid, from: now, hours });
    const dueAt = s.dueAt && Date.parse(s.dueAt) < Date.parse(own) ? s.dueAt : own;
    s.at = i;
    s.step = { key: step.key, name: step.name, unit: step.unit, kind: step.kind, role: step.role, agencyEid: this.input.agencyEid, enteredAt: now, dueAt };
    const holder = (step.kind === 'review' || step.kind === 'verification') && s.assignee ? s.assignee : null;
    return {
      step: step.kind,
      giverId: giver.id,
      giverUnit: giver.unit,
      receiverId: holder?.userId ?? null,
      receiverUnit: step.unit,
      dueAt: s.dueAt,
      stepKey: step.key,
      stepName: step.name,
      budgetHours: hours,
      agencyEid: this.input.agencyEid,
    };
  }

  /** Moves to step `i` with an event of `type`, tells the lead dossier, and does what the step does by itself. */
  async moveTo(i: number, type: string, by: LegEvent['by'], data: Record<string, unknown> = {}): Promise<void> {
    const from = this.state.step?.key ?? null;
    const open = await this.openStep(i, by ? { id: by.actor.userId, unit: by.actor.fullName } : { id: null, unit: this.input.agencyEid });
    await this.record({ type, by, data: { stepKey: from, toStep: this.state.step!.key, ...data }, handoff: { close: true, open } });
    await this.report();
    await this.arrive();
  }

  /** At an assignment step the least-loaded specialist of the agency is tried; otherwise a leader assigns. */
  async arrive(): Promise<void> {
    const s = this.state;
    const step = this.steps[s.at];
    if (step?.kind !== 'assignment' || s.assignee) return;
    let specialist: { userId: number; fullName: string };
    try {
      specialist = await lookup.assignLegSpecialist({ agencyEid: this.input.agencyEid, legWorkflowId: this.workflowId() });
    } catch (err) {
      await this.record({ type: 'leg_assignment_pending', data: { reason: (err as Error).message } });
      return;
    }
    s.assignee = specialist;
    if (s.at + 1 < this.steps.length) await this.moveTo(s.at + 1, 'leg_assigned', null, { assignee: specialist });
  }

  /** Ends the leg: its row closed, the lead dossier told. */
  async finish(status: LegView['status'], type: string, by: LegEvent['by'], data: Record<string, unknown>): Promise<void> {
    const s = this.state;
    s.status = status;
    s.finishedAt = this.now();
    if (s.dueAt && Date.parse(s.finishedAt) > Date.parse(s.dueAt)) s.late = true;
    await this.record({ type, by, data: { ...data, late: s.late }, handoff: { close: true } });
    await this.report();
  }

  /** The deadline passed without a result: late, the lead agency alerted; a consultation ends unanswered. */
  async overdue(): Promise<void> {
    const { input, state: s } = this;
    s.late = true;
    if (input.kind === 'consultation') {
      s.status = 'unanswered';
      s.finishedAt = this.now();
      await this.record({ type: 'consultation_unanswered', data: { dueAt: s.dueAt }, handoff: { close: true } });
    } else {
      await this.record({ type: 'leg_late', data: { dueAt: s.dueAt } });
    }
    await record.alertAgency({
      agencyEid: input.leadAgencyEid,
      dossierId: input.dossierId,
      legWorkflowId: this.workflowId(),
      kind: 'leg_overdue',
      message:
        input.kind === 'consultation'
          ? `Cơ quan ${input.agencyEid} không trả lời xin ý kiến về hồ sơ ${input.code} đúng hạn.`
          : `Cơ quan ${input.agencyEid} chưa có kết quả phần liên thông của hồ sơ ${input.code} khi đã hết hạn.`,
    });
    await this.report();
  }

  async chased(chase: { byUserId: number; note: string | null; at: string }): Promise<void> {
    const { input, state: s } = this;
    s.chasedAt = chase.at;
    await this.record({ type: 'leg_chased', data: { byUserId: chase.byUserId, note: chase.note } });
    await record.alertAgency({
      agencyEid: input.agencyEid,
      dossierId: input.dossierId,
      legWorkflowId: this.workflowId(),
      kind: 'leg_chased',
      message: `Cơ quan chủ trì đôn đốc giải quyết hồ sơ ${input.code}${chase.note ? `: ${chase.note}` : '.'}`,
    });
  }

  async cancelled(): Promise<void> {
    const s = this.state;
    s.status = 'cancelled';
    s.finishedAt = this.now();
    await this.record({ type: 'leg_cancelled', data: { reason: s.cancelReason }, handoff: { close: true } });
  }

  // ---- guards for the validators ----

  refuse(message: string, type: string, reason: string): never {
    throw ApplicationFailure.create({ message, type, nonRetryable: true, details: [{ reason }] });
  }

  invalid(message: string): never {
    return this.refuse(message, FAILURE_TYPES.invalidInput, 'InvalidCommand');
  }

  /** Open, not busy, a leg (or a consultation), at the step the officer saw, by an officer with its role. */
  requireStep(cmd: { actor: Actor; stepKey?: string }, what: string): ProcedureStep {
    const s = this.state;
    this.requireOpen(what);
    if (this.input.kind !== 'leg') this.refuse(`Đây là yêu cầu xin ý kiến, không có bước xử lý để ${what}.`, FAILURE_TYPES.invalidState, 'StepActionNotAllowed');
    const step = this.steps[s.at];
    if (!step) this.refuse(`Phần liên thông của hồ sơ ${this.input.code} chưa có bước nào đang xử lý.`, FAILURE_TYPES.invalidState, 'StepActionNotAllowed');
    if (cmd.stepKey !== undefined && cmd.stepKey !== step.key) {
      this.refuse(`Hồ sơ ${this.input.code} đã chuyển sang bước khác; vui lòng tải lại trước khi ${what}.`, FAILURE_TYPES.invalidState, 'StepChanged');
    }
    if (!cmd.actor?.roles?.includes(step.role)) {
      this.refuse(`Tài khoản ${cmd.actor?.username ?? ''} không có vai trò thực hiện bước «${step.name}» tại cơ quan phối hợp để ${what}.`, FAILURE_TYPES.forbidden, 'RoleRequired');
    }
    return step;
  }

  requireOpen(what: string): void {
    if (this.state.busy) this.refuse(`Hồ sơ ${this.input.code} đang được thực hiện một thao tác khác; vui lòng thử lại.`, FAILURE_TYPES.invalidState, 'DossierBusy');
    if (this.state.status !== 'open') this.refuse(`Không thể ${what}: phần việc của cơ quan ${this.input.agencyEid} đối với hồ sơ ${this.input.code} đã kết thúc.`, FAILURE_TYPES.invalidState, 'LegEnded');
  }
}
