import type { Knex } from 'knex';
import { WorkingCalendar, type OfficePeriod, type Weekday, type WorkingCalendarData } from '../domain/calendar';

/**
 * Working calendars as data (DOMAIN.md §5). A version is immutable: a change is a new
 * version. An agency calendar (e.g. a police counter open on Saturday mornings) has its
 * own office hours and days laid over a pinned version of its base calendar (VN-STATE).
 */
export class UnknownCalendarError extends Error {}

interface CalendarRow {
  id: number;
  code: string;
  version: number;
  utc_offset_minutes: number;
  weekly_hours: Partial<Record<Weekday, OfficePeriod[]>>;
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
export async function calendarDays(db: Knex, row: Pick<CalendarRow, 'id' | 'code' | 'base_code' | 'base_version'>, depth = 0): Promise<CalendarDayRow[]> {
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

// A calendar version never changes once written: each is built once per process, whoever asks.
const built = new Map<string, { calendar: WorkingCalendar; dayNames: Map<string, string> }>();

/** The calendar of one version row, with its holiday names, from the per-process cache. */
export async function cachedCalendar(db: Knex, row: CalendarRow): Promise<{ calendar: WorkingCalendar; dayNames: Map<string, string> }> {
  const key = `${row.code}@${row.version}`;
  let hit = built.get(key);
  if (!hit) {
    const data = await calendarData(db, row);
    hit = { calendar: new WorkingCalendar(data), dayNames: new Map(data.days.map((d) => [d.day, d.name])) };
    built.set(key, hit);
  }
  return hit;
}

async function build(db: Knex, row: CalendarRow): Promise<WorkingCalendar> {
  return (await cachedCalendar(db, row)).calendar;
}

export async function calendarData(db: Knex, row: CalendarRow): Promise<WorkingCalendarData & { days: CalendarDayRow[] }> {
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
export async function findCalendarRow(db: Knex, code: string, version?: number | null): Promise<CalendarRow | undefined> {
  const q = db('work_calendars').where('code', code);
  if (version !== undefined && version !== null) q.andWhere('version', version);
  return q.orderBy('version', 'desc').first(COLUMNS);
}

export async function loadCalendar(db: Knex, code: string, version?: number | null): Promise<WorkingCalendar> {
  const row = await findCalendarRow(db, code, version);
  if (!row) throw new UnknownCalendarError(`calendar ${code}${version ? ` v${version}` : ''} does not exist`);
  return build(db, row);
}

/** The code of the calendar an agency works by. */
export async function agencyCalendarCode(db: Knex, agencyEid: string): Promise<string> {
  const cal = await db('agencies as a').join('work_calendars as c', 'c.id', 'a.calendar_id').where('a.eid', agencyEid).first('c.code');
  if (!cal) throw new UnknownCalendarError(`agency ${agencyEid} has no working calendar`);
  return cal.code;
}

/** Loads an agency's working calendar, latest version: what a new dossier is dated by. */
export async function loadAgencyCalendar(db: Knex, agencyEid: string): Promise<WorkingCalendar> {
  return loadCalendar(db, await agencyCalendarCode(db, agencyEid));
}
