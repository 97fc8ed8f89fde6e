import type { Knex } from 'knex';
import type { HandoffStep } from '../activities/read-model';
import type { OfficerRole } from '../domain/types';

/**
 * Read-model and event-log queries behind the supervisor API (issue 4). Pure SQL: the
 * classification (early / on time / late) and the QĐ 766 arithmetic live in indicators.ts.
 */

/** Received and not yet decided: the legal clock stops at the decision (or a stop). */
export const OPEN_STATUSES = ['RECEIVED', 'IN_REVIEW', 'SUPPLEMENT_REQUESTED', 'SITE_VERIFICATION', 'AWAITING_DECISION'] as const;

export const WORKLIST_VIEWS = ['due_today', 'due_within', 'overdue', 'paused', 'at_risk'] as const;
export type WorklistView = (typeof WORKLIST_VIEWS)[number];

export const HANDOFF_STEPS = ['intake', 'citizen_supplement', 'assignment', 'review', 'verification', 'decision', 'result', 'postal'] as const satisfies readonly HandoffStep[];

export const SUPERVISING_ROLES: readonly OfficerRole[] = ['supervisor', 'leader', 'admin'];

/** Event types that end processing (QĐ 766 indicator 2.1): the decision or a stop. */
const END_EVENT_TYPES = ['approved', 'denied', 'withdrawn', 'cancelled'];

/** The effective due date: the legal one from the clock ledger, the appointment on rows older than it. */
const DUE = 'coalesce(d.due_at, d.appointment_at)';

export interface AgencyRef {
  id: number;
  eid: string;
  name: string;
}

// ---------------------------------------------------------------- identity and scope

export async function findActiveUser(db: Knex, idOrUsername: string): Promise<{ id: number; username: string; fullName: string } | undefined> {
  const row = await db('users')
    .where(/^\d+$/.test(idOrUsername) ? { id: Number(idOrUsername) } : { username: idOrUsername })
    .andWhere('active', true)
    .first('id', 'username', 'full_name');
  return row ? { id: row.id, username: row.username, fullName: row.full_name } : undefined;
}

export async function findAgency(db: Knex, eid: string): Promise<AgencyRef | undefined> {
  return db('agencies').where('eid', eid).first('id', 'eid', 'name');
}

export async function allAgencies(db: Knex): Promise<AgencyRef[]> {
  return db('agencies').orderBy('eid').select('id', 'eid', 'name');
}

export async function findProcedure(db: Knex, code: string): Promise<{ id: number; code: string } | undefined> {
  return db('procedures').where('code', code).first('id', 'code');
}

// ---------------------------------------------------------------- worklists

export interface WorklistQuery {
  view: WorklistView;
  asOf: Date;
  agencyIds: number[];
  /** due_within: end of the window per agency (asOf + N working days on its calendar), inclusive. */
  windowEnds?: ReadonlyMap<number, Date>;
  procedureId?: number;
  assigneeId?: number;
  step?: HandoffStep;
}

export interface WorklistRow {
  id: number;
  code: string;
  status: string;
  agencyId: number;
  agencyEid: string;
  agencyName: string;
  procedureCode: string;
  procedureName: string;
  assignee: { id: number; username: string; fullName: string } | null;
  currentStep: { step: string; dueAt: Date | null } | null;
  receivedAt: Date;
  due: Date | null;
  appointmentAt: Date | null;
  apologyIssuedAt: Date | null;
  clockPausedAt: Date | null;
  deadlineState: string | null;
}

/**
 * Open dossiers of a worklist view, due first. The read model is the current state; `asOf`
 * is the clock the views compare with, and dossiers received after it are left out.
 */
export async function worklist(db: Knex, q: WorklistQuery): Promise<WorklistRow[]> {
  const query = db('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .join('work_calendars as c', 'c.id', 'a.calendar_id')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .leftJoin('users as u', 'u.id', 'd.assignee_id')
    // The open row of the process-control sheet is where the dossier is now.
    .joinRaw(
      `left join lateral (select h.step, h.due_at from dossier_handoffs h
         where h.dossier_id = d.id and h.done_at is null order by h.opened_seq desc limit 1) cur on true`,
    )
    .whereIn('d.agency_id', q.agencyIds)
    .whereIn('d.status', OPEN_STATUSES)
    .whereNotNull('d.received_at')
    .where('d.received_at', '<=', q.asOf);

  switch (q.view) {
    case 'due_today':
      // Due later on the local day of asOf; what is already past is in `overdue`.
      query
        .whereNull('d.clock_paused_at')
        .whereRaw(`${DUE} >= ?`, [q.asOf])
        .whereRaw(`((${DUE}) at time zone 'UTC' + c.utc_offset_minutes * interval '1 minute')::date = (?::timestamptz at time zone 'UTC' + c.utc_offset_minutes * interval '1 minute')::date`, [
          q.asOf.toISOString(),
        ]);
      break;
    case 'due_within': {
      const ends = [...(q.windowEnds ?? new Map<number, Date>())];
      query
        .joinRaw('join unnest(?::int[], ?::timestamptz[]) as win(agency_id, until) on win.agency_id = d.agency_id', [
          ends.map(([id]) => id),
          ends.map(([, until]) => until.toISOString()),
        ])
        .whereNull('d.clock_paused_at')
        .whereRaw(`${DUE} >= ?`, [q.asOf])
        .whereRaw(`${DUE} <= win.until`);
      break;
    }
    case 'overdue':
      // A paused clock (waiting for the citizen, a clock-excluded step) is not the agency's delay.
      query.whereNull('d.clock_paused_at').whereRaw(`${DUE} < ?`, [q.asOf]);
      break;
    case 'paused':
      query.whereNotNull('d.clock_paused_at').where('d.clock_paused_at', '<=', q.asOf);
      break;
    case 'at_risk':
      query.where('d.deadline_state', 'at_risk');
      break;
  }
  if (q.procedureId !== undefined) query.where('d.procedure_id', q.procedureId);
  if (q.assigneeId !== undefined) query.where('d.assignee_id', q.assigneeId);
  if (q.step !== undefined) query.where('cur.step', q.step);

  const rows = await query
    .orderByRaw(`${DUE} asc nulls last, d.code asc`)
    .select(
      'd.id',
      'd.code',
      'd.status',
      'd.received_at',
      'd.appointment_at',
      'd.apology_issued_at',
      'd.clock_paused_at',
      'd.deadline_state',
      db.raw(`${DUE} as due`),
      'a.id as agency_id',
      'a.eid as agency_eid',
      'a.name as agency_name',
      'p.code as procedure_code',
      'p.name as procedure_name',
      'u.id as assignee_id',
      'u.username as assignee_username',
      'u.full_name as assignee_name',
      'cur.step as step',
      'cur.due_at as step_due_at',
    );
  return rows.map((r: Record<string, any>) => ({
    id: r.id,
    code: r.code,
    status: r.status,
    agencyId: r.agency_id,
    agencyEid: r.agency_eid,
    agencyName: r.agency_name,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    assignee: r.assignee_id ? { id: r.assignee_id, username: r.assignee_username, fullName: r.assignee_name } : null,
    currentStep: r.step ? { step: r.step, dueAt: r.step_due_at } : null,
    receivedAt: r.received_at,
    due: r.due,
    appointmentAt: r.appointment_at,
    apologyIssuedAt: r.apology_issued_at,
    clockPausedAt: r.clock_paused_at,
    deadlineState: r.deadline_state,
  }));
}

// ---------------------------------------------------------------- dossiers of a period

export interface PeriodQuery {
  agencyIds: number[];
  from: Date;
  /** The period end, or asOf when earlier: nothing recorded at or after it is looked at. */
  until: Date;
}

export interface PeriodDossier {
  id: number;
  code: string;
  agencyId: number;
  agencyEid: string;
  agencyName: string;
  procedureCode: string;
  procedureName: string;
  resultIsDocument: boolean;
  channel: string;
  deliveryMethod: string;
  feeDueVnd: number | null;
  receivedAt: Date;
  due: Date | null;
  supplementRequests: number;
  /** End of processing as of `until` (QĐ 766), null while still being processed. */
  endedAt: Date | null;
  endKind: 'decision' | 'stop' | 'awaiting_citizen' | null;
  approvedAt: Date | null;
  paidOnline: boolean;
  resultIssued: boolean;
}

/**
 * Every dossier received before `until` and not ended before `from` (the 2.1 denominator,
 * a superset of what the other indicators count), with its end of processing taken from
 * the event log as of `until`:
 * - the first decision (approved, denied) or stop (withdrawn, cancelled);
 * - else, when the dossier is waiting for the citizen's supplement at `until` or was closed
 *   for want of it, the moment the supplement was requested.
 * Dossiers never received (refused or closed at intake) have no received_at and are left out.
 */
export async function periodDossiers(db: Knex, q: PeriodQuery): Promise<PeriodDossier[]> {
  const until = q.until.toISOString();
  const { rows } = await db.raw(
    `select * from (
       select d.id, d.code, d.agency_id, a.eid as agency_eid, a.name as agency_name,
              p.code as procedure_code, p.name as procedure_name, p.result_is_document,
              d.channel, d.delivery_method, d.fee_due_vnd, d.received_at,
              ${DUE} as due, d.supplement_requests,
              fin.occurred_at as finished_at, fin.type as finish_type,
              case when st.to_status in ('SUPPLEMENT_REQUESTED', 'CLOSED_UNSUPPLEMENTED') then sup.at end as awaiting_since,
              appr.at as approved_at,
              exists (select 1 from dossier_payments pay where pay.dossier_id = d.id and pay.status = 'paid'
                        and pay.method = 'online' and coalesce(pay.paid_at, pay.created_at) < ?::timestamptz) as paid_online,
              exists (select 1 from dossier_results r where r.dossier_id = d.id and r.kind = 'result'
                        and r.issued_at < ?::timestamptz) as result_issued
         from dossiers d
         join agencies a on a.id = d.agency_id
         join procedures p on p.id = d.procedure_id
         left join lateral (select e.occurred_at, e.type from dossier_events e
                             where e.dossier_id = d.id and e.type = any(?::text[]) and e.occurred_at < ?::timestamptz
                             order by e.occurred_at, e.seq limit 1) fin on true
         left join lateral (select e.to_status from dossier_events e
                             where e.dossier_id = d.id and e.to_status is not null and e.occurred_at < ?::timestamptz
                             order by e.seq desc limit 1) st on true
         left join lateral (select max(e.occurred_at) as at from dossier_events e
                             where e.dossier_id = d.id and e.to_status = 'SUPPLEMENT_REQUESTED'
                               and e.from_status is distinct from 'SUPPLEMENT_REQUESTED' and e.occurred_at < ?::timestamptz) sup on true
         left join lateral (select min(e.occurred_at) as at from dossier_events e
                             where e.dossier_id = d.id and e.type = 'approved' and e.occurred_at < ?::timestamptz) appr on true
        where d.agency_id = any(?::int[]) and d.received_at is not null and d.received_at < ?::timestamptz
     ) x
     where coalesce(x.finished_at, x.awaiting_since) is null or coalesce(x.finished_at, x.awaiting_since) >= ?::timestamptz
     order by x.received_at, x.code`,
    [until, until, END_EVENT_TYPES, until, until, until, until, q.agencyIds, until, q.from.toISOString()],
  );
  return rows.map((r: Record<string, any>) => ({
    id: r.id,
    code: r.code,
    agencyId: r.agency_id,
    agencyEid: r.agency_eid,
    agencyName: r.agency_name,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    resultIsDocument: r.result_is_document,
    channel: r.channel,
    deliveryMethod: r.delivery_method,
    feeDueVnd: r.fee_due_vnd === null ? null : Number(r.fee_due_vnd),
    receivedAt: r.received_at,
    due: r.due,
    supplementRequests: Number(r.supplement_requests ?? 0),
    endedAt: r.finished_at ?? r.awaiting_since ?? null,
    endKind: r.finished_at
      ? ['approved', 'denied'].includes(r.finish_type) ? 'decision' : 'stop'
      : r.awaiting_since ? 'awaiting_citizen' : null,
    approvedAt: r.approved_at,
    paidOnline: r.paid_online,
    resultIssued: r.result_issued,
  }));
}

/** Status changes of the given dossiers before `until`, in order: where the citizen's supplement time lies. */
export async function statusChanges(db: Knex, dossierIds: number[], until: Date): Promise<Map<number, Array<{ at: Date; toStatus: string }>>> {
  const out = new Map<number, Array<{ at: Date; toStatus: string }>>();
  if (!dossierIds.length) return out;
  const rows = await db('dossier_events')
    .whereIn('dossier_id', dossierIds)
    .whereNotNull('to_status')
    .where('occurred_at', '<', until)
    .orderBy(['dossier_id', 'seq'])
    .select('dossier_id', 'occurred_at', 'to_status');
  for (const r of rows) {
    const list = out.get(r.dossier_id) ?? [];
    list.push({ at: r.occurred_at, toStatus: r.to_status });
    out.set(r.dossier_id, list);
  }
  return out;
}

// ---------------------------------------------------------------- hand-offs

export interface ClosedHandoff {
  step: string;
  receiver: { id: number; username: string; fullName: string } | null;
  dueAt: Date;
  doneAt: Date;
  outcome: 'early' | 'on_time' | 'late' | null;
}

/**
 * Rows of the process-control sheet with a due date, closed in [from, until). The citizen's
 * own supplement step is left out: its time is the applicant's, not the agency's.
 */
export async function closedHandoffs(db: Knex, q: PeriodQuery & { officersOnly?: boolean }): Promise<ClosedHandoff[]> {
  const query = db('dossier_handoffs as h')
    .join('dossiers as d', 'd.id', 'h.dossier_id')
    .leftJoin('users as u', 'u.id', 'h.receiver_id')
    .whereIn('d.agency_id', q.agencyIds)
    .whereNotNull('d.received_at')
    .whereNotNull('h.due_at')
    .where('h.done_at', '>=', q.from)
    .where('h.done_at', '<', q.until)
    .whereNot('h.step', 'citizen_supplement');
  if (q.officersOnly) query.whereNotNull('h.receiver_id');
  const rows = await query
    .orderBy('h.done_at')
    .select('h.step', 'h.receiver_id', 'u.username', 'u.full_name', 'h.due_at', 'h.done_at', 'h.outcome');
  return rows.map((r: Record<string, any>) => ({
    step: r.step,
    receiver: r.receiver_id ? { id: r.receiver_id, username: r.username, fullName: r.full_name } : null,
    dueAt: r.due_at,
    doneAt: r.done_at,
    outcome: r.outcome,
  }));
}
