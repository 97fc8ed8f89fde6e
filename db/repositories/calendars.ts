import type { Tx } from '../connection';
import { WorkingCalendar, type OfficePeriod, type Weekday, type WorkingCalendarData } from '../../domain/calendar';
import type { ClockEntry } from '../../domain/clock-ledger';

/**
 * Working calendars as data (docs/domain.md §5). A version is immutable: a change is a new
 * version. An agency calendar (e.g. a police counter open on Saturday mornings) has its
 * own office hours and days laid over a pinned version of its base calendar (VN-STATE).
 * Every statement on `work_calendars`, `work_calendar_days`, `calendar_recomputations`, and
 * the clock ledger reads the calendar services make; and the one per-process cache of built
 * calendar versions.
 */
export class UnknownCalendarError extends Error {}

export type WeeklyHours = Partial<Record<Weekday, OfficePeriod[]>>;

export interface CalendarRow {
  id: number;
  code: string;
  version: number;
  utc_offset_minutes: number;
  weekly_hours: WeeklyHours;
  coverage_from: string;
  coverage_to: string;
  base_code: string | null;
  base_version: number | null;
}

const COLUMNS = ['id', 'code', 'version', 'utc_offset_minutes', 'weekly_hours', 'coverage_from', 'coverage_to', 'base_code', 'base_version'];

export interface CalendarDayRow {
  day: string;
  kind: 'day_off' | 'working_day';
  name: string;
  provisional: boolean;
  /** The calendar that set this day (the agency's own or its base). */
  source: string;
}

/** The days of one calendar version, the base's first and the agency's own over them. */
export async function calendarDays(db: Tx, row: Pick<CalendarRow, 'id' | 'code' | 'base_code' | 'base_version'>, depth = 0): Promise<CalendarDayRow[]> {
  const byDay = new Map<string, CalendarDayRow>();
  if (row.base_code && row.base_version !== null) {
    if (depth > 4) throw new UnknownCalendarError(`calendar ${row.code} has a base chain that is too deep`);
    const base = await db('work_calendars').where({ code: row.base_code, version: row.base_version }).first(COLUMNS);
    if (!base) throw new UnknownCalendarError(`base calendar ${row.base_code} v${row.base_version} of ${row.code} does not exist`);
    for (const d of await calendarDays(db, base, depth + 1)) byDay.set(d.day, d);
  }
  const own: Array<Omit<CalendarDayRow, 'source'>> = await db('work_calendar_days').where('calendar_id', row.id).select('day', 'kind', 'name', 'provisional');
  for (const d of own) byDay.set(d.day, { ...d, source: row.code });
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

export async function calendarData(db: Tx, row: CalendarRow): Promise<WorkingCalendarData & { days: CalendarDayRow[] }> {
  const days = await calendarDays(db, row);
  return {
    code: row.code,
    version: row.version,
    utcOffsetMinutes: row.utc_offset_minutes,
    weeklyHours: row.weekly_hours,
    daysOff: days.filter((d) => d.kind === 'day_off').map((d) => d.day),
    workingDays: days.filter((d) => d.kind === 'working_day').map((d) => d.day),
    coverage: { from: row.coverage_from, to: row.coverage_to },
    days,
  };
}

/** One version of a calendar, or its latest when no version is given. */
export async function findCalendarRow(db: Tx, code: string, version?: number | null): Promise<CalendarRow | undefined> {
  const q = db('work_calendars').where('code', code);
  if (version !== undefined && version !== null) q.andWhere('version', version);
  return q.orderBy('version', 'desc').first(COLUMNS);
}

/** The latest version of the calendar an agency works by, in one statement (what a new dossier is dated by). */
export async function agencyLatestCalendarRow(db: Tx, agencyEid: string): Promise<CalendarRow> {
  const row = await db('agencies as a')
    .join('work_calendars as c', 'c.id', 'a.calendar_id')
    .joinRaw(`cross join lateral (select ${COLUMNS.map((c) => `w.${c}`).join(', ')} from work_calendars w where w.code = c.code order by w.version desc limit 1) as latest`)
    .where('a.eid', agencyEid)
    .first(COLUMNS.map((c) => `latest.${c}`));
  if (!row) throw new UnknownCalendarError(`agency ${agencyEid} has no working calendar`);
  return row;
}

/** The code of the calendar an agency works by. */
export async function agencyCalendarCode(db: Tx, agencyEid: string): Promise<string> {
  const cal = await db('agencies as a').join('work_calendars as c', 'c.id', 'a.calendar_id').where('a.eid', agencyEid).first('c.code');
  if (!cal) throw new UnknownCalendarError(`agency ${agencyEid} has no working calendar`);
  return cal.code;
}

// A calendar version never changes once written: each is built once per process, whoever asks.
const built = new Map<string, { calendar: WorkingCalendar; dayNames: Map<string, string> }>();

/** The calendar of one version row, with its holiday names, from the per-process cache. */
export async function cachedCalendar(db: Tx, row: CalendarRow): Promise<{ calendar: WorkingCalendar; dayNames: Map<string, string> }> {
  const key = `${row.code}@${row.version}`;
  let hit = built.get(key);
  if (!hit) {
    const data = await calendarData(db, row);
    hit = { calendar: new WorkingCalendar(data), dayNames: new Map(data.days.map((d) => [d.day, d.name])) };
    built.set(key, hit);
  }
  return hit;
}

async function build(db: Tx, row: CalendarRow): Promise<WorkingCalendar> {
  return (await cachedCalendar(db, row)).calendar;
}

export async function loadCalendar(db: Tx, code: string, version?: number | null): Promise<WorkingCalendar> {
  const row = await findCalendarRow(db, code, version);
  if (!row) throw new UnknownCalendarError(`calendar ${code}${version ? ` v${version}` : ''} does not exist`);
  return build(db, row);
}

/** A pinned calendar version, or the agency's latest (built once per version, see cachedCalendar). */
export async function calendarFor(
  db: Tx,
  agencyEid: string,
  pinned: { code: string; version: number } | null,
): Promise<{ calendar: WorkingCalendar; dayNames: Map<string, string> }> {
  if (!pinned) return cachedCalendar(db, await agencyLatestCalendarRow(db, agencyEid));
  const row = await findCalendarRow(db, pinned.code, pinned.version);
  if (!row) throw new UnknownCalendarError(`calendar ${pinned.code} v${pinned.version} does not exist`);
  return cachedCalendar(db, row);
}

/** Loads an agency's working calendar, latest version: what a new dossier is dated by. */
export async function loadAgencyCalendar(db: Tx, agencyEid: string): Promise<WorkingCalendar> {
  return build(db, await agencyLatestCalendarRow(db, agencyEid));
}

// ---------------------------------------------------------------- versions (administration)

/** A whole `work_calendars` row. */
export interface CalendarVersionRow extends CalendarRow {
  name: string;
  created_by: number | null;
  change_reason: string | null;
  created_at: Date;
}

/** A calendar's own day (`work_calendar_days`), without the base's. */
export interface CalendarOwnDayRow {
  day: string;
  kind: 'day_off' | 'working_day';
  name: string;
  provisional: boolean;
}

/** Serialises writers of one calendar code until the transaction ends. */
export async function lockCalendarCode(trx: Tx, code: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`work_calendar:${code}`]);
}

export async function latestCalendarVersion(db: Tx, code: string): Promise<CalendarVersionRow | undefined> {
  return db('work_calendars').where('code', code).orderBy('version', 'desc').first();
}

export async function findCalendarVersion(db: Tx, code: string, version: number): Promise<CalendarVersionRow | undefined> {
  return db('work_calendars').where({ code, version }).first();
}

export async function calendarOwnDays(db: Tx, calendarId: number): Promise<CalendarOwnDayRow[]> {
  return db('work_calendar_days').where('calendar_id', calendarId).orderBy('day').select('day', 'kind', 'name', 'provisional');
}

/** Writes one version row; a second writer of the same code and version fails on the unique key (23505). */
export async function insertCalendarVersion(
  trx: Tx,
  values: {
    code: string;
    version: number;
    name: string;
    utc_offset_minutes: number;
    weekly_hours: string;
    coverage_from: string;
    coverage_to: string;
    base_code: string | null;
    base_version: number | null;
    created_by: number;
    change_reason: string;
  },
): Promise<CalendarVersionRow> {
  const [row] = await trx('work_calendars').insert(values).returning('*');
  return row;
}

export async function insertCalendarDays(trx: Tx, calendarId: number, days: readonly CalendarOwnDayRow[]): Promise<void> {
  await trx('work_calendar_days').insert(days.map((d) => ({ calendar_id: calendarId, day: d.day, kind: d.kind, name: d.name, provisional: d.provisional })));
}

/** Codes whose latest version is built on `baseCode` (any version of it). */
export async function codesDerivedFrom(db: Tx, baseCode: string): Promise<string[]> {
  const latest = db('work_calendars').distinctOn('code').orderBy([{ column: 'code' }, { column: 'version', order: 'desc' }]).select('code', 'base_code');
  const rows: Array<{ code: string }> = await db.from(latest.as('l')).where('l.base_code', baseCode).orderBy('l.code').select('l.code');
  return rows.map((r) => r.code);
}

// ---------------------------------------------------------------- reading (officers)

/** How many agencies work by each calendar code. */
export async function agencyCountsByCalendar(db: Tx): Promise<Map<string, number>> {
  const rows: Array<{ code: string; n: number | string }> = await db('agencies as a')
    .join('work_calendars as c', 'c.id', 'a.calendar_id')
    .groupBy('c.code')
    .select('c.code', db.raw('count(*) as n'));
  return new Map(rows.map((r) => [r.code, Number(r.n)]));
}

/** The latest version of every calendar, by code. */
export async function latestCalendarVersions(db: Tx): Promise<CalendarVersionRow[]> {
  return db('work_calendars')
    .distinctOn('code')
    .orderBy([{ column: 'code' }, { column: 'version', order: 'desc' }])
    .select('*');
}

/** Every version of a calendar, newest first, with its author's username. */
export async function calendarVersionHistory(
  db: Tx,
  code: string,
): Promise<Array<{ version: number; base_code: string | null; base_version: number | null; created_at: Date; change_reason: string | null; username: string | null }>> {
  return db('work_calendars as c')
    .leftJoin('users as u', 'u.id', 'c.created_by')
    .where('c.code', code)
    .orderBy('c.version', 'desc')
    .select('c.version', 'c.base_code', 'c.base_version', 'c.created_at', 'c.change_reason', 'u.username');
}

/** Who wrote a version. */
export async function findCalendarAuthor(db: Tx, userId: number): Promise<{ id: number; username: string; full_name: string } | undefined> {
  return db('users').where('id', userId).first('id', 'username', 'full_name');
}

/** Agencies working by a calendar code. */
export async function agenciesOnCalendar(db: Tx, code: string): Promise<Array<{ eid: string; name: string }>> {
  return db('agencies as a').join('work_calendars as c', 'c.id', 'a.calendar_id').where('c.code', code).orderBy('a.eid').select('a.eid', 'a.name');
}

// ---------------------------------------------------------------- the clock ledger

/** One row of `dossier_clock_entries` as knex returns it (jsonb parsed, timestamptz as Date). */
export interface ClockEntryRow {
  id?: number | string;
  seq: number;
  kind: ClockEntry['kind'];
  at: Date | string;
  reason: string | null;
  legal_basis: string | null;
  actor_id: number | null;
  data: Record<string, unknown> | string | null;
}

/** The columns `ledgerFromRows` reads, for `select`. */
export const CLOCK_ENTRY_COLUMNS = ['id', 'dossier_id', 'seq', 'kind', 'at', 'reason', 'legal_basis', 'actor_id', 'data'] as const;

/** The clock ledger rows of these dossiers. */
export async function clockEntriesOf(db: Tx, dossierIds: readonly number[]): Promise<Array<ClockEntryRow & { dossier_id: number }>> {
  return db('dossier_clock_entries')
    .whereIn('dossier_id', dossierIds)
    .select(...CLOCK_ENTRY_COLUMNS);
}

/** One dossier's clock ledger in order, each entry with its actor's name. */
export async function clockEntriesWithActors(db: Tx, dossierId: number): Promise<Array<ClockEntryRow & { id: number | string; actor_name: string | null }>> {
  return db('dossier_clock_entries as c')
    .leftJoin('users as u', 'u.id', 'c.actor_id')
    .where('c.dossier_id', dossierId)
    .orderBy([{ column: 'c.seq' }, { column: 'c.id' }])
    .select('c.id', 'c.seq', 'c.kind', 'c.at', 'c.reason', 'c.legal_basis', 'c.actor_id', 'c.data', 'u.full_name as actor_name');
}

// ---------------------------------------------------------------- deadlines of dossiers

export interface DossierDeadlineRow {
  id: number;
  code: string;
  agency_id: number;
  agency_eid: string;
  status: string;
  received_at: Date | null;
  appointment_at: Date | null;
  due_at: Date | null;
  calendar_code: string;
  calendar_version: number;
  deadline_state: string | null;
  escalation_level: number | null;
  supplement_requests: number;
  apology_issued_at: Date | null;
  /** The procedure's warning ahead of the appointment, in working hours (numeric: a string). */
  warn_before_hours: string;
}

/** What the deadline explanation of a dossier starts from. */
export async function findDossierDeadline(db: Tx, code: string): Promise<DossierDeadlineRow | undefined> {
  return db('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .join('procedures as p', 'p.id', 'd.procedure_id')
    .where('d.code', code)
    .first(
      'd.id',
      'd.code',
      'd.agency_id',
      'a.eid as agency_eid',
      'd.status',
      'd.received_at',
      'd.appointment_at',
      'd.due_at',
      'd.calendar_code',
      'd.calendar_version',
      'd.deadline_state',
      'd.escalation_level',
      'd.supplement_requests',
      'd.apology_issued_at',
      'p.warn_before_hours',
    );
}

/** The first event of a dossier into one of `statuses` (the end of its legal clock). */
export async function firstEventInto(db: Tx, dossierId: number, statuses: readonly string[]): Promise<{ occurred_at: Date; to_status: string } | undefined> {
  return db('dossier_events').where('dossier_id', dossierId).whereIn('to_status', statuses).orderBy('seq').first('occurred_at', 'to_status');
}

/** Received, undecided dossiers of agencies working by `code`, dated by a version of it older than `version`. */
export async function dossiersDatedBefore(
  db: Tx,
  code: string,
  version: number,
  closedStatuses: readonly string[],
): Promise<Array<{ id: number; code: string; workflow_id: string; agency_id: number; calendar_version: number; due_at: Date | null; appointment_at: Date | null }>> {
  return db('dossiers as d')
    .join('agencies as a', 'a.id', 'd.agency_id')
    .join('work_calendars as c', 'c.id', 'a.calendar_id')
    .where('c.code', code)
    .andWhere('d.calendar_code', code)
    .andWhere('d.calendar_version', '<', version)
    .whereNotNull('d.received_at')
    .whereNotIn('d.status', closedStatuses)
    .orderBy('d.id')
    .select('d.id', 'd.code', 'd.workflow_id', 'd.agency_id', 'd.calendar_version', 'd.due_at', 'd.appointment_at');
}

// ---------------------------------------------------------------- recomputations

export async function insertRecomputation(
  db: Tx,
  values: { calendar_code: string; to_version: number; requested_by: number; reason: string },
): Promise<{ id: number | string; created_at: Date }> {
  const [log] = await db('calendar_recomputations').insert(values).returning(['id', 'created_at']);
  return log;
}

/** Records the outcomes so far (JSON text). */
export async function updateRecomputationDossiers(db: Tx, id: number, dossiers: string): Promise<void> {
  await db('calendar_recomputations').where('id', id).update({ dossiers });
}

/** Records the final outcomes and the end of the run; returns when it finished. */
export async function finishRecomputation(db: Tx, id: number, dossiers: string): Promise<Date> {
  const [done] = await db('calendar_recomputations').where('id', id).update({ dossiers, finished_at: db.fn.now() }).returning('finished_at');
  return done.finished_at;
}

export async function recomputationsOf(
  db: Tx,
  code: string,
): Promise<Array<{ id: number | string; to_version: number; reason: string; dossiers: unknown; created_at: Date; finished_at: Date | null; user_id: number; username: string }>> {
  return db('calendar_recomputations as r')
    .join('users as u', 'u.id', 'r.requested_by')
    .where('r.calendar_code', code)
    .orderBy('r.id', 'desc')
    .select('r.id', 'r.to_version', 'r.reason', 'r.dossiers', 'r.created_at', 'r.finished_at', 'u.id as user_id', 'u.username');
}
