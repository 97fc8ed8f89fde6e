import {
  ApplicationFailure,
  condition,
  allHandlersFinished,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { DossierActivities, HandoffOpening, ProjectionFields, ScheduledDeadline } from '../activities';
import type { ClockEntry, DeadlineSchedule } from '../domain/clock-ledger';
import type { NotificationJob } from '../activities/notifications';
import { AWAITING_SUPPLEMENT, canTransition, isTerminal, STOPPABLE, type DossierStatus } from '../domain/status';
import {
  FAILURE_TYPES,
  type Actor,
  type DeadlineView,
  type DossierView,
  type DossierWorkflowInput,
  type OfficerRole,
} from '../domain/types';
import {
  acceptIntakeUpdate,
  assignUpdate,
  cancelUpdate,
  claimUpdate,
  decideUpdate,
  dossierViewQuery,
  DossierStatusKey,
  handOverResultUpdate,
  proposeDecisionUpdate,
  recordPaymentUpdate,
  recordShipmentEventUpdate,
  recordVerificationUpdate,
  refuseIntakeUpdate,
  releaseUpdate,
  requestIntakeSupplementUpdate,
  requestSupplementUpdate,
  scheduleVerificationUpdate,
  submitSupplementUpdate,
  withdrawUpdate,
  extendDeadlineUpdate,
  pauseClockUpdate,
  resumeClockUpdate,
  reappointUpdate,
  rebaseCalendarUpdate,
} from './messages';

// Read-model writes must eventually succeed: a worker crash or a database blip only delays them.
const record = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

// Business look-ups: a wrong calendar or an agency without specialists will not fix itself by
// retrying (the activities throw those as non-retryable failures); a database that is restarting will.
const lookup = proxyActivities<DossierActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['CalendarCoverageError'] },
});

/** Citizen's supplement deadline when the officer names none: 15 working days (ND 297/2025 art. 5). */
const DEFAULT_SUPPLEMENT_WORKING_DAYS = 15;
const ONE_STOP_UNIT = 'Bộ phận Một cửa';
const POST_OFFICE = 'Bưu điện (dịch vụ bưu chính công ích)';
const LEADERS_UNIT = 'Lãnh đạo cơ quan';
const APPLICANT = 'Tổ chức, cá nhân nộp hồ sơ';

/** Everything a continued run needs; the same shape as the workflow's state. */
export type CarriedDossierState = {
  status: DossierStatus;
  seq: number;
  busy: boolean;
  receivedAt: string | null;
  appointmentAt: string | null;
  assignee: { userId: number; fullName: string } | null;
  resultNumber: string | null;
  pending: DossierView['pending'];
  intakeSupplements: number;
  processingSupplements: number;
  fee: { amountVnd: number; timing: string; paid: boolean; receiptCode: string | null; paymentId: string | null };
  shipment: { trackingNumber: string; status: string } | null;
  clockPausedAt: string | null;
  submissionRecorded: boolean;
  /** Absent for runs begun before the clock ledger (patch deadline-ledger-v1). */
  deadline?: DeadlineState | null;
};

/** The clock ledger and the timers derived from it (DOMAIN.md §3.4, §3.5). */
export type DeadlineState = {
  ledger: ClockEntry[];
  calendar: { code: string; version: number } | null;
  clockPolicy: 'PAUSE' | 'RESTART' | 'CONTINUE';
  schedule: DeadlineSchedule | null;
  escalationLevel: number;
  /** The appointment a warning was already sent for; the due date already marked overdue. */
  warnedFor: string | null;
  overdueFor: string | null;
  reappointed: boolean;
  /** The decision was made or the dossier stopped: no more timers. */
  stopped: boolean;
  /** Bumped on every change so that waiting timers re-arm. */
  version: number;
};

/** Statuses at which the legal clock stops: the end of processing for the on-time indicator. */
const CLOCK_STOPS: readonly DossierStatus[] = ['APPROVED', 'DENIED', 'WITHDRAWN', 'CANCELLED', 'CLOSED_UNSUPPLEMENTED'];
/** Statuses in which a leader may extend or re-appoint and a specialist may stop the clock. */
const PROCESSING: readonly DossierStatus[] = ['RECEIVED', 'IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'];

type Party = { actor: Actor; role: OfficerRole } | { officerId: number; role: OfficerRole } | { applicant: true } | null;

/**
 * One dossier (hồ sơ) from online submission to the result being handed back, or to
 * its refusal, closure, denial, withdrawal or stop.
 * Officer and citizen actions arrive as Updates: validators refuse stale or unauthorised
 * actions before anything is written to history, and a `busy` flag serialises actions
 * that wait on activities, so two officers deciding at once cannot both win.
 */
export async function dossierWorkflow(input: DossierWorkflowInput, carried?: CarriedDossierState): Promise<DossierView> {
  const fresh = {
    status: 'SUBMITTED' as DossierStatus,
    seq: 0,
    busy: false,
    receivedAt: null as string | null,
    appointmentAt: null as string | null,
    assignee: null as { userId: number; fullName: string } | null,
    resultNumber: null as string | null,
    pending: null as DossierView['pending'],
    intakeSupplements: 0,
    processingSupplements: 0,
    /** Fee for this procedure and channel; dossiers begun before fees were modelled owe nothing here. */
    fee: { amountVnd: 0, timing: 'none', paid: true, receiptCode: null as string | null, paymentId: null as string | null },
    shipment: null as { trackingNumber: string; status: string } | null,
    /** When the clock stopped for the citizen's supplement during processing. */
    clockPausedAt: null as string | null,
    /** The submission is in the event log; later events must not be projected before it. */
    submissionRecorded: false,
    deadline: null as DeadlineState | null,
  };
  // A continued run picks up exactly where the previous one stopped (nothing was in flight).
  const state: typeof fresh = carried ? { ...carried, busy: false, deadline: carried.deadline ?? null } : fresh;
  // Runs begun before the clock ledger keep their old behaviour (recorded histories replay).
  if (patched('deadline-ledger-v1') && !carried) {
    state.deadline = {
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

  /** Long dossiers start a fresh history before Temporal's limits, at a quiet moment. */
  const historyTooLong = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > (input.maxHistoryEvents ?? 10_000);
  };

  const view = (): DossierView => ({
    code: input.code,
    status: state.status,
    pending: state.pending,
    receivedAt: state.receivedAt,
    appointmentAt: state.appointmentAt,
    assignee: state.assignee,
    resultNumber: state.resultNumber,
    fee: { amountVnd: state.fee.amountVnd, timing: state.fee.timing, paid: state.fee.paid, receiptCode: state.fee.receiptCode },
    deadline: deadlineView(),
    lastSeq: state.seq,
  });

  function deadlineView(): DeadlineView | null {
    const d = state.deadline;
    if (!d?.schedule || !d.calendar) return null;
    return {
      dueAt: d.schedule.dueAt,
      appointmentAt: d.schedule.appointmentAt,
      paused: d.schedule.paused,
      state: deadlineStateNow(),
      warnAt: d.schedule.warnAt,
      nextEscalationAt: d.schedule.nextEscalationAt,
      apologyBy: d.schedule.apologyBy,
      escalationLevel: d.escalationLevel,
      reappointed: d.reappointed,
      calendar: d.calendar,
    };
  }

  /** Where the dossier stands against its deadline right now. */
  function deadlineStateNow(): DeadlineView['state'] {
    const d = state.deadline!;
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
  async function refreshDeadline(): Promise<ScheduledDeadline> {
    const d = state.deadline!;
    const r = await lookup.scheduleDeadline({
      agencyEid: input.agencyEid,
      procedureCode: input.procedureCode,
      ledger: d.ledger,
      calendar: d.calendar,
      escalationLevel: d.escalationLevel,
      policy: input.deadlinePolicy,
      asOf: now(),
    });
    d.schedule = r.schedule;
    d.version += 1;
    if (!r.schedule.paused) state.appointmentAt = r.schedule.appointmentAt;
    return r;
  }

  /** The read-model fields of the deadline; while paused the printed dates stay as they were. */
  function deadlineProjection(): ProjectionFields {
    const d = state.deadline!;
    const sch = d.schedule!;
    if (sch.paused) {
      const pause = [...d.ledger].reverse().find((e) => e.kind === 'pause');
      return { deadlineState: 'paused', clockPausedAt: pause?.at ?? null };
    }
    return { dueAt: sch.dueAt, appointmentAt: sch.appointmentAt, deadlineState: deadlineStateNow(), clockPausedAt: null, escalationLevel: d.escalationLevel };
  }

  const clockPaused = () => state.deadline?.schedule?.paused === true;
  const pausedFor = () => {
    const last = [...(state.deadline?.ledger ?? [])].reverse().find((e) => e.kind === 'pause' || e.kind === 'resume');
    return last?.kind === 'pause' ? last.cause : null;
  };

  const now = () => new Date().toISOString();

  async function transition(
    to: DossierStatus,
    type: string,
    by: Party,
    projection: ProjectionFields = {},
    data: Record<string, unknown> = {},
    handoff?: { close?: boolean; open?: HandoffOpening },
    extra: { clock?: ClockEntry[]; alert?: { kind: 'at_risk' | 'overdue' | 'escalation'; level: number; message: string } } = {},
  ): Promise<void> {
    const from = state.status;
    if (!canTransition(from, to)) {
      throw ApplicationFailure.nonRetryable(`transition ${from} → ${to} is not allowed`, FAILURE_TYPES.invalidState);
    }
    const d = state.deadline;
    if (d && d.schedule && !d.stopped && CLOCK_STOPS.includes(to)) {
      // Kết thúc xử lý: the decision or the stop ends the legal clock and its timers.
      d.stopped = true;
      d.version += 1;
      projection = { ...projection, deadlineState: 'stopped' };
    }
    state.status = to;
    state.seq += 1;
    if (to !== from) upsertSearchAttributes([{ key: DossierStatusKey, value: to }]);
    await record.recordDossierEvent({
      dossierId: input.dossierId,
      seq: state.seq,
      type,
      fromStatus: from,
      toStatus: to,
      actorId: by && 'actor' in by ? by.actor.userId : by && 'officerId' in by ? by.officerId : null,
      actorRole: by && 'role' in by ? by.role : by ? 'applicant' : null,
      occurredAt: now(),
      isPublic: true,
      data,
      projection: { ...projection, status: to },
      handoff,
      ...(extra.clock ? { clock: extra.clock } : {}),
      ...(extra.alert ? { alert: extra.alert } : {}),
    });
  }

  const notify = (template: NotificationJob['template']) =>
    record.notifyApplicant({ dossierId: input.dossierId, seq: state.seq, template });

  function refuse(message: string, type: string = FAILURE_TYPES.invalidState): never {
    throw ApplicationFailure.nonRetryable(message, type);
  }

  function requireIdle(expected: DossierStatus | readonly DossierStatus[], action: string): void {
    if (state.busy) refuse(`another action on dossier ${input.code} is in progress; reload and try again`);
    const allowed = typeof expected === 'string' ? [expected] : expected;
    if (!allowed.includes(state.status)) {
      refuse(`cannot ${action}: dossier ${input.code} is ${state.status}, not ${allowed.join(' or ')}`);
    }
  }

  function requireRole(actor: Actor, roles: OfficerRole | OfficerRole[], action: string): void {
    const needed = typeof roles === 'string' ? [roles] : roles;
    if (!needed.some((r) => actor.roles.includes(r))) {
      refuse(`${actor.username} cannot ${action}: the ${needed.join(' or ')} role in agency ${input.agencyEid} is required`, FAILURE_TYPES.forbidden);
    }
  }

  function requireTexts(values: unknown, field: string, max = 50): void {
    if (!Array.isArray(values) || values.length === 0 || values.length > max || values.some((v) => typeof v !== 'string' || !v.trim() || v.length > 1000)) {
      refuse(`${field} must list 1 to ${max} non-empty items`, FAILURE_TYPES.invalidInput);
    }
  }

  /** A named deadline must lie ahead, within a plausible span, and not together with a number of days. */
  function requireDeadline(cmd: { deadline?: string; deadlineWorkingDays?: number }): void {
    if (cmd.deadlineWorkingDays !== undefined && !(Number.isInteger(cmd.deadlineWorkingDays) && cmd.deadlineWorkingDays >= 1 && cmd.deadlineWorkingDays <= 60)) {
      refuse('deadlineWorkingDays must be a whole number from 1 to 60', FAILURE_TYPES.invalidInput);
    }
    if (cmd.deadline === undefined) return;
    if (cmd.deadlineWorkingDays !== undefined) refuse('give either deadline or deadlineWorkingDays, not both', FAILURE_TYPES.invalidInput);
    const at = Date.parse(cmd.deadline);
    if (Number.isNaN(at) || at <= Date.now() || at > Date.now() + 120 * 86_400_000) {
      refuse('deadline must be a date-time in the next 120 days', FAILURE_TYPES.invalidInput);
    }
  }

  function requireText(value: unknown, field: string): void {
    if (typeof value !== 'string' || !value.trim()) refuse(`${field} is required`, FAILURE_TYPES.invalidInput);
  }

  async function exclusively<T>(fn: () => Promise<T>): Promise<T> {
    state.busy = true;
    try {
      // An action arriving in the first instants waits for the submission to be logged.
      if (!state.submissionRecorded) await condition(() => state.submissionRecorded);
      return await fn();
    } finally {
      state.busy = false;
    }
  }

  // Handlers are registered before the first await so no early update is lost.
  setHandler(dossierViewQuery, view);

  setHandler(
    acceptIntakeUpdate,
    (cmd) =>
      exclusively(async () => {
        // Tiếp nhận: the clock starts at the moment a complete, valid dossier is received.
        const receivedAt = now();
        let appointment: { appointmentAt: string; calendarCode: string; calendarVersion: number; explanation: string };
        let clock: ClockEntry[] | undefined;
        const d = state.deadline;
        if (d) {
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
          d.ledger = clock;
          d.calendar = r.calendar;
          d.clockPolicy = r.clockPolicy;
          d.schedule = r.schedule;
          d.version += 1;
          appointment = { appointmentAt: r.schedule.appointmentAt, calendarCode: r.calendar.code, calendarVersion: r.calendar.version, explanation: r.explanation.join(' ') };
        } else {
          appointment = await lookup.computeAppointment({
            agencyEid: input.agencyEid,
            procedureCode: input.procedureCode,
            receivedAt,
          });
        }
        state.receivedAt = receivedAt;
        state.appointmentAt = appointment.appointmentAt;
        await transition(
          'RECEIVED',
          'intake_accepted',
          { actor: cmd.actor, role: 'one_stop_officer' },
          {
            receivedAt,
            appointmentAt: appointment.appointmentAt,
            calendarCode: appointment.calendarCode,
            calendarVersion: appointment.calendarVersion,
            receivedBy: cmd.actor.userId,
            ...(d ? { dueAt: appointment.appointmentAt, deadlineState: deadlineStateNow() } : {}),
          },
          { note: cmd.note ?? null, explanation: appointment.explanation },
          { close: true },
          { clock },
        );
        await notify('intake_accepted');
        let assignee: { userId: number; fullName: string };
        try {
          assignee = await lookup.assignSpecialist({ dossierId: input.dossierId, agencyEid: input.agencyEid });
        } catch (err) {
          // Received all the same: the dossier waits for a leader to assign it or a specialist to claim it.
          await transition('RECEIVED', 'assignment_pending', null, {}, { reason: (err as Error).message }, {
            open: { step: 'assignment', giverId: cmd.actor.userId, giverUnit: ONE_STOP_UNIT, receiverId: null, receiverUnit: LEADERS_UNIT, dueAt: state.appointmentAt },
          });
          return view();
        }
        state.assignee = assignee;
        await transition('IN_REVIEW', 'assigned', null, { assigneeId: assignee.userId }, { assignee }, {
          open: {
            step: 'review',
            giverId: cmd.actor.userId,
            giverUnit: ONE_STOP_UNIT,
            receiverId: assignee.userId,
            receiverUnit: assignee.fullName,
            dueAt: state.appointmentAt,
          },
        });
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('SUBMITTED', 'accept the dossier at intake');
        requireRole(cmd.actor, 'one_stop_officer', 'accept the dossier at intake');
      },
    },
  );

  const reviewHandoff = (giver: { id: number | null; unit: string }, to: { userId: number; fullName: string }): HandoffOpening => ({
    step: 'review',
    giverId: giver.id,
    giverUnit: giver.unit,
    receiverId: to.userId,
    receiverUnit: to.fullName,
    dueAt: state.appointmentAt,
  });

  setHandler(
    assignUpdate,
    (cmd) =>
      exclusively(async () => {
        // Phân công: a leader gives the dossier to a specialist, or moves it to another one.
        const previous = state.assignee;
        state.assignee = cmd.specialist;
        await transition(
          'IN_REVIEW',
          previous ? 'reassigned' : 'assigned',
          { actor: cmd.actor, role: 'leader' },
          { assigneeId: cmd.specialist.userId },
          { assignee: cmd.specialist, previous, note: cmd.note ?? null },
          { close: true, open: reviewHandoff({ id: cmd.actor.userId, unit: cmd.actor.fullName }, cmd.specialist) },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(['RECEIVED', 'IN_REVIEW'], 'assign the dossier');
        requireRole(cmd.actor, 'leader', 'assign the dossier');
        if (!Number.isInteger(cmd.specialist?.userId)) refuse('specialist is required', FAILURE_TYPES.invalidInput);
        if (state.assignee?.userId === cmd.specialist.userId) refuse(`dossier ${input.code} is already assigned to ${cmd.specialist.fullName}`);
      },
    },
  );

  setHandler(
    claimUpdate,
    (cmd) =>
      exclusively(async () => {
        state.assignee = { userId: cmd.actor.userId, fullName: cmd.actor.fullName };
        await transition(
          'IN_REVIEW',
          'claimed',
          { actor: cmd.actor, role: 'specialist' },
          { assigneeId: cmd.actor.userId },
          { note: cmd.note ?? null },
          { close: true, open: reviewHandoff({ id: null, unit: LEADERS_UNIT }, state.assignee) },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('RECEIVED', 'claim the dossier');
        requireRole(cmd.actor, 'specialist', 'claim the dossier');
      },
    },
  );

  setHandler(
    releaseUpdate,
    (cmd) =>
      exclusively(async () => {
        state.assignee = null;
        await transition(
          'RECEIVED',
          'released',
          { actor: cmd.actor, role: 'specialist' },
          { assigneeId: null },
          { note: cmd.note ?? null },
          { close: true, open: { step: 'assignment', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: LEADERS_UNIT, dueAt: state.appointmentAt } },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('IN_REVIEW', 'release the dossier');
        if (state.assignee?.userId !== cmd.actor.userId) refuse(`dossier ${input.code} is not assigned to ${cmd.actor.fullName}`);
      },
    },
  );

  setHandler(
    requestIntakeSupplementUpdate,
    (cmd) =>
      exclusively(async () => {
        const deadline = cmd.deadline ?? (await lookup.computeDeadline({
          agencyEid: input.agencyEid,
          from: now(),
          workingDays: cmd.deadlineWorkingDays ?? DEFAULT_SUPPLEMENT_WORKING_DAYS,
        }));
        state.intakeSupplements += 1;
        state.pending = { kind: 'supplement', items: cmd.items, deadline };
        await transition(
          'SUPPLEMENT_AT_INTAKE',
          'intake_supplement_requested',
          { actor: cmd.actor, role: 'one_stop_officer' },
          { pendingAction: { ...state.pending, reason: cmd.reason ?? null } },
          { items: cmd.items, reason: cmd.reason ?? null, deadline },
          {
            close: true,
            open: { step: 'citizen_supplement', giverId: cmd.actor.userId, giverUnit: ONE_STOP_UNIT, receiverId: null, receiverUnit: APPLICANT, dueAt: deadline },
          },
        );
        await notify('supplement_requested');
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('SUBMITTED', 'request a supplement');
        requireRole(cmd.actor, 'one_stop_officer', 'request a supplement');
        requireTexts(cmd.items, 'items');
        requireDeadline(cmd);
        // ND 118 art. 11: everything missing is asked for once; after that, accept or refuse.
        if (state.intakeSupplements >= 1) {
          refuse(`a supplement was already requested for dossier ${input.code}; accept it or refuse it with reasons`);
        }
      },
    },
  );

  setHandler(
    submitSupplementUpdate,
    (cmd) =>
      exclusively(async () => {
        state.pending = null;
        const applicant = { applicant: true } as const;
        const data = { documents: cmd.documents, note: cmd.note ?? null };
        if (state.status === 'SUPPLEMENT_AT_INTAKE') {
          // Back to the completeness check: the dossier is still not received, no clock.
          await transition('SUBMITTED', 'supplement_submitted', applicant, { pendingAction: null }, data, {
            close: true,
            open: { step: 'intake', giverId: null, giverUnit: APPLICANT, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: null },
          });
          return view();
        }
        const resumedAt = now();
        const pausedAt = state.clockPausedAt;
        const d = state.deadline;
        if (d) {
          // PAUSE: the citizen's time does not count; RESTART: the limit counts again in full.
          const entries: ClockEntry[] =
            d.clockPolicy === 'CONTINUE' ? [] : [{ kind: 'resume', at: resumedAt, restart: d.clockPolicy === 'RESTART', reason: 'Công dân đã bổ sung hồ sơ', actorId: null }];
          d.ledger.push(...entries);
          const r = await refreshDeadline();
          state.clockPausedAt = null;
          await transition(
            'IN_REVIEW',
            'supplement_submitted',
            applicant,
            { pendingAction: null, ...deadlineProjection() },
            { ...data, clock: { policy: d.clockPolicy, pausedAt, resumedAt, appointmentAt: r.schedule.appointmentAt, explanation: r.explanation.join(' ') } },
            { close: true, open: reviewHandoff({ id: null, unit: APPLICANT }, state.assignee!) },
            { clock: entries },
          );
          return view();
        }
        const clock = await lookup.resumeClock({
          agencyEid: input.agencyEid,
          procedureCode: input.procedureCode,
          appointmentAt: state.appointmentAt!,
          pausedAt: state.clockPausedAt!,
          resumedAt,
        });
        state.appointmentAt = clock.appointmentAt;
        state.clockPausedAt = null;
        await transition(
          'IN_REVIEW',
          'supplement_submitted',
          applicant,
          { pendingAction: null, appointmentAt: clock.appointmentAt },
          { ...data, clock: { ...clock, pausedAt, resumedAt } },
          { close: true, open: reviewHandoff({ id: null, unit: APPLICANT }, state.assignee!) },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(AWAITING_SUPPLEMENT, 'submit a supplement');
        if (!Array.isArray(cmd.documents) || cmd.documents.length === 0 || cmd.documents.some((d: { name?: unknown }) => typeof d?.name !== 'string' || !d.name.trim())) {
          refuse('documents must list at least one document with a name', FAILURE_TYPES.invalidInput);
        }
      },
    },
  );

  function requireAssignee(actor: Actor, action: string): void {
    requireRole(actor, 'specialist', action);
    if (state.assignee?.userId !== actor.userId) {
      refuse(`dossier ${input.code} is assigned to ${state.assignee?.fullName ?? 'nobody'}, not to ${actor.fullName}`);
    }
  }

  setHandler(
    requestSupplementUpdate,
    (cmd) =>
      exclusively(async () => {
        const requestedAt = now();
        const deadline = cmd.deadline ?? (await lookup.computeDeadline({
          agencyEid: input.agencyEid,
          from: requestedAt,
          workingDays: cmd.deadlineWorkingDays ?? DEFAULT_SUPPLEMENT_WORKING_DAYS,
        }));
        state.processingSupplements += 1;
        state.clockPausedAt = requestedAt;
        state.pending = { kind: 'supplement', items: cmd.items, deadline };
        const d = state.deadline;
        let clock: ClockEntry[] | undefined;
        let deadlineFields: ProjectionFields = {};
        if (d) {
          if (d.clockPolicy !== 'CONTINUE') {
            clock = [{ kind: 'pause', at: requestedAt, cause: 'citizen_supplement', reason: 'Chờ công dân bổ sung, hoàn thiện hồ sơ', basis: 'Nghị định 118/2025/NĐ-CP', actorId: cmd.actor.userId }];
            d.ledger.push(...clock);
            await refreshDeadline();
            deadlineFields = deadlineProjection();
          }
          deadlineFields = { ...deadlineFields, supplementRequests: state.processingSupplements };
        }
        await transition(
          'SUPPLEMENT_REQUESTED',
          'supplement_requested',
          { actor: cmd.actor, role: cmd.overrideReason ? 'leader' : 'specialist' },
          { pendingAction: { ...state.pending, reason: cmd.reason }, ...deadlineFields },
          { items: cmd.items, reason: cmd.reason, deadline, clockPausedAt: requestedAt, ...(cmd.overrideReason ? { overrideReason: cmd.overrideReason, requestNumber: state.processingSupplements } : {}) },
          {
            close: true,
            open: { step: 'citizen_supplement', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: APPLICANT, dueAt: deadline },
          },
          { clock },
        );
        await notify('supplement_requested');
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('IN_REVIEW', 'request a supplement');
        requireTexts(cmd.items, 'items');
        requireText(cmd.reason, 'reason');
        requireDeadline(cmd);
        // ND 118 art. 11 and the national on-time rule: one supplement request per dossier. A
        // leader may override it with a reason (DOMAIN.md §12); the dossier then counts late.
        if (cmd.overrideReason !== undefined) {
          requireRole(cmd.actor, 'leader', 'request a further supplement');
          requireText(cmd.overrideReason, 'overrideReason');
          if (state.processingSupplements === 0) refuse('no supplement was requested yet: the assigned specialist asks for the first one', FAILURE_TYPES.invalidInput);
        } else {
          requireAssignee(cmd.actor, 'request a supplement');
          if (state.processingSupplements >= 1) {
            refuse(`a supplement was already requested while processing dossier ${input.code}; only a leader can ask again, with a reason (overrideReason), and the dossier then counts as late`);
          }
        }
        if (clockPaused()) refuse(`the clock of dossier ${input.code} is stopped for a clock-excluded step; resume it before asking the citizen for a supplement`);
      },
    },
  );

  function requireVisit(visit: unknown): void {
    const v = visit as Partial<{ date: string; from: string; to: string; place: string; officers: string[] }> | undefined;
    if (!v || typeof v.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v.date)) refuse('visit.date must be YYYY-MM-DD', FAILURE_TYPES.invalidInput);
    if (typeof v.from !== 'string' || typeof v.to !== 'string' || !/^\d{2}:\d{2}$/.test(v.from) || !/^\d{2}:\d{2}$/.test(v.to) || v.from >= v.to) {
      refuse('visit.from and visit.to must be HH:MM with from before to', FAILURE_TYPES.invalidInput);
    }
    requireText(v.place, 'visit.place');
    requireTexts(v.officers, 'visit.officers', 10);
  }

  setHandler(
    scheduleVerificationUpdate,
    (cmd) =>
      exclusively(async () => {
        const rescheduled = state.status === 'SITE_VERIFICATION';
        state.pending = { kind: 'site_visit', visit: cmd.visit };
        await transition(
          'SITE_VERIFICATION',
          rescheduled ? 'site_visit_rescheduled' : 'site_visit_scheduled',
          { actor: cmd.actor, role: 'specialist' },
          { pendingAction: state.pending },
          { visit: cmd.visit, purpose: cmd.purpose },
          {
            close: true,
            open: {
              step: 'verification',
              giverId: cmd.actor.userId,
              giverUnit: cmd.actor.fullName,
              receiverId: null,
              receiverUnit: `Tổ xác minh: ${cmd.visit.officers.join(', ')}`,
              dueAt: `${cmd.visit.date}T${cmd.visit.to}:00+07:00`,
            },
          },
        );
        await notify('site_visit_scheduled');
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(['IN_REVIEW', 'SITE_VERIFICATION'], 'schedule a site visit');
        requireAssignee(cmd.actor, 'schedule a site visit');
        requireVisit(cmd.visit);
        requireText(cmd.purpose, 'purpose');
      },
    },
  );

  setHandler(
    recordVerificationUpdate,
    (cmd) =>
      exclusively(async () => {
        const specialist = { actor: cmd.actor, role: 'specialist' as const };
        const data = { outcome: cmd.outcome, findings: cmd.findings, attachments: cmd.attachments, visit: state.pending };
        if (cmd.outcome === 'missed') {
          // Nobody could be met: the visit is to be rescheduled; the dossier stays in verification.
          await transition('SITE_VERIFICATION', 'site_visit_missed', specialist, {}, data);
          return view();
        }
        state.pending = null;
        await transition('IN_REVIEW', 'site_verified', specialist, { pendingAction: null }, data, {
          close: true,
          open: reviewHandoff({ id: null, unit: 'Tổ xác minh' }, state.assignee!),
        });
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('SITE_VERIFICATION', 'record the site visit');
        requireAssignee(cmd.actor, 'record the site visit');
        if (!['confirmed', 'discrepancies', 'missed'].includes(cmd.outcome)) refuse(`unknown outcome "${String(cmd.outcome)}"`, FAILURE_TYPES.invalidInput);
        requireText(cmd.findings, 'findings');
        if (!Array.isArray(cmd.attachments) || cmd.attachments.some((a: { name?: unknown; fileId?: unknown }) => typeof a?.name !== 'string' || typeof a?.fileId !== 'string')) {
          refuse('attachments must be a list of { name, fileId }', FAILURE_TYPES.invalidInput);
        }
        if (cmd.outcome !== 'missed' && cmd.attachments.length === 0) refuse('the minutes (biên bản) must be attached', FAILURE_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    refuseIntakeUpdate,
    (cmd) =>
      exclusively(async () => {
        await transition(
          'REFUSED_AT_INTAKE',
          'intake_refused',
          { actor: cmd.actor, role: 'one_stop_officer' },
          { closingReason: cmd.reasons.join('; '), pendingAction: null },
          { reasons: cmd.reasons },
          { close: true },
        );
        await notify('intake_refused');
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('SUBMITTED', 'refuse the dossier at intake');
        requireRole(cmd.actor, 'one_stop_officer', 'refuse the dossier at intake');
        requireTexts(cmd.reasons, 'reasons');
      },
    },
  );

  setHandler(
    proposeDecisionUpdate,
    (cmd) =>
      exclusively(async () => {
        await transition(
          'AWAITING_DECISION',
          cmd.proposal === 'approve' ? 'approval_proposed' : 'denial_proposed',
          { actor: cmd.actor, role: 'specialist' },
          {},
          { proposal: cmd.proposal, reasons: cmd.reasons ?? null, note: cmd.note ?? null },
          {
            close: true,
            open: { step: 'decision', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: LEADERS_UNIT, dueAt: state.appointmentAt },
          },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('IN_REVIEW', 'propose a decision');
        requireRole(cmd.actor, 'specialist', 'propose a decision');
        if (state.assignee?.userId !== cmd.actor.userId) {
          refuse(`dossier ${input.code} is assigned to ${state.assignee?.fullName ?? 'nobody'}, not to ${cmd.actor.fullName}`);
        }
        if (cmd.proposal !== 'approve' && cmd.proposal !== 'deny') refuse(`unknown proposal "${String(cmd.proposal)}"`, FAILURE_TYPES.invalidInput);
        if (cmd.proposal === 'deny') requireTexts(cmd.reasons, 'reasons');
        if (!state.fee.paid && (state.fee.timing === 'at_submission' || state.fee.timing === 'before_processing')) {
          refuse(`the fee of ${state.fee.amountVnd} VND for dossier ${input.code} must be paid before it is processed further`);
        }
      },
    },
  );

  setHandler(
    decideUpdate,
    (cmd) =>
      exclusively(async () => {
        const leader = { actor: cmd.actor, role: 'leader' as const };
        if (cmd.decision === 'return') {
          await transition('IN_REVIEW', 'returned_to_specialist', leader, {}, { note: cmd.note ?? null }, {
            close: true,
            open: { step: 'review', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: state.assignee?.userId ?? null, receiverUnit: state.assignee?.fullName ?? LEADERS_UNIT, dueAt: state.appointmentAt },
          });
          return view();
        }
        const decidedAt = now();
        const result = await record.issueResult({
          dossierId: input.dossierId,
          agencyEid: input.agencyEid,
          procedureCode: input.procedureCode,
          signerId: cmd.actor.userId,
          issuedAt: decidedAt,
          ...(cmd.decision === 'deny' ? { kind: 'denial_notice' as const } : {}),
        });
        state.resultNumber = result.number;
        if (cmd.decision === 'deny') {
          await transition(
            'DENIED',
            'denied',
            leader,
            { decidedBy: cmd.actor.userId, decidedAt, resultNumber: result.number, closingReason: cmd.reasons!.join('; ') },
            { decision: 'deny', reasons: cmd.reasons, note: cmd.note ?? null, noticeNumber: result.number },
            { close: true },
          );
          await notify('denied');
          return view();
        }
        await transition(
          'APPROVED',
          'approved',
          leader,
          { decidedBy: cmd.actor.userId, decidedAt, resultNumber: result.number },
          { decision: cmd.decision, note: cmd.note ?? null, resultNumber: result.number },
          { close: true, open: { step: 'result', giverId: cmd.actor.userId, giverUnit: cmd.actor.fullName, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: state.appointmentAt } },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('AWAITING_DECISION', 'decide');
        requireRole(cmd.actor, 'leader', 'decide');
        if (!['approve', 'deny', 'return'].includes(cmd.decision)) refuse(`unknown decision "${String(cmd.decision)}"`, FAILURE_TYPES.invalidInput);
        if (cmd.decision === 'deny') requireTexts(cmd.reasons, 'reasons');
        if (cmd.decision === 'return') requireText(cmd.note, 'note (the comments for the specialist)');
      },
    },
  );

  setHandler(
    handOverResultUpdate,
    (cmd) =>
      exclusively(async () => {
        await transition(
          'RESULT_DELIVERED',
          'result_handed_over',
          { actor: cmd.actor, role: 'one_stop_officer' },
          { resultDeliveredAt: now() },
          { deliveryMethod: input.deliveryMethod, receivedBy: cmd.receivedBy, note: cmd.note ?? null },
          { close: true },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(['APPROVED', 'RESULT_RETURNED'], 'hand over the result');
        requireRole(cmd.actor, 'one_stop_officer', 'hand over the result');
        if (state.status === 'APPROVED' && state.shipment) refuse(`the result of dossier ${input.code} is with the post (${state.shipment.trackingNumber})`);
        if (input.deliveryMethod === 'online') {
          refuse(`dossier ${input.code} receives its result online; nothing is handed over at the counter`);
        }
        requireText(cmd.receivedBy, 'receivedBy');
        if (!state.fee.paid) refuse(`the fee of ${state.fee.amountVnd} VND for dossier ${input.code} is unpaid: no result is handed over before it is paid`);
      },
    },
  );

  setHandler(
    recordPaymentUpdate,
    (cmd) =>
      exclusively(async () => {
        // Already told of this very payment (a redelivered callback, a reconciler pass): nothing to do.
        if (state.fee.paymentId === cmd.paymentId) return view();
        state.fee = { ...state.fee, paid: true, receiptCode: cmd.receiptCode, paymentId: cmd.paymentId };
        await transition(
          state.status,
          'fee_paid',
          cmd.recordedBy ? { officerId: cmd.recordedBy, role: 'one_stop_officer' } : { applicant: true },
          { feeStatus: 'paid' },
          { paymentId: cmd.paymentId, amountVnd: cmd.amountVnd, method: cmd.method, receiptCode: cmd.receiptCode, paidAt: cmd.paidAt },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        if (state.fee.paymentId === cmd.paymentId) return;
        if (state.busy) refuse(`another action on dossier ${input.code} is in progress; retry`);
        if (isTerminal(state.status)) refuse(`dossier ${input.code} has ended (${state.status}); the payment must be refunded, not recorded`);
        if (state.fee.amountVnd === 0) refuse(`no fee is due for dossier ${input.code}`);
        if (state.fee.paid) refuse(`the fee for dossier ${input.code} is already paid (receipt ${state.fee.receiptCode})`);
        if (cmd.amountVnd !== state.fee.amountVnd) refuse(`the fee due is ${state.fee.amountVnd} VND, not ${cmd.amountVnd} VND`, FAILURE_TYPES.invalidInput);
      },
    },
  );

  setHandler(
    recordShipmentEventUpdate,
    (cmd) =>
      exclusively(async () => {
        state.shipment = { trackingNumber: cmd.trackingNumber, status: cmd.status };
        const data = { trackingNumber: cmd.trackingNumber, status: cmd.status, occurredAt: cmd.occurredAt, receivedBy: cmd.receivedBy ?? null, returnReason: cmd.returnReason ?? null };
        if (cmd.status === 'delivered') {
          await transition('RESULT_DELIVERED', 'result_delivered_by_post', null, { resultDeliveredAt: cmd.occurredAt }, data, { close: true });
        } else if (cmd.status === 'returned') {
          // Chuyển hoàn: the result comes back to the counter, where the citizen collects it.
          await transition('RESULT_RETURNED', 'result_returned_by_post', null, {}, data, {
            close: true,
            open: { step: 'result', giverId: null, giverUnit: POST_OFFICE, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: null },
          });
        } else {
          await transition(state.status, `postal_${cmd.status}`, null, {}, data);
        }
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle('RESULT_IN_TRANSIT', 'record a postal event');
        if (cmd.trackingNumber !== state.shipment?.trackingNumber) refuse(`dossier ${input.code} was not sent as ${cmd.trackingNumber}`);
        if (!['accepted', 'in_transit', 'out_for_delivery', 'delivered', 'returned', 'cancelled'].includes(cmd.status)) {
          refuse(`unknown postal status "${String(cmd.status)}"`, FAILURE_TYPES.invalidInput);
        }
      },
    },
  );

  /** Thông báo dừng giải quyết hồ sơ (TT 03/2025 art. 7, Form 05): numbered, on record (patched: older runs had none). */
  async function stopNotice(signerId: number | null): Promise<string | null> {
    if (!patched('stop-notice-v1')) return null;
    const notice = await record.issueResult({
      dossierId: input.dossierId,
      agencyEid: input.agencyEid,
      procedureCode: input.procedureCode,
      signerId,
      issuedAt: now(),
      kind: 'stop_notice',
    });
    state.resultNumber = notice.number;
    return notice.number;
  }

  setHandler(
    withdrawUpdate,
    (cmd) =>
      exclusively(async () => {
        // The citizen's own request, before any decision.
        state.pending = null;
        const notice = await stopNotice(null);
        await transition(
          'WITHDRAWN',
          'withdrawn',
          { applicant: true },
          { closingReason: cmd.reason, pendingAction: null, ...(notice ? { resultNumber: notice } : {}) },
          { reason: cmd.reason, noticeNumber: notice },
          { close: true },
        );
        await notify('withdrawn');
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(STOPPABLE, 'withdraw the dossier');
        requireText(cmd.reason, 'reason');
      },
    },
  );

  setHandler(
    cancelUpdate,
    (cmd) =>
      exclusively(async () => {
        state.pending = null;
        const role = cmd.actor.roles.includes('leader') ? 'leader' : 'one_stop_officer';
        const notice = await stopNotice(cmd.actor.userId);
        await transition(
          'CANCELLED',
          'cancelled',
          { actor: cmd.actor, role },
          { closingReason: cmd.reason, pendingAction: null, ...(notice ? { resultNumber: notice } : {}) },
          { reason: cmd.reason, noticeNumber: notice },
          { close: true },
        );
        await notify('cancelled');
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(STOPPABLE, 'stop the dossier');
        requireRole(cmd.actor, ['leader', 'one_stop_officer'], 'stop the dossier');
        requireText(cmd.reason, 'reason');
      },
    },
  );

  /** Deadline actions need the ledger: dossiers begun before it, or not yet received, have none. */
  function requireLedger(action: string): DeadlineState {
    const d = state.deadline;
    if (!d) refuse(`cannot ${action}: dossier ${input.code} began before the clock ledger existed; its dates are as printed`);
    if (!d.schedule) refuse(`cannot ${action}: dossier ${input.code} has not been received yet, so no time limit runs`);
    if (d.stopped) refuse(`cannot ${action}: the time limit of dossier ${input.code} stopped at the decision`);
    return d;
  }

  setHandler(
    extendDeadlineUpdate,
    (cmd) =>
      exclusively(async () => {
        // Gia hạn: more working time on a legal basis; the due date moves, never edited by hand.
        const d = state.deadline!;
        const entry: ClockEntry = {
          kind: 'extension',
          at: now(),
          ...(cmd.workingDays !== undefined ? { workingDays: cmd.workingDays } : {}),
          ...(cmd.workingHours !== undefined ? { workingHours: cmd.workingHours } : {}),
          reason: cmd.reason,
          basis: cmd.legalBasis,
          actorId: cmd.actor.userId,
        };
        d.ledger.push(entry);
        const r = await refreshDeadline();
        await transition(state.status, 'deadline_extended', { actor: cmd.actor, role: 'leader' }, deadlineProjection(), {
          workingDays: cmd.workingDays ?? null,
          workingHours: cmd.workingHours ?? null,
          reason: cmd.reason,
          legalBasis: cmd.legalBasis,
          dueAt: r.schedule.dueAt,
        }, undefined, { clock: [entry] });
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(PROCESSING, 'extend the time limit');
        requireRole(cmd.actor, 'leader', 'extend the time limit');
        const d = requireLedger('extend the time limit');
        const amounts = [cmd.workingDays, cmd.workingHours].filter((v) => v !== undefined);
        if (amounts.length !== 1) refuse('give either workingDays or workingHours', FAILURE_TYPES.invalidInput);
        const v = amounts[0];
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (cmd.workingDays !== undefined && v > 60) || (cmd.workingHours !== undefined && v > 480)) {
          refuse('the extension must be more than 0 and at most 60 working days (480 working hours)', FAILURE_TYPES.invalidInput);
        }
        requireText(cmd.reason, 'reason');
        requireText(cmd.legalBasis, 'legalBasis (căn cứ pháp lý)');
        if (d.schedule!.paused) refuse(`the clock of dossier ${input.code} is stopped; extend it once it runs again`);
        if (Date.now() >= Date.parse(d.schedule!.dueAt)) {
          refuse(`dossier ${input.code} is already past its due date (${d.schedule!.dueAt}); an extension must be granted before it, now only an apology with a new appointment is possible`);
        }
      },
    },
  );

  setHandler(
    pauseClockUpdate,
    (cmd) =>
      exclusively(async () => {
        const d = state.deadline!;
        const entry: ClockEntry = { kind: 'pause', at: now(), cause: 'clock_excluded', reason: cmd.reason, basis: cmd.legalBasis, actorId: cmd.actor.userId };
        d.ledger.push(entry);
        await refreshDeadline();
        const role = cmd.actor.roles.includes('specialist') ? 'specialist' : 'leader';
        await transition(state.status, 'clock_paused', { actor: cmd.actor, role }, deadlineProjection(), { reason: cmd.reason, legalBasis: cmd.legalBasis }, undefined, { clock: [entry] });
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(['IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'], 'stop the clock');
        if (!cmd.actor.roles.includes('leader')) requireAssignee(cmd.actor, 'stop the clock');
        const d = requireLedger('stop the clock');
        requireText(cmd.reason, 'reason');
        requireText(cmd.legalBasis, 'legalBasis (căn cứ pháp lý)');
        if (d.schedule!.paused) refuse(`the clock of dossier ${input.code} is already stopped`);
      },
    },
  );

  setHandler(
    resumeClockUpdate,
    (cmd) =>
      exclusively(async () => {
        const d = state.deadline!;
        const entry: ClockEntry = { kind: 'resume', at: now(), reason: cmd.note ?? null, actorId: cmd.actor.userId };
        d.ledger.push(entry);
        const r = await refreshDeadline();
        const role = cmd.actor.roles.includes('specialist') ? 'specialist' : 'leader';
        await transition(state.status, 'clock_resumed', { actor: cmd.actor, role }, deadlineProjection(), { note: cmd.note ?? null, dueAt: r.schedule.dueAt }, undefined, { clock: [entry] });
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle(['IN_REVIEW', 'SITE_VERIFICATION', 'AWAITING_DECISION'], 'restart the clock');
        if (!cmd.actor.roles.includes('leader')) requireAssignee(cmd.actor, 'restart the clock');
        requireLedger('restart the clock');
        if (pausedFor() !== 'clock_excluded') refuse(`the clock of dossier ${input.code} is not stopped for a clock-excluded step`);
      },
    },
  );

  setHandler(
    reappointUpdate,
    (cmd) =>
      exclusively(async () => {
        // Thư xin lỗi và hẹn lại ngày trả kết quả (Form 04): the citizen's new date; statistics keep the old one.
        const d = state.deadline!;
        const appointmentAt =
          cmd.appointmentAt ??
          (await lookup.addWorkingDays({ agencyEid: input.agencyEid, calendar: d.calendar, from: d.schedule!.dueAt, workingDays: cmd.workingDaysAfterDue! }));
        const entry: ClockEntry = { kind: 'reappointment', at: now(), appointmentAt, reason: cmd.reason, actorId: cmd.actor.userId };
        d.ledger.push(entry);
        d.reappointed = true;
        const r = await refreshDeadline();
        await transition(
          state.status,
          'reappointed',
          { actor: cmd.actor, role: 'leader' },
          { ...deadlineProjection(), apologyIssuedAt: entry.at },
          { reason: cmd.reason, previousAppointmentAt: d.schedule!.dueAt, appointmentAt: r.schedule.appointmentAt },
          undefined,
          { clock: [entry] },
        );
        await notify('apology');
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle([...PROCESSING, 'SUPPLEMENT_REQUESTED'], 'issue an apology with a new appointment');
        requireRole(cmd.actor, 'leader', 'issue an apology with a new appointment');
        const d = requireLedger('issue an apology with a new appointment');
        if (d.reappointed) refuse(`dossier ${input.code} was already re-appointed once; a second re-appointment is not allowed`);
        requireText(cmd.reason, 'reason');
        if ((cmd.appointmentAt === undefined) === (cmd.workingDaysAfterDue === undefined)) {
          refuse('give either appointmentAt or workingDaysAfterDue', FAILURE_TYPES.invalidInput);
        }
        if (cmd.workingDaysAfterDue !== undefined && !(Number.isInteger(cmd.workingDaysAfterDue) && cmd.workingDaysAfterDue >= 1 && cmd.workingDaysAfterDue <= 60)) {
          refuse('workingDaysAfterDue must be a whole number from 1 to 60', FAILURE_TYPES.invalidInput);
        }
        if (cmd.appointmentAt !== undefined) {
          const at = Date.parse(cmd.appointmentAt);
          if (Number.isNaN(at) || !/(Z|[+-]\d{2}:\d{2})$/.test(cmd.appointmentAt)) refuse('appointmentAt must be an ISO 8601 date-time with its offset', FAILURE_TYPES.invalidInput);
          if (at <= Date.parse(d.schedule!.dueAt) || at > Date.parse(d.schedule!.dueAt) + 120 * 86_400_000) {
            refuse(`the new appointment must be after the due date ${d.schedule!.dueAt} and within 120 days of it`, FAILURE_TYPES.invalidInput);
          }
        }
        if (d.schedule!.apologyBy && Date.now() > Date.parse(d.schedule!.apologyBy)) {
          refuse(`the apology had to be issued no later than one working day before the due date, by ${d.schedule!.apologyBy}`);
        }
      },
    },
  );

  setHandler(
    rebaseCalendarUpdate,
    (cmd) =>
      exclusively(async () => {
        // An explicit, logged decision (calendar_recomputations) to date the dossier by a newer calendar.
        const d = state.deadline!;
        const before = d.schedule!.dueAt;
        const entry: ClockEntry = { kind: 'rebase', at: now(), calendarCode: cmd.calendarCode, calendarVersion: cmd.calendarVersion, reason: cmd.reason, actorId: cmd.actor.userId };
        d.ledger.push(entry);
        d.calendar = { code: cmd.calendarCode, version: cmd.calendarVersion };
        const r = await refreshDeadline();
        await transition(
          state.status,
          'calendar_rebased',
          { actor: cmd.actor, role: 'admin' },
          { ...deadlineProjection(), calendarCode: cmd.calendarCode, calendarVersion: cmd.calendarVersion },
          { reason: cmd.reason, recomputationId: cmd.recomputationId, previousDueAt: before, dueAt: r.schedule.dueAt },
          undefined,
          { clock: [entry] },
        );
        return view();
      }),
    {
      validator: (cmd) => {
        requireIdle([...PROCESSING, 'SUPPLEMENT_REQUESTED'], 'recompute the dates');
        requireRole(cmd.actor, 'admin', 'recompute the dates');
        const d = requireLedger('recompute the dates');
        requireText(cmd.reason, 'reason');
        if (cmd.calendarCode !== d.calendar!.code || !Number.isInteger(cmd.calendarVersion) || cmd.calendarVersion <= d.calendar!.version) {
          refuse(`dossier ${input.code} is dated by ${d.calendar!.code} v${d.calendar!.version}; only a newer version of that calendar can replace it`);
        }
      },
    },
  );

  /**
   * Warns before the appointment, marks the dossier overdue at the due date and escalates
   * again after every interval, each written to the history and sent to the assignee and
   * the agency's supervisors. Timers re-arm whenever the ledger changes.
   */
  async function watchDeadline(d: DeadlineState): Promise<void> {
    for (;;) {
      await condition(() => d.stopped || (d.schedule !== null && state.submissionRecorded));
      if (d.stopped) return;
      const version = d.version;
      const next = nextDeadlineAction(d);
      if (!next) {
        await condition(() => d.stopped || d.version !== version);
        continue;
      }
      const wait = Date.parse(next.at) - Date.now();
      if (wait > 0) {
        await condition(() => d.stopped || d.version !== version, wait);
        continue;
      }
      await condition(() => !state.busy);
      if (d.stopped || d.version !== version) continue;
      state.busy = true;
      try {
        await fireDeadlineAction(d, next.kind);
      } finally {
        state.busy = false;
      }
    }
  }

  function nextDeadlineAction(d: DeadlineState): { kind: 'warn' | 'overdue' | 'escalate'; at: string } | null {
    const sch = d.schedule;
    if (!sch || sch.paused) return null;
    const candidates: Array<{ kind: 'warn' | 'overdue' | 'escalate'; at: string }> = [];
    if (sch.warnAt && d.warnedFor !== sch.appointmentAt && Date.now() < Date.parse(sch.appointmentAt)) candidates.push({ kind: 'warn', at: sch.warnAt });
    if (sch.overdueAt && d.overdueFor !== sch.dueAt) candidates.push({ kind: 'overdue', at: sch.overdueAt });
    if (sch.nextEscalationAt) candidates.push({ kind: 'escalate', at: sch.nextEscalationAt });
    candidates.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    return candidates[0] ?? null;
  }

  async function fireDeadlineAction(d: DeadlineState, kind: 'warn' | 'overdue' | 'escalate'): Promise<void> {
    const sch = d.schedule!;
    const due = { dueAt: sch.dueAt, appointmentAt: sch.appointmentAt };
    if (kind === 'warn') {
      d.warnedFor = sch.appointmentAt;
      d.version += 1;
      await transition(state.status, 'deadline_at_risk', null, { deadlineState: deadlineStateNow() }, due, undefined, {
        alert: { kind: 'at_risk', level: 0, message: `Hồ sơ ${input.code} sắp đến hạn trả kết quả (${sch.appointmentAt}).` },
      });
    } else if (kind === 'overdue') {
      d.overdueFor = sch.dueAt;
      d.version += 1;
      await transition(state.status, 'deadline_overdue', null, { deadlineState: 'overdue' }, { ...due, reappointed: d.reappointed }, undefined, {
        alert: { kind: 'overdue', level: 0, message: `Hồ sơ ${input.code} đã quá hạn giải quyết (${sch.dueAt}).` },
      });
    } else {
      d.escalationLevel += 1;
      await refreshDeadline();
      await transition(state.status, 'deadline_escalated', null, { deadlineState: 'overdue', escalationLevel: d.escalationLevel }, { ...due, level: d.escalationLevel }, undefined, {
        alert: { kind: 'escalation', level: d.escalationLevel, message: `Hồ sơ ${input.code} quá hạn, nhắc lần ${d.escalationLevel} (hẹn trả ${sch.appointmentAt}).` },
      });
    }
  }

  // Started before any await so that it is part of every run; it ends when the clock stops.
  if (state.deadline) void watchDeadline(state.deadline);

  // The fee is fixed by the procedure and channel at submission (patched: older dossiers have none).
  if (!carried && patched('fees-v1')) {
    const due = await lookup.feeDue({ dossierId: input.dossierId });
    state.fee = { amountVnd: due.amountVnd, timing: due.timing, paid: due.amountVnd === 0, receiptCode: null, paymentId: null };
  }

  // Nộp hồ sơ: the submission itself is the first event of the dossier's history; actions
  // wait until it is written so that no later event is projected before it.
  if (!carried) await recordSubmission();

  async function recordSubmission(): Promise<void> {
  state.seq += 1;
  upsertSearchAttributes([{ key: DossierStatusKey, value: state.status }]);
  await record.recordDossierEvent({
    dossierId: input.dossierId,
    seq: state.seq,
    type: 'submitted',
    fromStatus: null,
    toStatus: 'SUBMITTED',
    actorId: null,
    actorRole: 'applicant',
    occurredAt: input.submittedAt,
    isPublic: true,
    data: { channel: input.channel, deliveryMethod: input.deliveryMethod, workflowId: workflowInfo().workflowId },
    projection: {
      status: 'SUBMITTED',
      workflowStartedAt: now(),
      feeDueVnd: state.fee.amountVnd,
      feeTiming: state.fee.timing,
      feeStatus: state.fee.amountVnd === 0 ? 'none' : 'unpaid',
    },
    handoff: { open: { step: 'intake', giverId: null, giverUnit: APPLICANT, receiverId: null, receiverUnit: ONE_STOP_UNIT, dueAt: null } },
  });
  state.submissionRecorded = true;
  }

  // Until a decision is issued or the dossier ends, handlers drive it; this loop only
  // watches the citizen's supplement deadline.
  for (;;) {
    await condition(
      () => !state.busy && (AWAITING_SUPPLEMENT.includes(state.status) || state.status === 'APPROVED' || isTerminal(state.status) || historyTooLong()),
    );
    if (historyTooLong() && !isTerminal(state.status) && state.status !== 'APPROVED') {
      // Pending actions finish first; the supplement deadline is carried and re-armed.
      await condition(() => allHandlersFinished() && !state.busy);
      await continueAsNew<typeof dossierWorkflow>(input, { ...state, busy: false });
    }
    if (!AWAITING_SUPPLEMENT.includes(state.status) || state.pending?.kind !== 'supplement') break;
    const waitingIn = state.status;
    const remaining = Date.parse(state.pending.deadline) - Date.now();
    if (remaining > 0) {
      await condition(() => state.status !== waitingIn, remaining);
      continue;
    }
    // Silence past the deadline closes the dossier (ND 297/2025 art. 5: staff close it).
    state.pending = null;
    await transition('CLOSED_UNSUPPLEMENTED', 'closed_unsupplemented', null, { pendingAction: null, closingReason: 'Không bổ sung hồ sơ trong thời hạn' }, {}, { close: true });
    await notify('closed_unsupplemented');
  }

  async function sendByPost(): Promise<void> {
    try {
      const shipment = await record.shipResult({ dossierId: input.dossierId });
      state.shipment = { trackingNumber: shipment.trackingNumber, status: 'accepted' };
      await transition('RESULT_IN_TRANSIT', 'result_posted', null, {}, { trackingNumber: shipment.trackingNumber, postageVnd: shipment.feeVnd }, {
        close: true,
        open: { step: 'postal', giverId: null, giverUnit: ONE_STOP_UNIT, receiverId: null, receiverUnit: POST_OFFICE, dueAt: null },
      });
    } catch (err) {
      // The post would not take it (an address it cannot serve): the result waits at the counter.
      await transition(state.status, 'postal_refused', null, {}, { reason: (err as Error).message });
    }
  }

  if (state.status === 'APPROVED') {
    if (!state.fee.paid) {
      // Không trả kết quả khi chưa nộp phí: the result waits for the payment.
      await notify('payment_due');
      await condition(() => state.fee.paid && !state.busy);
    }
    if (input.deliveryMethod === 'online') {
      // Trả kết quả trực tuyến: the e-result is published to the applicant's account and they are told.
      await transition('RESULT_DELIVERED', 'result_delivered_online', null, { resultDeliveredAt: now() }, { deliveryMethod: 'online' }, { close: true });
    } else {
      if (input.deliveryMethod === 'postal' && patched('postal-v1')) await sendByPost();
      await condition(() => state.status === 'RESULT_DELIVERED' && !state.busy);
    }
    await notify('result_delivered');
    await transition('COMPLETED', 'completed', null, { completedAt: now() });
  }
  await condition(allHandlersFinished);
  return view();
}
