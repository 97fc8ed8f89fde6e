import type { Knex } from 'knex';
import { CalendarCoverageError, toOffsetIso, type WorkingCalendar } from '../../domain/calendar';
import type { ClockEntry } from '../../domain/clock-ledger';
import { citizenWaits, END_EVENT_TYPES, processingEnd, processingWorkingMs, type LoggedEvent } from '../../domain/processing-facts';
import { loadCalendar, loadAgencyCalendar, UnknownCalendarError } from './calendars';
import { ensureTrackingBookNumber } from './sequences';
import { insertOutboxMessage } from './outbox';
import { loadDossierFacts } from '../../notifications/facts';
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

/** An earlier row of the sheet: the time it took counts against the step's budget. */
interface EarlierRow {
  received_at: Date;
  done_at: Date;
  count_from: Date | null;
}

/**
 * What the due date of a hand-off reads of its dossier, as the dossier stands after the event's
 * projection and the closing of its open row: read from the database inside the event's
 * transaction (recordDossierEventStatements, recordLegEvent) or from the caller's cached context
 * (recordDossierEvent). Loaders are called only on the paths that need them.
 */
export interface DueBasis {
  /** The procedure's step budgets (working hours per step). */
  budgets: Partial<Record<string, unknown>> | null;
  /** The dossier's legal due date (ms), null when none. */
  legalDueMs: number | null;
  /** The dossier's agency. */
  agencyEid: string;
  /** The dossier's calendar: its pinned version, else the agency's latest. */
  dossierCalendar: () => Promise<WorkingCalendar>;
  /** Another agency's calendar, its latest version. */
  agencyCalendar: (eid: string) => Promise<WorkingCalendar>;
  /** Earlier rows of the same sheet, done: of this step (fixed path) or of this step key (routed). */
  earlier: (by: { step: string } | { stepKey: string }) => Promise<EarlierRow[]>;
}

/** Working time the earlier rows took, each from when its budget counted (a visit's start), not from its opening. */
function spentOn(calendar: WorkingCalendar, earlier: readonly EarlierRow[]): number {
  return earlier.reduce((sum, e) => {
    const from = e.count_from && e.count_from > e.received_at ? e.count_from : e.received_at;
    return sum + calendar.workingTimeBetween(new Date(from), new Date(e.done_at));
  }, 0);
}

/**
 * The due date of a hand-off: what is left of the step's budget (working hours, less the
 * time the same step already took in earlier hand-offs of this dossier), capped by the
 * time the workflow gives (the dossier's appointment) and the legal due date.
 */
export async function dueOf(h: HandoffOpening, openedAt: string, b: DueBasis): Promise<string | null> {
  if (typeof h.budgetHours === 'number') return routedDueOf(h, openedAt, b);
  const { step, dueAt: cap } = h;
  const budgetHours = b.budgets?.[step];
  const legalDue = b.legalDueMs;
  const byLegalDue = (ms: number) => toOffsetIso(new Date(legalDue === null ? ms : Math.min(ms, legalDue)));
  // A site visit whose budget counts from its planned start (docs/domain.md §3.9): due after the visit, capped by the legal due date.
  const fromVisit = step === 'verification' && !!h.countFrom && !!cap;
  if (fromVisit && typeof budgetHours !== 'number') return byLegalDue(Date.parse(cap));
  // The citizen's supplement, the post, and a site visit without a budget have their own explicit time.
  if (!BUDGETED_STEPS.has(step) || (step === 'verification' && typeof budgetHours !== 'number')) return cap;
  // A verification budget covers scheduling, visits and minutes: the planned visit is not its limit.
  const caps = [step === 'verification' ? null : cap, legalDue !== null ? new Date(legalDue).toISOString() : null]
    .filter((c): c is string => !!c)
    .map((c) => Date.parse(c));
  const capMs = caps.length ? Math.min(...caps) : null;
  if (typeof budgetHours !== 'number') return capMs === null ? null : toOffsetIso(new Date(capMs));
  const calendar = await b.dossierCalendar();
  const spent = spentOn(calendar, await b.earlier({ step }));
  const left = Math.max(0, budgetHours * 3_600_000 - spent);
  if (fromVisit) {
    // Xác minh thực địa: the budget counts from the planned visit, and the row is never due before the visit ends.
    const own = calendar.addWorkingTime(new Date(h.countFrom!), left).getTime();
    return byLegalDue(Math.max(own, Date.parse(cap!)));
  }
  const own = calendar.stepDue(new Date(openedAt), budgetHours * 3_600_000, left).getTime();
  return toOffsetIso(new Date(capMs === null ? own : Math.min(own, capMs)));
}

/**
 * The due date of a hand-off of a routed dossier (issue 17): the step's budget in working hours
 * of the receiving agency's calendar (`h.agencyEid`, else the dossier's own, pinned version),
 * less the time the same step (`stepKey`) already took in earlier rows of the same sheet (the
 * dossier's own, or the same leg's), capped by the time the workflow gives and the dossier's
 * due date.
 */
async function routedDueOf(h: HandoffOpening, openedAt: string, b: DueBasis): Promise<string | null> {
  const caps = [h.dueAt, b.legalDueMs !== null ? new Date(b.legalDueMs).toISOString() : null].filter((c): c is string => !!c).map((c) => Date.parse(c));
  const capMs = caps.length ? Math.min(...caps) : null;
  const budgetHours = h.budgetHours;
  if (typeof budgetHours !== 'number') return capMs === null ? null : toOffsetIso(new Date(capMs));
  const otherAgency = !!h.agencyEid && h.agencyEid !== b.agencyEid;
  const calendar = otherAgency ? await b.agencyCalendar(h.agencyEid!) : await b.dossierCalendar();
  const spent = h.stepKey ? spentOn(calendar, await b.earlier({ stepKey: h.stepKey })) : 0;
  const left = Math.max(0, budgetHours * 3_600_000 - spent);
  const start = h.countFrom && Date.parse(h.countFrom) > Date.parse(openedAt) ? h.countFrom : openedAt;
  const own = calendar.stepDue(new Date(start), budgetHours * 3_600_000, left).getTime();
  return toOffsetIso(new Date(capMs === null ? own : Math.min(own, capMs)));
}

/** The due basis read from the database in the caller's transaction; `legWorkflowId` names the leg whose rows these are (null: the dossier's own). */
function dueBasisFromDb(trx: Knex.Transaction, dossierId: number, legWorkflowId: string | null): (withBudgets: boolean) => Promise<DueBasis> {
  return async (withBudgets) => {
    const q = trx('dossiers as d').join('agencies as a', 'a.id', 'd.agency_id').where('d.id', dossierId);
    if (withBudgets) q.join('procedures as p', 'p.id', 'd.procedure_id');
    const d = await q.first(...(withBudgets ? ['p.step_budgets'] : []), 'd.calendar_code', 'd.calendar_version', 'd.due_at', 'a.eid');
    return {
      budgets: (d?.step_budgets as Record<string, unknown> | null | undefined) ?? null,
      legalDueMs: d?.due_at ? new Date(d.due_at).getTime() : null,
      agencyEid: d?.eid,
      dossierCalendar: () => (d.calendar_code ? loadCalendar(trx, d.calendar_code, d.calendar_version) : loadAgencyCalendar(trx, d.eid)),
      agencyCalendar: (eid) => loadAgencyCalendar(trx, eid),
      earlier: async (by) => {
        const rows = trx('dossier_handoffs').where({ dossier_id: dossierId }).whereNotNull('done_at');
        if ('step' in by) rows.where('step', by.step);
        else rows.where('step_key', by.stepKey);
        if (legWorkflowId === null) rows.whereNull('leg_workflow_id');
        else rows.where('leg_workflow_id', legWorkflowId);
        return rows.select('received_at', 'done_at', 'count_from');
      },
    };
  };
}

async function handoffDue(trx: Knex.Transaction, dossierId: number, h: HandoffOpening, openedAt: string): Promise<string | null> {
  return dueOf(h, openedAt, await dueBasisFromDb(trx, dossierId, null)(typeof h.budgetHours !== 'number'));
}

/**
 * The due date of a hand-off of a routed dossier (routedDueOf), its dossier read in the caller's
 * transaction. `legWorkflowId` names the leg whose rows these are (null: the dossier's own).
 */
export async function routedHandoffDue(trx: Knex.Transaction, dossierId: number, h: HandoffOpening, openedAt: string, legWorkflowId: string | null): Promise<string | null> {
  return routedDueOf(h, openedAt, await dueBasisFromDb(trx, dossierId, legWorkflowId)(false));
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
 * Raises the version of the dossier's event context (`dossiers.context_version`, migration
 * 20261207000001) by one: every write of the dossier's event log or of its own rows of the
 * process-control sheet (not a leg's) calls it in its transaction, once, so that
 * record_dossier_event sees that the context a process holds is behind without reading the log.
 */
export async function bumpContextVersion(trx: Knex.Transaction, dossierId: number): Promise<void> {
  await trx('dossiers').where('id', dossierId).increment('context_version', 1);
}

/**
 * Closes the open row of the sheet, at `occurredAt`, with its outcome: the dossier's own row
 * (`legWorkflowId` null) or the open row of one inter-agency leg. The dossier's own row is in the
 * event context: its caller raises the context's version in the same transaction (bumpContextVersion).
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
 * process-control sheet, in one transaction of 8–12+ statements (the way before issue 18;
 * recordDossierEvent does the same in one round trip). The event row is the idempotency guard:
 * when it already exists the whole event was applied before, so a retry changes nothing.
 * Without a hook, the citizen message of `e.notify` is written as addToOutbox did.
 */
export async function recordDossierEventStatements(db: Knex, e: DossierEventRecord, hooks: RecordHooks = {}): Promise<{ inserted: boolean }> {
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
    // The log changes (and the sheet may): the version of the dossier's context is one up, as record_dossier_event raises it (migration 20261207000001).
    await bumpContextVersion(trx, e.dossierId);

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
        .insert(e.clock.map((c) => clockRow(e, c)).map((r) => ({ ...r, data: JSON.stringify(r.data) })))
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
    else if (e.notify) await notifyInTransaction(trx, e);
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

// ---------------------------------------------------------------- one round trip (issue 18)

/**
 * What the calendar maths of an event reads of its dossier (migration 20261207000001,
 * `dossier_context_full`): its head (the projection's position, the agency, the receipt, the legal
 * due date, the pinned calendar, the procedure's step budgets), the dossier's own rows of the
 * sheet [opened_seq, step, step_key, received_at, done_at, count_from] and its event log
 * [seq, type, from_status, to_status, occurred_at], instants in ms.
 */
interface EventContext {
  seq: number;
  agencyEid: string;
  receivedAt: number | null;
  dueAt: number | null;
  calendarCode: string | null;
  calendarVersion: number | null;
  budgets: Record<string, unknown> | null;
  sheet: Array<[number, string, string | null, number, number | null, number | null]>;
  log: Array<[number, string, string | null, string | null, number]>;
}

type ContextHead = Omit<EventContext, 'sheet' | 'log'>;

interface CachedContext {
  /** `dossiers.context_version`: one up with every write of the dossier's log or its own rows of the sheet. */
  version: number;
  /** `version:md5(head)` as PostgreSQL writes it: the function compares it with the rows under lock. */
  token: string;
  ctx: EventContext;
}

/** A calendar assumption the function checks: the agency's calendar code, or the latest version of a code. */
type CalendarAssumption = { eid: string; code: string | null } | { code: string; version: number | null };

interface RecordAnswer {
  inserted: boolean;
  stale?: boolean;
  /** The whole context: on a miss, a retry, or after a write for a caller that held none (`want`). */
  context?: CachedContext | null;
  calendars?: CalendarAssumption[];
  /** After a write: the candidate taken (its `assume`), the version before and after, the new token and head. */
  took?: string | null;
  from?: number;
  version?: number;
  token?: string;
  head?: ContextHead;
  /** …and what changed in the log and the sheet: the row logged, the row closed [opened_seq, done_at], the row opened. */
  logged?: EventContext['log'][number];
  closed?: [number, number] | null;
  opened?: EventContext['sheet'][number] | null;
}

/**
 * Per-process caches. Each dossier's context as the last call of this process left it (the
 * function answers what its write changed, applied here), least recently used first out; the dossier workflow's
 * events run on the worker that holds it (sticky), so the next event finds it here. A calendar
 * version never changes (built once); which code an agency works by and a code's latest version
 * can, so every use of them is checked by the function.
 */
const CONTEXT_CACHE_SIZE = 2_000;
const contexts = new Map<number, CachedContext>();
const latestVersions = new Map<string, number | null>();
const agencyCalendarCodes = new Map<string, string | null>();
const calendarVersions = new Map<string, Promise<WorkingCalendar | null>>();

function remember(dossierId: number, c: CachedContext | null): void {
  contexts.delete(dossierId);
  if (!c) return;
  contexts.set(dossierId, c);
  if (contexts.size > CONTEXT_CACHE_SIZE) contexts.delete(contexts.keys().next().value!);
}

/**
 * The context a write leaves, from the one it was computed on (`base`, at version `a.from`): the
 * function's new head, the log's new row, the sheet's row closed and the row opened. Null when
 * the answer has no such delta.
 */
function applyWrite(base: EventContext, a: RecordAnswer): CachedContext | null {
  if (a.version === undefined || !a.token || !a.head || !a.logged) return null;
  const log = base.log.filter((r) => r[0] !== a.logged![0]);
  log.push(a.logged);
  log.sort((x, y) => x[0] - y[0]);
  const sheet = base.sheet.map((r) => (a.closed && r[0] === a.closed[0] ? ([r[0], r[1], r[2], r[3], a.closed[1], r[5]] as EventContext['sheet'][number]) : r));
  if (a.opened) {
    sheet.push(a.opened);
    sheet.sort((x, y) => x[0] - y[0]);
  }
  return { version: a.version, token: a.token, ctx: { ...a.head, sheet, log } };
}

/** Reads of a dossier's context in flight (warmEventContext), which its next event here waits for. */
const warming = new Map<number, Promise<void>>();

/**
 * Reads one dossier's context into this process's cache ahead of its first event here: the
 * worker, when a run of the dossier begins on it (workflows/contracts/worker-sinks.ts). The
 * dossier the API filed has its first event written by the API's process, so the worker's first
 * (the acceptance) would find no context, assume a blank, be answered "stale" and call the
 * function again; read now, off the action's path, it is one call. A plain read of one snapshot
 * (`dossier_context_full`), taken without the dossier's lock: if a write lands after it, the
 * function finds the version moved and answers as without it. A context this process holds (it
 * wrote the dossier since) is never replaced, and a failed read is only a hint lost.
 */
export function warmEventContext(db: Knex, dossierId: number): Promise<void> {
  if (contexts.has(dossierId)) return Promise.resolve();
  let w = warming.get(dossierId);
  if (!w) {
    w = db
      .raw('select dossier_context_full(?) as c', [dossierId])
      .then((r: { rows: Array<{ c: CachedContext | null }> }) => {
        const c = r.rows[0]?.c;
        // Not if the context was forgotten meanwhile (tests): a forgotten dossier is as one never seen.
        if (c && !contexts.has(dossierId) && warming.get(dossierId) === w) remember(dossierId, c);
      })
      .catch(() => undefined)
      .finally(() => {
        if (warming.get(dossierId) === w) warming.delete(dossierId);
      });
    warming.set(dossierId, w);
  }
  return w;
}

/** This process's context of one dossier (tests compare it with `dossier_context_full`). */
export function cachedEventContext(dossierId: number): { version: number; token: string; ctx: unknown } | undefined {
  return contexts.get(dossierId);
}

/** Forgets one dossier's context, as a process that has not seen it (tests). */
export function forgetEventContext(dossierId: number): void {
  contexts.delete(dossierId);
  warming.delete(dossierId);
}

/** Empties this process's caches of dossier contexts and calendar lookups (tests). */
export function forgetEventContexts(): void {
  contexts.clear();
  warming.clear();
  blanks.length = 0;
  latestVersions.clear();
  agencyCalendarCodes.clear();
}

/** The calendars an event's maths uses, from the process's caches, each use noted for the function to check. */
class CalendarLookups {
  readonly assumed: CalendarAssumption[] = [];
  constructor(private readonly db: Knex) {}

  private async latest(code: string): Promise<number | null> {
    if (!latestVersions.has(code)) {
      const row = await this.db('work_calendars').where('code', code).max('version as v').first();
      latestVersions.set(code, row?.v === null || row?.v === undefined ? null : Number(row.v));
    }
    const version = latestVersions.get(code)!;
    this.assumed.push({ code, version });
    return version;
  }

  /** A version of a calendar (null: its latest), or null when there is none. */
  async version(code: string, pinned: number | null): Promise<WorkingCalendar | null> {
    const version = pinned ?? (await this.latest(code));
    if (version === null) return null;
    const key = `${code}@${version}`;
    let c = calendarVersions.get(key);
    if (!c) {
      c = loadCalendar(this.db, code, version).catch((err) => {
        calendarVersions.delete(key);
        if (err instanceof UnknownCalendarError) return null;
        throw err;
      });
      calendarVersions.set(key, c);
    }
    return c;
  }

  /** The code of the calendar an agency works by (null: none). */
  async agencyCode(eid: string): Promise<string | null> {
    if (!agencyCalendarCodes.has(eid)) {
      const row = await this.db('agencies as a').leftJoin('work_calendars as c', 'c.id', 'a.calendar_id').where('a.eid', eid).first('c.code');
      agencyCalendarCodes.set(eid, row?.code ?? null);
    }
    const code = agencyCalendarCodes.get(eid)!;
    this.assumed.push({ eid, code });
    return code;
  }

  /** An agency's calendar, its latest version, as loadAgencyCalendar: unknown is an error. */
  async ofAgency(eid: string): Promise<WorkingCalendar> {
    const code = await this.agencyCode(eid);
    if (!code) throw new UnknownCalendarError(`agency ${eid} has no working calendar`);
    const calendar = await this.version(code, null);
    if (!calendar) throw new UnknownCalendarError(`calendar ${code} does not exist`);
    return calendar;
  }
}

/** Whether the event's writes need the calendar maths (a hand-off's due time, the QĐ 766 facts). */
function needsContext(e: DossierEventRecord): boolean {
  if (changesProcessingFacts(e)) return true;
  const h = e.handoff?.open;
  // The citizen's supplement, the post and the other unbudgeted steps take the time the workflow gives.
  return !!h && (typeof h.budgetHours === 'number' || BUDGETED_STEPS.has(h.step) || h.step === 'verification');
}

/** What the calendar maths gives for this event, from the dossier's context as it will stand after the event's projection and close. */
async function computeFromContext(e: DossierEventRecord, c: EventContext, cal: CalendarLookups): Promise<{ facts: ProcessingFactsRow | null; dueAt: string | null | undefined }> {
  const projects = c.seq < e.seq;
  const p = e.projection;
  const instant = (v: string | null | undefined, before: number | null) => (projects && v !== undefined ? (v === null ? null : Date.parse(v)) : before);
  const receivedAt = instant(p.receivedAt, c.receivedAt);
  const legalDue = instant(p.dueAt, c.dueAt);
  const calendarCode = projects && p.calendarCode !== undefined ? p.calendarCode : c.calendarCode;
  const calendarVersion = projects && p.calendarVersion !== undefined ? p.calendarVersion : c.calendarVersion;

  let facts: ProcessingFactsRow | null = null;
  if (changesProcessingFacts(e)) {
    const log: LoggedEvent[] = c.log
      .filter(([seq]) => seq !== e.seq)
      .map(([seq, type, from, to, at]) => ({ seq, type, fromStatus: from, toStatus: to, at: new Date(at) }))
      .concat([{ seq: e.seq, type: e.type, fromStatus: e.fromStatus, toStatus: e.toStatus, at: new Date(e.occurredAt) }])
      .sort((a, b) => a.seq - b.seq)
      .map(({ seq: _seq, ...x }) => x);
    facts = await processingFactsOf(log, receivedAt === null ? null : new Date(receivedAt), async () => {
      const code = calendarCode ?? (await cal.agencyCode(c.agencyEid));
      return code ? cal.version(code, calendarCode ? calendarVersion : null) : null;
    });
  }

  let dueAt: string | null | undefined;
  const h = e.handoff?.open;
  if (h) {
    const doneAt = Date.parse(e.occurredAt);
    let open: number | null = null;
    if (e.handoff?.close) for (const r of c.sheet) if (r[4] === null && (open === null || r[0] > open)) open = r[0];
    const rows = c.sheet.map(([openedSeq, step, stepKey, received, done, countFrom]) => ({ step, stepKey, received, done: openedSeq === open ? doneAt : done, countFrom }));
    dueAt = await dueOf(h, e.occurredAt, {
      budgets: c.budgets,
      legalDueMs: legalDue,
      agencyEid: c.agencyEid,
      dossierCalendar: async () => {
        if (!calendarCode) return cal.ofAgency(c.agencyEid);
        const calendar = await cal.version(calendarCode, calendarVersion);
        if (!calendar) throw new UnknownCalendarError(`calendar ${calendarCode}${calendarVersion ? ` v${calendarVersion}` : ''} does not exist`);
        return calendar;
      },
      agencyCalendar: (eid) => cal.ofAgency(eid),
      earlier: async (by) =>
        rows
          .filter((r) => r.done !== null && ('step' in by ? r.step === by.step : r.stepKey === by.stepKey))
          .map((r) => ({ received_at: new Date(r.received), done_at: new Date(r.done!), count_from: r.countFrom === null ? null : new Date(r.countFrom) })),
    });
  }
  return { facts, dueAt };
}

type Computed = { facts: ProcessingFactsRow | null; dueAt: string | null | undefined };

/** The hand-off row the event opens, with its due time. */
function openRow(e: DossierEventRecord, dueAt: string | null | undefined): Record<string, unknown> | null {
  const h = e.handoff?.open;
  if (!h) return null;
  return {
    step: h.step,
    giverId: h.giverId,
    giverUnit: h.giverUnit,
    receiverId: h.receiverId,
    receiverUnit: h.receiverUnit,
    dueAt: dueAt === undefined ? h.dueAt : dueAt,
    countFrom: h.countFrom || null,
    stepKey: h.stepKey || null,
    stepName: h.stepName || null,
    agencyEid: h.agencyEid || null,
  };
}

/**
 * The function's argument: the event and every value it writes that TypeScript computes. With
 * `candidates` (the calendar maths' results for each context assumed, with its token) and the
 * calendar assumptions, the function checks them; without, the event needs no maths. `want`:
 * this process holds no context of the dossier and assumed none, so the function answers the
 * whole of it after its write rather than what the write changed.
 */
function functionArgument(e: DossierEventRecord, candidates: Array<Computed & { assume: string }> | null, calendars: CalendarAssumption[], want = false): Record<string, unknown> {
  const projection: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(e.projection)) {
    if (value !== undefined) projection[COLUMNS[key as keyof ProjectionFields]] = value;
  }
  return {
    dossierId: e.dossierId,
    seq: e.seq,
    type: e.type,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    actorId: e.actorId,
    actorRole: e.actorRole,
    occurredAt: e.occurredAt,
    isPublic: e.isPublic,
    data: e.data,
    projection,
    receivedAtSet: e.projection.receivedAt !== undefined,
    facts: null,
    close: !!e.handoff?.close,
    clock: (e.clock ?? []).map((c) => clockRow(e, c)),
    audit: auditValues(e),
    webhook: e.fromStatus !== e.toStatus,
    alert: e.alert ? { kind: e.alert.kind, level: e.alert.level, message: e.alert.message } : null,
    open: openRow(e, undefined),
    notify: e.notify || null,
    candidates: candidates?.map((c) => ({ assume: c.assume, facts: c.facts, open: openRow(e, c.dueAt) })) ?? null,
    calendars,
    protocol: 2,
    want,
  };
}

async function callRecordFunction(db: Knex, arg: Record<string, unknown>): Promise<RecordAnswer> {
  const result = await db.raw('select record_dossier_event(?::jsonb) as r', [JSON.stringify(arg)]);
  return result.rows[0].r as RecordAnswer;
}

/** Blank contexts (a new dossier: no event, no row of the sheet) of the last agencies and procedures seen, most recent first. */
const BLANKS = 4;
const blanks: CachedContext[] = [];

function noteBlank(c: CachedContext | null): void {
  if (!c) return;
  const x = c.ctx;
  if (x.seq !== 0 || x.log.length || x.sheet.length || x.receivedAt !== null || x.dueAt !== null || x.calendarCode !== null || x.calendarVersion !== null) return;
  const i = blanks.findIndex((b) => b.token === c.token);
  if (i >= 0) blanks.splice(i, 1);
  blanks.unshift(c);
  blanks.length = Math.min(blanks.length, BLANKS);
}

/** What a blank context is assumed as for another new dossier: the same head, nothing in its log or sheet. */
function blankAssumption(c: CachedContext): string {
  return `blank:${c.token.slice(c.token.indexOf(':') + 1)}`;
}

/**
 * Appends one event to the dossier's log and applies it to the read model and the
 * process-control sheet (every write of recordDossierEventStatements, the citizen message of
 * `e.notify` included) in one database round trip: one call of `record_dossier_event`
 * (migrations 20261206000001, 20261207000001). The event row is the idempotency guard: when it
 * already exists the whole event was applied before, so a retry changes nothing.
 *
 * The hand-off's due time and the QĐ 766 facts are computed here, on the calendars, from this
 * process's cached context of the dossier; the function checks that context (its version, which
 * every write of the log and the sheet raises, and its head, three rows by primary key) and the
 * calendar versions used against the rows under the dossier's lock, without reading the log or
 * the sheet. When they differ (the first event of this dossier in this process, another writer
 * in between) it writes nothing and answers the current context, and the event is computed and
 * sent again: a second round trip only then. After a write it answers what the write changed,
 * applied here to the context the event was computed on. A dossier this process has not seen yet
 * is tried as a new dossier like the last new ones it saw (a blank context of the same agency
 * and procedure): its first event is one round trip too. A dossier filed by another process (the
 * API writes its submission) has its context read when its run begins on this worker
 * (warmEventContext); an event that finds that read under way waits for it. A caller's own hook
 * (`hooks.afterProjection`) takes the statements' way.
 */
export async function recordDossierEvent(db: Knex, e: DossierEventRecord, hooks: RecordHooks = {}): Promise<{ inserted: boolean }> {
  if (hooks.afterProjection) return recordDossierEventStatements(db, e, hooks);
  const needs = needsContext(e);
  // The worker's read of this dossier's context, begun when its run did, may still be on its way.
  if (!contexts.has(e.dossierId)) await warming.get(e.dossierId);
  // Whether the context in hand was read from the database by this call (a failure on it is the event's own).
  let fresh = false;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const held = contexts.get(e.dossierId);
    let tries: Array<{ assume: string; c: CachedContext }> = !needs ? [] : held ? [{ assume: held.token, c: held }] : attempt === 0 ? blanks.map((b) => ({ assume: blankAssumption(b), c: b })) : [];
    if (needs && tries.length === 0) {
      // Nothing to assume: an empty list of candidates writes nothing and answers the context.
      const probe = await callRecordFunction(db, functionArgument(e, [], []));
      remember(e.dossierId, probe.context ?? null);
      if (!probe.stale) return { inserted: probe.inserted };
      if (!probe.context) break; // no such dossier: the statements say so as before
      noteBlank(probe.context);
      tries = [{ assume: probe.context.token, c: probe.context }];
      fresh = true;
    }
    const cal = new CalendarLookups(db);
    const candidates: Array<Computed & { assume: string }> = [];
    let failure: unknown = null;
    for (const t of tries) {
      try {
        candidates.push({ assume: t.assume, ...(await computeFromContext(e, t.c.ctx, cal)) });
      } catch (err) {
        failure = err;
      }
    }
    if (needs && candidates.length === 0) {
      if (fresh) throw failure;
      // A context from an earlier call may be what the maths failed on: once more on the current one.
      contexts.delete(e.dossierId);
      continue;
    }
    // The whole context back only when nothing here can be built on: a blank taken is applied like a held one (the
    // API's submission, whose process never writes the dossier again, no longer has the log and the sheet read back).
    const answer = await callRecordFunction(db, functionArgument(e, needs ? candidates : null, cal.assumed, !contexts.has(e.dossierId) && tries.length === 0));
    if (answer.inserted) {
      // The context the write was made on: the candidate taken, else the one held if still at the version written on.
      const taken = answer.took ? tries.find((t) => t.assume === answer.took)?.c : undefined;
      const now = contexts.get(e.dossierId);
      const base = taken ?? (now && now.version === answer.from ? now : undefined);
      remember(e.dossierId, answer.context ?? (base ? applyWrite(base.ctx, answer) : null));
      return { inserted: true };
    }
    remember(e.dossierId, answer.context ?? null);
    if (!answer.stale) return { inserted: false };
    noteBlank(answer.context ?? null);
    fresh = true;
    for (const c of answer.calendars ?? []) {
      if ('eid' in c) agencyCalendarCodes.set(c.eid, c.code);
      else latestVersions.set(c.code, c.version);
    }
  }
  return recordDossierEventStatements(db, e);
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
    const code = d.calendar_code ?? d.agency_calendar;
    const f = await processingFactsOf(events.get(d.id) ?? [], d.received_at, async () => (code ? calendarOf(code, d.calendar_code ? d.calendar_version : null) : null));
    if (f.counted === false) uncounted += 1;
    cols.id.push(d.id);
    cols.endedAt.push(f.endedAt);
    cols.endKind.push(f.endKind);
    cols.awaiting.push(f.awaitingSince);
    cols.approvedAt.push(f.approvedAt);
    cols.ms.push(f.workingMs);
    cols.dayMs.push(f.dayMs);
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

/** One dossier's QĐ 766 facts, as the read model's columns take them (ISO instants). */
export interface ProcessingFactsRow {
  endedAt: string | null;
  endKind: 'decision' | 'stop' | null;
  awaitingSince: string | null;
  approvedAt: string | null;
  workingMs: number | null;
  dayMs: number | null;
  /** Whether the working time was due and counted (null: not due, no end or no receipt). */
  counted: boolean | null;
}

/**
 * The QĐ 766 facts of one dossier from its event log in `seq` order, its receipt and its
 * calendar (loaded only when the working time is due; null: no calendar, left uncounted).
 */
export async function processingFactsOf(log: readonly LoggedEvent[], receivedAt: Date | null, calendarOf: () => Promise<WorkingCalendar | null>): Promise<ProcessingFactsRow> {
  const facts = processingEnd(log);
  const end = facts.endedAt ?? facts.awaitingCitizenSince;
  let ms: number | null = null;
  let dayMs: number | null = null;
  let counted: boolean | null = null;
  if (end && receivedAt) {
    const calendar = await calendarOf();
    try {
      if (calendar) {
        const changes = log.filter((x) => x.toStatus !== null).map((x) => ({ at: x.at, toStatus: x.toStatus! }));
        ms = Math.round(processingWorkingMs(calendar, new Date(receivedAt), end, citizenWaits(changes, end)));
        dayMs = calendar.dailyWorkingMs;
      }
    } catch (err) {
      if (!(err instanceof CalendarCoverageError)) throw err;
    }
    counted = ms !== null;
  }
  const iso = (t: Date | null) => (t ? t.toISOString() : null);
  return { endedAt: iso(facts.endedAt), endKind: facts.endKind, awaitingSince: iso(facts.awaitingCitizenSince), approvedAt: iso(facts.approvedAt), workingMs: ms, dayMs, counted };
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
    data,
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

/** The dossier's audit row of an event: its actor, the status before and after, and the fields it set. */
function auditValues(e: DossierEventRecord): { actorKind: 'citizen' | 'officer' | 'system'; actorLabel: string | null; reason: string | null; before: Record<string, unknown>; after: Record<string, unknown> } {
  const reason = ['reason', 'overrideReason', 'note'].map((k) => e.data[k]).find((v): v is string => typeof v === 'string' && v !== '') ??
    (Array.isArray(e.data.reasons) ? (e.data.reasons as string[]).join('; ') : null);
  const { status: _status, ...fields } = e.projection;
  return {
    actorKind: e.actorRole === 'applicant' ? 'citizen' : e.actorId ? 'officer' : 'system',
    actorLabel: e.actorRole === 'applicant' ? 'Người nộp hồ sơ' : e.actorId ? null : 'Hệ thống (quy trình hồ sơ)',
    reason,
    before: { status: e.fromStatus },
    after: { status: e.toStatus, ...fields },
  };
}

/** The dossier's audit trail: every event with its actor, the status before and after, and the fields it set. */
async function auditDossierEvent(trx: Knex.Transaction, e: DossierEventRecord): Promise<void> {
  const a = auditValues(e);
  await trx.raw(
    `insert into audit_log (actor_kind, actor_id, actor_label, actor_role, agency_id, action, dossier_id, target, reason, before, after)
     select ?, ?, ?, ?, d.agency_id, ?, d.id, d.code, ?, ?::jsonb, ?::jsonb from dossiers d where d.id = ?`,
    [a.actorKind, e.actorId, a.actorLabel, e.actorRole, `dossier.${e.type}`, a.reason, JSON.stringify(a.before), JSON.stringify(a.after), e.dossierId],
  );
}

/** The citizen message of `e.notify` (activities/notifications.ts addToOutbox), in the event's transaction. */
async function notifyInTransaction(trx: Knex.Transaction, e: DossierEventRecord): Promise<void> {
  const dossier = await loadDossierFacts(trx, e.dossierId);
  if (!dossier) throw new Error(`dossier ${e.dossierId} not found`);
  await insertOutboxMessage(trx, { job_key: `dossier-${e.dossierId}-${e.seq}-${e.notify}`, dossier_id: e.dossierId, template: e.notify!, payload: JSON.stringify({ dossier }) });
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
