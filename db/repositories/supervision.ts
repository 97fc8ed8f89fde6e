import type { Knex } from 'knex';
import type { Tx } from '../connection';
import { OPEN_STATUSES } from '../../domain/status';
import type { HandoffStep } from './dossier-events';
import { cachedCalendar, type CalendarRow } from './calendars';
import type { WorkingCalendar } from '../../domain/calendar';

/**
 * Read-model and event-log queries behind the supervisor API (issue 4), the deadline alerts and
 * the metrics gauges. Pure SQL: the classification (early / on time / late) and the QĐ 766
 * arithmetic live in supervision/indicators.ts.
 */

export const WORKLIST_VIEWS = ['due_today', 'due_within', 'overdue', 'paused', 'at_risk'] as const;
export type WorklistView = (typeof WORKLIST_VIEWS)[number];

/** The effective due date: the legal one from the clock ledger, the appointment on rows older than it. */
const DUE = 'coalesce(d.due_at, d.appointment_at)';

// ---------------------------------------------------------------- identity

export async function findActiveUser(db: Tx, idOrUsername: string): Promise<{ id: number; username: string; fullName: string } | undefined> {
  const row = await db('users')
    .where(/^\d+$/.test(idOrUsername) ? { id: Number(idOrUsername) } : { username: idOrUsername })
    .andWhere('active', true)
    .first('id', 'username', 'full_name');
  return row ? { id: row.id, username: row.username, fullName: row.full_name } : undefined;
}

// ---------------------------------------------------------------- worklists

/**
 * The working calendars the agencies work by (each its calendar's latest version, as
 * loadAgencyCalendar), in one statement for all of them, built once per process (cachedCalendar).
 * An agency without a calendar is absent from the map.
 */
export async function agencyCalendarsByEid(db: Tx, eids: readonly string[]): Promise<Map<string, WorkingCalendar>> {
  const out = new Map<string, WorkingCalendar>();
  if (!eids.length) return out;
  const { rows } = await db.raw(
    `select distinct on (a.eid) a.eid, l.id, l.code, l.version, l.utc_offset_minutes, l.weekly_hours, l.coverage_from, l.coverage_to, l.base_code, l.base_version
       from agencies a
       join work_calendars c on c.id = a.calendar_id
       join work_calendars l on l.code = c.code
      where a.eid = any(?::text[])
      order by a.eid, l.version desc`,
    [[...eids]],
  );
  for (const r of rows as Array<CalendarRow & { eid: string }>) {
    const { eid, ...row } = r;
    out.set(eid, (await cachedCalendar(db, row)).calendar);
  }
  return out;
}

/** The procedures' warnings ahead of the appointment, in working hours, each once (numeric: strings). */
export async function procedureWarnings(db: Tx): Promise<string[]> {
  const rows: Array<{ warn_before_hours: string }> = await db('procedures').distinct('warn_before_hours');
  return rows.map((r) => r.warn_before_hours);
}

export interface WorklistQuery {
  view: WorklistView;
  asOf: Date;
  agencyIds: number[];
  /** due_within: end of the window per agency (asOf + N working days on its calendar), inclusive. */
  windowEnds?: ReadonlyMap<number, Date>;
  /**
   * at_risk: end of the warning window per agency and procedure warning (asOf + the procedure's
   * warn_before_hours of working time on the agency's calendar), inclusive.
   */
  warnEnds?: ReadonlyArray<{ agencyId: number; warnBeforeHours: string; until: Date }>;
  procedureId?: number;
  assigneeId?: number;
  step?: HandoffStep;
}

/**
 * A place in the worklist order (due asc nulls last, code asc): the last row of a page, the
 * next page starting after it. `due` is the due date exactly as stored (UTC, to the
 * microsecond, which a JavaScript Date would round), null for a dossier without any.
 */
export interface WorklistPosition {
  due: string | null;
  code: string;
}

export interface WorklistPageQuery extends WorklistQuery {
  /** Rows in the page. */
  limit: number;
  /** Start after this row (the previous page's `next`); absent for the first page. */
  after?: WorklistPosition;
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
  /** The agency whose delay made the dossier late (an inter-agency leg, issue 17), when recorded. */
  faultAgencyEid: string | null;
  receivedAt: Date;
  due: Date | null;
  appointmentAt: Date | null;
  apologyIssuedAt: Date | null;
  clockPausedAt: Date | null;
  deadlineState: string | null;
  position: WorklistPosition;
}

export interface WorklistPage {
  rows: WorklistRow[];
  /** Where the next page starts, null when this page is the last. */
  next: WorklistPosition | null;
}

export interface WorklistCount {
  key: string | null;
  name: string | null;
  count: number;
}

/** Rows of the whole worklist (not of one page), and how they split by agency, procedure, officer and current step. */
export interface WorklistCounts {
  total: number;
  agency: WorklistCount[];
  procedure: WorklistCount[];
  officer: WorklistCount[];
  /** Keyed by step (null: no open hand-off); its name is the API's label. */
  step: Array<{ key: string | null; count: number }>;
}

/** The open row of the process-control sheet: where the dossier is now. */
const CURRENT_STEP = `select h.step from dossier_handoffs h
                       where h.dossier_id = d.id and h.leg_workflow_id is null and h.done_at is null order by h.opened_seq desc limit 1`;

/**
 * The open dossiers of a worklist view with its filters, as a query on `d` (dossiers), `a`
 * (agencies), `c` (their calendars), `p` (procedures) and `u` (assignees). The read model is
 * the current state; `asOf` is the clock the views compare with, and dossiers received after
 * it are left out.
 */
function worklistFilter(db: Tx, q: WorklistQuery): Knex.QueryBuilder {
  const query = db('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .join('work_calendars as c', 'c.id', 'a.calendar_id')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .leftJoin('users as u', 'u.id', 'd.assignee_id')
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
    case 'at_risk': {
      // As of asOf, as the workflow would have flagged it then: the clock running, not yet due,
      // the promised appointment inside the procedure's warning window. The stored flag is the
      // read model's now, not asOf's.
      const ends = q.warnEnds ?? [];
      query
        .joinRaw('join unnest(?::int[], ?::numeric[], ?::timestamptz[]) as warn(agency_id, hours, until) on warn.agency_id = d.agency_id and warn.hours = p.warn_before_hours', [
          ends.map((w) => w.agencyId),
          ends.map((w) => w.warnBeforeHours),
          ends.map((w) => w.until.toISOString()),
        ])
        .whereNull('d.clock_paused_at')
        .whereRaw(`${DUE} > ?`, [q.asOf])
        .whereRaw('coalesce(d.appointment_at, d.due_at) <= warn.until');
      break;
    }
  }
  if (q.procedureId !== undefined) query.where('d.procedure_id', q.procedureId);
  if (q.assigneeId !== undefined) query.where('d.assignee_id', q.assigneeId);
  if (q.step !== undefined) query.whereRaw(`(${CURRENT_STEP}) = ?`, [q.step]);
  return query;
}

/**
 * One page of a worklist view, due first (due asc nulls last, code asc), starting after
 * `q.after`. Keyset paging: a page costs the same wherever it lies, and a dossier that
 * leaves or enters the list between two pages moves no other row across a page boundary.
 * The current step is looked up for the page's rows only.
 */
export async function worklist(db: Tx, q: WorklistPageQuery): Promise<WorklistPage> {
  // The page's keys first, from the index alone (dossiers_open_due_covering_index holds what the
  // filters, the order and the keys read); the page's rows then, by id.
  const keys = worklistFilter(db, q);
  if (q.after) {
    // "Nulls last": after a dated row come the later ones, the same date's later codes, then
    // every undated row; after an undated row, only the undated ones with a later code.
    if (q.after.due === null) keys.whereRaw(`(${DUE} is null and d.code > ?)`, [q.after.code]);
    else keys.whereRaw(`(${DUE} > ?::timestamptz or (${DUE} = ?::timestamptz and d.code > ?) or ${DUE} is null)`, [q.after.due, q.after.due, q.after.code]);
  }
  keys
    .orderByRaw(`${DUE} asc nulls last, d.code asc`)
    // One more than asked: whether a next page exists.
    .limit(q.limit + 1)
    .select('d.id', db.raw(`${DUE} as due`), 'd.code');
  const rows = await db
    .from(keys.as('k'))
    .join('dossiers as d', 'd.id', 'k.id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .leftJoin('users as u', 'u.id', 'd.assignee_id')
    .joinRaw(
      `left join lateral (select h.step, h.due_at from dossier_handoffs h
         where h.dossier_id = d.id and h.leg_workflow_id is null and h.done_at is null order by h.opened_seq desc limit 1) cur on true`,
    )
    .orderByRaw('k.due asc nulls last, k.code asc')
    .select(
      'd.id',
      'd.code',
      'd.status',
      'd.received_at',
      'd.appointment_at',
      'd.apology_issued_at',
      'd.clock_paused_at',
      'd.deadline_state',
      'd.fault_agency_eid',
      'k.due',
      db.raw(`to_char(k.due at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as due_key`),
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
  const more = rows.length > q.limit;
  const out: WorklistRow[] = rows.slice(0, q.limit).map((r: Record<string, any>) => ({
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
    faultAgencyEid: r.fault_agency_eid ?? null,
    receivedAt: r.received_at,
    due: r.due,
    appointmentAt: r.appointment_at,
    apologyIssuedAt: r.apology_issued_at,
    clockPausedAt: r.clock_paused_at,
    deadlineState: r.deadline_state,
    position: { due: r.due_key, code: r.code },
  }));
  return { rows: out, next: more ? out[out.length - 1]!.position : null };
}

/**
 * The size of a worklist view and its split by agency, procedure, officer and current step,
 * over every row of the view (not a page): one statement, one grouping set per split.
 */
export async function worklistCounts(db: Tx, q: WorklistQuery): Promise<WorklistCounts> {
  const rows = worklistFilter(db, q).select(
    'a.eid as agency_eid',
    'a.name as agency_name',
    'p.code as procedure_code',
    'p.name as procedure_name',
    'u.username as officer_username',
    'u.full_name as officer_name',
    'd.id as dossier_id',
  );
  // The current step of the view's rows only, looked up once the view's filters have kept them.
  const groups: Array<Record<string, any>> = await db
    .with('wl', rows)
    .from('wl')
    .joinRaw(
      `left join lateral (select h.step from dossier_handoffs h
         where h.dossier_id = wl.dossier_id and h.leg_workflow_id is null and h.done_at is null order by h.opened_seq desc limit 1) cur on true`,
    )
    .select(
      // Which grouping set a row totals (a bit per column left out, the first the highest).
      db.raw('grouping(agency_eid, procedure_code, officer_username, step)::int as grouped'),
      'agency_eid',
      'agency_name',
      'procedure_code',
      'procedure_name',
      'officer_username',
      'officer_name',
      'step',
      db.raw('count(*)::int as n'),
    )
    .groupByRaw('grouping sets ((agency_eid, agency_name), (procedure_code, procedure_name), (officer_username, officer_name), (step), ())');
  const out: WorklistCounts = { total: 0, agency: [], procedure: [], officer: [], step: [] };
  for (const g of groups) {
    switch (g.grouped) {
      case 0b0111:
        out.agency.push({ key: g.agency_eid, name: g.agency_name, count: g.n });
        break;
      case 0b1011:
        out.procedure.push({ key: g.procedure_code, name: g.procedure_name, count: g.n });
        break;
      case 0b1101:
        out.officer.push({ key: g.officer_username, name: g.officer_name, count: g.n });
        break;
      case 0b1110:
        out.step.push({ key: g.step, count: g.n });
        break;
      case 0b1111:
        out.total = g.n;
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------- dossiers of a period

export interface PeriodQuery {
  agencyIds: number[];
  from: Date;
  /** The period end, or asOf when earlier: nothing recorded at or after it is looked at. */
  until: Date;
}

/**
 * The end of processing as of `until` (QĐ 766), from the facts recordDossierEvent keeps
 * (db/repositories/dossier-events.ts `refreshProcessingFacts`): the first decision or stop when before
 * `until`; else, for a dossier waiting for the citizen's supplement at `until` (or closed for
 * want of it), the moment the supplement was requested; else null, still being processed.
 * A dossier that was waiting at `until` and resumed later counts as still being processed
 * (domain/processing-facts.ts `processingEnd`). Bound to the named binding `:until`.
 */
const ENDED_AS_OF = `case when d.processing_ended_at < cast(:until as timestamptz) then d.processing_ended_at
                          when d.awaiting_citizen_since < cast(:until as timestamptz) then d.awaiting_citizen_since end`;

/**
 * `columns` of the dossiers received before `until` and not ended before `from` (the 2.1
 * denominator, a superset of what the other indicators count), as rows of `d`. Those that ended
 * before the period are skipped by the index on (agency_id, processing_ended_at) before anything
 * else is read: two index ranges per agency (ended since `from`, not ended), which the index's
 * included columns answer without the table (an index-only scan) for the indicators.
 * Dossiers never received (refused or closed at intake) have no received_at and are left out.
 */
const periodRows = (columns: string) =>
  ['d.processing_ended_at >= cast(:from as timestamptz)', 'd.processing_ended_at is null']
    .map(
      (range) => `select ${columns} from dossiers d left join agencies fault on fault.eid = d.fault_agency_eid and fault.id <> d.agency_id
                   where d.agency_id = any(cast(:agencyIds as int[])) and ${range} and d.received_at < cast(:until as timestamptz)
                     and (${ENDED_AS_OF} is null or ${ENDED_AS_OF} >= cast(:from as timestamptz))`,
    )
    .join(' union all ');

/** On time (QĐ 766, 2.1) as a condition on a row `x` of (due, ended_at, supplement_requests). */
const onTime = (fewSupplements: string) => `${fewSupplements} and (x.due is null or
                   case when x.ended_at is null then x.due >= cast(:until as timestamptz) else x.ended_at <= x.due end)`;
const ON_TIME = onTime('coalesce(x.supplement_requests, 0) <= 1');
/**
 * ON_TIME on a row whose "at most one supplement request" is the stored `report_few_supplements`
 * (migration 20261206000004_report_766_speed: the per-dossier parts of the report that no
 * parameter changes are stored columns, read from the period index).
 */
const ON_TIME_STORED = onTime('x.few_supplements');
/** The agency whose delay made the dossier late (issue 17), when not the dossier's own: its id. */
const FAULT_AGENCY = 'fault.id';
/**
 * Late because of an agency outside the report (an inter-agency leg's): counted against that
 * agency, not in these agencies' figures. With the agency at fault in the report, the dossier
 * counts there, once.
 */
const lateElsewhere = (onTimeCondition: string) =>
  `x.fault_agency_id is not null and not (x.fault_agency_id = any(cast(:agencyIds as int[]))) and not (${onTimeCondition})`;

const periodBindings = (q: PeriodQuery) => ({ agencyIds: q.agencyIds, from: q.from.toISOString(), until: q.until.toISOString() });

export interface PeriodDossier {
  id: number;
  code: string;
  agencyId: number;
  agencyEid: string;
  agencyName: string;
  procedureCode: string;
  procedureName: string;
  due: Date | null;
  supplementRequests: number;
  /** End of processing as of `until` (QĐ 766), null while still being processed. */
  endedAt: Date | null;
  /** The agency whose delay made the dossier late (issue 17), when not its own. */
  faultAgency: { id: number; eid: string; name: string } | null;
}

/** The dossiers of a period (periodRows) with their end of processing as of `until`, for the on-time rates. */
export async function periodDossiers(db: Tx, q: PeriodQuery): Promise<PeriodDossier[]> {
  const { rows } = await db.raw(
    `select x.id, x.code, x.agency_id, a.eid as agency_eid, a.name as agency_name,
            p.code as procedure_code, p.name as procedure_name, x.due, x.supplement_requests, x.ended_at,
            fa.id as fault_agency_id, fa.eid as fault_agency_eid, fa.name as fault_agency_name
       from (${periodRows(`d.id, d.code, d.agency_id, d.procedure_id, d.received_at, ${DUE} as due, d.supplement_requests, ${ENDED_AS_OF} as ended_at, ${FAULT_AGENCY} as fault_agency_id`)}
             union all
             -- Other agencies' dossiers whose delay was one of these agencies' (issue 17).
             select d.id, d.code, d.agency_id, d.procedure_id, d.received_at, ${DUE} as due, d.supplement_requests, ${ENDED_AS_OF} as ended_at, fa.id as fault_agency_id
               from dossiers d join agencies fa on fa.eid = d.fault_agency_eid
              where fa.id = any(cast(:agencyIds as int[])) and fa.id <> d.agency_id and not (d.agency_id = any(cast(:agencyIds as int[])))
                and d.received_at < cast(:until as timestamptz)
                and (${ENDED_AS_OF} is null or ${ENDED_AS_OF} >= cast(:from as timestamptz))) x
       join agencies a on a.id = x.agency_id
       join procedures p on p.id = x.procedure_id
       left join agencies fa on fa.id = x.fault_agency_id
      order by x.received_at, x.code`,
    periodBindings(q),
  );
  return rows.map((r: Record<string, any>) => ({
    id: r.id,
    code: r.code,
    agencyId: r.agency_id,
    agencyEid: r.agency_eid,
    agencyName: r.agency_name,
    procedureCode: r.procedure_code,
    procedureName: r.procedure_name,
    due: r.due,
    supplementRequests: Number(r.supplement_requests ?? 0),
    endedAt: r.ended_at,
    faultAgency: r.fault_agency_id ? { id: r.fault_agency_id, eid: r.fault_agency_eid, name: r.fault_agency_name } : null,
  }));
}

/**
 * The counts behind the QĐ 766 indicators over [from, until), each as defined in its `formula`
 * (`indicatorCounts` below takes them from the read model in one statement; supervision/indicators.ts
 * turns them into the indicators).
 */
export interface IndicatorCounts {
  /** 2.1 denominator: received before `until` and not ended before `from`. */
  dossiers: number;
  /** 2.1 numerator: of those, ended on time or early, or still being processed and not yet past due. */
  onTime: number;
  /** 2.2: dossiers whose end of processing falls in the period… */
  ended: number;
  /** …and their total processing time in working days, less the citizen's supplement time. */
  endedWorkingDays: number;
  /** 3.3: received in the period, and of those submitted online. */
  received: number;
  receivedOnline: number;
  /** 3.6: received in the period with a fee due, and of those paid online before `until`. */
  feeBearing: number;
  paidOnline: number;
  /** 4.1: approved in the period, result a document; and of those delivered online with an e-result. */
  documentDecisions: number;
  eResults: number;
}

/**
 * The counts behind the QĐ 766 indicators (`IndicatorCounts`, each
 * as its `formula` says) in one aggregate over the dossiers of the period: a handful of
 * numbers, no event log and no calendar arithmetic at request time (the processing working
 * time is stored per dossier, counted on its own calendar version when it ended; a later
 * calendar version does not move a past report).
 *
 * Everything "as of `until`" is read from the stored instants (ended, approved, paid online,
 * result issued, each compared with `until`); the only difference from reading the event log
 * as of `until` is a dossier that was waiting for the citizen at `until` and resumed later: it
 * counts as still being processed then (ENDED_AS_OF). `endedUncounted`: dossiers ended in the
 * period whose working time their calendar could not count (outside its holiday data).
 */
export async function indicatorCounts(db: Tx, q: PeriodQuery): Promise<IndicatorCounts & { endedUncounted: number }> {
  // Each condition puts its cheapest, most selective test first (AND stops at the first false):
  // the report reads about 52,000 index entries for a month of the whole centre at 1,000,000
  // dossiers, and the conditions below, not the scan, were most of its time (issue 18).
  const received = 'x.received_at >= cast(:from as timestamptz)';
  const ended = 'x.ended_at >= cast(:from as timestamptz)';
  const feeBearing = `${received} and x.fee_bearing`;
  // The procedures whose result is a document, read once (an InitPlan), not joined to every row.
  const approvedInPeriod = 'x.approved_at >= cast(:from as timestamptz) and x.approved_at < cast(:until as timestamptz)';
  const documentResult = 'x.procedure_id = any(array(select id from procedures where result_is_document))';
  const { rows } = await db.raw(
    `select count(*) filter (where not (${lateElsewhere(ON_TIME_STORED)}))::int as dossiers,
            count(*) filter (where ${ON_TIME_STORED})::int as on_time,
            count(*) filter (where ${ended})::int as ended,
            coalesce(sum(x.working_days) filter (where ${ended}), 0)::float8 as ended_working_days,
            count(*) filter (where ${ended} and x.working_days is null)::int as ended_uncounted,
            count(*) filter (where ${received})::int as received,
            count(*) filter (where ${received} and x.online)::int as received_online,
            count(*) filter (where ${feeBearing})::int as fee_bearing,
            count(*) filter (where ${feeBearing} and x.paid_online_at < cast(:until as timestamptz))::int as paid_online,
            count(*) filter (where ${approvedInPeriod} and ${documentResult})::int as document_decisions,
            count(*) filter (where x.delivered_online and x.result_issued_at < cast(:until as timestamptz) and ${approvedInPeriod} and ${documentResult})::int as e_results
       from (${periodRows(`d.procedure_id, d.received_at, d.report_few_supplements as few_supplements, d.report_online as online,
                                   d.report_delivered_online as delivered_online, d.report_fee_bearing as fee_bearing,
                                   d.approved_at, d.paid_online_at, d.result_issued_at, d.report_working_days as working_days,
                                   d.report_due as due, ${ENDED_AS_OF} as ended_at, ${FAULT_AGENCY} as fault_agency_id`)}) x`,
    periodBindings(q),
  );
  const r = rows[0];
  // Late dossiers of other agencies whose delay was one of these agencies' (an inter-agency leg): counted against them.
  const { rows: faulted } = await db.raw(
    `select count(*) filter (where not (${ON_TIME}))::int as late
       from (select d.supplement_requests, ${DUE} as due, ${ENDED_AS_OF} as ended_at from dossiers d
              join agencies fa on fa.eid = d.fault_agency_eid
             where fa.id = any(cast(:agencyIds as int[])) and fa.id <> d.agency_id and not (d.agency_id = any(cast(:agencyIds as int[])))
               and d.received_at < cast(:until as timestamptz)
               and (${ENDED_AS_OF} is null or ${ENDED_AS_OF} >= cast(:from as timestamptz))) x`,
    periodBindings(q),
  );
  return {
    dossiers: r.dossiers + Number(faulted[0]?.late ?? 0),
    onTime: r.on_time,
    ended: r.ended,
    endedWorkingDays: Number(r.ended_working_days),
    endedUncounted: r.ended_uncounted,
    received: r.received,
    receivedOnline: r.received_online,
    feeBearing: r.fee_bearing,
    paidOnline: r.paid_online,
    documentDecisions: r.document_decisions,
    eResults: r.e_results,
  };
}

/**
 * The bare scan of the report's index range (bench (c)'s reference for `indicatorCounts`): how
 * many index entries the period reads, counted with no condition of the report evaluated on
 * them (the minimal statement that touches the same rows).
 */
export async function periodRowCount(db: Tx, q: PeriodQuery): Promise<number> {
  const { rows } = await db.raw(`select count(*)::int as n from (${periodRows('1')}) x`, periodBindings(q));
  return rows[0].n;
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
export async function closedHandoffs(db: Tx, q: PeriodQuery & { officersOnly?: boolean }): Promise<ClosedHandoff[]> {
  // A row received by another agency (an inter-agency leg's, issue 17) counts for that agency.
  const query = db('dossier_handoffs as h')
    .join('dossiers as d', 'd.id', 'h.dossier_id')
    .leftJoin('agencies as ha', 'ha.eid', 'h.agency_eid')
    .leftJoin('users as u', 'u.id', 'h.receiver_id')
    .whereRaw('coalesce(ha.id, d.agency_id) = any(?::int[])', [[...q.agencyIds]])
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

// ---------------------------------------------------------------- metrics gauges

/** Dossiers (one workflow each) by agency and status, from the read model. */
export async function dossierCountsByAgencyStatus(db: Tx): Promise<Array<{ eid: string; status: string; count: string }>> {
  return db('dossiers as d').join('agencies as a', 'a.id', 'd.agency_id').groupBy('a.eid', 'd.status').select('a.eid', 'd.status').count<{ eid: string; status: string; count: string }[]>('* as count');
}

/** Open dossiers past their legal due date now, by agency. */
export async function overdueCountsByAgency(db: Tx): Promise<Array<{ eid: string; count: string }>> {
  return db('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .whereRaw('coalesce(d.due_at, d.appointment_at) < now()')
    .whereNull('d.clock_paused_at')
    .whereNotIn('d.status', ['APPROVED', 'DENIED', 'RESULT_IN_TRANSIT', 'RESULT_RETURNED', 'RESULT_DELIVERED', 'COMPLETED', 'REFUSED_AT_INTAKE', 'CLOSED_UNSUPPLEMENTED', 'WITHDRAWN', 'CANCELLED', 'SUBMITTED', 'SUPPLEMENT_AT_INTAKE'])
    .groupBy('a.eid')
    .select('a.eid')
    .count<{ eid: string; count: string }[]>('* as count');
}

// ---------------------------------------------------------------- officers' deadline alerts

export interface OfficerAlertRow {
  id: number | string;
  kind: string;
  level: string;
  message: string;
  created_at: Date;
  read_at: Date | null;
  code: string;
  due_at: Date | null;
  appointment_at: Date | null;
}

/** An officer's latest 200 alerts, newest first, each with its dossier. */
export async function officerAlerts(db: Tx, userId: number, unreadOnly: boolean): Promise<OfficerAlertRow[]> {
  const q = db('officer_alerts as al')
    .join('dossiers as d', 'd.id', 'al.dossier_id')
    .where('al.user_id', userId)
    .orderBy('al.id', 'desc')
    .limit(200)
    .select('al.id', 'al.kind', 'al.level', 'al.message', 'al.created_at', 'al.read_at', 'd.code', 'd.due_at', 'd.appointment_at');
  if (unreadOnly) q.whereNull('al.read_at');
  return q;
}

/** Marks an officer's alert read (the first reading is kept); the number of rows found. */
export async function markAlertRead(db: Tx, id: number, userId: number): Promise<number> {
  return db('officer_alerts').where({ id, user_id: userId }).update({ read_at: db.raw('coalesce(read_at, now())') });
}

// ---------------------------------------------------------------- routed steps (issue 17)

/** A closed hand-off of a routed dossier (its step of the pinned version), the lead's or a leg's. */
export interface StepHandoffRow {
  step_key: string;
  step_name: string | null;
  agency_eid: string;
  receiver_unit: string;
  receiver_id: number | null;
  full_name: string | null;
  outcome: 'early' | 'on_time' | 'late';
}

/**
 * Rows of the process-control sheets closed in [from, until) with a step key and an outcome,
 * whose receiving agency (the row's, else the dossier's) is one of `agencyEids`: a leg's rows
 * count for the leg's agency.
 */
export async function stepHandoffRows(db: Tx, q: { agencyEids: readonly string[]; from: Date; until: Date }): Promise<StepHandoffRow[]> {
  if (!q.agencyEids.length) return [];
  return db('dossier_handoffs as h')
    .join('dossiers as d', 'd.id', 'h.dossier_id')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .leftJoin('users as u', 'u.id', 'h.receiver_id')
    .whereNotNull('h.step_key')
    .whereNotNull('h.outcome')
    .where('h.done_at', '>=', q.from)
    .where('h.done_at', '<', q.until)
    .whereRaw('coalesce(h.agency_eid, a.eid) = any(?::text[])', [[...q.agencyEids]])
    .orderBy('h.id')
    .select('h.step_key', 'h.step_name', db.raw('coalesce(h.agency_eid, a.eid) as agency_eid'), 'h.receiver_unit', 'h.receiver_id', 'u.full_name', 'h.outcome');
}
