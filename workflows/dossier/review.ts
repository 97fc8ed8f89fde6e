import { patched } from '@temporalio/workflow';
import type { ClockEntry } from '../../domain/clock-ledger';
import { visitEnd, visitIsPast, visitStart, visitWindowText, type VisitWindow } from '../../domain/site-visit';
import { AWAITING_SUPPLEMENT } from '../../domain/status';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { ProjectionFields } from '../../activities';
import type {
  ProcessingSupplementCommand,
  ProposeDecisionCommand,
  RecordVerificationCommand,
  ScheduleVerificationCommand,
  SubmitSupplementCommand,
  VerificationExceptionKind,
} from '../contracts/dossier-v1';
import { lookup } from './proxies';
import { APPLICANT, DEFAULT_SUPPLEMENT_WORKING_DAYS, LEADERS_UNIT, ONE_STOP_UNIT, type Action, type Dossier } from './state';

/**
 * Thẩm định hồ sơ (docs/domain.md §2.2, §3.2, §3.9): the assigned specialist reviews; may ask the
 * citizen once for a supplement (the procedure's clock policy applies), may verify on site, and
 * proposes a decision to the leader.
 */

/** Yêu cầu bổ sung trong quá trình giải quyết: once, by the assigned specialist (a leader may ask again). */
export const requestSupplement: Action<ProcessingSupplementCommand> = {
  validate(d, cmd) {
    d.requireIdle('IN_REVIEW', 'request a supplement');
    d.requireTexts(cmd.items, 'items');
    d.requireText(cmd.reason, 'reason');
    d.requireDeadline(cmd);
    // ND 118 art. 11 and the national on-time rule: one supplement request per dossier. A
    // leader may override it with a reason (docs/domain.md §12); the dossier then counts late.
    if (cmd.overrideReason !== undefined) {
      d.requireRole(cmd.actor, 'leader', 'request a further supplement');
      d.requireText(cmd.overrideReason, 'overrideReason');
      if (d.state.processingSupplements === 0) d.refuse('no supplement was requested yet: the assigned specialist asks for the first one', FAILURE_TYPES.invalidInput);
    } else {
      d.requireAssignee(cmd.actor, 'request a supplement');
      if (d.state.processingSupplements >= 1) {
        d.refuse(`a supplement was already requested while processing dossier ${d.code}; only a leader can ask again, with a reason (overrideReason), and the dossier then counts as late`);
      }
    }
    if (d.clockPaused()) d.refuse(`the clock of dossier ${d.code} is stopped for a clock-excluded step; resume it before asking the citizen for a supplement`);
    if (d.state.deadline?.awaitingFee) d.refuse(`the time limit of dossier ${d.code} counts from the payment of the fee, which is not paid yet: collect the fee before asking for a supplement`);
  },
  async run(d, cmd) {
    const { input, state } = d;
    const requestedAt = d.now();
    const deadline =
      cmd.deadline ?? (await lookup.computeDeadline({ agencyEid: input.agencyEid, from: requestedAt, workingDays: cmd.deadlineWorkingDays ?? DEFAULT_SUPPLEMENT_WORKING_DAYS }));
    state.processingSupplements += 1;
    state.clockPausedAt = requestedAt;
    state.pending = { kind: 'supplement', items: cmd.items, deadline };
    const dl = state.deadline;
    let clock: ClockEntry[] | undefined;
    let deadlineFields: ProjectionFields = {};
    if (dl) {
      if (dl.clockPolicy !== 'CONTINUE') {
        clock = [{ kind: 'pause', at: requestedAt, cause: 'citizen_supplement', reason: 'Chờ công dân bổ sung, hoàn thiện hồ sơ', basis: 'Nghị định 118/2025/NĐ-CP', actorId: cmd.actor.userId }];
        dl.ledger.push(...clock);
        await d.refreshDeadline();
        deadlineFields = d.deadlineProjection();
      }
      deadlineFields = { ...deadlineFields, supplementRequests: state.processingSupplements };
    }
    await d.transition({
      to: 'SUPPLEMENT_REQUESTED',
      type: 'supplement_requested',
      by: { actor: cmd.actor, role: cmd.overrideReason ? 'leader' : 'specialist' },
      projection: { pendingAction: { ...state.pending, reason: cmd.reason }, ...deadlineFields },
      data: {
        items: cmd.items,
        reason: cmd.reason,
        deadline,
        clockPausedAt: requestedAt,
        ...(cmd.overrideReason ? { overrideReason: cmd.overrideReason, requestNumber: state.processingSupplements } : {}),
      },
      handoff: {
        close: true,
        open: { step: 'citizen_supplement', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: APPLICANT, dueAt: deadline },
      },
      clock,
    });
    await d.notify('supplement_requested');
    return d.view();
  },
};

/** The citizen's supplement, at intake (back to the completeness check) or during processing (the clock resumes). */
export const submitSupplement: Action<SubmitSupplementCommand> = {
  validate(d, cmd) {
    d.requireIdle(AWAITING_SUPPLEMENT, 'submit a supplement');
    if (!Array.isArray(cmd.documents) || cmd.documents.length === 0 || cmd.documents.some((doc: { name?: unknown }) => typeof doc?.name !== 'string' || !doc.name.trim())) {
      d.refuse('documents must list at least one document with a name', FAILURE_TYPES.invalidInput);
    }
  },
  async run(d, cmd) {
    const { input, state } = d;
    state.pending = null;
    const applicant = { applicant: true } as const;
    const data = { documents: cmd.documents, note: cmd.note ?? null };
    if (state.status === 'SUPPLEMENT_AT_INTAKE') {
      // Back to the completeness check: the dossier is still not received, no clock.
      await d.transition({
        to: 'SUBMITTED',
        type: 'supplement_submitted',
        by: applicant,
        projection: { pendingAction: null },
        data,
        handoff: { close: true, open: { step: 'intake', giverId: null, giverUnit: APPLICANT, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: null } },
      });
      return d.view();
    }
    const resumedAt = d.now();
    const pausedAt = state.clockPausedAt;
    const dl = state.deadline;
    if (dl) {
      // PAUSE: the citizen's time does not count; RESTART: the limit counts again in full.
      const entries: ClockEntry[] =
        dl.clockPolicy === 'CONTINUE' ? [] : [{ kind: 'resume', at: resumedAt, restart: dl.clockPolicy === 'RESTART', reason: 'Công dân đã bổ sung hồ sơ', actorId: null }];
      dl.ledger.push(...entries);
      const r = await d.refreshDeadline();
      state.clockPausedAt = null;
      await d.transition({
        to: 'IN_REVIEW',
        type: 'supplement_submitted',
        by: applicant,
        projection: { pendingAction: null, ...d.deadlineProjection() },
        data: { ...data, clock: { policy: dl.clockPolicy, pausedAt, resumedAt, appointmentAt: r.schedule.appointmentAt, explanation: r.explanation.join(' ') } },
        handoff: { close: true, open: d.reviewHandoff({ id: null, unit: APPLICANT }, state.assignee!) },
        clock: entries,
      });
      return d.view();
    }
    // Runs begun before the clock ledger: the appointment moves by the procedure's clock policy.
    const clock = await lookup.resumeClock({
      agencyEid: input.agencyEid,
      procedureCode: input.procedureCode,
      appointmentAt: state.appointmentAt!,
      pausedAt: state.clockPausedAt!,
      resumedAt,
    });
    state.appointmentAt = clock.appointmentAt;
    state.clockPausedAt = null;
    await d.transition({
      to: 'IN_REVIEW',
      type: 'supplement_submitted',
      by: applicant,
      projection: { pendingAction: null, appointmentAt: clock.appointmentAt },
      data: { ...data, clock: { ...clock, pausedAt, resumedAt } },
      handoff: { close: true, open: d.reviewHandoff({ id: null, unit: APPLICANT }, state.assignee!) },
    });
    return d.view();
  },
};

/** Silence past the citizen's supplement deadline closes the dossier (ND 297/2025 art. 5: staff close it). */
export async function closeUnsupplemented(d: Dossier): Promise<void> {
  d.state.pending = null;
  await d.transition({
    to: 'CLOSED_UNSUPPLEMENTED',
    type: 'closed_unsupplemented',
    by: null,
    projection: { pendingAction: null, closingReason: 'Không bổ sung hồ sơ trong thời hạn' },
    handoff: { close: true },
  });
  await d.notify('closed_unsupplemented');
}

function requireVisit(d: Dossier, visit: unknown): void {
  const v = visit as Partial<{ date: string; from: string; to: string; place: string; officers: string[] }> | undefined;
  if (!v || typeof v.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v.date)) d.refuse('visit.date must be YYYY-MM-DD', FAILURE_TYPES.invalidInput);
  if (typeof v.from !== 'string' || typeof v.to !== 'string' || !/^\d{2}:\d{2}$/.test(v.from) || !/^\d{2}:\d{2}$/.test(v.to) || v.from >= v.to) {
    d.refuse('visit.from and visit.to must be HH:MM with from before to', FAILURE_TYPES.invalidInput);
  }
  if (Number.isNaN(Date.parse(visitStart(v as VisitWindow))) || Number.isNaN(Date.parse(visitEnd(v as VisitWindow)))) d.refuse('visit.date must be a calendar date', FAILURE_TYPES.invalidInput);
  d.requireText(v.place, 'visit.place');
  d.requireTexts(v.officers, 'visit.officers', 10);
}

const EXCEPTION_KINDS: readonly VerificationExceptionKind[] = ['procedure_without_verification', 'outside_working_hours'];

/**
 * Xác minh, kiểm tra thực địa: schedule (or reschedule) the visit; the citizen is told. The
 * assigned specialist schedules it; a visit the catalogue does not provide for, or outside the
 * agency's working hours, is scheduled by a leader with a reason (`exception`, found by the API
 * from the catalogue and the calendar). A visit is never scheduled in the past (docs/domain.md §3.9).
 */
export const scheduleVerification: Action<ScheduleVerificationCommand> = {
  validate(d, cmd) {
    d.requireIdle(['IN_REVIEW', 'SITE_VERIFICATION'], 'schedule a site visit');
    if (cmd.exception !== undefined) {
      d.requireRole(cmd.actor, 'leader', 'schedule a site visit that needs a leader’s reason');
      d.requireText(cmd.exception?.reason, 'exception.reason');
      const kinds: unknown = cmd.exception?.kinds;
      if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !EXCEPTION_KINDS.includes(k))) {
        d.refuse('exception.kinds must name why the visit needs a leader’s reason', FAILURE_TYPES.invalidInput);
      }
    } else {
      d.requireAssignee(cmd.actor, 'schedule a site visit');
    }
    requireVisit(d, cmd.visit);
    d.requireText(cmd.purpose, 'purpose');
    if (visitIsPast(Date.parse(visitStart(cmd.visit)), Date.now())) {
      d.refuse(`Không thể lên lịch xác minh vào thời điểm đã qua (${visitWindowText(cmd.visit)}); vui lòng chọn thời điểm từ nay về sau.`, FAILURE_TYPES.invalidInput, 'VisitInPast');
    }
  },
  async run(d, cmd) {
    // Runs before the checks: the row's due date did not follow the visit (recorded histories replay).
    const checks = patched('verification-checks-v1');
    const rescheduled = d.state.status === 'SITE_VERIFICATION';
    d.state.pending = { kind: 'site_visit', visit: cmd.visit };
    await d.transition({
      to: 'SITE_VERIFICATION',
      type: rescheduled ? 'site_visit_rescheduled' : 'site_visit_scheduled',
      by: { actor: cmd.actor, role: cmd.exception ? 'leader' : 'specialist' },
      projection: { pendingAction: d.state.pending },
      data: { visit: cmd.visit, purpose: cmd.purpose, ...(cmd.exception ? { exception: cmd.exception } : {}) },
      handoff: {
        close: true,
        open: {
          step: 'verification',
          giverId: cmd.actor.userId,
          giverUnit: cmd.actor.fullName,
          receiverId: null,
          receiverUnit: `Tổ xác minh: ${cmd.visit.officers.join(', ')}`,
          // Due at the end of the visit, or (patched) the step budget counted from its start, capped by the due date.
          dueAt: visitEnd(cmd.visit),
          ...(checks ? { countFrom: visitStart(cmd.visit) } : {}),
        },
      },
    });
    await d.notify('site_visit_scheduled');
    return d.view();
  },
};

/**
 * Biên bản xác minh: the outcome, findings and attachments; a missed visit waits to be
 * rescheduled. Nothing is recorded before the visit's time, nor after a missed visit until it
 * is rescheduled. The attachments are files of the dossier: the API checks them first.
 */
export const recordVerification: Action<RecordVerificationCommand> = {
  validate(d, cmd) {
    d.requireIdle('SITE_VERIFICATION', 'record the site visit');
    d.requireAssignee(cmd.actor, 'record the site visit');
    const pending = d.state.pending;
    if (pending?.kind !== 'site_visit') {
      return d.refuse(`Hồ sơ ${d.code} không có lịch xác minh đang chờ: lần xác minh trước đã ghi nhận không gặp được, vui lòng lên lịch lại trước khi ghi biên bản.`, FAILURE_TYPES.invalidState, 'VisitNotScheduled');
    }
    if (Date.now() < Date.parse(visitStart(pending.visit))) {
      d.refuse(`Chưa đến giờ xác minh (${visitWindowText(pending.visit)}): chỉ ghi kết quả xác minh hoặc ghi nhận không gặp được từ thời điểm đó.`, FAILURE_TYPES.invalidState, 'VisitNotYetDue');
    }
    if (!['confirmed', 'discrepancies', 'missed'].includes(cmd.outcome)) d.refuse(`unknown outcome "${String(cmd.outcome)}"`, FAILURE_TYPES.invalidInput);
    d.requireText(cmd.findings, 'findings');
    if (!Array.isArray(cmd.attachments) || cmd.attachments.some((a: { name?: unknown; fileId?: unknown }) => typeof a?.name !== 'string' || typeof a?.fileId !== 'string')) {
      d.refuse('attachments must be a list of { name, fileId }', FAILURE_TYPES.invalidInput);
    }
    if (cmd.outcome !== 'missed' && cmd.attachments.length === 0) d.refuse('the minutes (biên bản) must be attached', FAILURE_TYPES.invalidInput);
  },
  async run(d, cmd) {
    const specialist = { actor: cmd.actor, role: 'specialist' as const };
    const data = { outcome: cmd.outcome, findings: cmd.findings, attachments: cmd.attachments, visit: d.state.pending };
    if (cmd.outcome === 'missed') {
      // Nobody could be met: the visit is to be rescheduled; the dossier stays in verification.
      if (patched('verification-checks-v1')) {
        // The visit is over: nothing waits on the citizen until a new one is scheduled.
        d.state.pending = null;
        await d.transition({ to: 'SITE_VERIFICATION', type: 'site_visit_missed', by: specialist, projection: { pendingAction: null }, data });
        return d.view();
      }
      await d.transition({ to: 'SITE_VERIFICATION', type: 'site_visit_missed', by: specialist, data });
      return d.view();
    }
    d.state.pending = null;
    await d.transition({
      to: 'IN_REVIEW',
      type: 'site_verified',
      by: specialist,
      projection: { pendingAction: null },
      data,
      handoff: { close: true, open: d.reviewHandoff({ id: null, unit: 'Tổ xác minh' }, d.state.assignee!) },
    });
    return d.view();
  },
};

/** Đề xuất: the assigned specialist proposes approval or denial (with reasons) to the leader. */
export const proposeDecision: Action<ProposeDecisionCommand> = {
  validate(d, cmd) {
    const { state } = d;
    d.requireIdle('IN_REVIEW', 'propose a decision');
    d.requireRole(cmd.actor, 'specialist', 'propose a decision');
    if (state.assignee?.userId !== cmd.actor.userId) {
      d.refuse(`dossier ${d.code} is assigned to ${state.assignee?.fullName ?? 'nobody'}, not to ${cmd.actor.fullName}`);
    }
    if (cmd.proposal !== 'approve' && cmd.proposal !== 'deny') d.refuse(`unknown proposal "${String(cmd.proposal)}"`, FAILURE_TYPES.invalidInput);
    if (cmd.proposal === 'deny') d.requireTexts(cmd.reasons, 'reasons');
    if (!state.fee.paid && (state.fee.timing === 'at_submission' || state.fee.timing === 'before_processing')) {
      d.refuse(`the fee of ${state.fee.amountVnd} VND for dossier ${d.code} must be paid before it is processed further`);
    }
  },
  async run(d, cmd) {
    await d.transition({
      to: 'AWAITING_DECISION',
      type: cmd.proposal === 'approve' ? 'approval_proposed' : 'denial_proposed',
      by: { actor: cmd.actor, role: 'specialist' },
      data: { proposal: cmd.proposal, reasons: cmd.reasons ?? null, note: cmd.note ?? null },
      handoff: {
        close: true,
        open: { step: 'decision', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: LEADERS_UNIT, dueAt: d.state.appointmentAt },
      },
    });
    return d.view();
  },
};
