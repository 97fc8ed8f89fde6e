import type { Knex } from 'knex';
import type { Tx } from '../connection';
import type { OfficerRole } from '../../domain/types';

/**
 * The staff worklist (GET /api/v1/dossiers) and the officers of an agency with their load
 * (GET /api/v1/agencies/{eid}/officers): queries on the read model only, never Temporal.
 * The classification of statuses into queues is here, as SQL, so the list filtered by a queue
 * and the queue's count are one definition.
 */

// ---------------------------------------------------------------- queues

/**
 * The queues of the staff console, each a set of read-model statuses (domain/status.ts); a
 * dossier is in at most one. `supplements_received` and `awaiting_intake` split SUBMITTED: the
 * citizen has answered a supplement request at intake (the event log says so) or not.
 */
export const QUEUES = {
  awaiting_intake: ['SUBMITTED'],
  supplements_received: ['SUBMITTED'],
  awaiting_citizen: ['SUPPLEMENT_AT_INTAKE', 'SUPPLEMENT_REQUESTED'],
  awaiting_assignment: ['RECEIVED'],
  in_review: ['IN_REVIEW', 'SITE_VERIFICATION'],
  awaiting_decision: ['AWAITING_DECISION'],
  results_to_hand_over: ['APPROVED'],
  in_transit: ['RESULT_IN_TRANSIT'],
  returned_by_post: ['RESULT_RETURNED'],
} as const satisfies Record<string, readonly string[]>;
export type QueueKey = keyof typeof QUEUES;
export const QUEUE_KEYS = Object.keys(QUEUES) as QueueKey[];
const QUEUE_STATUSES = [...new Set(Object.values(QUEUES).flat())];

/** Resubmitted after a supplement at intake: back for the one-stop officer's second check. */
const RESUBMITTED = `exists (select 1 from dossier_events e where e.dossier_id = d.id and e.from_status = 'SUPPLEMENT_AT_INTAKE' and e.to_status = 'SUBMITTED')`;

/** The queue of a row of `d` (dossiers), null for none (ended, delivered, or an e-result being published). */
const QUEUE_OF = `case
  when d.status = 'SUBMITTED' then case when ${RESUBMITTED} then 'supplements_received' else 'awaiting_intake' end
  when d.status in ('SUPPLEMENT_AT_INTAKE', 'SUPPLEMENT_REQUESTED') then 'awaiting_citizen'
  when d.status = 'RECEIVED' then 'awaiting_assignment'
  when d.status in ('IN_REVIEW', 'SITE_VERIFICATION') then 'in_review'
  when d.status = 'AWAITING_DECISION' then 'awaiting_decision'
  when d.status = 'APPROVED' and d.delivery_method <> 'online' then 'results_to_hand_over'
  when d.status = 'RESULT_IN_TRANSIT' then 'in_transit'
  when d.status = 'RESULT_RETURNED' then 'returned_by_post'
end`;

// ---------------------------------------------------------------- the list

export const LIST_SORTS = ['due', 'received', 'submitted', 'code'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** What each sort orders by: the due date is the legal one, the appointment on rows older than the ledger. */
const SORT_KEY: Record<ListSort, { sql: string; kind: 'time' | 'text' }> = {
  due: { sql: 'coalesce(d.due_at, d.appointment_at)', kind: 'time' },
  received: { sql: 'd.received_at', kind: 'time' },
  submitted: { sql: 'd.submitted_at', kind: 'time' },
  code: { sql: 'd.code', kind: 'text' },
};

/**
 * A place in the list's order (sort key, nulls last, then the row id in the same direction):
 * the last row of a page. `key` is the sort key as stored (a time in UTC to the microsecond,
 * which a JavaScript Date would round; or the code), null for a row without one.
 */
export interface ListPosition {
  key: string | null;
  id: number;
}

export interface DossierListFilter {
  agencyIds: readonly number[];
  statuses?: readonly string[];
  queue?: QueueKey;
  procedureIds?: readonly number[];
  steps?: readonly string[];
  /** null: unassigned. */
  assigneeId?: number | null;
  channels?: readonly string[];
  receivedFrom?: Date;
  receivedBefore?: Date;
  dueFrom?: Date;
  dueBefore?: Date;
  /** Free text, matched in the code, ID number and name, case and diacritics ignored. */
  search?: string;
}

export interface DossierListPageQuery extends DossierListFilter {
  sort: ListSort;
  order: 'asc' | 'desc';
  limit: number;
  after?: ListPosition;
}

export interface DossierListRow {
  id: number;
  code: string;
  status: string;
  queue: QueueKey | null;
  channel: string;
  delivery_method: string;
  applicant_full_name: string;
  applicant_id_number: string;
  submitted_at: Date;
  received_at: Date | null;
  due: Date | null;
  appointment_at: Date | null;
  deadline_state: string | null;
  clock_paused_at: Date | null;
  apology_issued_at: Date | null;
  fee_status: string | null;
  agency_eid: string;
  agency_name: string;
  procedure_code: string;
  procedure_name: string;
  assignee_id: number | null;
  assignee_username: string | null;
  assignee_name: string | null;
  step: string | null;
  step_due_at: Date | null;
  holder_id: number | null;
  holder_unit: string | null;
  holder_name: string | null;
  route_step: { key: string; name: string; unit: string; kind: string; role: string; agencyEid: string; enteredAt: string; dueAt: string | null } | null;
  position: ListPosition;
}

/** `\`, `%` and `_` taken literally in a LIKE pattern (backslash is PostgreSQL's default escape). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The rows of `d` (dossiers) the filter keeps. */
function listFilter(db: Tx, f: DossierListFilter): Knex.QueryBuilder {
  const q = db('dossiers as d').whereIn('d.agency_id', [...f.agencyIds]);
  if (f.statuses) q.whereIn('d.status', [...f.statuses]);
  if (f.queue) q.whereIn('d.status', [...QUEUES[f.queue]]).whereRaw(`(${QUEUE_OF}) = ?`, [f.queue]);
  if (f.procedureIds) q.whereIn('d.procedure_id', [...f.procedureIds]);
  if (f.steps) q.whereIn('d.current_step', [...f.steps]);
  if (f.assigneeId === null) q.whereNull('d.assignee_id');
  else if (f.assigneeId !== undefined) q.where('d.assignee_id', f.assigneeId);
  if (f.channels) q.whereIn('d.channel', [...f.channels]);
  if (f.receivedFrom) q.where('d.received_at', '>=', f.receivedFrom);
  if (f.receivedBefore) q.where('d.received_at', '<', f.receivedBefore);
  if (f.dueFrom) q.whereRaw(`${SORT_KEY.due.sql} >= ?`, [f.dueFrom]);
  if (f.dueBefore) q.whereRaw(`${SORT_KEY.due.sql} < ?`, [f.dueBefore]);
  // Folded in SQL by the very function that folds the stored column (migration 20261204000005).
  if (f.search) q.whereRaw(`d.search_text like '%' || dossier_search_fold(?) || '%'`, [likeLiteral(f.search)]);
  return q;
}

/**
 * One page of the list in the order asked (the sort key, nulls last, then the id the same way),
 * starting after `q.after`. Keyset paging: rows with equal keys are told apart by their id, so a
 * walk through the pages meets every row once, and a row that changes between two pages moves
 * no other across a page boundary.
 */
export async function dossierListPage(db: Tx, q: DossierListPageQuery): Promise<{ rows: DossierListRow[]; next: ListPosition | null }> {
  const key = SORT_KEY[q.sort];
  const page = listFilter(db, q);
  if (q.after) {
    const cmp = q.order === 'asc' ? '>' : '<';
    const cast = key.kind === 'time' ? '::timestamptz' : '';
    if (q.after.key === null) page.whereRaw(`(${key.sql} is null and d.id ${cmp} ?)`, [q.after.id]);
    else page.whereRaw(`(${key.sql} ${cmp} ?${cast} or (${key.sql} = ?${cast} and d.id ${cmp} ?) or ${key.sql} is null)`, [q.after.key, q.after.key, q.after.id]);
  }
  const dir = q.order === 'asc' ? 'asc' : 'desc';
  page
    .join('agencies as a', 'a.id', 'd.agency_id')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .leftJoin('users as u', 'u.id', 'd.assignee_id')
    .orderByRaw(`${key.sql} ${dir} nulls last, d.id ${dir}`)
    // One more than asked: whether a next page exists.
    .limit(q.limit + 1)
    .select(
      'd.id',
      'd.code',
      'd.status',
      'd.channel',
      'd.delivery_method',
      'd.applicant_full_name',
      'd.applicant_id_number',
      'd.submitted_at',
      'd.received_at',
      'd.appointment_at',
      'd.deadline_state',
      'd.clock_paused_at',
      'd.apology_issued_at',
      'd.fee_status',
      db.raw(`${SORT_KEY.due.sql} as due`),
      db.raw(key.kind === 'time' ? `to_char(${key.sql} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as sort_key` : `${key.sql} as sort_key`),
      db.raw(`(${QUEUE_OF}) as queue`),
      'a.eid as agency_eid',
      'a.name as agency_name',
      'p.code as procedure_code',
      'p.name as procedure_name',
      'u.id as assignee_id',
      'u.username as assignee_username',
      'u.full_name as assignee_name',
    );
  // Where each row of the page waits: its open hand-off, looked up for the page's rows only.
  const rows: Array<Record<string, any>> = await db
    .select('pg.*', 'cur.step', 'cur.due_at as step_due_at', 'cur.receiver_id as holder_id', 'cur.receiver_unit as holder_unit', 'hu.full_name as holder_name', 'rd.route_step')
    .from(page.as('pg'))
    .joinRaw(
      `left join lateral (select h.step, h.due_at, h.receiver_id, h.receiver_unit from dossier_handoffs h
         where h.dossier_id = pg.id and h.leg_workflow_id is null and h.done_at is null order by h.opened_seq desc limit 1) cur on true`,
    )
    // Routed dossiers (issue 17): the step of the pinned version, with its holder's unit, role and agency.
    .join('dossiers as rd', 'rd.id', 'pg.id')
    .leftJoin('users as hu', 'hu.id', 'cur.receiver_id')
    .orderByRaw(`pg.sort_key ${dir} nulls last, pg.id ${dir}`);
  const more = rows.length > q.limit;
  const out = rows.slice(0, q.limit).map((r) => ({ ...r, position: { key: r.sort_key, id: Number(r.id) } }) as DossierListRow);
  return { rows: out, next: more ? out[out.length - 1]!.position : null };
}

/** How many rows the filter keeps (the whole list, not a page). */
export async function dossierListTotal(db: Tx, f: DossierListFilter): Promise<number> {
  const r = await listFilter(db, f).count<{ n: string }[]>('* as n');
  return Number(r[0]!.n);
}

/** Dossiers per queue in these agencies, and of those how many are assigned to `userId`. */
export async function queueCounts(db: Tx, agencyIds: readonly number[], userId: number): Promise<Array<{ queue: QueueKey; count: number; mine: number }>> {
  const { rows } = await db.raw(
    `select q.queue, count(*)::int as count, count(*) filter (where d.assignee_id = ?)::int as mine
       from dossiers d cross join lateral (select ${QUEUE_OF} as queue) q
      where d.agency_id = any(?::int[]) and d.status = any(?::text[]) and q.queue is not null
      group by q.queue`,
    [userId, [...agencyIds], QUEUE_STATUSES],
  );
  return rows;
}

// ---------------------------------------------------------------- names in filters

/** A user named by id or username, active or not (a former officer may still hold dossiers). */
export async function findUserByIdOrUsername(db: Tx, idOrUsername: string): Promise<{ id: number; username: string } | undefined> {
  return db('users')
    .where(/^\d{1,9}$/.test(idOrUsername) ? { id: Number(idOrUsername) } : { username: idOrUsername })
    .first('id', 'username');
}

// ---------------------------------------------------------------- officers of an agency

export interface AgencyOfficerRow {
  id: number;
  username: string;
  full_name: string;
  roles: OfficerRole[];
  open_load: number;
  open_load_here: number;
}

/**
 * The active officers of an agency (those holding `role` there, when given), each with their
 * roles there and their load: the open dossiers assigned to them (`openStatuses`), everywhere
 * (what the automatic assignment weighs, db/repositories/users.ts leastLoadedSpecialist) and in
 * this agency. Least loaded first, ties to the lowest id: the order the assignment would pick.
 */
export async function agencyOfficers(db: Tx, agencyId: number, role: OfficerRole | undefined, openStatuses: readonly string[]): Promise<AgencyOfficerRow[]> {
  const { rows } = await db.raw(
    `select u.id, u.username, u.full_name, r.roles,
            (select count(*) from dossiers d where d.assignee_id = u.id and d.status = any(cast(:open as text[])))::int as open_load,
            (select count(*) from dossiers d where d.assignee_id = u.id and d.agency_id = :agency and d.status = any(cast(:open as text[])))::int as open_load_here
       from users u
       join lateral (select array_agg(x.role::text order by x.role::text) as roles from user_roles x where x.user_id = u.id and x.agency_id = :agency) r on r.roles is not null
      where u.active and (cast(:role as text) is null or cast(:role as text) = any(r.roles))
      order by open_load asc, u.id asc`,
    { open: [...openStatuses], agency: agencyId, role: role ?? null },
  );
  return rows;
}
