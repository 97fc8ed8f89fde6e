import type { ClockEntry } from '../../domain/clock-ledger';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { ExtendDeadlineCommand, PauseClockCommand, RebaseCalendarCommand, ReappointCommand, ResumeClockCommand } from '../contracts/dossier-v1';
import { vnDocumentDateTime } from '../../domain/vn-time';
import { PROCESSING, type Action } from './state';

/**
 * Changes to the clock ledger (docs/domain.md §3.4, §3.5): an extension on a legal basis, a
 * pause for a clock-excluded step and its resumption, the apology with a new appointment
 * (Form 04), and dating the dossier by a newer calendar version. The due date is always derived
 * from the ledger, never edited; every entry re-arms the deadline timers (deadline.ts).
 */

/** Gia hạn: more working time on a legal basis, granted by a leader before the due date. */
export const extendDeadline: Action<ExtendDeadlineCommand> = {
  validate(d, cmd) {
    // A leader, the ledger running and not paused, before the due date (PastDueDate): the rules say so.
    d.allow('extendDeadline', cmd.actor);
    const amounts = [cmd.workingDays, cmd.workingHours].filter((v) => v !== undefined);
    if (amounts.length !== 1) d.invalid('Ghi số ngày làm việc (workingDays) hoặc số giờ làm việc (workingHours) được gia hạn, chỉ một trong hai.');
    const v = amounts[0];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (cmd.workingDays !== undefined && v > 60) || (cmd.workingHours !== undefined && v > 480)) {
      d.invalid('Thời gian gia hạn phải lớn hơn 0 và không quá 60 ngày làm việc (480 giờ làm việc).');
    }
    d.requireText(cmd.reason, 'reason');
    d.requireText(cmd.legalBasis, 'legalBasis (căn cứ pháp lý)');
  },
  async run(d, cmd) {
    const entry: ClockEntry = {
      kind: 'extension',
      at: d.now(),
      ...(cmd.workingDays !== undefined ? { workingDays: cmd.workingDays } : {}),
      ...(cmd.workingHours !== undefined ? { workingHours: cmd.workingHours } : {}),
      reason: cmd.reason,
      basis: cmd.legalBasis,
      actorId: cmd.actor.userId,
    };
    d.state.deadline!.ledger.push(entry);
    const r = await d.refreshDeadline();
    await d.transition({
      to: d.state.status,
      type: 'deadline_extended',
      by: { actor: cmd.actor, role: 'leader' },
      projection: d.deadlineProjection(),
      data: { workingDays: cmd.workingDays ?? null, workingHours: cmd.workingHours ?? null, reason: cmd.reason, legalBasis: cmd.legalBasis, dueAt: r.schedule.dueAt },
      clock: [entry],
    });
    return d.view();
  },
};

/** A clock-excluded step (e.g. the citizen paying land obligations): the limit stops counting. */
export const pauseClock: Action<PauseClockCommand> = {
  validate(d, cmd) {
    // A leader or the assigned specialist, the clock running (ClockAlreadyPaused): the rules say so.
    d.allow('pauseClock', cmd.actor);
    d.requireText(cmd.reason, 'reason');
    d.requireText(cmd.legalBasis, 'legalBasis (căn cứ pháp lý)');
  },
  async run(d, cmd) {
    const entry: ClockEntry = { kind: 'pause', at: d.now(), cause: 'clock_excluded', reason: cmd.reason, basis: cmd.legalBasis, actorId: cmd.actor.userId };
    d.state.deadline!.ledger.push(entry);
    await d.refreshDeadline();
    const role = cmd.actor.roles.includes('specialist') ? 'specialist' : 'leader';
    await d.transition({
      to: d.state.status,
      type: 'clock_paused',
      by: { actor: cmd.actor, role },
      projection: d.deadlineProjection(),
      data: { reason: cmd.reason, legalBasis: cmd.legalBasis },
      clock: [entry],
    });
    return d.view();
  },
};

export const resumeClock: Action<ResumeClockCommand> = {
  validate(d, cmd) {
    d.allow('resumeClock', cmd.actor);
  },
  async run(d, cmd) {
    const entry: ClockEntry = { kind: 'resume', at: d.now(), reason: cmd.note ?? null, actorId: cmd.actor.userId };
    d.state.deadline!.ledger.push(entry);
    const r = await d.refreshDeadline();
    const role = cmd.actor.roles.includes('specialist') ? 'specialist' : 'leader';
    await d.transition({
      to: d.state.status,
      type: 'clock_resumed',
      by: { actor: cmd.actor, role },
      projection: d.deadlineProjection(),
      data: { note: cmd.note ?? null, dueAt: r.schedule.dueAt },
      clock: [entry],
    });
    return d.view();
  },
};

/** Thư xin lỗi và hẹn lại ngày trả kết quả (Form 04): the citizen's new date; statistics keep the old one. */
export const reappoint: Action<ReappointCommand> = {
  validate(d, cmd) {
    // A leader, once, no later than one working day before the due date (ApologyTooLate): the rules say so.
    d.allow('reappoint', cmd.actor);
    const dl = d.requireLedger();
    d.requireText(cmd.reason, 'reason');
    if ((cmd.appointmentAt === undefined) === (cmd.workingDaysAfterDue === undefined)) {
      d.invalid('Ghi ngày hẹn mới (appointmentAt) hoặc số ngày làm việc sau hạn (workingDaysAfterDue), chỉ một trong hai.');
    }
    if (cmd.workingDaysAfterDue !== undefined && !(Number.isInteger(cmd.workingDaysAfterDue) && cmd.workingDaysAfterDue >= 1 && cmd.workingDaysAfterDue <= 60)) {
      d.invalid('Số ngày làm việc sau hạn (workingDaysAfterDue) phải là số nguyên từ 1 đến 60.');
    }
    const dueAt = dl.schedule!.dueAt;
    if (cmd.appointmentAt !== undefined) {
      const at = Date.parse(cmd.appointmentAt);
      if (Number.isNaN(at) || !/(Z|[+-]\d{2}:\d{2})$/.test(cmd.appointmentAt)) d.invalid('Ngày hẹn mới (appointmentAt) phải là thời điểm theo ISO 8601, có múi giờ.');
      if (at <= Date.parse(dueAt) || at > Date.parse(dueAt) + 120 * 86_400_000) {
        d.refuse(`Ngày hẹn mới phải sau hạn giải quyết (${vnDocumentDateTime(dueAt)}) và trong vòng 120 ngày kể từ hạn đó.`, FAILURE_TYPES.invalidInput, 'AppointmentOutOfRange');
      }
    }
  },
  async run(d, cmd) {
    const dl = d.state.deadline!;
    const appointmentAt =
      cmd.appointmentAt ??
      (await d.look.addWorkingDays({ agencyEid: d.input.agencyEid, calendar: dl.calendar, from: dl.schedule!.dueAt, workingDays: cmd.workingDaysAfterDue! }));
    const entry: ClockEntry = { kind: 'reappointment', at: d.now(), appointmentAt, reason: cmd.reason, actorId: cmd.actor.userId };
    dl.ledger.push(entry);
    dl.reappointed = true;
    const r = await d.refreshDeadline();
    await d.transition({
      to: d.state.status,
      type: 'reappointed',
      by: { actor: cmd.actor, role: 'leader' },
      projection: { ...d.deadlineProjection(), apologyIssuedAt: entry.at },
      data: {
        reason: cmd.reason,
        previousAppointmentAt: dl.schedule!.dueAt,
        appointmentAt: r.schedule.appointmentAt,
        // A leg or consultation made the dossier late: that agency issues the apology (docs/domain.md §3.5).
        ...(d.state.route?.faultAgencyEid ? { issuedByAgencyEid: d.state.route.faultAgencyEid } : {}),
      },
      clock: [entry],
      notify: 'apology',
    });
    return d.view();
  },
};

/** An explicit, logged decision (calendar_recomputations) to date the dossier by a newer calendar. */
export const rebaseCalendar: Action<RebaseCalendarCommand> = {
  validate(d, cmd) {
    d.requireIdle([...PROCESSING, 'SUPPLEMENT_REQUESTED'], 'tính lại ngày hẹn theo lịch mới');
    d.requireRole(cmd.actor, 'admin', 'tính lại ngày hẹn theo lịch mới');
    const dl = d.state.deadline;
    if (!dl?.schedule || !dl.calendar || dl.stopped) {
      return d.refuse(`Hồ sơ ${d.code} không có thời hạn đang tính theo sổ thời gian, nên không tính lại ngày hẹn.`, FAILURE_TYPES.invalidState, 'NoClockLedger');
    }
    d.requireText(cmd.reason, 'reason');
    if (cmd.calendarCode !== dl.calendar.code || !Number.isInteger(cmd.calendarVersion) || cmd.calendarVersion <= dl.calendar.version) {
      d.refuse(
        `Hồ sơ ${d.code} đang tính theo lịch ${dl.calendar.code} phiên bản ${dl.calendar.version}; chỉ phiên bản mới hơn của lịch đó được thay thế.`,
        FAILURE_TYPES.invalidState,
        'CalendarVersionNotNewer',
      );
    }
  },
  async run(d, cmd) {
    const dl = d.state.deadline!;
    const before = dl.schedule!.dueAt;
    const entry: ClockEntry = { kind: 'rebase', at: d.now(), calendarCode: cmd.calendarCode, calendarVersion: cmd.calendarVersion, reason: cmd.reason, actorId: cmd.actor.userId };
    dl.ledger.push(entry);
    dl.calendar = { code: cmd.calendarCode, version: cmd.calendarVersion };
    const r = await d.refreshDeadline();
    await d.transition({
      to: d.state.status,
      type: 'calendar_rebased',
      by: { actor: cmd.actor, role: 'admin' },
      projection: { ...d.deadlineProjection(), calendarCode: cmd.calendarCode, calendarVersion: cmd.calendarVersion },
      data: { reason: cmd.reason, recomputationId: cmd.recomputationId, previousDueAt: before, dueAt: r.schedule.dueAt },
      clock: [entry],
    });
    return d.view();
  },
};
