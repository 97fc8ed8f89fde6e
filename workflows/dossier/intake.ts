import type { ClockEntry } from '../../domain/clock-ledger';
import type { AcceptIntakeCommand, IntakeSupplementCommand, RefuseIntakeCommand } from '../contracts/dossier-v1';
import { assignAfterIntake } from './assignment';
import { lookup } from './proxies';
import { APPLICANT, DEFAULT_SUPPLEMENT_WORKING_DAYS, ONE_STOP_UNIT, type Action } from './state';

/**
 * Tiếp nhận hồ sơ (docs/domain.md §3.1): the one-stop officer checks the dossier for completeness
 * and either receives it (the legal clock starts), asks once for everything missing, or refuses
 * it with reasons.
 */

export const acceptIntake: Action<AcceptIntakeCommand> = {
  validate(d, cmd) {
    d.requireIdle('SUBMITTED', 'accept the dossier at intake');
    d.requireRole(cmd.actor, 'one_stop_officer', 'accept the dossier at intake');
  },
  async run(d, cmd) {
    const { input, state } = d;
    // Tiếp nhận: the clock starts at the moment a complete, valid dossier is received.
    const receivedAt = d.now();
    let appointment: { appointmentAt: string; calendarCode: string; calendarVersion: number; explanation: string };
    let clock: ClockEntry[] | undefined;
    const dl = state.deadline;
    if (dl) {
      // The clock ledger starts here; every later date is derived from it.
      const r = await lookup.scheduleDeadline({
        agencyEid: input.agencyEid,
        procedureCode: input.procedureCode,
        ledger: [],
        receivedAt,
        calendar: null,
        escalationLevel: 0,
        policy: input.deadlinePolicy,
        asOf: receivedAt,
      });
      clock = [{ ...r.start!, actorId: cmd.actor.userId } as ClockEntry];
      dl.ledger = clock;
      dl.calendar = r.calendar;
      dl.clockPolicy = r.clockPolicy;
      dl.schedule = r.schedule;
      dl.version += 1;
      appointment = { appointmentAt: r.schedule.appointmentAt, calendarCode: r.calendar.code, calendarVersion: r.calendar.version, explanation: r.explanation.join(' ') };
    } else {
      appointment = await lookup.computeAppointment({ agencyEid: input.agencyEid, procedureCode: input.procedureCode, receivedAt });
    }
    state.receivedAt = receivedAt;
    state.appointmentAt = appointment.appointmentAt;
    await d.transition({
      to: 'RECEIVED',
      type: 'intake_accepted',
      by: { actor: cmd.actor, role: 'one_stop_officer' },
      projection: {
        receivedAt,
        appointmentAt: appointment.appointmentAt,
        calendarCode: appointment.calendarCode,
        calendarVersion: appointment.calendarVersion,
        receivedBy: cmd.actor.userId,
        ...(dl ? { dueAt: appointment.appointmentAt, deadlineState: d.deadlineStateNow() } : {}),
      },
      data: { note: cmd.note ?? null, explanation: appointment.explanation },
      handoff: { close: true },
      clock,
    });
    await d.notify('intake_accepted');
    await assignAfterIntake(d, cmd.actor);
    return d.view();
  },
};

/** Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Form 02): everything missing, once (ND 118 art. 11). */
export const requestIntakeSupplement: Action<IntakeSupplementCommand> = {
  validate(d, cmd) {
    d.requireIdle('SUBMITTED', 'request a supplement');
    d.requireRole(cmd.actor, 'one_stop_officer', 'request a supplement');
    d.requireTexts(cmd.items, 'items');
    d.requireDeadline(cmd);
    // ND 118 art. 11: everything missing is asked for once; after that, accept or refuse.
    if (d.state.intakeSupplements >= 1) {
      d.refuse(`a supplement was already requested for dossier ${d.code}; accept it or refuse it with reasons`);
    }
  },
  async run(d, cmd) {
    const { input, state } = d;
    const deadline =
      cmd.deadline ?? (await lookup.computeDeadline({ agencyEid: input.agencyEid, from: d.now(), workingDays: cmd.deadlineWorkingDays ?? DEFAULT_SUPPLEMENT_WORKING_DAYS }));
    state.intakeSupplements += 1;
    state.pending = { kind: 'supplement', items: cmd.items, deadline };
    await d.transition({
      to: 'SUPPLEMENT_AT_INTAKE',
      type: 'intake_supplement_requested',
      by: { actor: cmd.actor, role: 'one_stop_officer' },
      projection: { pendingAction: { ...state.pending, reason: cmd.reason ?? null } },
      data: { items: cmd.items, reason: cmd.reason ?? null, deadline },
      handoff: {
        close: true,
        open: { step: 'citizen_supplement', giverId: cmd.actor.userId, giverUnit: ONE_STOP_UNIT, receiverId: null, receiverUnit: APPLICANT, dueAt: deadline },
      },
    });
    await d.notify('supplement_requested');
    return d.view();
  },
};

/** Phiếu từ chối tiếp nhận (Form 03), with concrete reasons. */
export const refuseIntake: Action<RefuseIntakeCommand> = {
  validate(d, cmd) {
    d.requireIdle('SUBMITTED', 'refuse the dossier at intake');
    d.requireRole(cmd.actor, 'one_stop_officer', 'refuse the dossier at intake');
    d.requireTexts(cmd.reasons, 'reasons');
  },
  async run(d, cmd) {
    await d.transition({
      to: 'REFUSED_AT_INTAKE',
      type: 'intake_refused',
      by: { actor: cmd.actor, role: 'one_stop_officer' },
      projection: { closingReason: cmd.reasons.join('; '), pendingAction: null },
      data: { reasons: cmd.reasons },
      handoff: { close: true },
    });
    await d.notify('intake_refused');
    return d.view();
  },
};
