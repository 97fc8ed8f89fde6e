import type { ClockEntry } from '../../domain/clock-ledger';
import { FAILURE_TYPES } from '../contracts/dossier-v1';
import type { ExtendDeadlineCommand, PauseClockCommand, RebaseCalendarCommand, ReappointCommand, ResumeClockCommand } from '../contracts/dossier-v1';
import { lookup } from './proxies';
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
    d.requireIdle(PROCESSING, 'extend the time limit');
    d.requireRole(cmd.actor, 'leader', 'extend the time limit');
    const dl = d.requireLedger('extend the time limit');
    const amounts = [cmd.workingDays, cmd.workingHours].filter((v) => v !== undefined);
    if (amounts.length !== 1) d.refuse('give either workingDays or workingHours', FAILURE_TYPES.invalidInput);
    const v = amounts[0];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (cmd.workingDays !== undefined && v > 60) || (cmd.workingHours !== undefined && v > 480)) {
      d.refuse('the extension must be more than 0 and at most 60 working days (480 working hours)', FAILURE_TYPES.invalidInput);
    }
    d.requireText(cmd.reason, 'reason');
    d.requireText(cmd.legalBasis, 'legalBasis (căn cứ pháp lý)');
    if (dl.schedule!.paused) d.refuse(`the clock of dossier ${d.code} is stopped; extend it once it runs again`);
    if (Date.now() >= Date.parse(dl.schedule!.dueAt)) {
      d.refuse(`dossier ${d.code} is already past its due date (${dl.schedule!.dueAt}); an extension must be granted before it, now only an apology with a new appointment is possible`);
    }
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
    d.requireIdle(['IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'], 'stop the clock');
    if (!cmd.actor.roles.includes('leader')) d.requireAssignee(cmd.actor, 'stop the clock');
    const dl = d.requireLedger('stop the clock');
    d.requireText(cmd.reason, 'reason');
    d.requireText(cmd.legalBasis, 'legalBasis (căn cứ pháp lý)');
    if (dl.schedule!.paused) d.refuse(`the clock of dossier ${d.code} is already stopped`);
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
    d.requireIdle(['IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'], 'restart the clock');
    if (!cmd.actor.roles.includes('leader')) d.requireAssignee(cmd.actor, 'restart the clock');
    d.requireLedger('restart the clock');
    if (d.pausedFor() !== 'clock_excluded') d.refuse(`the clock of dossier ${d.code} is not stopped for a clock-excluded step`);
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
    d.requireIdle([...PROCESSING, 'SUPPLEMENT_REQUESTED'], 'issue an apology with a new appointment');
    d.requireRole(cmd.actor, 'leader', 'issue an apology with a new appointment');
    const dl = d.requireLedger('issue an apology with a new appointment');
    if (dl.reappointed) d.refuse(`dossier ${d.code} was already re-appointed once; a second re-appointment is not allowed`);
    d.requireText(cmd.reason, 'reason');
    if ((cmd.appointmentAt === undefined) === (cmd.workingDaysAfterDue === undefined)) {
      d.refuse('give either appointmentAt or workingDaysAfterDue', FAILURE_TYPES.invalidInput);
    }
    if (cmd.workingDaysAfterDue !== undefined && !(Number.isInteger(cmd.workingDaysAfterDue) && cmd.workingDaysAfterDue >= 1 && cmd.workingDaysAfterDue <= 60)) {
      d.refuse('workingDaysAfterDue must be a whole number from 1 to 60', FAILURE_TYPES.invalidInput);
    }
    const dueAt = dl.schedule!.dueAt;
    if (cmd.appointmentAt !== undefined) {
      const at = Date.parse(cmd.appointmentAt);
      if (Number.isNaN(at) || !/(Z|[+-]\d{2}:\d{2})$/.test(cmd.appointmentAt)) d.refuse('appointmentAt must be an ISO 8601 date-time with its offset', FAILURE_TYPES.invalidInput);
      if (at <= Date.parse(dueAt) || at > Date.parse(dueAt) + 120 * 86_400_000) {
        d.refuse(`the new appointment must be after the due date ${dueAt} and within 120 days of it`, FAILURE_TYPES.invalidInput);
      }
    }
    if (dl.schedule!.apologyBy && Date.now() > Date.parse(dl.schedule!.apologyBy)) {
      d.refuse(`the apology had to be issued no later than one working day before the due date, by ${dl.schedule!.apologyBy}`);
    }
  },
  async run(d, cmd) {
    const dl = d.state.deadline!;
    const appointmentAt =
      cmd.appointmentAt ??
      (await lookup.addWorkingDays({ agencyEid: d.input.agencyEid, calendar: dl.calendar, from: dl.schedule!.dueAt, workingDays: cmd.workingDaysAfterDue! }));
    const entry: ClockEntry = { kind: 'reappointment', at: d.now(), appointmentAt, reason: cmd.reason, actorId: cmd.actor.userId };
    dl.ledger.push(entry);
    dl.reappointed = true;
    const r = await d.refreshDeadline();
    await d.transition({
      to: d.state.status,
      type: 'reappointed',
      by: { actor: cmd.actor, role: 'leader' },
      projection: { ...d.deadlineProjection(), apologyIssuedAt: entry.at },
      data: { reason: cmd.reason, previousAppointmentAt: dl.schedule!.dueAt, appointmentAt: r.schedule.appointmentAt },
      clock: [entry],
    });
    await d.notify('apology');
    return d.view();
  },
};

/** An explicit, logged decision (calendar_recomputations) to date the dossier by a newer calendar. */
export const rebaseCalendar: Action<RebaseCalendarCommand> = {
  validate(d, cmd) {
    d.requireIdle([...PROCESSING, 'SUPPLEMENT_REQUESTED'], 'recompute the dates');
    d.requireRole(cmd.actor, 'admin', 'recompute the dates');
    const dl = d.requireLedger('recompute the dates');
    d.requireText(cmd.reason, 'reason');
    if (cmd.calendarCode !== dl.calendar!.code || !Number.isInteger(cmd.calendarVersion) || cmd.calendarVersion <= dl.calendar!.version) {
      d.refuse(`dossier ${d.code} is dated by ${dl.calendar!.code} v${dl.calendar!.version}; only a newer version of that calendar can replace it`);
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
