import type { ClockEntry } from '../../domain/clock-ledger';
import { budgetHours } from '../../domain/internal-procedure';
import { visitEnd, visitIsPast, visitStart, visitWindowText, type VisitWindow } from '../../domain/site-visit';
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
import { advance, currentStep, enterStep, routeOf } from './route';
import { APPLICANT, DEFAULT_SUPPLEMENT_WORKING_DAYS, LEADERS_UNIT, ONE_STOP_UNIT, type Action, type Dossier } from './state';

/**
 * Thẩm định hồ sơ (docs/domain.md §2.2, §3.2, §3.9): the assigned specialist reviews; may ask the
 * citizen once for a supplement (the procedure's clock policy applies), may verify on site, and
 * proposes a decision to the leader.
 */

/** Yêu cầu bổ sung trong quá trình giải quyết: once, by the assigned specialist (a leader may ask again). */
export const requestSupplement: Action<ProcessingSupplementCommand> = {
  validate(d, cmd) {
    // ND 118 art. 11 and the national on-time rule: one supplement request per dossier. A
    // leader may override it with a reason (docs/domain.md §12); the dossier then counts late.
    d.allow('requestSupplement', cmd.actor, { override: cmd.overrideReason !== undefined });
    d.requireTexts(cmd.items, 'items');
    d.requireText(cmd.reason, 'reason');
    d.requireDeadline(cmd);
    if (cmd.overrideReason !== undefined) d.requireText(cmd.overrideReason, 'overrideReason');
  },
  async run(d, cmd) {
    const { input, state } = d;
    const requestedAt = d.now();
    const deadline =
      cmd.deadline ?? (await d.look.computeDeadline({ agencyEid: input.agencyEid, from: requestedAt, workingDays: cmd.deadlineWorkingDays ?? DEFAULT_SUPPLEMENT_WORKING_DAYS }));
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
      notify: 'supplement_requested',
    });
    return d.view();
  },
};

/** The citizen's supplement, at intake (back to the completeness check) or during processing (the clock resumes). */
export const submitSupplement: Action<SubmitSupplementCommand> = {
  validate(d, cmd) {
    d.allow('submitSupplement', null);
    if (!Array.isArray(cmd.documents) || cmd.documents.length === 0 || cmd.documents.some((doc: { name?: unknown }) => typeof doc?.name !== 'string' || !doc.name.trim())) {
      d.invalid('Cần kê ít nhất một giấy tờ bổ sung, mỗi giấy tờ có tên.');
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
      // Routed dossiers: back to the step held, its row reopened with the step's budget.
      const back = routeOf(d) ? await enterStep(d, routeOf(d)!.at, { id: null, unit: APPLICANT }) : null;
      await d.transition({
        to: 'IN_REVIEW',
        type: 'supplement_submitted',
        by: applicant,
        projection: { pendingAction: null, ...d.deadlineProjection(), ...back?.projection },
        data: { ...data, clock: { policy: dl.clockPolicy, pausedAt, resumedAt, appointmentAt: r.schedule.appointmentAt, ...(r.explanation !== null ? { explanation: r.explanation } : {}) } },
        handoff: back?.handoff ?? { close: true, open: d.reviewHandoff({ id: null, unit: APPLICANT }, state.assignee!) },
        clock: entries,
      });
      return d.view();
    }
    // Runs begun before the clock ledger: the appointment moves by the procedure's clock policy.
    const clock = await d.look.resumeClock({
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
    notify: 'closed_unsupplemented',
  });
}

function requireVisit(d: Dossier, visit: unknown): void {
  const v = visit as Partial<{ date: string; from: string; to: string; place: string; officers: string[] }> | undefined;
  if (!v || typeof v.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v.date)) d.invalid('Ngày xác minh (visit.date) phải có dạng YYYY-MM-DD.');
  if (typeof v.from !== 'string' || typeof v.to !== 'string' || !/^\d{2}:\d{2}$/.test(v.from) || !/^\d{2}:\d{2}$/.test(v.to) || v.from >= v.to) {
    d.invalid('Giờ bắt đầu và kết thúc xác minh (visit.from, visit.to) phải có dạng HH:MM, giờ bắt đầu trước giờ kết thúc.');
  }
  if (Number.isNaN(Date.parse(visitStart(v as VisitWindow))) || Number.isNaN(Date.parse(visitEnd(v as VisitWindow)))) d.invalid('Ngày xác minh (visit.date) không phải một ngày có thật.');
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
    d.allow('scheduleVerification', cmd.actor, { exception: cmd.exception !== undefined });
    if (cmd.exception !== undefined) {
      d.requireText(cmd.exception?.reason, 'exception.reason');
      const kinds: unknown = cmd.exception?.kinds;
      if (!Array.isArray(kinds) || kinds.length === 0 || kinds.some((k) => !EXCEPTION_KINDS.includes(k))) {
        d.invalid('Cần nêu vì sao việc xác minh cần lý do của lãnh đạo (exception.kinds).');
      }
    }
    requireVisit(d, cmd.visit);
    d.requireText(cmd.purpose, 'purpose');
    if (visitIsPast(Date.parse(visitStart(cmd.visit)), Date.now())) {
      d.refuse(`Không thể lên lịch xác minh vào thời điểm đã qua (${visitWindowText(cmd.visit)}); vui lòng chọn thời điểm từ nay về sau.`, FAILURE_TYPES.invalidInput, 'VisitInPast');
    }
  },
  async run(d, cmd) {
    // Runs before the checks: the row's due date did not follow the visit (recorded histories replay).
    const checks = d.since('verification-checks-v1');
    const rescheduled = d.state.status === 'SITE_VERIFICATION';
    // A routed dossier's visit is part of the step it holds: its row counts against that step's budget.
    const route = routeOf(d);
    const held = route ? currentStep(route) : null;
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
          // Due at the end of the visit, or (patched) the step budget counted from its start, capped by the due date;
          // on a routed dossier, what is left of the held step's budget from the visit's start.
          ...(held
            ? { dueAt: d.state.appointmentAt, countFrom: visitStart(cmd.visit), stepKey: held.key, stepName: held.name, budgetHours: budgetHours(held.budget) }
            : { dueAt: visitEnd(cmd.visit), ...(checks ? { countFrom: visitStart(cmd.visit) } : {}) }),
        },
      },
      notify: 'site_visit_scheduled',
    });
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
    // The visit must be scheduled and its time come (VisitNotScheduled, VisitNotYetDue): the rules say so.
    d.allow('recordVerification', cmd.actor);
    if (!['confirmed', 'discrepancies', 'missed'].includes(cmd.outcome)) d.invalid(`Kết quả xác minh "${String(cmd.outcome)}" không hợp lệ.`);
    d.requireText(cmd.findings, 'findings');
    if (!Array.isArray(cmd.attachments) || cmd.attachments.some((a: { name?: unknown; fileId?: unknown }) => typeof a?.name !== 'string' || typeof a?.fileId !== 'string')) {
      d.invalid('Tệp đính kèm (attachments) phải là danh sách { name, fileId }.');
    }
    if (cmd.outcome !== 'missed' && cmd.attachments.length === 0) d.invalid('Cần đính kèm biên bản xác minh.');
  },
  async run(d, cmd) {
    const specialist = { actor: cmd.actor, role: 'specialist' as const };
    const data = { outcome: cmd.outcome, findings: cmd.findings, attachments: cmd.attachments, visit: d.state.pending };
    if (cmd.outcome === 'missed') {
      // Nobody could be met: the visit is to be rescheduled; the dossier stays in verification.
      if (d.since('verification-checks-v1')) {
        // The visit is over: nothing waits on the citizen until a new one is scheduled.
        d.state.pending = null;
        await d.transition({ to: 'SITE_VERIFICATION', type: 'site_visit_missed', by: specialist, projection: { pendingAction: null }, data });
        return d.view();
      }
      await d.transition({ to: 'SITE_VERIFICATION', type: 'site_visit_missed', by: specialist, data });
      return d.view();
    }
    d.state.pending = null;
    const r = routeOf(d);
    if (r) {
      // A verification step ends with the recorded visit; at a review step the review goes on.
      if (currentStep(r).kind === 'verification') {
        await advance(d, 'site_verified', specialist, { id: null, unit: 'Tổ xác minh' }, { projection: { pendingAction: null }, data });
        return d.view();
      }
      const back = await enterStep(d, r.at, { id: null, unit: 'Tổ xác minh' });
      await d.transition({ ...back, to: 'IN_REVIEW', type: 'site_verified', by: specialist, projection: { ...back.projection, pendingAction: null }, data });
      return d.view();
    }
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
    // The assigned specialist, with any fee due before processing paid (FeeUnpaid): the rules say so.
    d.allow('proposeDecision', cmd.actor);
    if (cmd.proposal !== 'approve' && cmd.proposal !== 'deny') d.invalid(`Đề xuất "${String(cmd.proposal)}" không hợp lệ.`);
    if (cmd.proposal === 'deny') d.requireTexts(cmd.reasons, 'reasons');
  },
  async run(d, cmd) {
    if (routeOf(d)) {
      // The proposal ends the step; the next one (an approval, the decision, a deciding leg) takes it.
      await advance(d, cmd.proposal === 'approve' ? 'approval_proposed' : 'denial_proposed', { actor: cmd.actor, role: 'specialist' }, { id: cmd.actor.userId, unit: cmd.actor.fullName }, {
        data: { proposal: cmd.proposal, reasons: cmd.reasons ?? null, note: cmd.note ?? null },
      });
      return d.view();
    }
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
