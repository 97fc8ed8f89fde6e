import type { Knex } from 'knex';
import { CalendarCoverageError, toOffsetIso, type WorkingCalendar } from '../../domain/calendar';
import type { ClockEntry } from '../../domain/clock-ledger';
import { citizenWaits, END_EVENT_TYPES, processingEnd, processingWorkingMs, type LoggedEvent } from '../../domain/processing-facts';
import { loadCalendar, loadAgencyCalendar, UnknownCalendarError } from './calendars';
import { ensureTrackingBookNumber } from './sequences';
import type { Tx } from '../connection';
import { noteDossierChange } from './dossier-changes';
import type { RouteStepRow } from './dossiers';

/**
 * The dossier's event log and the read model the dossier workflow writes with it (the
 * recordDossierEvent activity): the dossier row, the process-control sheet (hand-offs), the
 * clock ledger, the audit trail, webhook deliveries and officer alerts, in the event's
 * transaction; and the reads of the log and the sheet.
 */

/** Read-model columns a workflow event may set (camelCase here, snake_case in PostgreSQL). */
export interface ProjectionFields {
  status?: string;
  receivedAt?: string;
  appointmentAt?: string;
  calendarCode?: string;
  calendarVersion?: number;
  assigneeId?: number | null;
  receivedBy?: number;
  decidedBy?: number;
  decidedAt?: string;
  resultNumber?: string;
  resultDeliveredAt?: string;
  completedAt?: string;
  workflowStartedAt?: string;
  pendingAction?: Record<string, unknown> | null;
  closingReason?: string | null;
  feeDueVnd?: number;
  feeTiming?: string;
  feeStatus?: 'none' | 'unpaid' | 'paid';
  dueAt?: string;
  deadlineState?: 'running' | 'paused' | 'at_risk' | 'overdue' | 'stopped' | 'awaiting_fee';
  clockPausedAt?: string | null;
  apologyIssuedAt?: string;
  escalationLevel?: number;
  supplementRequests?: number;
  /** Routed dossiers (issue 17): the pinned internal procedure's version, the step now held, the agency at fault for lateness. */
  procedureVersion?: number;
  /** What may be done at the step and where it may be sent back travel with it: the views' allowedActions read them. */
  routeStep?: RouteStepRow | null;
  faultAgencyEid?: string | null;
}

export type HandoffStep =
  | 'intake'
  | 'citizen_supplement'
  | 'assignment'
  | 'review'
  | 'verification'
  | 'decision'
  | 'result'
  | 'postal'
  // Steps of a pinned internal procedure that today's fixed path does not have (issue 17).
  | 'relay'
  | 'approval'
  | 'issue'
  | 'leg'
  | 'consultation';

/** One row of the process-control sheet opened by an event (giver → receiver, with the time due). */
export interface HandoffOpening {
  step: HandoffStep;
  giverId: number | null;
  giverUnit: string;
  receiverId: number | null;
  receiverUnit: string;
  dueAt: string | null;
  /**
   * When the step's budget starts counting, if not at the hand-off: a site visit's planned
   * start. `dueAt` is then the end of the planned visit, before which the row is never due.
   */
  countFrom?: string | null;
  /**
   * Routed dossiers (issue 17): the step of the pinned version this row is (its key and name),
   * its budget in working hours (used instead of the procedure's step budgets), and the agency
   * that receives it when not the dossier's own (an inter-agency leg or consultation).
   */
  stepKey?: string;
  stepName?: string;
  budgetHours?: number;
  agencyEid?: string;
}

export interface DossierEventRecord {
  dossierId: number;
  /** Position in the workflow's own event sequence: the idempotency key of this write. */
  seq: number;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorId: number | null;
  actorRole: string | null;
  occurredAt: string;
  isPublic: boolean;
  data: Record<string, unknown>;
  projection: ProjectionFields;
  /** Hand-offs: the open one is closed at `occurredAt` and/or a new one opens. */
  handoff?: { close?: boolean; open?: HandoffOpening };
  /** Entries this event adds to the dossier's clock ledger. */
  clock?: ClockEntry[];
  /** A deadline alert for the assignee and the agency's supervisors (leaders too on escalation). */
  alert?: { kind: 'at_risk' | 'overdue' | 'escalation'; level: number; message: string };
  /**
   * The citizen message this event sends (issue 18): written to the outbox in the event's own
   * transaction, under the same job key the separate notifyApplicant activity used
   * (`dossier-{id}-{seq}-{template}`), so a run on either path sends it once.
   */
  notify?: string;
}

/** What the caller adds inside the event's transaction, after the projection (the activity's outbox write). */
export interface RecordHooks {
  afterProjection?: (trx: Knex.Transaction) => Promise<void>;
}

/** Steps whose due date comes from the procedure's step budget, capped by the dossier's due date. */
const BUDGETED_STEPS: ReadonlySet<HandoffStep> = new Set(['intake', 'assignment', 'review', 'verification', 'decision', 'result']);

/**
 * The due date of a hand-off: what is left of the step's budget (working hours, less the
 * time the same step already took in earlier hand-offs of this dossier), capped by the
 * time the workflow gives (the dossier's appointment) and the legal due date.
 */
async function handoffDue(trx: Knex.Transaction, dossierId: number, h: HandoffOpening, openedAt: string): Promise<string | null> {
  if (typeof h.budgetHours === 'number') return routedHandoffDue(trx, dossierId, h, openedAt, null);
  const { step, dueAt: cap } = h;
  const d = await trx('dossiers as d')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.id', dossierId)
    .first('p.step_budgets', 'd.calendar_code', 'd.calendar_version', 'd.due_at', 'a.eid');
  const budgetHours = (d?.step_budgets as Partial<Record<HandoffStep, number>> | null)?.[step];
  const legalDue = d?.due_at ? new Date(d.due_at).getTime() : null;
  const byLegalDue = (ms: number) => toOffsetIso(new Date(legalDue === null ? ms : Math.min(ms, legalDue)));
  // A site visit whose budget counts from its planned start (docs/domain.md §3.9): due after the visit, capped by the legal due date.
  const fromVisit = step === 'verification' && !!h.countFrom && !!cap;
  if (fromVisit && typeof budgetHours !== 'number') return byLegalDue(Date.parse(cap));
  // The citizen's supplement, the post, and a site visit without a budget have their own explicit time.
  if (!BUDGETED_STEPS.has(step) || (step === 'verification' && typeof budgetHours !== 'number')) return cap;
  // A verification budget covers scheduling, visits and minutes: the planned visit is not its limit.
  const caps = [step === 'verification' ? null : cap, d?.due_at ? new Date(d.due_at).toISOString() : null]
    .filter((c): c is string => !!c)
    .map((c) => Date.parse(c));
  const capMs = caps.length ? Math.min(...caps) : null;
  if (typeof budgetHours !== 'number') return capMs === null ? null : toOffsetIso(new Date(capMs));
  const calendar = d.calendar_code ? await loadCalendar(trx, d.calendar_code, d.calendar_version) : await loadAgencyCalendar(trx, d.eid);
  const earlier: Array<{ received_at: Date; done_at: Date; count_from: Date | null }> = await trx('dossier_handoffs')
    .where({ dossier_id: dossierId, step })
    .whereNull('leg_workflow_id')
    .whereNotNull('done_at')
    .select('received_at', 'done_at', 'count_from');
  // Time spent counts from when each earlier row's budget counted (a visit's start), not from its opening.
  const spent = earlier.reduce((sum, e) => {
    const from = e.count_from && e.count_from > e.received_at ? e.count_from : e.received_at;
    return sum + calendar.workingTimeBetween(new Date(from), new Date(e.done_at));
  }, 0);
  const left = Math.max(0, budgetHours * 3_600_000 - spent);
  if (fromVisit) {
    // Xác minh thực địa: the budget counts from the planned visit, and the row is never due before the visit ends.
    const own = calendar.addWorkingTime(new Date(h.countFrom!), left).getTime();
    return byLegalDue(Math.max(own, Date.parse(cap!)));
  }
  const own = calendar.addWorkingTime(new Date(openedAt), left).getTime();
  return toOffsetIso(new Date(capMs === null ? own : Math.min(own, capMs)));
}

/**
 * The due date of a hand-off of a routed dossier (issue 17): the step's budget in working hours
 * of the receiving agency's calendar (`h.agencyEid`, else the dossier's own, pinned version),
 * less the time the same step (`stepKey`) already took in earlier rows of the same sheet (the
 * dossier's own, or the same leg's), capped by the time the workflow gives and the dossier's
 * due date. `legWorkflowId` names the leg whose rows these are (null: the dossier's own).
 */
export async function routedHandoffDue(trx: Knex.Transaction, dossierId: number, h: HandoffOpening, openedAt: string, legWorkflowId: string | null): Promise<string | null> {
  const d = await trx('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .where('d.id', dossierId)
    .first('d.calendar_code', 'd.calendar_version', 'd.due_at', 'a.eid');
  const caps = [h.dueAt, d?.due_at ? new Date(d.due_at).toISOString() : null].filter((c): c is string => !!c).map((c) => Date.parse(c));
  const capMs = caps.length ? Math.min(...caps) : null;
  const budgetHours = h.budgetHours;
  if (typeof budgetHours !== 'number') return capMs === null ? null : toOffsetIso(new Date(capMs));
  const otherAgency = !!h.agencyEid && h.agencyEid !== d?.eid;
  const calendar = otherAgency
    ? await loadAgencyCalendar(trx, h.agencyEid!)
    : d?.calendar_code
      ? await loadCalendar(trx, d.calendar_code, d.calendar_version)
      : await loadAgencyCalendar(trx, d.eid);
  let spent = 0;
  if (h.stepKey) {
    const q = trx('dossier_handoffs').where({ dossier_id: dossierId, step_key: h.stepKey }).whereNotNull('done_at');
    if (legWorkflowId === null) q.whereNull('leg_workflow_id');
    else q.where('leg_workflow_id', legWorkflowId);
    const earlier: Array<{ received_at: Date; done_at: Date; count_from: Date | null }> = await q.select('received_at', 'done_at', 'count_from');
    spent = earlier.reduce((sum, e) => {
      const from = e.count_from && e.count_from > e.received_at ? e.count_from : e.received_at;
      return sum + calendar.workingTimeBetween(new Date(from), new Date(e.done_at));
    }, 0);
  }
  const left = Math.max(0, budgetHours * 3_600_000 - spent);
  const start = h.countFrom && Date.parse(h.countFrom) > Date.parse(openedAt) ? h.countFrom : openedAt;
  const own = calendar.addWorkingTime(new Date(start), left).getTime();
  return toOffsetIso(new Date(capMs === null ? own : Math.min(own, capMs)));
}

const COLUMNS: Record<keyof ProjectionFields, string> = {
  status: 'status',
  receivedAt: 'received_at',
  appointmentAt: 'appointment_at',
  calendarCode: 'calendar_code',
  calendarVersion: 'calendar_version',
  assigneeId: 'assignee_id',
  receivedBy: 'received_by',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  resultNumber: 'result_number',
  resultDeliveredAt: 'result_delivered_at',
  completedAt: 'completed_at',
  workflowStartedAt: 'workflow_started_at',
  pendingAction: 'pending_action',
  closingReason: 'closing_reason',
  feeDueVnd: 'fee_due_vnd',
  feeTiming: 'fee_timing',
  feeStatus: 'fee_status',
  dueAt: 'due_at',
  deadlineState: 'deadline_state',
  clockPausedAt: 'clock_paused_at',
  apologyIssuedAt: 'apology_issued_at',
  escalationLevel: 'escalation_level',
  supplementRequests: 'supplement_requests',
  procedureVersion: 'procedure_version',
  routeStep: 'route_step',
  faultAgencyEid: 'fault_agency_eid',
};

/**
 * Early (trước hạn) when done on an earlier local day than due, on time (đúng hạn) when
 * done by the due moment on its day, late (quá hạn) after it.
 */
export function handoffOutcome(doneAt: Date, dueAt: Date | null): 'early' | 'on_time' | 'late' | null {
  if (!dueAt) return null;
  if (doneAt.getTime() > dueAt.getTime()) return 'late';
  return toOffsetIso(doneAt).slice(0, 10) < toOffsetIso(dueAt).slice(0, 10) ? 'early' : 'on_time';
}

/**
 * Closes the open row of the sheet, at `occurredAt`, with its outcome: the dossier's own row
 * (`legWorkflowId` null) or the open row of one inter-agency leg.
 */
export async function closeOpenHandoff(trx: Knex.Transaction, dossierId: number, legWorkflowId: string | null, occurredAt: string, seq: number): Promise<void> {
  const q = trx('dossier_handoffs').where({ dossier_id: dossierId }).whereNull('done_at');
  const open = await (legWorkflowId === null ? q.whereNull('leg_workflow_id') : q.where('leg_workflow_id', legWorkflowId)).orderBy('opened_seq', 'desc').first('id', 'due_at');
  if (!open) return;
  const doneAt = new Date(occurredAt);
  await trx('dossier_handoffs')
    .where('id', open.id)
    .update({ done_at: doneAt, closed_seq: seq, outcome: handoffOutcome(doneAt, open.due_at ? new Date(open.due_at) : null) });
}

/**
 * Appends one event to the dossier's log and applies it to the read model and the
 * process-control sheet, in one transaction. The event row is the idempotency guard:
 * when it already exists the whole event was applied before, so a retry changes nothing.
 */
export async function recordDossierEvent(db: Knex, e: DossierEventRecord, hooks: RecordHooks = {}): Promise<{ inserted: boolean }> {
  return db.transaction(async (trx) => {
    const inserted = await trx('dossier_events')
      .insert({
        dossier_id: e.dossierId,
        seq: e.seq,
        type: e.type,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        actor_id: e.actorId,
        actor_role: e.actorRole,
        occurred_at: e.occurredAt,
        is_public: e.isPublic,
        data: JSON.stringify(e.data),
      })
      .onConflict(['dossier_id', 'seq'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) return { inserted: false };

    const update: Record<string, unknown> = { projection_seq: e.seq, updated_at: trx.fn.now() };
    for (const [key, value] of Object.entries(e.projection)) {
      if (value === undefined) continue;
      update[COLUMNS[key as keyof ProjectionFields]] = (key === 'pendingAction' || key === 'routeStep') && value !== null ? JSON.stringify(value) : value;
    }
    await trx('dossiers').where('id', e.dossierId).andWhere('projection_seq', '<', e.seq).update(update);
    // Received: the next number of the agency's tracking book (sổ theo dõi hồ sơ), printed on Form 01.
    if (e.projection.receivedAt !== undefined) await ensureTrackingBookNumber(trx, e.dossierId);
    // Its own statement: the projection_seq guard above must not skip the QĐ 766 facts.
    if (changesProcessingFacts(e)) await refreshProcessingFacts(trx, e.dossierId, e.dossierId);

    // The dossier's own open row: a leg's rows (leg_workflow_id) are closed by the leg's events.
    if (e.handoff?.close) await closeOpenHandoff(trx, e.dossierId, null, e.occurredAt, e.seq);
    if (e.clock?.length) {
      await trx('dossier_clock_entries')
        .insert(e.clock.map((c) => clockRow(e, c)))
        .onConflict(['dossier_id', 'seq', 'kind'])
        .ignore();
    }
    await auditDossierEvent(trx, e);
    if (e.fromStatus !== e.toStatus) await enqueueWebhookDeliveries(trx, e);
    if (e.alert) {
      // Each officer told is also sent a message (e-mail, SMS or Zalo) through the outbox.
      await trx.raw(
        `insert into notification_outbox (job_key, dossier_id, template, recipient_user_id, payload)
         select 'alert-' || ? || '-' || ? || '-' || u.user_id, ?, 'officer_alert', u.user_id, ?::jsonb from (
           select assignee_id as user_id from dossiers where id = ? and assignee_id is not null
           union
           select r.user_id from user_roles r join dossiers d on d.agency_id = r.agency_id
            where d.id = ? and (r.role = 'supervisor' or (r.role = 'leader' and ? = 'escalation'))
         ) u
         on conflict (job_key) do nothing`,
        [e.dossierId, e.seq, e.dossierId, JSON.stringify({ kind: e.alert.kind, level: e.alert.level, message: e.alert.message }), e.dossierId, e.dossierId, e.alert.kind],
      );
      await trx.raw(
        `insert into officer_alerts (dossier_id, seq, user_id, kind, level, message)
         select ?, ?, u.user_id, ?, ?, ? from (
           select assignee_id as user_id from dossiers where id = ? and assignee_id is not null
           union
           select r.user_id from user_roles r join dossiers d on d.agency_id = r.agency_id
            where d.id = ? and (r.role = 'supervisor' or (r.role = 'leader' and ? = 'escalation'))
         ) u
         on conflict (dossier_id, seq, user_id) do nothing`,
        [e.dossierId, e.seq, e.alert.kind, e.alert.level, e.alert.message, e.dossierId, e.dossierId, e.alert.kind],
      );
    }
    if (e.handoff?.open) {
      const h = { ...e.handoff.open };
      h.dueAt = await handoffDue(trx, e.dossierId, h, e.occurredAt);
      await trx('dossier_handoffs').insert({
        dossier_id: e.dossierId,
        opened_seq: e.seq,
        step: h.step,
        giver_id: h.giverId,
        giver_unit: h.giverUnit,
        receiver_id: h.receiverId,
        receiver_unit: h.receiverUnit,
        received_at: e.occurredAt,
        due_at: h.dueAt,
        ...(h.countFrom ? { count_from: h.countFrom } : {}),
        ...routedColumns(h),
      });
    }
    if (e.handoff?.close || e.handoff?.open) {
      // Where the dossier waits now, for the staff worklist's step filter: the open row of the sheet.
      await trx.raw(
        `update dossiers set current_step = (select h.step from dossier_handoffs h where h.dossier_id = ? and h.leg_workflow_id is null and h.done_at is null order by h.opened_seq desc limit 1) where id = ?`,
        [e.dossierId, e.dossierId],
      );
    }
    if (hooks.afterProjection) await hooks.afterProjection(trx);
    // Last: the agency's change counter (the worklist's ETag) and the live queues' notification, at commit.
    await noteDossierChange(trx, e.dossierId);
    return { inserted: true };
  });
}

/** The columns a routed hand-off adds (issue 17): its step of the pinned version and the agency receiving it. */
export function routedColumns(h: HandoffOpening): Record<string, string> {
  return {
    ...(h.stepKey ? { step_key: h.stepKey } : {}),
    ...(h.stepName ? { step_name: h.stepName } : {}),
    ...(h.agencyEid ? { agency_eid: h.agencyEid } : {}),
  };
}

/** Events after which a dossier's QĐ 766 facts (refreshProcessingFacts) may read differently. */
function changesProcessingFacts(e: DossierEventRecord): boolean {
  if (END_EVENT_TYPES.includes(e.type) || e.type === 'fee_paid' || e.projection.calendarVersion !== undefined) return true;
  const waits = (s: string | null) => s === 'SUPPLEMENT_REQUESTED' || s === 'CLOSED_UNSUPPLEMENTED';
  return e.fromStatus !== e.toStatus && (waits(e.fromStatus) || waits(e.toStatus));
}

/**
 * Recomputes the QĐ 766 facts of the dossiers with ids in [fromId, toId] from their event log,
 * payments and results (the report reads only these columns; db/repositories/supervision.ts
 * `indicatorCounts`): the end of processing and its kind, the supplement still awaited
 * (domain/processing-facts.ts `processingEnd`), the first approval, the first online payment,
 * the issued result, and the processing working time up to the end (or the awaited request),
 * less the citizen's supplement time.
 *
 * The working time is counted on the dossier's own calendar version (the agency's latest for
 * rows without one) once, when it is written: a later calendar version does not move a past
 * report. Where that calendar cannot count it (dates outside its holiday data, a missing
 * version) it stays null and the report says so instead of guessing.
 *
 * A recomputation from the log, so applying it again, or after an event recorded twice, gives
 * the same row. recordDossierEvent calls it for one dossier in the event's transaction; the
 * migration that added the columns calls it in ranges over the existing data.
 */
export async function refreshProcessingFacts(db: Knex, fromId: number, toId: number): Promise<{ dossiers: number; uncounted: number }> {
  const dossiers: Array<{ id: number; received_at: Date | null; calendar_code: string | null; calendar_version: number | null; agency_calendar: string | null }> = await db('dossiers as d')
    .leftJoin('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('work_calendars as c', 'c.id', 'a.calendar_id')
    .whereBetween('d.id', [fromId, toId])
    .select('d.id', 'd.received_at', 'd.calendar_code', 'd.calendar_version', 'c.code as agency_calendar');
  if (!dossiers.length) return { dossiers: 0, uncounted: 0 };
  const logged: Array<{ dossier_id: number; type: string; from_status: string | null; to_status: string | null; occurred_at: Date }> = await db('dossier_events')
    .whereBetween('dossier_id', [fromId, toId])
    .orderBy(['dossier_id', 'seq'])
    .select('dossier_id', 'type', 'from_status', 'to_status', 'occurred_at');
  const events = new Map<number, LoggedEvent[]>();
  for (const r of logged) {
    const list = events.get(r.dossier_id) ?? [];
    list.push({ type: r.type, fromStatus: r.from_status, toStatus: r.to_status, at: new Date(r.occurred_at) });
    events.set(r.dossier_id, list);
  }
  const calendars = new Map<string, Promise<WorkingCalendar | null>>();
  const calendarOf = (code: string, version: number | null) => {
    const key = `${code}@${version ?? 'latest'}`;
    let c = calendars.get(key);
    if (!c) {
      c = loadCalendar(db, code, version).catch((err) => {
        if (err instanceof UnknownCalendarError) return null;
        throw err;
      });
      calendars.set(key, c);
    }
    return c;
  };

  const cols = { id: [] as number[], endedAt: [] as Array<string | null>, endKind: [] as Array<string | null>, awaiting: [] as Array<string | null>, approvedAt: [] as Array<string | null>, ms: [] as Array<number | null>, dayMs: [] as Array<number | null> };
  let uncounted = 0;
  for (const d of dossiers) {
    const log = events.get(d.id) ?? [];
    const facts = processingEnd(log);
    const end = facts.endedAt ?? facts.awaitingCitizenSince;
    let ms: number | null = null;
    let dayMs: number | null = null;
    if (end && d.received_at) {
      const code = d.calendar_code ?? d.agency_calendar;
      const calendar = code ? await calendarOf(code, d.calendar_code ? d.calendar_version : null) : null;
      try {
        if (calendar) {
          const changes = log.filter((x) => x.toStatus !== null).map((x) => ({ at: x.at, toStatus: x.toStatus! }));
          ms = Math.round(processingWorkingMs(calendar, new Date(d.received_at), end, citizenWaits(changes, end)));
          dayMs = calendar.dailyWorkingMs;
        }
      } catch (err) {
        if (!(err instanceof CalendarCoverageError)) throw err;
      }
      if (ms === null) uncounted += 1;
    }
    const iso = (t: Date | null) => (t ? t.toISOString() : null);
    cols.id.push(d.id);
    cols.endedAt.push(iso(facts.endedAt));
    cols.endKind.push(facts.endKind);
    cols.awaiting.push(iso(facts.awaitingCitizenSince));
    cols.approvedAt.push(iso(facts.approvedAt));
    cols.ms.push(ms);
    cols.dayMs.push(dayMs);
  }
  await db.raw(
    `update dossiers d
        set processing_ended_at = f.ended_at, processing_end_kind = f.end_kind, awaiting_citizen_since = f.awaiting_since,
            approved_at = f.approved_at, processing_working_ms = f.working_ms, working_day_ms = f.day_ms,
            paid_online_at = (select min(coalesce(p.paid_at, p.created_at)) from dossier_payments p
                               where p.dossier_id = d.id and p.status = 'paid' and p.method = 'online'),
            result_issued_at = (select min(r.issued_at) from dossier_results r where r.dossier_id = d.id and r.kind = 'result')
       from unnest(?::bigint[], ?::timestamptz[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::bigint[], ?::int[])
            as f(id, ended_at, end_kind, awaiting_since, approved_at, working_ms, day_ms)
      where d.id = f.id`,
    // Arrays with nulls: node-postgres sends them as PostgreSQL arrays.
    [cols.id, cols.endedAt, cols.endKind, cols.awaiting, cols.approvedAt, cols.ms, cols.dayMs] as unknown as Knex.RawBinding[],
  );
  return { dossiers: dossiers.length, uncounted };
}

function clockRow(e: DossierEventRecord, c: ClockEntry): Record<string, unknown> {
  const { kind, at, ...rest } = c;
  const { reason, basis, actorId, ...data } = rest as { reason?: string | null; basis?: string | null; actorId?: number | null } & Record<string, unknown>;
  return {
    dossier_id: e.dossierId,
    seq: e.seq,
    kind,
    at,
    reason: reason ?? null,
    legal_basis: basis ?? null,
    actor_id: actorId ?? null,
    data: JSON.stringify(data),
  };
}

/**
 * Outbound webhooks (e.g. the national portal's sync): one delivery row per subscriber and
 * status change, written with the event so none is lost or doubled; a relay sends them.
 */
async function enqueueWebhookDeliveries(trx: Knex.Transaction, e: DossierEventRecord): Promise<void> {
  const subscribers: Array<{ id: number }> = await trx('webhook_subscriptions as s')
    .join('dossiers as d', (j) => j.on(trx.raw('d.id = ?', [e.dossierId])))
    .where('s.active', true)
    .andWhere((q) => q.whereNull('s.agency_id').orWhereRaw('s.agency_id = d.agency_id'))
    .andWhere((q) => q.whereRaw(`'*' = any(s.events)`).orWhereRaw(`'dossier.status_changed' = any(s.events)`))
    .select('s.id');
  if (!subscribers.length) return;
  const d = await trx('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .where('d.id', e.dossierId)
    .first('d.code', 'a.eid as agency_eid', 'p.code as procedure_code', 'p.national_code', 'd.received_at', 'd.appointment_at', 'd.due_at', 'd.channel');
  const eventKey = `dossier-${e.dossierId}-${e.seq}`;
  const payload = {
    id: eventKey,
    type: 'dossier.status_changed',
    occurredAt: toOffsetIso(new Date(e.occurredAt)),
    dossier: {
      code: d.code,
      agencyEid: d.agency_eid,
      procedureCode: d.procedure_code,
      nationalProcedureCode: d.national_code,
      channel: d.channel,
      receivedAt: d.received_at ? toOffsetIso(new Date(d.received_at)) : null,
      appointmentAt: d.appointment_at ? toOffsetIso(new Date(d.appointment_at)) : null,
      dueAt: d.due_at ? toOffsetIso(new Date(d.due_at)) : null,
    },
    change: { seq: e.seq, event: e.type, from: e.fromStatus, to: e.toStatus },
  };
  await trx('webhook_deliveries')
    .insert(subscribers.map((sub) => ({ subscription_id: sub.id, event_key: eventKey, event_type: payload.type, dossier_id: e.dossierId, payload: JSON.stringify(payload) })))
    .onConflict(['subscription_id', 'event_key'])
    .ignore();
}

/** The dossier's audit trail: every event with its actor, the status before and after, and the fields it set. */
async function auditDossierEvent(trx: Knex.Transaction, e: DossierEventRecord): Promise<void> {
  const reason = ['reason', 'overrideReason', 'note'].map((k) => e.data[k]).find((v): v is string => typeof v === 'string' && v !== '') ??
    (Array.isArray(e.data.reasons) ? (e.data.reasons as string[]).join('; ') : null);
  const { status: _status, ...fields } = e.projection;
  await trx.raw(
    `insert into audit_log (actor_kind, actor_id, actor_label, actor_role, agency_id, action, dossier_id, target, reason, before, after)
     select ?, ?, ?, ?, d.agency_id, ?, d.id, d.code, ?, ?::jsonb, ?::jsonb from dossiers d where d.id = ?`,
    [
      e.actorRole === 'applicant' ? 'citizen' : e.actorId ? 'officer' : 'system',
      e.actorId,
      e.actorRole === 'applicant' ? 'Người nộp hồ sơ' : e.actorId ? null : 'Hệ thống (quy trình hồ sơ)',
      e.actorRole,
      `dossier.${e.type}`,
      reason,
      JSON.stringify({ status: e.fromStatus }),
      JSON.stringify({ status: e.toStatus, ...fields }),
      e.dossierId,
    ],
  );
}

/** One event of a dossier's log as the officers' detail view lists it, with the actor's name. */
export interface DossierEventLine {
  seq: number;
  type: string;
  from_status: string | null;
  to_status: string | null;
  actor_role: string | null;
  actor_name: string | null;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** The dossier's whole event log in order, with the actors' names. */
export async function dossierEventLog(db: Tx, dossierId: number): Promise<DossierEventLine[]> {
  return db('dossier_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.dossier_id', dossierId)
    .orderBy('e.seq')
    .select('e.seq', 'e.type', 'e.from_status', 'e.to_status', 'e.actor_role', 'u.full_name as actor_name', 'e.occurred_at', 'e.data');
}

/** One row of the process-control sheet with the giver's and receiver's names. */
export interface HandoffLine {
  id: number;
  dossier_id: number;
  opened_seq: number;
  closed_seq: number | null;
  step: HandoffStep;
  giver_id: number | null;
  giver_unit: string;
  giver_name: string | null;
  receiver_id: number | null;
  receiver_unit: string;
  receiver_name: string | null;
  received_at: Date;
  due_at: Date | null;
  done_at: Date | null;
  outcome: 'early' | 'on_time' | 'late' | null;
  /** Routed dossiers (issue 17): the step of the pinned version, the receiving agency, the leg the row belongs to. */
  step_key: string | null;
  step_name: string | null;
  agency_eid: string | null;
  leg_workflow_id: string | null;
}

/** The dossier's process-control sheet (phiếu kiểm soát quá trình), in the order the hand-offs opened (a leg's rows among the dossier's by time). */
export async function dossierHandoffs(db: Tx, dossierId: number): Promise<HandoffLine[]> {
  return db('dossier_handoffs as h')
    .leftJoin('users as g', 'g.id', 'h.giver_id')
    .leftJoin('users as r', 'r.id', 'h.receiver_id')
    .where('h.dossier_id', dossierId)
    .orderBy([{ column: 'h.received_at' }, { column: 'h.id' }])
    .select('h.*', 'g.full_name as giver_name', 'r.full_name as receiver_name');
}
