import type { AcceptedFacts, DeadlineLookup, ReceiptFacts } from '../../activities';
import { CLOCK_FROM_FEE_PENDING, fullSchedule, type ClockEntry } from '../../domain/clock-ledger';
import type { AcceptIntakeCommand, DossierView, IntakeSupplementCommand, RefuseIntakeCommand } from '../contracts/dossier-v1';
import { assignAfterIntake } from './assignment';
import { arrive, enterStep } from './route';
import { APPLICANT, DEFAULT_SUPPLEMENT_WORKING_DAYS, ONE_STOP_UNIT, type Action, type Dossier } from './state';

export { CLOCK_FROM_FEE_PENDING } from '../../domain/clock-ledger';

/**
 * Tiếp nhận hồ sơ (docs/domain.md §3.1): the one-stop officer checks the dossier for completeness
 * and either receives it (the legal clock starts), asks once for everything missing, or refuses
 * it with reasons.
 */

export const acceptIntake: Action<AcceptIntakeCommand> = {
  validate(d, cmd) {
    d.allow('acceptIntake', cmd.actor);
    // Thành phần hồ sơ: the service checked the checklist before this Update; a required item
    // not supplied travels here as a waiver, each with its reason (docs/domain.md §3.1).
    const waivers: unknown = cmd.waivers ?? [];
    if (!Array.isArray(waivers) || waivers.length > 50) d.invalid('Danh sách miễn thành phần hồ sơ (waivers) có tối đa 50 mục.');
    const seen = new Set<number>();
    for (const w of waivers as Array<{ item?: unknown; reason?: unknown }>) {
      const item = w?.item as number;
      if (typeof w?.item !== 'number' || !Number.isInteger(item) || item < 1) d.invalid('Mỗi mục miễn (waivers) ghi số thứ tự của thành phần hồ sơ (từ 1).');
      if (seen.has(item)) d.invalid(`Thành phần hồ sơ số ${item} được ghi miễn hai lần.`);
      seen.add(item);
      if (typeof w.reason !== 'string' || !w.reason.trim() || w.reason.length > 1000) d.invalid(`Việc miễn thành phần hồ sơ số ${item} cần ghi lý do miễn.`);
    }
    for (const w of cmd.documents?.waived ?? []) {
      if (!seen.has(w.item)) d.invalid(`Thành phần hồ sơ số ${w.item} được ghi là miễn nhưng không có mục miễn nào nêu lý do.`);
    }
  },
  async run(d, cmd) {
    const { input, state } = d;
    // Tiếp nhận: the clock starts at the moment a complete, valid dossier is received.
    const receivedAt = d.now();
    if (state.merged && state.deadline) {
      await acceptInOneWrite(d, cmd, receivedAt);
      return afterAcceptance(d, cmd);
    }
    // Quy trình nội bộ (issue 17): the version in force at receipt, kept to the end. Runs before
    // the patch never asked; on the default version the dossier runs exactly as before.
    // Lean path (patch small-markers-v1): the version and the started ledger in one look-up.
    let appointment: { appointmentAt: string | null; calendarCode: string; calendarVersion: number; explanation: string | null };
    let clock: ClockEntry[] | undefined;
    let awaitingFee = false;
    const dl = state.deadline;
    let lookup: DeadlineLookup | null = null;
    if (state.lean && dl) {
      const facts = await d.look.receiptFacts({
        dossierId: input.dossierId,
        agencyEid: input.agencyEid,
        procedureCode: input.procedureCode,
        receivedAt,
        ...(input.deadlinePolicy ? { policy: input.deadlinePolicy } : {}),
      });
      pinVersion(d, facts.pinned, receivedAt);
      lookup = facts.deadline;
    } else {
      if (d.since('internal-procedure-v1')) {
        pinVersion(d, await d.look.pinInternalProcedure({ dossierId: input.dossierId, procedureCode: input.procedureCode, agencyEid: input.agencyEid, at: receivedAt }), receivedAt);
      }
      if (dl) {
        // The clock ledger starts here; every later date is derived from it.
        lookup = await d.look.scheduleDeadline({
          agencyEid: input.agencyEid,
          procedureCode: input.procedureCode,
          ledger: [],
          receivedAt,
          calendar: null,
          escalationLevel: 0,
          policy: input.deadlinePolicy,
          asOf: receivedAt,
        });
      }
    }
    if (dl && lookup) {
      ({ appointment, clock, awaitingFee } = startClock(d, lookup, receivedAt, cmd.actor.userId));
    } else {
      appointment = await d.look.computeAppointment({ agencyEid: input.agencyEid, procedureCode: input.procedureCode, receivedAt });
    }
    state.receivedAt = receivedAt;
    state.appointmentAt = appointment.appointmentAt;
    await d.transition({
      to: 'RECEIVED',
      type: 'intake_accepted',
      by: { actor: cmd.actor, role: 'one_stop_officer' },
      projection: {
        receivedAt,
        ...(appointment.appointmentAt ? { appointmentAt: appointment.appointmentAt } : {}),
        calendarCode: appointment.calendarCode,
        calendarVersion: appointment.calendarVersion,
        receivedBy: cmd.actor.userId,
        ...(dl && appointment.appointmentAt ? { dueAt: appointment.appointmentAt, deadlineState: d.deadlineStateNow() } : {}),
        ...(awaitingFee ? { deadlineState: 'awaiting_fee' as const } : {}),
        ...(state.procedureVersion ? { procedureVersion: state.procedureVersion.version } : {}),
      },
      data: {
        note: cmd.note ?? null,
        ...(appointment.explanation !== null ? { explanation: appointment.explanation } : {}),
        ...(awaitingFee ? { clockFromFee: true } : {}),
        ...(cmd.documents ? { documents: cmd.documents } : {}),
      },
      handoff: { close: true },
      clock,
      notify: 'intake_accepted',
    });
    return afterAcceptance(d, cmd);
  },
};

/**
 * Received: that is the answer. The specialist's assignment (or a routed dossier's next step)
 * follows it on the fast path, the dossier busy until done; before, the Update waited for it.
 */
async function afterAcceptance(d: Dossier, cmd: AcceptIntakeCommand): Promise<DossierView> {
  const { state } = d;
  const route = state.route;
  if (route) {
    // A routed dossier goes to the version's second step (whatever it is) and does what it does.
    const giver = { id: cmd.actor.userId, unit: ONE_STOP_UNIT };
    await d.afterAnswer(async () => {
      const next = await enterStep(d, 1, giver);
      await d.transition({ ...next, type: 'step_entered', by: null, handoff: { open: next.handoff!.open }, data: { stepKey: route.procedure.steps[0]!.key, toStep: route.procedure.steps[1]!.key } });
      await arrive(d, giver);
    });
    return d.view();
  }
  await d.afterAnswer(() => assignAfterIntake(d, cmd.actor));
  return d.view();
}

/**
 * The clock started at receipt from the look-up (ND 297/2025 art. 6(2): where the limit counts
 * from the complete dossier and the fee paid, an unpaid fee leaves it unstarted until the payment,
 * fees.ts); what the acceptance's event says of it.
 */
function startClock(d: Dossier, r: DeadlineLookup, receivedAt: string, actorId: number) {
  const { state } = d;
  const dl = state.deadline!;
  const calendar = r.calendar!;
  const awaitingFee = r.clockFromFee === true && !state.fee.paid && d.since('clock-from-fee-v1');
  dl.calendar = calendar;
  dl.clockPolicy = r.clockPolicy!;
  if (awaitingFee) {
    const start = r.start as Extract<ClockEntry, { kind: 'start' }>;
    dl.awaitingFee = { receivedAt, limit: start.limit, actorId };
    dl.version += 1;
    return { awaitingFee, clock: undefined, appointment: { appointmentAt: null, calendarCode: calendar.code, calendarVersion: calendar.version, explanation: CLOCK_FROM_FEE_PENDING } };
  }
  const schedule = fullSchedule(r.schedule);
  const clock = [{ ...r.start!, actorId } as ClockEntry];
  dl.ledger = clock;
  dl.schedule = schedule;
  dl.version += 1;
  // The explanation when the look-up gave one (not on the lean path: GET …/deadline derives it from the ledger).
  return { awaitingFee, clock, appointment: { appointmentAt: schedule.appointmentAt, calendarCode: calendar.code, calendarVersion: calendar.version, explanation: r.explanation ? r.explanation.join(' ') : null } };
}

/**
 * Patch merged-records-v1: the look-up and the event in one local activity (acceptAndRecord),
 * which fills into the event what the facts decide (activities' acceptedEvent: the same fields
 * as the path above); the facts then go into the state as above.
 */
async function acceptInOneWrite(d: Dossier, cmd: AcceptIntakeCommand, receivedAt: string): Promise<void> {
  const { input, state } = d;
  await d.transition(
    {
      to: 'RECEIVED',
      type: 'intake_accepted',
      by: { actor: cmd.actor, role: 'one_stop_officer' },
      projection: { receivedAt, receivedBy: cmd.actor.userId },
      data: { note: cmd.note ?? null, ...(cmd.documents ? { documents: cmd.documents } : {}) },
      handoff: { close: true },
      notify: 'intake_accepted',
    },
    async (event) => {
      const facts = expandAccepted(
        await d.look.acceptAndRecord({
          receipt: { dossierId: input.dossierId, agencyEid: input.agencyEid, procedureCode: input.procedureCode, receivedAt, ...(input.deadlinePolicy ? { policy: input.deadlinePolicy } : {}) },
          event,
          feePaid: state.fee.paid,
        }),
        receivedAt,
      );
      pinVersion(d, facts.pinned, receivedAt);
      const { appointment } = startClock(d, facts.deadline, receivedAt, cmd.actor.userId);
      state.receivedAt = receivedAt;
      state.appointmentAt = appointment.appointmentAt;
    },
  );
}

/** The facts as receiptFacts answers them, from acceptAndRecord's compact answer (activities' AcceptedFacts). */
function expandAccepted(a: AcceptedFacts, receivedAt: string): ReceiptFacts {
  const { limit, clockPolicy, ...deadline } = a.deadline;
  return {
    pinned: 'isDefault' in a.pinned && a.pinned.isDefault === false ? a.pinned : { version: a.pinned.version, isDefault: true },
    deadline: { ...deadline, start: { kind: 'start', at: receivedAt, limit }, clockPolicy: clockPolicy ?? 'PAUSE' },
  };
}

/** The version pinned at receipt: by number on the default path, its steps in full when routed. */
function pinVersion(d: Dossier, pinned: ReceiptFacts['pinned'], receivedAt: string): void {
  const { state } = d;
  state.procedureVersion = { procedureCode: pinned.procedureCode ?? d.input.procedureCode, version: pinned.version, isDefault: pinned.isDefault };
  if (pinned.isDefault) {
    state.route = null;
    return;
  }
  state.route = { procedure: pinned, at: 0, enteredAt: receivedAt, dueAt: null, legs: [], started: {}, reports: [], faultAgencyEid: null };
}

/** Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Form 02): everything missing, once (ND 118 art. 11). */
export const requestIntakeSupplement: Action<IntakeSupplementCommand> = {
  validate(d, cmd) {
    // ND 118 art. 11: everything missing is asked for once; after that, accept or refuse (the rules say so).
    d.allow('requestIntakeSupplement', cmd.actor);
    d.requireTexts(cmd.items, 'items');
    d.requireDeadline(cmd);
  },
  async run(d, cmd) {
    const { input, state } = d;
    const deadline =
      cmd.deadline ?? (await d.look.computeDeadline({ agencyEid: input.agencyEid, from: d.now(), workingDays: cmd.deadlineWorkingDays ?? DEFAULT_SUPPLEMENT_WORKING_DAYS }));
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
      notify: 'supplement_requested',
    });
    return d.view();
  },
};

/** Phiếu từ chối tiếp nhận (Form 03), with concrete reasons. */
export const refuseIntake: Action<RefuseIntakeCommand> = {
  validate(d, cmd) {
    d.allow('refuseIntake', cmd.actor);
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
      notify: 'intake_refused',
    });
    return d.view();
  },
};
