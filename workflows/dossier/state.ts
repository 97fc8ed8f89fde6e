import { ApplicationFailure, condition, patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { HandoffOpening, ProjectionFields, ScheduledDeadline } from '../../activities';
import type { NotificationJob } from '../../activities/notifications';
import { canTransition, type DossierStatus } from '../../domain/status';
import type { Actor, OfficerRole } from '../../domain/types';
import { DossierStatusKey, FAILURE_TYPES, type DeadlineView, type DossierView, type DossierWorkflowInput } from '../contracts/dossier-v1';
import { lookup, record } from './proxies';
import { freshState, type CarriedDossierState, type DeadlineState, type DossierState, type Transition } from './types';

export type { Action, CarriedDossierState, DeadlineState, Party, Transition } from './types';

/** Citizen's supplement deadline when the officer names none: 15 working days (ND 297/2025 art. 5). */
export const DEFAULT_SUPPLEMENT_WORKING_DAYS = 15;
/** Units named on the process-control sheet (Form 06). */
export const ONE_STOP_UNIT = 'Bộ phận Một cửa';
export const POST_OFFICE = 'Bưu điện (dịch vụ bưu chính công ích)';
export const LEADERS_UNIT = 'Lãnh đạo cơ quan';
export const APPLICANT = 'Tổ chức, cá nhân nộp hồ sơ';

/** Statuses at which the legal clock stops: the end of processing for the on-time indicator. */
const CLOCK_STOPS: readonly DossierStatus[] = ['APPROVED', 'DENIED', 'WITHDRAWN', 'CANCELLED', 'CLOSED_UNSUPPLEMENTED'];
/** Statuses in which a leader may extend or re-appoint and a specialist may stop the clock. */
export const PROCESSING: readonly DossierStatus[] = ['RECEIVED', 'IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'];

/**
 * One dossier's state inside its workflow, with the rules every phase shares: the view it
 * answers with, the one way it changes (`transition`), the busy lock that serialises actions,
 * the guards validators use, and the deadline as derived from the clock ledger.
 * Built inside the workflow function: one instance per run, never module state.
 */
export class Dossier {
  readonly state: DossierState;
  /** The state as of the last event written (or the start of the current action): what a failed action returns to. */
  private committed: string | null = null;
  /** The status last given to the DossierStatus search attribute. */
  private indexedStatus: string | null = null;

  constructor(
    readonly input: DossierWorkflowInput,
    carried?: CarriedDossierState,
  ) {
    // A continued run picks up exactly where the previous one stopped (nothing was in flight).
    this.state = carried ? { ...carried, busy: false, deadline: carried.deadline ?? null } : freshState();
    // Runs begun before the clock ledger keep their old behaviour (recorded histories replay).
    if (patched('deadline-ledger-v1') && !carried) {
      this.state.deadline = {
        ledger: [],
        calendar: null,
        clockPolicy: 'PAUSE',
        schedule: null,
        escalationLevel: 0,
        warnedFor: null,
        overdueFor: null,
        reappointed: false,
        stopped: false,
        version: 0,
      };
    }
  }

  get code(): string {
    return this.input.code;
  }

  now(): string {
    return new Date().toISOString();
  }

  view(): DossierView {
    const s = this.state;
    return {
      code: this.input.code,
      status: s.status,
      pending: s.pending,
      receivedAt: s.receivedAt,
      appointmentAt: s.appointmentAt,
      assignee: s.assignee,
      resultNumber: s.resultNumber,
      fee: { amountVnd: s.fee.amountVnd, timing: s.fee.timing, paid: s.fee.paid, receiptCode: s.fee.receiptCode },
      deadline: this.deadlineView(),
      lastSeq: s.seq,
    };
  }

  /** Long dossiers start a fresh history before Temporal's limits, at a quiet moment. */
  historyTooLong(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (this.input.maxHistoryEvents ?? 10_000);
  }

  /** The one way the dossier changes: status, event log, read model, hand-offs, ledger and alerts. */
  async transition(t: Transition): Promise<void> {
    const s = this.state;
    const from = s.status;
    if (!canTransition(from, t.to)) {
      throw ApplicationFailure.nonRetryable(`transition ${from} → ${t.to} is not allowed`, FAILURE_TYPES.invalidState);
    }
    let projection = t.projection ?? {};
    const d = s.deadline;
    if (d && d.schedule && !d.stopped && CLOCK_STOPS.includes(t.to)) {
      // Kết thúc xử lý: the decision or the stop ends the legal clock and its timers.
      d.stopped = true;
      d.version += 1;
      projection = { ...projection, deadlineState: 'stopped' };
    }
    s.status = t.to;
    s.seq += 1;
    if (t.to !== from) {
      upsertSearchAttributes([{ key: DossierStatusKey, value: t.to }]);
      this.indexedStatus = t.to;
    }
    const by = t.by;
    await record.recordDossierEvent({
      dossierId: this.input.dossierId,
      seq: s.seq,
      type: t.type,
      fromStatus: from,
      toStatus: t.to,
      actorId: by && 'actor' in by ? by.actor.userId : by && 'officerId' in by ? by.officerId : null,
      actorRole: by && 'role' in by ? by.role : by ? 'applicant' : null,
      occurredAt: this.now(),
      isPublic: true,
      data: t.data ?? {},
      projection: { ...projection, status: t.to },
      handoff: t.handoff,
      ...(t.clock ? { clock: t.clock } : {}),
      ...(t.alert ? { alert: t.alert } : {}),
    });
    this.committed = JSON.stringify(s);
  }

  /** Nộp hồ sơ: the first event of the dossier's history; actions wait until it is written. */
  async recordSubmission(): Promise<void> {
    const s = this.state;
    s.seq += 1;
    upsertSearchAttributes([{ key: DossierStatusKey, value: s.status }]);
    this.indexedStatus = s.status;
    await record.recordDossierEvent({
      dossierId: this.input.dossierId,
      seq: s.seq,
      type: 'submitted',
      fromStatus: null,
      toStatus: 'SUBMITTED',
      actorId: null,
      actorRole: 'applicant',
      occurredAt: this.input.submittedAt,
      isPublic: true,
      data: { channel: this.input.channel, deliveryMethod: this.input.deliveryMethod, workflowId: workflowInfo().workflowId },
      projection: {
        status: 'SUBMITTED',
        workflowStartedAt: this.now(),
        feeDueVnd: s.fee.amountVnd,
        feeTiming: s.fee.timing,
        feeStatus: s.fee.amountVnd === 0 ? 'none' : 'unpaid',
      },
      handoff: { open: { step: 'intake', giverId: null, giverUnit: APPLICANT, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: null } },
    });
    s.submissionRecorded = true;
  }

  notify(template: NotificationJob['template']): Promise<void> {
    return record.notifyApplicant({ dossierId: this.input.dossierId, seq: this.state.seq, template });
  }

  /**
   * Runs one action at a time; an action arriving in the first instants waits for the submission
   * to be logged. An action that fails part-way (an activity refused its data for good) leaves
   * the dossier as its last written event says, and unlocked.
   */
  async exclusively<T>(fn: () => Promise<T>): Promise<T> {
    const s = this.state;
    s.busy = true;
    try {
      if (!s.submissionRecorded) await condition(() => s.submissionRecorded);
      this.committed = JSON.stringify(s);
      return await fn();
    } catch (err) {
      this.restoreCommitted();
      throw err;
    } finally {
      s.busy = false;
    }
  }

  /** Back to the state of the last written event (patched: runs before it kept what a failed action had changed). */
  private restoreCommitted(): void {
    if (this.committed === null || !patched('restore-failed-action-v1')) return;
    const s = this.state;
    const saved = JSON.parse(this.committed) as DossierState;
    const deadline = s.deadline;
    Object.assign(s, { ...saved, deadline });
    if (deadline && saved.deadline) {
      // In place: the deadline timers hold this object; a new version makes them re-arm.
      const version = deadline.version;
      Object.assign(deadline, saved.deadline, { version: Math.max(version, saved.deadline.version) + 1 });
    }
    if (this.indexedStatus !== null && this.indexedStatus !== s.status) {
      upsertSearchAttributes([{ key: DossierStatusKey, value: s.status }]);
      this.indexedStatus = s.status;
    }
  }

  /** The review hand-off to a specialist, due at the dossier's appointment. */
  reviewHandoff(giver: { id: number | null; unit: string }, to: { userId: number; fullName: string }): HandoffOpening {
    return { step: 'review', giverId: giver.id, giverUnit: giver.unit, receiverId: to.userId, receiverUnit: to.fullName, dueAt: this.state.appointmentAt };
  }

  // ---- deadline (clock ledger) ----

  deadlineView(): DeadlineView | null {
    const d = this.state.deadline;
    if (!d?.schedule || !d.calendar) return null;
    return {
      dueAt: d.schedule.dueAt,
      appointmentAt: d.schedule.appointmentAt,
      paused: d.schedule.paused,
      state: this.deadlineStateNow(),
      warnAt: d.schedule.warnAt,
      nextEscalationAt: d.schedule.nextEscalationAt,
      apologyBy: d.schedule.apologyBy,
      escalationLevel: d.escalationLevel,
      reappointed: d.reappointed,
      calendar: d.calendar,
    };
  }

  /** Where the dossier stands against its deadline right now. */
  deadlineStateNow(): DeadlineView['state'] {
    const d = this.state.deadline!;
    if (d.stopped) return 'stopped';
    const sch = d.schedule;
    if (!sch) return 'running';
    if (sch.paused) return 'paused';
    const t = Date.now();
    if (t >= Date.parse(sch.dueAt)) return 'overdue';
    if (sch.warnAt && t >= Date.parse(sch.warnAt)) return 'at_risk';
    return 'running';
  }

  /** Re-derives the deadline from the ledger; timers waiting on the old one re-arm. */
  async refreshDeadline(): Promise<ScheduledDeadline> {
    const d = this.state.deadline!;
    const r = await lookup.scheduleDeadline({
      agencyEid: this.input.agencyEid,
      procedureCode: this.input.procedureCode,
      ledger: d.ledger,
      calendar: d.calendar,
      escalationLevel: d.escalationLevel,
      policy: this.input.deadlinePolicy,
      asOf: this.now(),
    });
    d.schedule = r.schedule;
    d.version += 1;
    if (!r.schedule.paused) this.state.appointmentAt = r.schedule.appointmentAt;
    return r;
  }

  /** The read-model fields of the deadline; while paused the printed dates stay as they were. */
  deadlineProjection(): ProjectionFields {
    const d = this.state.deadline!;
    const sch = d.schedule!;
    if (sch.paused) {
      const pause = [...d.ledger].reverse().find((e) => e.kind === 'pause');
      return { deadlineState: 'paused', clockPausedAt: pause?.at ?? null };
    }
    return { dueAt: sch.dueAt, appointmentAt: sch.appointmentAt, deadlineState: this.deadlineStateNow(), clockPausedAt: null, escalationLevel: d.escalationLevel };
  }

  clockPaused(): boolean {
    return this.state.deadline?.schedule?.paused === true;
  }

  /** Why the clock stands still: the citizen's supplement or a clock-excluded step. */
  pausedFor(): string | null {
    const last = [...(this.state.deadline?.ledger ?? [])].reverse().find((e) => e.kind === 'pause' || e.kind === 'resume');
    return last?.kind === 'pause' ? last.cause : null;
  }

  // ---- guards, for the validators: they refuse before anything is written to history ----

  /**
   * Refuses the action. `reason`, when given, is the stable code the API answers with (the
   * failure's first detail); otherwise the failure type is. Refusals with a reason say their
   * message in Vietnamese: it is the problem's `detail`.
   */
  refuse(message: string, type: string = FAILURE_TYPES.invalidState, reason?: string): never {
    if (reason === undefined) throw ApplicationFailure.nonRetryable(message, type);
    throw ApplicationFailure.create({ message, type, nonRetryable: true, details: [{ reason }] });
  }

  requireIdle(expected: DossierStatus | readonly DossierStatus[], action: string): void {
    if (this.state.busy) this.refuse(`another action on dossier ${this.code} is in progress; reload and try again`);
    const allowed = typeof expected === 'string' ? [expected] : expected;
    if (!allowed.includes(this.state.status)) {
      this.refuse(`cannot ${action}: dossier ${this.code} is ${this.state.status}, not ${allowed.join(' or ')}`);
    }
  }

  requireRole(actor: Actor, roles: OfficerRole | OfficerRole[], action: string): void {
    const needed = typeof roles === 'string' ? [roles] : roles;
    if (!needed.some((r) => actor.roles.includes(r))) {
      this.refuse(`${actor.username} cannot ${action}: the ${needed.join(' or ')} role in agency ${this.input.agencyEid} is required`, FAILURE_TYPES.forbidden);
    }
  }

  requireAssignee(actor: Actor, action: string): void {
    this.requireRole(actor, 'specialist', action);
    if (this.state.assignee?.userId !== actor.userId) {
      this.refuse(`dossier ${this.code} is assigned to ${this.state.assignee?.fullName ?? 'nobody'}, not to ${actor.fullName}`);
    }
  }

  requireText(value: unknown, field: string): void {
    if (typeof value !== 'string' || !value.trim()) this.refuse(`${field} is required`, FAILURE_TYPES.invalidInput);
  }

  requireTexts(values: unknown, field: string, max = 50): void {
    if (!Array.isArray(values) || values.length === 0 || values.length > max || values.some((v) => typeof v !== 'string' || !v.trim() || v.length > 1000)) {
      this.refuse(`${field} must list 1 to ${max} non-empty items`, FAILURE_TYPES.invalidInput);
    }
  }

  /** A named deadline must lie ahead, within a plausible span, and not together with a number of days. */
  requireDeadline(cmd: { deadline?: string; deadlineWorkingDays?: number }): void {
    if (cmd.deadlineWorkingDays !== undefined && !(Number.isInteger(cmd.deadlineWorkingDays) && cmd.deadlineWorkingDays >= 1 && cmd.deadlineWorkingDays <= 60)) {
      this.refuse('deadlineWorkingDays must be a whole number from 1 to 60', FAILURE_TYPES.invalidInput);
    }
    if (cmd.deadline === undefined) return;
    if (cmd.deadlineWorkingDays !== undefined) this.refuse('give either deadline or deadlineWorkingDays, not both', FAILURE_TYPES.invalidInput);
    const at = Date.parse(cmd.deadline);
    if (Number.isNaN(at) || at <= Date.now() || at > Date.now() + 120 * 86_400_000) {
      this.refuse('deadline must be a date-time in the next 120 days', FAILURE_TYPES.invalidInput);
    }
  }

  /** Deadline actions need the ledger: dossiers begun before it, or not yet received, have none. */
  requireLedger(action: string): DeadlineState {
    const d = this.state.deadline;
    if (!d) this.refuse(`cannot ${action}: dossier ${this.code} began before the clock ledger existed; its dates are as printed`);
    if (!d.schedule && d.awaitingFee) this.refuse(`cannot ${action}: the time limit of dossier ${this.code} counts from the payment of the fee, which is not paid yet`);
    if (!d.schedule) this.refuse(`cannot ${action}: dossier ${this.code} has not been received yet, so no time limit runs`);
    if (d.stopped) this.refuse(`cannot ${action}: the time limit of dossier ${this.code} stopped at the decision`);
    return d;
  }
}
