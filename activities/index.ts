import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/connection';
import { dossierAssignee, dossierShippingFacts } from '../db/repositories/dossiers';
import { feeDueOf as feeDueFor, feeProjection, type FeeDue } from '../dossiers/fee-due';
import { findProcedureByCode } from '../db/repositories/procedures';
import { issueResultNumberOnce } from '../db/repositories/results';
import { findShipmentOfDossier, insertShipmentOnce, markShipmentAccepted, markShipmentRefused, shipmentIdOfDossier } from '../db/repositories/shipments';
import { leastLoadedSpecialist } from '../db/repositories/users';
import { OPEN_STATUSES } from '../domain/status';
import { CalendarCoverageError, toOffsetIso, type TimeLimit } from '../domain/calendar';
import { calendarFor, loadAgencyCalendar, UnknownCalendarError } from '../db/repositories/calendars';
import { CLOCK_FROM_FEE_PENDING, compactSchedule, deadlineSchedule, deriveDeadline, describeLimit, fullSchedule, scheduleStateAt, type ClockEntry, type CompactSchedule, type DeadlineSchedule } from '../domain/clock-ledger';
import type { PinnedProcedure } from '../domain/internal-procedure';
import { failFastOnDataErrors } from './data-errors';
import { internalProcedureActivities, pinAtReceipt } from './internal-procedures';
import { legActivities } from './legs';
import { chainActivities } from './chains';
import { addToOutbox, type NotificationJob } from './notifications';
import { recordDossierEvent, type DossierEventRecord } from '../db/repositories/dossier-events';
import { PostalRequestError, type PostalProvider } from '../integrations/postal/provider';

export type { DossierEventRecord, HandoffOpening, HandoffStep, ProjectionFields } from '../db/repositories/dossier-events';
export { feeProjection, type FeeDue } from '../dossiers/fee-due';

export interface ActivityDeps {
  db: Db;
  /** The public postal service; without it, postal results wait for the counter. */
  postal?: { provider: PostalProvider; callbackUrl: string; province: string };
  /** Test hook: runs after an event is durably written, before the activity completes. */
  afterEventWritten?: (event: DossierEventRecord) => void;
}

export interface AppointmentResult {
  appointmentAt: string;
  calendarCode: string;
  calendarVersion: number;
  explanation: string;
}

/**
 * Activity factory: every side effect of the dossier workflow, with its dependencies injected.
 * A write PostgreSQL refuses for good fails at once instead of retrying (data-errors.ts).
 */
export function createActivities(deps: ActivityDeps) {
  // The inter-agency chain workflow's activities (activities/chains.ts) run on the same worker.
  return failFastOnDataErrors({ ...dossierActivities(deps), ...chainActivities(deps) });
}

function dossierActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    ...internalProcedureActivities(deps),
    ...legActivities(deps),
    async recordDossierEvent(event: DossierEventRecord): Promise<void> {
      // One round trip (issue 18): the event, its read model and the citizen's message of `notify`
      // (under the job key notifyApplicant uses, with the facts snapshot addToOutbox took) in one call.
      await recordDossierEvent(db, event);
      deps.afterEventWritten?.(event);
    },

    /**
     * Several events of one step in one local activity (patch merged-records-v1: the online
     * result's delivery and the completion), in order; a retry finds the first ones written.
     */
    async recordDossierEvents(events: DossierEventRecord[]): Promise<void> {
      for (const event of events) {
        await recordDossierEvent(db, event);
        deps.afterEventWritten?.(event);
      }
    },

    /** Ngày hẹn trả, on the receiving agency's calendar, from the procedure's time limit. */
    async computeAppointment(input: { agencyEid: string; procedureCode: string; receivedAt: string }): Promise<AppointmentResult> {
      const procedure = await findProcedureByCode(db, input.procedureCode, ['time_limit']);
      if (!procedure) throw ApplicationFailure.nonRetryable(`unknown procedure ${input.procedureCode}`, 'UnknownProcedure');
      const limit = procedure.time_limit as TimeLimit;
      const calendar = await loadAgencyCalendar(db, input.agencyEid);
      return withCoverageErrors(() => {
        const appointment = calendar.appointment(new Date(input.receivedAt), limit);
        return {
          appointmentAt: toOffsetIso(appointment),
          calendarCode: calendar.code,
          calendarVersion: calendar.version,
          explanation: `${describeLimit(limit)} từ ${toOffsetIso(new Date(input.receivedAt))} theo lịch ${calendar.code} v${calendar.version}`,
        };
      });
    },

    /** A citizen's deadline (e.g. to supplement): the close of office hours of the Nth working day after `from`. */
    async computeDeadline(input: { agencyEid: string; from: string; workingDays: number }): Promise<string> {
      const calendar = await loadAgencyCalendar(db, input.agencyEid);
      return withCoverageErrors(() => toOffsetIso(calendar.appointment(new Date(input.from), { unit: 'working_days', value: input.workingDays, counting: 'whole_days' })));
    },

    /**
     * The appointment after the citizen's supplement, by the procedure's clock policy
     * (docs/domain.md §3.2, §12): PAUSE adds the working time the clock stood still,
     * RESTART counts the full limit again from the supplement, CONTINUE keeps the date.
     */
    async resumeClock(input: {
      agencyEid: string;
      procedureCode: string;
      appointmentAt: string;
      pausedAt: string;
      resumedAt: string;
    }): Promise<{ appointmentAt: string; policy: 'PAUSE' | 'RESTART' | 'CONTINUE'; pausedWorkingMinutes: number; explanation: string }> {
      const procedure = await findProcedureByCode(db, input.procedureCode, ['time_limit', 'clock_policy']);
      if (!procedure) throw ApplicationFailure.nonRetryable(`unknown procedure ${input.procedureCode}`, 'UnknownProcedure');
      const calendar = await loadAgencyCalendar(db, input.agencyEid);
      const paused = calendar.workingTimeBetween(new Date(input.pausedAt), new Date(input.resumedAt));
      const minutes = Math.round(paused / 60_000);
      return withCoverageErrors(() => {
        switch (procedure.clock_policy as 'PAUSE' | 'RESTART' | 'CONTINUE') {
          case 'RESTART':
            return {
              appointmentAt: toOffsetIso(calendar.appointment(new Date(input.resumedAt), procedure.time_limit as TimeLimit)),
              policy: 'RESTART',
              pausedWorkingMinutes: minutes,
              explanation: `Thời hạn tính lại từ đầu kể từ khi nhận đủ hồ sơ bổ sung (${toOffsetIso(new Date(input.resumedAt))})`,
            };
          case 'CONTINUE':
            return { appointmentAt: input.appointmentAt, policy: 'CONTINUE', pausedWorkingMinutes: minutes, explanation: 'Thời gian bổ sung được tính vào thời hạn giải quyết' };
          default:
            return {
              appointmentAt: toOffsetIso(calendar.addWorkingTime(new Date(input.appointmentAt), paused)),
              policy: 'PAUSE',
              pausedWorkingMinutes: minutes,
              explanation: `Tạm dừng ${minutes} phút làm việc chờ công dân bổ sung; ngày hẹn lùi tương ứng`,
            };
        }
      });
    },

    /**
     * The dossier's deadline from its clock ledger (sổ theo dõi thời hạn): the legal due
     * date, the citizen-facing appointment and when to warn, mark overdue and escalate.
     * Given no calendar, the agency's latest version is used and returned: the dossier is
     * dated by it from then on. Given an empty ledger and `receivedAt`, the ledger starts
     * with the procedure's time limit. `compact` (patch small-markers-v1): what the workflow
     * needs and nothing more (DeadlineLookup), since a local activity's result stays in history.
     */
    async scheduleDeadline(input: DeadlineInput): Promise<DeadlineLookup> {
      const r = await scheduleDeadlineOn(db, input);
      return input.compact ? compactDeadline(r, input) : r;
    },

    /**
     * Tiếp nhận (patch small-markers-v1): the acceptance's one look-up before its event, the
     * internal procedure version pinned at receipt (pinInternalProcedure) and the clock ledger
     * started (scheduleDeadline), in their compact forms: the default version by its number
     * only, a routed version's steps in full (the workflow runs them).
     */
    async receiptFacts(input: ReceiptInput): Promise<ReceiptFacts> {
      return receiptFactsOf(deps, input);
    },

    /**
     * Tiếp nhận (patch merged-records-v1): the acceptance's look-up (receiptFacts) and its event
     * in one local activity. The workflow sends the event as far as it knows it (who, when, the
     * note); the facts fill in the rest here (acceptedEvent), the same fields the workflow wrote
     * before. The answer is the facts, which the workflow applies to its state.
     */
    async acceptAndRecord(input: { receipt: ReceiptInput; event: DossierEventRecord; feePaid: boolean }): Promise<AcceptedFacts> {
      const facts = await receiptFactsOf(deps, input.receipt);
      const recorded = acceptedEvent(input.event, facts, input.feePaid, input.receipt.receivedAt);
      await recordDossierEvent(db, recorded);
      deps.afterEventWritten?.(recorded);
      return acceptedFacts(facts);
    },

    /** A date N working days (of office time) after `from`, on the dossier's calendar: the apology's new appointment. */
    async addWorkingDays(input: { agencyEid: string; calendar: { code: string; version: number } | null; from: string; workingDays: number }): Promise<string> {
      return withCalendarErrors(async () => {
        const { calendar } = await calendarFor(db, input.agencyEid, input.calendar);
        return toOffsetIso(calendar.addWorkingTime(new Date(input.from), input.workingDays * calendar.dailyWorkingMs));
      });
    },

    /** The fee due for the dossier's procedure and channel (sum of its fee lines), and when it is due. */
    async feeDue(input: { dossierId: number }): Promise<FeeDue> {
      return feeDueOf(db, input.dossierId);
    },

    /**
     * Nộp hồ sơ (patch small-markers-v1): the fee fixed by the procedure and channel (feeDue) and
     * the submission recorded with it (recordDossierEvent, its projection's fee fields filled
     * here), in one local activity; a retry finds the event already written.
     */
    async recordSubmission(event: DossierEventRecord): Promise<FeeDue> {
      const fee = await feeDueOf(db, event.dossierId);
      const recorded: DossierEventRecord = { ...event, projection: { ...event.projection, ...feeProjection(fee) } };
      await recordDossierEvent(db, recorded);
      deps.afterEventWritten?.(recorded);
      return fee;
    },

    /**
     * Hands the result to the post (QĐ 45/2016): one shipment per dossier whatever the
     * retries (the post deduplicates on our shipment id). A refusal (bad address) is final.
     */
    async shipResult(input: { dossierId: number }): Promise<{ trackingNumber: string; feeVnd: number }> {
      if (!deps.postal) throw ApplicationFailure.nonRetryable('no postal service is configured', 'PostalRefused');
      const d = (await dossierShippingFacts(db, input.dossierId))!;
      const existing = await findShipmentOfDossier(db, input.dossierId);
      if (existing?.tracking_number) return { trackingNumber: existing.tracking_number, feeVnd: Number(existing.fee_vnd) };
      const shipmentId: string = existing?.id ?? randomUUID();
      if (!existing) {
        await insertShipmentOnce(db, { id: shipmentId, dossier_id: input.dossierId, provider: deps.postal.provider.name, status: 'creating' });
      }
      const id = await shipmentIdOfDossier(db, input.dossierId);
      const to = (d.postal_address ?? {}) as { line?: string; ward?: string; province?: string };
      try {
        const created = await deps.postal.provider.createShipment({
          shipmentId: id,
          dossierCode: d.code,
          sender: {
            recipientName: d.agency_name,
            phone: d.agency_phone ?? '',
            line: d.agency_address ?? d.agency_name,
            ward: '',
            province: deps.postal.province,
          },
          recipient: { recipientName: d.applicant_full_name, phone: d.applicant_phone ?? '', line: to.line ?? '', ward: to.ward ?? '', province: to.province ?? '' },
          contents: `${d.result_title ?? 'Kết quả giải quyết TTHC'} số ${d.result_number ?? ''} (hồ sơ ${d.code})`,
          weightGrams: 50,
          callbackUrl: deps.postal.callbackUrl,
        });
        await markShipmentAccepted(db, id, { trackingNumber: created.trackingNumber, feeVnd: created.feeVnd });
        return { trackingNumber: created.trackingNumber, feeVnd: created.feeVnd };
      } catch (err) {
        if (err instanceof PostalRequestError && !err.retryable) {
          await markShipmentRefused(db, id, err.message);
          throw ApplicationFailure.nonRetryable(`the post refused the shipment: ${err.message}`, 'PostalRefused');
        }
        throw err;
      }
    },

    /** Least-loaded specialist of the agency (ties: lowest id, so the choice is stable on retry). */
    async assignSpecialist(input: { dossierId: number; agencyEid: string }): Promise<{ userId: number; fullName: string }> {
      const chosen = await chooseSpecialist(db, input.dossierId, input.agencyEid);
      if ('pending' in chosen) throw ApplicationFailure.nonRetryable(chosen.pending, 'NoSpecialist');
      return chosen.assignee;
    },

    /**
     * Phân công after intake (patch merged-records-v1): the least-loaded specialist chosen
     * (assignSpecialist) and the assignment's event written with them, or, when the agency has no
     * active specialist, the event that the dossier waits for a leader, with the reason: one local
     * activity. The workflow sends both events as far as it knows them; the answer says which was
     * written (and to whom). A retry finds the dossier already assigned and writes the same event.
     */
    async assignAndRecord(input: { agencyEid: string; assigned: DossierEventRecord; pending: DossierEventRecord }): Promise<{ userId: number; fullName: string } | { pending: string }> {
      const chosen = await chooseSpecialist(db, input.assigned.dossierId, input.agencyEid);
      if ('pending' in chosen) {
        const recorded: DossierEventRecord = { ...input.pending, data: { ...input.pending.data, reason: chosen.pending } };
        await recordDossierEvent(db, recorded);
        deps.afterEventWritten?.(recorded);
        return chosen;
      }
      const recorded = assignedEvent(input.assigned, chosen.assignee);
      await recordDossierEvent(db, recorded);
      deps.afterEventWritten?.(recorded);
      return chosen.assignee;
    },

    /**
     * Issues the numbered result document (số văn bản), or the reasoned notice that the
     * dossier does not qualify, once per dossier whatever the retries.
     */
    async issueResult(input: IssueInput): Promise<{ number: string }> {
      return issueResultOnce(db, input);
    },

    /**
     * Quyết định (patch small-markers-v1): the result or notice numbered (issueResult) and the
     * decision's event recorded with its number (the projection's resultNumber and the data's
     * `numberAt`), in one local activity; a retry finds both already written.
     */
    async issueAndRecord(input: { issue: IssueInput; event: DossierEventRecord; numberAt: 'resultNumber' | 'noticeNumber' }): Promise<{ number: string }> {
      const { number } = await issueResultOnce(db, input.issue);
      const recorded = numberedEvent(input.event, input.numberAt, number);
      await recordDossierEvent(db, recorded);
      deps.afterEventWritten?.(recorded);
      return { number };
    },

    /** PostgreSQL only (outbox): telling the citizen never waits on Redis or the SMS gateway. */
    async notifyApplicant(input: { dossierId: number; seq: number; template: NotificationJob['template'] }): Promise<void> {
      await addToOutbox(db, `dossier-${input.dossierId}-${input.seq}-${input.template}`, {
        dossierId: input.dossierId,
        template: input.template,
      });
    },
  };
}

/** The dossier's specialist (already chosen on a retry), else the least loaded, else why there is none. */
async function chooseSpecialist(db: Db, dossierId: number, agencyEid: string): Promise<{ assignee: { userId: number; fullName: string } } | { pending: string }> {
  const current = await dossierAssignee(db, dossierId);
  if (current) return { assignee: { userId: current.id, fullName: current.full_name } };
  // Least loaded first. Load is the work in hand, not the specialist's history: counting only
  // open dossiers keeps this a short range of (assignee_id, status) per status, whatever the
  // years of decided dossiers behind it.
  const candidate = await leastLoadedSpecialist(db, agencyEid, OPEN_STATUSES);
  if (!candidate) return { pending: `agency ${agencyEid} has no active specialist` };
  return { assignee: { userId: candidate.id, fullName: candidate.full_name } };
}

/** The assignment's event with its specialist where the workflow left them blank (assignAndRecord). */
export function assignedEvent(event: DossierEventRecord, assignee: { userId: number; fullName: string }): DossierEventRecord {
  const open = event.handoff?.open;
  return {
    ...event,
    projection: { ...event.projection, assigneeId: assignee.userId },
    data: { ...event.data, assignee },
    ...(open ? { handoff: { ...event.handoff, open: { ...open, receiverId: assignee.userId, receiverUnit: assignee.fullName } } } : {}),
  };
}

/**
 * The acceptance's event with what its facts decide (acceptAndRecord): the calendar, the pinned
 * version, and the started clock and its dates, or, where the limit counts from the fee and it is
 * unpaid, the clock waiting for it (the same fields intake.ts wrote from the separate look-up).
 */
export function acceptedEvent(event: DossierEventRecord, facts: ReceiptFacts, feePaid: boolean, receivedAt: string): DossierEventRecord {
  const r = facts.deadline;
  const calendar = r.calendar!;
  const known = { calendarCode: calendar.code, calendarVersion: calendar.version, procedureVersion: facts.pinned.version };
  if (r.clockFromFee === true && !feePaid) {
    return {
      ...event,
      projection: { ...event.projection, ...known, deadlineState: 'awaiting_fee' },
      data: { ...event.data, explanation: CLOCK_FROM_FEE_PENDING, clockFromFee: true },
    };
  }
  const schedule = fullSchedule(r.schedule);
  return {
    ...event,
    projection: { ...event.projection, appointmentAt: schedule.appointmentAt, ...known, dueAt: schedule.appointmentAt, deadlineState: scheduleStateAt(schedule, Date.parse(receivedAt)) },
    clock: [{ ...r.start!, actorId: event.actorId } as ClockEntry],
  };
}

type ReceiptInput = {
  dossierId: number;
  agencyEid: string;
  procedureCode: string;
  receivedAt: string;
  policy?: { warnBeforeMs?: number; escalateEveryMs?: number };
};

/** The version pinned at receipt and the ledger started, in their compact forms (receiptFacts). */
async function receiptFactsOf(deps: ActivityDeps, input: ReceiptInput): Promise<ReceiptFacts> {
  const pinned = await pinAtReceipt(deps, { dossierId: input.dossierId, procedureCode: input.procedureCode, at: input.receivedAt });
  const deadlineInput: DeadlineInput = {
    agencyEid: input.agencyEid,
    procedureCode: input.procedureCode,
    ledger: [],
    receivedAt: input.receivedAt,
    calendar: null,
    escalationLevel: 0,
    ...(input.policy ? { policy: input.policy } : {}),
    asOf: input.receivedAt,
    compact: true,
  };
  const deadline = compactDeadline(await scheduleDeadlineOn(deps.db, deadlineInput), deadlineInput);
  return { pinned: pinned.isDefault ? { version: pinned.version, isDefault: true } : pinned, deadline };
}

/** The dossier workflow's activities (the chain workflow's are ChainActivities, workflows/contracts/chain-v1.ts). */
export type DossierActivities = ReturnType<typeof dossierActivities>;

type IssueInput = {
  dossierId: number;
  agencyEid: string;
  procedureCode: string;
  signerId: number | null;
  issuedAt: string;
  kind?: 'result' | 'denial_notice' | 'stop_notice';
};

async function issueResultOnce(db: Db, input: IssueInput): Promise<{ number: string }> {
  const kind = input.kind ?? 'result';
  const issued = await issueResultNumberOnce(db, {
    dossierId: input.dossierId,
    agencyEid: input.agencyEid,
    procedureCode: input.procedureCode,
    year: Number(toOffsetIso(new Date(input.issuedAt)).slice(0, 4)),
    prefix: { result: 'KQ', denial_notice: 'TB', stop_notice: 'TBD' }[kind],
    kind,
    title: kind === 'denial_notice' ? 'Thông báo hồ sơ không đủ điều kiện giải quyết' : kind === 'stop_notice' ? 'Thông báo dừng giải quyết hồ sơ' : null,
    fallbackTitle: 'Kết quả giải quyết thủ tục hành chính',
    signerId: input.signerId,
    issuedAt: input.issuedAt,
  });
  if (!issued) throw ApplicationFailure.nonRetryable(`unknown agency ${input.agencyEid}`, 'UnknownAgency');
  return issued;
}

/** The decision's event with its number where the workflow left it null (issueAndRecord). */
export function numberedEvent(event: DossierEventRecord, numberAt: 'resultNumber' | 'noticeNumber', number: string): DossierEventRecord {
  return { ...event, projection: { ...event.projection, resultNumber: number }, data: { ...event.data, [numberAt]: number } };
}

type DeadlineInput = {
  agencyEid: string;
  procedureCode: string;
  ledger: ClockEntry[];
  receivedAt?: string;
  calendar?: { code: string; version: number } | null;
  escalationLevel: number;
  policy?: { warnBeforeMs?: number; escalateEveryMs?: number };
  asOf: string;
  /** Answer the compact form (DeadlineLookup without what the caller knows or does not read). */
  compact?: boolean;
};

async function scheduleDeadlineOn(db: Db, input: DeadlineInput): Promise<ScheduledDeadline> {
  const procedure = await findProcedureByCode(db, input.procedureCode, ['time_limit', 'clock_policy', 'clock_from_fee', 'warn_before_hours', 'escalate_every_hours']);
  if (!procedure) throw ApplicationFailure.nonRetryable(`unknown procedure ${input.procedureCode}`, 'UnknownProcedure');
  return withCalendarErrors(async () => {
    const { calendar, dayNames } = await calendarFor(db, input.agencyEid, input.calendar ?? null);
    const start: ClockEntry | null =
      input.ledger.length === 0 && input.receivedAt ? { kind: 'start', at: input.receivedAt, limit: procedure.time_limit as TimeLimit } : null;
    const ledger = start ? [start] : input.ledger;
    const asOf = new Date(input.asOf);
    const derivation = deriveDeadline(calendar, ledger, asOf, dayNames);
    const schedule = deadlineSchedule(
      calendar,
      derivation,
      {
        warnBeforeMs: input.policy?.warnBeforeMs ?? Number(procedure.warn_before_hours) * 3_600_000,
        escalateEveryMs: input.policy?.escalateEveryMs ?? Number(procedure.escalate_every_hours) * 3_600_000,
      },
      input.escalationLevel,
    );
    return {
      schedule,
      start,
      calendar: { code: calendar.code, version: calendar.version },
      clockPolicy: procedure.clock_policy as 'PAUSE' | 'RESTART' | 'CONTINUE',
      clockFromFee: procedure.clock_from_fee === true,
      explanation: derivation.explanation,
    };
  });
}

/**
 * The compact answer: the schedule without what equals the due date; the ledger's start when
 * this call started it; the calendar and clock policy when this call chose them (no calendar
 * given); clockFromFee when true. No explanation: the API derives it from the ledger where a
 * person reads it (GET …/deadline).
 */
export function compactDeadline(r: ScheduledDeadline, input: Pick<DeadlineInput, 'calendar'>): DeadlineLookup {
  return {
    schedule: compactSchedule(r.schedule),
    ...(r.start ? { start: r.start } : {}),
    ...(input.calendar ? {} : { calendar: r.calendar, clockPolicy: r.clockPolicy }),
    ...(r.clockFromFee ? { clockFromFee: true } : {}),
  };
}

/**
 * What scheduleDeadline answers: in full (ScheduledDeadline: regular activities, and local ones
 * recorded before patch small-markers-v1) or compact. The workflow reads both (fullSchedule).
 */
export interface DeadlineLookup {
  schedule: CompactSchedule;
  start?: ClockEntry | null;
  calendar?: { code: string; version: number };
  clockPolicy?: 'PAUSE' | 'RESTART' | 'CONTINUE';
  clockFromFee?: boolean;
  explanation?: string[];
}

/**
 * What acceptAndRecord answers (it stays in history): ReceiptFacts without what the workflow
 * gave or assumes, the ledger's start being the receipt (only its limit), the default version by
 * its number alone, the clock policy only when not PAUSE. The workflow expands it (intake.ts).
 */
export interface AcceptedFacts {
  pinned: { version: number } | PinnedProcedure;
  deadline: Omit<DeadlineLookup, 'start' | 'clockPolicy'> & { limit: TimeLimit; clockPolicy?: 'RESTART' | 'CONTINUE' };
}

export function acceptedFacts(f: ReceiptFacts): AcceptedFacts {
  const { start, clockPolicy, ...deadline } = f.deadline;
  return {
    pinned: f.pinned.isDefault ? { version: f.pinned.version } : f.pinned,
    deadline: { ...deadline, limit: (start as Extract<ClockEntry, { kind: 'start' }>).limit, ...(clockPolicy && clockPolicy !== 'PAUSE' ? { clockPolicy } : {}) },
  };
}

/** The acceptance's look-up (receiptFacts): the pinned version (in full only when routed) and the started ledger. */
export interface ReceiptFacts {
  pinned: { version: number; isDefault: true; procedureCode?: string } | PinnedProcedure;
  deadline: DeadlineLookup;
}

export interface ScheduledDeadline {
  schedule: DeadlineSchedule;
  /** The ledger's first entry when this call started it. */
  start: ClockEntry | null;
  calendar: { code: string; version: number };
  clockPolicy: 'PAUSE' | 'RESTART' | 'CONTINUE';
  /** The limit counts from a complete dossier and the fee paid (absent in results recorded before it existed). */
  clockFromFee?: boolean;
  explanation: string[];
}

/** A calendar without data for the dates asked will not get it by retrying: a business fact, not a fault. */
async function withCoverageErrors<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CalendarCoverageError) throw ApplicationFailure.nonRetryable(err.message, 'CalendarCoverageError');
    throw err;
  }
}

/** As withCoverageErrors, and a pinned calendar version that does not exist is final too. */
async function withCalendarErrors<T>(fn: () => Promise<T>): Promise<T> {
  return withCoverageErrors(async () => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof UnknownCalendarError) throw ApplicationFailure.nonRetryable(err.message, 'UnknownCalendar');
      throw err;
    }
  });
}

/** The fee due (dossiers/fee-due.ts); a dossier that is not there will not appear by retrying. */
async function feeDueOf(db: Db, dossierId: number): Promise<FeeDue> {
  const fee = await feeDueFor(db, dossierId);
  if (!fee) throw ApplicationFailure.nonRetryable(`dossier ${dossierId} not found`, 'UnknownDossier');
  return fee;
}
